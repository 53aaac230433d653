"""The resource map's filter form: one GET form for the page, and the same fields, per layer, for the layers.

The page shows the errors of bad values and ignores them; each layer's GeoJSON URL carries only the valid
values of its own fields, and a layer asked with a bad value answers 400 naming the field (map.views).
"""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ..shelters.models import Shelter
from ..stock.models import SupplyItem
from ..teams.models import EXPERT_FIELDS, RescueTeam
from .selectors import MapFilters

ANY = [("", "---------")]

# Which fields filter which layer (the names are the query-string parameters of the page and the layers).
LAYER_FIELDS = {
    "shelters": ("shelter_status", "shelter_min_available"),
    "warehouses": ("item",),
    "teams": ("team_kind", "team_readiness"),
    "experts": ("expert_field", "expert_available"),
}


class MapFilterForm(forms.Form):
    shelter_status = forms.ChoiceField(label=pgettext_lazy("shelter", "Status"), required=False,
                                       choices=ANY + Shelter.Status.choices)
    shelter_min_available = forms.IntegerField(
        label=_("At least this many available places"), required=False, min_value=0, max_value=10_000_000)
    item = forms.ModelChoiceField(label=pgettext_lazy("map filter", "Holding the item"), required=False,
                                  queryset=SupplyItem.objects.filter(archived_at__isnull=True))
    team_kind = forms.ChoiceField(label=_("Kind"), required=False, choices=ANY + RescueTeam.Kind.choices)
    team_readiness = forms.ChoiceField(label=_("Readiness"), required=False,
                                       choices=ANY + RescueTeam.Readiness.choices)
    expert_field = forms.ChoiceField(label=_("Field"), required=False,
                                     choices=ANY + [(code, label) for _a, code, label in EXPERT_FIELDS])
    expert_available = forms.ChoiceField(label=_("Availability"), required=False,
                                         choices=[("", _("Any")), ("1", _("Available only"))])

    def __init__(self, data=None, *, layer: str | None = None, **kwargs):
        super().__init__(data, **kwargs)
        if layer is not None:  # a layer checks only its own fields; the others' parameters are not its business
            self.fields = {name: f for name, f in self.fields.items() if name in LAYER_FIELDS[layer]}

    def valid_values(self) -> dict:
        """The cleaned values of the fields that validated and are set (bad ones are left out)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items()
                if name not in self.errors and value not in (None, "")}

    def filters(self) -> MapFilters:
        values = self.valid_values()
        return MapFilters(
            shelter_status=values.get("shelter_status", ""),
            shelter_min_available=values.get("shelter_min_available"),
            item=values.get("item"),
            team_kind=values.get("team_kind", ""),
            team_readiness=values.get("team_readiness", ""),
            expert_field=values.get("expert_field", ""),
            expert_available=values.get("expert_available") == "1",
        )

    def layer_query(self, layer: str) -> str:
        """The query string of the valid values of `layer`'s fields ("" without any)."""
        values = self.valid_values()
        params = [(name, getattr(values[name], "pk", values[name])) for name in LAYER_FIELDS[layer]
                  if name in values]
        return urlencode(params)
