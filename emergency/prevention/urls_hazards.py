"""Hidden hazards (mounted at prevention/hazards/ in the `prevention` namespace)."""

from django.urls import path

from . import views_hazards as v

urlpatterns = [
    path("", v.hazard_list, name="hazard_list"),
    path("report/", v.hazard_report, name="hazard_report"),
    path("<int:pk>/", v.hazard_detail, name="hazard_detail"),
    path("<int:pk>/register/", v.hazard_register, name="hazard_register"),
    path("<int:pk>/assess/", v.hazard_assess, name="hazard_assess"),
    path("<int:pk>/plan/", v.hazard_plan, name="hazard_plan"),
    path("<int:pk>/dual-report/", v.hazard_dual_report, name="hazard_dual_report"),
    path("<int:pk>/start/", v.hazard_start, name="hazard_start"),
    path("<int:pk>/submit/", v.hazard_submit, name="hazard_submit"),
    path("<int:pk>/accept/", v.hazard_accept, name="hazard_accept"),
    path("<int:pk>/supervise/", v.hazard_supervise, name="hazard_supervise"),
    path("<int:pk>/photos/", v.hazard_photos, name="hazard_photos"),
]
