"""A line department sees its sector (管行业必须管安全), through a table the bureau edits (issue 10 §1)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import login, make_enterprise
from emergency.core.models import AuditEvent, Department
from emergency.core.scoping import NotAllowed
from emergency.enterprises import services
from emergency.enterprises.models import Enterprise, SectorSupervision


@pytest.fixture
def builder(guangfu):
    """A construction firm (E), supervised by 区住建委 (the department_clerk's department) in the shipped table."""
    return make_enterprise("乙建筑工程公司", 41, guangfu, industry="E")


@pytest.fixture
def factory(wanghai):
    return make_enterprise("丙机械制造公司", 42, wanghai, industry="C")


def _names(resp) -> set[str]:
    return {row["name"] for row in resp.json()["results"]}


def test_the_shipped_table_names_the_housing_department_for_construction(db):
    row = SectorSupervision.objects.get(industry="E", department__name="区住建委")
    assert "安全生产法" in row.source


def test_a_department_sees_the_enterprises_of_its_sector_only(client, department_clerk, builder, factory):
    login(client, department_clerk)
    resp = client.get(reverse("enterprises:list"))
    assert resp.status_code == 200
    assert [e.name for e in resp.context["page"]] == [builder.name]
    assert client.get(reverse("enterprises:detail", args=[builder.pk])).status_code == 200
    assert client.get(reverse("enterprises:detail", args=[factory.pk])).status_code == 404
    assert _names(client.get("/api/v1/enterprises/")) == {builder.name}
    assert client.get(reverse("enterprises:export")).status_code == 200


def test_a_department_reads_but_does_not_keep_the_registry(client, department_clerk, builder):
    login(client, department_clerk)
    assert client.get(reverse("enterprises:edit", args=[builder.pk])).status_code == 403
    assert client.get(reverse("enterprises:create")).status_code == 403
    assert client.post(reverse("enterprises:archive", args=[builder.pk])).status_code == 403
    with pytest.raises(NotAllowed):
        services.enterprise_update(acting_user=department_clerk, enterprise=builder, data={"principal": "某人"})
    assert Enterprise.objects.get(pk=builder.pk).principal == ""


def test_the_bureau_adds_a_sector_and_the_department_sees_it_at_once(client, bureau_officer, department_clerk,
                                                                     builder, factory):
    login(client, bureau_officer)
    housing = Department.objects.get(name="区住建委")
    resp = client.post(reverse("enterprises:sector_add"), {"industry": "C", "department": housing.pk,
                                                          "source": "区安委会成员单位职责清单"})
    assert resp.status_code == 302
    assert AuditEvent.objects.filter(event_type="create", object_type="enterprises.SectorSupervision").exists()
    login(client, department_clerk)
    assert _names(client.get("/api/v1/enterprises/")) == {builder.name, factory.name}


def test_archiving_a_sector_row_takes_the_sector_away(client, bureau_officer, department_clerk, builder):
    row = SectorSupervision.objects.get(industry="E", department__name="区住建委")
    login(client, bureau_officer)
    assert client.post(reverse("enterprises:sector_archive", args=[row.pk])).status_code == 302
    row.refresh_from_db()
    assert row.archived_at is not None  # archived, never deleted
    login(client, department_clerk)
    assert client.get(reverse("enterprises:detail", args=[builder.pk])).status_code == 404


def test_a_bad_row_is_a_form_error_and_changes_nothing(client, bureau_officer):
    login(client, bureau_officer)
    before = SectorSupervision.objects.count()
    resp = client.post(reverse("enterprises:sector_add"), {"industry": "Z", "department": "", "source": ""})
    assert resp.status_code == 400
    form = resp.context["form"]
    assert set(form.errors) == {"industry", "department", "source"}
    housing = Department.objects.get(name="区住建委")
    resp = client.post(reverse("enterprises:sector_add"), {"industry": "E", "department": housing.pk,
                                                          "source": "重复"})
    assert resp.status_code == 400 and "department" in resp.context["form"].errors
    assert SectorSupervision.objects.count() == before


@pytest.mark.parametrize("persona", ["department_clerk", "subdistrict_officer"])
def test_only_the_bureau_edits_the_table(client, request, persona):
    user = request.getfixturevalue(persona)
    login(client, user)
    resp = client.get(reverse("enterprises:sectors"))
    assert resp.status_code == 200 and resp.context["form"] is None
    row = SectorSupervision.objects.filter(archived_at__isnull=True).first()
    assert client.post(reverse("enterprises:sector_archive", args=[row.pk])).status_code == 403
    housing = Department.objects.get(name="区住建委")
    assert client.post(reverse("enterprises:sector_add"), {"industry": "A", "department": housing.pk,
                                                          "source": "x"}).status_code == 403
    assert SectorSupervision.objects.filter(industry="A").count() == 0


def test_the_sector_list_reads_in_a_bounded_number_of_queries(client, bureau_officer, django_assert_max_num_queries):
    login(client, bureau_officer)
    client.get(reverse("enterprises:sectors"))
    with django_assert_max_num_queries(12):
        assert client.get(reverse("enterprises:sectors")).status_code == 200
