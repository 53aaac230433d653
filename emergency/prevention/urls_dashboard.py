from django.urls import path

from . import views_dashboard as views

# The regulator's view (namespace "prevention", included by urls.py).
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("ledger/hazards/", views.ledger_hazards, name="ledger_hazards"),
    path("ledger/hazards/export.xlsx", views.ledger_hazards_export, name="ledger_hazards_export"),
    path("ledger/risk-points/", views.ledger_risk_points, name="ledger_risk_points"),
    path("ledger/risk-points/export.xlsx", views.ledger_risk_points_export, name="ledger_risk_points_export"),
    path("map/", views.risk_map, name="risk_map"),
    path("map/points.geojson", views.risk_map_points, name="risk_map_points"),
]
