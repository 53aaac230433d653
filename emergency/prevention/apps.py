from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PreventionConfig(AppConfig):
    name = "emergency.prevention"
    label = "prevention"
    verbose_name = _("Dual prevention")

    def ready(self) -> None:
        from . import scopes  # noqa: F401
