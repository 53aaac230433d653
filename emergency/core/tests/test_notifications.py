"""The in-app inbox, e-mail delivery and the retry policy; a notification never leaks what its reader cannot see."""

from __future__ import annotations

import re
import smtplib

import pytest
from django.core.mail.backends.base import BaseEmailBackend

from conftest import login
from emergency.core.channels.base import Channel, TransportError
from emergency.core.models import Delivery, Notification
from emergency.core.notifications import MAX_ATTEMPTS, delivery_attempt, notify, unread_count
from emergency.core.tasks import deliver_notification

MODULE = "emergency.core.tests.test_notifications"


class ScriptedChannel(Channel):
    """Fails as scripted by the test, then succeeds."""

    name = "scripted"
    script: list[TransportError | None] = []
    calls = 0

    def notify(self, notification) -> None:
        type(self).calls += 1
        outcome = self.script.pop(0) if self.script else None
        if outcome is not None:
            raise outcome


class RefusingBackend(BaseEmailBackend):
    def send_messages(self, messages):
        raise smtplib.SMTPResponseException(550, b"mailbox unavailable")


class UnreachableBackend(BaseEmailBackend):
    def send_messages(self, messages):
        raise ConnectionRefusedError("mail server down")


@pytest.fixture
def scripted(settings):
    settings.NOTIFICATION_CHANNELS = {"scripted": f"{MODULE}.ScriptedChannel"}
    ScriptedChannel.script, ScriptedChannel.calls = [], 0
    return ScriptedChannel


def unread_badge(resp) -> int:
    match = re.search(r'id="unread-count">(\d+)<', resp.content.decode())
    assert match, "the navigation bar shows the unread counter"
    return int(match.group(1))


# --- in-app inbox ------------------------------------------------------------------------------------------


def test_the_inbox_lists_a_notification_and_the_navbar_counts_it(client, subdistrict_officer, community_a):
    notify(recipients=[subdistrict_officer], title="社区甲需要更新联系人", target=community_a,
           url=f"/divisions/{community_a.pk}/", channel_names=())
    login(client, subdistrict_officer)
    resp = client.get("/notifications/")
    assert "社区甲需要更新联系人" in resp.content.decode()
    assert unread_badge(resp) == 1
    assert unread_badge(client.get("/")) == 1


def test_opening_a_notification_marks_it_read_and_follows_its_link(client, subdistrict_officer, community_a):
    (n,) = notify(recipients=[subdistrict_officer], title="请核对", target=community_a,
                  url=f"/divisions/{community_a.pk}/", channel_names=())
    login(client, subdistrict_officer)
    resp = client.post(f"/notifications/{n.pk}/open/")
    assert resp.status_code == 302 and resp["Location"] == f"/divisions/{community_a.pk}/"
    n.refresh_from_db()
    assert n.read_at is not None
    assert unread_badge(client.get("/notifications/")) == 0


def test_a_notification_of_someone_else_cannot_be_opened(client, subdistrict_officer, bureau_officer):
    (n,) = notify(recipients=[bureau_officer], title="局内通知", channel_names=())
    login(client, subdistrict_officer)
    assert client.post(f"/notifications/{n.pk}/open/").status_code == 404
    assert "局内通知" not in client.get("/notifications/").content.decode()
    n.refresh_from_db()
    assert n.read_at is None


def test_the_api_lists_the_users_notifications(client, subdistrict_officer, community_a):
    notify(recipients=[subdistrict_officer], title="API 可见", target=community_a, channel_names=())
    login(client, subdistrict_officer)
    body = client.get("/api/v1/notifications/").json()
    assert [n["title"] for n in body["results"]] == ["API 可见"]


# --- a target out of scope is hidden everywhere ------------------------------------------------------------


@pytest.fixture
def leaked(subdistrict_officer, community_b) -> Notification:
    """A notification about subdistrict B's community, sent to subdistrict A's officer by mistake."""
    (n,) = notify(recipients=[subdistrict_officer], title="乙社区的秘密", target=community_b,
                  url=f"/divisions/{community_b.pk}/", channel_names=())
    return n


def test_an_out_of_scope_target_is_not_in_the_inbox(client, subdistrict_officer, leaked):
    login(client, subdistrict_officer)
    resp = client.get("/notifications/")
    assert "乙社区的秘密" not in resp.content.decode()
    assert unread_badge(resp) == 0
    assert unread_count(subdistrict_officer) == 0


def test_an_out_of_scope_target_is_not_in_the_api(client, subdistrict_officer, leaked):
    login(client, subdistrict_officer)
    assert client.get("/api/v1/notifications/").json()["results"] == []
    assert client.get(f"/api/v1/notifications/{leaked.pk}/").status_code == 404


def test_an_out_of_scope_target_cannot_be_opened(client, subdistrict_officer, leaked):
    login(client, subdistrict_officer)
    assert client.post(f"/notifications/{leaked.pk}/open/").status_code == 404


def test_a_notification_disappears_when_the_scope_changes(client, subdistrict_officer, community_a, wanghai):
    notify(recipients=[subdistrict_officer], title="甲社区", target=community_a, channel_names=())
    assert unread_count(subdistrict_officer) == 1
    subdistrict_officer.division = wanghai
    subdistrict_officer.save(update_fields=["division"])
    assert unread_count(subdistrict_officer) == 0


# --- e-mail ------------------------------------------------------------------------------------------------


def test_a_notification_is_e_mailed_after_commit(subdistrict_officer, community_a, mailoutbox,
                                                 django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        (n,) = notify(recipients=[subdistrict_officer], title="请更新联系人", body="联系人已离职。",
                      url="/divisions/", target=community_a)
        assert mailoutbox == []  # nothing leaves before the transaction commits
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == [subdistrict_officer.email] and mail.subject == "请更新联系人"
    assert "联系人已离职。" in mail.body and "/divisions/" in mail.body
    assert n.deliveries.get().status == Delivery.Status.SENT


def test_a_user_without_an_e_mail_address_gets_only_the_inbox(subdistrict_officer, mailoutbox,
                                                              django_capture_on_commit_callbacks):
    subdistrict_officer.email = ""
    subdistrict_officer.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        (n,) = notify(recipients=[subdistrict_officer], title="只在站内")
    assert mailoutbox == [] and not n.deliveries.exists()
    assert unread_count(subdistrict_officer) == 1


def test_a_refused_mailbox_is_a_permanent_failure(settings, subdistrict_officer):
    settings.EMAIL_BACKEND = f"{MODULE}.RefusingBackend"
    (n,) = notify(recipients=[subdistrict_officer], title="x")
    delivery = n.deliveries.get()
    deliver_notification.call(delivery.pk)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (Delivery.Status.FAILED, 1)
    assert "mailbox unavailable" in delivery.error


def test_an_unreachable_mail_server_is_retried(settings, subdistrict_officer):
    settings.EMAIL_BACKEND = f"{MODULE}.UnreachableBackend"
    (n,) = notify(recipients=[subdistrict_officer], title="x")
    delivery = n.deliveries.get()
    deliver_notification.call(delivery.pk)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (Delivery.Status.FAILED, MAX_ATTEMPTS)


# --- the channel interface and the retry policy ------------------------------------------------------------


def test_a_permanent_transport_error_fails_without_retry(scripted, subdistrict_officer):
    scripted.script = [TransportError("no such recipient", permanent=True)]
    (n,) = notify(recipients=[subdistrict_officer], title="x", channel_names=("scripted",))
    delivery = n.deliveries.get()
    deliver_notification.call(delivery.pk)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.error) == (Delivery.Status.FAILED, 1, "no such recipient")
    assert scripted.calls == 1


def test_a_temporary_error_is_retried_up_to_the_limit(scripted, subdistrict_officer):
    scripted.script = [TransportError("busy")] * (MAX_ATTEMPTS + 2)
    (n,) = notify(recipients=[subdistrict_officer], title="x", channel_names=("scripted",))
    delivery = n.deliveries.get()
    assert deliver_notification.call(delivery.pk) == Delivery.Status.FAILED
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (Delivery.Status.FAILED, MAX_ATTEMPTS)
    assert scripted.calls == MAX_ATTEMPTS


def test_a_temporary_error_then_success_is_sent(scripted, subdistrict_officer):
    scripted.script = [TransportError("busy"), None]
    (n,) = notify(recipients=[subdistrict_officer], title="x", channel_names=("scripted",))
    delivery = n.deliveries.get()
    delivery_attempt(delivery)
    assert (delivery.status, delivery.attempts, delivery.error) == (Delivery.Status.PENDING, 1, "busy")
    delivery_attempt(delivery)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.error) == (Delivery.Status.SENT, 2, "")


def test_an_unknown_channel_fails_permanently(subdistrict_officer):
    (n,) = notify(recipients=[subdistrict_officer], title="x", channel_names=())
    delivery = Delivery.objects.create(notification=n, channel="pigeon")
    deliver_notification.call(delivery.pk)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (Delivery.Status.FAILED, 1)
