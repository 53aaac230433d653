from __future__ import annotations

from smtplib import SMTPException

from django.conf import settings
from django.core.mail import send_mail

from .base import Channel, TransportError


class EmailChannel(Channel):
    name = "email"

    def is_available_for(self, user) -> bool:
        return bool(user.email)

    def notify(self, notification) -> None:
        link = notification.url
        body = notification.body + (f"\n\n{link}" if link else "")
        try:
            send_mail(notification.title, body, settings.DEFAULT_FROM_EMAIL, [notification.recipient.email])
        except SMTPException as exc:
            # 5xx answers will not get better by retrying.
            code = getattr(exc, "smtp_code", 0) or 0
            raise TransportError(str(exc), permanent=500 <= code < 600) from exc
        except OSError as exc:
            raise TransportError(str(exc)) from exc
