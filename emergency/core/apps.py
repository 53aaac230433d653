from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "emergency.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from .validators import install_text_validators

        install_text_validators()  # first: the modules below may define forms
        from . import checks, signals  # noqa: F401
