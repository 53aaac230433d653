"""Production refuses to start with the default secret key or with active demo accounts."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from conftest import make_user
from emergency.core.checks import refuse_unsafe_production
from emergency.core.models import AuditEvent
from emergency.core.roles import Role

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def demo_account(db):
    return make_user("demo_officer", Role.BUREAU_STAFF, is_demo=True)


def test_production_refuses_an_active_demo_account(settings, demo_account):
    settings.PRODUCTION = True
    with pytest.raises(ImproperlyConfigured, match="Demo accounts are active"):
        refuse_unsafe_production()


def test_production_starts_once_demo_accounts_are_deactivated(settings, demo_account):
    settings.PRODUCTION = True
    out = io.StringIO()
    call_command("deactivate_demo", stdout=out)
    assert "Deactivated 1 demo accounts." in out.getvalue()
    demo_account.refresh_from_db()
    assert not demo_account.is_active
    refuse_unsafe_production()
    # Through the accounts service: audited under the operator's command, as a system administrator's would be.
    event = AuditEvent.objects.get(event_type=AuditEvent.Type.ACCOUNT_UPDATED, object_id=str(demo_account.pk))
    assert event.actor is None and event.actor_username == "manage.py"
    assert event.changes == {"is_active": [True, False]}


def test_production_starts_without_demo_accounts(settings, bureau_officer):
    settings.PRODUCTION = True
    refuse_unsafe_production()


def test_a_demo_deployment_may_keep_its_demo_accounts(settings, demo_account):
    settings.PRODUCTION = False
    refuse_unsafe_production()


# --- importing the settings in a clean environment ---------------------------------------------------------


def run(code: str, tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    clean = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "VAR_DIR": str(tmp_path),
             "DJANGO_SETTINGS_MODULE": "emergency.settings", **env}
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True,
                          timeout=120)


def test_production_settings_refuse_the_default_secret_key(tmp_path):
    result = run("import emergency.settings", tmp_path)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "SECRET_KEY" in result.stderr


def test_production_settings_refuse_the_default_secret_key_even_when_given_explicitly(tmp_path):
    result = run("import emergency.settings", tmp_path, SECRET_KEY="insecure-demo-key-change-me",
                 DEBUG="False", DEMO="False", TESTING="False")
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr


def test_production_settings_load_with_a_real_secret_key(tmp_path):
    result = run("import emergency.settings as s; assert s.PRODUCTION and s.SESSION_COOKIE_SECURE; print('ok')",
                 tmp_path, SECRET_KEY="a-real-secret-" + "x" * 40)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


@pytest.mark.parametrize("flag", ["DEBUG", "DEMO"])
def test_a_debug_or_demo_deployment_may_use_the_default_key(tmp_path, flag):
    result = run("import emergency.settings as s; assert not s.PRODUCTION", tmp_path, **{flag: "True"})
    assert result.returncode == 0, result.stderr


def test_a_misspelt_flag_is_refused_rather_than_read_as_false(tmp_path):
    result = run("import emergency.settings", tmp_path, DEBUG="yes")
    assert result.returncode != 0 and "DEBUG must be True or False" in result.stderr


def test_the_wsgi_application_refuses_to_start_with_demo_accounts(tmp_path):
    """End to end: a database with an active demo account stops the production WSGI app from loading."""
    demo = {"DEMO": "True"}
    migrate = run("import django; django.setup(); from django.core.management import call_command; "
                  "call_command('migrate', verbosity=0)", tmp_path, **demo)
    assert migrate.returncode == 0, migrate.stderr
    create = run("import django; django.setup(); from emergency.accounts.models import User; "
                 "User.objects.create(username='demo', role='bureau_staff', is_demo=True, password='!')", tmp_path, **demo)
    assert create.returncode == 0, create.stderr
    production = {"SECRET_KEY": "a-real-secret-" + "x" * 40}
    refused = run("import emergency.wsgi", tmp_path, **production)
    assert refused.returncode != 0 and "Demo accounts are active" in refused.stderr
    deactivate = run("import django; django.setup(); from django.core.management import call_command; "
                     "call_command('deactivate_demo')", tmp_path, **production)
    assert deactivate.returncode == 0, deactivate.stderr
    started = run("import emergency.wsgi; print(type(emergency.wsgi.application).__name__)", tmp_path, **production)
    assert started.returncode == 0, started.stderr
    assert started.stdout.strip() == "WSGIHandler"
