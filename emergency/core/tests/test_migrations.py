from io import StringIO

from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from emergency.core.models import Department, Division, Rule
from emergency.core.rules import RULE_DEFAULTS


def test_every_migration_applied_from_empty_on_this_database(db):
    # The test database is built from an empty one by running every migration.
    executor = MigrationExecutor(connection)
    assert executor.migration_plan(executor.loader.graph.leaf_nodes()) == []


def test_models_and_migrations_agree(db):
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


def test_reference_data_is_loaded_by_migration(db):
    assert Division.objects.get(code="120105").name == "河北区"
    subs = Division.objects.filter(level="subdistrict")
    assert subs.count() == 10
    assert set(subs.values_list("code", flat=True)) == {f"120105{i:03d}" for i in range(1, 11)}
    assert all(not s.is_synthetic for s in subs)
    assert Rule.objects.count() >= len(RULE_DEFAULTS)
    assert Department.objects.filter(kind="subdistrict_office").count() == 10
