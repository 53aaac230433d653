from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PreventionConfig(AppConfig):
    name = "emergency.prevention"
    label = "prevention"
    verbose_name = _("Dual prevention")

    def ready(self) -> None:
        from emergency.core import registry

        from . import rules, scopes  # noqa: F401

        registry.register_rules(*rules.RULES)
        # Whoever the regulator's view lets in (views_dashboard: readers_required(RiskPoint)).
        registry.register_nav(registry.NavEntry("prevention", _("Dual prevention"), "prevention:dashboard",
                                                order=300, allowed=_reads_risk_points))
        registry.register_api_urls("prevention/", "emergency.prevention.api")
        # After the accounts it acts as, and after the plan (the order seed_demo always had).
        registry.register_demo(registry.DemoLoader("prevention.enterprises",
                                                   "emergency.prevention.demo.load_demo_prevention", order=200))
        registry.register_search("emergency.prevention.search.search_prevention")
        registry.register_todo("emergency.prevention.todo.prevention_todos")
        registry.register_panel("emergency.prevention.todo.prevention_panels")


def _reads_risk_points(user) -> bool:
    from emergency.core import scoping

    from .models import RiskPoint

    return scoping.may_read(user, RiskPoint)
