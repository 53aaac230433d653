"""The daily stock reminder: new alerts (below minimum stock, lots near expiry) to the bureau and to the
subdistrict users of the warehouse's area. Registered with the scheduler here; `apps.ready` imports it."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from emergency.core import scheduler

# A minimum-stock alert can clear and come back: it is "new" again once this long has passed since the
# last reminder about it. A lot's expiry alert only ever gets one reminder.
MINIMUM_REMIND_AGAIN = timedelta(days=7)


def _recipients(warehouse, bureau: list, subdistrict_users: list) -> list:
    path = warehouse.division.path
    return bureau + [u for u in subdistrict_users if path.startswith(u.division.path)]


def send_stock_alert_reminders(*, now=None) -> int:
    """Notify each recipient once per new alert; return the number of notifications written."""
    from emergency.accounts.models import User
    from emergency.core.models import Notification
    from emergency.core.notifications import notify
    from emergency.core.roles import BUREAU_ROLES, Role

    from .stock import selectors as selectors_stock
    from .stock.models import Lot, MinimumStock

    now = now or timezone.now()
    url = reverse("resources:stock_alerts")
    bureau = list(User.objects.filter(is_active=True, role__in=BUREAU_ROLES))
    subdistrict_users = list(User.objects.filter(is_active=True, role=Role.SUBDISTRICT, division__isnull=False)
                             .select_related("division"))
    ct_min, ct_lot = ContentType.objects.get_for_model(MinimumStock), ContentType.objects.get_for_model(Lot)
    alerts = [(m, ct_min, m.warehouse,
               _("Below minimum stock: %(item)s at %(wh)s") % {"item": m.item.name, "wh": m.warehouse.name},
               _("%(stock)s %(unit)s in stock, minimum %(min)s.") % {
                   "stock": f"{m.stock.normalize():f}", "unit": m.item.unit, "min": f"{m.minimum.normalize():f}"})
              for m in selectors_stock.below_minimum()]
    alerts += [(lot, ct_lot, lot.warehouse,
                _("Lot near expiry: %(item)s #%(lot)s at %(wh)s") % {
                    "item": lot.item.name, "lot": lot.lot_number, "wh": lot.warehouse.name},
                _("Expires on %(date)s; %(qty)s %(unit)s left.") % {
                    "date": lot.expires_on, "qty": f"{lot.balance.normalize():f}", "unit": lot.item.unit})
               for lot in selectors_stock.expiring_lots(today=timezone.localdate(now))]
    if not alerts:
        return 0
    already = set(Notification.objects.filter(
        Q(target_type=ct_lot) | Q(target_type=ct_min, created_at__gte=now - MINIMUM_REMIND_AGAIN)).values_list(
        "recipient_id", "target_type_id", "target_id"))
    sent = 0
    for obj, ct, warehouse, title, body in alerts:
        recipients = [u for u in _recipients(warehouse, bureau, subdistrict_users) if (u.pk, ct.pk, str(obj.pk)) not in already]
        if recipients:
            sent += len(notify(recipients=recipients, title=title, body=body, target=obj, url=url))
    return sent


@task()
def stock_alert_reminders() -> int:
    return send_stock_alert_reminders()


scheduler.register(scheduler.Periodic("stock_alert_reminders", timedelta(days=1),
                                      "emergency.resources.tasks.stock_alert_reminders"))
