"""The regulator's view: dashboard, ledgers (台账) with exports, and the risk map (四色图).

The bureau sees the district, a subdistrict its own area, an enterprise only itself (scoping does
the filtering). Departments, experts and the separated administrators get 403.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from emergency.core.filters import parse_id
from emergency.core.roles import Role
from emergency.core.scoping import get_for_user
from emergency.core.views import district_map_config, readers_required
from emergency.enterprises.models import Enterprise

from . import exports, selectors
from .models import RiskLevel, RiskPoint

PAGE_SIZE = 50


regulator_view = readers_required(RiskPoint)  # who reads is declared once, in prevention/scopes.py


def _bar(labels: list[str], series: list[tuple[str, list[int], str]]) -> dict:
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0},
        "grid": {"left": 40, "right": 10, "bottom": 70, "top": 30},
        "xAxis": {"type": "category", "data": labels, "axisLabel": {"rotate": 40, "interval": 0}},
        "yAxis": {"type": "value", "minInterval": 1},
        "series": [{"type": "bar", "name": name, "data": data, "itemStyle": {"color": colour}}
                   for name, data, colour in series],
    }


def _charts(data: dict) -> dict:
    subs = data["by_subdistrict"]
    inds = data["by_industry"]
    hazard_series = (
        (_("Found"), "found", "#6c757d"), (_("Rectified"), "closed", "#198754"), (_("Overdue"), "overdue", "#dc3545"))
    levels = data["risk_points"]["total"].by_level
    return {
        "subdistricts": _bar([s.name for s, _stat in subs],
                             [(label, [getattr(stat, key) for _s, stat in subs], c) for label, key, c in hazard_series]),
        "industries": _bar([label for _code, label, _stat in inds],
                           [(label, [getattr(stat, key) for _c, _l, stat in inds], c)
                            for label, key, c in hazard_series]),
        "levels": {
            "tooltip": {"trigger": "item"},
            "legend": {"bottom": 0},
            "series": [{"type": "pie", "radius": ["35%", "65%"], "label": {"formatter": "{b}: {c}"}, "data": [
                {"name": str(RiskLevel(level).label) if level else _("Not assessed"), "value": n,
                 "itemStyle": {"color": selectors.LEVEL_HEX[level]}}
                for level, n in levels.items() if n]}],
        },
    }


@regulator_view
def dashboard(request):
    user = request.user
    data = selectors.dashboard(user)
    enterprise = user.enterprise if user.role == Role.ENTERPRISE else None
    return render(request, "prevention/dashboard.html", {
        **data, "charts": _charts(data), "enterprise": enterprise, "nav": "prevention",
        "level_columns": [*RiskLevel.labels, _("Not assessed")],
    })


def _ledger(request, *, template: str, select, export, sorting):
    f, qs = select(user=request.user, filters=request.GET)
    invalid = f.is_bound and not f.form.is_valid()
    if invalid:
        qs = qs.none()
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    _subs, index = selectors.subdistricts_for(request.user)
    for row in page:
        row.subdistrict = index.get(row.enterprise.division_id, selectors.UNPLACED)
    return render(request, template, {"filter": f, "page": page, "invalid": invalid, "nav": "prevention",
                                      "sort": sorting.chosen(request.GET),
                                      "query": request.GET.urlencode(), "export_url": reverse(export)})


@regulator_view
def ledger_hazards(request):
    return _ledger(request, template="prevention/ledger_hazards.html", select=selectors.hazard_ledger_page,
                   export="prevention:ledger_hazards_export", sorting=selectors.HAZARD_LEDGER_SORTING)


@regulator_view
def ledger_risk_points(request):
    return _ledger(request, template="prevention/ledger_risk_points.html", select=selectors.risk_point_ledger_page,
                   export="prevention:ledger_risk_points_export", sorting=selectors.RISK_POINT_LEDGER_SORTING)


def _export(request, select, write):
    f, _qs = select(user=request.user, filters=request.GET)
    if f.is_bound and not f.form.is_valid():
        return JsonResponse({"errors": f.form.errors.get_json_data()}, status=400)
    return write(user=request.user, filters=request.GET)


@regulator_view
def ledger_hazards_export(request):
    return _export(request, selectors.hazard_ledger, exports.hazard_ledger_export)


@regulator_view
def ledger_risk_points_export(request):
    return _export(request, selectors.risk_point_ledger, exports.risk_point_ledger_export)


# --- risk map -------------------------------------------------------------------------------------

def _level_layers() -> list[dict]:
    url = reverse("prevention:risk_map_points")
    layers = [{"name": str(label), "url": f"{url}?level={value}", "cluster": True}
              for value, label in RiskLevel.choices]
    return [*layers, {"name": _("Not assessed"), "url": f"{url}?level={selectors.NONE}", "cluster": True}]


@regulator_view
def risk_map(request):
    user = request.user
    config = district_map_config(_level_layers())
    enterprise, points = None, []
    wanted = parse_id(request.GET.get("enterprise"))
    if wanted is not None:
        enterprise, _w = get_for_user(user, Enterprise.objects.all(), pk=wanted)
        points = list(selectors.risk_points_in_scope(user).filter(enterprise=enterprise).order_by(
            "current_level", "name"))
    return render(request, "prevention/risk_map.html", {
        "map_config": config, "summary": selectors.risk_point_summary(user), "enterprise": enterprise,
        "points": points, "nav": "prevention", "level_columns": [*RiskLevel.labels, _("Not assessed")],
    })


@regulator_view
def risk_map_points(request):
    level = request.GET.get("level", "")
    if level not in ("", selectors.NONE, *(str(v) for v in RiskLevel.values)):
        return JsonResponse({"errors": {"level": [_("Choose 1, 2, 3, 4 or none.")]}}, status=400)
    ledger = reverse("prevention:ledger_risk_points")
    # Texts translated once, not once per enterprise.
    highest = {level: _("Highest risk: %(level)s") % {"level": label}
               for level, label in [*RiskLevel.choices, (None, _("Not assessed"))]}
    count_text = _("Risk points: %(n)d")
    features = [{
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [lng, lat]},
        "properties": {
            "title": name,
            "popup": f"{highest[top]}\n{count_text % {'n': points}}",
            "href": f"{ledger}?enterprise={pk}",
            "color": selectors.LEVEL_COLOURS[top],
            "level": top,
        },
    } for pk, name, lat, lng, top, points in selectors.enterprise_top_levels(request.user, level=level or None)]
    return JsonResponse({"type": "FeatureCollection", "features": features})
