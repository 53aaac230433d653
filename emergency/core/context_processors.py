from __future__ import annotations

from django.conf import settings

from . import registry
from .notifications import unread_count
from .roles import can_see_business


def shell(request) -> dict:
    """The page shell: the navigation (what each installed app registered, `registry.nav_for`), the unread
    counter, the platform search box (business users) and the demo banner."""
    user = request.user
    return {
        "nav_items": registry.nav_for(user),
        "unread_notifications": unread_count(user) if user.is_authenticated else 0,
        "demo_mode": settings.DEMO,
        "show_search": can_see_business(user),
    }
