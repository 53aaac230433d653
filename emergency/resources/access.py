"""The page gates of emergency resources, each asking the access model of its own records (core.scoping).

Who reads and writes each resource is declared once, in `scopes.py`: government users (the bureau, departments,
subdistrict offices) read the registers; enterprises, experts and the public do not (the public sees a shelter's
page through its QR code). The pages (`*_required` below), the API (`ResourceReader`) and the raw SQL of the
nearby search (`map/nearby_sql.py`) all ask `scoping.may_read` of the model they show, so a model whose readers
change changes everywhere at once."""

from __future__ import annotations

from rest_framework import permissions

from emergency.core import scoping
from emergency.core.views import readers_required

from .reserves.models import ReserveAgreement
from .shelters.models import Shelter
from .stock.models import Warehouse
from .teams.models import Equipment, Expert, RescueTeam

shelters_required = readers_required(Shelter)
stock_required = readers_required(Warehouse)
teams_required = readers_required(RescueTeam)
experts_required = readers_required(Expert)
equipment_required = readers_required(Equipment)
reserves_required = readers_required(ReserveAgreement)
# The resource map: the page is the shelters' (every layer then asks its own model, `map/selectors.py`).
map_required = readers_required(Shelter)


class ResourceReader(permissions.BasePermission):
    """The nearby search's gate in the API (403 in the API error format); each kind's rows ask their own model
    again in the SQL."""

    def has_permission(self, request, view):
        return scoping.may_read(request.user, Shelter)
