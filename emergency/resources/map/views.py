"""The resource map: shelters, warehouses, teams and experts as layers on the district map, with filters.

The filter form is an ordinary GET form above the map: the page validates it, shows the errors of bad values
and passes the valid ones on to each layer's GeoJSON URL (so static/js/map.js needs no change); the layer
filters in the database (map.selectors.*_features) and answers 400 naming the field for a bad value.
"""

from __future__ import annotations

from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from emergency.core.views import district_map_config

from ..access import map_required
from . import selectors
from .forms import LAYER_FIELDS, MapFilterForm


def layer_names() -> dict[str, str]:
    return {"shelters": _("Shelters"), "warehouses": _("Warehouses"), "teams": _("Rescue teams"),
            "experts": _("Experts")}


@map_required
def resource_map(request):
    names = layer_names()
    form = MapFilterForm(request.GET)
    kinds = selectors.available_layers()
    layers, filtered = [], []
    for kind in kinds:
        url, query = reverse("resources:map_layer", args=[kind]), form.layer_query(kind)
        if query:
            filtered.append(kind)
        layers.append({"name": _("%(layer)s (filtered)") % {"layer": names[kind]} if query else names[kind],
                       "url": f"{url}?{query}" if query else url, "cluster": True})
    groups = [(kind, names[kind], [form[name] for name in LAYER_FIELDS[kind]]) for kind in kinds]
    return render(request, "resources/map.html", {
        "map_config": district_map_config(layers), "layers": [(k, names[k]) for k in kinds], "form": form,
        "filter_groups": groups, "filtered": filtered, "nav": "resources"})


@map_required
def map_layer(request, kind: str):
    if kind not in selectors.available_layers():
        raise Http404
    form = MapFilterForm(request.GET, layer=kind)
    if not form.is_valid():
        fields = {name: [str(m) for m in messages] for name, messages in form.errors.items()}
        return JsonResponse({"error": {"code": "invalid", "message": _("The request has invalid fields."),
                                       "fields": fields}}, status=400, json_dumps_params={"ensure_ascii": False})
    features = selectors.LAYERS[kind](request.user, form.filters())
    return JsonResponse({"type": "FeatureCollection", "features": features},
                        json_dumps_params={"ensure_ascii": False})
