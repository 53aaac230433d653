"""Synthetic emergency-resource demo data: one synthetic shelter for every subdistrict that has none of the
four named ones, a few warehouses with stock received through the ledger, and agreement reserves (协议储备) —
two counted at demo warehouses, one at its supplier. Everything is flagged synthetic (agreements, which have no
flag, by a "DEMO-" contract number and their note)."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

from django.conf import settings
from django.db import transaction

from emergency.accounts.models import User
from emergency.core.models import Division

from .reserves import services as reserve_services
from .shelters import services
from .shelters.models import Shelter
from .stock import services as stock_services
from .stock.models import StockMovement, SupplyCategory, SupplyItem, Warehouse

SYNTHETIC_NOTE = "虚构演示数据（合成避难场所）"
# (name, category, unit, specification, shelf life days)
ITEMS = [
    ("帐篷", "帐篷", "顶", "12平方米单帐篷", None),
    ("折叠床", "折叠床", "张", "单人", None),
    ("棉被", "被服", "床", "", None),
    ("瓶装饮用水", "食品饮用水", "箱", "550毫升×24瓶", 365),
    ("方便食品", "食品饮用水", "箱", "", 270),
    ("应急照明灯", "照明通信", "台", "", None),
]
# (name, level, subdistrict code, [(item name, quantity, lot)])
WAREHOUSES = [
    ("河北区应急物资储备库（虚构）", "district", "120105003",
     [("帐篷", 200, "D-2025-01"), ("折叠床", 500, "D-2025-02"), ("棉被", 800, "D-2025-03"),
      ("瓶装饮用水", 300, "D-2025-04"), ("应急照明灯", 60, "D-2025-05")]),
    ("光复道街应急物资点（虚构）", "subdistrict", "120105001",
     [("帐篷", 20, "G-2025-01"), ("瓶装饮用水", 50, "G-2025-02"), ("方便食品", 40, "G-2025-03")]),
    ("铁东路街应急物资点（虚构）", "subdistrict", "120105009",
     [("折叠床", 60, "T-2025-01"), ("棉被", 80, "T-2025-02")]),
]


# (contract number, supplier, warehouse name or None (placed at a demo enterprise), delivery hours,
#  [(item name, quantity)])
AGREEMENTS = [
    ("DEMO-XY-2025-01", "天津某饮用水有限公司（虚构）", "河北区应急物资储备库（虚构）", 12,
     [("瓶装饮用水", 2000), ("方便食品", 1000)]),
    ("DEMO-XY-2025-02", "天津某被服厂（虚构）", "铁东路街应急物资点（虚构）", 24, [("棉被", 300), ("帐篷", 50)]),
    ("DEMO-XY-2025-03", "河北区某连锁超市（虚构）", None, 6, [("瓶装饮用水", 500), ("方便食品", 300)]),
]
AGREEMENT_NOTE = "虚构演示数据（协议储备）"


def _centres() -> dict[str, tuple[float, float]]:
    path = Path(settings.BASE_DIR) / "static" / "geo" / "subdistricts.geojson"
    data = json.loads(path.read_text(encoding="utf-8"))
    return {f["properties"]["code"]: (f["geometry"]["coordinates"][1], f["geometry"]["coordinates"][0])
            for f in data["features"]}


def _items() -> dict[str, SupplyItem]:
    out = {}
    for name, category, unit, spec, shelf in ITEMS:
        cat = SupplyCategory.objects.filter(name=category).first()
        if cat is None:
            cat, _c = SupplyCategory.objects.get_or_create(name=category, parent=None)
        out[name], _c = SupplyItem.objects.get_or_create(
            name=name, specification=spec, defaults={"category": cat, "unit": unit, "shelf_life_days": shelf})
    return out


@transaction.atomic
def load_demo_resources() -> dict[str, int]:
    """Idempotent: shelters and warehouses already present (by name) are left alone."""
    bureau = User.objects.get(username="bureau_staff")
    centres = _centres()
    shelters = warehouses = 0
    for sub in Division.objects.filter(level=Division.Level.SUBDISTRICT, archived_at__isnull=True).order_by("code"):
        if Shelter.objects.filter(division__path__startswith=sub.path, archived_at__isnull=True).exists():
            continue
        lat, lng = centres.get(sub.code, (sub.latitude or 39.1598, sub.longitude or 117.1962))
        services.shelter_create(
            acting_user=bureau, name=f"{sub.name}临时避难场所（虚构）", kind=Shelter.Kind.EMERGENCY, indoor=True,
            stay_class=Shelter.StayClass.I, admin_level=Shelter.AdminLevel.SUBDISTRICT, division=sub,
            effective_area_m2=1500, address=f"天津市河北区{sub.name}（虚构地址）", latitude=lat + 0.002,
            longitude=lng + 0.002, location_approximate=True, service_radius_m=800, manager="值班员（虚构）",
            manager_phone="022-00000000", has_water=True, has_power=True, has_toilets=True, is_synthetic=True,
            data_note=SYNTHETIC_NOTE)
        shelters += 1
    items = _items()
    today = datetime.date.today()
    for name, level, code, stock in WAREHOUSES:
        if Warehouse.objects.filter(name=name).exists():
            continue
        division = Division.objects.get(code=code)
        lat, lng = centres.get(code, (39.1598, 117.1962))
        wh = Warehouse.objects.create(name=name, level=level, division=division, address=f"{division.name}（虚构地址）",
                                      latitude=lat - 0.003, longitude=lng - 0.002, keeper="库管员（虚构）",
                                      keeper_phone="022-00000000", is_synthetic=True)
        for item_name, qty, lot in stock:
            item = items[item_name]
            stock_services.stock_receive(
                acting_user=bureau, warehouse=wh, item=item, quantity=qty, lot_number=lot,
                reason=StockMovement.Reason.PROCUREMENT, produced_on=today - datetime.timedelta(days=30),
                note="演示数据")
        warehouses += 1
    agreements = _load_agreements(bureau, items, today)
    documents = _load_documents(bureau, items)
    return {"shelters": shelters, "warehouses": warehouses, "agreements": agreements, "documents": documents}


DOCUMENT_NOTE = "演示数据"


def _load_documents(bureau, items: dict[str, SupplyItem]) -> int:
    """One stock document in each state a desk sees (executed, approved, draft), through the services; none
    when documents exist already."""
    from .stock import services as docs
    from .stock.models import StockDocument

    if StockDocument.objects.exists():
        return 0
    district = Warehouse.objects.filter(name=WAREHOUSES[0][0]).first()
    guangfu = Warehouse.objects.filter(name=WAREHOUSES[1][0]).first()
    approver = User.objects.filter(username="bureau_admin").first()  # the drafter may not approve
    if district is None or guangfu is None or approver is None:
        return 0
    bought = docs.document_create(acting_user=bureau, kind="procurement", warehouse=district, reason="procurement",
                                  note=DOCUMENT_NOTE, lines=[{"item": items["应急照明灯"], "quantity": 40,
                                                              "lot_number": "D-2025-06"}])
    docs.document_approve(acting_user=approver, document=bought)
    docs.document_execute(acting_user=bureau, document=bought)
    moved = docs.document_create(acting_user=bureau, kind="allocation", warehouse=district, destination=guangfu,
                                 reason="transfer", note=DOCUMENT_NOTE,
                                 lines=[{"item": items["折叠床"], "quantity": 50}, {"item": items["棉被"], "quantity": 50}])
    docs.document_approve(acting_user=approver, document=moved)
    docs.document_create(acting_user=bureau, kind="issue", warehouse=guangfu, reason="incident",
                         note="光复道街积水点排险（演示）", lines=[{"item": items["瓶装饮用水"], "quantity": 10}])
    return 3


def _load_agreements(bureau, items: dict[str, SupplyItem], today: datetime.date) -> int:
    """Agreements through the service (audited); those already present (by contract number) are left alone.
    One without a warehouse is placed at a synthetic demo enterprise with a location, when there is one."""
    from emergency.enterprises.models import Enterprise

    from .reserves.models import ReserveAgreement

    supplier = (Enterprise.objects.filter(is_synthetic=True, archived_at__isnull=True, latitude__isnull=False)
                .order_by("pk").first())
    created = 0
    for number, name, warehouse_name, hours, lines in AGREEMENTS:
        if ReserveAgreement.objects.filter(contract_number=number).exists():
            continue
        warehouse = (Warehouse.objects.filter(name=warehouse_name, archived_at__isnull=True).first()
                     if warehouse_name else None)
        enterprise = supplier if warehouse_name is None else None  # placed at the enterprise: named after it
        reserve_services.reserve_create(
            acting_user=bureau, contract_number=number, supplier_name="" if enterprise else name,
            warehouse=warehouse, enterprise=enterprise, valid_from=today - datetime.timedelta(days=30),
            valid_until=today + datetime.timedelta(days=365), delivery_hours=hours, contact_name="联系人（虚构）",
            contact_phone="022-00000000", note=AGREEMENT_NOTE,
            lines=[{"item": items[item_name], "quantity": qty} for item_name, qty in lines])
        created += 1
    return created
