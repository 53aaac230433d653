from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnterprisesConfig(AppConfig):
    name = "emergency.enterprises"
    label = "enterprises"
    verbose_name = _("Enterprises")

    def ready(self) -> None:
        from emergency.core import scoping

        from .models import Enterprise

        # Subdistricts see the enterprises in their area; an enterprise account sees only its own.
        scoping.register(Enterprise, scoping.ScopeSpec(division="division", enterprise="pk"))
