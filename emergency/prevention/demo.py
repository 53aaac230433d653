"""Synthetic dual-prevention demo data: 60 enterprises across the 10 subdistricts, with risk points,
assessments, a year of inspections and hidden hazards in every state. Everything is flagged synthetic."""

from __future__ import annotations

import datetime
import json
import random
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from emergency.accounts.models import User
from emergency.core.models import Division
from emergency.enterprises import services as enterprise_services
from emergency.enterprises.models import Enterprise
from emergency.lib.credit_code import complete
from emergency.lib.geo import point_in_geometry

from . import services
from .models import ControlLevel, HiddenHazard, InspectionTask, RiskPoint

ENTERPRISE_COUNT = 60
NAMES = ["恒安", "津河", "海河", "宁园", "金钟", "北宁", "望海", "鸿顺", "月牙", "铁东", "建昌", "光复"]
KINDS = [("化工有限公司", "C", {"hazardous_chemicals": True}), ("机械制造有限公司", "C", {}),
         ("冷链物流有限公司", "G", {"ammonia_refrigeration": True}), ("食品加工有限公司", "C", {"dust_explosion": True}),
         ("商贸有限公司", "F", {}), ("酒店管理有限公司", "H", {}), ("建筑工程有限公司", "E", {"confined_space": True}),
         ("燃气供应有限公司", "D", {"major_hazard_source": True})]
POINTS = [
    ("原料仓库", "area", [("2", "易燃物料储存"), ("4", "出入库管理缺陷")],
     [("management", "严禁烟火，动火作业审批", "现场无烟头、动火有审批单"),
      ("engineering", "可燃气体报警器完好", "报警器在检定期内且工作正常")]),
    ("生产车间", "area", [("1", "违章操作"), ("2", "机械伤害")],
     [("engineering", "设备防护罩齐全", "防护罩无缺失"), ("ppe", "按规定佩戴劳动防护用品", "作业人员佩戴防护用品")]),
    ("配电室", "facility", [("2", "触电")], [("management", "配电室专人管理、上锁", "门锁完好、巡检记录齐全"),
                                            ("emergency", "绝缘工具和灭火器配备", "灭火器压力正常")]),
    ("受限空间作业", "operation", [("3", "缺氧窒息"), ("4", "作业审批缺失")],
     [("management", "先通风、再检测、后作业", "作业票、检测记录齐全"), ("training", "作业人员经培训", "培训记录在册")]),
]
LEC_CHOICES = [(6, 6, 15), (3, 6, 7), (1, 6, 7), (3, 3, 3), (6, 6, 7), (1, 3, 15), (0.5, 6, 3)]


def _points() -> dict[str, tuple[float, float]]:
    path = Path(settings.BASE_DIR) / "static" / "geo" / "subdistricts.geojson"
    data = json.loads(path.read_text(encoding="utf-8"))
    return {f["properties"]["code"]: (f["geometry"]["coordinates"][1], f["geometry"]["coordinates"][0])
            for f in data["features"]}


@transaction.atomic
def load_demo_prevention(*, count: int = ENTERPRISE_COUNT) -> int:
    if Enterprise.objects.filter(is_synthetic=True, name__endswith="（虚构）").count() >= count:
        return 0
    rng = random.Random(4)
    bureau = User.objects.get(username="bureau_staff")
    subs = list(Division.objects.filter(level=Division.Level.SUBDISTRICT).order_by("code"))
    centres = _points()
    outline = json.loads((Path(settings.BASE_DIR) / "static" / "geo" / "hebei_district.geojson").read_text(
        encoding="utf-8"))["features"][0]["geometry"]
    created = []
    for i in range(count):
        sub = subs[i % len(subs)]
        kind, industry, flags = KINDS[i % len(KINDS)]
        name = f"天津{NAMES[i % len(NAMES)]}{kind[:-4]}{i + 1:02d}{kind[-4:]}（虚构）"
        if Enterprise.objects.filter(name=name).exists():
            continue
        lat, lng = centres.get(sub.code, (39.1598, 117.1962))
        plat, plng = round(lat + rng.uniform(-0.005, 0.005), 6), round(lng + rng.uniform(-0.005, 0.005), 6)
        if not point_in_geometry(plng, plat, outline):
            plat, plng = lat, lng  # jitter pushed it over the district boundary
        communities = list(sub.children.filter(level=Division.Level.COMMUNITY))
        ent = enterprise_services.enterprise_create(
            acting_user=bureau, name=name, credit_code=complete(f"91120105MA{i + 100:07d}"), industry=industry,
            above_scale=rng.random() < 0.7, employees=rng.randint(20, 600),
            division=rng.choice(communities) if communities else sub, address=f"河北区{sub.name}示例路{i + 1}号（虚构）",
            latitude=plat, longitude=plng,
            legal_representative=f"法人{i + 1}", principal=f"负责人{i + 1}", principal_phone=f"1390000{i:04d}",
            safety_manager=f"安全员{i + 1}", safety_manager_phone=f"1380000{i:04d}",
            standardisation=rng.choice(["level2", "level3", "small", "none"]),
            enforcement_category=rng.choice("ABCD"), is_synthetic=True, **flags)
        created.append(ent)
    own = Enterprise.objects.filter(users__username="ent_demo").first()
    if own is not None and not own.risk_points.exists():
        created.insert(0, own)  # the demo enterprise account gets a full set too
    # The last two are registered but not assessed yet, so the risk map's "not assessed" layer has data too.
    not_assessed = set(created[-2:]) if len(created) > 2 else set()
    for ent in created:
        _populate(ent, bureau, rng, assess=ent not in not_assessed)
    _history(created, rng)
    _hazards(created, bureau, rng)
    return len(created)


def _populate(ent: Enterprise, bureau, rng: random.Random, *, assess: bool = True) -> None:
    for name_p, kind_p, factors, measures in rng.sample(POINTS, k=rng.randint(2, 4)):
        point = services.risk_point_create(acting_user=bureau, enterprise=ent, name=name_p, kind=kind_p,
                                           control_level=rng.choice(list(ControlLevel.values)),
                                           responsible_person=f"责任人{rng.randint(1, 99)}", location=name_p)
        for code, text in factors:
            services.hazard_factor_add(acting_user=bureau, point=point, code=code, description=text)
        for mk, text, check in measures:
            services.control_measure_add(acting_user=bureau, point=point, kind=mk, description=text, check_item=check)
        l, e, c = rng.choice(LEC_CHOICES)  # noqa: E741 - drawn either way, so the rest of the demo stays the same
        if assess:
            services.risk_assess(acting_user=bureau, point=point, method="lec", l=l, e=e, c=c,
                                 note="演示评估（虚构）")


def _history(enterprises: list[Enterprise], rng: random.Random) -> None:
    """A year of company-level inspection windows per risk point: mostly done, some missed (bulk, demo only)."""
    now = timezone.now()
    tasks = []
    for point in RiskPoint.objects.filter(enterprise__in=enterprises):
        for week in range(52, 0, -1):
            start = now - datetime.timedelta(weeks=week)
            done = rng.random() < 0.85
            tasks.append(InspectionTask(risk_point=point, control_level=ControlLevel.DEPARTMENT, due_from=start,
                                        due_until=start + datetime.timedelta(weeks=1),
                                        state=InspectionTask.State.DONE if done else InspectionTask.State.MISSED,
                                        done_at=start + datetime.timedelta(days=2) if done else None))
    InspectionTask.objects.bulk_create(tasks, ignore_conflicts=True)
    services.inspection_tasks_generate(now=now)


def _hazards(enterprises: list[Enterprise], bureau, rng: random.Random) -> None:
    """Hidden hazards in every state, each walked through the real services."""
    today = timezone.localdate()
    accepter = User.objects.filter(username="bureau_admin").first() or bureau
    plan_text = {p: "演示内容（虚构）" for p in ("goal_and_tasks", "methods_and_measures", "funds_and_materials",
                                          "responsible_body_and_people", "time_limit", "safety_and_contingency")}
    for i, ent in enumerate(enterprises):
        point = ent.risk_points.first()
        stage = i % 7
        h = services.hazard_report(acting_user=bureau, enterprise=ent, risk_point=point,
                                   title=f"{point.name if point else '现场'}：演示隐患{i + 1}（虚构）",
                                   description="演示数据（虚构）", location=point.location if point else "")
        if i % 3:
            # Most hazards are found by the enterprises' own checks, not by the regulator (demo only).
            HiddenHazard.objects.filter(pk=h.pk).update(found_by_regulator=False)
            h.found_by_regulator = False
        if stage == 0:
            continue  # identified
        services.hazard_register(acting_user=bureau, hazard=h)
        if stage == 1:
            continue  # registered
        major = i % 10 == 3
        services.hazard_assess(acting_user=bureau, hazard=h, hazard_class="major" if major else "general")
        if stage == 2:
            continue  # assessed
        if major:
            services.governance_plan_save(acting_user=bureau, hazard=h, **plan_text)
            for recipient in ("regulator", "workers_congress"):
                services.dual_report_record(acting_user=bureau, hazard=h, recipient=recipient,
                                            reported_on=today - datetime.timedelta(days=3), evidence="演示文号（虚构）")
        services.hazard_start_rectification(acting_user=bureau, hazard=h, deadline=today + datetime.timedelta(days=15),
                                            responsible_person="整改责任人")
        if stage == 3:
            if major:
                services.hazard_list_for_supervision(acting_user=bureau, hazard=h,
                                                     deadline=today + datetime.timedelta(days=30))
            continue  # rectifying
        if stage == 4:
            # Overdue: the deadline is moved into the past as if time had passed (demo only).
            HiddenHazard.objects.filter(pk=h.pk).update(deadline=today - datetime.timedelta(days=rng.randint(1, 12)))
            continue
        services.hazard_submit_for_acceptance(acting_user=bureau, hazard=h, note="已整改（演示）")
        if stage == 5:
            continue  # awaiting acceptance
        services.hazard_accept(acting_user=accepter, hazard=h, passed=True, note="验收合格（演示）")
    services.hazards_mark_overdue(today=today)
