from __future__ import annotations

import segno
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from emergency.core.audit import audit_record
from emergency.core.forms import add_validation_errors
from emergency.core.models import AuditEvent, Rule

from . import services
from .forms import (
    LoginForm,
    OTPForm,
    PasswordChangeForm,
    ResetPasswordForm,
    RoleForm,
    RuleValueForm,
    UserCreateForm,
)
from .models import User
from .roles import can_manage_accounts, can_manage_roles


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


def _next(request, default="home"):
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return target
    return default


@login_required
def otp_view(request):
    """Second factor: verify a confirmed TOTP device, or enrol one on first use."""
    user = request.user
    if user.is_verified():
        return redirect(_next(request))
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    enrolling = device is None
    if enrolling:
        device = TOTPDevice.objects.filter(user=user, confirmed=False).first() or TOTPDevice.objects.create(
            user=user, name="default", confirmed=False)
    form = OTPForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            if enrolling:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
            otp_login(request, device)
            audit_record(acting_user=user, event_type=AuditEvent.Type.OTP_VERIFIED, obj=user)
            return redirect(_next(request))
        audit_record(acting_user=user, event_type=AuditEvent.Type.OTP_FAILED, obj=user, success=False)
        form.add_error("token", _("The code is wrong or has expired."))
    qr = segno.make(device.config_url, micro=False).svg_data_uri(scale=4) if enrolling else None
    return render(request, "accounts/otp.html", {"form": form, "enrolling": enrolling, "qr": qr,
                                                 "secret": device.key if enrolling else None,
                                                 "next": _next(request, "")})


@login_required
def password_change(request):
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_change_own_password(user=request.user, old_password=form.cleaned_data["old_password"],
                                              new_password=form.cleaned_data["new_password1"])
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            update_session_auth_hash(request, request.user)
            messages.success(request, _("Your password has been changed."))
            return redirect(_next(request))
    return render(request, "accounts/password_change.html", {"form": form, "next": _next(request, "")})


@login_required
def profile(request):
    token = Token.objects.filter(user=request.user).first()
    return render(request, "accounts/profile.html", {"token": token})


@require_POST
@login_required
def token_create(request):
    Token.objects.filter(user=request.user).delete()
    token = Token.objects.create(user=request.user)
    audit_record(acting_user=request.user, event_type=AuditEvent.Type.ACCOUNT_UPDATED, obj=request.user,
                 changes={"api_token": [None, "issued"]})
    messages.success(request, _("A new API token was issued: %(key)s") % {"key": token.key})
    return redirect("accounts:profile")


def _require(request, *checks):
    if not any(check(request.user) for check in checks):
        raise PermissionDenied


@login_required
def user_list(request):
    _require(request, can_manage_accounts, can_manage_roles)
    qs = User.objects.select_related("department", "division", "enterprise").order_by("username")
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(username__icontains=q) | qs.filter(full_name__icontains=q)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "accounts/user_list.html", {"page": page, "q": q,
                                                       "can_accounts": can_manage_accounts(request.user),
                                                       "can_roles": can_manage_roles(request.user)})


@login_required
def user_create(request):
    _require(request, can_manage_accounts)
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if User.objects.filter(username=form.cleaned_data["username"]).exists():
            form.add_error("username", _("This username is taken."))
        else:
            try:
                user = services.user_create(acting_user=request.user, **form.cleaned_data)
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    add_validation_errors(form, exc)
                else:
                    form.add_error("password", exc.messages)
            else:
                messages.success(request, _("Account created. The security administrator assigns its role."))
                return redirect("accounts:user_detail", pk=user.pk)
    return render(request, "accounts/user_form.html", {"form": form})


@login_required
def user_detail(request, pk: int):
    _require(request, can_manage_accounts, can_manage_roles)
    target = get_object_or_404(User.objects.select_related("department", "division", "enterprise"), pk=pk)
    role_form = RoleForm(request.POST if request.POST.get("action") == "role" else None, initial={
        "role": target.role, "department": target.department_id, "division": target.division_id,
        "enterprise": target.enterprise_id})
    reset_form = ResetPasswordForm(request.POST if request.POST.get("action") == "reset" else None)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "role":
                _require(request, can_manage_roles)
                if role_form.is_valid():
                    services.user_set_role(acting_user=request.user, user=target, **role_form.cleaned_data)
                    messages.success(request, _("Role saved."))
                    return redirect("accounts:user_detail", pk=pk)
            elif action == "reset":
                _require(request, can_manage_accounts)
                if reset_form.is_valid():
                    services.user_reset_password(acting_user=request.user, user=target,
                                                 password=reset_form.cleaned_data["password"])
                    messages.success(request, _("Password reset; the user must change it at next login."))
                    return redirect("accounts:user_detail", pk=pk)
            elif action in ("activate", "deactivate"):
                _require(request, can_manage_accounts)
                services.user_set_active(acting_user=request.user, user=target, active=action == "activate")
                messages.success(request, _("Saved."))
                return redirect("accounts:user_detail", pk=pk)
        except ValidationError as exc:
            add_validation_errors(role_form if action == "role" else reset_form, exc)
    return render(request, "accounts/user_detail.html", {
        "target": target, "role_form": role_form, "reset_form": reset_form,
        "can_accounts": can_manage_accounts(request.user), "can_roles": can_manage_roles(request.user)})


@login_required
def policy(request):
    _require(request, can_manage_roles)
    form = RuleValueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.security_rule_set(acting_user=request.user, key=form.cleaned_data["key"],
                                       value=form.cleaned_data["value"])
        except (ValidationError, Rule.DoesNotExist) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(request, _("Saved."))
            return redirect("accounts:policy")
    elif request.method == "POST":
        messages.error(request, _("Enter a whole number of at least 1."))
    rules = Rule.objects.filter(key__startswith="security.")
    return render(request, "accounts/policy.html", {"rules": rules})
