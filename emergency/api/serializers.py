from __future__ import annotations

import re

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext as _
from rest_framework import serializers

from emergency.core.models import AuditEvent, Department, Division, Notification


class ErrorBodySerializer(serializers.Serializer):
    code = serializers.CharField(read_only=True, help_text="Machine-readable: invalid, parse_error, "
                                                           "not_authenticated, permission_denied, not_found, …")
    message = serializers.CharField(read_only=True)
    fields = serializers.DictField(child=serializers.ListField(child=serializers.CharField()), read_only=True,
                                   help_text="The parameter or body field → its messages (empty if none).")


class ErrorSerializer(serializers.Serializer):
    """The one error format of the API (`errors.exception_handler`)."""

    error = ErrorBodySerializer(read_only=True)


_DECIMAL = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")


def _wrong_json_type(field: serializers.Field, value) -> tuple[str, dict] | None:
    """The error key when `value` is not of the JSON type the schema gives `field`: DRF converts on its own
    ("12" for an integer, 0 for a string, "yes" for a boolean), which the schema does not allow."""
    if value is None:
        return None
    if isinstance(field, serializers.BooleanField):
        return None if isinstance(value, bool) else ("invalid", {})
    if isinstance(field, serializers.CharField):
        return None if isinstance(value, str) else ("invalid", {})
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if isinstance(field, serializers.DecimalField):  # a number, or a string of one (the form preview sends those)
        return None if number or (isinstance(value, str) and _DECIMAL.fullmatch(value)) else ("invalid", {})
    if isinstance(field, (serializers.IntegerField, serializers.FloatField)):
        return None if number else ("invalid", {})
    if isinstance(field, serializers.PrimaryKeyRelatedField):
        ok = isinstance(value, int) and not isinstance(value, bool)
        return None if ok else ("incorrect_type", {"data_type": type(value).__name__})
    if isinstance(field, serializers.ChoiceField) and all(isinstance(k, str) for k in field.choices):
        return None if isinstance(value, str) else ("invalid_choice", {"input": value})
    return None


def _raw_text_errors(field: serializers.Field, value) -> list[str]:
    """A string is checked as sent, before DRF trims it: the schema's pattern and maxLength apply to the
    value on the wire ("\x0bname" must not pass because the control character is trimmed away)."""
    if not isinstance(field, serializers.CharField) or not isinstance(value, str):
        return []
    if field.max_length is not None and len(value) > field.max_length:
        return [field.error_messages["max_length"].format(max_length=field.max_length)]
    errors = []
    for validator in field.validators:
        if isinstance(validator, RegexValidator):
            try:
                validator(value)
            except DjangoValidationError as exc:
                errors += exc.messages
    return errors


class StrictSerializer(serializers.Serializer):
    """A request body: rejects fields it does not know, naming each one (a typo must not be silently dropped),
    values of another JSON type than the schema says (`additionalProperties: false`, api/schema.py) and text
    the schema refuses as sent."""

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            raise serializers.ValidationError({"non_field_errors": [_("Expected a JSON object.")]})
        unknown = set(data) - {name for name, f in self.fields.items() if not f.read_only}
        if unknown:
            raise serializers.ValidationError({name: [_("Unknown field.")] for name in sorted(unknown)})
        errors = {}
        for name, value in data.items():
            wrong = _wrong_json_type(self.fields[name], value)
            if wrong is not None:
                key, kwargs = wrong
                errors[name] = [self.fields[name].error_messages[key].format(**kwargs)]
            elif raw := _raw_text_errors(self.fields[name], value):
                errors[name] = raw
        if errors:
            raise serializers.ValidationError(errors)
        return super().to_internal_value(data)


POPULATION_MAX = 2_147_483_647  # a PositiveIntegerField: 32 bits on PostgreSQL


class DivisionSerializer(serializers.ModelSerializer):
    parent_code = serializers.CharField(source="parent.code", read_only=True, default=None, allow_null=True)

    class Meta:
        model = Division
        fields = ["id", "code", "name", "level", "parent", "parent_code", "population", "latitude", "longitude",
                  "contact_name", "contact_phone", "is_synthetic", "created_at", "updated_at"]
        read_only_fields = fields


class DivisionCreateSerializer(StrictSerializer):
    code = serializers.RegexField(r"^[0-9]{9,20}$", max_length=20)  # not \d: it takes "١٢٣"
    name = serializers.CharField(max_length=100)
    level = serializers.ChoiceField(choices=[Division.Level.COMMUNITY, Division.Level.GRID])
    parent = serializers.PrimaryKeyRelatedField(queryset=Division.objects.filter(archived_at__isnull=True))
    population = serializers.IntegerField(min_value=0, max_value=POPULATION_MAX, required=False, allow_null=True)
    latitude = serializers.FloatField(min_value=-90, max_value=90, required=False, allow_null=True)
    longitude = serializers.FloatField(min_value=-180, max_value=180, required=False, allow_null=True)
    contact_name = serializers.CharField(max_length=50, required=False, allow_blank=True)
    contact_phone = serializers.CharField(max_length=30, required=False, allow_blank=True)
    is_synthetic = serializers.BooleanField(required=False)


class DivisionUpdateSerializer(StrictSerializer):
    name = serializers.CharField(max_length=100, required=False)
    population = serializers.IntegerField(min_value=0, max_value=POPULATION_MAX, required=False, allow_null=True)
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
    username = serializers.CharField(read_only=True)
    full_name = serializers.CharField(read_only=True)
    role = serializers.CharField(read_only=True)
    department = serializers.CharField(source="department.name", read_only=True, default=None, allow_null=True)
    division = serializers.CharField(source="division.name", read_only=True, default=None, allow_null=True)
