from django.core.management.base import BaseCommand

from emergency.core import reference, rules
from emergency.core.models import Rule


class Command(BaseCommand):
    help = "Load missing reference data (district, subdistricts, departments, aliases, rules). Idempotent."

    def handle(self, *args, **options):
        reference.load()
        created = rules.load_defaults(Rule)
        self.stdout.write(f"Reference data loaded ({created} new rules).")
