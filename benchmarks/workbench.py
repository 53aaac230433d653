#!/usr/bin/env python
"""The workbench (GET /): response times and query counts per role, at two data sizes (issue 11).

    .venv/bin/python benchmarks/workbench.py [--small-hazards 5000 --hazards 100000 --small-enterprises 100
                                              --enterprises 1000 --small-tasks 50 --tasks 500 --runs 30
                                              --database-url postgres://…]

The home page is a per-role workbench: every domain's to-do providers and panels (core.registry: todos_for,
panels_for) and the latest notifications. This script loads a small data set, times GET / for four users (bureau
staff, the 光复道 subdistrict, the 区发改委 department, one enterprise) and counts the queries of one request of
each; then it adds data up to the large size in the same database and does it again. The query count of each
user must be the same at both sizes.

Small: SMALL_ENTERPRISES enterprises with SMALL_HAZARDS hidden hazards (prevention.generate), a plan of
SMALL_TASKS tasks (plan_dashboard.generate_plan), RESOURCES shelters, warehouses, teams and experts with their
lots (resources.generate, loaded once) and SMALL_NOTIFICATIONS notifications per user. Large: more of each, up to
ENTERPRISES enterprises and HAZARDS hazards in all, a second plan of TASKS tasks (the newest, which the bureau's
panel shows) and NOTIFICATIONS notifications per user. The data is written with the benchmark generators, not
through the services: the benchmark measures reads. It reports and always exits 0; it does not assert.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import random
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass

# `python benchmarks/workbench.py` puts benchmarks/ first on sys.path.
import harness
import plan_dashboard
import prevention
import resources
from harness import TARGET_P95_MS, Result, client_for, database_label, make_user, measure

USERS = ("bureau", "subdistrict", "department", "enterprise")
SIZES = ("small", "large")
DOMAIN_TABLES = ("prevention_", "plan_supervision_", "resources_", "enterprises_")
NOTIFICATION_TABLE = "core_notification"
# What each user's page must show: the to-do cards for all, the panels for the bureau and the subdistrict.
EXPECT = {"bureau": 'data-testid="panel-plan_completion"', "subdistrict": 'data-testid="panel-hazards_by_level"',
          "department": 'data-testid="todos"', "enterprise": 'data-testid="todos"'}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--small-enterprises", type=int, default=100, help="enterprises at the small size (default 100)")
    p.add_argument("--enterprises", type=int, default=1000, help="enterprises in all at the large size (default 1,000)")
    p.add_argument("--points-per-enterprise", type=int, default=10, help="risk points per enterprise (default 10)")
    p.add_argument("--small-hazards", type=int, default=5000, help="hidden hazards at the small size (default 5,000)")
    p.add_argument("--hazards", type=int, default=100_000,
                   help="hidden hazards in all at the large size (default 100,000; e.g. 500,000 on PostgreSQL)")
    p.add_argument("--small-tasks", type=int, default=50, help="tasks of the plan loaded at the small size (default 50)")
    p.add_argument("--tasks", type=int, default=500, help="tasks of the second plan, added for the large size "
                                                          "(default 500)")
    p.add_argument("--departments", type=int, default=40, help="departments the plans' tasks go to (default 40)")
    p.add_argument("--periods", type=int, default=24,
                   help="quarterly periods from 2021; 24 = 2021–2026, so one is open today (default 24)")
    p.add_argument("--resources", type=int, default=2000,
                   help="shelters, warehouses, teams and experts, loaded once with the small size (default 2,000)")
    p.add_argument("--small-notifications", type=int, default=20,
                   help="notifications per user at the small size (default 20)")
    p.add_argument("--notifications", type=int, default=1000,
                   help="notifications per user in all at the large size (default 1,000)")
    p.add_argument("--runs", type=int, default=30, help="timed requests per user and size (default 30)")
    p.add_argument("--warmup", type=int, default=3, help="untimed requests first (default 3)")
    p.add_argument("--database-url", default=None,
                   help="an existing, empty database (e.g. postgres://postgres@127.0.0.1:5432/bench_wb); "
                        "default: a throwaway SQLite file in a temporary directory")
    p.add_argument("--seed", type=int, default=20260510, help="random seed for the generated data")
    p.add_argument("--show-queries", action="store_true", help="print the SQL of one request of each user and size")
    args = p.parse_args(argv)
    if args.periods % 4:
        p.error("--periods must be a multiple of 4 (quarterly periods, whole years)")
    if args.departments < 3:
        p.error("--departments must be at least 3 (a lead and two co-operating departments per task)")
    for small, large in (("small_enterprises", "enterprises"), ("small_hazards", "hazards"),
                         ("small_notifications", "notifications")):
        if not 0 < getattr(args, small) < getattr(args, large):
            p.error(f"--{small.replace('_', '-')} must be above 0 and below --{large}")
    return args


# --- data ---------------------------------------------------------------------------------------------

@dataclass
class Loaded:
    """What one size added (the large size adds to the small one)."""

    enterprises: int = 0
    points: int = 0
    hazards: int = 0
    tasks: int = 0
    reports: int = 0
    resources: int = 0
    lots: int = 0
    seconds: float = 0.0


def plan_departments(n: int, must: list) -> list:
    """The plans' departments (plan_dashboard's round-robin set), with the benchmark users' own departments in
    it so that they have assignments to report on."""
    depts = plan_dashboard.benchmark_departments(n)
    missing = [d for d in must if d is not None and d not in depts]
    if missing:
        present = [d for d in depts if d in must]
        others = [d for d in depts if d not in must]
        depts = others[:max(0, n - len(present) - len(missing))] + present + missing
    return depts


def add_notifications(users: dict, per_user: int, rng: random.Random) -> int:
    """`per_user` notifications for each user over the last 90 days, 70 % read; half point at a hidden hazard the
    user may read (a target the workbench checks against the user's scope), half at nothing."""
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    from emergency.core import scoping
    from emergency.core.models import Notification
    from emergency.prevention.models import HiddenHazard

    now = timezone.now()
    ct = ContentType.objects.get_for_model(HiddenHazard)
    rows = []
    for user in users.values():
        targets = list(scoping.scope_queryset(user, HiddenHazard.objects.order_by("-pk"))
                       .values_list("pk", flat=True)[:per_user])
        for i in range(per_user):
            target = rng.choice(targets) if targets and i % 2 == 0 else None
            rows.append(Notification(
                recipient=user, title=f"基准通知{i}：隐患整改提醒", body="请及时处理。",
                target_type=ct if target else None, target_id=str(target) if target else "",
                url="" if target else "/notifications/", created_at=now - datetime.timedelta(seconds=rng.randrange(
                    90 * 86400)), read_at=now if rng.random() < 0.7 else None))
    Notification.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def load(args: argparse.Namespace, rng: random.Random, bureau, depts: list, *, size: str, enterprises: int,
         hazards: int, tasks: int) -> Loaded:
    started = time.perf_counter()
    code = "WA" if size == "small" else "WB"  # in the credit-code alphabet (no I, O, S, V, Z)
    gen = prevention.generate(args, rng, bureau, enterprises=enterprises, hazards=hazards, code=code)
    tag = f"{int(time.time())}-{os.getpid()}-{code}"
    plan = plan_dashboard.generate_plan(tasks=tasks, departments=depts, periods=args.periods, rng=rng, tag=tag)
    loaded = Loaded(enterprises=gen.enterprises, points=gen.points, hazards=gen.hazards, tasks=plan.tasks,
                    reports=plan.reports)
    if size == "small" and args.resources:
        # resources.generate can run once per database (its names and QR tokens are numbered from 0).
        res = resources.generate(argparse.Namespace(resources=args.resources, lots=max(args.resources // 2, 160),
                                                    movements=5 * args.resources), rng, bureau)
        loaded.resources = sum(res.counts.get(k, 0) for k in ("shelter", "warehouse", "team", "expert"))
        loaded.lots = res.counts["lots"]
    loaded.seconds = time.perf_counter() - started
    return loaded


def seen_by(user) -> dict[str, int]:
    """What the user's scope holds: hazards, plan assignments of the departments they act for, notifications."""
    from emergency.core import scoping
    from emergency.core.models import Notification
    from emergency.plan_supervision.models import Assignment
    from emergency.prevention.models import HiddenHazard

    hazards = scoping.scope_queryset(user, HiddenHazard.objects.all()).count() if scoping.may_read(
        user, HiddenHazard) else 0
    assignments = Assignment.objects.filter(department_id__in=scoping.acting_department_ids(user)).count()
    return {"hazards": hazards, "assignments": assignments,
            "notifications": Notification.objects.filter(recipient=user).count()}


def normalized(sql: str) -> str:
    """The SQL with its literals and IN lists folded, to tell which query one size makes and the other not."""
    sql = re.sub(r"'[^']*'", "?", sql)
    sql = re.sub(r"\b\d+(\.\d+)?\b", "?", sql)
    return re.sub(r"IN \((\?(, )?)+\)", "IN (…)", sql)


def main(argv: list[str] | None = None) -> int:
    return harness.main(argv, parse_args=parse_args, run=run, prefix="bench_wb_")


def run(args: argparse.Namespace) -> int:
    from django.core.management import call_command

    from emergency.core import registry
    from emergency.core.models import Department, Division
    from emergency.core.roles import Role
    from emergency.enterprises.models import Enterprise, SectorSupervision

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    migrate_s = time.perf_counter() - t0

    rng = random.Random(args.seed)
    bureau = make_user("bench_bureau", Role.BUREAU_STAFF)
    guangfu = Division.objects.get(code="120105001")
    # The department supervising manufacturing (section C, the largest share of the enterprises): it reads
    # those enterprises' hazards (管行业必须管安全) and reports on its plan assignments.
    sector = SectorSupervision.objects.filter(industry="C", archived_at__isnull=True).select_related(
        "department").first()
    department = sector.department if sector else plan_dashboard.benchmark_departments(1)[0]
    office = Department.objects.filter(division=guangfu, kind=Department.Kind.SUBDISTRICT_OFFICE).first()
    depts = plan_departments(args.departments, [department, office])
    users = {"bureau": bureau,
             "subdistrict": make_user("bench_subdistrict", Role.SUBDISTRICT, division=guangfu),
             "department": make_user("bench_department", Role.DEPARTMENT, department=department)}

    small = load(args, rng, bureau, depts, size="small", enterprises=args.small_enterprises,
                 hazards=args.small_hazards, tasks=args.small_tasks)
    # The enterprise user: the small set's first enterprise in 光复道, so that the subdistrict sees it too. Its
    # own hazards do not grow at the large size; the tables around it do.
    enterprise = (Enterprise.objects.filter(name__startswith="基准企业WA", division=guangfu).order_by("pk").first()
                  or Enterprise.objects.filter(name__startswith="基准企业WA").order_by("pk").first())
    users["enterprise"] = make_user("bench_enterprise", Role.ENTERPRISE, enterprise=enterprise)
    add_notifications(users, args.small_notifications, rng)
    harness.analyze()
    clients = {who: client_for(user) for who, user in users.items()}

    results: dict[tuple[str, str], Result] = {}
    entries: dict[tuple[str, str], tuple[int, int]] = {}
    scope: dict[tuple[str, str], dict[str, int]] = {}

    def measure_all(size: str) -> None:
        for who in USERS:
            results[(who, size)] = measure(clients[who], "/", view="workbench", label=f"{who} {size}",
                                           runs=args.runs, warmup=args.warmup, expect=EXPECT[who])
            user = users[who]
            entries[(who, size)] = (len(registry.todos_for(user)), len(registry.panels_for(user)))
            scope[(who, size)] = seen_by(user)

    measure_all("small")
    large = load(args, rng, bureau, depts, size="large", enterprises=args.enterprises - args.small_enterprises,
                 hazards=args.hazards - args.small_hazards, tasks=args.tasks)
    add_notifications(users, args.notifications - args.small_notifications, rng)
    t1 = time.perf_counter()
    harness.analyze(vacuum=True)
    analyze_s = time.perf_counter() - t1
    measure_all("large")

    postgres = database_label().startswith("PostgreSQL")
    print(f"workbench benchmark — {database_label()}, Python {platform.python_version()}, {os.cpu_count()} cores")
    print(f"data written with the benchmark generators (prevention.generate: {'COPY' if postgres else 'executemany'} "
          f"and bulk_create; plan_dashboard.generate_plan; resources.generate), not through the services: "
          f"this benchmark measures reads")
    print(f"small: {small.enterprises:,} enterprises, {small.points:,} risk points, {small.hazards:,} hidden hazards; "
          f"a plan of {small.tasks:,} tasks ({args.periods} periods, {small.reports:,} progress reports); "
          f"{small.resources:,} resources with {small.lots:,} lots; {args.small_notifications:,} notifications "
          f"per user; generated in {small.seconds:.1f} s")
    print(f"large: {small.enterprises + large.enterprises:,} enterprises, {small.points + large.points:,} risk points, "
          f"{small.hazards + large.hazards:,} hidden hazards; plans of {small.tasks:,} and {large.tasks:,} tasks "
          f"({small.reports + large.reports:,} progress reports); the same {small.resources:,} resources; "
          f"{args.notifications:,} notifications per user; the small set plus what was added in "
          f"{large.seconds:.1f} s")
    print(f"users: bureau = bureau staff; subdistrict = {guangfu.name}; department = {department.name} "
          f"(supervises section C); enterprise = {enterprise.name} ({enterprise.division.name if enterprise.division_id else '—'})")
    print(f"migrate {migrate_s:.1f} s; ANALYZE after each load ({analyze_s:.1f} s at the large size); {args.runs} "
          f"timed GET / after {args.warmup} warm-up per user and size, django.test.Client; p95 = nearest rank")
    print()
    print(f"{'user':<12} {'size':<6} {'hazards':>8} {'assignments':>12} {'notifications':>14} {'todos':>6} "
          f"{'panels':>7}")
    for who in USERS:
        for size in SIZES:
            s, (todos, panels) = scope[(who, size)], entries[(who, size)]
            print(f"{who:<12} {size:<6} {s['hazards']:>8,} {s['assignments']:>12,} {s['notifications']:>14,} "
                  f"{todos:>6} {panels:>7}")
    print("(what the user's scope holds: hidden hazards, plan assignments of the departments they act for, their "
          "notifications; todos and panels: the entries the workbench shows)")
    print()
    print(f"{'user':<12} {'size':<6} {'median_ms':>10} {'p95_ms':>8} {'max_ms':>8} {'queries':>8} {'of_app':>7} "
          f"{'notif':>6} {'kB':>6}")
    for who in USERS:
        for size in SIZES:
            r = results[(who, size)]
            print(f"{who:<12} {size:<6} {r.median:>10.1f} {r.p95:>8.1f} {r.max:>8.1f} {r.queries:>8} "
                  f"{r.queries_on(*DOMAIN_TABLES):>7} {r.queries_on(NOTIFICATION_TABLE):>6} {r.bytes / 1024:>6.0f}")
    print("(queries: the whole request, session, user and notification badge included; of_app: those on the "
          "prevention_, plan_supervision_, resources_ and enterprises_ tables; notif: those on core_notification)")
    print()
    for who in USERS:
        big, little = results[(who, "large")], results[(who, "small")]
        print(f"ratio large/small: {who} time ×{big.median / little.median:.2f} (median), "
              f"×{big.p95 / little.p95:.2f} (p95); queries ×{big.queries / little.queries:.2f} "
              f"({big.queries} vs {little.queries})")
    same = all(results[(who, "large")].queries == results[(who, "small")].queries for who in USERS)
    print(f"queries equal at both sizes: {'PASS' if same else 'FAIL'}")
    worst = max(results[(who, "large")].p95 for who in USERS)
    print(f"target p95 < {TARGET_P95_MS:.0f} ms at the large size: {'PASS' if worst < TARGET_P95_MS else 'FAIL'} "
          f"(worst p95 {worst:.1f} ms)")
    for who in USERS:
        big, little = results[(who, "large")], results[(who, "small")]
        if big.queries != little.queries:
            b, s = Counter(map(normalized, big.sql)), Counter(map(normalized, little.sql))
            only_big, only_little = list((b - s).elements()), list((s - b).elements())
            print(f"\n-- {who}: {big.queries} queries at the large size, {little.queries} at the small one")
            for label, queries in (("more at the large size", only_big), ("more at the small size", only_little)):
                for sql in queries:
                    print(f"   {label}: {sql[:400]}")

    if args.show_queries:
        for (who, size), r in results.items():
            print(f"\n-- {who}, {size}: {r.queries} queries")
            for sql in r.timed_sql:
                print("  ", sql[:600])
    return 0


if __name__ == "__main__":
    sys.exit(main())
