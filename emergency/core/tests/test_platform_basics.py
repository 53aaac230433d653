"""Health check, security headers, offline static assets and the background-job mechanism."""

import subprocess
import sys
from datetime import timedelta

from django.conf import settings
from django.test import override_settings
from django.utils import timezone

from conftest import login
from emergency.core import scheduler
from emergency.core.models import Notification, ScheduledJob


def test_healthz_checks_the_database(client, db):
    resp = client.get("/healthz")
    assert resp.status_code == 200
    assert resp.json()["database"] == "ok"


def test_pages_carry_a_csp_without_inline_script_and_security_headers(client, bureau_officer):
    login(client, bureau_officer)
    resp = client.get("/")
    csp = resp["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert resp["X-Frame-Options"] == "DENY"
    assert resp["X-Content-Type-Options"] == "nosniff"
    assert resp["Referrer-Policy"] == "same-origin"
    body = resp.content.decode()
    # No inline executable script: every <script> has a src or is a JSON data block.
    for tag in body.split("<script")[1:]:
        head = tag.split(">", 1)[0]
        assert "src=" in head or 'type="application/json"' in head, head
    assert " style=" not in body and "onclick=" not in body


def test_forms_are_protected_by_csrf(db, bureau_officer):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    login(client, bureau_officer)
    resp = client.post("/divisions/new/", {"code": "x"})
    assert resp.status_code == 403


def test_secure_cookies_outside_debug_and_demo():
    # The test run is neither DEBUG nor DEMO but TESTING; production derives the same flags.
    assert settings.SESSION_COOKIE_HTTPONLY is True
    code = ("import os;os.environ.update(SECRET_KEY='x'*50);import emergency.settings as s;"
            "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS > 0)")
    env = {"PATH": "/usr/bin:/bin", "DEBUG": "False", "DEMO": "False", "TESTING": "False",
           "VAR_DIR": str(settings.VAR_DIR)}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         cwd=settings.BASE_DIR, check=True)
    assert out.stdout.split() == ["True", "True", "True"]


def test_no_page_template_points_at_a_cdn():
    hosts = ("cdn.", "unpkg", "jsdelivr", "googleapis", "bootcdn", "staticfile")
    for path in (settings.BASE_DIR / "templates").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert not any(h in text for h in hosts), path


def test_vendored_assets_match_their_pinned_checksums():
    out = subprocess.run([sys.executable, "scripts/refresh_vendor.py", "--check"], cwd=settings.BASE_DIR,
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
    for pkg in ("bootstrap", "echarts"):
        assert (settings.BASE_DIR / "static" / "vendor" / pkg / "LICENSE").exists()


@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_run_jobs_enqueues_due_jobs_and_works_the_database_queue(transactional_db, bureau_officer):
    # transactional_db: the worker closes its connection between tasks, as in production.
    from django.core.management import call_command

    # A password that expires in 3 days triggers the daily reminder job.
    bureau_officer.password_changed_at = timezone.now() - timedelta(days=87)
    bureau_officer.save()
    call_command("run_jobs", "--once")
    assert ScheduledJob.objects.get(name="password_expiry_reminders").last_run_at is not None
    assert Notification.objects.filter(recipient=bureau_officer).count() == 1
    # A second pass within the interval does not run the job again.
    assert scheduler.enqueue_due() == []
    call_command("run_jobs", "--once")
    assert Notification.objects.filter(recipient=bureau_officer).count() == 1


def test_a_job_runs_again_once_its_interval_has_passed(db):
    assert "password_expiry_reminders" in scheduler.enqueue_due()
    later = timezone.now() + timedelta(days=1, minutes=1)
    assert "password_expiry_reminders" in scheduler.enqueue_due(now=later)


def test_an_english_browser_still_opens_in_chinese_until_the_user_switches(client, db):
    resp = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert 'lang="zh-hans"' in resp.content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert 'lang="en"' in client.get("/accounts/login/").content.decode()


def test_error_pages_are_in_the_shell_and_in_chinese(client, subdistrict_officer, community_b):
    login(client, subdistrict_officer)
    resp = client.get(f"/divisions/{community_b.pk}/")
    assert resp.status_code == 404
    assert "未找到" in resp.content.decode()
