from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResourcesConfig(AppConfig):
    name = "emergency.resources"
    label = "resources"
    verbose_name = _("Emergency resources")

    def ready(self) -> None:
        from . import scopes, tasks  # noqa: F401 - scoping rules; the stock reminder's schedule entry
