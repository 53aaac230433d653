"""Read-only API of the registry (/api/v1/enterprises/): scoped like the UI, phones masked in the list."""

from __future__ import annotations

from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import serializers, viewsets

from emergency.api.views import readers_of
from emergency.core.scoping import scope_queryset
from emergency.lib.masking import mask_phone

from . import selectors
from .models import Enterprise

PHONE_FIELDS = ("principal_phone", "safety_manager_phone")


class EnterpriseSerializer(serializers.ModelSerializer):
    division_code = serializers.CharField(source="division.code", read_only=True)
    division_name = serializers.CharField(source="division.name", read_only=True)

    class Meta:
        model = Enterprise
        fields = ["id", "name", "credit_code", "industry", "above_scale", "employees", "division", "division_code",
                  "division_name", "address", "latitude", "longitude", "legal_representative", "principal",
                  "principal_phone", "safety_manager", "safety_manager_phone", "hazardous_chemicals",
                  "major_hazard_source", "dust_explosion", "ammonia_refrigeration", "confined_space",
                  "standardisation", "enforcement_category", "is_synthetic", "created_at", "updated_at"]
        read_only_fields = fields


class EnterpriseListSerializer(EnterpriseSerializer):
    def to_representation(self, instance):
        data = super().to_representation(instance)
        for name in PHONE_FIELDS:
            data[name] = mask_phone(data[name] or "")
        return data


class EnterpriseViewSet(viewsets.ReadOnlyModelViewSet):
    """Enterprises the caller may see. Filters: q, subdistrict, division (its subtree), industry, above_scale
    (1/0), flag, enforcement_category. Phone numbers are masked in the list and shown in full on one record."""

    permission_classes = [readers_of(Enterprise)]  # enterprises/scopes.py
    filter_backends = [DjangoFilterBackend]
    filterset_class = selectors.EnterpriseFilter
    queryset = Enterprise.objects.none()

    def get_serializer_class(self):
        return EnterpriseListSerializer if self.action == "list" else EnterpriseSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Enterprise.objects.none()
        return scope_queryset(self.request.user, selectors.active_enterprises()).order_by("name", "pk")
