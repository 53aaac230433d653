from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from emergency.core.roles import Role


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.BUREAU_STAFF)
    full_name = models.CharField(_("full name"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    department = models.ForeignKey("core.Department", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="users", verbose_name=_("department"))
    division = models.ForeignKey("core.Division", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="users", verbose_name=_("subdistrict"))
    enterprise = models.ForeignKey("enterprises.Enterprise", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="users", verbose_name=_("enterprise"))
    must_change_password = models.BooleanField(_("must change password"), default=True)
    password_changed_at = models.DateTimeField(_("password changed at"), default=timezone.now)
    is_demo = models.BooleanField(_("demo account"), default=False)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                name="department_user_has_department",
                condition=~models.Q(role="department") | models.Q(department__isnull=False),
            ),
            models.CheckConstraint(
                name="enterprise_user_has_enterprise",
                condition=~models.Q(role="enterprise") | models.Q(enterprise__isnull=False),
            ),
            models.CheckConstraint(
                name="subdistrict_user_has_division",
                condition=~models.Q(role="subdistrict") | models.Q(division__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.username


class IssuedSecret(models.Model):
    """What an API token and a TOTP enrolment code share: issued at a time, expiring at another, stored
    hashed (each names its own hash field: an API key and an enrolment code are different secrets)."""

    created_at = models.DateTimeField(_("issued at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user.username} #{self.pk}"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()


class ApiToken(IssuedSecret):
    """A machine client's credential (`Authorization: Token <key>`).

    Only the SHA-256 of the key is stored, so a copy of the database holds no usable key: the key is
    shown once, when it is issued. The token obeys the session's policy (authentication.py): it expires,
    it is revoked when the password or the role changes, and for a second-factor role it works only if it
    was issued in a session that had passed the second factor.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user"))
    key_hash = models.CharField(_("key hash"), max_length=64, unique=True)
    otp_verified = models.BooleanField(_("issued after the second factor"), default=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta(IssuedSecret.Meta):
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")


class OtpEnrolmentCode(IssuedSecret):
    """A one-time code the security administrator hands to an account's owner out of band.

    Enrolling a TOTP device needs it, so whoever knows the initial password (the system administrator
    set it) cannot enrol their own authenticator on someone else's account (三员分立). Stored hashed.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="otp_enrolment_codes",
                             verbose_name=_("user"))
    code_hash = models.CharField(_("code hash"), max_length=64, unique=True)
    issued_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("issued by"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta(IssuedSecret.Meta):
        verbose_name = _("two-factor enrolment code")
        verbose_name_plural = _("two-factor enrolment codes")
