"""FastSelect writes the same HTML as Django's Select, only faster (no template include per option)."""

from __future__ import annotations

import pytest
from django import forms
from django.test.html import parse_html

from emergency.core.forms import FastSelect
from emergency.core.models import Division

CHOICES = [("", "—"), ("a", "甲 & <乙>"), ("b", "\"引号\""), ("Group", [("c", "丙"), ("d", "丁")])]


@pytest.mark.parametrize("value", ["", "a", "c", None, "zzz"])
@pytest.mark.parametrize("attrs", [None, {"class": "form-select is-invalid", "id": "id_x", "required": True}])
def test_it_renders_what_django_renders(value, attrs):
    fast = FastSelect(choices=CHOICES).render("x", value, attrs)
    slow = forms.Select(choices=CHOICES).render("x", value, attrs)
    assert parse_html(fast) == parse_html(slow)
    assert "&lt;乙&gt;" in fast  # labels are escaped


def test_a_model_choice_field_with_it_renders_and_selects_like_django(db):
    qs = Division.objects.order_by("code")[:5]
    first = qs[0]
    fast = forms.ModelChoiceField(queryset=qs, widget=FastSelect).widget.render("d", first.pk, {"id": "id_d"})
    slow = forms.ModelChoiceField(queryset=qs).widget.render("d", first.pk, {"id": "id_d"})
    assert parse_html(fast) == parse_html(slow)
    assert f'<option value="{first.pk}" selected>' in fast
