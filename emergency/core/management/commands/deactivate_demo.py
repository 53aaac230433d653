from django.core.management.base import BaseCommand

from emergency.accounts.models import User


class Command(BaseCommand):
    help = "Deactivate every demo account (required before running in production)."

    def handle(self, *args, **options):
        n = User.objects.filter(is_demo=True, is_active=True).update(is_active=False)
        self.stdout.write(f"Deactivated {n} demo accounts.")
