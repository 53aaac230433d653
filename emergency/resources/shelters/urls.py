"""Shelters (namespace `resources`, under resources/shelters/)."""

from django.urls import path

from . import views as v

urlpatterns = [
    path("", v.shelter_list, name="shelter_list"),
    path("new/", v.shelter_create, name="shelter_create"),
    path("<int:pk>/", v.shelter_detail, name="shelter_detail"),
    path("<int:pk>/open/", v.shelter_open, name="shelter_open"),
    path("<int:pk>/close/", v.shelter_close, name="shelter_close"),
    path("<int:pk>/check-in/", v.shelter_check_in, name="shelter_check_in"),
    path("stays/<int:pk>/check-out/", v.shelter_check_out, name="shelter_check_out"),
    path("<int:pk>/qr.svg", v.shelter_qr, name="shelter_qr"),
    # Public: the page the QR code opens, no login.
    path("p/<str:token>/", v.shelter_public, name="shelter_public"),
    path("export.xlsx", v.shelter_export, name="shelter_export"),
]
