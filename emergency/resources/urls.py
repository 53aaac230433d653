from django.urls import include, path

app_name = "resources"

# Each area keeps its own URL list: the stock ledger, shelters, teams/experts/equipment, the map.
urlpatterns = [
    path("", include("emergency.resources.urls_map")),
    path("stock/", include("emergency.resources.urls_stock")),
    path("stock/documents/", include("emergency.resources.urls_documents")),
    path("shelters/", include("emergency.resources.urls_shelters")),
    path("teams/", include("emergency.resources.urls_teams")),
]
