from __future__ import annotations

from django.conf import settings
from django.utils.module_loading import import_string

from .base import Channel

DEFAULT_CHANNELS = {"email": "emergency.core.channels.email.EmailChannel"}


def channels() -> dict[str, Channel]:
    paths = getattr(settings, "NOTIFICATION_CHANNELS", DEFAULT_CHANNELS)
    return {name: import_string(path)() for name, path in paths.items()}
