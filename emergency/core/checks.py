"""Production refuses to run with the default secret (settings) or with demo accounts (here)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def refuse_unsafe_production() -> None:
    if not settings.PRODUCTION:
        return
    from django.contrib.auth import get_user_model
    from django.db.utils import DatabaseError

    try:
        demo = get_user_model().objects.filter(is_demo=True, is_active=True).exists()
    except DatabaseError:
        return  # not migrated yet: migrate comes first
    if demo:
        raise ImproperlyConfigured(
            "Demo accounts are active. Deactivate them (manage.py deactivate_demo) or run with DEMO=True.")
