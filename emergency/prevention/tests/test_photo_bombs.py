"""An inspection photo that declares a huge image is refused on the phone's form (issue 9, item 8).

Django's ImageField catches Pillow's DecompressionBombError (> ~179 MP) itself; an image between Pillow's
warning and its error (~89.5 to ~179 MP) passed it and reached the attachment check, which now refuses it.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from PIL import Image

from conftest import login
from emergency.core.tests.bomb_png import bomb
from emergency.prevention.models import HiddenHazard, InspectionResult, InspectionTask


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")  # Pillow's, on the way to our refusal
@pytest.mark.parametrize("size", [(30000, 30000), (10_000, Image.MAX_IMAGE_PIXELS // 10_000 + 1)])
def test_a_bomb_as_inspection_photo_is_a_form_error(client, enterprise_manager, rp_point, size):
    phone = login(client, enterprise_manager)
    phone.post(reverse("prevention:mobile_point", args=[rp_point.qr_token]), {"level": "4"})
    task = InspectionTask.objects.get(risk_point=rp_point, state=InspectionTask.State.PENDING)
    data = {f"r_{m.pk}": "fail" for m in rp_point.measures.all()}
    first = rp_point.measures.order_by("pk").first()
    data[f"p_{first.pk}"] = bomb("photo.png", *size)
    resp = phone.post(reverse("prevention:mobile_check", args=[task.pk]), data)
    assert resp.status_code == 400
    assert resp.context["form"].errors
    assert not InspectionResult.objects.exists() and not HiddenHazard.objects.exists()
