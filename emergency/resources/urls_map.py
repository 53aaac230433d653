"""The resource map (namespace `resources`, at resources/)."""

from django.urls import path

from . import views_map

urlpatterns = [
    path("", views_map.resource_map, name="map"),
    path("map/<slug:kind>.geojson", views_map.map_layer, name="map_layer"),
]
