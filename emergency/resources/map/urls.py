"""The resource map (namespace `resources`, at resources/)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.resource_map, name="map"),
    path("map/<slug:kind>.geojson", views.map_layer, name="map_layer"),
]
