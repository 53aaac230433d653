"""Agreement reserves (namespace `resources`, mounted at resources/teams/reserves/)."""

from django.urls import path

from . import views as v

urlpatterns = [
    path("", v.reserve_list, name="reserve_list"),
    path("new/", v.reserve_create, name="reserve_create"),
    path("export.xlsx", v.reserve_export, name="reserve_export"),
    path("<int:pk>/", v.reserve_detail, name="reserve_detail"),
    path("<int:pk>/warehouse/", v.reserve_warehouse, name="reserve_warehouse"),
]
