"""Issue 11: the demo has rescue teams, experts and equipment (the map's team and expert layers are not empty)
and the demo expert account has a profile of its own; loading twice adds nothing."""

from __future__ import annotations

from conftest import make_user
from emergency.core.models import AuditEvent
from emergency.core.roles import Role
from emergency.resources.demo import DEMO_EXPERT_ACCOUNT, EQUIPMENT, EXPERTS, TEAMS, load_demo_resources
from emergency.resources.teams.models import Equipment, EquipmentStatusLog, Expert, RescueTeam


def _in_hebei(obj) -> bool:
    return 39.14 <= obj.latitude <= 39.18 and 117.18 <= obj.longitude <= 117.22


def test_the_demo_seeds_teams_experts_and_equipment_in_hebei_district(db):
    make_user("bureau_staff", Role.BUREAU_STAFF)
    account = make_user(DEMO_EXPERT_ACCOUNT, Role.EXPERT)
    counts = load_demo_resources()
    assert counts["teams"] == len(TEAMS) == RescueTeam.objects.count()
    assert counts["experts"] == len(EXPERTS) == Expert.objects.count()
    assert counts["equipment"] == len(EQUIPMENT) == Equipment.objects.count()
    teams = list(RescueTeam.objects.all())
    assert all(t.is_synthetic and _in_hebei(t) for t in teams)
    assert {t.kind for t in teams} == set(RescueTeam.Kind.values)
    assert sum(t.kind == "grassroots" for t in teams) >= 3
    assert all(t.members.count() == 2 for t in teams)
    assert RescueTeam.objects.filter(readiness="deployed").exists()
    social = RescueTeam.objects.get(kind="social")
    assert social.social_records.count() == 2
    experts = list(Expert.objects.all())
    assert all(e.is_synthetic and _in_hebei(e) and e.field_codes for e in experts)
    assert len({c for e in experts for c in e.field_codes}) == 5
    assert {e.available for e in experts} == {True, False}
    held = Equipment.objects.all()
    assert held.filter(team__isnull=False).exists() and held.filter(warehouse__isnull=False).exists()
    assert held.filter(status="maintenance").exists()
    assert EquipmentStatusLog.objects.count() == len(EQUIPMENT) + held.exclude(status="in_service").count()
    # The demo expert account has its profile, linked through the audited service.
    assert Expert.objects.get(user=account).name == EXPERTS[0][0]
    linked = [e.changes.get("user") for e in AuditEvent.objects.filter(event_type=AuditEvent.Type.UPDATE)]
    assert [None, DEMO_EXPERT_ACCOUNT] in linked


def test_loading_teams_twice_adds_nothing(db):
    make_user("bureau_staff", Role.BUREAU_STAFF)
    make_user(DEMO_EXPERT_ACCOUNT, Role.EXPERT)
    load_demo_resources()
    before = (RescueTeam.objects.count(), Expert.objects.count(), Equipment.objects.count(),
              EquipmentStatusLog.objects.count(), AuditEvent.objects.count())
    again = load_demo_resources()
    assert (again["teams"], again["experts"], again["equipment"]) == (0, 0, 0)
    assert (RescueTeam.objects.count(), Expert.objects.count(), Equipment.objects.count(),
            EquipmentStatusLog.objects.count(), AuditEvent.objects.count()) == before


def test_without_the_demo_expert_account_nothing_is_linked(db):
    make_user("bureau_staff", Role.BUREAU_STAFF)
    load_demo_resources()
    assert not Expert.objects.filter(user__isnull=False).exists()
