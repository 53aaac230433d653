"""Attachments are read only through the parent record's scope, and only safe files get in."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import NoReverseMatch, reverse
from PIL import Image

from conftest import login
from emergency.core.attachments import attachment_add
from emergency.core.models import Attachment, AuditEvent

REPORT = b"%PDF-1.4 inspection report of community A"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(out, format="PNG")
    return out.getvalue()


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


@pytest.fixture
def report(community_a, subdistrict_officer) -> Attachment:
    return attachment_add(acting_user=subdistrict_officer, parent=community_a, uploaded=upload("报告.pdf", REPORT))


def url_of(att: Attachment) -> str:
    return f"/attachments/{att.token}/"


def body(resp) -> bytes:
    return b"".join(resp.streaming_content) if resp.streaming else resp.content


def test_the_file_is_stored_under_media_root(report, media):
    assert (media / report.file.name).read_bytes() == REPORT


@pytest.mark.parametrize("persona", ["subdistrict_officer", "bureau_officer", "bureau_admin"])
def test_the_own_subdistrict_and_the_bureau_download_it(client, request, db, persona, report):
    user = request.getfixturevalue(persona)
    login(client, user)
    resp = client.get(url_of(report))
    assert resp.status_code == 200
    assert body(resp) == REPORT
    assert "attachment" in resp["Content-Disposition"]
    event = AuditEvent.objects.get(event_type="download")
    assert event.actor == user and event.success
    assert event.object_type == "core.Attachment" and event.object_id == str(report.pk)
    assert event.object_repr == "报告.pdf"


@pytest.mark.parametrize("persona", ["other_subdistrict_officer", "department_clerk", "enterprise_manager",
                                     "expert", "system_admin", "security_admin", "audit_admin"])
def test_out_of_scope_users_get_404_even_with_the_url(client, request, db, persona, report):
    user = request.getfixturevalue(persona)
    login(client, user)
    resp = client.get(url_of(report))
    assert resp.status_code == 404
    assert REPORT not in body(resp)
    denied = AuditEvent.objects.get(event_type="access_denied")
    assert denied.actor == user and not denied.success and denied.object_type == "core.Attachment"


def test_an_anonymous_visitor_is_sent_to_login(client, report):
    resp = client.get(url_of(report))
    assert resp.status_code == 302 and resp["Location"].startswith("/accounts/login/")
    assert REPORT not in resp.content


def test_an_archived_attachment_is_not_served(client, subdistrict_officer, report):
    Attachment.objects.filter(pk=report.pk).update(archived_at="2026-01-01T00:00:00Z")
    login(client, subdistrict_officer)
    assert client.get(url_of(report)).status_code == 404


def test_an_unknown_token_is_404(client, bureau_officer):
    login(client, bureau_officer)
    assert client.get("/attachments/0123456789abcdef0123456789abcdef/").status_code == 404


def test_nothing_is_served_under_media(client, settings, bureau_officer, report):
    assert settings.MEDIA_URL is None
    login(client, bureau_officer)
    assert client.get(f"/media/{report.file.name}").status_code == 404
    assert client.get(f"/{report.file.name}").status_code == 404
    with pytest.raises(NoReverseMatch):
        reverse("django.views.static.serve", kwargs={"path": report.file.name})


def test_the_detail_page_links_the_scoped_view_not_the_file(client, subdistrict_officer, community_a, report):
    login(client, subdistrict_officer)
    page = client.get(f"/divisions/{community_a.pk}/").content.decode()
    assert url_of(report) in page
    assert report.file.name not in page


# --- type and size limits ---------------------------------------------------------------------------------


def test_an_executable_is_rejected(community_a, subdistrict_officer):
    with pytest.raises(ValidationError) as exc:
        attachment_add(acting_user=subdistrict_officer, parent=community_a, uploaded=upload("setup.exe", b"MZ\x90"))
    assert "file" in exc.value.message_dict
    assert not Attachment.objects.exists()


def test_a_double_extension_is_judged_by_its_last_part(community_a, subdistrict_officer):
    with pytest.raises(ValidationError):
        attachment_add(acting_user=subdistrict_officer, parent=community_a, uploaded=upload("photo.png.exe", b"MZ"))


def test_a_file_over_the_size_limit_is_rejected(settings, community_a, subdistrict_officer):
    settings.ATTACHMENT_MAX_BYTES = 1024
    with pytest.raises(ValidationError) as exc:
        attachment_add(acting_user=subdistrict_officer, parent=community_a, uploaded=upload("big.txt", b"x" * 1025))
    assert "file" in exc.value.message_dict
    att = attachment_add(acting_user=subdistrict_officer, parent=community_a, uploaded=upload("ok.txt", b"x" * 1024))
    assert att.size == 1024


def test_a_png_that_is_not_an_image_is_rejected(community_a, subdistrict_officer, media):
    with pytest.raises(ValidationError) as exc:
        attachment_add(acting_user=subdistrict_officer, parent=community_a,
                       uploaded=upload("photo.png", b"MZ\x90\x00 this is a program"))
    assert "file" in exc.value.message_dict
    assert not Attachment.objects.exists()
    assert not any(p.is_file() for p in media.rglob("*"))


def test_a_real_png_is_accepted_and_audited(community_a, subdistrict_officer):
    att = attachment_add(acting_user=subdistrict_officer, parent=community_a, uploaded=upload("现场.png", png_bytes()))
    assert att.kind == "image" and att.extension == ".png" and att.size == len(png_bytes())
    assert att.file.name.endswith(f"{att.token}.png")  # the stored name never comes from the uploader
    event = AuditEvent.objects.get(event_type="create", object_type="core.Attachment")
    assert event.actor == subdistrict_officer and event.object_id == str(att.pk)
    assert event.changes == {"file": [None, "现场.png"], "parent": [None, f"core.Division:{community_a.pk}"]}


def test_the_upload_view_rejects_an_executable(client, subdistrict_officer, community_a):
    login(client, subdistrict_officer)
    resp = client.post(f"/divisions/{community_a.pk}/attach/", {"file": upload("tool.exe", b"MZ")}, follow=True)
    assert resp.status_code == 200
    assert any(m.level_tag == "error" for m in resp.context["messages"])
    assert not Attachment.objects.exists()


def test_the_upload_view_accepts_a_real_png(client, subdistrict_officer, community_a):
    login(client, subdistrict_officer)
    resp = client.post(f"/divisions/{community_a.pk}/attach/", {"file": upload("map.png", png_bytes())})
    assert resp.status_code == 302
    att = Attachment.objects.get()
    assert att.uploaded_by == subdistrict_officer
    assert body(client.get(url_of(att))) == png_bytes()


def test_the_other_subdistrict_cannot_upload_to_community_a(client, other_subdistrict_officer, community_a):
    login(client, other_subdistrict_officer)
    resp = client.post(f"/divisions/{community_a.pk}/attach/", {"file": upload("x.png", png_bytes())})
    assert resp.status_code == 404
    assert not Attachment.objects.exists()
