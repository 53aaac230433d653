from django.db import migrations


def forwards(apps, schema_editor):
    from emergency.resources import reference

    reference.load(apps)


class Migration(migrations.Migration):
    dependencies = [("resources", "0001_initial"), ("core", "0002_reference_data")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
