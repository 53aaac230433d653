from django.db import migrations


def forwards(apps, schema_editor):
    from emergency.core import reference, rules

    reference.load(apps)
    rules.load_defaults(apps.get_model("core", "Rule"))


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
