#!/usr/bin/env python
"""Plan supervision dashboard and matrix: response times and query counts (issue 3).

    .venv/bin/python benchmarks/plan_dashboard.py [--tasks 500 --departments 40 --periods 20 --runs 30
                                                   --small-tasks 50 --database-url postgres://…]

Generates a plan of TASKS main tasks (each: 1 lead + 2 co-operating departments, round-robin over
DEPARTMENTS departments) with a progress report for every assignment in every period, and a second,
smaller plan (SMALL_TASKS tasks) in the same database. Then times GET requests of the dashboard
(/plans/<id>/?period=<latest>) and the department × task matrix (/plans/<id>/matrix/?period=<latest>)
as a logged-in bureau user, and counts the SQL queries of one request of each.

The data is written with bulk_create, not through the services: the benchmark measures reads.
Without --database-url it uses a throwaway SQLite database in a temporary directory. It reports and
always exits 0; it does not assert.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import sys
import time
from dataclasses import dataclass

# `python benchmarks/plan_dashboard.py` puts benchmarks/ first on sys.path.
import harness
from harness import TARGET_P95_MS, Result, analyze, database_label, measure


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--tasks", type=int, default=500, help="main tasks in the large plan (default 500)")
    p.add_argument("--small-tasks", type=int, default=50, help="main tasks in the comparison plan (default 50)")
    p.add_argument("--departments", type=int, default=40, help="departments tasks are spread over (default 40)")
    p.add_argument("--periods", type=int, default=20,
                   help="reporting periods: quarterly from 2021, so 20 = 2021–2025 (default 20)")
    p.add_argument("--runs", type=int, default=30, help="timed requests per view and size (default 30)")
    p.add_argument("--warmup", type=int, default=3, help="untimed requests first (default 3)")
    p.add_argument("--database-url", default=None,
                   help="an existing database to use (e.g. postgres://postgres@127.0.0.1:5432/bench_plan); "
                        "default: a throwaway SQLite file in a temporary directory")
    p.add_argument("--seed", type=int, default=20260501, help="random seed for the generated data")
    p.add_argument("--show-queries", action="store_true", help="print the SQL of one request of each view")
    args = p.parse_args(argv)
    if args.periods % 4:
        p.error("--periods must be a multiple of 4 (quarterly periods, whole years)")
    if args.departments < 3:
        p.error("--departments must be at least 3 (a lead and two co-operating departments per task)")
    return args


# --- data ---------------------------------------------------------------------------------------------

INDICATORS, PROJECTS = 8, 6  # each indicator has a lead; each key project a lead and a co-operating department
STATUSES = ["not_started", "on_track", "at_risk", "delayed", "done"]
# (state, weight) for past periods and for the latest period, which is still being reported.
PAST_STATES = [("accepted", 80), ("submitted", 6), ("returned", 4), ("overdue", 10)]
LATEST_STATES = [("draft", 25), ("submitted", 30), ("accepted", 25), ("returned", 8), ("overdue", 12)]


@dataclass
class Generated:
    plan_id: int
    latest_period_id: int
    tasks: int
    departments: int
    periods: int
    assignments: int
    reports: int
    seconds: float


def benchmark_departments(n: int):
    """The first n seeded departments (groups excluded), topped up with created ones."""
    from emergency.core.models import Department

    depts = list(Department.objects.filter(archived_at__isnull=True).exclude(kind=Department.Kind.GROUP)
                 .order_by("sort_order", "name")[:n])
    missing = n - len(depts)
    if missing > 0:
        names = [f"基准测试部门{i:03d}" for i in range(1, n + 1)]
        existing = {d.name: d for d in Department.objects.filter(name__in=names)}
        new = [Department(name=name, kind=Department.Kind.GOVERNMENT, sort_order=900 + i)
               for i, name in enumerate(names) if name not in existing]
        Department.objects.bulk_create(new[:missing])
        depts += list(Department.objects.filter(name__in=names).order_by("sort_order")[:missing])
    return depts[:n]


def generate_plan(*, tasks: int, departments: list, periods: int, rng: random.Random, tag: str) -> Generated:
    from django.db import transaction
    from django.utils import timezone

    from emergency.plan_supervision import services
    from emergency.plan_supervision.models import Assignment, Item, Period, Plan, ProgressReport, Section

    started = time.perf_counter()
    now = timezone.now()
    n_dept = len(departments)
    with transaction.atomic():
        plan = Plan.objects.create(
            document_number=f"基准〔2026〕{tag}号", title=f"基准测试 2021—{2020 + periods // 4} 年规划（{tasks} 项任务）",
            issued_on="2021-03-01", start_year=2021, end_year=2020 + periods // 4, period_months=3)
        services.plan_periods_generate(plan=plan)
        period_list = list(Period.objects.filter(plan=plan).order_by("starts_on"))
        sections = Section.objects.bulk_create([
            Section(plan=plan, number=n, title=f"第{n}部分 重点工作", order=i)
            for i, n in enumerate("一二三四")])

        items, order = [], 0
        for number in range(1, INDICATORS + 1):
            order += 1
            items.append(Item(plan=plan, kind=Item.Kind.INDICATOR, number=number, order=order,
                              category="安全生产类" if number <= 4 else "应急能力类",
                              title=f"指标{number}", content=f"指标{number}内容", comparator="<=",
                              target_value=number, unit="%"))
        for number in range(1, tasks + 1):
            order += 1
            items.append(Item(plan=plan, kind=Item.Kind.TASK, number=number, order=order,
                              section=sections[(number - 1) * len(sections) // tasks],
                              theme=f"主题{(number - 1) // 5 + 1}", title=f"任务{number}",
                              content=f"第{number}项任务的具体内容，需要多部门协同推进。"))
        for number in range(1, PROJECTS + 1):
            order += 1
            items.append(Item(plan=plan, kind=Item.Kind.PROJECT, number=number, order=order,
                              title=f"重点工程{number}", content=f"重点工程{number}建设内容"))
        items = Item.objects.bulk_create(items, batch_size=500)

        assignments, slot = [], 0
        for item in items:
            width = {Item.Kind.INDICATOR: 1, Item.Kind.TASK: 3, Item.Kind.PROJECT: 2}[item.kind]
            for k in range(width):
                role = Assignment.Role.LEAD if k == 0 else Assignment.Role.COOPERATING
                assignments.append(Assignment(item=item, department=departments[(slot + k) % n_dept], role=role,
                                              order=k))
            slot += width
        assignments = Assignment.objects.bulk_create(assignments, batch_size=1000)

        reports, last = [], len(period_list) - 1
        for p_index, period in enumerate(period_list):
            weights = LATEST_STATES if p_index == last else PAST_STATES
            states = rng.choices([s for s, _w in weights], [w for _s, w in weights], k=len(assignments))
            base = 100 * (p_index + 1) / len(period_list)
            for a, state in zip(assignments, states, strict=True):
                status = rng.choices(STATUSES, [5, 60, 15, 10, 10])[0] if state != "draft" else "not_started"
                pct = 100 if status == "done" else max(0, min(99, int(base + rng.gauss(0, 12))))
                reviewed = state in ("accepted", "returned")
                reports.append(ProgressReport(
                    assignment=a, period=period, narrative=f"{period.label}进展情况。", percent_complete=pct,
                    status=status, state=state,
                    is_consolidated=a.role == Assignment.Role.LEAD and state in ("submitted", "accepted"),
                    submitted_at=now if state in ("submitted", "accepted", "returned") else None,
                    reviewed_at=now if reviewed else None, review_comment="请补充材料。" if state == "returned" else "",
                    escalated_at=now if state == "overdue" else None, created_at=now))
        ProgressReport.objects.bulk_create(reports, batch_size=1000)
    return Generated(plan_id=plan.pk, latest_period_id=period_list[-1].pk, tasks=tasks, departments=n_dept,
                     periods=len(period_list), assignments=len(assignments), reports=len(reports),
                     seconds=time.perf_counter() - started)


def bureau_client():
    from emergency.core.roles import Role

    return harness.client_for(harness.make_user("bench_bureau", Role.BUREAU_STAFF))


def main(argv: list[str] | None = None) -> int:
    return harness.main(argv, parse_args=parse_args, run=run, prefix="bench_plan_")


def run(args: argparse.Namespace) -> int:
    from django.core.management import call_command
    from django.urls import reverse

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    migrate_s = time.perf_counter() - t0

    rng = random.Random(args.seed)
    depts = benchmark_departments(args.departments)
    tag = f"{int(time.time())}-{os.getpid()}"
    large = generate_plan(tasks=args.tasks, departments=depts, periods=args.periods, rng=rng, tag=f"{tag}-L")
    small = generate_plan(tasks=args.small_tasks, departments=depts, periods=args.periods, rng=rng,
                          tag=f"{tag}-S")
    analyze()
    client = bureau_client()

    results: dict[tuple[str, int], Result] = {}
    for view, name, expect in (("dashboard", "plans:dashboard", 'id="chart-sections"'),
                               ("matrix", "plans:matrix", 'data-testid="matrix"')):
        for gen in (large, small):
            url = f"{reverse(name, args=[gen.plan_id])}?period={gen.latest_period_id}"
            results[(view, gen.tasks)] = measure(client, url, view=view, label=str(gen.tasks), runs=args.runs,
                                                 warmup=args.warmup, expect=expect)

    print(f"plan_dashboard benchmark — {database_label()}, Python {platform.python_version()}, "
          f"{os.cpu_count()} cores")
    print("data written with bulk_create, not through the services: this benchmark measures reads")
    for gen in (large, small):
        task_assignments = 3 * gen.tasks
        others = gen.assignments - task_assignments
        print(f"data: {gen.tasks:,} tasks, {gen.departments} departments, {gen.periods} periods, "
              f"{task_assignments:,} task assignments, {task_assignments * gen.periods:,} task reports; "
              f"plus {INDICATORS} indicators and {PROJECTS} key projects ({others} assignments, "
              f"{others * gen.periods:,} reports); generated in {gen.seconds:.1f} s")
    print(f"migrate {migrate_s:.1f} s; ANALYZE after loading; {args.runs} timed requests after {args.warmup} "
          f"warm-up, latest period, logged-in bureau user via django.test.Client; p95 = nearest rank")
    print()
    print(f"{'view':<10} {'size':>5} {'median_ms':>10} {'p95_ms':>8} {'max_ms':>8} {'queries':>8} {'of_plan':>8} "
          f"{'kB':>6}")
    for (view, size), r in results.items():
        print(f"{view:<10} {size:>5} {r.median:>10.1f} {r.p95:>8.1f} {r.max:>8.1f} {r.queries:>8} "
              f"{r.queries_on('plan_supervision_'):>8} {r.bytes / 1024:>6.0f}")
    print("(queries: the whole request, session, user and notification badge included; "
          "of_plan: those on plan_supervision tables)")
    print()
    verdict = True
    for view in ("dashboard", "matrix"):
        big, little = results[(view, large.tasks)], results[(view, small.tasks)]
        q_ratio = big.queries / little.queries
        print(f"ratio {large.tasks}/{small.tasks}: {view} time ×{big.median / little.median:.2f} (median), "
              f"×{big.p95 / little.p95:.2f} (p95); queries ×{q_ratio:.2f} ({big.queries} vs {little.queries})")
        verdict &= big.queries == little.queries
    constant = verdict
    p95_ok = all(r.p95 < TARGET_P95_MS for (_v, size), r in results.items() if size == large.tasks)
    worst = max(r.p95 for (_v, size), r in results.items() if size == large.tasks)
    print(f"target p95 < {TARGET_P95_MS:.0f} ms at {large.tasks} tasks: {'PASS' if p95_ok else 'FAIL'} "
          f"(worst p95 {worst:.1f} ms)")
    print(f"query count independent of the number of tasks: {'PASS' if constant else 'FAIL'}")

    if args.show_queries:
        for view in ("dashboard", "matrix"):
            print(f"\n-- {view}, {large.tasks} tasks: {results[(view, large.tasks)].queries} queries")
            for sql in results[(view, large.tasks)].sql:
                print("  ", sql[:300])
    return 0


if __name__ == "__main__":
    sys.exit(main())
