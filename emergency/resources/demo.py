"""Synthetic emergency-resource demo data: one synthetic shelter for every subdistrict that has none of the
four named ones, a few warehouses with stock received through the ledger, agreement reserves (协议储备) —
two counted at demo warehouses, one at its supplier — and rescue teams, experts and equipment (the map's team and
expert layers; the demo expert account `expert_demo` is linked to one expert). Everything is flagged synthetic
(agreements, which have no flag, by a "DEMO-" contract number and their note; equipment by its holder)."""

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
    teams, experts, equipment = _load_teams(bureau, today), _load_experts(bureau), _load_equipment(bureau)
    return {"shelters": shelters, "warehouses": warehouses, "agreements": agreements, "documents": documents,
            "teams": teams, "experts": experts, "equipment": equipment}


# Rescue teams in Hebei District (about 39.14–39.18 N, 117.18–117.22 E), all synthetic:
# (name, kind, specialty, owner unit, owner department or "", division code, leader, latitude, longitude,
#  service area, readiness after creation)
TEAMS = [
    ("河北区应急救援大队（虚构）", "professional", "building_works", "河北区应急管理局", "区应急局", "120105",
     "高振华（虚构）", 39.160512, 117.201034, "河北区全域", "standby"),
    ("区消防救援支队联动分队（虚构）", "comprehensive", "hazardous_chemicals", "河北区消防救援支队", "区消防救援支队",
     "120105", "韩志刚（虚构）", 39.155236, 117.196817, "河北区全域（配合消防救援）", "standby"),
    ("光复道街基层应急救援队（虚构）", "grassroots", "flood", "光复道街道办事处", "", "120105001", "赵立新（虚构）",
     39.141208, 117.194853, "光复道街", "standby"),
    ("望海楼街基层应急救援队（虚构）", "grassroots", "flood", "望海楼街道办事处", "", "120105002", "钱永利（虚构）",
     39.149817, 117.187826, "望海楼街", "deployed"),
    ("宁园街基层应急救援队（虚构）", "grassroots", "other", "宁园街道办事处", "", "120105007", "孙建军（虚构）",
     39.171905, 117.199512, "宁园街", "standby"),
    ("河北区蓝天志愿救援队（虚构）", "social", "flood", "河北区蓝天志愿救援协会（虚构）", "", "120105005",
     "李海燕（虚构）", 39.176433, 117.214208, "河北区及周边", "standby"),
]
# Two members per team: (name, role, certificate, days until it expires)
MEMBERS = [("队长", "救援员证", 400), ("队员", "急救员证", 20)]
TEAM_NOTE = "演示数据"

# Experts: (name, fields, title, unit, available, latitude, longitude); the first is the demo expert account's.
EXPERTS = [
    ("周建国（虚构）", ("field_work_safety", "field_disaster_reduction"), "高级工程师", "天津某安全评价机构（虚构）",
     True, 39.162018, 117.205236),
    ("吴海涛（虚构）", ("field_flood_drought",), "教授级高级工程师", "天津某水利设计院（虚构）", True, 39.152744,
     117.191563),
    ("郑丽（虚构）", ("field_geological",), "研究员", "天津某地质调查院（虚构）", True, 39.168391, 117.183907),
    ("王磊（虚构）", ("field_earthquake",), "副研究员", "天津某地震监测中心（虚构）", False, 39.145126, 117.208845),
    ("冯敏（虚构）", ("field_work_safety",), "注册安全工程师", "河北区某化工企业（虚构）", True, 39.174562,
     117.217311),
    ("陈志强（虚构）", ("field_disaster_reduction", "field_flood_drought"), "高级工程师", "天津某大学（虚构）", True,
     39.158203, 117.212674),
    ("褚晓燕（虚构）", ("field_work_safety",), "高级工程师", "天津某危险化学品检测站（虚构）", False, 39.143817,
     117.186259),
    ("卫东（虚构）", ("field_earthquake", "field_geological"), "教授", "天津某大学（虚构）", True, 39.178102,
     117.196447),
]
DEMO_EXPERT_ACCOUNT = "expert_demo"

# Equipment: (name, model / specification, quantity, holding team or warehouse name, status after registering)
EQUIPMENT = [
    ("冲锋舟", "7.3米", 2, "河北区应急救援大队（虚构）", "in_service"),
    ("排涝泵车", "1000立方米/小时", 1, "河北区应急救援大队（虚构）", "in_service"),
    ("生命探测仪", "雷达式", 2, "河北区应急救援大队（虚构）", "in_service"),
    ("液压破拆工具组", "", 3, "区消防救援支队联动分队（虚构）", "in_service"),
    ("正压式空气呼吸器", "6.8升", 10, "区消防救援支队联动分队（虚构）", "in_service"),
    ("潜水排污泵", "50立方米/小时", 5, "光复道街基层应急救援队（虚构）", "in_service"),
    ("卫星电话", "", 2, "望海楼街基层应急救援队（虚构）", "deployed"),
    ("多旋翼无人机", "", 1, "河北区蓝天志愿救援队（虚构）", "in_service"),
    ("移动照明灯塔", "4×500瓦", 2, "河北区应急物资储备库（虚构）", "in_service"),
    ("柴油发电机", "30千瓦", 2, "河北区应急物资储备库（虚构）", "maintenance"),
    ("救生衣", "", 40, "光复道街应急物资点（虚构）", "in_service"),
]


def _load_teams(bureau, today: datetime.date) -> int:
    """The teams through the services (audited, born on standby), each with two members; those already present
    (by name) are left alone."""
    from emergency.core.models import Department

    from .teams import services as team_services
    from .teams.models import RescueTeam, SocialForceRecord

    created = 0
    for (name, kind, specialty, owner, department, code, leader, lat, lng, area, readiness) in TEAMS:
        if RescueTeam.objects.filter(name=name).exists():
            continue
        team = team_services.team_create(
            acting_user=bureau, name=name, kind=kind, specialty=specialty, owner_unit=owner,
            owner_department=Department.objects.filter(name=department).first() if department else None,
            division=Division.objects.get(code=code), leader=leader, duty_phone="022-00000000",
            base_address=f"天津市河北区{area}（虚构地址）", latitude=lat, longitude=lng, service_area=area,
            is_synthetic=True)
        for i, (role, certificate, days) in enumerate(MEMBERS, start=1):
            team_services.member_add(acting_user=bureau, team=team, name=f"{leader[0]}{role}{i}（虚构）", role=role,
                                     phone=f"1380000{created:02d}{i:02d}", certificate_name=certificate,
                                     certificate_expires_on=today + datetime.timedelta(days=days))
        if kind == RescueTeam.Kind.SOCIAL:
            team_services.social_record_add(acting_user=bureau, team=team, kind=SocialForceRecord.Kind.REGISTRATION,
                                            date=today - datetime.timedelta(days=200),
                                            description="在区应急管理局登记备案（演示）")
            team_services.social_record_add(acting_user=bureau, team=team, kind=SocialForceRecord.Kind.DRILL,
                                            date=today - datetime.timedelta(days=30),
                                            description="参加区防汛应急演练（演示）")
        if readiness != RescueTeam.Readiness.STANDBY:
            team_services.team_set_readiness(acting_user=bureau, team=team, readiness=readiness,
                                             note=TEAM_NOTE)
        created += 1
    return created


def _load_experts(bureau) -> int:
    """The experts through the service; those already present (by name) are left alone. The first is linked to
    the demo expert account when that account exists and has no profile yet."""
    from .teams import services as team_services
    from .teams.models import Expert

    created = 0
    for name, fields, title, unit, available, lat, lng in EXPERTS:
        if Expert.objects.filter(name=name).exists():
            continue
        team_services.expert_create(acting_user=bureau, name=name, title=title, unit=unit,
                                    phone=f"1390000{created:04d}", available=available, latitude=lat,
                                    longitude=lng, is_synthetic=True, **dict.fromkeys(fields, True))
        created += 1
    account = User.objects.filter(username=DEMO_EXPERT_ACCOUNT).first()
    expert = Expert.objects.filter(name=EXPERTS[0][0], archived_at__isnull=True).first()
    if account is not None and expert is not None and expert.user_id is None \
            and not Expert.objects.filter(user=account).exists():
        team_services.expert_link_user(acting_user=bureau, expert=expert, user=account)
    return created


def _load_equipment(bureau) -> int:
    """Equipment held by the demo teams and warehouses, through the service (with its status log); an item
    already held by its holder (by name) is left alone."""
    from .teams import services as team_services
    from .teams.models import Equipment, RescueTeam

    created = 0
    for name, spec, quantity, holder, status in EQUIPMENT:
        team = RescueTeam.objects.filter(name=holder, archived_at__isnull=True).first()
        warehouse = None if team else Warehouse.objects.filter(name=holder, archived_at__isnull=True).first()
        if team is None and warehouse is None:
            continue
        if Equipment.objects.filter(name=name, team=team, warehouse=warehouse).exists():
            continue
        equipment = team_services.equipment_create(acting_user=bureau, name=name, model_spec=spec,
                                                   quantity=quantity, team=team, warehouse=warehouse)
        if status != Equipment.Status.IN_SERVICE:
            team_services.equipment_set_status(acting_user=bureau, equipment=equipment, status=status,
                                               note=TEAM_NOTE)
        created += 1
    return created


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
