from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanSupervisionConfig(AppConfig):
    name = "emergency.plan_supervision"
    label = "plan_supervision"
    verbose_name = _("Plan supervision")

    def ready(self) -> None:
        from emergency.core import registry
        from emergency.core.roles import GOVERNMENT_ROLES

        from . import demo, scopes  # noqa: F401

        # GOVERNMENT_ROLES is the plan pages' PLAN_ROLES (views.py): the bureau, departments and subdistricts.
        registry.register_nav(registry.NavEntry("plans", _("Plan supervision"), "plans:list", order=100,
                                                roles=GOVERNMENT_ROLES))
        registry.register_demo(registry.DemoLoader(
            "plan_supervision.plan", "emergency.plan_supervision.demo.load_demo_plan", order=100,
            accounts=demo.USERNAMES))
        registry.register_todo("emergency.plan_supervision.todo.plan_todos")
