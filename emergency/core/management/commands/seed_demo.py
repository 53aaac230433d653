from __future__ import annotations

from django.core.management.base import BaseCommand

from emergency.core import demo
from emergency.core.management.commands.demo_totp import totp_key_base32


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
            f"  add the key {totp_key_base32()} (base32, time-based, 6 digits, 30 s) to an authenticator app,\n"
            "  or run `make demo-totp` for the current code, the otpauth:// URI and a QR code to scan")
