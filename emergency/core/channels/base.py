"""Delivery channels are plug-ins behind one tiny interface (healthchecks Transport)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from emergency.core.models import Notification


class TransportError(Exception):
    def __init__(self, message: str, *, permanent: bool = False):
        super().__init__(message)
        self.message = message
        self.permanent = permanent


class Channel:
    name = "base"

    def is_available_for(self, user) -> bool:  # noqa: ARG002
        return True

    def notify(self, notification: Notification) -> None:
        """Deliver one notification or raise TransportError."""
        raise TransportError(f"{self.name} cannot deliver", permanent=True)
