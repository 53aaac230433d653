from __future__ import annotations

from django.core.management.base import BaseCommand

from emergency.accounts import services
from emergency.accounts.models import User
from emergency.core.actors import OPERATOR_COMMAND


class Command(BaseCommand):
    help = "Deactivate every demo account (required before running in production)."

    def handle(self, *args, **options):
        # Through the service, one account at a time: each deactivation is audited (actor "manage.py") and
        # revokes the account's API tokens, as when the system administrator does it on the user page.
        users = list(User.objects.filter(is_demo=True, is_active=True).order_by("pk"))
        for user in users:
            services.user_set_active(acting_user=OPERATOR_COMMAND, user=user, active=False)
        self.stdout.write(f"Deactivated {len(users)} demo accounts.")
