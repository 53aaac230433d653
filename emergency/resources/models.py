"""Every model of the resources app, gathered for Django.

Django's app registry imports `<app>/models.py` and registers the models defined while it runs; the models of
this app live in its sub-packages (stock, shelters, teams, reserves), so this module imports every one of them
and is otherwise empty. Code outside the registry imports a model from its sub-package
(`emergency.resources.stock.models`, …), not from here.
"""

from __future__ import annotations

from .reserves.models import ReserveAgreement, ReserveLine
from .shelters.models import Shelter, ShelterStay
from .stock.models import (
    Disposal,
    Lot,
    MinimumStock,
    StockDocument,
    StockDocumentLine,
    StockMovement,
    SupplyCategory,
    SupplyItem,
    Transfer,
    Warehouse,
)
from .teams.models import Equipment, EquipmentStatusLog, Expert, RescueTeam, SocialForceRecord, TeamMember

__all__ = [
    "Disposal", "Equipment", "EquipmentStatusLog", "Expert", "Lot", "MinimumStock", "RescueTeam",
    "ReserveAgreement", "ReserveLine", "Shelter", "ShelterStay", "SocialForceRecord", "StockDocument",
    "StockDocumentLine", "StockMovement", "SupplyCategory", "SupplyItem", "TeamMember", "Transfer",
    "Warehouse",
]
