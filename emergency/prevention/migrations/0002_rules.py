from django.db import migrations


def forwards(apps, schema_editor):
    from emergency.core import rules

    rules.load_defaults(apps.get_model("core", "Rule"))


class Migration(migrations.Migration):
    """Databases created before dual prevention get its rules (bands, tables, intervals, escalation)."""

    dependencies = [("prevention", "0001_initial"), ("core", "0002_reference_data")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
