from django.core.management.base import BaseCommand

from emergency.core import demo


class Command(BaseCommand):
    help = "Load the demo data of every domain (idempotent) and print the demo accounts."

    def handle(self, *args, **options):
        accounts = demo.load_demo()
        demo.load_demo_plan()
        from emergency.prevention.demo import load_demo_prevention

        load_demo_prevention()
        from emergency.resources.demo import load_demo_resources

        load_demo_resources()
        from emergency.accounts.models import User

        accounts += [(u.username, u.get_role_display()) for u in User.objects.filter(
            username__in=[name for name, _n, _d in demo.DEMO_DEPARTMENT_ACCOUNTS]).order_by("username")]
        self.stdout.write(f"Demo accounts (password {demo.DEMO_PASSWORD}):")
        for username, role in accounts:
            self.stdout.write(f"  {username:<14} {role}")
        self.stdout.write(
            "Administrative roles (bureau_admin, sys_admin, sec_admin, audit_admin) need a TOTP code:\n"
            f"  add the key (hex) {demo.DEMO_TOTP_KEY} to an authenticator app, or run\n"
            "  .venv/bin/python manage.py demo_totp")
