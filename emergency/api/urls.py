from django.urls import include, path

from emergency.enterprises.api import EnterpriseViewSet

from . import views
from .routers import IdRouter

router = IdRouter()
router.register("divisions", views.DivisionViewSet, basename="division")
router.register("departments", views.DepartmentViewSet, basename="department")
router.register("notifications", views.NotificationViewSet, basename="notification")
router.register("audit-events", views.AuditEventViewSet, basename="auditevent")
router.register("enterprises", EnterpriseViewSet, basename="enterprise")

urlpatterns = [
    path("me/", views.me, name="api-me"),
    path("prevention/", include("emergency.prevention.api")),
    path("resources/", include("emergency.resources.api")),
    *router.urls,
]
