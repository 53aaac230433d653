"""Use case: a regulator registers an enterprise; its unified social credit code must carry a correct check digit."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from conftest import login
from emergency.enterprises import services
from emergency.enterprises.forms import EnterpriseForm
from emergency.enterprises.models import Enterprise, validate_credit_code
from emergency.enterprises.selectors import choosable_divisions
from emergency.lib.credit_code import complete

from .conftest import code, form_data

# Published on real business licences: Shenzhen Tencent Computer Systems Co., Ltd. and Huawei Technologies Co., Ltd.
REAL_CODES = ["91440300708461136T", "914403001922038216"]
WRONG_CHECK_DIGIT = code(7)[:17] + ("0" if code(7)[17] != "0" else "1")


def _form(user, guangfu, **overrides) -> EnterpriseForm:
    return EnterpriseForm(form_data(division=guangfu.pk, **overrides), user=user,
                          divisions=choosable_divisions(user))


@pytest.mark.parametrize("valid", [complete("91120105MA0000001"), complete("12120105000000000"),
                                   complete("Y1120105MA05KDGX3"), *REAL_CODES])
def test_it_accepts_a_code_with_the_right_check_digit(valid, bureau_officer, guangfu):
    form = _form(bureau_officer, guangfu, credit_code=valid)
    assert form.is_valid(), form.errors
    enterprise = services.enterprise_create(acting_user=bureau_officer, **form.changes_for_service())
    assert enterprise.credit_code == valid


def test_it_normalises_lower_case_and_spaces(bureau_officer, guangfu):
    typed = " " + REAL_CODES[0].lower()[:9] + " " + REAL_CODES[0].lower()[9:]
    form = _form(bureau_officer, guangfu, credit_code=typed)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["credit_code"] == REAL_CODES[0]


def _message(code_: str) -> str:
    """The field error a person reads for a bad code, in the language the page is shown in."""
    with translation.override("zh-hans"):
        try:
            validate_credit_code(code_)
        except ValidationError as exc:
            return exc.messages[0]
    raise AssertionError(f"{code_} is valid")


@pytest.mark.parametrize(("bad", "reason"), [
    (WRONG_CHECK_DIGIT, "check_digit"),
    (REAL_CODES[0][:17] + "U", "check_digit"),
    (code(7)[:17], "length"),
    (code(7) + "0", "length"),
    ("", "required"),
])
def test_it_rejects_a_mistyped_code_with_a_field_error(bad, reason, bureau_officer, guangfu):
    form = _form(bureau_officer, guangfu, credit_code=bad)
    assert not form.is_valid()
    assert form.has_error("credit_code", code=reason)
    assert list(form.errors) == ["credit_code"]


@pytest.mark.parametrize("letter", ["I", "O", "S", "V", "Z"])
def test_it_rejects_the_letters_the_standard_forbids(letter, bureau_officer, guangfu):
    # Build the code so that only the forbidden letter is wrong: the check digit is computed with a legal stand-in.
    first17 = complete("91120105MA0000123")[:17]
    bad = first17[:12] + letter + first17[13:] + "0"
    form = _form(bureau_officer, guangfu, credit_code=bad)
    assert not form.is_valid()
    assert form.has_error("credit_code", code="characters")
    with pytest.raises(ValidationError) as exc:
        services.enterprise_create(acting_user=bureau_officer, **dict(form_data(division=guangfu, credit_code=bad),
                                                                      above_scale=True, employees=1, latitude=None,
                                                                      longitude=None))
    assert "credit_code" in exc.value.message_dict


@pytest.mark.parametrize("bad", [WRONG_CHECK_DIGIT, "91120105MA00001", "91120105MA000012O"])
def test_the_service_refuses_a_bad_code_and_writes_nothing(bad, bureau_officer, guangfu):
    with pytest.raises(ValidationError) as exc:
        services.enterprise_create(acting_user=bureau_officer, name="坏代码公司", credit_code=bad, industry="C",
                                   division=guangfu, address="某路", legal_representative="甲")
    assert "credit_code" in exc.value.message_dict
    assert not Enterprise.objects.filter(name="坏代码公司").exists()


def test_the_create_page_shows_the_check_digit_error_and_keeps_the_input(client, bureau_officer, guangfu):
    login(client, bureau_officer)
    resp = client.post("/enterprises/new/", form_data(division=guangfu.pk, credit_code=WRONG_CHECK_DIGIT))
    assert resp.status_code == 400
    page = resp.content.decode()
    assert _message(WRONG_CHECK_DIGIT) in page
    assert WRONG_CHECK_DIGIT in page and "丙仓储有限公司" in page
    assert not Enterprise.objects.filter(name="丙仓储有限公司").exists()


def test_a_code_already_registered_is_a_field_error(client, bureau_officer, enterprise_a):
    login(client, bureau_officer)
    resp = client.post("/enterprises/new/", form_data(division=enterprise_a.division_id,
                                                      credit_code=enterprise_a.credit_code))
    assert resp.status_code == 400
    assert resp.context["form"].errors["credit_code"]
    assert Enterprise.objects.filter(credit_code=enterprise_a.credit_code).count() == 1
