from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "emergency.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from datetime import timedelta

        from emergency.core import registry, scheduler
        from emergency.core.roles import Role

        from . import demo, signals  # noqa: F401

        # The separated administrators' pages, after every business page.
        registry.register_nav(registry.NavEntry("accounts", _("Accounts"), "accounts:user_list", order=1000,
                                                roles={Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN}))
        registry.register_nav(registry.NavEntry("policy", _("Security policy"), "accounts:policy", order=1010,
                                                roles={Role.SECURITY_ADMIN}))
        registry.register_todo("emergency.accounts.todo.administrator_todos", administrators=True)
        # One account per role: a base loader (the browser tests log in with them), before the communities.
        registry.register_demo(registry.DemoLoader("accounts.users", "emergency.accounts.demo.load_demo_accounts",
                                                   order=20, accounts=demo.USERNAMES, base=True))
        # Registering an entry already in the schedule changes nothing (by name): this is accounts' own job.
        scheduler.register(scheduler.Periodic("password_expiry_reminders", timedelta(days=1),
                                              "emergency.accounts.tasks.password_expiry_reminders"))
