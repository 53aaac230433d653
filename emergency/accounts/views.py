from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlencode

import segno
from django.contrib import messages
from django.contrib.auth import authenticate, logout, update_session_auth_hash
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

from emergency.core.audit import audit_record
from emergency.core.forms import add_validation_errors
from emergency.core.models import AuditEvent, Rule
from emergency.core.roles import OTP_REQUIRED_ROLES, can_manage_accounts, can_manage_roles
from emergency.core.sorting import Sorting

from . import selectors, services
from .forms import (
    EnrolmentCodeForm,
    LoginForm,
    OTPForm,
    PasswordChangeForm,
    ResetPasswordForm,
    RoleForm,
    RuleValueForm,
    UserCreateForm,
)
from .models import User
from .policy import OTP_ENROLMENT_CODE_LIFETIME


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


def _next(request, default="home"):
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return target
    return default


ENROLMENT_SESSION_KEY = "otp_enrolment_code"


def _with_next(path: str, next_url: str) -> str:
    return f"{path}?{urlencode({'next': next_url})}" if next_url else path


@login_required
def otp_view(request):
    """Second factor: verify a confirmed TOTP device, or enrol one with the security administrator's code.

    Enrolment takes two steps: the enrolment code (handed to the owner out of band), then the first
    TOTP code from the app that scanned the QR code. The accepted code is remembered in this session
    only, and spent when the device is confirmed.
    """
    user = request.user
    if user.is_verified():
        return redirect(_next(request))
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    enrolling = device is None
    if enrolling:
        code_id = request.session.get(ENROLMENT_SESSION_KEY)
        if code_id is None:
            return _otp_enrolment_code_step(request)
        device = services.otp_device_prepare(acting_user=user)
    form = OTPForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            if enrolling:
                try:
                    services.otp_device_enrol(acting_user=user, device=device, enrolment_code_id=code_id)
                except ValidationError as exc:
                    request.session.pop(ENROLMENT_SESSION_KEY, None)
                    messages.error(request, " ".join(exc.messages))
                    return redirect(_with_next(request.path, _next(request, "")))
                request.session.pop(ENROLMENT_SESSION_KEY, None)
            otp_login(request, device)
            audit_record(acting_user=user, event_type=AuditEvent.Type.OTP_VERIFIED, obj=user)
            return redirect(_next(request))
        audit_record(acting_user=user, event_type=AuditEvent.Type.OTP_FAILED, obj=user, success=False)
        form.add_error("token", _("The code is wrong or has expired."))
    qr = segno.make(device.config_url, micro=False).svg_data_uri(scale=4) if enrolling else None
    return render(request, "accounts/otp.html", {"form": form, "enrolling": enrolling, "qr": qr,
                                                 "secret": device.key if enrolling else None,
                                                 "next": _next(request, "")})


def _otp_enrolment_code_step(request):
    """No device yet: ask for the enrolment code before any secret is shown."""
    form = EnrolmentCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        row = services.otp_enrolment_code_check(acting_user=request.user, code=form.cleaned_data["code"])
        if row is not None:
            request.session[ENROLMENT_SESSION_KEY] = row.pk
            return redirect(_with_next(request.path, _next(request, "")))
        form.add_error("code", _("The enrolment code is wrong or has expired."))
    return render(request, "accounts/otp.html", {"form": form, "enrolling": True, "needs_code": True,
                                                 "qr": None, "secret": None, "next": _next(request, "")})


def _current_password_ok(request, password: str) -> bool:
    """Check the current password the way a login is checked, so that guesses here count towards the
    account's lockout (django-axes, per username) and each wrong one is audited."""
    request.password_change_check = True  # read by signals.on_login_failed
    return authenticate(request, username=request.user.get_username(), password=password) is not None


@login_required
def password_change(request):
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not _current_password_ok(request, form.cleaned_data["old_password"]):
            if getattr(request, "axes_locked_out", False):
                # Locked: whoever holds this session may be guessing, so it ends here, with the page a
                # locked login gets (AxesMiddleware would substitute the same page).
                logout(request)
                return render(request, "accounts/locked.html", status=429)
            form.add_error("old_password", _("The current password is wrong."))
        else:
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
    return render(request, "accounts/profile.html", {"token": services.api_token_current(user=request.user)})


@require_POST
@login_required
def token_create(request):
    try:
        key = services.api_token_issue(acting_user=request.user, otp_verified=request.user.is_verified())
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("accounts:profile")
    # The key is shown in this response only: not in a message (the cookie would carry it) nor stored.
    return render(request, "accounts/profile.html", {"token": services.api_token_current(user=request.user),
                                                     "new_key": key})


@require_POST
@login_required
def token_revoke(request):
    if services.api_token_revoke(acting_user=request.user):
        messages.success(request, _("The API token was revoked."))
    return redirect("accounts:profile")


def _require(request, *checks):
    if not any(check(request.user) for check in checks):
        raise PermissionDenied


# The account list's sortable columns (`?sort=`, core/sorting.py).
USER_SORTING = Sorting({"username": ("username",), "full_name": ("full_name",), "role": ("role",),
                        "active": ("is_active",)}, default="username")


@login_required
def user_list(request):
    _require(request, can_manage_accounts, can_manage_roles)
    qs = User.objects.select_related("department", "division", "enterprise")
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(username__icontains=q) | qs.filter(full_name__icontains=q)
    state = request.GET.get("state", "")
    state = state if state in selectors.STATES else ""
    qs, sort = USER_SORTING.apply(selectors.users_in_state(qs, state), request.GET)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "accounts/user_list.html", {"page": page, "q": q, "state": state, "sort": sort,
                                                       "states": selectors.STATES.items(),
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
    enrolment_code = None
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
            elif action == "enrolment_code":
                _require(request, can_manage_roles)
                # Shown in this response only, never stored in clear: the security administrator hands
                # it to the account's owner in person or by telephone.
                enrolment_code = services.otp_enrolment_code_issue(acting_user=request.user, user=target)
        except ValidationError as exc:
            if action == "enrolment_code":
                messages.error(request, " ".join(exc.messages))
            else:
                add_validation_errors(role_form if action == "role" else reset_form, exc)
    return render(request, "accounts/user_detail.html", {
        "target": target, "role_form": role_form, "reset_form": reset_form,
        "enrolment_code": enrolment_code, "enrolment_code_hours": OTP_ENROLMENT_CODE_LIFETIME // timedelta(hours=1),
        "otp_enrolled": TOTPDevice.objects.filter(user=target, confirmed=True).exists(),
        "otp_required": target.role in OTP_REQUIRED_ROLES,
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
        # The rule's schema says what is wrong (not a whole number, below 1, looser than the baseline).
        messages.error(request, " ".join(m for errors in form.errors.values() for m in errors))
    rules = list(Rule.objects.filter(key__startswith="security."))
    for r in rules:
        # Descriptions are stored in English (marked with gettext_noop in core/rules.py) and shown translated;
        # the basis cites the standard, never a project-internal document (rows loaded before issue 11 named one).
        r.label = _(r.description)
        r.basis = _policy_basis(r.source)
    return render(request, "accounts/policy.html", {"rules": rules})


_INTERNAL_REFERENCE = re.compile(r"(\bDOMAIN\.md\b|\bARCHITECTURE\.md\b|^issue\s+\d+)", re.IGNORECASE)


def _policy_basis(source: str) -> str:
    """The rule's source without the parts that name a project-internal document ("DOMAIN.md §9", "issue 9")."""
    parts = [p.strip() for p in re.split(r"[,;，；]", source)]
    kept = [p for p in parts if p and not _INTERNAL_REFERENCE.search(p)]
    return "，".join(kept) or source
