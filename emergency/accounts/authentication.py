"""API token authentication that obeys the same policy as a session (issue 9).

SecurityPolicyMiddleware sees only session users; a token caller is authenticated later, inside DRF,
so the checks the middleware makes for a session (password change due, second factor) are made here,
plus the token's own expiry and revocation.
"""

from __future__ import annotations

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from emergency.core.roles import OTP_REQUIRED_ROLES

from .models import ApiToken
from .policy import password_change_required
from .services import secret_hash


class TokenExpired(exceptions.AuthenticationFailed):
    default_code = "token_expired"


class PasswordChangeRequired(exceptions.AuthenticationFailed):
    default_code = "password_change_required"


class SecondFactorRequired(exceptions.AuthenticationFailed):
    default_code = "second_factor_required"


class ApiTokenAuthentication(TokenAuthentication):
    """`Authorization: Token <key>`, looked up by the key's SHA-256 (DRF's header parsing is kept).

    Subclassing TokenAuthentication also keeps drf-spectacular's `tokenAuth` security scheme.
    """

    def authenticate_credentials(self, key):
        token = (ApiToken.objects.select_related("user")
                 .filter(key_hash=secret_hash(key), revoked_at__isnull=True).first())
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        user = token.user
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        if token.expires_at <= timezone.now():
            when = formats.date_format(timezone.localtime(token.expires_at), "Y-m-d H:i")
            raise TokenExpired(_("This API token expired at %(when)s; issue a new one on your account page.")
                               % {"when": when})
        if password_change_required(user):
            raise PasswordChangeRequired(_("Your password must be changed (log in to the web page) before "
                                           "the API token can be used."))
        if user.role in OTP_REQUIRED_ROLES and not token.otp_verified:
            raise SecondFactorRequired(_("Your role needs a token issued after the second factor; issue a "
                                         "new one on your account page."))
        return (user, token)

    def authenticate_header(self, request):
        # No WWW-Authenticate challenge, so DRF answers 403 as it does for session callers (and did
        # before): one status for "not let in", and the error code says why.
        return None
