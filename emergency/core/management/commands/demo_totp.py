"""The demo's second factor: the current TOTP code of the demo admin accounts, and the key to add to an
authenticator app (base32, an otpauth:// URI and, unless --no-qr, a QR code in the terminal).

Settings refuse to load without DEBUG, DEMO or TESTING (the default SECRET_KEY), so run it as `make demo-totp`,
which sets DEMO=True like `make demo`, or as `DEMO=True .venv/bin/python manage.py demo_totp`."""

import base64
import io
import time
from urllib.parse import quote, urlencode

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import totp

from emergency.core import demo

ISSUER = "EmergencyDemo"
ACCOUNT = "bureau_admin, sys_admin, sec_admin, audit_admin"


def totp_key_base32() -> str:
    """The demo TOTP key as authenticator apps take it (RFC 4648 base32, no padding)."""
    return base64.b32encode(bytes.fromhex(demo.DEMO_TOTP_KEY)).decode("ascii").rstrip("=")


def otpauth_uri() -> str:
    """The key as a URI (what the QR code holds); SHA-1, 6 digits and 30 s are the defaults every app assumes."""
    query = urlencode({"secret": totp_key_base32(), "issuer": ISSUER}, quote_via=quote)
    return f"otpauth://totp/{ISSUER}:demo-admins?{query}"


class Command(BaseCommand):
    help = ("Print the current TOTP code of the demo admin accounts and their key (base32, otpauth:// URI, QR). "
            "DEMO or DEBUG mode only: run `make demo-totp`.")

    def add_arguments(self, parser):
        parser.add_argument("--no-qr", action="store_true", help="Do not draw the QR code in the terminal.")

    def handle(self, *args, **options):
        if not (settings.DEMO or settings.DEBUG):
            raise CommandError("Only in DEMO or DEBUG mode: run `make demo-totp` "
                               "(or `DEMO=True .venv/bin/python manage.py demo_totp`).")
        code = totp(bytes.fromhex(demo.DEMO_TOTP_KEY), step=30, t0=0, digits=6)
        self.stdout.write(f"{code:06d}  (valid for {30 - int(time.time()) % 30} more seconds)")
        self.stdout.write(f"Accounts: {ACCOUNT}")
        self.stdout.write(f"Key (base32, for an authenticator app): {totp_key_base32()}")
        self.stdout.write(f"URI: {otpauth_uri()}")
        if not options["no_qr"]:
            import segno

            out = io.StringIO()
            segno.make(otpauth_uri(), error="m").terminal(out=out, compact=True)
            self.stdout.write(out.getvalue(), ending="")
