"""Demo data: one account per role and synthetic communities and grids (marked as such)."""

from __future__ import annotations

import json
import random
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from emergency.accounts.models import User
from emergency.core.roles import OTP_REQUIRED_ROLES, Role

from . import reference, services
from .models import Department, Division
from .notifications import notify

DEMO_PASSWORD = "Demo@2026"
# Fixed TOTP keys so that the demo's admin accounts can be used from any authenticator (hex, 20 bytes).
DEMO_TOTP_KEY = "3132333435363738393031323334353637383930"

COMMUNITY_NAMES = ["东风里", "红星路", "金钟河", "昆纬路", "新村", "宁园里", "靖江路", "月牙里"]

DEMO_ACCOUNTS = [
    ("bureau_admin", "王局长", Role.BUREAU_ADMIN, {}),
    ("bureau_staff", "李科员", Role.BUREAU_STAFF, {}),
    ("dept_housing", "张住建", Role.DEPARTMENT, {"department": "区住建委"}),
    ("sub_guangfu", "赵光复", Role.SUBDISTRICT, {"division": "120105001"}),
    ("sub_wanghai", "钱望海", Role.SUBDISTRICT, {"division": "120105002"}),
    ("ent_demo", "孙安全", Role.ENTERPRISE, {"enterprise": "天津示例化工有限公司（虚构）"}),
    ("expert_demo", "周专家", Role.EXPERT, {}),
    ("sys_admin", "系统管理员", Role.SYSTEM_ADMIN, {}),
    ("sec_admin", "安全管理员", Role.SECURITY_ADMIN, {}),
    ("audit_admin", "审计管理员", Role.AUDIT_ADMIN, {}),
]


def _demo_enterprise(name: str):
    from emergency.enterprises import services as enterprise_services
    from emergency.enterprises.models import Enterprise
    from emergency.lib.credit_code import complete

    existing = Enterprise.objects.filter(name=name).first()
    if existing:
        return existing
    return enterprise_services.enterprise_create(
        acting_user=None, name=name, credit_code=complete("91120105MA0DEM001"), industry="C", above_scale=True,
        employees=120, division=Division.objects.get(code="120105001"), address="河北区光复道示例路1号（虚构）",
        legal_representative="孙示例", safety_manager="孙安全", safety_manager_phone="13800000001",
        hazardous_chemicals=True, is_synthetic=True, latitude=39.142, longitude=117.196)


def _subdistrict_points() -> dict[str, tuple[float, float]]:
    path = Path(settings.BASE_DIR) / "static" / "geo" / "subdistricts.geojson"
    data = json.loads(path.read_text(encoding="utf-8"))
    return {f["properties"]["code"]: (f["geometry"]["coordinates"][1], f["geometry"]["coordinates"][0])
            for f in data["features"]}


@transaction.atomic
def load_demo(*, communities_per_subdistrict: int = 3, grids_per_community: int = 2) -> list[tuple[str, str]]:
    rng = random.Random(120105)
    reference.load()
    accounts = []
    for username, full_name, role, scope in DEMO_ACCOUNTS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, full_name=full_name, role=role, is_demo=True,
                        must_change_password=False, password_changed_at=timezone.now(),
                        email=f"{username}@demo.local")
            if "department" in scope:
                user.department = Department.objects.get(name=scope["department"])
            if "division" in scope:
                user.division = Division.objects.get(code=scope["division"])
            if "enterprise" in scope:
                user.enterprise = _demo_enterprise(scope["enterprise"])
            user.set_password(DEMO_PASSWORD)
            user.save()
            if role in OTP_REQUIRED_ROLES:
                TOTPDevice.objects.create(user=user, name="demo", key=DEMO_TOTP_KEY, confirmed=True)
        accounts.append((username, user.get_role_display()))

    admin = User.objects.get(username="bureau_admin")
    points = _subdistrict_points()
    for sub in Division.objects.filter(level=Division.Level.SUBDISTRICT):
        lat0, lng0 = points.get(sub.code, (39.1598, 117.1962))
        for i in range(1, communities_per_subdistrict + 1):
            code = f"{sub.code}{i:03d}"
            if Division.objects.filter(code=code).exists():
                continue
            name = f"{sub.name}{COMMUNITY_NAMES[(i + int(sub.code[-2:])) % len(COMMUNITY_NAMES)]}社区"
            community = services.division_create(
                acting_user=admin, code=code, name=name, level=Division.Level.COMMUNITY, parent=sub,
                population=rng.randint(4000, 12000), latitude=round(lat0 + rng.uniform(-0.004, 0.004), 6),
                longitude=round(lng0 + rng.uniform(-0.004, 0.004), 6), contact_name=f"社区书记{i}",
                contact_phone=f"139{rng.randint(10000000, 99999999)}", is_synthetic=True)
            for g in range(1, grids_per_community + 1):
                services.division_create(
                    acting_user=admin, code=f"{code}{g:03d}", name=f"{name}第{g}网格",
                    level=Division.Level.GRID, parent=community, population=rng.randint(800, 3000),
                    is_synthetic=True)
    guangfu = Division.objects.get(code="120105001")
    first = guangfu.children.order_by("code").first()
    if first is not None and not User.objects.get(username="sub_guangfu").notifications.exists():
        notify(recipients=[User.objects.get(username="sub_guangfu")], title="请核对社区联系人信息",
               body="演示通知：请核对本街道各社区的联系人和电话。", target=first,
               url=f"/divisions/{first.pk}/")
    return accounts


DEMO_DEPARTMENT_ACCOUNTS = [("dept_urban", "吴城管", "区城管委"), ("dept_finance", "郑财政", "区财政局")]
NOTICE_PATH = Path(settings.BASE_DIR) / "data" / "hebei_plan_notice_2022_5.txt"


@transaction.atomic
def load_demo_plan() -> None:
    """The shipped plan notice, imported, with a realistic mix of reports in its last period."""
    from emergency.plan_supervision import services as plan_services
    from emergency.plan_supervision.models import Assignment, Item, Plan, ProgressReport
    from emergency.plan_supervision.parser import parse_notice
    from emergency.plan_supervision.resolver import django_resolver

    for username, full_name, dept in DEMO_DEPARTMENT_ACCOUNTS:
        if not User.objects.filter(username=username).exists():
            u = User(username=username, full_name=full_name, role=Role.DEPARTMENT, is_demo=True,
                     must_change_password=False, password_changed_at=timezone.now(),
                     department=Department.objects.get(name=dept), email=f"{username}@demo.local")
            u.set_password(DEMO_PASSWORD)
            u.save()
    bureau = Department.objects.get(name="区应急局")
    User.objects.filter(username__in=["bureau_admin", "bureau_staff"], department__isnull=True).update(
        department=bureau)
    if Plan.objects.exists():
        return
    admin = User.objects.get(username="bureau_admin")
    staff = User.objects.get(username="bureau_staff")
    parsed = parse_notice(NOTICE_PATH.read_text(encoding="utf-8"), resolve=django_resolver())
    plan, _created = plan_services.plan_import(parsed=parsed, acting_user=admin)
    period = plan.periods.order_by("-ends_on").first()
    reporters = {u.department_id: u for u in User.objects.filter(is_demo=True, department__isnull=False)
                 .exclude(role=Role.BUREAU_ADMIN)}
    for u in User.objects.filter(is_demo=True, role=Role.SUBDISTRICT):
        office = Department.objects.filter(division=u.division, kind="subdistrict_office").first()
        if office:
            reporters.setdefault(office.pk, u)
    statuses = ["done", "on_track", "on_track", "at_risk", "delayed"]
    rng = random.Random(2022)
    streets = Department.objects.get(name="各街道办事处")
    for i, a in enumerate(Assignment.objects.filter(item__plan=plan).select_related("item").order_by("pk")):
        user = reporters.get(a.department_id) or (reporters.get(next(iter(
            [m.pk for m in streets.members.all() if m.pk in reporters]), None)) if a.department == streets else None)
        if user is None or rng.random() < 0.25:
            continue
        status = statuses[i % len(statuses)]
        pct = 100 if status == "done" else rng.choice([40, 60, 75, 85])
        r = plan_services.report_save(
            acting_user=user, assignment=a, period=period, percent_complete=pct, status=status, submit=True,
            narrative=f"【演示】{a.item.title}：本季度按计划推进，完成阶段性工作{pct}%。")
        if i % 3 == 0:
            # Four eyes: the bureau's own reports (区应急局, filed by bureau_staff) are accepted by the admin.
            reviewer = admin if user == staff else staff
            plan_services.report_accept(acting_user=reviewer, report=r, comment="同意。")
        elif i % 7 == 1:
            plan_services.report_return(acting_user=staff, report=r, comment="请补充量化成果和佐证材料。")
    plan_services.overdue_mark(today=timezone.localdate())
    for item in plan.items.filter(kind=Item.Kind.INDICATOR, target_value__isnull=False):
        for year in range(plan.start_year, plan.end_year + 1):
            factor = rng.uniform(0.5, 1.1) if item.comparator == "<=" else rng.uniform(0.6, 1.4)
            if item.unit in ("个", "处", "名"):
                factor = round(factor * float(item.target_value)) / float(item.target_value)
            plan_services.indicator_value_record(
                acting_user=staff, item=item, year=year,
                value=(item.target_value * Decimal(str(round(factor, 2)))).quantize(Decimal("0.0001")),
                achieved=None, source="演示数据（虚构）")
    task = plan.items.filter(kind=Item.Kind.TASK, assignments__department__name="区城管委").order_by("order").first()
    if task is not None:
        plan_services.notice_issue(acting_user=staff, item=task, department=Department.objects.get(name="区城管委"),
                                   content="请于期限内报送本任务推进情况及存在问题。",
                                   deadline=timezone.localdate() + timedelta(days=10))
    assert ProgressReport.objects.filter(assignment__item__plan=plan).exists()
