from django.db import migrations


def forwards(apps, schema_editor):
    from emergency.core import rules

    rules.load_defaults(apps.get_model("core", "Rule"))


class Migration(migrations.Migration):
    """Rules added by issue 5: area per person by shelter kind, expiry warning days (existing deployments get them)."""

    dependencies = [("resources", "0005_documents"), ("core", "0002_reference_data")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
