"""In-app inbox plus external channels. Deliveries happen after commit, retried in one place."""

from __future__ import annotations

from collections import defaultdict

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import QuerySet
from django.utils import timezone

from .channels.base import TransportError
from .channels.registry import channels
from .models import Delivery, Notification
from .scoping import is_registered, scope_queryset

MAX_ATTEMPTS = 3


def notify(*, recipients, title: str, body: str = "", target: models.Model | None = None,
           url: str = "", channel_names: tuple[str, ...] = ("email",)) -> list[Notification]:
    ct = ContentType.objects.get_for_model(target) if target is not None else None
    created = []
    for user in recipients:
        n = Notification.objects.create(recipient=user, title=title[:200], body=body, target_type=ct,
                                        target_id=str(target.pk) if target is not None else "", url=url)
        created.append(n)
        available = channels()
        for name in channel_names:
            channel = available.get(name)
            if channel is not None and channel.is_available_for(user):
                d = Delivery.objects.create(notification=n, channel=name)
                transaction.on_commit(lambda d_id=d.pk: _enqueue(d_id))
    return created


def _enqueue(delivery_id: int) -> None:
    from .tasks import deliver_notification

    deliver_notification.enqueue(delivery_id)


def delivery_attempt(delivery: Delivery) -> None:
    """One attempt; a permanent error or the last attempt marks it failed (the retry policy)."""
    channel = channels().get(delivery.channel)
    delivery.attempts += 1
    try:
        if channel is None:
            raise TransportError(f"unknown channel {delivery.channel}", permanent=True)
        channel.notify(delivery.notification)
    except TransportError as exc:
        delivery.error = exc.message[:300]
        delivery.status = (Delivery.Status.FAILED if exc.permanent or delivery.attempts >= MAX_ATTEMPTS
                           else Delivery.Status.PENDING)
    else:
        delivery.status, delivery.error = Delivery.Status.SENT, ""
    delivery.save(update_fields=["attempts", "status", "error", "updated_at"])


def visible_notifications(user) -> QuerySet[Notification]:
    """The user's notifications whose target they may still see (scope can change after sending)."""
    qs = Notification.objects.filter(recipient=user)
    hidden: list[int] = []
    by_type: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for nid, ct_id, target_id in qs.exclude(target_type=None).values_list("id", "target_type_id", "target_id"):
        by_type[ct_id].append((nid, target_id))
    for ct_id, rows in by_type.items():
        model = ContentType.objects.get_for_id(ct_id).model_class()
        if model is None or not is_registered(model):
            hidden += [nid for nid, _ in rows]
            continue
        visible = {str(pk) for pk in scope_queryset(user, model._default_manager.filter(
            pk__in=[t for _, t in rows])).values_list("pk", flat=True)}
        hidden += [nid for nid, t in rows if t not in visible]
    return qs.exclude(id__in=hidden)


def unread_count(user) -> int:
    return visible_notifications(user).filter(read_at__isnull=True).count()


def notification_mark_read(*, user, notification: Notification) -> None:
    if notification.recipient_id == user.pk and notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])


def unread_todos(user) -> list:
    """The workbench's entry for unread notifications (core's own to-do provider)."""
    from django.urls import reverse
    from django.utils.translation import gettext_lazy as _

    from .registry import TodoEntry

    return [TodoEntry(_("Unread notifications"), unread_count(user), reverse("core:notification_list"), "info")]


def notification_mark_all_read(*, user) -> int:
    """Mark every unread notification the user can still see as read; how many were."""
    return visible_notifications(user).filter(read_at__isnull=True).update(read_at=timezone.now())


def notification_kinds(user) -> list[tuple[str, str]]:
    """The kinds of record the user's notifications point at, as filter choices (content type id, its name)."""
    ids = (Notification.objects.filter(recipient=user).exclude(target_type=None)
           .values_list("target_type_id", flat=True).distinct())
    kinds = [(str(ct.pk), str(ct.model_class()._meta.verbose_name)) for ct in ContentType.objects.filter(pk__in=ids)
             if ct.model_class() is not None]
    return sorted(kinds, key=lambda k: k[1])
