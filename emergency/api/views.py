from __future__ import annotations

from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, viewsets
from rest_framework.decorators import api_view
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from emergency.core import scoping, selectors, services
from emergency.core.models import AuditEvent, Department, Division, Notification
from emergency.core.notifications import visible_notifications
from emergency.core.roles import BUREAU_ROLES, Role, can_read_audit, can_see_business
from emergency.core.scoping import get_for_user, scope_queryset

from . import serializers as s


class BusinessUser(permissions.BasePermission):
    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and can_see_business(request.user))


def readers_of(model) -> type[permissions.BasePermission]:
    """A permission class: 403 unless the model's ScopeSpec lets the caller's role read it (core.scoping), the
    API's side of `core.views.readers_required`. The rows are then scoped by the viewset's queryset."""

    class ModelReaders(permissions.BasePermission):
        def has_permission(self, request, view):
            return scoping.may_read(request.user, model)

    ModelReaders.__name__ = f"{model.__name__}Readers"
    return ModelReaders


class AuditReader(permissions.BasePermission):
    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and can_read_audit(request.user))


class DivisionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Administrative divisions, scoped to the caller's jurisdiction."""

    serializer_class = s.DivisionSerializer
    permission_classes = [BusinessUser]
    filter_backends = [DjangoFilterBackend]
    filterset_class = selectors.DivisionFilter

    def get_queryset(self):
        return scope_queryset(self.request.user, Division.objects.filter(archived_at__isnull=True)
                              .select_related("parent"))

    @extend_schema(request=s.DivisionCreateSerializer, responses={201: s.DivisionSerializer})
    def create(self, request):
        user = request.user
        if not (user.role in BUREAU_ROLES or user.role == Role.SUBDISTRICT):
            raise PermissionDenied()
        ser = s.DivisionCreateSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        parent = ser.validated_data["parent"]
        get_for_user(user, Division.objects.all(), pk=parent.pk)
        division = services.division_create(acting_user=user, **ser.validated_data)
        return Response(s.DivisionSerializer(division).data, status=201)

    @extend_schema(request=s.DivisionUpdateSerializer, responses={200: s.DivisionSerializer})
    def partial_update(self, request, pk=None):
        division, can_write = get_for_user(request.user, Division.objects.all(), pk=pk)
        if not can_write:
            raise PermissionDenied()
        ser = s.DivisionUpdateSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        services.division_update(acting_user=request.user, division=division, data=dict(ser.validated_data))
        return Response(s.DivisionSerializer(division).data)


class DepartmentViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.DepartmentSerializer
    permission_classes = [BusinessUser]
    filter_backends = [DjangoFilterBackend]
    filterset_class = selectors.DepartmentFilter

    def get_queryset(self):
        return scope_queryset(self.request.user, Department.objects.filter(archived_at__isnull=True)
                              ).prefetch_related("aliases", "members")


class NotificationViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.NotificationSerializer
    queryset = Notification.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Notification.objects.none()
        return visible_notifications(self.request.user)


class AuditEventViewSet(viewsets.ReadOnlyModelViewSet):
    """Read-only: the audit log has no write endpoint at all."""

    serializer_class = s.AuditEventSerializer
    permission_classes = [AuditReader]
    filter_backends = [DjangoFilterBackend]
    filterset_class = selectors.AuditFilter
    queryset = AuditEvent.objects.all()


@extend_schema(responses=s.MeSerializer)
@api_view(["GET"])
def me(request):
    return Response(s.MeSerializer(request.user).data)
