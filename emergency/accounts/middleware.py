"""Forces the password change and the second factor before anything else can be reached."""

from __future__ import annotations

from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from emergency.core.roles import OTP_REQUIRED_ROLES
from emergency.core.rules import rule_value

from .policy import password_change_required

EXEMPT_PREFIXES = ("/static/", "/healthz", "/i18n/", "/accounts/logout", "/accounts/login", "/favicon")


class SecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            # The idle timeout is a rule (security.idle_timeout_minutes), renewed by every request.
            request.session.set_expiry(60 * int(rule_value("security.idle_timeout_minutes")))
        if user is not None and user.is_authenticated and not request.path.startswith(EXEMPT_PREFIXES):
            target = self._required_step(request, user)
            if target and request.path != target:
                if request.path.startswith("/api/"):
                    return JsonResponse({"error": {"code": "not_authenticated",
                                                   "message": "Finish the login steps first.", "fields": {}}},
                                        status=403)
                return redirect(f"{target}?next={request.get_full_path()}")
        return self.get_response(request)

    @staticmethod
    def _required_step(request, user) -> str | None:
        if user.role in OTP_REQUIRED_ROLES and not user.is_verified():
            return reverse("accounts:otp")
        if password_change_required(user):
            return reverse("accounts:password_change")
        return None
