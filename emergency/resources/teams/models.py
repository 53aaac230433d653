"""Who can go and what they bring: rescue teams (incl. social forces), experts and equipment.

Readiness and equipment status are plain choices that only `teams.services` changes (each change is audited;
equipment changes also append an EquipmentStatusLog row).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from emergency.core.models import BaseModel, Department, Division

from ..stock.models import Warehouse

__all__ = [
    "CERTIFICATE_WARNING_DAYS", "EXPERT_FIELDS", "Equipment", "EquipmentStatusLog", "Expert", "RescueTeam",
    "SocialForceRecord", "TeamMember", "certificates_due",
]

# A certificate expiring within this many days is flagged in the member list.
CERTIFICATE_WARNING_DAYS = 30


def _both_or_neither(prefix: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        name=f"{prefix}_location_both_or_neither",
        condition=models.Q(latitude__isnull=True, longitude__isnull=True)
        | models.Q(latitude__isnull=False, longitude__isnull=False))


class RescueTeam(BaseModel):
    class Kind(models.TextChoices):
        COMPREHENSIVE = "comprehensive", _("Comprehensive (fire and rescue)")
        PROFESSIONAL = "professional", _("Professional")
        GRASSROOTS = "grassroots", _("Grassroots (subdistrict or community)")
        SOCIAL = "social", _("Social force")

    class Specialty(models.TextChoices):
        HAZCHEM = "hazardous_chemicals", _("Hazardous chemicals")
        FLOOD = "flood", _("Flood")
        EARTHQUAKE = "earthquake_geological", _("Earthquake and geological")
        BUILDING = "building_works", _("Building works")
        OTHER = "other", _("Other")

    class Readiness(models.TextChoices):
        STANDBY = "standby", pgettext_lazy("team", "Standby")
        DEPLOYED = "deployed", _("Deployed")
        UNAVAILABLE = "unavailable", _("Unavailable")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=14, choices=Kind.choices)
    specialty = models.CharField(_("specialty"), max_length=24, choices=Specialty.choices, default=Specialty.OTHER)
    owner_unit = models.CharField(_("owner unit"), max_length=200)
    owner_department = models.ForeignKey(Department, null=True, blank=True, on_delete=models.PROTECT,
                                         related_name="rescue_teams", verbose_name=_("owner department"))
    division = models.ForeignKey(Division, on_delete=models.PROTECT, related_name="rescue_teams",
                                 verbose_name=_("division"))
    leader = models.CharField(_("leader"), max_length=50)
    duty_phone = models.CharField(_("24-hour duty phone"), max_length=30)
    base_address = models.CharField(_("base address"), max_length=300, blank=True)
    latitude = models.FloatField(_("latitude (WGS-84)"), null=True, blank=True)
    longitude = models.FloatField(_("longitude (WGS-84)"), null=True, blank=True)
    service_area = models.CharField(_("service area"), max_length=300, blank=True)
    # Changed only by teams.services.team_set_readiness (audited); never a form field.
    readiness = models.CharField(_("readiness"), max_length=12, choices=Readiness.choices,
                                 default=Readiness.STANDBY, editable=False, db_index=True)
    readiness_changed_at = models.DateTimeField(_("readiness changed"), null=True, blank=True, editable=False)
    incentive_note = models.TextField(_("incentives and constraints"), blank=True)
    is_synthetic = models.BooleanField(_("synthetic demo data"), default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("rescue team")
        constraints = [_both_or_neither("rescueteam")]
        indexes = [models.Index(fields=["latitude", "longitude"], name="rescueteam_location")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_social(self) -> bool:
        return self.kind == self.Kind.SOCIAL


class TeamMember(BaseModel):
    team = models.ForeignKey(RescueTeam, on_delete=models.PROTECT, related_name="members")
    name = models.CharField(_("name"), max_length=50)
    role = models.CharField(_("role"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    skills = models.CharField(_("skills"), max_length=300, blank=True)
    certificate_name = models.CharField(_("certificate"), max_length=100, blank=True)
    certificate_expires_on = models.DateField(_("certificate expires on"), null=True, blank=True)

    class Meta:
        ordering = ["team", "name", "pk"]
        verbose_name = _("team member")

    def __str__(self) -> str:
        return f"{self.name} @ {self.team}"

    def certificate_state(self, today: datetime.date | None = None) -> str:
        """"expired", "expiring" (within CERTIFICATE_WARNING_DAYS), "valid", or "" without an expiry date."""
        if self.certificate_expires_on is None:
            return ""
        today = today or timezone.localdate()
        if self.certificate_expires_on < today:
            return "expired"
        if self.certificate_expires_on <= today + datetime.timedelta(days=CERTIFICATE_WARNING_DAYS):
            return "expiring"
        return "valid"


def certificates_due(today: datetime.date | None = None):
    """Members of live teams whose certificate has expired or expires within CERTIFICATE_WARNING_DAYS."""
    today = today or timezone.localdate()
    return TeamMember.objects.filter(
        archived_at__isnull=True, team__archived_at__isnull=True, certificate_expires_on__isnull=False,
        certificate_expires_on__lte=today + datetime.timedelta(days=CERTIFICATE_WARNING_DAYS))


class SocialForceRecord(BaseModel):
    """The archive of a social force: registration, training and drill records."""

    class Kind(models.TextChoices):
        REGISTRATION = "registration", _("Registration")
        TRAINING = "training", _("Training")
        DRILL = "drill", _("Drill")

    team = models.ForeignKey(RescueTeam, on_delete=models.PROTECT, related_name="social_records")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    date = models.DateField(_("date"))
    description = models.CharField(_("description"), max_length=500)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("social force record")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date} {self.team}"


# The five specialised platforms (flag field name, code, label).
EXPERT_FIELDS = (
    ("field_flood_drought", "flood_drought", _("Flood and drought")),
    ("field_disaster_reduction", "disaster_reduction", _("Disaster reduction")),
    ("field_geological", "geological", _("Geological")),
    ("field_earthquake", "earthquake", _("Earthquake")),
    ("field_work_safety", "work_safety", _("Work safety")),
)


class Expert(BaseModel):
    name = models.CharField(_("name"), max_length=50)
    # One flag per specialised platform: an expert may serve several (filters stay plain and portable).
    field_flood_drought = models.BooleanField(_("flood and drought"), default=False)
    field_disaster_reduction = models.BooleanField(_("disaster reduction"), default=False)
    field_geological = models.BooleanField(_("geological"), default=False)
    field_earthquake = models.BooleanField(_("earthquake"), default=False)
    field_work_safety = models.BooleanField(_("work safety"), default=False)
    title = models.CharField(pgettext_lazy("expert", "title"), max_length=100, blank=True)
    unit = models.CharField(_("unit"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=30)
    available = models.BooleanField(_("available"), default=True)
    latitude = models.FloatField(_("latitude (WGS-84)"), null=True, blank=True)
    longitude = models.FloatField(_("longitude (WGS-84)"), null=True, blank=True)
    is_synthetic = models.BooleanField(_("synthetic demo data"), default=False)
    # The expert's own account (role expert), if they have one: it opens the expert's own page (their profile and
    # availability). Linked only by teams.services.expert_link_user (audited); never a form field.
    user = models.OneToOneField(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="expert_profile", editable=False, verbose_name=_("account"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("expert")
        constraints = [_both_or_neither("expert")]

    def __str__(self) -> str:
        return self.name

    @property
    def field_codes(self) -> list[str]:
        return [code for attr, code, _label in EXPERT_FIELDS if getattr(self, attr)]

    @property
    def field_labels(self) -> list[str]:
        return [str(label) for attr, _code, label in EXPERT_FIELDS if getattr(self, attr)]


class Equipment(BaseModel):
    class Status(models.TextChoices):
        IN_SERVICE = "in_service", _("In service")
        DEPLOYED = "deployed", _("Deployed")
        MAINTENANCE = "maintenance", _("Maintenance")
        LOST = "lost", _("Lost")
        SCRAPPED = "scrapped", _("Scrapped")

    # Lost and scrapped are final; the others move freely among themselves.
    FINAL = frozenset({Status.LOST, Status.SCRAPPED})

    name = models.CharField(_("name"), max_length=200)
    model_spec = models.CharField(_("model / specification"), max_length=200, blank=True)
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    team = models.ForeignKey(RescueTeam, null=True, blank=True, on_delete=models.PROTECT, related_name="equipment",
                             verbose_name=_("team"))
    warehouse = models.ForeignKey(Warehouse, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="equipment", verbose_name=_("warehouse"))
    # Changed only by teams.services.equipment_set_status, which writes an EquipmentStatusLog row.
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.IN_SERVICE,
                              editable=False, db_index=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("equipment")
        verbose_name_plural = _("equipment")
        constraints = [
            models.CheckConstraint(name="equipment_team_xor_warehouse",
                                   condition=models.Q(team__isnull=False, warehouse__isnull=True)
                                   | models.Q(team__isnull=True, warehouse__isnull=False)),
            models.CheckConstraint(name="equipment_quantity_positive", condition=models.Q(quantity__gte=1)),
        ]

    def __str__(self) -> str:
        return f"{self.name}{f'（{self.model_spec}）' if self.model_spec else ''}"

    @property
    def holder(self):
        return self.team if self.team_id else self.warehouse

    @property
    def division(self):
        """The holder's division: what decides who manages the equipment (resources/scopes.py)."""
        return self.holder.division

    @property
    def is_final(self) -> bool:
        return self.status in self.FINAL


class LogQuerySet(models.QuerySet):
    def update(self, **kwargs):  # noqa: ARG002
        raise PermissionError("The equipment status log is append-only.")

    def delete(self):
        raise PermissionError("The equipment status log is append-only.")


class EquipmentStatusLog(models.Model):
    equipment = models.ForeignKey(Equipment, on_delete=models.PROTECT, related_name="status_log")
    from_status = models.CharField(_("from"), max_length=12, choices=Equipment.Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=12, choices=Equipment.Status.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+",
                           verbose_name=_("by"))
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    objects = LogQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("equipment status change")

    def __str__(self) -> str:
        return f"{self.equipment}: {self.from_status or '—'} → {self.to_status}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("The equipment status log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # noqa: ARG002
        raise PermissionError("The equipment status log is append-only.")
