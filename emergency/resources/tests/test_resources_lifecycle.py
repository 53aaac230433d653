"""Every resources state machine moves through core.lifecycle (issue 10 §3): shelters (open, full, reopen,
close), stock documents (approve, execute, cancel), transfers (receive), disposals (approve, reject), team
readiness and equipment status. A move leaves an audit row with the true before and after state (and the
history user where the model keeps history); an illegal move is refused with the service's message and
changes nothing; no service takes acting_user=None."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError

from conftest import make_user
from emergency.core import lifecycle
from emergency.core.actors import SYSTEM
from emergency.core.models import AuditEvent
from emergency.core.roles import Role
from emergency.resources.shelters import services as shelter_services
from emergency.resources.shelters.models import Shelter
from emergency.resources.stock import services as stock_services
from emergency.resources.stock.models import Disposal, Lot, StockDocument, StockMovement, Transfer
from emergency.resources.teams import services as team_services
from emergency.resources.teams.models import Equipment, EquipmentStatusLog, RescueTeam

pytestmark = pytest.mark.django_db


def audits(obj) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(object_type=obj._meta.label, object_id=str(obj.pk)).order_by("pk"))


def state_changes(obj, field: str = "state") -> list[list]:
    return [e.changes[field] for e in audits(obj) if field in e.changes]


def fresh(obj):
    """A protected FSM field cannot refresh_from_db(): read the row again."""
    return type(obj).objects.get(pk=obj.pk)


def unchanged(obj):
    """(audit rows, history rows) of an object, to show a refused move wrote nothing."""
    history = obj.history.count() if hasattr(obj, "history") else None
    return len(audits(obj)), history


@pytest.fixture
def approver(db):
    return make_user("lc_approver", Role.BUREAU_ADMIN)


@pytest.fixture
def lot(st_receive, st_wh_a, st_item) -> Lot:
    return st_receive(st_wh_a, st_item, 50, "LC-1")


@pytest.fixture
def draft(bureau_officer, st_wh_a, st_item) -> StockDocument:
    return stock_services.document_create(acting_user=bureau_officer, kind="procurement", warehouse=st_wh_a,
                                          reason="procurement", lines=[{"item": st_item, "quantity": 10,
                                                                        "lot_number": "P-1"}])


@pytest.fixture
def pump(tm_team_a, bureau_officer) -> Equipment:
    return team_services.equipment_create(acting_user=bureau_officer, name="排水泵", quantity=2, team=tm_team_a)


# --- shelters ------------------------------------------------------------------------------------

def test_shelter_moves_audit_the_true_status_and_set_the_history_user(sh_shelter_a, bureau_officer,
                                                                       subdistrict_officer):
    assert state_changes(sh_shelter_a, "status") == [[None, "standby"]]  # created through the lifecycle
    shelter_services.shelter_open(acting_user=subdistrict_officer, shelter=sh_shelter_a)
    assert fresh(sh_shelter_a).history.first().history_user == subdistrict_officer
    stay = shelter_services.shelter_check_in(acting_user=bureau_officer, shelter=sh_shelter_a, head_name="张三",
                                             people=100)  # the last places: the shelter is full
    shelter_services.shelter_check_out(acting_user=bureau_officer, stay=stay)  # places again: reopened
    shelter_services.shelter_close(acting_user=bureau_officer, shelter=sh_shelter_a)
    assert fresh(sh_shelter_a).status == "closed"
    assert state_changes(sh_shelter_a, "status") == [[None, "standby"], ["standby", "open"], ["open", "full"],
                                                     ["full", "open"], ["open", "closed"]]
    event = audits(sh_shelter_a)[1]
    assert (event.event_type, event.actor) == (AuditEvent.Type.UPDATE, subdistrict_officer)
    assert fresh(sh_shelter_a).history.first().history_user == bureau_officer


def test_an_illegal_shelter_move_is_refused_and_changes_nothing(sh_shelter_a, bureau_officer, st_english):
    before = unchanged(sh_shelter_a)
    with pytest.raises(ValidationError, match="A shelter that is Standby cannot do this.") as exc:
        shelter_services.shelter_close(acting_user=bureau_officer, shelter=sh_shelter_a)
    assert exc.value.code == "invalid_transition"
    assert Shelter.objects.get(pk=sh_shelter_a.pk).status == "standby"
    assert unchanged(sh_shelter_a) == before


# --- stock documents -----------------------------------------------------------------------------

def test_document_moves_audit_the_true_state(draft, approver, bureau_officer, st_wh_a):
    assert state_changes(draft) == [[None, "draft"]]
    assert audits(draft)[0].changes["kind"] == [None, "procurement"]
    stock_services.document_approve(acting_user=approver, document=draft)
    stock_services.document_execute(acting_user=bureau_officer, document=draft)
    doc = StockDocument.objects.get(pk=draft.pk)
    assert (doc.state, doc.approved_by, doc.executed_by) == ("executed", approver, bureau_officer)
    assert state_changes(draft) == [[None, "draft"], ["draft", "approved"], ["approved", "executed"]]
    assert [e.actor for e in audits(draft)] == [bureau_officer, approver, bureau_officer]
    assert Lot.objects.get(warehouse=st_wh_a, lot_number="P-1").balance == D(10)


def test_a_cancelled_document_records_where_it_came_from(draft, approver, bureau_officer):
    stock_services.document_approve(acting_user=approver, document=draft)
    stock_services.document_cancel(acting_user=bureau_officer, document=draft)
    assert state_changes(draft)[-1] == ["approved", "cancelled"]


def test_an_illegal_document_move_is_refused_and_changes_nothing(draft, approver, bureau_officer, st_english):
    stock_services.document_cancel(acting_user=bureau_officer, document=draft)
    before = unchanged(draft)
    with pytest.raises(ValidationError, match="A Cancelled document cannot do this.") as exc:
        stock_services.document_approve(acting_user=approver, document=draft)
    assert exc.value.code == "invalid_transition"
    with pytest.raises(ValidationError, match="Only an approved document is executed."):
        stock_services.document_execute(acting_user=bureau_officer, document=draft)
    doc = StockDocument.objects.get(pk=draft.pk)
    assert (doc.state, doc.approved_by) == ("cancelled", None)
    assert unchanged(draft) == before
    assert not Lot.objects.filter(lot_number="P-1").exists()


# --- transfers -----------------------------------------------------------------------------------

def test_a_received_transfer_audits_the_true_state(lot, bureau_officer, subdistrict_officer, st_wh_b):
    transfer = stock_services.transfer_send(acting_user=subdistrict_officer, lot=lot, destination=st_wh_b,
                                            quantity=20)
    assert state_changes(transfer) == [[None, "in_transit"]]
    stock_services.transfer_receive(acting_user=bureau_officer, transfer=transfer)
    assert state_changes(transfer) == [[None, "in_transit"], ["in_transit", "received"]]
    assert audits(transfer)[-1].actor == bureau_officer
    got = Transfer.objects.get(pk=transfer.pk)
    assert (got.state, got.received_by) == ("received", bureau_officer)
    assert Lot.objects.get(warehouse=st_wh_b, lot_number="LC-1").balance == D(20)


def test_receiving_twice_is_refused_and_changes_nothing(lot, bureau_officer, subdistrict_officer, st_wh_b,
                                                        st_english):
    transfer = stock_services.transfer_send(acting_user=subdistrict_officer, lot=lot, destination=st_wh_b,
                                            quantity=20)
    stock_services.transfer_receive(acting_user=bureau_officer, transfer=transfer)
    before, movements = unchanged(transfer), StockMovement.objects.count()
    with pytest.raises(ValidationError, match="This transfer has already been received.") as exc:
        stock_services.transfer_receive(acting_user=bureau_officer, transfer=transfer)
    assert exc.value.code == "invalid_transition"
    assert Transfer.objects.get(pk=transfer.pk).state == "received"
    assert (unchanged(transfer), StockMovement.objects.count()) == (before, movements)


# --- disposals -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("approve", "after"), [(True, "approved"), (False, "rejected")])
def test_a_decided_disposal_audits_the_true_state(approve, after, lot, subdistrict_officer, bureau_officer):
    disposal = stock_services.disposal_request(acting_user=subdistrict_officer, lot=lot, quantity=4, reason="霉变")
    assert state_changes(disposal) == [[None, "requested"]]
    stock_services.disposal_decide(acting_user=bureau_officer, disposal=disposal, approve=approve)
    got = Disposal.objects.get(pk=disposal.pk)
    assert (got.state, got.decided_by) == (after, bureau_officer)
    assert state_changes(disposal) == [[None, "requested"], ["requested", after]]
    assert audits(disposal)[-1].actor == bureau_officer
    assert Lot.objects.get(pk=lot.pk).balance == (D(46) if approve else D(50))


def test_deciding_twice_is_refused_and_changes_nothing(lot, subdistrict_officer, bureau_officer, st_english):
    disposal = stock_services.disposal_request(acting_user=subdistrict_officer, lot=lot, quantity=4, reason="霉变")
    stock_services.disposal_decide(acting_user=bureau_officer, disposal=disposal, approve=False)
    before = unchanged(disposal)
    with pytest.raises(ValidationError, match="This disposal has already been decided.") as exc:
        stock_services.disposal_decide(acting_user=bureau_officer, disposal=disposal, approve=True)
    assert exc.value.code == "invalid_transition"
    assert Disposal.objects.get(pk=disposal.pk).state == "rejected"
    assert unchanged(disposal) == before
    assert Lot.objects.get(pk=lot.pk).balance == D(50)


# --- team readiness ------------------------------------------------------------------------------

def test_readiness_moves_audit_the_true_value_and_set_the_history_user(tm_team_a, subdistrict_officer,
                                                                      bureau_officer):
    assert state_changes(tm_team_a, "readiness") == [[None, "standby"]]
    team = team_services.team_set_readiness(acting_user=subdistrict_officer, team=tm_team_a, readiness="deployed",
                                            note="防汛")
    assert team.readiness == "deployed" and team.readiness_changed_at is not None
    team_services.team_set_readiness(acting_user=bureau_officer, team=tm_team_a, readiness="unavailable")
    got = RescueTeam.objects.get(pk=tm_team_a.pk)
    assert got.readiness == "unavailable"
    assert state_changes(tm_team_a, "readiness") == [[None, "standby"], ["standby", "deployed"],
                                                     ["deployed", "unavailable"]]
    deployed = audits(tm_team_a)[1]
    assert (deployed.actor, deployed.changes["note"]) == (subdistrict_officer, [None, "防汛"])
    # Readiness used to be written with a bare UPDATE, leaving no history row; now each move has one.
    assert [h.readiness for h in got.history.order_by("history_date", "history_id")] == [
        "standby", "deployed", "unavailable"]
    assert got.history.first().history_user == bureau_officer


def test_an_unchanged_readiness_is_refused_and_changes_nothing(tm_team_a, bureau_officer, st_english):
    before = unchanged(tm_team_a)
    with pytest.raises(ValidationError, match="The team is already Standby."):
        team_services.team_set_readiness(acting_user=bureau_officer, team=tm_team_a, readiness="standby")
    got = RescueTeam.objects.get(pk=tm_team_a.pk)
    assert (got.readiness, got.readiness_changed_at) == ("standby", None)
    assert unchanged(tm_team_a) == before


# --- equipment status ----------------------------------------------------------------------------

def test_equipment_moves_audit_the_true_status_and_keep_the_status_log(pump, subdistrict_officer):
    assert state_changes(pump, "status") == [[None, "in_service"]]
    log = team_services.equipment_set_status(acting_user=subdistrict_officer, equipment=pump, status="deployed",
                                             note=" 出动排涝 ")
    assert (log.from_status, log.to_status, log.by, log.note) == ("in_service", "deployed", subdistrict_officer,
                                                                  "出动排涝")
    team_services.equipment_set_status(acting_user=subdistrict_officer, equipment=pump, status="scrapped",
                                       note="损坏")
    assert Equipment.objects.get(pk=pump.pk).status == "scrapped"
    assert state_changes(pump, "status") == [[None, "in_service"], ["in_service", "deployed"],
                                             ["deployed", "scrapped"]]
    event = audits(pump)[1]
    assert (event.actor, event.changes["note"]) == (subdistrict_officer, [None, "出动排涝"])
    assert list(pump.status_log.order_by("at", "pk").values_list("from_status", "to_status")) == [
        ("", "in_service"), ("in_service", "deployed"), ("deployed", "scrapped")]


def test_a_move_out_of_a_final_status_is_refused_and_changes_nothing(pump, bureau_officer, st_english):
    team_services.equipment_set_status(acting_user=bureau_officer, equipment=pump, status="lost", note="洪水冲走")
    before, logs = unchanged(pump), EquipmentStatusLog.objects.count()
    with pytest.raises(ValidationError, match="The equipment is Lost; that is final."):
        team_services.equipment_set_status(acting_user=bureau_officer, equipment=pump, status="in_service")
    assert Equipment.objects.get(pk=pump.pk).status == "lost"
    assert (unchanged(pump), EquipmentStatusLog.objects.count()) == (before, logs)


def test_the_equipment_move_and_its_status_log_row_are_one_transaction(pump, bureau_officer, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("audit table unavailable")

    logs = EquipmentStatusLog.objects.count()
    monkeypatch.setattr(lifecycle, "audit_record", broken)
    with pytest.raises(RuntimeError):
        team_services.equipment_set_status(acting_user=bureau_officer, equipment=pump, status="maintenance")
    assert Equipment.objects.get(pk=pump.pk).status == "in_service"
    assert EquipmentStatusLog.objects.count() == logs


def test_the_scheduler_is_recorded_by_name_with_no_user_on_the_log(pump):
    log = team_services.equipment_set_status(acting_user=SYSTEM, equipment=pump, status="maintenance")
    assert (log.from_status, log.to_status, log.by) == ("in_service", "maintenance", None)
    event = audits(pump)[-1]
    assert (event.actor, event.actor_username, event.changes["status"]) == (None, "scheduler",
                                                                           ["in_service", "maintenance"])


# --- no acting user ------------------------------------------------------------------------------

def test_no_state_changing_service_takes_acting_user_none(sh_shelter_a, draft, lot, tm_team_a, pump, st_wh_b,
                                                          bureau_officer):
    transfer = stock_services.transfer_send(acting_user=bureau_officer, lot=lot, destination=st_wh_b, quantity=1)
    disposal = stock_services.disposal_request(acting_user=bureau_officer, lot=lot, quantity=1, reason="破损")
    calls = [
        lambda: shelter_services.shelter_open(acting_user=None, shelter=sh_shelter_a),
        lambda: shelter_services.shelter_close(acting_user=None, shelter=sh_shelter_a),
        lambda: stock_services.document_approve(acting_user=None, document=draft),
        lambda: stock_services.document_cancel(acting_user=None, document=draft),
        lambda: stock_services.document_execute(acting_user=None, document=draft),
        lambda: stock_services.transfer_receive(acting_user=None, transfer=transfer),
        lambda: stock_services.disposal_decide(acting_user=None, disposal=disposal, approve=True),
        lambda: team_services.team_set_readiness(acting_user=None, team=tm_team_a, readiness="deployed"),
        lambda: team_services.equipment_set_status(acting_user=None, equipment=pump, status="deployed"),
    ]
    for call in calls:
        with pytest.raises(TypeError, match="actors.SYSTEM"):
            call()
    assert (Shelter.objects.get(pk=sh_shelter_a.pk).status, StockDocument.objects.get(pk=draft.pk).state,
            Transfer.objects.get(pk=transfer.pk).state, Disposal.objects.get(pk=disposal.pk).state,
            RescueTeam.objects.get(pk=tm_team_a.pk).readiness, Equipment.objects.get(pk=pump.pk).status) == (
        "standby", "draft", "in_transit", "requested", "standby", "in_service")
