"""Demo data of plan supervision: the shipped plan notice, imported, with a realistic mix of reports in its last
period (registered as a demo loader by apps.PlanSupervisionConfig)."""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from emergency.accounts.models import User
from emergency.core.demo import DEMO_PASSWORD
from emergency.core.models import Department
from emergency.core.roles import Role

from . import services as plan_services
from .models import Assignment, Item, Plan, ProgressReport
from .parser import parse_notice
from .resolver import django_resolver

# Two more department accounts, so that the plan has reporters beyond the housing department.
DEMO_DEPARTMENT_ACCOUNTS = [("dept_urban", "吴城管", "区城管委"), ("dept_finance", "郑财政", "区财政局")]
# What seed_demo prints for this loader (sorted, as it always was).
USERNAMES = tuple(sorted(username for username, _n, _d in DEMO_DEPARTMENT_ACCOUNTS))
NOTICE_PATH = Path(settings.BASE_DIR) / "data" / "hebei_plan_notice_2022_5.txt"


@transaction.atomic
def load_demo_plan() -> None:
    """The shipped plan notice, imported, with a realistic mix of reports in its last period."""
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
