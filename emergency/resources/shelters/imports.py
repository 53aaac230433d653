"""The shelter register import (`shelters`). The export (`views.shelter_export`) uses the same columns, then
the computed capacity, occupancy, available places and status, which the import recognises and ignores."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from emergency.core.imports.registry import (
    Column,
    ImportContext,
    RowError,
    cell_int,
    cell_text,
    register_spec,
)
from emergency.core.models import Division

from ..shared.imports import ADMIN_LEVEL_ZH, RegisterImport, choice_table, load_divisions, lookup_key, yes_no
from . import services
from .models import FACILITY_FIELDS, Shelter

SHELTER_KIND_ZH = {"应急": "emergency", "紧急": "emergency", "应急避难场所": "emergency", "紧急避难场所": "emergency",
                   "固定": "fixed", "固定避难场所": "fixed", "中心": "central", "中心避难场所": "central"}
STAY_CLASS_ZH = {"1": "I", "一": "I", "一类": "I", "Ⅰ类": "I", "I类": "I",
                 "2": "II", "二": "II", "二类": "II", "Ⅱ类": "II", "II类": "II",
                 "3": "III", "三": "III", "三类": "III", "Ⅲ类": "III", "III类": "III"}
INDOOR_WORDS = {"室内": True, "室外": False, "露天": False}
MAX_AREA = Decimal("999999999.9")  # DECIMAL(10, 1)
MAX_RADIUS_M = 100_000


def shelter_values(s: Shelter, *, division_text: str | None = None) -> list[Any]:
    """The importable columns of a shelter, in ShelterImport.columns order."""
    division = division_text if division_text is not None else f"{s.division.code} {s.division.name}"
    return [s.name, s.get_kind_display(), yes_no(s.indoor), s.get_stay_class_display(),
            s.get_admin_level_display(), division, s.effective_area_m2,
            *(yes_no(getattr(s, f)) for f in FACILITY_FIELDS), s.manager, s.manager_phone, s.entrances,
            s.address, s.latitude, s.longitude, yes_no(s.location_approximate), s.service_radius_m, s.data_note]


class ShelterImport(RegisterImport):
    name = "shelters"
    model = Shelter
    values_of = staticmethod(shelter_values)
    create_service = staticmethod(services.shelter_create)
    title = gettext_lazy("Shelters")
    list_url_name = "resources:shelter_list"
    columns = (
        Column("name", gettext_lazy("Name"), ("避难场所名称", "场所名称", "名称")),
        Column("kind", gettext_lazy("Kind"), ("场所类型", "类型", "类别")),
        Column("indoor", gettext_lazy("Indoor"), ("室内", "室内/室外"), required=False),
        Column("stay_class", gettext_lazy("Stay class (GB 21734)"), ("避难时长分类", "避难时长", "时长分类")),
        Column("admin_level", gettext_lazy("Administrative level"), ("行政层级", "管理层级")),
        Column("division", gettext_lazy("Subdistrict or community"), ("所在街道/社区", "所在街道", "所在社区",
                                                                       "街道/社区")),
        Column("effective_area_m2", gettext_lazy("Effective area (m²)"), ("有效避难面积", "有效面积", "面积",
                                                                           "有效避难面积（平方米）")),
        Column("has_water", gettext_lazy("Water"), ("供水",), required=False),
        Column("has_power", gettext_lazy("Power"), ("供电",), required=False),
        Column("has_toilets", gettext_lazy("Toilets"), ("厕所",), required=False),
        Column("has_medical", gettext_lazy("Medical"), ("医疗救护", "医疗"), required=False),
        Column("has_supplies", gettext_lazy("Supplies"), ("物资储备", "物资"), required=False),
        Column("has_command", gettext_lazy("Command post"), ("应急指挥", "指挥"), required=False),
        Column("manager", gettext_lazy("Manager"), ("管理人", "负责人")),
        Column("manager_phone", gettext_lazy("Manager's phone"), ("管理人电话", "负责人电话", "联系电话")),
        Column("entrances", gettext_lazy("Entrances"), ("出入口",), required=False),
        Column("address", gettext_lazy("Address"), ("地址", "详细地址")),
        Column("latitude", gettext_lazy("Latitude (WGS-84)"), ("纬度", "Latitude")),
        Column("longitude", gettext_lazy("Longitude (WGS-84)"), ("经度", "Longitude")),
        Column("location_approximate", gettext_lazy("Location approximate"), ("位置为近似值", "近似位置"),
               required=False),
        Column("service_radius_m", gettext_lazy("Service radius (m)"), ("服务半径", "服务半径（米）"), required=False),
        Column("data_note", gettext_lazy("Data note"), ("数据说明", "备注"), required=False),
    )
    readonly_columns = (
        Column("capacity", gettext_lazy("Capacity"), ("可容纳人数", "容量")),
        Column("occupancy", gettext_lazy("Occupancy"), ("已安置人数",)),
        Column("available", gettext_lazy("Available places"), ("可用", "剩余容量", "可用床位")),
        Column("status", pgettext_lazy("shelter", "Status"), ("状态", "场所状态")),
    )

    def prepare(self, context: ImportContext) -> None:
        load_divisions(context, (Division.Level.SUBDISTRICT, Division.Level.COMMUNITY))
        context.state.update(
            kinds=choice_table(Shelter.Kind.choices, SHELTER_KIND_ZH),
            stay_classes=choice_table(Shelter.StayClass.choices, STAY_CLASS_ZH),
            admin_levels=choice_table(Shelter.AdminLevel.choices, ADMIN_LEVEL_ZH),
            known={(lookup_key(n), d) for n, d in Shelter.objects.filter(archived_at__isnull=True)
                   .values_list("name", "division_id")},
            seen=set(),
        )

    def _area(self, values, problems: list[str]) -> Decimal | None:
        label = self._label("effective_area_m2")
        text = cell_text(values.get("effective_area_m2")).replace(",", "").replace("，", "")
        if not text:
            self._empty("effective_area_m2", problems)
            return None
        try:
            area = Decimal(text)
        except InvalidOperation:
            area = None
        if area is None or not area.is_finite():
            problems.append(_("%(column)s must be a number, not “%(value)s”.") % {"column": label, "value": text})
            return None
        if area <= 0:
            problems.append(_("%(column)s must be above zero, not %(value)s.") % {"column": label, "value": text})
        elif area > MAX_AREA:
            problems.append(_("%(column)s must be at most %(max)s.") % {"column": label, "max": MAX_AREA})
        elif area != area.quantize(Decimal("0.1")):
            problems.append(_("%(column)s has at most one decimal place, not %(value)s.") % {
                "column": label, "value": text})
        else:
            return area
        return None

    def _indoor(self, values, problems: list[str]) -> bool:
        word = INDOOR_WORDS.get(lookup_key(cell_text(values.get("indoor"))))
        return word if word is not None else self._bool(values, "indoor", problems)

    def _radius(self, values, problems: list[str]) -> int:
        label = self._label("service_radius_m")
        try:
            radius = cell_int(values.get("service_radius_m"), label=label, minimum=0)
        except RowError as exc:
            problems.extend(exc.reasons)
            return 1000
        if radius is None:
            return 1000
        if radius > MAX_RADIUS_M:
            problems.append(_("%(column)s must be at most %(max)s.") % {"column": label, "max": MAX_RADIUS_M})
        return radius

    def clean_row(self, values: dict[str, Any], context: ImportContext) -> dict[str, Any]:
        problems: list[str] = []
        state = context.state
        cleaned: dict[str, Any] = {
            "name": self._text(values, "name", 200, problems, required=True),
            "kind": self._choice(values.get("kind"), state["kinds"], problems, key="kind", default=None),
            "indoor": self._indoor(values, problems),
            "stay_class": self._choice(values.get("stay_class"), state["stay_classes"], problems, key="stay_class",
                                       default=None),
            "admin_level": self._choice(values.get("admin_level"), state["admin_levels"], problems,
                                        key="admin_level", default=None),
            "division": self._division(values.get("division"), context, problems),
            "effective_area_m2": self._area(values, problems),
            **{f: self._bool(values, f, problems) for f in FACILITY_FIELDS},
            "manager": self._text(values, "manager", 50, problems, required=True),
            "manager_phone": self._phone(values, "manager_phone", problems, required=True, placeholder=True),
            "entrances": self._text(values, "entrances", 300, problems, required=False),
            "address": self._text(values, "address", 300, problems, required=True),
            "location_approximate": self._bool(values, "location_approximate", problems, default=True),
            "service_radius_m": self._radius(values, problems),
            "data_note": self._text(values, "data_note", 200, problems, required=False),
        }
        cleaned["latitude"], cleaned["longitude"] = self._required_location(values, problems)
        return self._finish(cleaned, context, problems, _("A shelter called %(name)s is already registered in "
                                                          "%(division)s; an import only adds new shelters."))


register_spec(ShelterImport())
