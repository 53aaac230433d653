"""Use case: the demo system shows a shelter in every subdistrict — the four of the plan notice plus
synthetic ones, flagged — and a few warehouses with stock received through the ledger."""

from __future__ import annotations

from conftest import make_user
from emergency.core.models import Division
from emergency.resources.demo import load_demo_resources
from emergency.resources.shelters.models import Shelter
from emergency.resources.stock.models import Lot, StockMovement, Warehouse


def test_every_subdistrict_gets_a_shelter_and_the_synthetic_ones_are_flagged(db):
    make_user("bureau_staff", "bureau_staff")
    counts = load_demo_resources()
    for sub in Division.objects.filter(level="subdistrict"):
        assert Shelter.objects.filter(division__path__startswith=sub.path).exists(), sub.name
    synthetic = Shelter.objects.filter(is_synthetic=True)
    assert counts["shelters"] == synthetic.count() == 6
    assert all(s.data_note and s.location_approximate for s in synthetic)
    assert not Shelter.objects.filter(name__in=["北宁公园", "王串场公园", "天津二中", "天津七十八中学"],
                                      is_synthetic=True).exists()
    assert Warehouse.objects.filter(is_synthetic=True).count() == counts["warehouses"] == 3
    assert all(lot.balance > 0 for lot in Lot.objects.all())
    assert StockMovement.objects.filter(kind="receipt").count() == Lot.objects.count()


def test_the_demo_has_a_stock_document_in_each_state_a_desk_sees(db):
    from emergency.resources.stock.models import StockDocument

    make_user("bureau_staff", "bureau_staff")
    make_user("bureau_admin", "bureau_admin")
    assert load_demo_resources()["documents"] == 3
    assert sorted(StockDocument.objects.values_list("kind", "state")) == [
        ("allocation", "approved"), ("issue", "draft"), ("procurement", "executed")]
    assert Lot.objects.get(lot_number="D-2025-06").balance == 40
    assert load_demo_resources()["documents"] == 0


def test_loading_twice_adds_nothing(db):
    make_user("bureau_staff", "bureau_staff")
    load_demo_resources()
    before = (Shelter.objects.count(), Warehouse.objects.count(), StockMovement.objects.count())
    assert load_demo_resources() == {"shelters": 0, "warehouses": 0, "agreements": 0, "documents": 0,
                                     "teams": 0, "experts": 0, "equipment": 0}
    assert (Shelter.objects.count(), Warehouse.objects.count(), StockMovement.objects.count()) == before
