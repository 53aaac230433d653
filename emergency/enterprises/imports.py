"""Importing enterprises from a spreadsheet (the register `enterprises`); the ledger export uses the same columns,
so an exported ledger can be edited and imported again."""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from emergency.core.imports.registry import (
    Column,
    ImportContext,
    ImportSpec,
    RowError,
    cell_bool,
    cell_float,
    cell_int,
    cell_text,
    register_spec,
)
from emergency.core.models import Division
from emergency.lib.geo import out_of_china

from . import selectors, services
from .models import Enterprise, Industry, validate_credit_code

PHONE_RE = re.compile(r"^[0-9+\-() ]{3,30}$")

# GB/T 4754-2017 section names as people type them (the UI labels are English source strings).
INDUSTRY_NAMES_ZH = {
    "A": "农、林、牧、渔业", "B": "采矿业", "C": "制造业", "D": "电力、热力、燃气及水生产和供应业",
    "E": "建筑业", "F": "批发和零售业", "G": "交通运输、仓储和邮政业", "H": "住宿和餐饮业",
    "I": "信息传输、软件和信息技术服务业", "J": "金融业", "K": "房地产业", "L": "租赁和商务服务业",
    "M": "科学研究和技术服务业", "N": "水利、环境和公共设施管理业", "O": "居民服务、修理和其他服务业",
    "P": "教育", "Q": "卫生和社会工作", "R": "文化、体育和娱乐业", "S": "公共管理、社会保障和社会组织",
    "T": "国际组织",
}
STANDARDISATION_ZH = {
    "一级": "level1", "二级": "level2", "三级": "level3", "小微": "small", "小微企业": "small",
    "未定级": "none", "未评级": "none", "无": "none",
}
FLAG_COLUMNS = (
    Column("hazardous_chemicals", gettext_lazy("Hazardous chemicals"), ("危化品", "危险化学品"), required=False),
    Column("major_hazard_source", gettext_lazy("Major hazard source"), ("重大危险源",), required=False),
    Column("dust_explosion", gettext_lazy("Dust explosion risk"), ("粉尘涉爆",), required=False),
    Column("ammonia_refrigeration", gettext_lazy("Ammonia refrigeration"), ("涉氨制冷",), required=False),
    Column("confined_space", gettext_lazy("Confined space"), ("有限空间",), required=False),
)
TEXT_LIMITS = {"name": 200, "address": 300, "legal_representative": 50, "principal": 50, "safety_manager": 50}


def _key(text: str) -> str:
    """Compare names ignoring spaces, case and the punctuation people vary (、,，)."""
    return re.sub(r"[\s、,，]", "", text).casefold()


def _labels_in_every_language(choices) -> dict[str, str]:
    table: dict[str, str] = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            for value, label in choices:
                table.setdefault(_key(str(label)), value)
    return table


class EnterpriseImport(ImportSpec):
    name = "enterprises"
    title = gettext_lazy("Enterprises")
    unique_key = "credit_code"
    list_url_name = "enterprises:list"
    columns = (
        Column("name", gettext_lazy("Enterprise name"), ("企业名称",)),
        Column("credit_code", gettext_lazy("Unified social credit code"), ("统一社会信用代码", "信用代码")),
        Column("industry", gettext_lazy("Industry section"), ("行业门类", "行业")),
        Column("above_scale", gettext_lazy("Above scale"), ("规模以上", "规上企业")),
        Column("employees", gettext_lazy("Employees"), ("从业人员", "从业人数"), required=False),
        Column("division", gettext_lazy("Subdistrict or community"), ("所在街道/社区", "所在街道", "所在社区")),
        Column("address", gettext_lazy("Address"), ("地址",)),
        Column("latitude", gettext_lazy("Latitude"), ("纬度",), required=False),
        Column("longitude", gettext_lazy("Longitude"), ("经度",), required=False),
        Column("legal_representative", gettext_lazy("Legal representative"), ("法定代表人",)),
        Column("principal", gettext_lazy("Principal leader"), ("主要负责人",), required=False),
        Column("principal_phone", gettext_lazy("Principal's phone"), ("主要负责人电话",), required=False),
        Column("safety_manager", gettext_lazy("Safety manager"), ("安全管理人员",), required=False),
        Column("safety_manager_phone", gettext_lazy("Safety manager's phone"), ("安全管理人员电话",),
               required=False),
        *FLAG_COLUMNS,
        Column("standardisation", gettext_lazy("Safety standardisation level"), ("标准化等级",), required=False),
        Column("enforcement_category", gettext_lazy("Enforcement category"), ("执法分类",), required=False),
        Column("is_synthetic", gettext_lazy("Synthetic"), ("虚构数据", "虚构"), required=False),
    )

    def who_may_import(self, user) -> bool:
        return selectors.may_create(user)

    def prepare(self, context: ImportContext) -> None:
        # A fixed number of queries per pass, whatever the file's length.
        divisions = list(Division.objects.filter(
            archived_at__isnull=True, level__in=[Division.Level.SUBDISTRICT, Division.Level.COMMUNITY])
            .values_list("pk", "code", "name"))
        by_name: dict[str, list[tuple[int, str]]] = {}
        for pk, code, name in divisions:
            by_name.setdefault(_key(name), []).append((pk, code))
        context.state.update(
            by_code={code: pk for pk, code, _name in divisions},
            by_name=by_name,
            names={pk: f"{code} {name}" for pk, code, name in divisions},
            in_scope=set(selectors.choosable_divisions(context.user).values_list("pk", flat=True)),
            db_codes=set(Enterprise.objects.values_list("credit_code", flat=True)),
            file_codes=set(),
            industries={**{_key(v): k for k, v in INDUSTRY_NAMES_ZH.items()},
                        **_labels_in_every_language(Industry.choices)},
            standardisation={**_labels_in_every_language(Enterprise.Standardisation.choices),
                             **{_key(k): v for k, v in STANDARDISATION_ZH.items()}},
            division_objects={},
        )

    # Cells --------------------------------------------------------------------------------------

    def _credit_code(self, raw: Any, seen: set[str]) -> str:
        code = "".join(cell_text(raw).split()).upper()
        if not code:
            raise RowError(_("The unified social credit code is empty."))
        try:
            validate_credit_code(code)
        except ValidationError as exc:
            raise RowError(_("Credit code %(code)s: %(reason)s") % {"code": code, "reason": " ".join(exc.messages)}
                           ) from None
        if code in seen:
            raise RowError(_("The credit code %(code)s appears earlier in the file.") % {"code": code})
        return code

    def _industry(self, raw: Any, context: ImportContext) -> str:
        text = cell_text(raw)
        letter = text[:1].upper()
        if letter in Industry.values and (len(text) == 1 or not text[1].isascii() or not text[1].isalpha()):
            return letter
        found = context.state["industries"].get(_key(text))
        if found:
            return found
        raise RowError(_("The industry must be a GB/T 4754 section letter (A–T) or its name, not “%(value)s”.")
                       % {"value": text})

    def _division(self, raw: Any, context: ImportContext) -> int:
        state = context.state
        text = cell_text(raw)
        if not text:
            raise RowError(_("The subdistrict or community is empty."))
        first = text.split()[0]
        pk = state["by_code"].get(text) or state["by_code"].get(first)
        if pk is None:
            matches = state["by_name"].get(_key(text), [])
            if len(matches) > 1:
                raise RowError(_("Several divisions are called “%(value)s”; give the division code instead.")
                               % {"value": text})
            pk = matches[0][0] if matches else None
        if pk is None:
            raise RowError(_("“%(value)s” is not a subdistrict or community of the district (give its code or "
                             "name).") % {"value": text})
        if pk not in state["in_scope"]:
            raise RowError(_("%(value)s is outside your jurisdiction.") % {"value": text})
        return pk

    def _choice(self, raw: Any, table: dict[str, str], *, default: str, message: str) -> str:
        text = cell_text(raw)
        if not text:
            return default
        found = table.get(_key(text))
        if found is None:
            raise RowError(message % {"value": text})
        return found

    # The row ------------------------------------------------------------------------------------

    def clean_row(self, values: dict[str, Any], context: ImportContext) -> dict[str, Any]:
        problems: list[str] = []

        def take(fn, *args, **kwargs):
            try:
                return fn(*args, **kwargs)
            except RowError as exc:
                problems.extend(exc.reasons)
                return None

        state = context.state
        cleaned: dict[str, Any] = {}
        for key, limit in TEXT_LIMITS.items():
            text = cell_text(values.get(key))
            if key in ("name", "address", "legal_representative") and not text:
                problems.append(_("%(column)s is empty.") % {"column": self._label(key)})
            elif len(text) > limit:
                problems.append(_("%(column)s is longer than %(n)d characters.") % {
                    "column": self._label(key), "n": limit})
            cleaned[key] = text
        code = take(self._credit_code, values.get("credit_code"), state["file_codes"])
        if code and code in state["db_codes"]:
            problems.append(_("The credit code %(code)s is already registered.") % {"code": code})
        cleaned["credit_code"] = code
        cleaned["industry"] = take(self._industry, values.get("industry"), context)
        cleaned["division"] = take(self._division, values.get("division"), context)
        cleaned["division_text"] = state["names"].get(cleaned["division"], "")
        for key in ("above_scale", "is_synthetic", *(c.key for c in FLAG_COLUMNS)):
            cleaned[key] = bool(take(cell_bool, values.get(key), label=self._label(key)))
        cleaned["employees"] = take(cell_int, values.get("employees"), label=self._label("employees"), minimum=0) or 0
        latitude = take(cell_float, values.get("latitude"), label=self._label("latitude"), minimum=-90, maximum=90)
        longitude = take(cell_float, values.get("longitude"), label=self._label("longitude"),
                         minimum=-180, maximum=180)
        if bool(cell_text(values.get("latitude"))) != bool(cell_text(values.get("longitude"))):
            problems.append(_("Give both latitude and longitude, or neither."))
        elif latitude is not None and longitude is not None and out_of_china(longitude, latitude):
            problems.append(_("The point %(lat)s, %(lng)s is outside China; are latitude and longitude swapped?")
                            % {"lat": latitude, "lng": longitude})
        cleaned["latitude"], cleaned["longitude"] = latitude, longitude
        for key in ("principal_phone", "safety_manager_phone"):
            phone = cell_text(values.get(key))
            if phone and not PHONE_RE.match(phone):
                problems.append(_("%(column)s “%(value)s” is not a phone number.") % {
                    "column": self._label(key), "value": phone})
            cleaned[key] = phone
        cleaned["standardisation"] = take(
            self._choice, values.get("standardisation"), state["standardisation"],
            default=Enterprise.Standardisation.NONE,
            message=_("The standardisation level must be 一级, 二级, 三级, 小微 or 未定级, not “%(value)s”."))
        cleaned["enforcement_category"] = take(
            self._choice, values.get("enforcement_category"), {c.casefold(): c for c in "ABCD"},
            default=Enterprise.Category.C, message=_("The enforcement category must be A, B, C or D, not “%(value)s”."))
        if problems:
            raise RowError(*problems)
        state["file_codes"].add(code)
        return cleaned

    def _label(self, key: str) -> str:
        return next(str(c.label) for c in self.columns if c.key == key)

    def display_row(self, cleaned: dict[str, Any]) -> list[str]:
        data = {k: v for k, v in cleaned.items() if k in services.FIELDS and k != "division"}
        return [cell_text(v) for v in ledger_values(Enterprise(**data), division_text=cleaned["division_text"])]

    def commit_row(self, cleaned: dict[str, Any], acting_user, context: ImportContext) -> Enterprise:
        divisions: dict[int, Division] = context.state["division_objects"]
        pk = cleaned["division"]
        if pk not in divisions:
            divisions[pk] = Division.objects.get(pk=pk)
        data = {k: v for k, v in cleaned.items() if k in services.FIELDS}
        return services.enterprise_create(acting_user=acting_user, **dict(data, division=divisions[pk]))


def ledger_headers() -> list[str]:
    return [str(c.label) for c in EnterpriseImport.columns]


def ledger_values(e: Enterprise, *, division_text: str | None = None) -> list[Any]:
    """One ledger row in the column order of the import, readable and importable again."""
    yes, no = _("Yes"), _("No")
    division = division_text if division_text is not None else f"{e.division.code} {e.division.name}"
    flags = [yes if getattr(e, c.key) else no for c in FLAG_COLUMNS]
    return [e.name, e.credit_code, e.get_industry_display(), yes if e.above_scale else no, e.employees, division,
            e.address, e.latitude, e.longitude, e.legal_representative, e.principal, e.principal_phone,
            e.safety_manager, e.safety_manager_phone, *flags, e.get_standardisation_display(),
            e.enforcement_category, yes if e.is_synthetic else no]


register_spec(EnterpriseImport())
