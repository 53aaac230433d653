"""The resource map: shelters, warehouses, teams and experts as layers on the district map."""

from __future__ import annotations

from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from emergency.core.views import district_map_config

from . import selectors_map
from .views_shelters import resources_required


def layer_names() -> dict[str, str]:
    return {"shelters": _("Shelters"), "warehouses": _("Warehouses"), "teams": _("Rescue teams"),
            "experts": _("Experts")}


@resources_required
def resource_map(request):
    names = layer_names()
    config = district_map_config([{"name": names[kind], "url": reverse("resources:map_layer", args=[kind]), "cluster": True}
                   for kind in selectors_map.available_layers()])
    return render(request, "resources/map.html", {
        "map_config": config, "layers": [(k, names[k]) for k in selectors_map.available_layers()],
        "nav": "resources"})


@resources_required
def map_layer(request, kind: str):
    if kind not in selectors_map.available_layers():
        raise Http404
    features = selectors_map.LAYERS[kind](request.user)
    return JsonResponse({"type": "FeatureCollection", "features": features},
                        json_dumps_params={"ensure_ascii": False})
