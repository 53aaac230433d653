"""Indexes for the regulator's dashboard, the ledgers and the risk map (benchmarks/prevention.py).

Written as SQL (partial, covering indexes; PostgreSQL and SQLite both accept them) because they
serve the read side only: the models do not declare them, so makemigrations leaves them alone.
"""

from django.db import migrations

INDEXES = [
    # Hazard counts grouped by enterprise and class (found / closed / overdue): an index-only scan.
    ("prev_hazard_counts", "prevention_hiddenhazard (enterprise_id, hazard_class, state, overdue) "
                           "WHERE archived_at IS NULL"),
    # Open MAJOR hazards, listed supervision first, by deadline: a few thousand rows among 500,000.
    ("prev_hazard_open_major", "prevention_hiddenhazard (listed_supervision, deadline) "
                               "WHERE hazard_class = 'major' AND state <> 'closed'"),
    # Enterprises inspected in the last N days.
    ("prev_task_done", "prevention_inspectiontask (done_at, risk_point_id) WHERE state = 'done'"),
    # Risk points by enterprise and level (dashboard counts, risk map colours).
    ("prev_point_levels", "prevention_riskpoint (enterprise_id, current_level) WHERE archived_at IS NULL"),
]


class Migration(migrations.Migration):
    dependencies = [("prevention", "0002_rules")]
    operations = [migrations.RunSQL(f"CREATE INDEX {name} ON {spec}", f"DROP INDEX {name}")
                  for name, spec in INDEXES]
