#!/usr/bin/env python
"""Emergency resources: the `nearby` API, the stock pages, and concurrent issues from the ledger (issue 5).

    .venv/bin/python benchmarks/resources.py [--resources 100000 --movements N --lots N --runs 50
                                              --threads 8 --issue-seconds 10 --database-url postgres://…]

Generates RESOURCES resources spread uniformly over the district's bounding box (lng 117.16–117.26,
lat 39.13–39.19): shelters and warehouses, plus rescue teams and experts when their models are installed.
Then LOTS lots of 40 supply items in the warehouses (a few large district warehouses hold 4 lots of every
item) and MOVEMENTS stock movements over them (a receipt first, then issues, returns and adjustments, the
lot's balance the sum of its movements), and open stays in a tenth of the shelters. It times, as a
logged-in bureau user:

- `GET /api/v1/resources/nearby?lat=…&lon=…&kinds=shelter,warehouse[,team]&item=<id>&limit=20` at a new
  random point of the box on every request (and the same without `item`, and with every kind);
- the warehouse detail page (stock per item with its lots) of the largest warehouse, and the warehouse list.

Then THREADS threads issue 1 unit each, for ISSUE_SECONDS, from a shared pool of lots through
`services.stock_issue_lot` (the real service: row lock, movement, audit event), and it checks afterwards
that every lot's balance equals the sum of its movements and that none is negative.

Defaults: 100,000 resources on both databases; 2,000,000 movements over 100,000 lots on PostgreSQL
(--database-url), 200,000 movements over 10,000 lots on the throwaway SQLite database. The data is written
with COPY (PostgreSQL) or executemany (SQLite), not through the services. It reports and always exits 0.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import random
import statistics
import sys
import threading
import time
from dataclasses import dataclass, field

# `python benchmarks/resources.py` puts benchmarks/ first on sys.path.
import harness
from harness import Result, client_for, database_label, make_user, measure

TARGET_NEARBY_P95_MS = 50.0
LAT, LNG = (39.13, 39.19), (117.16, 117.26)  # the district's bounding box (WGS-84)
ITEMS = 40
BIG_WAREHOUSES = 5  # district warehouses holding 4 lots of every item
POOL_LOTS, POOL_SMALL = 20, 4  # the concurrency pool; the small lots hold 5 units and run out


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--resources", type=int, default=100_000, help="shelters, warehouses, teams and experts "
                                                                  "together (default 100,000)")
    p.add_argument("--movements", type=int, default=None,
                   help="stock movements; default 2,000,000 (PostgreSQL) or 200,000 (SQLite)")
    p.add_argument("--lots", type=int, default=None, help="lots; default movements ÷ 20")
    p.add_argument("--runs", type=int, default=50, help="timed requests per view (default 50)")
    p.add_argument("--warmup", type=int, default=3, help="untimed requests first (default 3)")
    p.add_argument("--threads", type=int, default=8, help="threads issuing concurrently (default 8)")
    p.add_argument("--issue-seconds", type=float, default=10.0, help="how long they issue (default 10 s)")
    p.add_argument("--database-url", default=None,
                   help="an existing, empty database (e.g. postgres://postgres@127.0.0.1:5432/bench_res); "
                        "default: a throwaway SQLite file in a temporary directory")
    p.add_argument("--seed", type=int, default=20260505, help="random seed for the generated data")
    p.add_argument("--show-queries", action="store_true", help="print the SQL of one request of each view")
    args = p.parse_args(argv)
    postgres = bool(args.database_url and args.database_url.startswith("postgres"))
    args.movements = args.movements or (2_000_000 if postgres else 200_000)
    args.lots = args.lots or max(args.movements // 20, 1)
    if args.movements < args.lots:
        p.error("--movements must be at least --lots (every lot starts with a receipt)")
    return args


# --- data ---------------------------------------------------------------------------------------------

def insert_model(model, fields: list[str], rows) -> int:
    """COPY on PostgreSQL, executemany on SQLite, of tuples in the order of `fields`; returns the row count."""
    from django.db import connection

    table = model._meta.db_table
    columns = ", ".join(model._meta.get_field(f).column for f in fields)
    n = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    n += 1
        else:
            # Store dates and timestamps as Django does on SQLite, not as the driver would.
            adapt_dt, adapt_d = connection.ops.adapt_datetimefield_value, connection.ops.adapt_datefield_value
            sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join('?' * len(fields))})"
            batch = []
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


TS = ["created_at", "updated_at", "archived_at"]


@dataclass
class Generated:
    counts: dict[str, int] = field(default_factory=dict)
    method: str = ""
    seconds: float = 0.0
    items: list[int] = field(default_factory=list)
    big_warehouse: int | None = None


def split(total: int, with_teams: bool) -> dict[str, int]:
    shares = {"shelter": 0.25, "warehouse": 0.25, "team": 0.30, "expert": 0.20} if with_teams else {
        "shelter": 0.5, "warehouse": 0.5}
    counts = {k: int(total * v) for k, v in shares.items()}
    counts["shelter"] += total - sum(counts.values())
    return counts


def generate(args: argparse.Namespace, rng: random.Random, bureau) -> Generated:
    from django.db import connection, transaction
    from django.utils import timezone

    from emergency.core.models import Division
    from emergency.resources.map.selectors import optional_model
    from emergency.resources.shelters.models import Shelter, ShelterStay
    from emergency.resources.stock.models import Lot, StockMovement, SupplyCategory, SupplyItem, Warehouse

    started = time.perf_counter()
    now = timezone.now()
    today = timezone.localdate()
    Team, Expert = optional_model("RescueTeam"), optional_model("Expert")
    counts = split(args.resources, with_teams=Team is not None and Expert is not None)
    divisions = list(Division.objects.filter(level__in=["subdistrict", "community"]).values_list("pk", flat=True))
    gen = Generated(counts=dict(counts))

    def point():
        return round(rng.uniform(*LAT), 6), round(rng.uniform(*LNG), 6)

    with transaction.atomic():
        category = SupplyCategory.objects.filter(parent__isnull=False).first() or SupplyCategory.objects.create(
            name="基准测试")
        items = SupplyItem.objects.bulk_create([
            SupplyItem(name=f"基准物资{i:02d}", category=category, unit="件", specification="基准",
                       shelf_life_days=rng.choice([None, 365, 730])) for i in range(ITEMS)])
        gen.items = [i.pk for i in items]

        def shelters():
            kinds, levels = list(Shelter.Kind.values), ["I", "II", "III"]
            for i in range(counts["shelter"]):
                lat, lng = point()
                yield (now, now, None, f"基准避难场所{i:06d}", rng.choice(kinds), rng.random() < 0.4,
                       rng.choice(levels), "community", divisions[i % len(divisions)], rng.randint(200, 20000),
                       True, True, True, False, False, False, "王经理", "13800000000", "", f"河北区基准路{i}号",
                       lat, lng, False, 1000, rng.choice(["standby"] * 6 + ["open"] * 3 + ["full"]),
                       f"bench{i:017d}", True, "")

        insert_model(Shelter, TS + [
            "name", "kind", "indoor", "stay_class", "admin_level", "division", "effective_area_m2", "has_water",
            "has_power", "has_toilets", "has_medical", "has_supplies", "has_command", "manager", "manager_phone",
            "entrances", "address", "latitude", "longitude", "location_approximate", "service_radius_m", "status",
            "qr_token", "is_synthetic", "data_note"], shelters())

        def warehouses():
            for i in range(counts["warehouse"]):
                lat, lng = point()
                level = "district" if i < BIG_WAREHOUSES else rng.choice(["subdistrict", "community", "enterprise"])
                yield (now, now, None, f"基准仓库{i:06d}", level, divisions[i % len(divisions)],
                       f"河北区基准仓路{i}号", lat, lng, "李库管", "13900000000", True)

        insert_model(Warehouse, TS + ["name", "level", "division", "address", "latitude", "longitude", "keeper",
                                      "keeper_phone", "is_synthetic"], warehouses())
        wh_ids = list(Warehouse.objects.filter(name__startswith="基准仓库").order_by("pk").values_list("pk", flat=True))
        gen.big_warehouse = wh_ids[0] if wh_ids else None

        if Team is not None and Expert is not None:
            def teams():
                kinds, specs = list(Team.Kind.values), list(Team.Specialty.values)
                for i in range(counts["team"]):
                    lat, lng = point()
                    yield (now, now, None, f"基准救援队{i:06d}", rng.choice(kinds), rng.choice(specs), "基准单位",
                           None, divisions[i % len(divisions)], "赵队长", "13700000000", "", lat, lng, "",
                           rng.choice(["standby"] * 7 + ["deployed"] * 2 + ["unavailable"]), None, "", True)

            insert_model(Team, TS + [
                "name", "kind", "specialty", "owner_unit", "owner_department", "division", "leader", "duty_phone",
                "base_address", "latitude", "longitude", "service_area", "readiness", "readiness_changed_at",
                "incentive_note", "is_synthetic"], teams())

            def experts():
                for i in range(counts["expert"]):
                    lat, lng = point()
                    flags = [rng.random() < 0.3 for _ in range(5)]
                    yield (now, now, None, f"基准专家{i:06d}", *flags, "高级工程师", "基准研究院", "13600000000",
                           rng.random() < 0.8, lat, lng, True)

            insert_model(Expert, TS + [
                "name", "field_flood_drought", "field_disaster_reduction", "field_geological", "field_earthquake",
                "field_work_safety", "title", "unit", "phone", "available", "latitude", "longitude",
                "is_synthetic"], experts())

        # Lots: the big district warehouses hold 4 lots of every item (at most half the lots); the rest go to
        # random warehouses. Balances start at 0 and are set from the movements below.
        big = min(BIG_WAREHOUSES, len(wh_ids), args.lots // (2 * 4 * ITEMS))

        def lots():
            for i in range(args.lots):
                if i < big * 4 * ITEMS:
                    wh, item = wh_ids[i // (4 * ITEMS)], gen.items[i % ITEMS]
                else:
                    wh, item = rng.choice(wh_ids), rng.choice(gen.items)
                produced = today - datetime.timedelta(days=rng.randint(30, 700))
                yield (now, now, None, wh, item, f"B{i:08d}", produced,
                       produced + datetime.timedelta(days=rng.randint(180, 1100)), 0)

        insert_model(Lot, TS + ["warehouse", "item", "lot_number", "produced_on", "expires_on", "balance"], lots())
        lot_ids = list(Lot.objects.filter(warehouse__name__startswith="基准仓库").order_by("pk")
                       .values_list("pk", flat=True))

        def movements():
            per_lot, extra = divmod(args.movements, len(lot_ids))
            start = now - datetime.timedelta(days=365)
            for n, lot in enumerate(lot_ids):
                count = per_lot + (1 if n < extra else 0)
                at = start + datetime.timedelta(seconds=rng.randrange(86400))
                balance = rng.randint(500, 5000)
                yield (lot, "receipt", "procurement", balance, balance, "", None, bureau.pk, at)
                step = datetime.timedelta(seconds=300 * 86400 // max(count, 1))
                for _ in range(count - 1):
                    at += step
                    r = rng.random()
                    if r < 0.75:
                        q = -min(rng.randint(1, 20), balance)
                        kind, reason = "issue", rng.choice(["incident", "shelter"])
                        if q == 0:
                            q, kind, reason = rng.randint(1, 5), "return", "recovery"
                    elif r < 0.9:
                        q, kind, reason = rng.randint(1, 5), "return", "recovery"
                    else:
                        q = rng.choice([-1, 1]) * rng.randint(1, 3)
                        q = max(q, -balance) or 1
                        kind, reason = "adjustment", ("found" if q > 0 else "damaged")
                    balance += q
                    yield (lot, kind, reason, q, balance, "", None, bureau.pk, at)

        n_moves = insert_model(StockMovement, ["lot", "kind", "reason", "quantity", "balance_after", "note",
                                               "transfer", "created_by", "created_at"], movements())
        with connection.cursor() as cursor:
            lot_table, mv_table = Lot._meta.db_table, StockMovement._meta.db_table
            cursor.execute(f"UPDATE {lot_table} SET balance = COALESCE((SELECT SUM(m.quantity) FROM {mv_table} m "
                           f"WHERE m.lot_id = {lot_table}.id), 0) WHERE id >= %s", [lot_ids[0]])

        shelter_ids = list(Shelter.objects.filter(is_synthetic=True, status__in=["open", "full"])
                           .values_list("pk", flat=True))
        chosen = rng.sample(shelter_ids, min(len(shelter_ids), counts["shelter"] // 10))

        def stays():
            for pk in chosen:
                for k in range(rng.randint(1, 3)):
                    at = now - datetime.timedelta(hours=rng.randint(1, 48))
                    out = at + datetime.timedelta(hours=2) if k == 0 and rng.random() < 0.3 else None
                    yield (now, now, None, pk, "张住户", rng.randint(1, 5), "", at, out, False, bureau.pk)

        n_stays = insert_model(ShelterStay, TS + ["shelter", "head_name", "people", "phone", "checked_in_at",
                                                  "checked_out_at", "over_capacity", "checked_in_by"], stays())
    gen.counts.update(lots=len(lot_ids), movements=n_moves, stays=n_stays)
    gen.method = "COPY" if connection.vendor == "postgresql" else "executemany"
    gen.seconds = time.perf_counter() - started
    return gen


# --- measurement --------------------------------------------------------------------------------------

def measure_points(client, make_url, rng: random.Random, *, view: str, label: str, runs: int,
                   warmup: int) -> tuple[Result, int]:
    """Like harness.measure, but every request asks about a new random point of the box. Returns the
    result and the number of rows of the captured request."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def get():
        url = make_url(round(rng.uniform(*LAT), 5), round(rng.uniform(*LNG), 5))
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}, not 200: {response.content[:300]!r}")
        return response

    for _ in range(warmup):
        get()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        get()
        times.append((time.perf_counter() - t0) * 1000)
    with CaptureQueriesContext(connection) as ctx:
        response = get()
    rows = len(response.json()["results"])
    return Result(view=view, label=label, times_ms=times, captured=list(ctx.captured_queries),
                  bytes=len(response.content)), rows


@dataclass
class Issues:
    threads: int
    seconds: float
    issued: int = 0
    refused: int = 0
    errors: list[str] = field(default_factory=list)
    times_ms: list[float] = field(default_factory=list)


def concurrent_issues(bureau, *, threads: int, seconds: float, rng: random.Random) -> Issues:
    """THREADS threads, each on its own connection, issue 1 unit at a time from a shared pool of lots."""
    from django.db import connection

    from emergency.core.models import Division
    from emergency.resources.stock import services
    from emergency.resources.stock.models import Lot, StockMovement, SupplyItem, Warehouse

    warehouse = services.warehouse_create(
        acting_user=bureau, name="基准并发仓库", level=Warehouse.Level.DISTRICT,
        division=Division.objects.filter(level="subdistrict").first(), address="河北区基准路1号",
        latitude=39.15, longitude=117.2, keeper="李库管", keeper_phone="13900000000", is_synthetic=True)
    item = SupplyItem.objects.order_by("pk").first()
    for i in range(POOL_LOTS):
        services.stock_receive(acting_user=bureau, warehouse=warehouse, item=item,
                               quantity=5 if i < POOL_SMALL else 100_000, reason=StockMovement.Reason.PROCUREMENT,
                               lot_number=f"P{i:03d}")
    pool = list(Lot.objects.filter(warehouse=warehouse).select_related("warehouse"))
    out = Issues(threads=threads, seconds=seconds)
    lock = threading.Lock()
    barrier = threading.Barrier(threads)
    seeds = [rng.random() for _ in range(threads)]

    def worker(seed: float):
        local = random.Random(seed)
        ok = refused = 0
        errors, times = [], []
        try:
            barrier.wait(timeout=60)
            deadline = time.perf_counter() + seconds
            while time.perf_counter() < deadline:
                t0 = time.perf_counter()
                try:
                    services.stock_issue_lot(acting_user=bureau, lot=local.choice(pool), quantity=1,
                                             reason=StockMovement.Reason.INCIDENT, note="基准并发出库")
                    ok += 1
                except services.InsufficientStock:
                    refused += 1
                except Exception as exc:  # noqa: BLE001 - reported, the benchmark does not stop
                    errors.append(f"{type(exc).__name__}: {exc}")
                times.append((time.perf_counter() - t0) * 1000)
        finally:
            connection.close()
            with lock:
                out.issued += ok
                out.refused += refused
                out.errors += errors
                out.times_ms += times

    started = time.perf_counter()
    workers = [threading.Thread(target=worker, args=(s,)) for s in seeds]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    out.seconds = time.perf_counter() - started
    return out


def ledger_check() -> tuple[int, int, int]:
    """(lots, lots whose balance differs from the sum of their movements, lots below zero), in one query."""
    from django.db import connection

    from emergency.resources.stock.models import Lot, StockMovement

    lot, mv = Lot._meta.db_table, StockMovement._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*), SUM(CASE WHEN l.balance <> COALESCE(s.total, 0) THEN 1 ELSE 0 END), "
            f"SUM(CASE WHEN l.balance < 0 THEN 1 ELSE 0 END) FROM {lot} l LEFT JOIN "
            f"(SELECT lot_id, SUM(quantity) AS total FROM {mv} GROUP BY lot_id) s ON s.lot_id = l.id")
        total, wrong, negative = cursor.fetchone()
    return total, wrong or 0, negative or 0


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, -(-95 * len(ordered) // 100) - 1)] if ordered else 0.0


def main(argv: list[str] | None = None) -> int:
    return harness.main(argv, parse_args=parse_args, run=run, prefix="bench_res_")


def run(args: argparse.Namespace) -> int:
    from django.core.management import call_command
    from django.db import connection
    from django.urls import NoReverseMatch, reverse

    from emergency.core.roles import Role
    from emergency.resources.map.selectors import available_kinds
    from emergency.resources.stock.models import Lot, Warehouse

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    migrate_s = time.perf_counter() - t0

    rng = random.Random(args.seed)
    bureau = make_user("bench_bureau", Role.BUREAU_STAFF)
    client = client_for(bureau)
    gen = generate(args, rng, bureau)
    t1 = time.perf_counter()
    harness.analyze(vacuum=True)
    analyze_s = time.perf_counter() - t1

    kinds = available_kinds()
    asked = ",".join(k for k in ("shelter", "warehouse", "team") if k in kinds)
    item = gen.items[0]
    api = "/api/v1/resources/nearby"
    results: list[tuple[Result, int]] = []
    failed: list[str] = []
    for label, query in ((f"{asked}, item", f"kinds={asked}&item={item}"), (asked, f"kinds={asked}"),
                         (f"{','.join(kinds)}, item", f"kinds={','.join(kinds)}&item={item}")):
        try:
            results.append(measure_points(client, lambda lat, lng, q=query: f"{api}?lat={lat}&lon={lng}&{q}&limit=20",
                                          rng, view="nearby", label=label, runs=args.runs, warmup=args.warmup))
        except (Exception, SystemExit) as exc:  # noqa: BLE001 - reported, the benchmark goes on
            failed.append(f"nearby ({label}): not measured, {type(exc).__name__}: {exc}")

    pages: list[Result] = []
    missing: list[str] = []
    big = Warehouse.objects.get(pk=gen.big_warehouse)
    big_lots = Lot.objects.filter(warehouse=big, balance__gt=0).count()
    for name, label, url_args, expect in (("resources:warehouse_detail", f"{big_lots} lots", [big.pk], big.name),
                                          ("resources:warehouse_list", "page 1", [], "</html>")):
        try:
            url = reverse(name, args=url_args)
        except NoReverseMatch:
            missing.append(name)
            continue
        try:
            pages.append(measure(client, url, view=name.split(":")[1].replace("_", " "), label=label,
                                 runs=args.runs, warmup=args.warmup, expect=expect))
        except (Exception, SystemExit) as exc:  # noqa: BLE001 - reported, the benchmark goes on
            failed.append(f"{name}: not measured, {type(exc).__name__}: {exc}")

    issues = concurrent_issues(bureau, threads=args.threads, seconds=args.issue_seconds, rng=rng)
    t2 = time.perf_counter()
    lots, wrong, negative = ledger_check()
    check_s = time.perf_counter() - t2

    c = gen.counts
    postgres = connection.vendor == "postgresql"
    print(f"resources benchmark — {database_label()}, Python {platform.python_version()}, {os.cpu_count()} cores")
    print(f"data written with {gen.method} ({'PostgreSQL COPY FROM STDIN' if postgres else 'SQLite'}), not "
          f"through the services: this benchmark measures reads, then concurrent issues through the service")
    kinds_text = ", ".join(f"{c[k]:,} {k}s" for k in ("shelter", "warehouse", "team", "expert") if k in c)
    print(f"data: {args.resources:,} resources ({kinds_text}) in lng {LNG[0]}–{LNG[1]}, lat {LAT[0]}–{LAT[1]}; "
          f"{ITEMS} supply items, {c['lots']:,} lots, {c['movements']:,} stock movements, {c['stays']:,} shelter "
          f"stays; generated in {gen.seconds:.1f} s")
    print(f"migrate {migrate_s:.1f} s; {'VACUUM ANALYZE' if postgres else 'ANALYZE'} {analyze_s:.1f} s; "
          f"{args.runs} timed requests after {args.warmup} warm-up, django.test.Client, bureau user; "
          f"nearby at a new random point each request, limit=20; p95 = nearest rank")
    print()
    print(f"{'view':<18} {'label':<36} {'median_ms':>10} {'p95_ms':>8} {'max_ms':>8} {'queries':>8} "
          f"{'of_app':>7} {'rows':>5} {'kB':>6}")
    for r, rows in results:
        print(f"{r.view:<18} {r.label:<36} {r.median:>10.1f} {r.p95:>8.1f} {r.max:>8.1f} {r.queries:>8} "
              f"{r.queries_on('resources_'):>7} {rows:>5} {r.bytes / 1024:>6.0f}")
    for r in pages:
        print(f"{r.view:<18} {r.label:<36} {r.median:>10.1f} {r.p95:>8.1f} {r.max:>8.1f} {r.queries:>8} "
              f"{r.queries_on('resources_'):>7} {'':>5} {r.bytes / 1024:>6.0f}")
    for name in missing:
        print(f"{name}: not measured, the URL does not exist")
    for message in failed:
        print(message[:400])
    print("(queries: the whole request, session included; of_app: those on resources_ tables; rows: results of "
          "the captured request)")
    print()
    if results:
        worst = max(r.p95 for r, _rows in results)
        print(f"target nearby p95 < {TARGET_NEARBY_P95_MS:.0f} ms: "
              f"{'PASS' if worst < TARGET_NEARBY_P95_MS else 'FAIL'} (worst p95 {worst:.1f} ms)")
    else:
        print(f"target nearby p95 < {TARGET_NEARBY_P95_MS:.0f} ms: NOT MEASURED")
    print()
    total = issues.issued + issues.refused + len(issues.errors)
    print(f"concurrent issues: {issues.threads} threads for {issues.seconds:.1f} s, 1 unit each from a pool of "
          f"{POOL_LOTS} lots ({POOL_SMALL} of them holding 5 units) via services.stock_issue_lot")
    print(f"issued {issues.issued:,}, refused {issues.refused:,} (lot empty), errors {len(issues.errors):,}; "
          f"{issues.issued / issues.seconds:,.1f} issues/s; per call median "
          f"{statistics.median(issues.times_ms) if issues.times_ms else 0:.1f} ms, p95 {p95(issues.times_ms):.1f} ms"
          f" ({total:,} calls)")
    for message in sorted(set(issues.errors))[:5]:
        print(f"  error: {message[:300]}")
    print(f"ledger check over all {lots:,} lots ({check_s:.1f} s): balance = sum of movements: "
          f"{'PASS' if wrong == 0 else f'FAIL ({wrong:,} lots differ)'}; negative balances: "
          f"{'PASS (none)' if negative == 0 else f'FAIL ({negative:,})'}")

    if args.show_queries:
        for r in [r for r, _rows in results] + pages:
            print(f"\n-- {r.view} ({r.label}): {r.queries} queries")
            for sql in r.timed_sql:
                print("  ", sql[:600])
    return 0


if __name__ == "__main__":
    sys.exit(main())
