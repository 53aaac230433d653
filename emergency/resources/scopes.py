"""Resources are visible district-wide to business users; writes are checked by services.may_manage."""

from emergency.core import scoping

from .models import (
    Disposal,
    Lot,
    MinimumStock,
    Shelter,
    ShelterStay,
    StockMovement,
    SupplyCategory,
    SupplyItem,
    Transfer,
    Warehouse,
)

for model in (SupplyCategory, SupplyItem, Warehouse, Lot, StockMovement, Transfer, Disposal, MinimumStock, Shelter):
    scoping.register(model, scoping.ScopeSpec(everyone=True))
# Who stays in a shelter is personal data: the bureau and the shelter's subdistrict only.
scoping.register(ShelterStay, scoping.ScopeSpec(division="shelter__division"))
