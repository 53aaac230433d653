"""What the benchmark scripts share: set-up before django.setup(), timing, query counts, clients.

A plain module, not a package: `.venv/bin/python benchmarks/<name>.py` puts this directory first on
sys.path, so the scripts `import harness`. Nothing here is imported by the application.
"""

from __future__ import annotations

import argparse
import math
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_P95_MS = 300.0


def configure(database_url: str | None, *, prefix: str) -> Path:
    """Environment first: settings read it at import time. Returns the temporary directory (VAR_DIR,
    MEDIA_ROOT, STATIC_ROOT and, without DATABASE_URL, the SQLite file), which the caller removes."""
    tmp = Path(tempfile.mkdtemp(prefix=prefix))
    (tmp / "static").mkdir()  # STATIC_ROOT: WhiteNoise warns when it is missing
    os.environ["DJANGO_SETTINGS_MODULE"] = "emergency.settings"
    os.environ["DEMO"] = "True"
    os.environ["DEBUG"] = "False"
    os.environ["TESTING"] = "False"
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    os.environ["VAR_DIR"] = str(tmp)
    os.environ["MEDIA_ROOT"] = str(tmp / "media")
    os.environ["DATABASE_URL"] = database_url or f"sqlite:///{tmp / 'bench.sqlite3'}"
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))

    import django
    from django.conf import settings

    # DEMO uses the manifest static storage, which needs `collectstatic`; the {% static %} tags of the
    # pages resolve through the plain storage instead (a dict lookup either way, not what we measure).
    settings.STORAGES = {**settings.STORAGES,
                         "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    django.setup()
    return tmp


def main(argv: list[str] | None, *, parse_args: Callable[[list[str] | None], argparse.Namespace],
         run: Callable[[argparse.Namespace], int], prefix: str) -> int:
    """Parse, configure Django on a throwaway directory, run, and remove the directory."""
    args = parse_args(argv)
    tmp = configure(args.database_url, prefix=prefix)
    try:
        return run(args)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def analyze(*, vacuum: bool = False) -> None:
    """Refresh the planner statistics as autovacuum would on a live database: right after a bulk load
    PostgreSQL still believes the new tables are nearly empty and picks nested loops. With `vacuum`,
    PostgreSQL runs VACUUM ANALYZE, which also sets the visibility map that index-only scans need."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if vacuum and connection.vendor == "postgresql" else "ANALYZE")


def database_label() -> str:
    from django.db import connection

    connection.ensure_connection()
    if connection.vendor == "sqlite":
        import sqlite3

        return f"SQLite {sqlite3.sqlite_version}"
    if connection.vendor == "postgresql":
        v = connection.pg_version
        return f"PostgreSQL {v // 10000}.{v % 10000}"
    return connection.vendor


def make_user(username: str, role: str, **extra):
    from django.utils import timezone

    from emergency.accounts.models import User

    user, _created = User.objects.get_or_create(
        username=username, defaults={"full_name": "基准测试", "role": role, "must_change_password": False,
                                     "password_changed_at": timezone.now(), **extra})
    return user


def client_for(user):
    """A test client with the full middleware stack, logged in as `user`."""
    from django.test import Client

    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    return client


# --- measurement --------------------------------------------------------------------------------------

@dataclass
class Result:
    view: str
    label: str  # what the row compares: the data size, or the user
    times_ms: list[float]
    captured: list[dict]  # CaptureQueriesContext entries ({"sql": …, "time": …}) of one extra request
    bytes: int

    @property
    def queries(self) -> int:
        return len(self.captured)

    @property
    def sql(self) -> list[str]:
        return [q["sql"] for q in self.captured]

    @property
    def timed_sql(self) -> list[str]:
        return [f'{float(q["time"]) * 1000:7.1f} ms  {q["sql"]}' for q in self.captured]

    def queries_on(self, *fragments: str) -> int:
        """Queries whose SQL names any of `fragments` (table prefixes such as "prevention_")."""
        return sum(any(f in sql for f in fragments) for sql in self.sql)

    @property
    def median(self) -> float:
        return statistics.median(self.times_ms)

    @property
    def p95(self) -> float:
        """Nearest-rank 95th percentile."""
        ordered = sorted(self.times_ms)
        return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]

    @property
    def max(self) -> float:
        return max(self.times_ms)


def measure(client, url: str, *, view: str, label: str, runs: int, warmup: int, expect: str) -> Result:
    """`warmup` untimed GETs, `runs` timed ones, then one more under CaptureQueriesContext (kept apart so
    that the capture does not weigh on the timings) whose HTML must contain `expect`."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def get():
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}, not 200")
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
    if expect not in response.content.decode():
        raise SystemExit(f"{url} did not render {expect!r}")
    return Result(view=view, label=label, times_ms=times, captured=list(ctx.captured_queries),
                  bytes=len(response.content))
