from __future__ import annotations

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "emergency.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from .validators import install_text_validators

        install_text_validators()  # first: the modules below may define forms
        from . import checks, demo, registry, rules, signals  # noqa: F401
        from .roles import Role

        rules.register(*rules.CORE_RULES)
        # After every `migrate` (and the flush of a transactional test), each registered rule is in the table:
        # a domain's rules need no data migration of their own. The old ones calling load_defaults still work.
        post_migrate.connect(rules.load_registered_rules, sender=self, dispatch_uid="core.load_registered_rules")

        # Core's own pages (for every business role: NavEntry's default); the domains put theirs between
        # Divisions and Departments (orders 100-899).
        for entry in (
            registry.NavEntry("home", _("Home"), "home", order=0),
            registry.NavEntry("divisions", _("Divisions"), "core:division_list", order=10),
            registry.NavEntry("departments", _("Departments"), "core:department_list", order=900),
            registry.NavEntry("map", _("Map"), "core:map", order=910),
            registry.NavEntry("audit", _("Audit log"), "core:audit_list", order=1020, roles={Role.AUDIT_ADMIN}),
            # Every signed-in user, the administrators included: they use the API too.
            registry.NavEntry("api", _("API"), "api-docs", order=2000, roles=frozenset(Role)),
        ):
            registry.register_nav(entry)

        # Unread notifications head the workbench's list; the domains' to-dos and panels follow.
        registry.register_todo("emergency.core.notifications.unread_todos")

        # The synthetic communities and grids: after the accounts (their audit rows name the bureau admin).
        registry.register_demo(registry.DemoLoader("core.divisions", demo.load_divisions, order=30, base=True))
