from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from emergency.core.rules import rule_value

CLASSES = (
    ("lower", re.compile(r"[a-z]")),
    ("upper", re.compile(r"[A-Z]")),
    ("digit", re.compile(r"[0-9]")),
    ("symbol", re.compile(r"[^A-Za-z0-9]")),
)


class PolicyPasswordValidator:
    """Length and character-class rule; the numbers come from the rules table."""

    def validate(self, password: str, user=None) -> None:  # noqa: ARG002
        min_length = int(rule_value("security.password_min_length"))
        min_classes = int(rule_value("security.password_min_classes"))
        errors = []
        if len(password) < min_length:
            errors.append(ValidationError(
                _("The password must be at least %(n)d characters long.") % {"n": min_length},
                code="password_too_short"))
        present = sum(1 for _name, rx in CLASSES if rx.search(password))
        if present < min_classes:
            errors.append(ValidationError(
                _("The password must use at least %(n)d of: lower-case letters, upper-case letters, digits, "
                  "symbols.") % {"n": min_classes},
                code="password_too_simple"))
        if errors:
            raise ValidationError(errors)

    def get_help_text(self) -> str:
        return _("At least %(len)d characters, using %(cls)d of the 4 character classes.") % {
            "len": int(rule_value("security.password_min_length")),
            "cls": int(rule_value("security.password_min_classes")),
        }
