"""The regulated-enterprise registry, shared by dual prevention and law enforcement."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from emergency.core.models import BaseModel, Division
from emergency.lib import credit_code


def validate_credit_code(value: str) -> None:
    reason = credit_code.problem(value)
    messages = {
        "length": _("A unified social credit code has 18 characters."),
        "characters": _("The code may contain only digits and the letters A–Y except I, O, S, V, Z."),
        "check_digit": _("The check digit is wrong: the code is mistyped."),
    }
    if reason:
        raise ValidationError(messages[reason], code=reason)


class Industry(models.TextChoices):
    """GB/T 4754-2017 sections (门类)."""

    A = "A", _("Agriculture, forestry, animal husbandry and fishery")
    B = "B", _("Mining")
    C = "C", _("Manufacturing")
    D = "D", _("Electricity, heat, gas and water supply")
    E = "E", _("Construction")
    F = "F", _("Wholesale and retail")
    G = "G", _("Transport, storage and post")
    H = "H", _("Accommodation and catering")
    I = "I", _("Information technology services")  # noqa: E741 - the standard's own letter
    J = "J", _("Finance")
    K = "K", _("Real estate")
    L = "L", _("Leasing and business services")
    M = "M", _("Scientific research and technical services")
    N = "N", _("Water, environment and public facilities management")
    O = "O", _("Resident services and repairs")  # noqa: E741
    P = "P", _("Education")
    Q = "Q", _("Health and social work")
    R = "R", _("Culture, sports and entertainment")
    S = "S", _("Public administration and social organisations")
    T = "T", _("International organisations")


class Enterprise(BaseModel):
    class Standardisation(models.TextChoices):
        LEVEL1 = "level1", _("Level 1")
        LEVEL2 = "level2", _("Level 2")
        LEVEL3 = "level3", _("Level 3")
        SMALL = "small", _("Small and micro")
        NONE = "none", _("Not graded")

    class Category(models.TextChoices):
        A = "A", "A"
        B = "B", "B"
        C = "C", "C"
        D = "D", "D"

    name = models.CharField(_("name"), max_length=200)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, unique=True,
                                   validators=[validate_credit_code])
    industry = models.CharField(_("industry"), max_length=1, choices=Industry.choices)
    above_scale = models.BooleanField(_("above scale"), default=False)
    employees = models.PositiveIntegerField(_("employees"), default=0)
    division = models.ForeignKey(Division, on_delete=models.PROTECT, related_name="enterprises",
                                 verbose_name=_("subdistrict or community"))
    address = models.CharField(_("address"), max_length=300)
    latitude = models.FloatField(_("latitude (WGS-84)"), null=True, blank=True)
    longitude = models.FloatField(_("longitude (WGS-84)"), null=True, blank=True)
    legal_representative = models.CharField(_("legal representative"), max_length=50)
    principal = models.CharField(_("principal leader"), max_length=50, blank=True)
    principal_phone = models.CharField(_("principal's phone"), max_length=30, blank=True)
    safety_manager = models.CharField(_("safety manager"), max_length=50, blank=True)
    safety_manager_phone = models.CharField(_("safety manager's phone"), max_length=30, blank=True)
    hazardous_chemicals = models.BooleanField(_("hazardous chemicals"), default=False)
    major_hazard_source = models.BooleanField(_("major hazard source"), default=False)
    dust_explosion = models.BooleanField(_("dust explosion risk"), default=False)
    ammonia_refrigeration = models.BooleanField(_("ammonia refrigeration"), default=False)
    confined_space = models.BooleanField(_("confined space"), default=False)
    standardisation = models.CharField(_("safety standardisation level"), max_length=8,
                                       choices=Standardisation.choices, default=Standardisation.NONE)
    enforcement_category = models.CharField(_("enforcement category"), max_length=1, choices=Category.choices,
                                            default=Category.C)
    is_synthetic = models.BooleanField(_("synthetic demo data"), default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        indexes = [models.Index(fields=["division", "industry"])]

    def __str__(self) -> str:
        return self.name

    @property
    def subdistrict(self) -> Division | None:
        return self.division.subdistrict if self.division.level != "subdistrict" else self.division

    FLAG_FIELDS = ("hazardous_chemicals", "major_hazard_source", "dust_explosion", "ammonia_refrigeration",
                   "confined_space")


class SectorSupervision(BaseModel):
    """Which line department supervises the safety of an industry (管行业必须管安全). Data the bureau edits, not
    code: the department's users then see that industry's enterprises, risk points and hazards (core.scoping)."""

    industry = models.CharField(_("industry"), max_length=1, choices=Industry.choices)
    department = models.ForeignKey("core.Department", on_delete=models.PROTECT, related_name="sectors",
                                   verbose_name=_("supervising department"))
    source = models.CharField(_("source"), max_length=300)
    history = HistoricalRecords()

    class Meta:
        ordering = ["industry", "department__name"]
        verbose_name = _("sector supervision")
        verbose_name_plural = _("sector supervision")
        constraints = [models.UniqueConstraint(fields=["industry", "department"],
                                               condition=models.Q(archived_at__isnull=True),
                                               name="one_live_sector_per_department")]

    def __str__(self) -> str:
        return f"{self.get_industry_display()} → {self.department}"
