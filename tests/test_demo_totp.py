"""Issue 11: `make demo-totp` works in a new shell and prints the key the way authenticator apps take it."""

from __future__ import annotations

import base64
import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django_otp.oath import totp

from emergency.core import demo
from emergency.core.management.commands.demo_totp import otpauth_uri, totp_key_base32


def test_the_key_in_base32_is_the_demo_key():
    key = totp_key_base32()
    assert re.fullmatch(r"[A-Z2-7]+", key)
    assert base64.b32decode(key + "=" * (-len(key) % 8)) == bytes.fromhex(demo.DEMO_TOTP_KEY)
    assert otpauth_uri().startswith("otpauth://totp/") and f"secret={key}" in otpauth_uri()


def test_the_command_prints_the_code_the_key_the_uri_and_a_qr_code(settings):
    settings.DEMO = True
    out = io.StringIO()
    codes = {f"{totp(bytes.fromhex(demo.DEMO_TOTP_KEY), step=30, t0=0, digits=6, drift=d):06d}" for d in (0, 1)}
    call_command("demo_totp", stdout=out)
    text = out.getvalue()
    assert text[:6] in codes
    assert totp_key_base32() in text and otpauth_uri() in text
    assert "█" in text or "▀" in text  # the QR code
    out = io.StringIO()
    call_command("demo_totp", "--no-qr", stdout=out)
    assert "▀" not in out.getvalue()


def test_outside_demo_it_says_how_to_run_it(settings):
    settings.DEMO = settings.DEBUG = False
    with pytest.raises(CommandError, match="make demo-totp"):
        call_command("demo_totp")


def test_make_demo_totp_sets_demo_and_the_readme_says_so():
    makefile = (Path(settings.BASE_DIR) / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^demo-totp:\n\tDEMO=True \$\(BIN\)/python manage.py demo_totp", makefile, re.M)
    assert "make demo-totp" in (Path(settings.BASE_DIR) / "README.md").read_text(encoding="utf-8")


def test_seed_demo_prints_the_base32_key(monkeypatch):
    monkeypatch.setattr(demo, "load_all", lambda: [("bureau_admin", "bureau_admin")])  # the printout only
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert totp_key_base32() in out.getvalue()
