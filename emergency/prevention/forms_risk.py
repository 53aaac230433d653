"""Forms of risk points, assessments and phone checks. They only check input; the services write (and
re-check) everything."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from emergency.core.rules import rule_value
from emergency.enterprises.models import Enterprise

from .models import ControlLevel, ControlMeasure, RiskPoint
from .selectors import RiskPointLedgerFilter

LS_TABLES = [("ls_a", _("ls_a (default): 20–25 major; 9–16 significant; 4–8 general; 1–3 low")),
             ("ls_b", _("ls_b (DB37/T 2882 style): 20–25 major; 15–16 significant; 9–12 general; 1–8 low"))]
BLANK = [("", "---------")]


class RiskPointFilter(RiskPointLedgerFilter):
    """The ledger's filters (subdistrict, industry, level, kind, control level, enterprise) and its search (the
    point's name or its enterprise's)."""

    q = django_filters.CharFilter(method="search", label=_("Search"))
    search_fields = ("name", "enterprise__name")

    class Meta(RiskPointLedgerFilter.Meta):
        pass


class EnterpriseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Enterprise) -> str:
        return obj.name


class RiskPointForm(forms.Form):
    enterprise = EnterpriseChoiceField(label=_("Enterprise"), queryset=Enterprise.objects.none())
    name = forms.CharField(label=_("Name"), max_length=200,
                           help_text=_("The area, facility or operation, e.g. \"tank farm\" or \"hot work\"."))
    kind = forms.ChoiceField(label=_("Kind"), choices=[*BLANK, *RiskPoint.Kind.choices])
    location = forms.CharField(label=_("Location"), max_length=200, required=False)
    control_level = forms.TypedChoiceField(label=_("Control level"), choices=[*BLANK, *ControlLevel.choices],
                                           coerce=int, help_text=_("Who controls this risk. It is also checked at "
                                                                   "every level below."))
    responsible_person = forms.CharField(label=_("Responsible person"), max_length=50)
    responsible_phone = forms.CharField(label=_("Responsible person's phone"), max_length=30, required=False)

    def __init__(self, *args, enterprises, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = enterprises


class HazardFactorForm(forms.Form):
    code = forms.RegexField(label=_("GB/T 13861 code"), max_length=12, regex=r"^[1-4][0-9.]*$",
                            error_messages={"invalid": _("A GB/T 13861 code starts with 1 (human), 2 (object), "
                                                         "3 (environment) or 4 (management), followed by digits.")},
                            help_text=_("e.g. 2101 (equipment defect), 4101 (organisational structure defect)"))
    description = forms.CharField(label=_("Description"), max_length=300)


class ControlMeasureForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=[*BLANK, *ControlMeasure.Kind.choices])
    description = forms.CharField(label=_("Measure"), max_length=300)
    check_item = forms.CharField(label=_("What to check"), max_length=300, required=False,
                                 help_text=_("The checklist item an inspector marks pass or fail. Empty: the "
                                             "measure itself."))


def _values(values) -> list[tuple[str, str]]:
    return [*BLANK, *((str(v), str(v)) for v in values)]


class RiskAssessForm(forms.Form):
    """LEC (L, E, C from the rules table) or LS (L, S from 1 to 5, on table ls_a or ls_b)."""

    method = forms.ChoiceField(label=_("Method"), choices=[("lec", _("LEC (D = L × E × C)")),
                                                           ("ls", _("LS matrix (R = L × S)"))],
                               widget=forms.RadioSelect, initial="lec")
    l = forms.ChoiceField(label=_("L — likelihood"), required=False)  # noqa: E741 - the method's own letter
    e = forms.ChoiceField(label=_("E — exposure"), required=False)
    c = forms.ChoiceField(label=_("C — consequence"), required=False)
    ls_l = forms.ChoiceField(label=_("L — likelihood (1–5)"), required=False, choices=_values(range(1, 6)))
    s = forms.ChoiceField(label=_("S — severity (1–5)"), required=False, choices=_values(range(1, 6)))
    table = forms.ChoiceField(label=_("LS table"), choices=LS_TABLES, initial="ls_a", required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    LEC_FIELDS = ("l", "e", "c")
    LS_FIELDS = ("ls_l", "s")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = rule_value("prevention.lec_values")
        for name in self.LEC_FIELDS:
            self.fields[name].choices = _values(allowed[name])

    def clean(self):
        data = super().clean()
        method = data.get("method")
        needed = self.LEC_FIELDS if method == "lec" else self.LS_FIELDS if method == "ls" else ()
        for name in needed:
            if not data.get(name) and name not in self.errors:
                self.add_error(name, _("Choose a value."))
        return data

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        if d["method"] == "lec":
            return {"method": "lec", "l": d["l"], "e": d["e"], "c": d["c"], "note": d["note"]}
        return {"method": "ls", "l": d["ls_l"], "s": d["s"], "table": d["table"] or "ls_a", "note": d["note"]}


RESULT_CHOICES = [("pass", _("Pass")), ("fail", _("Fail"))]


class InspectionForm(forms.Form):
    """One pass/fail choice, an optional note and an optional photo per checklist item (control measure)."""

    def __init__(self, *args, measures, **kwargs):
        super().__init__(*args, **kwargs)
        self.measures = list(measures)
        for m in self.measures:
            self.fields[f"r_{m.pk}"] = forms.ChoiceField(
                label=m.check_item, choices=RESULT_CHOICES, widget=forms.RadioSelect,
                error_messages={"required": _("Mark this item pass or fail.")})
            self.fields[f"n_{m.pk}"] = forms.CharField(label=_("Note"), max_length=300, required=False)
            self.fields[f"p_{m.pk}"] = forms.ImageField(
                label=_("Photo"), required=False,
                widget=forms.FileInput(attrs={"accept": "image/*", "capture": "environment"}))

    def items(self) -> list[dict]:
        return [{"measure": m, "result": self[f"r_{m.pk}"], "note": self[f"n_{m.pk}"], "photo": self[f"p_{m.pk}"]}
                for m in self.measures]

    def results(self) -> dict[int, tuple[bool, str]]:
        d = self.cleaned_data
        return {m.pk: (d[f"r_{m.pk}"] == "pass", d[f"n_{m.pk}"]) for m in self.measures}

    def photos(self) -> dict:
        return {m.pk: self.cleaned_data[f"p_{m.pk}"] for m in self.measures if self.cleaned_data.get(f"p_{m.pk}")}
