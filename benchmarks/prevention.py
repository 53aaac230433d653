#!/usr/bin/env python
"""Dual prevention: dashboard and ledger response times, query counts, and the ledger export (issue 4).

    .venv/bin/python benchmarks/prevention.py [--enterprises N --points-per-enterprise 10 --hazards N
                                               --runs 30 --export-rows 100000 --database-url postgres://…]

Generates ENTERPRISES synthetic enterprises across the district's subdistricts and communities, each
with POINTS_PER_ENTERPRISE risk points (most assessed, one assessment each) and two inspection tasks
per point (one done some time in the last 90 days, one pending), and HAZARDS hidden hazards in every
state, exactly 1,000 found per day. Then, as a logged-in bureau user and as a subdistrict user, it
times GET requests of the dashboard, the hazard and risk-point ledger pages and the risk-map GeoJSON,
and counts the SQL queries of one request of each. Finally it exports the hazard ledger filtered to
10 days (10,000 rows) and to EXPORT_ROWS / 1,000 days, and reports the time and the peak memory.

Defaults: 5,000 enterprises, 50,000 risk points and 500,000 hazards on PostgreSQL (--database-url);
1,000 enterprises, 10,000 risk points and 100,000 hazards on the throwaway SQLite database.
The data is written with COPY (PostgreSQL) or executemany (SQLite), plus bulk_create for the
enterprises, not through the services: the benchmark measures reads. It reports and always exits 0.
"""

from __future__ import annotations

import argparse
import datetime
import gc
import math
import os
import platform
import random
import resource
import sys
import time
import tracemalloc
from dataclasses import dataclass

# `python benchmarks/prevention.py` puts benchmarks/ first on sys.path.
import harness
from harness import TARGET_P95_MS, Result, client_for, database_label, make_user, measure

PER_DAY = 1000  # hazards found per day: a date range of N days selects exactly N × 1,000 rows


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--enterprises", type=int, default=None, help="default 5,000 (PostgreSQL) or 1,000 (SQLite)")
    p.add_argument("--points-per-enterprise", type=int, default=10, help="risk points per enterprise (default 10)")
    p.add_argument("--hazards", type=int, default=None, help="default 500,000 (PostgreSQL) or 100,000 (SQLite)")
    p.add_argument("--export-rows", type=int, default=100_000,
                   help="rows of the large export, a multiple of 1,000 (default 100,000)")
    p.add_argument("--runs", type=int, default=30, help="timed requests per view (default 30)")
    p.add_argument("--warmup", type=int, default=3, help="untimed requests first (default 3)")
    p.add_argument("--database-url", default=None,
                   help="an existing, empty database (e.g. postgres://postgres@127.0.0.1:5432/bench_prev); "
                        "default: a throwaway SQLite file in a temporary directory")
    p.add_argument("--seed", type=int, default=20260504, help="random seed for the generated data")
    p.add_argument("--trace", action="store_true",
                   help="also export under tracemalloc (Python allocation peak; about 5× slower)")
    p.add_argument("--show-queries", action="store_true", help="print the SQL of one request of each view")
    args = p.parse_args(argv)
    postgres = bool(args.database_url and args.database_url.startswith("postgres"))
    args.enterprises = args.enterprises or (5000 if postgres else 1000)
    args.hazards = args.hazards or (500_000 if postgres else 100_000)
    if args.export_rows % PER_DAY or args.export_rows < 10 * PER_DAY:
        p.error("--export-rows must be a multiple of 1,000 and at least 10,000")
    args.export_rows = min(args.export_rows, args.hazards // PER_DAY * PER_DAY)
    return args


# --- data ---------------------------------------------------------------------------------------------

INDUSTRIES = [("C", 40), ("F", 15), ("G", 12), ("E", 8), ("H", 8), ("D", 4), ("L", 5), ("K", 4), ("R", 4)]
LEVELS = [(1, 4), (2, 14), (3, 40), (4, 37), (None, 5)]
HAZARD_STATES = [("closed", 72), ("rectifying", 12), ("acceptance", 4), ("assessed", 4), ("registered", 4),
                 ("identified", 4)]


@dataclass
class Generated:
    enterprises: int
    points: int
    assessments: int
    tasks: int
    hazards: int
    days: int
    first_day: datetime.date
    method: str
    seconds: float


def insert_rows(table: str, columns: list[str], rows) -> int:
    """COPY on PostgreSQL, executemany on SQLite; returns the row count."""
    from django.db import connection

    n = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    n += 1
        else:
            # Store timestamps as Django does on SQLite (UTC text), not as the driver would.
            adapt_dt, adapt_d = connection.ops.adapt_datetimefield_value, connection.ops.adapt_datefield_value
            batch = []
            sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
            for row in rows:
                batch.append([adapt_dt(v) if isinstance(v, datetime.datetime) else
                              adapt_d(v) if isinstance(v, datetime.date) else v for v in row])
                if len(batch) == 10_000:
                    cursor.executemany(sql, batch)
                    n += len(batch)
                    batch = []
            if batch:
                cursor.executemany(sql, batch)
                n += len(batch)
    return n


def generate(args: argparse.Namespace, rng: random.Random, bureau, *, enterprises: int, hazards: int,
             code: str = "BM", days_back: int = 0) -> Generated:
    """ENTERPRISES enterprises and HAZARDS hazards, the last found DAYS_BACK days ago."""
    from django.db import connection, transaction
    from django.utils import timezone

    from emergency.core.models import Division
    from emergency.enterprises.models import Enterprise
    from emergency.lib.credit_code import complete
    from emergency.prevention.models import RiskPoint

    started = time.perf_counter()
    now = timezone.now()
    today = timezone.localdate()
    tz = timezone.get_current_timezone()
    days = math.ceil(hazards / PER_DAY)
    first_day = today - datetime.timedelta(days=days - 1 + days_back)
    divisions = list(Division.objects.filter(level__in=["subdistrict", "community"]).values_list("pk", flat=True))
    industries, weights = zip(*INDUSTRIES, strict=True)

    with transaction.atomic():
        ents = [Enterprise(
            name=f"基准企业{code}{i:05d}有限公司", credit_code=complete(f"91120105{code}{i:07d}"), is_synthetic=True,
            industry=rng.choices(industries, weights)[0], division_id=divisions[i % len(divisions)],
            address=f"河北区基准路{i}号", legal_representative="张三", employees=rng.randint(5, 800),
            latitude=39.13 + rng.random() * 0.07, longitude=117.16 + rng.random() * 0.08, created_at=now)
            for i in range(enterprises)]
        ents = Enterprise.objects.bulk_create(ents, batch_size=2000)
        ent_ids = [e.pk for e in ents]

        levels, lweights = zip(*LEVELS, strict=True)
        point_levels = rng.choices(levels, lweights, k=len(ent_ids) * args.points_per_enterprise)
        tag = f"{code}{int(time.time()) % 100000:05d}"

        def point_rows():
            for i, level in enumerate(point_levels):
                yield (now, now, None, ent_ids[i // args.points_per_enterprise], f"风险点{i % args.points_per_enterprise}",
                       rng.choice(["area", "facility", "operation"]), "", rng.randint(1, 4), "王工", "",
                       f"b{tag}{i:016d}", level)

        n_points = insert_rows("prevention_riskpoint", [
            "created_at", "updated_at", "archived_at", "enterprise_id", "name", "kind", "location", "control_level",
            "responsible_person", "responsible_phone", "qr_token", "current_level"], point_rows())
        points = list(RiskPoint.objects.filter(enterprise_id__in=ent_ids).values_list("pk", "enterprise_id",
                                                                                      "current_level", "control_level"))
        by_ent: dict[int, list[int]] = {}
        for pk, ent, _level, _c in points:
            by_ent.setdefault(ent, []).append(pk)

        score = {1: 420, 2: 252, 3: 126, 4: 54}

        def assessment_rows():
            for pk, _ent, level, _c in points:
                if level is not None:
                    yield (now, now, None, pk, "lec", "", 6, 6, 7, score[level], level, bureau.pk, "")

        n_assess = insert_rows("prevention_riskassessment", [
            "created_at", "updated_at", "archived_at", "risk_point_id", "method", "ls_table", "likelihood", "exposure",
            "consequence", "score", "level", "assessed_by_id", "note"], assessment_rows())

        # Each enterprise was last inspected 0–90 days ago (about a third more than 30 days ago).
        last_seen = {ent: now - datetime.timedelta(days=rng.uniform(0, 90)) for ent in ent_ids}

        def task_rows():
            for pk, ent, _level, control in points:
                done = last_seen[ent]
                yield (now, now, None, pk, control, done - datetime.timedelta(hours=8), done, "done", done, bureau.pk)
                yield (now, now, None, pk, control, now - datetime.timedelta(hours=1), now + datetime.timedelta(hours=7),
                       "pending", None, None)

        n_tasks = insert_rows("prevention_inspectiontask", [
            "created_at", "updated_at", "archived_at", "risk_point_id", "control_level", "due_from", "due_until",
            "state", "done_at", "done_by_id"], task_rows())

        states, sweights = zip(*HAZARD_STATES, strict=True)

        def hazard_rows():
            for i in range(hazards):
                day = first_day + datetime.timedelta(days=i // PER_DAY)
                created = datetime.datetime.combine(day, datetime.time(8), tzinfo=tz) + datetime.timedelta(
                    seconds=rng.randrange(10 * 3600))
                ent = ent_ids[rng.randrange(len(ent_ids))]
                point = rng.choice(by_ent[ent]) if rng.random() < 0.8 else None
                state = rng.choices(states, sweights)[0]
                assessed = state not in ("identified", "registered")
                klass = ("major" if rng.random() < 0.02 else "general") if assessed else ""
                deadline = created.date() + datetime.timedelta(days=rng.randint(7, 60)) if state in (
                    "rectifying", "acceptance", "closed") else None
                overdue = state in ("rectifying", "acceptance") and deadline < today
                listed = klass == "major" and state != "closed" and rng.random() < 0.3
                closed_at = created + datetime.timedelta(days=rng.randint(1, 40)) if state == "closed" else None
                yield (created, created, None, ent, point, None, f"隐患{i}：消防设施未定期检查", "", "车间", klass, state,
                       deadline, "王工" if deadline else "", "", overdue, deadline if overdue else None,
                       2 if overdue else 0, rng.random() < 0.1, bureau.pk, listed,
                       today + datetime.timedelta(days=30) if listed else None, bureau.pk if listed else None,
                       closed_at, None)

        n_hazards = insert_rows("prevention_hiddenhazard", [
            "created_at", "updated_at", "archived_at", "enterprise_id", "risk_point_id", "inspection_result_id", "title",
            "description", "location", "hazard_class", "state", "deadline", "responsible_person", "rectification_note",
            "overdue", "overdue_since", "escalation", "found_by_regulator", "reported_by_id", "listed_supervision",
            "listed_deadline", "listed_by_id", "closed_at", "rectifier_id"], hazard_rows())
    method = "COPY" if connection.vendor == "postgresql" else "executemany"
    return Generated(enterprises=len(ent_ids), points=n_points, assessments=n_assess, tasks=n_tasks,
                     hazards=n_hazards, days=days, first_day=first_day, method=method,
                     seconds=time.perf_counter() - started)


@dataclass
class Export:
    rows: int
    seconds: float
    bytes: int
    rss_mb: float  # resident set size before the export
    peak_rss_mb: float  # high-water mark of the resident set during the export
    traced_peak_mb: float | None  # tracemalloc peak (Python allocations), with --trace

    @property
    def growth_mb(self) -> float:
        return self.peak_rss_mb - self.rss_mb


def _status_kb(field: str) -> int | None:
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def reset_peak_rss() -> bool:
    """Linux: writing 5 to clear_refs resets VmHWM (the peak RSS) to the current RSS."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def export(client, url: str, *, traced: bool) -> Export:
    from emergency.core.models import AuditEvent

    gc.collect()
    resettable = reset_peak_rss()
    rss_before = _status_kb("VmRSS") if resettable else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if traced:
        tracemalloc.start()
    t0 = time.perf_counter()
    response = client.get(url)
    size = 0
    for chunk in response.streaming_content:  # read as a browser would, without keeping the file
        size += len(chunk)
    response.close()
    seconds = time.perf_counter() - t0
    traced_peak = None
    if traced:
        traced_peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    peak = _status_kb("VmHWM") if resettable else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    rows = AuditEvent.objects.filter(event_type=AuditEvent.Type.EXPORT).latest("pk").changes["rows"]
    return Export(rows=rows, seconds=seconds, bytes=size, rss_mb=rss_before / 1024, peak_rss_mb=peak / 1024,
                  traced_peak_mb=traced_peak)


def main(argv: list[str] | None = None) -> int:
    return harness.main(argv, parse_args=parse_args, run=run, prefix="bench_prev_")


def run(args: argparse.Namespace) -> int:
    from django.core.management import call_command
    from django.urls import reverse

    from emergency.core.models import Division
    from emergency.core.roles import Role
    from emergency.enterprises.models import Enterprise

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    migrate_s = time.perf_counter() - t0

    rng = random.Random(args.seed)
    bureau = make_user("bench_bureau", Role.BUREAU_STAFF)
    guangfu = Division.objects.get(code="120105001")
    sub_user = make_user("bench_subdistrict", Role.SUBDISTRICT, division=guangfu)
    clients = {"bureau": client_for(bureau), "subdistrict": client_for(sub_user)}
    dashboard, hazards, points = (reverse("prevention:dashboard"), reverse("prevention:ledger_hazards"),
                                  reverse("prevention:ledger_risk_points"))
    geo = reverse("prevention:risk_map_points")
    checks = [
        ("dashboard", dashboard, 'data-testid="totals"'),
        ("hazard ledger", hazards, 'data-testid="hazard-ledger"'),
        ("hazard ledger, open & overdue", f"{hazards}?overdue=yes&industry=C", 'data-testid="hazard-ledger"'),
        ("risk-point ledger, level 2", f"{points}?level=2", 'data-testid="risk-point-ledger"'),
        ("map GeoJSON, all", geo, '"FeatureCollection"'),
    ]
    # The same requests on a tiny data set first (50 enterprises, 1,000 hazards found three years ago, so
    # outside the export windows): the query counts must not change with the rows.
    generate(args, rng, bureau, enterprises=50, hazards=PER_DAY, code="BT", days_back=3 * 365)
    small_counts = {(view, who): measure(client, url, view=view, label=who, runs=1, warmup=1,
                                         expect=expect).queries
                    for view, url, expect in checks for who, client in clients.items()}

    gen = generate(args, rng, bureau, enterprises=args.enterprises, hazards=args.hazards)
    t1 = time.perf_counter()
    harness.analyze(vacuum=True)
    analyze_s = time.perf_counter() - t1
    results: list[Result] = []
    for view, url, expect in checks:
        for who, client in clients.items():
            results.append(measure(client, url, view=view, label=who, runs=args.runs, warmup=args.warmup,
                                   expect=expect))

    export_url = reverse("prevention:ledger_hazards_export")
    last = gen.first_day + datetime.timedelta(days=gen.days - 1)

    def window(rows: int) -> str:
        return f"{export_url}?since={last - datetime.timedelta(days=rows // PER_DAY - 1)}&until={last}"

    exports = [export(clients["bureau"], window(rows), traced=False) for rows in (10 * PER_DAY, args.export_rows)]
    if args.trace:
        exports += [export(clients["bureau"], window(rows), traced=True) for rows in (10 * PER_DAY, args.export_rows)]

    n_sub = Enterprise.objects.filter(division__path__startswith=guangfu.path).count()
    print(f"prevention benchmark — {database_label()}, Python {platform.python_version()}, {os.cpu_count()} cores")
    print(f"data written with {gen.method} ({'PostgreSQL COPY FROM STDIN' if gen.method == 'COPY' else 'SQLite'}"
          f" for points, assessments, tasks and hazards; bulk_create for enterprises), not through the services: "
          f"this benchmark measures reads")
    print(f"data: {gen.enterprises:,} enterprises, {gen.points:,} risk points, {gen.assessments:,} assessments, "
          f"{gen.tasks:,} inspection tasks, {gen.hazards:,} hidden hazards ({PER_DAY:,} a day over {gen.days} days); "
          f"generated in {gen.seconds:.1f} s; plus a tiny set loaded first (50 enterprises, 1,000 hazards "
          f"three years old) for the query counts")
    print(f"migrate {migrate_s:.1f} s; {'VACUUM ANALYZE' if gen.method == 'COPY' else 'ANALYZE'} {analyze_s:.1f} s; "
          f"{args.runs} timed requests after {args.warmup} warm-up, django.test.Client; p95 = nearest rank; "
          f"subdistrict user = 光复道, {n_sub:,} of the {Enterprise.objects.count():,} enterprises")
    print()
    print(f"{'view':<30} {'user':<12} {'median_ms':>10} {'p95_ms':>8} {'max_ms':>8} {'queries':>8} {'of_app':>7} "
          f"{'q_tiny':>8} {'kB':>6}")
    for r in results:
        print(f"{r.view:<30} {r.label:<12} {r.median:>10.1f} {r.p95:>8.1f} {r.max:>8.1f} {r.queries:>8} "
              f"{r.queries_on('prevention_', 'enterprises_'):>7} {small_counts[(r.view, r.label)]:>8} "
              f"{r.bytes / 1024:>6.0f}")
    print("(queries: the whole request, session and notification badge included; of_app: those on prevention_ "
          "and enterprises_ tables; q_tiny: the same request on the tiny data set loaded first)")
    print()
    same = all(r.queries == small_counts[(r.view, r.label)] for r in results)
    print(f"query count independent of the number of rows (50 enterprises and 1,000 hazards vs all): "
          f"{'PASS' if same else 'FAIL'}")
    dash = [r for r in results if r.view == "dashboard"]
    worst = max(r.p95 for r in dash)
    print(f"target dashboard p95 < {TARGET_P95_MS:.0f} ms: {'PASS' if worst < TARGET_P95_MS else 'FAIL'} "
          f"(worst p95 {worst:.1f} ms)")
    print()
    print("hazard-ledger export (.xlsx, openpyxl write_only into a temporary file served by FileResponse; "
          "rows via values_list().iterator(chunk_size=2000)); peak RSS = VmHWM, reset before each export")
    print(f"{'rows':>8} {'seconds':>8} {'rows/s':>8} {'file_kB':>8} {'rss_before_MB':>14} {'peak_rss_MB':>12} "
          f"{'growth_MB':>10} {'tracemalloc_peak_MB':>20}")
    for e in exports:
        traced = f"{e.traced_peak_mb:.1f}" if e.traced_peak_mb is not None else "(not traced)"
        print(f"{e.rows:>8,} {e.seconds:>8.1f} {e.rows / e.seconds:>8,.0f} {e.bytes / 1024:>8,.0f} "
              f"{e.rss_mb:>14.1f} {e.peak_rss_mb:>12.1f} {e.growth_mb:>10.1f} {traced:>20}")
    small, large = exports[0], exports[1]
    ratio = large.peak_rss_mb / small.peak_rss_mb
    print(f"peak RSS ratio {large.rows:,} / {small.rows:,} rows: ×{ratio:.2f}; growth during the export "
          f"{small.growth_mb:.1f} MB vs {large.growth_mb:.1f} MB: {'flat' if ratio < 1.2 else 'GROWS'}")
    if args.trace:
        t_small, t_large = exports[2], exports[3]
        print(f"tracemalloc peak ratio {t_large.rows:,} / {t_small.rows:,} rows: "
              f"×{t_large.traced_peak_mb / t_small.traced_peak_mb:.2f}")
    print(f"time to export {large.rows:,} rows: {large.seconds:.1f} s")

    if args.show_queries:
        for r in results:
            print(f"\n-- {r.view} ({r.label}): {r.queries} queries")
            for sql in r.timed_sql:
                print("  ", sql[:600])
    return 0


if __name__ == "__main__":
    sys.exit(main())
