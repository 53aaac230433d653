from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _reads_resources(user) -> bool:
    from emergency.core import scoping

    from .shelters.models import Shelter

    return scoping.may_read(user, Shelter)


class ResourcesConfig(AppConfig):
    name = "emergency.resources"
    label = "resources"
    verbose_name = _("Emergency resources")

    def ready(self) -> None:
        # What resources plugs into the platform (issue 10 §2). Dotted paths, so that moving a module within the
        # app changes only its string here.
        from emergency.core import registry
        from emergency.core.roles import Role
        from emergency.core.rules import RuleDefault, Schema, above_zero, mapping_of

        from . import scopes, tasks  # noqa: F401 - scoping rules; the stock reminder's schedule entry

        # The link shows to whoever the map page lets in (access.map_required: the shelters' readers).
        registry.register_nav(registry.NavEntry("resources", _("Emergency resources"), "resources:map", order=400,
                                                allowed=_reads_resources))
        # An expert's own page (profile and availability): the registers stay closed to experts.
        registry.register_nav(registry.NavEntry("expert_me", _("My expert profile"), "resources:expert_me", order=410,
                                                roles={Role.EXPERT}))
        registry.register_api_urls("resources/", "emergency.resources.api")
        registry.register_search("emergency.resources.search.search_resources")
        registry.register_todo("emergency.resources.todo.resources_todos")
        registry.register_demo(registry.DemoLoader("resources.stock_and_shelters",
                                                   "emergency.resources.demo.load_demo_resources", order=300))
        # The rules resources reads (shelter capacity, expiry alerts); a resources/rules.py may take them over.
        registry.register_rules(
            RuleDefault("shelter.area_per_person_m2", 1.5, "平方米", "Effective area per sheltered person",
                        "GB 21734-2008", "V", Schema(float, check=above_zero)),
            RuleDefault("shelter.area_per_person_by_kind_m2", {}, "平方米",
                        "Effective area per sheltered person for a shelter kind, e.g. {\"fixed\": 2.0} (kinds: "
                        "emergency, fixed, central); a kind not listed uses shelter.area_per_person_m2",
                        "DOMAIN.md §5: configurable per shelter type; none shipped, because the GB 51143-2015 "
                        "figures by kind are unverified [M] (GB 21734-2008's 1.5 m² applies to every kind)", "P",
                        Schema(dict, check=mapping_of(Schema(float, check=above_zero),
                                                      keys=("emergency", "fixed", "central")))),
            RuleDefault("resources.expiry_warning_days", 30, "天",
                        "Stock lots expiring within this many days (or expired) are alerts and reminders",
                        "Issue 5 default (configurable)", "P", Schema(int, min=0)),
        )
