"""The register imports of rescue teams (`teams`), experts (`experts`) and equipment (`equipment`). The
exports use the same columns (the `*_values` functions), so an exported register can be edited and imported
again; the equipment export appends the status, which the import recognises and ignores.

An equipment row names its holder: a team by its exact name, a warehouse as the exports and the warehouse
pickers write it ("name · #id"), by its id or by a unique exact name; a holder the user may not manage is a
row error. New equipment starts in service: the status is a read-only export column, and
`services.equipment_create` writes the first status-log row."""

from __future__ import annotations

import re
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

from ..shared.imports import ResourceImport, choice_table, lookup_key, yes_no
from ..shared.services import is_bureau, may_manage
from ..stock.imports import LookupImport, warehouse_text
from . import services as svc
from .models import EXPERT_FIELDS, Equipment, Expert, RescueTeam

FIELD_SPLIT_RE = re.compile(r"[、,，;；/|]+")  # not spaces: "Work safety" is one field
EXPERT_FIELDS_ZH = {"防汛抗旱": "flood_drought", "减灾": "disaster_reduction", "综合减灾": "disaster_reduction",
                    "地质灾害": "geological", "地质": "geological", "地震": "earthquake", "安全生产": "work_safety"}
TEAM_KIND_ZH = {"综合": "comprehensive", "综合性": "comprehensive", "专业": "professional", "基层": "grassroots",
                "社会力量": "social", "社会": "social"}
SPECIALTY_ZH = {"危化品": "hazardous_chemicals", "危险化学品": "hazardous_chemicals", "防汛": "flood", "洪涝": "flood",
                "地震地质": "earthquake_geological", "地震和地质": "earthquake_geological", "建筑施工": "building_works",
                "其他": "other"}
READINESS_ZH = {"待命": "standby", "出动": "deployed", "已出动": "deployed", "不可用": "unavailable"}
HOLDER_KINDS = (("team", gettext_lazy("Team")), ("warehouse", gettext_lazy("Warehouse")))
HOLDER_ZH = {"队伍": "team", "救援队伍": "team", "救援队": "team", "应急队伍": "team",
             "仓库": "warehouse", "储备库": "warehouse", "物资库": "warehouse", "库房": "warehouse"}
MAX_EQUIPMENT = 1_000_000  # as the equipment form


class TeamImport(ResourceImport):
    name = "teams"
    title = gettext_lazy("Rescue teams")
    unique_key = "name"
    list_url_name = "resources:team_list"
    columns = (
        Column("name", gettext_lazy("Team name"), ("队伍名称",)),
        Column("kind", gettext_lazy("Team kind"), ("队伍类别", "类别")),
        Column("specialty", gettext_lazy("Specialty"), ("专业类型", "专业"), required=False),
        Column("owner_unit", gettext_lazy("Owner unit"), ("所属单位", "主管单位")),
        Column("division", gettext_lazy("District, subdistrict or community"), ("所在区/街道/社区", "所在街道/社区",
                                                                                 "所在街道")),
        Column("leader", gettext_lazy("Leader"), ("负责人", "队长")),
        Column("duty_phone", gettext_lazy("24-hour duty phone"), ("24小时值班电话", "值班电话")),
        Column("base_address", gettext_lazy("Base address"), ("驻地地址", "驻地"), required=False),
        Column("latitude", gettext_lazy("Latitude"), ("纬度",), required=False),
        Column("longitude", gettext_lazy("Longitude"), ("经度",), required=False),
        Column("service_area", gettext_lazy("Service area"), ("服务范围",), required=False),
        Column("readiness", gettext_lazy("Readiness"), ("战备状态", "状态"), required=False),
        Column("incentive_note", gettext_lazy("Incentives and constraints"), ("激励约束",), required=False),
        Column("is_synthetic", gettext_lazy("Synthetic"), ("虚构数据", "虚构"), required=False),
    )

    def who_may_import(self, user) -> bool:
        return svc.may_create_team(user)

    def prepare(self, context: ImportContext) -> None:
        divisions = list(Division.objects.filter(archived_at__isnull=True, level__in=svc.TEAM_DIVISION_LEVELS)
                         .values_list("pk", "code", "name"))
        by_name: dict[str, list[int]] = {}
        for pk, _code, name in divisions:
            by_name.setdefault(lookup_key(name), []).append(pk)
        context.state.update(
            by_code={code: pk for pk, code, _n in divisions}, by_name=by_name,
            names={pk: f"{code} {name}" for pk, code, name in divisions},
            in_scope=set(svc.team_divisions_for(context.user).values_list("pk", flat=True)),
            db_names={lookup_key(n) for n in RescueTeam.objects.filter(archived_at__isnull=True)
                      .values_list("name", flat=True)},
            kinds=choice_table(RescueTeam.Kind.choices, TEAM_KIND_ZH),
            specialties=choice_table(RescueTeam.Specialty.choices, SPECIALTY_ZH),
            readiness=choice_table(RescueTeam.Readiness.choices, READINESS_ZH),
            division_objects={},
        )

    def clean_row(self, values: dict[str, Any], context: ImportContext) -> dict[str, Any]:
        problems: list[str] = []
        state = context.state
        cleaned = {
            "name": self._text(values, "name", 200, problems, required=True),
            "owner_unit": self._text(values, "owner_unit", 200, problems, required=True),
            "leader": self._text(values, "leader", 50, problems, required=True),
            "base_address": self._text(values, "base_address", 300, problems, required=False),
            "service_area": self._text(values, "service_area", 300, problems, required=False),
            "incentive_note": self._text(values, "incentive_note", 4000, problems, required=False),
            "duty_phone": self._phone(values, "duty_phone", problems, required=True),
            "kind": self._choice(values.get("kind"), state["kinds"], problems, key="kind", default=None),
            "specialty": self._choice(values.get("specialty"), state["specialties"], problems, key="specialty",
                                      default=RescueTeam.Specialty.OTHER),
            "readiness": self._choice(values.get("readiness"), state["readiness"], problems, key="readiness",
                                      default=RescueTeam.Readiness.STANDBY),
            "division": self._division(values.get("division"), context, problems),
            "is_synthetic": self._bool(values, "is_synthetic", problems),
        }
        cleaned["latitude"], cleaned["longitude"] = self._location(values, problems)
        if cleaned["name"] and lookup_key(cleaned["name"]) in state["db_names"]:
            problems.append(_("A team called %(name)s is already registered.") % {"name": cleaned["name"]})
        if problems:
            raise RowError(*problems)
        cleaned["division_text"] = state["names"][cleaned["division"]]
        return cleaned

    def display_row(self, cleaned: dict[str, Any]) -> list[str]:
        team = RescueTeam(**{k: v for k, v in cleaned.items() if k in svc.TEAM_FIELDS and k != "division"})
        team.readiness = cleaned["readiness"]
        return [cell_text(v) for v in team_values(team, division_text=cleaned["division_text"])]

    def commit_row(self, cleaned: dict[str, Any], acting_user, context: ImportContext) -> RescueTeam:
        divisions = context.state["division_objects"]
        pk = cleaned["division"]
        if pk not in divisions:
            divisions[pk] = Division.objects.get(pk=pk)
        data = {k: v for k, v in cleaned.items() if k in svc.TEAM_FIELDS}
        team = svc.team_create(acting_user=acting_user, **dict(data, division=divisions[pk]))
        if cleaned["readiness"] != team.readiness:
            team = svc.team_set_readiness(acting_user=acting_user, team=team, readiness=cleaned["readiness"],
                                          note=_("Imported"))
        return team


def team_values(t: RescueTeam, *, division_text: str | None = None) -> list[Any]:
    division = division_text if division_text is not None else f"{t.division.code} {t.division.name}"
    return [t.name, t.get_kind_display(), t.get_specialty_display(), t.owner_unit, division, t.leader, t.duty_phone,
            t.base_address, t.latitude, t.longitude, t.service_area, t.get_readiness_display(), t.incentive_note,
            yes_no(t.is_synthetic)]


class ExpertImport(ResourceImport):
    name = "experts"
    title = gettext_lazy("Experts")
    list_url_name = "resources:expert_list"
    columns = (
        Column("name", gettext_lazy("Name"), ("姓名",)),
        Column("fields", gettext_lazy("Fields"), ("专业领域", "领域")),
        Column("title", gettext_lazy("Title"), ("职称",), required=False),
        Column("unit", gettext_lazy("Unit"), ("工作单位", "单位"), required=False),
        Column("phone", gettext_lazy("Phone"), ("联系电话", "电话")),
        Column("available", gettext_lazy("Available"), ("是否可用", "可用"), required=False),
        Column("latitude", gettext_lazy("Latitude"), ("纬度",), required=False),
        Column("longitude", gettext_lazy("Longitude"), ("经度",), required=False),
        Column("is_synthetic", gettext_lazy("Synthetic"), ("虚构数据", "虚构"), required=False),
    )

    def who_may_import(self, user) -> bool:
        return is_bureau(user)

    def prepare(self, context: ImportContext) -> None:
        context.state.update(
            fields=choice_table([(code, label) for _a, code, label in EXPERT_FIELDS], EXPERT_FIELDS_ZH),
            known={(lookup_key(n), p.strip()) for n, p in Expert.objects.filter(archived_at__isnull=True)
                   .values_list("name", "phone")},
            seen=set(),
        )

    def _fields(self, raw, context: ImportContext, problems: list[str]) -> list[str]:
        text = cell_text(raw)
        codes: list[str] = []
        for part in filter(None, FIELD_SPLIT_RE.split(text)):
            code = context.state["fields"].get(lookup_key(part))
            if code is None:
                problems.append(_("“%(value)s” is not one of the five fields (防汛抗旱、减灾、地质灾害、地震、安全生产).")
                                % {"value": part})
            elif code not in codes:
                codes.append(code)
        if not text:
            self._empty("fields", problems)
        return codes

    def clean_row(self, values: dict[str, Any], context: ImportContext) -> dict[str, Any]:
        problems: list[str] = []
        cleaned: dict[str, Any] = {
            "name": self._text(values, "name", 50, problems, required=True),
            "title": self._text(values, "title", 100, problems, required=False),
            "unit": self._text(values, "unit", 200, problems, required=False),
            "phone": self._phone(values, "phone", problems, required=True),
            "available": self._bool(values, "available", problems, default=True),
            "is_synthetic": self._bool(values, "is_synthetic", problems),
        }
        codes = self._fields(values.get("fields"), context, problems)
        for attr, code, _label in EXPERT_FIELDS:
            cleaned[attr] = code in codes
        cleaned["latitude"], cleaned["longitude"] = self._location(values, problems)
        ident = (lookup_key(cleaned["name"]), cleaned["phone"])
        if cleaned["name"] and ident in context.state["known"]:
            problems.append(_("%(name)s with this phone is already registered.") % {"name": cleaned["name"]})
        elif cleaned["name"] and ident in context.state["seen"]:
            problems.append(_("%(name)s with this phone appears earlier in the file.") % {"name": cleaned["name"]})
        if problems:
            raise RowError(*problems)
        context.state["seen"].add(ident)
        return cleaned

    def display_row(self, cleaned: dict[str, Any]) -> list[str]:
        return [cell_text(v) for v in expert_values(Expert(**cleaned))]

    def commit_row(self, cleaned: dict[str, Any], acting_user, context: ImportContext) -> Expert:
        return svc.expert_create(acting_user=acting_user, **cleaned)


def expert_values(e: Expert) -> list[Any]:
    return [e.name, "、".join(e.field_labels), e.title, e.unit, e.phone, yes_no(e.available), e.latitude,
            e.longitude, yes_no(e.is_synthetic)]


class EquipmentImport(LookupImport):
    name = "equipment"
    title = gettext_lazy("Equipment")
    list_url_name = "resources:equipment_list"
    columns = (
        Column("name", gettext_lazy("Name"), ("装备名称", "名称")),
        Column("model_spec", gettext_lazy("Model / specification"), ("规格型号", "型号规格", "型号", "规格"),
               required=False),
        Column("quantity", gettext_lazy("Quantity"), ("数量",)),
        Column("holder_kind", gettext_lazy("Held by"), ("持有方", "持有类型", "存放于")),
        Column("holder", gettext_lazy("Team or warehouse"), ("队伍/仓库", "队伍或仓库", "所属队伍/仓库", "持有单位")),
    )
    readonly_columns = (
        Column("status", pgettext_lazy("equipment", "Status"), ("状态", "装备状态")),
    )

    def who_may_import(self, user) -> bool:
        return svc.may_create_equipment(user)

    def prepare(self, context: ImportContext) -> None:
        context.state.update(holder_kinds=choice_table(HOLDER_KINDS, HOLDER_ZH), teams={}, warehouses={})

    def _team(self, text: str, context: ImportContext, problems: list[str], *, key: str) -> RescueTeam | None:
        cache = context.state.setdefault("teams", {})
        if text not in cache:
            cache[text] = list(RescueTeam.objects.filter(archived_at__isnull=True, name=text)
                               .select_related("division")[:2])
        return self._one(cache[text], text, key, problems,
                         missing=_("%(column)s: no registered team is called “%(value)s”."),
                         several=_("%(column)s: several teams are called “%(value)s”."))

    def _quantity(self, values, problems: list[str]) -> int | None:
        label = self._label("quantity")
        try:
            quantity = cell_int(values.get("quantity"), label=label, minimum=1)
        except RowError as exc:
            problems.extend(exc.reasons)
            return None
        if quantity is None:
            self._empty("quantity", problems)
        elif quantity > MAX_EQUIPMENT:
            problems.append(_("%(column)s must be at most %(max)s.") % {"column": label, "max": MAX_EQUIPMENT})
            return None
        return quantity

    def _holder(self, values, context: ImportContext, problems: list[str]) -> tuple[str | None, Any]:
        kind = self._choice(values.get("holder_kind"), context.state["holder_kinds"], problems, key="holder_kind",
                            default=None)
        text = cell_text(values.get("holder"))
        if not text:
            self._empty("holder", problems)
            return kind, None
        if kind == "team":
            holder = self._team(text, context, problems, key="holder")
        elif kind == "warehouse":
            holder = self._warehouse(text, context, problems, key="holder")
        else:
            return kind, None
        if holder is not None and not may_manage(context.user, holder):
            problems.append(_("%(value)s is outside your jurisdiction.") % {"value": text})
            return kind, None
        return kind, holder

    def clean_row(self, values: dict[str, Any], context: ImportContext) -> dict[str, Any]:
        problems: list[str] = []
        cleaned: dict[str, Any] = {
            "name": self._text(values, "name", 200, problems, required=True),
            "model_spec": self._text(values, "model_spec", 200, problems, required=False),
            "quantity": self._quantity(values, problems),
        }
        kind, holder = self._holder(values, context, problems)
        if problems:
            raise RowError(*problems)
        cleaned["team"] = holder if kind == "team" else None
        cleaned["warehouse"] = holder if kind == "warehouse" else None
        return cleaned

    def display_row(self, cleaned: dict[str, Any]) -> list[str]:
        return [cell_text(v) for v in equipment_values(Equipment(**cleaned))]

    def commit_row(self, cleaned: dict[str, Any], acting_user, context: ImportContext) -> Equipment:
        return self._create(svc.equipment_create, acting_user, **cleaned)


def equipment_values(e: Equipment) -> list[Any]:
    """The importable columns of a piece of equipment, in EquipmentImport.columns order (the export adds the
    status). Needs team and warehouse loaded."""
    if e.team_id:
        return [e.name, e.model_spec, e.quantity, _("Team"), e.team.name]
    return [e.name, e.model_spec, e.quantity, _("Warehouse"), warehouse_text(e.warehouse)]


register_spec(TeamImport())
register_spec(ExpertImport())
register_spec(EquipmentImport())
