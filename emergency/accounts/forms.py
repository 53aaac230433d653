from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from emergency.core import rules
from emergency.core.models import Department, Division
from emergency.core.roles import Role
from emergency.core.validators import refuse_control_characters
from emergency.enterprises.models import Enterprise


class LoginForm(AuthenticationForm):
    username = forms.CharField(label=_("Username"), max_length=150,
                               widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}))
    password = forms.CharField(label=_("Password"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Every login attempt reaches authenticate(), so a name with a control character is still counted by
        # the lockout and recorded as a failed login (the exports drop what XML cannot hold): refusing it here
        # would let a probe go unrecorded.
        for field in self.fields.values():
            field.validators = [v for v in field.validators if v is not refuse_control_characters]


class OTPForm(forms.Form):
    token = forms.RegexField(label=_("6-digit code"), regex=r"^\d{6}$", max_length=6,
                             error_messages={"invalid": _("Enter the 6 digits shown by your authenticator app.")},
                             widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric",
                                                           "autofocus": True}))


class EnrolmentCodeForm(forms.Form):
    code = forms.CharField(label=_("Enrolment code"), max_length=40, strip=True,
                           help_text=_("The one-time code the security administrator gave you, e.g. ABCD-EFGH-JKMN."),
                           widget=forms.TextInput(attrs={"autocomplete": "off", "autofocus": True}))


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(label=_("Current password"), strip=False, widget=forms.PasswordInput)
    new_password1 = forms.CharField(label=_("New password"), strip=False, widget=forms.PasswordInput)
    new_password2 = forms.CharField(label=_("New password again"), strip=False, widget=forms.PasswordInput)

    def clean(self):
        data = super().clean()
        if data.get("new_password1") and data.get("new_password1") != data.get("new_password2"):
            self.add_error("new_password2", _("The two new passwords differ."))
        return data


class UserCreateForm(forms.Form):
    username = forms.RegexField(label=_("Username"), regex=r"^[A-Za-z0-9_.@-]{3,150}$",
                                error_messages={"invalid": _("3–150 letters, digits or _ . @ -")})
    full_name = forms.CharField(label=_("Full name"), max_length=50)
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    password = forms.CharField(label=_("Initial password"), strip=False, widget=forms.PasswordInput)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    department = forms.ModelChoiceField(label=_("Department"), required=False,
                                        queryset=Department.objects.filter(archived_at__isnull=True).exclude(
                                            kind=Department.Kind.GROUP))
    division = forms.ModelChoiceField(label=_("Subdistrict"), required=False,
                                      queryset=Division.objects.filter(level=Division.Level.SUBDISTRICT))
    enterprise = forms.ModelChoiceField(label=_("Enterprise"), required=False,
                                        queryset=Enterprise.objects.filter(archived_at__isnull=True))


class ResetPasswordForm(forms.Form):
    password = forms.CharField(label=_("New initial password"), strip=False, widget=forms.PasswordInput)


class RuleValueForm(forms.Form):
    """A security rule's new value (the policy page). Whole numbers only, and then whatever the rule's schema
    says (core.rules: at least 1, never looser than the 等保 baseline), with the schema's own message."""

    key = forms.CharField(widget=forms.HiddenInput)
    value = forms.IntegerField(label=_("Value"))

    def clean(self):
        cleaned = super().clean()
        key, value = cleaned.get("key"), cleaned.get("value")
        if key and value is not None:
            try:
                rules.validate(key, value)
            except ValidationError as exc:
                self.add_error("value", exc)
        return cleaned
