"""Shelters (GB 21734) and who stays in them. Capacity, occupancy and available places are computed
(`shelters.services`, `shelters.selectors`); the status moves only through the transitions below."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import FSMField, transition
from simple_history.models import HistoricalRecords

from emergency.core.models import BaseModel, Division

__all__ = ["FACILITY_FIELDS", "Shelter", "ShelterStay"]


class Shelter(BaseModel):
    class Kind(models.TextChoices):
        EMERGENCY = "emergency", pgettext_lazy("shelter kind", "Emergency")
        FIXED = "fixed", pgettext_lazy("shelter kind", "Fixed")
        CENTRAL = "central", pgettext_lazy("shelter kind", "Central")

    class StayClass(models.TextChoices):
        I = "I", "Ⅰ"  # noqa: E741 - the standard's numeral
        II = "II", "Ⅱ"
        III = "III", "Ⅲ"

    class AdminLevel(models.TextChoices):
        DISTRICT = "district", _("District")
        SUBDISTRICT = "subdistrict", _("Subdistrict")
        COMMUNITY = "community", _("Community")

    class Status(models.TextChoices):
        STANDBY = "standby", pgettext_lazy("shelter", "Standby")
        OPEN = "open", pgettext_lazy("shelter", "Open")
        FULL = "full", pgettext_lazy("shelter", "Full")
        CLOSED = "closed", pgettext_lazy("shelter", "Closed")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    indoor = models.BooleanField(_("indoor"), default=False)
    stay_class = models.CharField(_("stay class (GB 21734)"), max_length=3, choices=StayClass.choices)
    admin_level = models.CharField(_("administrative level"), max_length=12, choices=AdminLevel.choices)
    division = models.ForeignKey(Division, on_delete=models.PROTECT, related_name="shelters")
    effective_area_m2 = models.DecimalField(_("effective area (m²)"), max_digits=10, decimal_places=1)
    has_water = models.BooleanField(_("water"), default=False)
    has_power = models.BooleanField(_("power"), default=False)
    has_toilets = models.BooleanField(_("toilets"), default=False)
    has_medical = models.BooleanField(_("medical"), default=False)
    has_supplies = models.BooleanField(_("supplies"), default=False)
    has_command = models.BooleanField(_("command post"), default=False)
    manager = models.CharField(_("manager"), max_length=50)
    manager_phone = models.CharField(_("manager's phone"), max_length=30)
    entrances = models.CharField(_("entrances"), max_length=300, blank=True)
    address = models.CharField(_("address"), max_length=300)
    latitude = models.FloatField(_("latitude (WGS-84)"))
    longitude = models.FloatField(_("longitude (WGS-84)"))
    location_approximate = models.BooleanField(_("location approximate"), default=True)
    service_radius_m = models.PositiveIntegerField(_("service radius (m)"), default=1000)
    status = FSMField(_("status"), default=Status.STANDBY, choices=Status.choices, protected=True)
    qr_token = models.CharField(max_length=32, unique=True, editable=False)
    is_synthetic = models.BooleanField(_("synthetic demo data"), default=False)
    data_note = models.CharField(_("data note"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("shelter")

    def __str__(self) -> str:
        return self.name

    @transition(field=status, source=[Status.STANDBY, Status.CLOSED], target=Status.OPEN)
    def open(self):
        """Opened by an authorised user."""

    @transition(field=status, source=Status.OPEN, target=Status.FULL)
    def mark_full(self):
        """No capacity left."""

    @transition(field=status, source=Status.FULL, target=Status.OPEN)
    def reopen(self):
        """Capacity freed by check-outs."""

    @transition(field=status, source=[Status.OPEN, Status.FULL], target=Status.CLOSED)
    def close(self):
        """Closed once everyone has left."""

    @transition(field=status, source=Status.CLOSED, target=Status.STANDBY)
    def stand_by(self):
        """Back to standby after closing."""


class ShelterStay(BaseModel):
    """A check-in (a person or a household); occupancy is the sum of open stays."""

    shelter = models.ForeignKey(Shelter, on_delete=models.PROTECT, related_name="stays")
    head_name = models.CharField(_("name (head of household)"), max_length=50)
    people = models.PositiveIntegerField(_("people"))
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    checked_in_at = models.DateTimeField(_("checked in"), auto_now_add=True)
    checked_out_at = models.DateTimeField(_("checked out"), null=True, blank=True)
    over_capacity = models.BooleanField(_("admitted over capacity"), default=False)
    checked_in_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-checked_in_at"]
        constraints = [models.CheckConstraint(name="stay_has_people", condition=models.Q(people__gte=1))]

    def __str__(self) -> str:
        return f"{self.head_name} ×{self.people} @ {self.shelter}"


# The facility flags of a shelter, in the order the pages and the register list them.
FACILITY_FIELDS = ("has_water", "has_power", "has_toilets", "has_medical", "has_supplies", "has_command")
