from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _reads_the_plan(user) -> bool:
    """The link shows to whoever the pages let in: the Plan's readers (scopes.py)."""
    from emergency.core import scoping

    from .models import Plan

    return scoping.may_read(user, Plan)


class PlanSupervisionConfig(AppConfig):
    name = "emergency.plan_supervision"
    label = "plan_supervision"
    verbose_name = _("Plan supervision")

    def ready(self) -> None:
        from emergency.core import registry

        from . import demo, scopes  # noqa: F401

        registry.register_nav(registry.NavEntry("plans", _("Plan supervision"), "plans:list", order=100,
                                                allowed=_reads_the_plan))
        registry.register_demo(registry.DemoLoader(
            "plan_supervision.plan", "emergency.plan_supervision.demo.load_demo_plan", order=100,
            accounts=demo.USERNAMES))
        registry.register_search("emergency.plan_supervision.search.search_plan")
        registry.register_todo("emergency.plan_supervision.todo.plan_todos")
        registry.register_panel("emergency.plan_supervision.todo.plan_panels")
