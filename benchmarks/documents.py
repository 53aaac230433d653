#!/usr/bin/env python
"""Document exports: .docx progress and evaluation reports, their table writer, and an .xlsx ledger (issue 11).

    .venv/bin/python benchmarks/documents.py [--tasks 500 --small-tasks 50 --runs 10 --baseline-runs 3
                                              --small-hazards 5000 --hazards 100000 --database-url postgres://…]

Generates two plans (plan_dashboard.generate_plan, TASKS and SMALL_TASKS tasks, in the same database) with
indicator values for every year and one supervision notice per ten tasks, then times the .docx exports of
emergency.plan_supervision.exports for each plan: progress_docx(plan, latest period), evaluation_docx(kind=
"midterm", as_of_year=2023) and evaluation_docx(kind="final", as_of_year=the plan's last year), and counts their
queries. Then it fills the progress report's main table (the same rows) twice into an empty OfficialDocument:
with our writer (emergency/lib/docx.py, OfficialDocument.table: the rows as XML in one piece) and with the
naive python-docx baseline the old code used (table.add_row(), then cell.text and a run font per cell), and
states the ratio. Last, for scale, the hidden-hazard ledger .xlsx (prevention.exports.hazard_ledger_export)
with SMALL_HAZARDS and then HAZARDS hazards (prevention.generate); --no-xlsx skips it.

The data is written with the benchmark generators, not through the services. Without --database-url it uses a
throwaway SQLite database in a temporary directory. It reports and always exits 0; it does not assert.
"""

from __future__ import annotations

import argparse
import datetime
import math
import os
import platform
import random
import statistics
import sys
import time
from dataclasses import dataclass, field
from decimal import Decimal

# `python benchmarks/documents.py` puts benchmarks/ first on sys.path.
import harness
import plan_dashboard
import prevention
from harness import database_label, make_user

MIDTERM_YEAR = 2023


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--tasks", type=int, default=500, help="main tasks of the large plan (default 500)")
    p.add_argument("--small-tasks", type=int, default=50, help="main tasks of the small plan (default 50)")
    p.add_argument("--departments", type=int, default=40, help="departments the tasks go to (default 40)")
    p.add_argument("--periods", type=int, default=20,
                   help="quarterly periods from 2021, so 20 = 2021–2025 (default 20)")
    p.add_argument("--runs", type=int, default=10, help="timed exports per document and plan (default 10)")
    p.add_argument("--warmup", type=int, default=1, help="untimed exports first (default 1)")
    p.add_argument("--baseline-runs", type=int, default=3,
                   help="timed fills of the progress table per writer and plan (default 3)")
    p.add_argument("--small-hazards", type=int, default=5000,
                   help="hidden hazards of the first ledger export (default 5,000)")
    p.add_argument("--hazards", type=int, default=100_000,
                   help="hidden hazards of the second ledger export, in all (default 100,000)")
    p.add_argument("--small-enterprises", type=int, default=100, help="enterprises with the first hazards (default 100)")
    p.add_argument("--enterprises", type=int, default=1000, help="enterprises in all for the second (default 1,000)")
    p.add_argument("--points-per-enterprise", type=int, default=10, help="risk points per enterprise (default 10)")
    p.add_argument("--no-xlsx", action="store_true", help="skip the hazard-ledger export")
    p.add_argument("--database-url", default=None,
                   help="an existing, empty database (e.g. postgres://postgres@127.0.0.1:5432/bench_doc); "
                        "default: a throwaway SQLite file in a temporary directory")
    p.add_argument("--seed", type=int, default=20260511, help="random seed for the generated data")
    args = p.parse_args(argv)
    if args.periods % 4 or args.periods < 12:
        p.error("--periods must be a multiple of 4 and at least 12 (whole years, the mid-term in 2023)")
    if args.departments < 3:
        p.error("--departments must be at least 3 (a lead and two co-operating departments per task)")
    if not 0 < args.small_hazards < args.hazards or not 0 < args.small_enterprises < args.enterprises:
        p.error("--small-hazards and --small-enterprises must be above 0 and below --hazards and --enterprises")
    return args


# --- data ---------------------------------------------------------------------------------------------

def add_values_and_notices(plan_id: int, bureau, rng: random.Random) -> tuple[int, int]:
    """An indicator value per indicator and year, and a supervision notice per ten tasks (a tenth escalated)."""
    from emergency.plan_supervision.models import Assignment, IndicatorValue, Item, Plan, SupervisionNotice

    plan = Plan.objects.get(pk=plan_id)
    indicators = list(plan.items.filter(kind=Item.Kind.INDICATOR))
    values = IndicatorValue.objects.bulk_create([
        IndicatorValue(item=item, year=year, value=Decimal(round(float(item.target_value) * rng.uniform(0.7, 1.2), 2)),
                       source="统计年报", recorded_by=bureau)
        for item in indicators for year in range(plan.start_year, plan.end_year + 1)])
    leads = list(Assignment.objects.filter(item__plan=plan, item__kind=Item.Kind.TASK, role=Assignment.Role.LEAD)
                 .order_by("item__order")[::10])
    states = [SupervisionNotice.State.ISSUED, SupervisionNotice.State.ANSWERED, SupervisionNotice.State.CLOSED,
              SupervisionNotice.State.ESCALATED]
    notices = SupervisionNotice.objects.bulk_create([
        SupervisionNotice(item_id=a.item_id, department_id=a.department_id, serial=f"督〔{plan.pk}〕{n + 1}号",
                          content="请加快推进并报送进展。", deadline=datetime.date(plan.end_year, 6, 30),
                          state=rng.choices(states, [4, 3, 2, 1])[0], issued_by=bureau)
        for n, a in enumerate(leads)])
    return len(values), len(notices)


# --- measurement --------------------------------------------------------------------------------------

@dataclass
class Timed:
    times_ms: list[float]
    queries: int = 0
    bytes: int = 0
    tables: list[tuple[list, list]] = field(default_factory=list)  # (headers, rows) of each table written

    @property
    def median(self) -> float:
        return statistics.median(self.times_ms)

    @property
    def p95(self) -> float:
        ordered = sorted(self.times_ms)
        return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]

    @property
    def max(self) -> float:
        return max(self.times_ms)


def recording_tables(call):
    """Run `call()` with exports.OfficialDocument recording the (headers, rows) of every table it writes."""
    from emergency.plan_supervision import exports

    tables: list[tuple[list, list]] = []
    original = exports.OfficialDocument

    class Recording(original):
        def table(self, headers, rows):
            tables.append((list(headers), [list(r) for r in rows]))
            return super().table(headers, rows)

    exports.OfficialDocument = Recording
    try:
        call()
    finally:
        exports.OfficialDocument = original
    return tables


def time_document(call, *, runs: int, warmup: int) -> Timed:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(warmup):
        call()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        call()
        times.append((time.perf_counter() - t0) * 1000)
    with CaptureQueriesContext(connection) as ctx:
        data = call()
    return Timed(times_ms=times, queries=len(ctx.captured_queries), bytes=len(data), tables=recording_tables(call))


def fill_ours(headers, rows) -> tuple[float, float]:
    """Our writer on an empty OfficialDocument: (ms for the table, ms for the table and the save)."""
    from emergency.lib.docx import OfficialDocument

    doc = OfficialDocument()
    t0 = time.perf_counter()
    doc.table(headers, rows)
    t1 = time.perf_counter()
    doc.to_bytes()
    t2 = time.perf_counter()
    return (t1 - t0) * 1000, (t2 - t0) * 1000


def fill_baseline(headers, rows) -> tuple[float, float]:
    """The naive python-docx way the old code wrote tables, on the same empty OfficialDocument: a row at a time
    (table.add_row()), each cell's text through cell.text and its run's font set per cell (Latin and East-Asian
    names and the size, as the old `_set_font` did)."""
    from docx.shared import Pt

    from emergency.lib.docx import BODY_FONT, HEADING_FONT, TABLE_PT, OfficialDocument, _text, set_fonts

    def fill(cell, value, font: str) -> None:
        cell.text = _text(value)
        paragraph = cell.paragraphs[0]
        run = paragraph.runs[0] if paragraph.runs else paragraph.add_run()
        run.font.name = font
        set_fonts(run._r, font)
        run.font.size = Pt(TABLE_PT)

    doc = OfficialDocument()
    t0 = time.perf_counter()
    table = doc.doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, value in zip(table.rows[0].cells, headers, strict=True):
        fill(cell, value, HEADING_FONT)
    for row in rows:
        for cell, value in zip(table.add_row().cells, row, strict=True):
            fill(cell, value, BODY_FONT)
    t1 = time.perf_counter()
    doc.to_bytes()
    t2 = time.perf_counter()
    return (t1 - t0) * 1000, (t2 - t0) * 1000


@dataclass
class Export:
    rows: int
    seconds: float
    bytes: int


def export_hazards(user) -> Export:
    from django.http import QueryDict

    from emergency.core.models import AuditEvent
    from emergency.prevention.exports import hazard_ledger_export

    t0 = time.perf_counter()
    response = hazard_ledger_export(user=user, filters=QueryDict())
    size = sum(len(chunk) for chunk in response.streaming_content)  # read to the end, as a browser would
    response.close()
    seconds = time.perf_counter() - t0
    rows = AuditEvent.objects.filter(event_type=AuditEvent.Type.EXPORT).latest("pk").changes["rows"]
    return Export(rows=rows, seconds=seconds, bytes=size)


def main(argv: list[str] | None = None) -> int:
    return harness.main(argv, parse_args=parse_args, run=run, prefix="bench_doc_")


def run(args: argparse.Namespace) -> int:
    import docx
    from django.core.management import call_command

    from emergency.core.roles import Role
    from emergency.plan_supervision.exports import evaluation_docx, progress_docx
    from emergency.plan_supervision.models import Period, Plan

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    migrate_s = time.perf_counter() - t0

    rng = random.Random(args.seed)
    bureau = make_user("bench_bureau", Role.BUREAU_STAFF)
    depts = plan_dashboard.benchmark_departments(args.departments)
    tag = f"{int(time.time())}-{os.getpid()}"
    t1 = time.perf_counter()
    plans = {}
    for size, tasks in (("L", args.tasks), ("S", args.small_tasks)):
        gen = plan_dashboard.generate_plan(tasks=tasks, departments=depts, periods=args.periods, rng=rng,
                                           tag=f"{tag}-D{size}")
        plans[tasks] = (gen, *add_values_and_notices(gen.plan_id, bureau, rng))
    generate_s = time.perf_counter() - t1
    harness.analyze()

    documents: dict[tuple[str, int], Timed] = {}
    names = {}
    for tasks, (gen, _values, _notices) in plans.items():
        plan, period = Plan.objects.get(pk=gen.plan_id), Period.objects.get(pk=gen.latest_period_id)
        latest = period.label
        calls = {
            ("progress", "progress, latest period"): lambda plan=plan, period=period: progress_docx(plan, period),
            ("midterm", f"midterm, to {MIDTERM_YEAR}"): lambda plan=plan: evaluation_docx(
                plan, kind="midterm", as_of_year=MIDTERM_YEAR),
            ("final", f"final, to {plan.end_year}"): lambda plan=plan: evaluation_docx(
                plan, kind="final", as_of_year=plan.end_year),
        }
        for (kind, name), call in calls.items():
            names[kind] = name
            documents[(kind, tasks)] = time_document(call, runs=args.runs, warmup=args.warmup)

    # The progress report's main table ("二、各项任务进展"), with the rows the export wrote, through both writers.
    fills = {}
    for tasks in plans:
        headers, rows = documents[("progress", tasks)].tables[-1]
        ours = [fill_ours(headers, rows) for _ in range(args.baseline_runs)]
        base = [fill_baseline(headers, rows) for _ in range(args.baseline_runs)]
        fills[tasks] = (len(rows), len(headers), ours, base)

    exports: list[Export] = []
    hazard_gen = []
    if not args.no_xlsx:
        for enterprises, hazards, code in ((args.small_enterprises, args.small_hazards, "DA"),
                                           (args.enterprises - args.small_enterprises,
                                            args.hazards - args.small_hazards, "DB")):
            hazard_gen.append(prevention.generate(args, rng, bureau, enterprises=enterprises, hazards=hazards,
                                                  code=code))
            harness.analyze()
            exports.append(export_hazards(bureau))

    print(f"documents benchmark — {database_label()}, Python {platform.python_version()}, "
          f"python-docx {docx.__version__}, {os.cpu_count()} cores")
    for tasks, (gen, values, notices) in plans.items():
        print(f"data: plan of {tasks:,} tasks, {gen.departments} departments, {gen.periods} periods, "
              f"{gen.assignments:,} assignments, {gen.reports:,} progress reports, {values} indicator values, "
              f"{notices} supervision notices")
    print(f"generated in {generate_s:.1f} s (generate_plan, bulk_create); migrate {migrate_s:.1f} s; "
          f"{args.runs} timed exports after {args.warmup} warm-up per document and plan; p95 = nearest rank; "
          f"latest period {latest}")
    print()
    print(f"{'document':<24} {'tasks':>6} {'median_ms':>10} {'p95_ms':>8} {'max_ms':>8} {'queries':>8} {'kB':>6} "
          f"{'table_rows':>11}")
    for (kind, tasks), t in documents.items():
        table_rows = sum(len(rows) for _h, rows in t.tables)
        print(f"{names[kind]:<24} {tasks:>6} {t.median:>10.1f} {t.p95:>8.1f} {t.max:>8.1f} {t.queries:>8} "
              f"{t.bytes / 1024:>6.0f} {table_rows:>11,}")
    print("(ms per document: the export function's whole call, queries and .docx bytes included; table_rows: the "
          "rows of all its tables)")
    print()
    large, small = args.tasks, args.small_tasks
    for kind in ("progress", "midterm", "final"):
        big, little = documents[(kind, large)], documents[(kind, small)]
        print(f"ratio {large}/{small}: {kind} time ×{big.median / little.median:.2f} (median); queries "
              f"×{big.queries / little.queries:.2f} ({big.queries} vs {little.queries})")
    same = all(documents[(kind, large)].queries == documents[(kind, small)].queries
               for kind in ("progress", "midterm", "final"))
    print(f"queries equal at {large} and {small} tasks: {'PASS' if same else 'FAIL'}")
    print()
    print(f"the progress report's main table, filled into an empty OfficialDocument; median of {args.baseline_runs} "
          f"runs per writer")
    print("ours: OfficialDocument.table (rows as XML in one piece); baseline: table.add_row(), cell.text and a run "
          "font per cell")
    print(f"{'tasks':>6} {'rows':>6} {'cells':>7} {'ours_ms':>8} {'baseline_ms':>12} {'ratio':>6} "
          f"{'ours+save_ms':>13} {'baseline+save_ms':>17} {'ratio':>6}")
    for tasks, (n_rows, n_cols, ours, base) in fills.items():
        o_fill, o_all = statistics.median(o[0] for o in ours), statistics.median(o[1] for o in ours)
        b_fill, b_all = statistics.median(b[0] for b in base), statistics.median(b[1] for b in base)
        print(f"{tasks:>6} {n_rows:>6,} {n_rows * n_cols:>7,} {o_fill:>8.1f} {b_fill:>12.1f} {b_fill / o_fill:>5.1f}× "
              f"{o_all:>13.1f} {b_all:>17.1f} {b_all / o_all:>5.1f}×")
    n_rows, _c, ours, base = fills[large]
    print(f"ratio baseline/ours at {n_rows:,} rows: ×{statistics.median(b[0] for b in base) / statistics.median(o[0] for o in ours):.1f} "
          f"(table), ×{statistics.median(b[1] for b in base) / statistics.median(o[1] for o in ours):.1f} "
          f"(table and save)")

    if exports:
        print()
        total = sum(g.seconds for g in hazard_gen)
        print(f"hidden-hazard ledger .xlsx (prevention.exports.hazard_ledger_export as the bureau, no filter, the "
              f"streamed response read to the end); hazards generated in {total:.1f} s "
              f"({hazard_gen[0].method}), {args.small_enterprises:,} then {args.enterprises:,} enterprises")
        print(f"{'rows':>8} {'seconds':>8} {'rows/s':>8} {'file_kB':>8}")
        for e in exports:
            print(f"{e.rows:>8,} {e.seconds:>8.2f} {e.rows / e.seconds:>8,.0f} {e.bytes / 1024:>8,.0f}")
        first, last = exports[0], exports[-1]
        print(f"ratio {last.rows:,}/{first.rows:,} rows: time ×{last.seconds / first.seconds:.1f} for "
              f"×{last.rows / first.rows:.1f} rows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
