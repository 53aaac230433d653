"""Use case: equipment belongs to a team or a warehouse; its status (in service, deployed, maintenance, lost,
scrapped) changes only through the service, which logs and audits each change; lost and scrapped are final."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from conftest import login
from emergency.core.models import AuditEvent
from emergency.resources.shared.services import NotAllowed
from emergency.resources.teams import services as services_teams
from emergency.resources.teams.models import Equipment, EquipmentStatusLog

from .conftest import st_make_warehouse


@pytest.fixture
def pump(tm_team_a, bureau_officer) -> Equipment:
    return services_teams.equipment_create(acting_user=bureau_officer, name="排水泵", model_spec="300m³/h",
                                           quantity=2, team=tm_team_a)


def _statuses(equipment) -> list[tuple[str, str]]:
    return list(equipment.status_log.order_by("at", "pk").values_list("from_status", "to_status"))


def test_each_change_is_logged_with_who_when_and_why_and_audited(pump, subdistrict_officer):
    services_teams.equipment_set_status(acting_user=subdistrict_officer, equipment=pump, status="deployed",
                                        note="出动排涝")
    services_teams.equipment_set_status(acting_user=subdistrict_officer, equipment=pump, status="maintenance")
    services_teams.equipment_set_status(acting_user=subdistrict_officer, equipment=pump, status="in_service")
    assert Equipment.objects.get(pk=pump.pk).status == "in_service"
    assert _statuses(pump) == [("", "in_service"), ("in_service", "deployed"), ("deployed", "maintenance"),
                               ("maintenance", "in_service")]
    deployed = pump.status_log.get(to_status="deployed")
    assert deployed.by == subdistrict_officer and deployed.note == "出动排涝" and deployed.at is not None
    changes = [e.changes["status"] for e in AuditEvent.objects.filter(
        object_type="resources.Equipment", event_type=AuditEvent.Type.UPDATE).order_by("pk")]
    assert changes == [["in_service", "deployed"], ["deployed", "maintenance"], ["maintenance", "in_service"]]


@pytest.mark.parametrize("final", ["lost", "scrapped"])
def test_lost_and_scrapped_are_final(final, pump, bureau_officer):
    services_teams.equipment_set_status(acting_user=bureau_officer, equipment=pump, status=final, note="洪水冲走")
    for status in ("in_service", "deployed", "maintenance", "lost", "scrapped"):
        with pytest.raises(ValidationError):
            services_teams.equipment_set_status(acting_user=bureau_officer, equipment=pump, status=status,
                                                note="恢复")
    assert Equipment.objects.get(pk=pump.pk).status == final
    assert pump.status_log.count() == 2


def test_it_wants_a_reason_for_lost_or_scrapped_and_rejects_unknown_statuses(pump, bureau_officer):
    for status, note in (("scrapped", ""), ("lost", "  "), ("broken", "x"), ("in_service", "")):
        with pytest.raises(ValidationError):
            services_teams.equipment_set_status(acting_user=bureau_officer, equipment=pump, status=status, note=note)
    assert Equipment.objects.get(pk=pump.pk).status == "in_service" and pump.status_log.count() == 1


def test_the_log_is_append_only(pump):
    row = pump.status_log.get()
    with pytest.raises(PermissionError):
        row.save()
    with pytest.raises(PermissionError):
        EquipmentStatusLog.objects.filter(pk=row.pk).update(note="改写")
    with pytest.raises(PermissionError):
        row.delete()


def test_equipment_is_held_by_exactly_one_team_or_warehouse(bureau_officer, tm_team_a, guangfu):
    wh = st_make_warehouse(guangfu, "光复道街装备库")
    with pytest.raises(ValidationError):
        services_teams.equipment_create(acting_user=bureau_officer, name="冲锋舟", quantity=1, team=tm_team_a,
                                        warehouse=wh)
    with pytest.raises(ValidationError):
        services_teams.equipment_create(acting_user=bureau_officer, name="冲锋舟", quantity=1)
    in_store = services_teams.equipment_create(acting_user=bureau_officer, name="冲锋舟", quantity=1, warehouse=wh)
    assert in_store.division == guangfu
    with pytest.raises(IntegrityError), transaction.atomic():
        Equipment.objects.create(name="无主装备", quantity=1)


def test_only_the_holders_subdistrict_or_the_bureau_changes_status(client, pump, other_subdistrict_officer,
                                                                   department_clerk, subdistrict_officer):
    for user in (other_subdistrict_officer, department_clerk):
        with pytest.raises(NotAllowed):
            services_teams.equipment_set_status(acting_user=user, equipment=pump, status="deployed")
    login(client, other_subdistrict_officer)
    assert client.get(f"/resources/teams/equipment/{pump.pk}/").status_code == 200
    assert client.post(f"/resources/teams/equipment/{pump.pk}/status/", {"status": "deployed"}).status_code == 403
    login(client, subdistrict_officer)
    assert client.post(f"/resources/teams/equipment/{pump.pk}/status/", {"status": "deployed"}).status_code == 302
    assert client.post(f"/resources/teams/equipment/{pump.pk}/status/", {"status": "gone"}).status_code == 400
    assert Equipment.objects.get(pk=pump.pk).status == "deployed"
    page = client.get(f"/resources/teams/equipment/{pump.pk}/").content.decode()
    assert 'data-testid="equipment-log"' in page and page.count("list-group-item") >= 2


def test_a_subdistrict_registers_equipment_for_its_own_team_only(client, subdistrict_officer, tm_team_a,
                                                                 tm_team_b):
    login(client, subdistrict_officer)
    ok = client.post("/resources/teams/equipment/new/", {"name": "救生衣", "quantity": "20", "team": tm_team_a.pk})
    assert ok.status_code == 302
    bad = client.post("/resources/teams/equipment/new/", {"name": "救生衣", "quantity": "20", "team": tm_team_b.pk})
    assert bad.status_code == 400
    assert list(Equipment.objects.values_list("team_id", "status")) == [(tm_team_a.pk, "in_service")]
