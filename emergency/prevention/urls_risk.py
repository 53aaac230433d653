"""Risk points, assessments, QR codes and the phone check pages (namespace `prevention`)."""

from django.urls import path

from . import views_mobile, views_risk

urlpatterns = [
    path("risk-points/", views_risk.risk_point_list, name="risk_point_list"),
    path("risk-points/new/", views_risk.risk_point_create, name="risk_point_create"),
    path("risk-points/<int:pk>/", views_risk.risk_point_detail, name="risk_point_detail"),
    path("risk-points/<int:pk>/factors/", views_risk.risk_factor_add, name="risk_factor_add"),
    path("risk-points/<int:pk>/measures/", views_risk.risk_measure_add, name="risk_measure_add"),
    path("risk-points/<int:pk>/assess/", views_risk.risk_assess, name="risk_assess"),
    path("risk-points/<int:pk>/qr.svg", views_risk.risk_point_qr, name="risk_point_qr"),
    # Phone pages, opened from the QR code on site.
    path("m/check/<int:pk>/", views_mobile.mobile_check, name="mobile_check"),
    path("m/check/<int:pk>/done/", views_mobile.mobile_check_done, name="mobile_check_done"),
    path("m/<str:token>/", views_mobile.mobile_point, name="mobile_point"),
]
