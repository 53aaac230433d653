from django.urls import include, path

app_name = "resources"

# Each sub-package keeps its own URL list: the map, stock (with the documents), shelters, teams (experts and
# equipment too) and the agreement reserves, which live under teams/ in the address.
urlpatterns = [
    path("", include("emergency.resources.map.urls")),
    path("stock/", include("emergency.resources.stock.urls")),
    path("shelters/", include("emergency.resources.shelters.urls")),
    path("teams/", include("emergency.resources.teams.urls")),
    path("teams/reserves/", include("emergency.resources.reserves.urls")),
]
