"""A tiny PNG that declares a huge image is a clear form error, never a server error (issue 9, item 8).

Pillow refuses to open an image of more than ~179 megapixels with DecompressionBombError (not an OSError) and
only warns above ~89.5; the attachment check refused neither.
"""

from __future__ import annotations

import warnings

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from conftest import login
from emergency.core.attachments import attachment_add, attachments_of
from emergency.core.models import Attachment
from emergency.prevention import services
from emergency.prevention.models import HiddenHazard

from .bomb_png import bomb, declared_png


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_the_bomb_is_tiny_and_pillow_refuses_it():
    data = declared_png(30000, 30000)
    assert len(data) < 100
    with pytest.raises(Image.DecompressionBombError):
        Image.open(SimpleUploadedFile("x.png", data))


def test_an_attachment_that_declares_30000_by_30000_pixels_is_refused(community_a, bureau_officer):
    with pytest.raises(ValidationError) as caught:
        attachment_add(acting_user=bureau_officer, parent=community_a, uploaded=bomb())
    assert "像素过多" in caught.value.message_dict["file"][0]
    assert not Attachment.objects.exists()


def test_an_image_just_over_the_bound_is_refused_although_pillow_only_warns(community_a, bureau_officer):
    width, height = 10_000, Image.MAX_IMAGE_PIXELS // 10_000 + 1
    upload = SimpleUploadedFile("wide.png", declared_png(width, height))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        with pytest.raises(ValidationError) as caught:
            attachment_add(acting_user=bureau_officer, parent=community_a, uploaded=upload)
    assert "像素过多" in caught.value.message_dict["file"][0]


def test_the_warning_as_an_error_is_refused_the_same_way(community_a, bureau_officer):
    upload = SimpleUploadedFile("wide.png", declared_png(10_000, Image.MAX_IMAGE_PIXELS // 10_000 + 1))
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        with pytest.raises(ValidationError):
            attachment_add(acting_user=bureau_officer, parent=community_a, uploaded=upload)


def test_a_photo_at_the_bound_is_accepted(community_a, bureau_officer):
    # 8000 × 6000 (48 MP) is declared but not decoded: verify() reads the chunks only.
    att = attachment_add(acting_user=bureau_officer, parent=community_a,
                         uploaded=SimpleUploadedFile("phone.png", declared_png(8000, 6000)))
    assert att.kind == "image"


def test_the_attachment_form_shows_the_refusal(client, bureau_officer, community_a):
    login(client, bureau_officer)
    resp = client.post(reverse("core:division_attach", args=[community_a.pk]), {"file": bomb()}, follow=True)
    assert resp.status_code == 200
    assert any("像素过多" in str(m) for m in resp.context["messages"])
    assert not attachments_of(community_a).exists()


def test_a_hazard_reported_with_the_bomb_as_photo_is_a_form_error(client, enterprise_manager):
    login(client, enterprise_manager)
    resp = client.post(reverse("prevention:hazard_report"), {"title": "配电箱门未关闭", "photos": [bomb()]})
    assert resp.status_code == 200
    assert "像素过多" in str(resp.context["form"].errors["photos"])
    assert not HiddenHazard.objects.exists()


def test_the_bomb_added_to_a_hazard_is_a_form_error(client, enterprise_a, enterprise_manager):
    hazard = services.hazard_report(acting_user=enterprise_manager, enterprise=enterprise_a, title="储罐区法兰泄漏")
    login(client, enterprise_manager)
    resp = client.post(reverse("prevention:hazard_photos", args=[hazard.pk]), {"photos": [bomb()]})
    assert resp.status_code == 200
    assert "photos" in resp.context["forms"]["photos"].errors
    assert not attachments_of(hazard).exists()
