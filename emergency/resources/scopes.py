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

# Teams, experts, equipment and agreement reserves (models_teams): readable by every business user; writes are
# checked in services_teams (bureau everything, a subdistrict its own teams and equipment).
from .models_teams import (  # noqa: E402
    Equipment,
    EquipmentStatusLog,
    Expert,
    RescueTeam,
    ReserveAgreement,
    ReserveLine,
    SocialForceRecord,
    TeamMember,
)

for model in (RescueTeam, TeamMember, SocialForceRecord, Expert, Equipment, EquipmentStatusLog, ReserveAgreement,
              ReserveLine):
    scoping.register(model, scoping.ScopeSpec(everyone=True))

from .models_documents import StockDocument, StockDocumentLine  # noqa: E402

for model in (StockDocument, StockDocumentLine):
    scoping.register(model, scoping.ScopeSpec(everyone=True))
