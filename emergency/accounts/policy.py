"""Security policy values, read from the rules table (等保 2.0 level 3)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from emergency.core.rules import rule_value


def axes_failure_limit(request, credentials) -> int:  # noqa: ARG001 - axes calling convention
    return int(rule_value("security.lockout_failures"))


def axes_cooloff(request=None) -> timedelta:  # noqa: ARG001
    return timedelta(minutes=int(rule_value("security.lockout_minutes")))


def password_expired(user) -> bool:
    max_age = timedelta(days=int(rule_value("security.password_max_age_days")))
    return user.password_changed_at is None or timezone.now() - user.password_changed_at > max_age


def password_change_required(user) -> bool:
    return bool(user.must_change_password) or password_expired(user)


def api_token_lifetime() -> timedelta:
    return timedelta(days=int(rule_value("security.api_token_days")))


# How long a second-factor enrolment code stays usable. A day: the security administrator hands it
# to the owner the same working day, and a code left lying around longer is likelier to be seen by
# someone else. A named constant rather than a rule: it is no 等保 threshold a deployment tunes, and
# lengthening it only widens the window.
OTP_ENROLMENT_CODE_LIFETIME = timedelta(hours=24)
