"""A period or item id that is not an id is ignored or a 404, never a server error (issue 9, item 8)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from conftest import login


@pytest.mark.parametrize("bad", ["²", "99999999999999999999", "1e30"])
def test_a_bad_period_shows_the_current_one(bureau_officer, plan, bad):
    client = login(Client(raise_request_exception=False), bureau_officer)
    assert client.get(reverse("plans:dashboard", args=[plan.pk]), {"period": bad}).status_code == 200


@pytest.mark.parametrize("bad", ["²", "99999999999999999999"])
def test_a_bad_indicator_item_is_a_404(bureau_officer, plan, bad):
    client = login(Client(raise_request_exception=False), bureau_officer)
    assert client.post(reverse("plans:indicators", args=[plan.pk]), {"item": bad}).status_code == 404
