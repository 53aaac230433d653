"""What every resource service checks first: who may change a record, and the shape of the fields that
several registers share (phone numbers, WGS-84 locations, the fields a service accepts).

Who may write is the access model's (core.scoping, declared in `scopes.py`): the bureau everything; a subdistrict
user what lies in their subdistrict (a record's own division, a lot's warehouse's, equipment's holder's).
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from emergency.core import scoping
from emergency.core.roles import BUREAU_ROLES
from emergency.core.scoping import NotAllowed  # noqa: F401 - the one class; resources' callers import it here
from emergency.lib.geo import out_of_china

PHONE_RE = re.compile(r"^[0-9+\-() ]{3,30}$")


def may_manage(user, obj) -> bool:
    """The access model's answer (core.scoping.can_write, from scopes.py): the bureau manages everything, a
    subdistrict user what lies in their subdistrict. The same answer `get_for_user` gives the pages."""
    return scoping.can_write(user, obj)


def require_manage(user, obj) -> None:
    if not may_manage(user, obj):
        raise NotAllowed(_("You may not manage this record."))


def is_bureau(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.role in BUREAU_ROLES)


def require(condition: bool) -> None:
    if not condition:
        raise NotAllowed(_("You may not manage this record."))


def refuse_unknown(data: dict, allowed: list[str]) -> None:
    """A service takes only the fields it knows: a typo must not be dropped silently."""
    unknown = set(data) - set(allowed)
    if unknown:
        raise ValidationError({f: _("Unknown field.") for f in sorted(unknown)})


def check_phone(value: str, field: str, *, required: bool) -> None:
    value = (value or "").strip()
    if not value:
        if required:
            raise ValidationError({field: _("Give a phone number.")})
        return
    if not PHONE_RE.match(value):
        raise ValidationError({field: _("“%(value)s” is not a phone number.") % {"value": value}})


def check_location(latitude, longitude) -> None:
    """Both or neither, and inside China (a point outside it is most often latitude and longitude swapped)."""
    if (latitude is None) != (longitude is None):
        raise ValidationError({"longitude": _("Give both latitude and longitude, or neither.")})
    if latitude is None:
        return
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180) or out_of_china(longitude, latitude):
        raise ValidationError({"latitude": _("The point %(lat)s, %(lng)s is outside China; are latitude and "
                                             "longitude swapped?") % {"lat": latitude, "lng": longitude}})
