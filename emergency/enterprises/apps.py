from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnterprisesConfig(AppConfig):
    name = "emergency.enterprises"
    label = "enterprises"
    verbose_name = _("Enterprises")

    def ready(self) -> None:
        from emergency.core import registry

        from . import scopes  # noqa: F401

        # Shown to whoever the registry's pages let in (views.registry_required asks the same predicate).
        registry.register_nav(registry.NavEntry("enterprises", _("Enterprises"), "enterprises:list", order=200,
                                                allowed="emergency.enterprises.selectors.may_use_registry"))
        registry.register_search("emergency.enterprises.search.search_enterprises")
        registry.register_api_route("enterprises", "emergency.enterprises.api.EnterpriseViewSet",
                                    basename="enterprise")
        # Its demo data: the demo enterprise account's enterprise, which the accounts' demo loader creates with
        # that account (enterprises/demo.py), and the sixty of dual prevention's demo.
