from __future__ import annotations

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from emergency.core.audit import audit_record
from emergency.core.models import AuditEvent


@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs):
    audit_record(acting_user=user, event_type=AuditEvent.Type.LOGIN, obj=user)


@receiver(user_logged_out)
def on_logout(sender, request, user, **kwargs):
    if user is not None:
        audit_record(acting_user=user, event_type=AuditEvent.Type.LOGOUT, obj=user)


@receiver(user_login_failed)
def on_login_failed(sender, credentials, request=None, **kwargs):
    from .models import User

    username = str(credentials.get("username", ""))[:150]
    # The account that was tried is the object (the actor is unknown: the password was wrong).
    target = User.objects.filter(username=username).first()
    # The current-password check on the password-change page counts like a login (views.password_change).
    changes = {"password_change_check": True} if getattr(request, "password_change_check", False) else None
    audit_record(acting_user=None, username=username, event_type=AuditEvent.Type.LOGIN_FAILED, success=False,
                 obj=target, object_type="accounts.User", changes=changes)


@receiver(user_locked_out)
def on_locked_out(sender, request, username, ip_address, **kwargs):
    audit_record(acting_user=None, username=username or "", event_type=AuditEvent.Type.LOCKED_OUT,
                 success=False, object_type="accounts.User")
