from __future__ import annotations

from django.core.management.base import BaseCommand

from emergency.core import demo


class Command(BaseCommand):
    help = "Load the demo data of every domain (idempotent) and print the demo accounts."

    def handle(self, *args, **options):
        # Every installed app's loader (registry.register_demo), in order: core names none of them.
        accounts = demo.load_all()
        self.stdout.write(f"Demo accounts (password {demo.DEMO_PASSWORD}):")
        for username, role in accounts:
            self.stdout.write(f"  {username:<14} {role}")
        self.stdout.write(
            "Administrative roles (bureau_admin, sys_admin, sec_admin, audit_admin) need a TOTP code:\n"
            f"  add the key (hex) {demo.DEMO_TOTP_KEY} to an authenticator app, or run\n"
            "  .venv/bin/python manage.py demo_totp")
