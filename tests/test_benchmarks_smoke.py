"""The benchmark scripts still run end to end: each one, as documented in benchmarks/README.md, on a tiny
data set and its own throwaway SQLite database, reports every view and a query count that does not
grow with the data. Timings are not asserted (they are what the scripts report, not what they check)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NUMBER = r"\d+\.\d"


def run_benchmark(script: str, *args: str, tmp_path: Path) -> list[str]:
    """`.venv/bin/python benchmarks/<script> …` in a clean copy of the environment: no DATABASE_URL (so
    the throwaway SQLite database), no TESTING, and temporary files under tmp_path."""
    env = {k: v for k, v in os.environ.items()
           if k not in {"DATABASE_URL", "TESTING", "DJANGO_SETTINGS_MODULE", "DEMO", "DEBUG", "VAR_DIR",
                        "MEDIA_ROOT"}}
    env["TMPDIR"] = str(tmp_path)
    done = subprocess.run([sys.executable, f"benchmarks/{script}", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, f"exit {done.returncode}\n{done.stdout}\n{done.stderr}"
    # The script's temporary directory (VAR_DIR, media, the SQLite file) is gone afterwards.
    assert list(tmp_path.iterdir()) == []
    return done.stdout.splitlines()


def only(lines: list[str], pattern: str) -> re.Match:
    matches = [m for m in map(re.compile(pattern).fullmatch, lines) if m]
    assert len(matches) == 1, f"{pattern!r} matched {len(matches)} lines:\n" + "\n".join(lines)
    return matches[0]


def test_the_plan_dashboard_benchmark_reports_both_views_and_a_constant_query_count(tmp_path):
    lines = run_benchmark("plan_dashboard.py", "--tasks", "6", "--small-tasks", "3", "--departments", "4",
                          "--periods", "4", "--runs", "2", "--warmup", "1", tmp_path=tmp_path)

    assert lines[0].startswith("plan_dashboard benchmark — SQLite ")
    only(lines, r"data: 6 tasks, 4 departments, 4 periods, 18 task assignments, 72 task reports; .*")
    only(lines, r"view +size +median_ms +p95_ms +max_ms +queries +of_plan +kB")
    for view in ("dashboard", "matrix"):
        counts = set()
        for size in (6, 3):
            row = only(lines, rf"{view} +{size} +{NUMBER} +{NUMBER} +{NUMBER} +(\d+) +(\d+) +\d+")
            queries, of_plan = int(row[1]), int(row[2])
            assert 0 < of_plan < queries
            counts.add(queries)
        assert len(counts) == 1
        only(lines, rf"ratio 6/3: {view} time .*; queries ×1\.00 \(\d+ vs \d+\)")
    only(lines, rf"target p95 < 300 ms at 6 tasks: (PASS|FAIL) \(worst p95 {NUMBER} ms\)")
    only(lines, r"query count independent of the number of tasks: PASS")


def test_the_prevention_benchmark_reports_every_view_for_both_users_and_the_export(tmp_path):
    lines = run_benchmark("prevention.py", "--enterprises", "20", "--points-per-enterprise", "2",
                          "--hazards", "2000", "--export-rows", "10000", "--runs", "2", "--warmup", "1",
                          tmp_path=tmp_path)

    assert lines[0].startswith("prevention benchmark — SQLite ")
    only(lines, r"data: 20 enterprises, 40 risk points, \d+ assessments, 80 inspection tasks, "
                r"2,000 hidden hazards \(1,000 a day over 2 days\); .*")
    only(lines, r"view +user +median_ms +p95_ms +max_ms +queries +of_app +q_tiny +kB")
    for view in ("dashboard", "hazard ledger", "hazard ledger, open & overdue", "risk-point ledger, level 2",
                 "map GeoJSON, all"):
        for who in ("bureau", "subdistrict"):
            row = only(lines, rf"{re.escape(view)} +{who} +{NUMBER} +{NUMBER} +{NUMBER} +(\d+) +(\d+) +(\d+) +\d+")
            queries, of_app, q_tiny = map(int, row.groups())
            assert 0 < of_app < queries
            assert queries == q_tiny
    only(lines, r"query count independent of the number of rows \(50 enterprises and 1,000 hazards vs all\): "
                r"PASS")
    only(lines, rf"target dashboard p95 < 300 ms: (PASS|FAIL) \(worst p95 {NUMBER} ms\)")
    # --export-rows is capped at the hazards there are: both exports hold all 2,000.
    exports = [line for line in lines if re.fullmatch(rf" +2,000 +{NUMBER} +[\d,]+ +[\d,]+ .*\(not traced\)", line)]
    assert len(exports) == 2
    only(lines, r"peak RSS ratio 2,000 / 2,000 rows: ×\d\.\d\d; growth during the export .*: (flat|GROWS)")
    only(lines, rf"time to export 2,000 rows: {NUMBER} s")


def test_the_resources_benchmark_reports_nearby_the_stock_pages_and_a_true_ledger_after_concurrent_issues(tmp_path):
    lines = run_benchmark("resources.py", "--resources", "400", "--movements", "2000", "--runs", "2", "--warmup", "1",
                          "--threads", "2", "--issue-seconds", "1", tmp_path=tmp_path)

    assert lines[0].startswith("resources benchmark — SQLite ")
    only(lines, r"data: 400 resources \(100 shelters, 100 warehouses, 120 teams, 80 experts\) in .*; "
                r"40 supply items, 100 lots, 2,000 stock movements, \d+ shelter stays; .*")
    only(lines, r"view +label +median_ms +p95_ms +max_ms +queries +of_app +rows +kB")
    for label in ("shelter,warehouse,team, item", "shelter,warehouse,team", "shelter,warehouse,team,expert, item"):
        row = only(lines, rf"nearby +{re.escape(label)} +{NUMBER} +{NUMBER} +{NUMBER} +(\d+) +(\d+) +(\d+) +\d+")
        queries, of_app, rows = map(int, row.groups())
        assert 0 < of_app < queries
        assert rows == 20  # limit=20, and 400 resources in the box are more than enough
    for view in ("warehouse detail", "warehouse list"):
        row = only(lines, rf"{view} +.+? +{NUMBER} +{NUMBER} +{NUMBER} +(\d+) +(\d+) +\d+")
        assert 0 < int(row[2]) < int(row[1])
    only(lines, rf"target nearby p95 < 50 ms: (PASS|FAIL) \(worst p95 {NUMBER} ms\)")
    only(lines, r"concurrent issues: 2 threads for .* via services\.stock_issue_lot")
    issued = only(lines, r"issued ([\d,]+), refused [\d,]+ \(lot empty\), errors [\d,]+; .* issues/s; .*")
    assert int(issued[1].replace(",", "")) > 0
    only(lines, r"ledger check over all 120 lots \(.*\): balance = sum of movements: PASS; "
                r"negative balances: PASS \(none\)")


def test_the_import_memory_benchmark_refuses_every_hostile_file_under_the_ceiling(tmp_path):
    lines = run_benchmark("import_memory.py", "--wide-rows", "200", "--bomb-rows", "100000", "--numbered-rows",
                          "3000", "--max-rows", "1000", tmp_path=tmp_path)

    assert lines[0].startswith("import_memory benchmark — Python ")
    only(lines, r"row limit 1,000; .*")
    only(lines, r"file +rows +file_kB +written_s +refused_s +rss_before_MB +peak_rss_MB +growth_MB +refused with")
    only(lines, rf"wide dimension +200 +\d+ +{NUMBER} +\d+\.\d\d +{NUMBER} +{NUMBER} +{NUMBER}  Missing columns: .*")
    only(lines, rf"zip bomb +100,000 +\d+ +{NUMBER} +\d+\.\d\d +{NUMBER} +{NUMBER} +{NUMBER}  The file is packed .*")
    only(lines, rf"numbered rows +3,000 +\d+ +{NUMBER} +\d+\.\d\d +{NUMBER} +{NUMBER} +{NUMBER}  "
                r"The sheet has more than 1000 rows.*")
    only(lines, rf"ceiling 64 MB peak RSS growth: PASS \(worst {NUMBER} MB\)")


def test_the_workbench_benchmark_reports_every_user_at_both_sizes_and_a_constant_query_count(tmp_path):
    lines = run_benchmark("workbench.py", "--small-enterprises", "10", "--enterprises", "20", "--small-hazards", "1000",
                          "--hazards", "2000", "--small-tasks", "3", "--tasks", "6", "--departments", "4",
                          "--resources", "200", "--small-notifications", "2", "--notifications", "4", "--runs", "1",
                          "--warmup", "0", tmp_path=tmp_path)

    assert lines[0].startswith("workbench benchmark — SQLite ")
    only(lines, r"small: 10 enterprises, 100 risk points, 1,000 hidden hazards; a plan of 3 tasks \(24 periods, .*\); "
                r"200 resources with \d+ lots; 2 notifications per user; .*")
    only(lines, r"large: 20 enterprises, 200 risk points, 2,000 hidden hazards; plans of 3 and 6 tasks .*; "
                r"4 notifications per user; .*")
    only(lines, r"user +size +hazards +assignments +notifications +todos +panels")
    only(lines, r"user +size +median_ms +p95_ms +max_ms +queries +of_app +notif +kB")
    for who in ("bureau", "subdistrict", "department", "enterprise"):
        seen = {size: only(lines, rf"{who} +{size} +([\d,]+) +[\d,]+ +([\d,]+) +(\d+) +(\d+)")
                for size in ("small", "large")}
        assert int(seen["small"][2]) == 2 and int(seen["large"][2]) == 4  # notifications
        assert int(seen["large"][3]) > 0  # to-do entries shown
        counts = set()
        for size in ("small", "large"):
            row = only(lines, rf"{who} +{size} +{NUMBER} +{NUMBER} +{NUMBER} +(\d+) +(\d+) +(\d+) +\d+")
            queries, of_app, notif = map(int, row.groups())
            assert 0 < of_app < queries and 0 < notif < queries
            counts.add(queries)
        assert len(counts) == 1
        only(lines, rf"ratio large/small: {who} time ×\d+\.\d\d \(median\), ×\d+\.\d\d \(p95\); "
                    r"queries ×1\.00 \(\d+ vs \d+\)")
    # The enterprise's own hazards stay the same; the bureau sees them all.
    assert int(only(lines, r"enterprise +small +([\d,]+) .*")[1]) == int(only(lines, r"enterprise +large +([\d,]+) .*")[1])
    assert only(lines, r"bureau +large +([\d,]+) .*")[1] == "2,000"
    only(lines, r"queries equal at both sizes: PASS")
    only(lines, rf"target p95 < 300 ms at the large size: (PASS|FAIL) \(worst p95 {NUMBER} ms\)")


def test_the_documents_benchmark_reports_every_document_the_table_writers_and_the_xlsx_export(tmp_path):
    lines = run_benchmark("documents.py", "--tasks", "6", "--small-tasks", "3", "--departments", "4", "--periods", "12",
                          "--runs", "1", "--warmup", "0", "--baseline-runs", "1", "--small-hazards", "500",
                          "--hazards", "1000", "--small-enterprises", "10", "--enterprises", "20",
                          "--points-per-enterprise", "2", tmp_path=tmp_path)

    assert lines[0].startswith("documents benchmark — SQLite ")
    only(lines, r"data: plan of 6 tasks, 4 departments, 12 periods, 38 assignments, 456 progress reports, "
                r"24 indicator values, 1 supervision notices")
    only(lines, r"data: plan of 3 tasks, 4 departments, 12 periods, .*")
    only(lines, r"document +tasks +median_ms +p95_ms +max_ms +queries +kB +table_rows")
    for kind in ("progress, latest period", "midterm, to 2023", "final, to 2023"):
        counts = set()
        for tasks in (6, 3):
            row = only(lines, rf"{re.escape(kind)} +{tasks} +{NUMBER} +{NUMBER} +{NUMBER} +(\d+) +(\d+) +([\d,]+)")
            assert int(row[1]) > 0 and int(row[2]) > 0 and int(row[3]) > 0
            counts.add(int(row[1]))
        assert len(counts) == 1
        only(lines, rf"ratio 6/3: {kind.split(',')[0]} time ×\d+\.\d\d \(median\); queries ×1\.00 \(\d+ vs \d+\)")
    only(lines, r"queries equal at 6 and 3 tasks: PASS")
    # The progress report's main table: 3 assignments a task and 2 for each of the 6 key projects, 8 columns.
    only(lines, rf" +6 +30 +240 +{NUMBER} +{NUMBER} +\d+\.\d× +{NUMBER} +{NUMBER} +\d+\.\d×")
    only(lines, rf" +3 +21 +168 +{NUMBER} +{NUMBER} +\d+\.\d× +{NUMBER} +{NUMBER} +\d+\.\d×")
    only(lines, r"ratio baseline/ours at 30 rows: ×\d+\.\d \(table\), ×\d+\.\d \(table and save\)")
    only(lines, r" +rows +seconds +rows/s +file_kB")
    only(lines, r" +500 +\d+\.\d\d +[\d,]+ +[\d,]+")
    only(lines, r" +1,000 +\d+\.\d\d +[\d,]+ +[\d,]+")
    only(lines, r"ratio 1,000/500 rows: time ×\d+\.\d for ×2\.0 rows")
