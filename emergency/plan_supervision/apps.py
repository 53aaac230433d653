from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanSupervisionConfig(AppConfig):
    name = "emergency.plan_supervision"
    label = "plan_supervision"
    verbose_name = _("Plan supervision")

    def ready(self) -> None:
        from . import scopes  # noqa: F401
