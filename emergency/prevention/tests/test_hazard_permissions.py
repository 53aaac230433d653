"""Who sees and acts on which hidden hazards: enterprise isolation, jurisdictions, and the roles kept out."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import login, make_enterprise
from emergency.core.attachments import attachment_add, attachments_of
from emergency.core.models import AuditEvent
from emergency.prevention import services
from emergency.prevention.models import HiddenHazard

from .conftest import HazardLoop, hz_photo_file

pytestmark = pytest.mark.django_db
ACTIONS = ["hazard_register", "hazard_assess", "hazard_plan", "hazard_dual_report", "hazard_start", "hazard_submit",
           "hazard_accept", "hazard_supervise", "hazard_photos"]
# Enough for any action's form to pass validation, so only access decides the outcome.
EVERYTHING = {"hazard_class": "general", "deadline": "2099-01-01", "responsible_person": "x", "note": "x",
              "result": "passed", "recipient": "regulator", "reported_on": "2020-01-01", "evidence": "x",
              **HazardLoop.PLAN}


@pytest.fixture
def hazard_b(hz_loop_b):
    """Enterprise B's hazard (subdistrict 望海楼), with a before photo."""
    return hz_loop_b.report("冲床防护罩缺失", photos=[hz_photo_file("b.png")])


def pks(resp) -> list[int]:
    return [h.pk for h in resp.context["page"]]


def test_enterprise_a_sees_only_its_own_hazards_in_the_list(client, hz_loop, hazard_b):
    own = hz_loop.report()
    resp = login(client, hz_loop.user).get(reverse("prevention:hazard_list"))
    assert resp.status_code == 200
    assert pks(resp) == [own.pk]
    # Naming B's enterprise in the address reveals nothing either.
    named = client.get(reverse("prevention:hazard_list"), {"enterprise": hazard_b.enterprise_id})
    assert pks(named) == [own.pk] and named.context["chosen_enterprise"] is None


def test_enterprise_a_gets_404_for_bs_hazard_page(client, enterprise_manager, hazard_b):
    resp = login(client, enterprise_manager).get(reverse("prevention:hazard_detail", args=[hazard_b.pk]))
    assert resp.status_code == 404


@pytest.mark.parametrize("action", ACTIONS)
def test_enterprise_a_gets_404_for_every_action_on_bs_hazard(client, enterprise_manager, hazard_b, action):
    login(client, enterprise_manager)
    resp = client.post(reverse(f"prevention:{action}", args=[hazard_b.pk]), EVERYTHING)
    assert resp.status_code == 404
    hazard = HiddenHazard.objects.get(pk=hazard_b.pk)
    assert hazard.state == HiddenHazard.State.IDENTIFIED and hazard.hazard_class == ""
    assert attachments_of(hazard).count() == 1


def test_enterprise_a_gets_404_for_bs_photo(client, enterprise_manager, other_enterprise_manager, hazard_b):
    token = attachments_of(hazard_b).get().token
    url = reverse("core:attachment_download", args=[token])
    assert login(client, other_enterprise_manager).get(url).status_code == 200
    assert login(client, enterprise_manager).get(url).status_code == 404
    assert AuditEvent.objects.filter(event_type=AuditEvent.Type.ACCESS_DENIED, actor=enterprise_manager).exists()


def test_enterprise_a_cannot_act_on_bs_hazard_through_the_services(enterprise_manager, hazard_b):
    with pytest.raises(services.NotAllowed):
        services.hazard_register(acting_user=enterprise_manager, hazard=hazard_b)
    with pytest.raises(services.NotAllowed):
        services.hazard_report(acting_user=enterprise_manager, enterprise=hazard_b.enterprise, title="x")
    with pytest.raises(services.NotAllowed):
        attachment = hz_photo_file()
        services.hazard_submit_for_acceptance(acting_user=enterprise_manager, hazard=hazard_b, note="x",
                                              photos=[attachment])


def test_a_subdistrict_sees_its_own_area_only(client, subdistrict_officer, hz_loop, hazard_b):
    own_area = hz_loop.report()
    login(client, subdistrict_officer)
    assert pks(client.get(reverse("prevention:hazard_list"))) == [own_area.pk]
    named = client.get(reverse("prevention:hazard_list"), {"enterprise": hazard_b.enterprise_id})
    assert pks(named) == [] and named.context["chosen_enterprise"] is None
    assert client.get(reverse("prevention:hazard_detail", args=[own_area.pk])).status_code == 200
    assert client.get(reverse("prevention:hazard_detail", args=[hazard_b.pk])).status_code == 404
    resp = client.post(reverse("prevention:hazard_register", args=[hazard_b.pk]))
    assert resp.status_code == 404


def test_the_bureau_sees_every_hazard_and_filters_by_subdistrict(client, bureau_officer, hz_loop, hazard_b,
                                                                  guangfu, wanghai):
    own_area = hz_loop.report()
    login(client, bureau_officer)
    assert set(pks(client.get(reverse("prevention:hazard_list")))) == {own_area.pk, hazard_b.pk}
    assert pks(client.get(reverse("prevention:hazard_list"), {"subdistrict": wanghai.pk})) == [hazard_b.pk]
    assert pks(client.get(reverse("prevention:hazard_list"), {"subdistrict": guangfu.pk})) == [own_area.pk]
    assert pks(client.get(reverse("prevention:hazard_list"), {"enterprise": hazard_b.enterprise_id})) == [hazard_b.pk]
    assert pks(client.get(reverse("prevention:hazard_list"), {"enterprise_name": "乙机械"})) == [hazard_b.pk]
    drill_down = client.get(reverse("prevention:hazard_list"), {"enterprise": own_area.enterprise_id})
    assert pks(drill_down) == [own_area.pk] and drill_down.context["chosen_enterprise"] == own_area.enterprise


@pytest.mark.parametrize("persona", ["expert", "system_admin", "security_admin", "audit_admin"])
def test_experts_and_admins_are_kept_out(client, request, persona, hazard_b):
    login(client, request.getfixturevalue(persona))
    assert client.get(reverse("prevention:hazard_list")).status_code == 403
    assert client.get(reverse("prevention:hazard_detail", args=[hazard_b.pk])).status_code == 403
    assert client.post(reverse("prevention:hazard_register", args=[hazard_b.pk])).status_code == 403
    assert HiddenHazard.objects.get(pk=hazard_b.pk).state == HiddenHazard.State.IDENTIFIED


def test_an_anonymous_visitor_is_sent_to_log_in(client, hazard_b):
    resp = client.get(reverse("prevention:hazard_detail", args=[hazard_b.pk]))
    assert resp.status_code == 302 and "login" in resp.url


def test_actions_are_post_only(client, enterprise_manager, hz_loop):
    hazard = hz_loop.report()
    login(client, enterprise_manager)
    assert client.get(reverse("prevention:hazard_register", args=[hazard.pk])).status_code == 405
    assert HiddenHazard.objects.get(pk=hazard.pk).state == HiddenHazard.State.IDENTIFIED


def test_a_photo_upload_on_the_page_is_checked_and_added(client, hz_loop):
    hazard = hz_loop.report()
    login(client, hz_loop.user)
    url = reverse("prevention:hazard_photos", args=[hazard.pk])
    assert client.post(url, {"photos": [hz_photo_file("more.png")]}).status_code == 302
    resp = client.post(url, {"photos": [hz_photo_file("virus.exe")]})
    assert resp.status_code == 200 and "photos" in resp.context["forms"]["photos"].errors
    assert [a.original_name for a in attachments_of(hazard)] == ["more.png"]


# --- query counts ----------------------------------------------------------------------------------------


def fill(loop: HazardLoop, n: int) -> None:
    for i in range(n):
        loop.report(f"隐患{i}")


def list_queries(client, params=None) -> int:
    with CaptureQueriesContext(connection) as ctx:
        resp = client.get(reverse("prevention:hazard_list"), params or {})
    assert resp.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("persona", ["bureau_officer", "subdistrict_officer", "enterprise_manager"])
def test_the_list_query_count_does_not_grow_with_rows(client, request, persona, hz_loop, hz_loop_b,
                                                      django_assert_max_num_queries):
    login(client, request.getfixturevalue(persona))
    fill(hz_loop, 3)
    fill(hz_loop_b, 3)
    few = list_queries(client)
    fill(hz_loop, 25)
    fill(hz_loop_b, 25)
    for i in range(5):
        make_enterprise(f"丙{i}有限公司", 100 + i, hz_loop.enterprise.division)
    assert list_queries(client) == few
    assert list_queries(client, {"state": "identified", "overdue": "no", "q": "隐患"}) == few
    with django_assert_max_num_queries(15):
        client.get(reverse("prevention:hazard_list"), {"page": 2})


def test_a_bad_filter_or_page_is_ignored_not_a_500(client, bureau_officer, hz_loop):
    hz_loop.report()
    login(client, bureau_officer)
    for params in ({"state": "bogus"}, {"enterprise": "abc"}, {"subdistrict": "999999"}, {"page": "x"},
                   {"overdue": "maybe"}):
        assert client.get(reverse("prevention:hazard_list"), params).status_code == 200


def test_the_detail_page_query_count_does_not_grow_with_history(client, hz_loop, hz_colleague,
                                                                django_assert_max_num_queries):
    hazard = hz_loop.awaiting_acceptance("major")
    for i in range(3):
        attachment_add(acting_user=hz_loop.user, parent=hazard, uploaded=hz_photo_file(f"p{i}.png"))
    services.hazard_accept(acting_user=hz_colleague, hazard=hazard, passed=False, note="未完成")
    login(client, hz_colleague)
    with django_assert_max_num_queries(25):
        assert client.get(reverse("prevention:hazard_detail", args=[hazard.pk])).status_code == 200
