"""Accounts that need an administrator now: the separated administrators' workbench counts them and the account
list filters them (`?state=`). Each state is one query whatever the number of accounts."""

from __future__ import annotations

import datetime

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from emergency.core.roles import OTP_REQUIRED_ROLES
from emergency.core.rules import rule_value

from .policy import axes_cooloff, axes_failure_limit

STATES = {
    "locked": _("Locked out now"),
    "password_expired": _("Password expired"),
    "no_second_factor": _("Second factor not enrolled"),
}


def locked_usernames():
    """The usernames django-axes refuses now: at least the rule's number of failures inside the lockout time."""
    from axes.models import AccessAttempt

    since = timezone.now() - axes_cooloff()
    return (AccessAttempt.objects.filter(failures_since_start__gte=axes_failure_limit(None, None),
                                         attempt_time__gte=since).values("username"))


def users_in_state(qs: QuerySet, state: str) -> QuerySet:
    """The accounts of `qs` in `state` (one of STATES); `qs` itself for any other value."""
    if state == "locked":
        return qs.filter(username__in=locked_usernames())
    if state == "password_expired":
        # The same age as accounts.policy.password_expired, as a filter.
        max_age = datetime.timedelta(days=int(rule_value("security.password_max_age_days")))
        return qs.filter(is_active=True, password_changed_at__lt=timezone.now() - max_age)
    if state == "no_second_factor":
        from django_otp.plugins.otp_totp.models import TOTPDevice

        return qs.filter(is_active=True, role__in=OTP_REQUIRED_ROLES).exclude(
            pk__in=TOTPDevice.objects.filter(confirmed=True).values("user_id"))
    return qs
