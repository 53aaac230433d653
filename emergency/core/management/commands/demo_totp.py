import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import totp

from emergency.core import demo


class Command(BaseCommand):
    help = "Print the current TOTP code of the demo admin accounts (DEMO mode only)."

    def handle(self, *args, **options):
        if not (settings.DEMO or settings.DEBUG):
            raise CommandError("Only in DEMO or DEBUG mode.")
        code = totp(bytes.fromhex(demo.DEMO_TOTP_KEY), step=30, t0=0, digits=6)
        self.stdout.write(f"{code:06d}  (valid for {30 - int(time.time()) % 30} more seconds)")
