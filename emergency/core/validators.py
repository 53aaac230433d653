"""Validators shared by every domain."""

from __future__ import annotations

import functools

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy

# Text without C0 control characters other than tab, line feed and carriage return, and without DEL: they are
# invisible, meaningless in a name or a note, and illegal in the XML of the .xlsx/.docx exports. A
# RegexValidator, so that drf-spectacular writes the pattern into the API schema for fields without their own.
refuse_control_characters = RegexValidator(
    r"\A[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*\Z",
    message=gettext_lazy("Remove the invisible control character from this text (it often comes with text pasted "
                         "from another program)."),
    code="control_characters")


def _also_refusing_control_characters(init):
    @functools.wraps(init)
    def __init__(self, *args, **kwargs):
        init(self, *args, **kwargs)
        if refuse_control_characters not in self.validators:
            self.validators.append(refuse_control_characters)

    __init__.refuses_control_characters = True
    return __init__


def install_text_validators() -> None:
    """Make every Django form CharField and every DRF serializer CharField (subclasses included) refuse
    control characters. Called once from CoreConfig.ready(), before any form or serializer module loads.

    Both classes append their own NUL-character validator at the end of __init__, and so does this.
    `default_validators` would not do: DRF drops it whenever `validators=` is passed, which ModelSerializer
    does for every model field with a max_length, and Django's EmailField, URLField and SlugField replace it.
    """
    from rest_framework import serializers

    for cls in (forms.CharField, serializers.CharField):
        if not getattr(cls.__init__, "refuses_control_characters", False):
            cls.__init__ = _also_refusing_control_characters(cls.__init__)
