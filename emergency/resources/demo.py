"""Synthetic emergency-resource demo data: one synthetic shelter for every subdistrict that has none of the
four named ones, and a few warehouses with stock received through the ledger. Everything is flagged synthetic."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

from django.conf import settings
from django.db import transaction

from emergency.accounts.models import User
from emergency.core.models import Division

from . import services
from .models import Shelter, StockMovement, SupplyCategory, SupplyItem, Warehouse

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
            services.stock_receive(
                acting_user=bureau, warehouse=wh, item=item, quantity=qty, lot_number=lot,
                reason=StockMovement.Reason.PROCUREMENT, produced_on=today - datetime.timedelta(days=30),
                note="演示数据")
        warehouses += 1
    return {"shelters": shelters, "warehouses": warehouses}
