from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from emergency.accounts import services
from emergency.accounts.models import User


class Command(BaseCommand):
    help = ("Issue a one-time TOTP enrolment code for an account (audited). Meant for the first security "
            "administrator, who has nobody to issue theirs; afterwards the security administrator issues "
            "codes on the account's page.")

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active account {username!r}.")
        try:
            code = services.otp_enrolment_code_issue_by_operator(user=user)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(code)
