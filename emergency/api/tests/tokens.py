"""The one place these API tests mint a token (issue 9 moved tokens to `accounts.services.api_token_issue`)."""

from __future__ import annotations


def api_token(user) -> str:
    """A fresh API token key for `user` (the second factor counted as passed, as after a verified login)."""
    try:
        from emergency.accounts.services import api_token_issue
    except ImportError:  # before the token model: DRF's authtoken
        from rest_framework.authtoken.models import Token

        return Token.objects.create(user=user).key
    return api_token_issue(acting_user=user, otp_verified=True)


def token_headers(user) -> dict[str, str]:
    return {"Authorization": f"Token {api_token(user)}"}
