from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import serializers

from emergency.core.models import AuditEvent, Department, Division, Notification


class StrictSerializer(serializers.Serializer):
    """Rejects fields it does not know, naming each one (a typo must not be silently dropped)."""

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            raise serializers.ValidationError({"non_field_errors": [_("Expected a JSON object.")]})
        unknown = set(data) - {name for name, f in self.fields.items() if not f.read_only}
        if unknown:
            raise serializers.ValidationError({name: [_("Unknown field.")] for name in sorted(unknown)})
        return super().to_internal_value(data)


class DivisionSerializer(serializers.ModelSerializer):
    parent_code = serializers.CharField(source="parent.code", read_only=True, default=None)

    class Meta:
        model = Division
        fields = ["id", "code", "name", "level", "parent", "parent_code", "population", "latitude", "longitude",
                  "contact_name", "contact_phone", "is_synthetic", "created_at", "updated_at"]
        read_only_fields = fields


class DivisionCreateSerializer(StrictSerializer):
    code = serializers.RegexField(r"^\d{9,20}$", max_length=20)
    name = serializers.CharField(max_length=100)
    level = serializers.ChoiceField(choices=[Division.Level.COMMUNITY, Division.Level.GRID])
    parent = serializers.PrimaryKeyRelatedField(queryset=Division.objects.filter(archived_at__isnull=True))
    population = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    latitude = serializers.FloatField(min_value=-90, max_value=90, required=False, allow_null=True)
    longitude = serializers.FloatField(min_value=-180, max_value=180, required=False, allow_null=True)
    contact_name = serializers.CharField(max_length=50, required=False, allow_blank=True)
    contact_phone = serializers.CharField(max_length=30, required=False, allow_blank=True)
    is_synthetic = serializers.BooleanField(required=False)


class DivisionUpdateSerializer(StrictSerializer):
    name = serializers.CharField(max_length=100, required=False)
    population = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    latitude = serializers.FloatField(min_value=-90, max_value=90, required=False, allow_null=True)
    longitude = serializers.FloatField(min_value=-180, max_value=180, required=False, allow_null=True)
    contact_name = serializers.CharField(max_length=50, required=False, allow_blank=True)
    contact_phone = serializers.CharField(max_length=30, required=False, allow_blank=True)


class DepartmentSerializer(serializers.ModelSerializer):
    aliases = serializers.SlugRelatedField(many=True, read_only=True, slug_field="alias")
    members = serializers.SlugRelatedField(many=True, read_only=True, slug_field="name")

    class Meta:
        model = Department
        fields = ["id", "name", "short_name", "kind", "division", "aliases", "members"]
        read_only_fields = fields


class NotificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "title", "body", "url", "created_at", "read_at"]
        read_only_fields = fields


class AuditEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditEvent
        fields = ["id", "event_time", "actor_username", "event_type", "success", "object_type", "object_id",
                  "object_repr", "changes", "ip_address"]
        read_only_fields = fields


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    full_name = serializers.CharField()
    role = serializers.CharField()
    department = serializers.CharField(source="department.name", default=None)
    division = serializers.CharField(source="division.name", default=None)
