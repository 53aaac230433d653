"""Password rules: 8 characters, 3 of 4 classes, changed on first login and every 90 days, read from the table."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils import timezone

from conftest import PASSWORD, login
from emergency.core.models import AuditEvent, Rule

CHANGE = "/accounts/password/"
PAGES = ["/", "/divisions/", "/departments/", "/map/", "/notifications/", "/accounts/profile/"]


@pytest.fixture(autouse=True)
def fresh_rules():
    cache.clear()
    yield
    cache.clear()


def set_rule(key: str, value) -> None:
    """A deployment edits the table; the cached value is dropped so the new value is in force."""
    Rule.objects.filter(key=key).update(value=value)
    cache.clear()


def codes(password: str) -> set[str]:
    try:
        validate_password(password)
    except ValidationError as exc:
        return {e.code for e in exc.error_list}
    return set()


@pytest.mark.django_db
@pytest.mark.parametrize(("password", "expected"), [
    ("Tq7#zkw", {"password_too_short"}),          # 7 characters, 4 classes
    ("Tq7mzkwp", set()),                          # 8 characters, 3 classes
    ("tq7mzkwp", {"password_too_simple"}),        # 8 characters, 2 classes
    ("tq#mzkwp", {"password_too_simple"}),        # 8 characters, 2 classes (lower + symbol)
    ("TQ7#ZKWP", set()),                          # 8 characters, 3 classes without lower case
    ("Tq7#zkwpR", set()),                         # 9 characters, 4 classes
])
def test_the_password_policy_at_its_boundaries(password, expected):
    assert codes(password) == expected


def change(client, old: str, new: str):
    return client.post(CHANGE, {"old_password": old, "new_password1": new, "new_password2": new})


def test_the_change_view_rejects_seven_characters(client, bureau_officer):
    login(client, bureau_officer)
    resp = change(client, PASSWORD, "Tq7#zkw")
    assert resp.status_code == 200 and resp.context["form"].errors
    bureau_officer.refresh_from_db()
    assert bureau_officer.check_password(PASSWORD)


def test_the_change_view_rejects_two_classes(client, bureau_officer):
    login(client, bureau_officer)
    assert change(client, PASSWORD, "tq7mzkwp").status_code == 200
    bureau_officer.refresh_from_db()
    assert bureau_officer.check_password(PASSWORD)


def test_the_change_view_accepts_eight_characters_of_three_classes_and_audits_it(client, bureau_officer):
    login(client, bureau_officer)
    resp = change(client, PASSWORD, "Tq7mzkwp")
    assert resp.status_code == 302
    bureau_officer.refresh_from_db()
    assert bureau_officer.check_password("Tq7mzkwp")
    assert timezone.now() - bureau_officer.password_changed_at < timedelta(minutes=1)
    event = AuditEvent.objects.get(event_type="password_changed")
    assert event.actor == bureau_officer and event.success
    assert event.object_type == "accounts.User" and event.object_id == str(bureau_officer.pk)
    assert "Tq7mzkwp" not in str(event.changes) and PASSWORD not in str(event.changes)
    # The session survives the change (update_session_auth_hash).
    assert client.get("/").status_code == 200


def test_the_change_view_refuses_a_wrong_current_password(client, bureau_officer):
    login(client, bureau_officer)
    resp = change(client, "Wrong#Pass1", "Tq7mzkwp")
    assert "old_password" in resp.context["form"].errors
    assert not AuditEvent.objects.filter(event_type="password_changed").exists()


def test_the_minimum_length_follows_the_rules_table(bureau_officer):
    set_rule("security.password_min_length", 10)
    assert codes("Tq7#zkwpq") == {"password_too_short"}
    assert codes("Tq7#zkwpqr") == set()


def test_the_class_count_follows_the_rules_table(bureau_officer):
    set_rule("security.password_min_classes", 4)
    assert codes("Tq7mzkwp") == {"password_too_simple"}
    assert codes("Tq7#zkwp") == set()


# --- forced change on first login --------------------------------------------------------------------------


@pytest.fixture
def newcomer(bureau_officer):
    bureau_officer.must_change_password = True
    bureau_officer.save(update_fields=["must_change_password"])
    return bureau_officer


@pytest.mark.parametrize("url", PAGES)
def test_a_new_account_is_sent_to_change_its_password_from_every_page(client, newcomer, url):
    login(client, newcomer)
    resp = client.get(url)
    assert resp.status_code == 302
    assert resp["Location"] == f"{CHANGE}?next={url}"


def test_a_new_account_gets_no_api_data_before_changing_its_password(client, newcomer):
    login(client, newcomer)
    resp = client.get("/api/v1/divisions/")
    assert resp.status_code == 403
    assert resp.json()["error"]["code"] == "not_authenticated"


def test_the_first_login_redirects_to_the_password_change(client, newcomer):
    resp = client.post("/accounts/login/", {"username": newcomer.username, "password": PASSWORD}, follow=True)
    assert resp.redirect_chain[-1][0].startswith(CHANGE)


def test_a_new_account_reaches_its_pages_after_changing_the_password(client, newcomer):
    login(client, newcomer)
    assert client.get(CHANGE).status_code == 200
    assert change(client, PASSWORD, "Tq7mzkwp").status_code == 302
    assert client.get("/divisions/").status_code == 200


# --- expiry after 90 days ----------------------------------------------------------------------------------


def aged(user, days: int):
    user.password_changed_at = timezone.now() - timedelta(days=days)
    user.save(update_fields=["password_changed_at"])
    return user


def test_a_password_91_days_old_must_be_changed(client, bureau_officer):
    login(client, aged(bureau_officer, 91))
    resp = client.get("/divisions/")
    assert resp.status_code == 302 and resp["Location"].startswith(CHANGE)


def test_a_password_89_days_old_is_still_good(client, bureau_officer):
    login(client, aged(bureau_officer, 89))
    assert client.get("/divisions/").status_code == 200


def test_the_expiry_follows_the_rules_table(client, bureau_officer):
    set_rule("security.password_max_age_days", 60)
    login(client, aged(bureau_officer, 61))
    assert client.get("/divisions/").status_code == 302
    set_rule("security.password_max_age_days", 90)
    assert client.get("/divisions/").status_code == 200
