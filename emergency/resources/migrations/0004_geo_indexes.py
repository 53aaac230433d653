"""Indexes for the nearby search's lat/lng box (selectors_map.nearby; benchmarks/resources.py).

The box is `latitude BETWEEN … AND longitude BETWEEN …`: a (latitude, longitude) index reads the latitude
band and checks the longitude inside the index, so only the rows in the box are fetched. Rescue teams
declare theirs in the model (0003_teams). Written as SQL because they serve the read side only: the models
do not declare them, so makemigrations leaves them alone.
"""

from django.db import migrations

INDEXES = [
    ("res_shelter_location", "resources_shelter (latitude, longitude)"),
    ("res_warehouse_location", "resources_warehouse (latitude, longitude)"),
    ("res_expert_location", "resources_expert (latitude, longitude)"),
]


class Migration(migrations.Migration):
    dependencies = [("resources", "0003_teams")]
    operations = [migrations.RunSQL(f"CREATE INDEX {name} ON {spec}", f"DROP INDEX {name}")
                  for name, spec in INDEXES]
