from django.urls import include, path

app_name = "prevention"

# Each area keeps its own URL list (risk points and inspections, hidden hazards, the regulator's view).
urlpatterns = [
    path("", include("emergency.prevention.urls_dashboard")),
    path("", include("emergency.prevention.urls_risk")),
    path("hazards/", include("emergency.prevention.urls_hazards")),
]
