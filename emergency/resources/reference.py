"""Shipped resource reference data: the default supply category tree and the four shelters named in the
plan notice (their coordinates approximate, their areas to be verified)."""

from __future__ import annotations

CATEGORIES = [
    ("救援装备物资", ["破拆救援", "照明通信", "个人防护", "排水抢险"]),
    ("生活保障物资", ["食品饮用水", "被服", "帐篷", "取暖"]),
    ("医疗防疫物资", ["药品器械", "消杀用品"]),
    ("避难安置物资", ["折叠床", "简易厕所", "发电照明"]),
]

# (name, subdistrict code, lat, lng, effective area m², kind, indoor, note)
SHELTERS = [
    ("北宁公园", "120105007", 39.1562, 117.1863, 30000, "fixed", False,
     "坐标低可信度（约偏西1公里），有效面积待核实"),
    ("王串场公园", "120105008", 39.1530, 117.2130, 12000, "emergency", False, "坐标、有效面积待核实"),
    ("天津二中", "120105006", 39.1630, 117.2230, 6000, "emergency", True, "坐标、有效面积待核实"),
    ("天津七十八中学", "120105010", 39.1600, 117.2380, 5000, "emergency", True, "坐标、有效面积待核实"),
]


def load(apps) -> None:
    import secrets

    Category = apps.get_model("resources", "SupplyCategory")
    Division = apps.get_model("core", "Division")
    Shelter = apps.get_model("resources", "Shelter")
    for order, (name, children) in enumerate(CATEGORIES):
        parent, _ = Category.objects.get_or_create(name=name, parent=None, defaults={"order": order})
        for child_order, child in enumerate(children):
            Category.objects.get_or_create(name=child, parent=parent, defaults={"order": child_order})
    for name, code, lat, lng, area, kind, indoor, note in SHELTERS:
        division = Division.objects.filter(code=code).first()
        if division is None or Shelter.objects.filter(name=name).exists():
            continue
        Shelter.objects.create(
            name=name, kind=kind, indoor=indoor, stay_class="III", admin_level="subdistrict", division=division,
            effective_area_m2=area, manager="待定", manager_phone="—", address=f"天津市河北区（{name}）",
            latitude=lat, longitude=lng, location_approximate=True, qr_token=secrets.token_urlsafe(16)[:22],
            has_water=True, has_power=True, has_toilets=True, data_note=note, status="standby")
