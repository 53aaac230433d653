from __future__ import annotations

from django_tasks import task

from .models import Delivery


@task()
def deliver_notification(delivery_id: int) -> str:
    from .notifications import delivery_attempt

    delivery = Delivery.objects.select_related("notification__recipient").get(pk=delivery_id)
    while delivery.status == Delivery.Status.PENDING:
        delivery_attempt(delivery)
    return delivery.status
