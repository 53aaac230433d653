"""The inbox: filter by kind of record and by unread, mark all as read, open a notice's record."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from conftest import login
from emergency.core.models import Division, Notification
from emergency.core.notifications import notify

pytestmark = pytest.mark.django_db


@pytest.fixture
def inbox(bureau_officer, guangfu):
    notify(recipients=[bureau_officer], title="关于光复道", target=guangfu, url=reverse("core:division_detail",
                                                                                    args=[guangfu.pk]))
    notify(recipients=[bureau_officer], title="一般通知")
    return bureau_officer


def _titles(resp) -> list[str]:
    return [n.title for n in resp.context["page"]]


def test_it_filters_by_kind_and_unread(client, inbox):
    login(client, inbox)
    division_kind = str(ContentType.objects.get_for_model(Division).pk)
    resp = client.get(reverse("core:notification_list"))
    assert (division_kind, str(Division._meta.verbose_name)) in resp.context["kinds"]
    assert _titles(client.get(reverse("core:notification_list"), {"kind": division_kind})) == ["关于光复道"]
    Notification.objects.filter(title="一般通知").update(read_at="2026-01-01T00:00:00Z")
    assert _titles(client.get(reverse("core:notification_list"), {"unread": "1"})) == ["关于光复道"]
    # A kind that is not the user's is ignored, not an error.
    assert client.get(reverse("core:notification_list"), {"kind": "999999"}).status_code == 200


def test_mark_all_as_read_is_post_only_and_marks_only_ones_own(client, inbox, subdistrict_officer):
    notify(recipients=[subdistrict_officer], title="别人的")
    login(client, inbox)
    assert client.get(reverse("core:notification_read_all")).status_code == 405
    assert client.post(reverse("core:notification_read_all")).status_code == 302
    assert not Notification.objects.filter(recipient=inbox, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=subdistrict_officer, read_at__isnull=True).count() == 1


def test_opening_a_notice_goes_to_its_record(client, inbox, guangfu):
    login(client, inbox)
    n = Notification.objects.get(title="关于光复道")
    resp = client.post(reverse("core:notification_open", args=[n.pk]))
    assert resp.status_code == 302 and resp.url == reverse("core:division_detail", args=[guangfu.pk])
