#!/usr/bin/env python
"""Spreadsheet import: time and peak memory to refuse hostile uploads (issue 9, item 1).

    .venv/bin/python benchmarks/import_memory.py [--wide-rows 8000 --bomb-rows 3000000
                                                  --numbered-rows 300000 --max-rows N --ceiling-mb 64]

Writes three hostile .xlsx files directly with zipfile (`emergency/core/tests/hostile_xlsx.py`, shared with
`core/tests/test_import_hostile_files.py`):

- wide dimension: a sheet declaring A1:XFD1048576 with WIDE_ROWS rows and headers missing columns (the
  report: 114 kB, a worker from 142 MB to 1.1 GB in 2.6 s before the "missing columns" error);
- zip bomb: the division headers and BOMB_ROWS identical rows (the report: 1.1 MB and 3,000,000 rows held a
  worker at 1.4 GB for 149 s);
- numbered rows: NUMBERED_ROWS distinct rows, which compress only about 15:1 and so pass the ratio check:
  reading stops at the first row past the row limit.

Each file is uploaded through `services.import_job_create` (what the upload form calls) in a fresh process,
so that the peak is its own: VmHWM is reset before the upload and compared with the RSS before it. The
database is never reached: each file is refused first. It reports and always exits 0.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time

# `python benchmarks/import_memory.py` puts benchmarks/ first on sys.path.
import harness


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--wide-rows", type=int, default=8_000, help="rows of the wide-dimension file (default 8,000)")
    p.add_argument("--bomb-rows", type=int, default=3_000_000, help="rows of the zip bomb (default 3,000,000)")
    p.add_argument("--numbered-rows", type=int, default=300_000,
                   help="rows of the numbered file, more than the row limit (default 300,000)")
    p.add_argument("--max-rows", type=int, default=None,
                   help="a lower row limit for small runs (default: services.MAX_ROWS, 100,000)")
    p.add_argument("--ceiling-mb", type=float, default=64.0, help="peak RSS growth allowed (default 64 MB)")
    p.add_argument("--database-url", default=None, help=argparse.SUPPRESS)  # harness.main; never used here
    return p.parse_args(argv)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from emergency.core.imports import services
    from emergency.core.tests import hostile_xlsx

    folder = Path(os.environ["VAR_DIR"])
    limit = args.max_rows or services.MAX_ROWS
    print(f"import_memory benchmark — Python {platform.python_version()}, {os.cpu_count()} cores")
    print(f"row limit {limit:,}; read path services.import_job_create in a fresh process per file; "
          "peak RSS = VmHWM, reset before the upload")
    files = [
        ("wide dimension", args.wide_rows, lambda p: hostile_xlsx.wide_dimension(p, rows=args.wide_rows)),
        ("zip bomb", args.bomb_rows, lambda p: hostile_xlsx.zip_bomb(p, rows=args.bomb_rows)),
        ("numbered rows", args.numbered_rows,
         lambda p: hostile_xlsx.zip_bomb(p, rows=args.numbered_rows, numbered=True)),
    ]
    print(f"{'file':<16} {'rows':>10} {'file_kB':>8} {'written_s':>9} {'refused_s':>9} {'rss_before_MB':>13} "
          f"{'peak_rss_MB':>11} {'growth_MB':>9}  refused with")
    worst = 0.0
    for label, rows, write in files:
        started = time.perf_counter()
        path = write(folder / f"{label.replace(' ', '-')}.xlsx")
        written = time.perf_counter() - started
        result = hostile_xlsx.measure_in_subprocess(path, max_rows=args.max_rows, timeout=600)
        growth = result["growth_kb"] / 1024
        worst = max(worst, growth)
        message = result["messages"][0] if result["messages"] else "(accepted)"
        message = message if len(message) <= 70 else message[:67] + "..."
        print(f"{label:<16} {rows:>10,} {result['bytes'] / 1024:>8,.0f} {written:>9.1f} {result['seconds']:>9.2f} "
              f"{result['rss_before_kb'] / 1024:>13.1f} {result['peak_kb'] / 1024:>11.1f} {growth:>9.1f}  {message}")
        path.unlink()
    verdict = "PASS" if worst < args.ceiling_mb else "FAIL"
    print(f"ceiling {args.ceiling_mb:g} MB peak RSS growth: {verdict} (worst {worst:.1f} MB)")
    return 0


def main(argv: list[str] | None = None) -> int:
    return harness.main(argv, parse_args=parse_args, run=run, prefix="bench_import_")


if __name__ == "__main__":
    sys.exit(main())
