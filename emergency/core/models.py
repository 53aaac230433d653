"""Shared building blocks: divisions, departments, rules, audit, notifications, attachments, jobs."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class ArchivableQuerySet(models.QuerySet):
    def delete(self):
        raise PermissionError("Business records are archived, never deleted.")


class BaseModel(models.Model):
    """Business rows are never hard-deleted: they are archived (HackSoft BaseModel + archive)."""

    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)

    objects = ArchivableQuerySet.as_manager()

    class Meta:
        abstract = True

    def delete(self, *args, **kwargs):  # noqa: ARG002
        raise PermissionError("Business records are archived, never deleted.")

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


class Division(BaseModel):
    class Level(models.TextChoices):
        DISTRICT = "district", _("District")
        SUBDISTRICT = "subdistrict", _("Subdistrict")
        COMMUNITY = "community", _("Community")
        GRID = "grid", _("Grid")

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children",
                               verbose_name=_("parent"))
    # Materialised path of codes ("/120105/120105001/…/") makes subtree scoping one LIKE query.
    path = models.CharField(max_length=255, db_index=True, editable=False)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    area_km2 = models.DecimalField(_("area (km²)"), max_digits=8, decimal_places=2, null=True, blank=True)
    latitude = models.FloatField(_("latitude (WGS-84)"), null=True, blank=True)
    longitude = models.FloatField(_("longitude (WGS-84)"), null=True, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    is_synthetic = models.BooleanField(_("synthetic demo data"), default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = _("administrative division")
        verbose_name_plural = _("administrative divisions")

    def __str__(self) -> str:
        return self.name

    @property
    def subdistrict(self) -> Division | None:
        node: Division | None = self
        while node is not None and node.level not in (self.Level.SUBDISTRICT, self.Level.DISTRICT):
            node = node.parent
        return node if node is not None and node.level == self.Level.SUBDISTRICT else None


class Department(BaseModel):
    class Kind(models.TextChoices):
        PARTY = "party", _("Party organ")
        GOVERNMENT = "government", _("Government department")
        VERTICAL = "vertical", _("Vertical or municipal agency")
        COURT = "court", _("Court")
        SUBDISTRICT_OFFICE = "subdistrict_office", _("Subdistrict office")
        MANAGEMENT_COMMITTEE = "management_committee", _("Management committee")
        SOCIAL = "social", _("Social organisation")
        GROUP = "group", _("Group")

    name = models.CharField(_("name"), max_length=100, unique=True)
    short_name = models.CharField(_("short name"), max_length=50, blank=True)
    kind = models.CharField(_("type"), max_length=24, choices=Kind.choices)
    division = models.ForeignKey(Division, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="departments", verbose_name=_("division"))
    # A group ("各街道办事处") stands for its members when a task is allocated to it.
    members = models.ManyToManyField("self", blank=True, symmetrical=False, related_name="groups",
                                     verbose_name=_("members"))
    sort_order = models.PositiveIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self) -> str:
        return self.name

    @property
    def is_group(self) -> bool:
        return self.kind == self.Kind.GROUP


class DepartmentAlias(BaseModel):
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="aliases")
    alias = models.CharField(_("alias"), max_length=100, unique=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["alias"]
        verbose_name = _("department alias")

    def __str__(self) -> str:
        return f"{self.alias} → {self.department.name}"


class Rule(models.Model):
    """Regulatory thresholds as data: one row per value, with its source (rule 6)."""

    class Confidence(models.TextChoices):
        VERIFIED = "V", _("Verified")
        PARTLY = "P", _("Partly verified")
        MEMORY = "M", _("From memory")

    key = models.CharField(_("key"), max_length=100, unique=True)
    value = models.JSONField(_("value"))
    unit = models.CharField(_("unit"), max_length=30, blank=True)
    description = models.CharField(_("description"), max_length=255)
    source = models.CharField(_("source"), max_length=255)
    confidence = models.CharField(_("confidence"), max_length=1, choices=Confidence.choices)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["key"]
        verbose_name = _("rule")

    def __str__(self) -> str:
        return f"{self.key}={self.value}"


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):  # noqa: ARG002
        raise PermissionError("The audit log is append-only.")

    def delete(self):
        raise PermissionError("The audit log is append-only.")


class AuditEvent(models.Model):
    """Append-only security and business audit log (Zulip RealmAuditLog shape)."""

    class Type(models.TextChoices):
        LOGIN = "login", _("Login")
        LOGIN_FAILED = "login_failed", _("Failed login")
        LOGOUT = "logout", _("Logout")
        LOCKED_OUT = "locked_out", _("Locked out")
        PASSWORD_CHANGED = "password_changed", _("Password changed")
        OTP_VERIFIED = "otp_verified", _("Two-factor verified")
        OTP_FAILED = "otp_failed", _("Two-factor failed")
        ROLE_CHANGED = "role_changed", _("Role or scope changed")
        ACCOUNT_CREATED = "account_created", _("Account created")
        ACCOUNT_UPDATED = "account_updated", _("Account updated")
        POLICY_CHANGED = "policy_changed", _("Policy changed")
        EXPORT = "export", _("Data export")
        CREATE = "create", _("Create")
        UPDATE = "update", _("Update")
        ARCHIVE = "archive", _("Archive")
        IMPORT = "import", _("Import")
        DOWNLOAD = "download", _("Attachment download")
        ACCESS_DENIED = "access_denied", _("Access denied")
        TOKEN_ISSUED = "token_issued", _("API token issued")
        TOKEN_REVOKED = "token_revoked", _("API token revoked")
        OTP_ENROLLED = "otp_enrolled", _("Two-factor device enrolled")
        OTP_ENROLMENT_CODE = "otp_enrolment_code", _("Two-factor enrolment code issued")

    event_time = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+", verbose_name=_("user"))
    actor_username = models.CharField(_("username"), max_length=150, blank=True)
    event_type = models.CharField(_("event type"), max_length=32, choices=Type.choices, db_index=True)
    success = models.BooleanField(_("success"), default=True)
    object_type = models.CharField(_("object type"), max_length=100, blank=True, db_index=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=255, blank=True)
    changes = models.JSONField(_("changed fields"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-event_time", "-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        return f"{self.event_time:%Y-%m-%d %H:%M:%S} {self.actor_username} {self.event_type}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # noqa: ARG002
        raise PermissionError("The audit log is append-only.")


class Notification(models.Model):
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                  related_name="notifications")
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"), blank=True)
    target_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT)
    target_id = models.CharField(max_length=64, blank=True)
    target = GenericForeignKey("target_type", "target_id")
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")

    def __str__(self) -> str:
        return self.title


class Delivery(models.Model):
    """One attempt-tracked delivery of a notification over an external channel."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField(max_length=20)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.channel}:{self.status}"


def attachment_path(instance: Attachment, filename: str) -> str:
    now = timezone.now()
    return f"attachments/{now:%Y/%m}/{instance.token}{instance.extension}"


class Attachment(BaseModel):
    class Kind(models.TextChoices):
        IMAGE = "image", _("Image")
        DOCUMENT = "document", _("Document")
        AUDIO = "audio", _("Audio")
        VIDEO = "video", _("Video")

    token = models.CharField(max_length=32, unique=True, editable=False)
    parent_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    parent_id = models.CharField(max_length=64)
    parent = GenericForeignKey("parent_type", "parent_id")
    file = models.FileField(upload_to=attachment_path, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    extension = models.CharField(max_length=10)
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices)
    size = models.PositiveBigIntegerField(_("size"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["parent_type", "parent_id"])]
        verbose_name = _("attachment")

    def __str__(self) -> str:
        return self.original_name


class ImportJob(models.Model):
    """A spreadsheet import: validated in full, previewed, then committed all-or-nothing."""

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Uploaded")
        VALIDATING = "validating", _("Validating")
        INVALID = "invalid", _("Has errors")
        READY = "ready", _("Ready to import")
        IMPORTING = "importing", _("Importing")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Failed")

    register = models.CharField(_("register"), max_length=50)
    file = models.FileField(upload_to="imports/%Y/%m/", max_length=255)
    original_name = models.CharField(max_length=255)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.UPLOADED)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    preview = models.JSONField(default=list, blank=True)
    created_count = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.register}:{self.original_name}"

    @property
    def progress_percent(self) -> int:
        return int(100 * self.processed_rows / self.total_rows) if self.total_rows else 0


class ScheduledJob(models.Model):
    """Last run of each periodic job, so that several scheduler restarts never double-run it."""

    name = models.CharField(max_length=100, unique=True)
    last_run_at = models.DateTimeField(null=True, blank=True)
    last_status = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        return self.name
