"""Teams, experts and equipment (mounted at resources/teams/, namespace `resources`)."""

from django.urls import path

from . import views as v

urlpatterns = [
    path("", v.team_list, name="team_list"),
    path("new/", v.team_create, name="team_create"),
    path("export.xlsx", v.team_export, name="team_export"),
    path("<int:pk>/", v.team_detail, name="team_detail"),
    path("<int:pk>/edit/", v.team_edit, name="team_edit"),
    path("<int:pk>/readiness/", v.team_readiness, name="team_readiness"),
    path("<int:pk>/members/", v.team_member_add, name="team_member_add"),
    path("<int:pk>/records/", v.team_record_add, name="team_record_add"),
    path("experts/", v.expert_list, name="expert_list"),
    path("experts/new/", v.expert_create, name="expert_create"),
    path("experts/me/", v.expert_me, name="expert_me"),
    path("experts/export.xlsx", v.expert_export, name="expert_export"),
    path("experts/<int:pk>/", v.expert_detail, name="expert_detail"),
    path("experts/<int:pk>/edit/", v.expert_edit, name="expert_edit"),
    path("equipment/", v.equipment_list, name="equipment_list"),
    path("equipment/new/", v.equipment_create, name="equipment_create"),
    path("equipment/export.xlsx", v.equipment_export, name="equipment_export"),
    path("equipment/<int:pk>/", v.equipment_detail, name="equipment_detail"),
    path("equipment/<int:pk>/status/", v.equipment_status, name="equipment_status"),
]
