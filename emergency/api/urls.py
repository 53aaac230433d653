from __future__ import annotations

from django.urls import include, path

from emergency.core import registry

from . import views
from .routers import IdRouter

router = IdRouter()
# Core's own resources.
router.register("divisions", views.DivisionViewSet, basename="division")
router.register("departments", views.DepartmentViewSet, basename="department")
router.register("notifications", views.NotificationViewSet, basename="notification")
router.register("audit-events", views.AuditEventViewSet, basename="auditevent")
# The domains' (each app's ready() registered them; the URLconf is built after every app is ready).
for route in registry.api_routes():
    router.register(route.prefix, route.viewset_class(), basename=route.basename)

urlpatterns = [
    path("me/", views.me, name="api-me"),
    *(path(urls.prefix, include(urls.urlconf)) for urls in registry.api_urls()),
    *router.urls,
]
