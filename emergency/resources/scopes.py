"""Who reads and writes emergency resources (the access model of core.scoping, issue 10 §1).

Government users (the bureau, departments, subdistrict offices) read the district-wide registers; enterprises,
experts and the public do not (the public sees a shelter's page through its QR code). The bureau writes
everything, a subdistrict what lies in its area (a warehouse's stock by the warehouse's division, equipment by
its holder's). The catalogue is the bureau's reference data."""

from emergency.core import scoping
from emergency.core.roles import AREA_KEEPERS, BUREAU_ROLES, GOVERNMENT_ROLES

# Read district-wide by government users; written by the bureau and, in its area, a subdistrict.
REGISTER = {"readers": GOVERNMENT_ROLES, "read_all": GOVERNMENT_ROLES, "writers": AREA_KEEPERS}

from .shelters.models import Shelter, ShelterStay  # noqa: E402
from .stock.models import (  # noqa: E402
    Disposal,
    Lot,
    MinimumStock,
    StockMovement,
    SupplyCategory,
    SupplyItem,
    Transfer,
    Warehouse,
)

for model in (SupplyCategory, SupplyItem):
    scoping.register(model, scoping.ScopeSpec(readers=GOVERNMENT_ROLES, read_all=GOVERNMENT_ROLES,
                                              writers=BUREAU_ROLES))
scoping.register(Warehouse, scoping.ScopeSpec(division="division", **REGISTER))
scoping.register(Shelter, scoping.ScopeSpec(division="division", **REGISTER))
for model in (Lot, MinimumStock):
    scoping.register(model, scoping.ScopeSpec(division="warehouse__division", **REGISTER))
scoping.register(StockMovement, scoping.ScopeSpec(division="lot__warehouse__division", **REGISTER))
scoping.register(Disposal, scoping.ScopeSpec(division="lot__warehouse__division", **REGISTER))
# A transfer belongs to both ends: the sending warehouse's and the receiving one's subdistrict.
scoping.register(Transfer, scoping.ScopeSpec(division=("source__warehouse__division", "destination__division"),
                                             **REGISTER))
# Who stays in a shelter is personal data: the bureau and the shelter's subdistrict only.
scoping.register(ShelterStay, scoping.ScopeSpec(division="shelter__division", readers=GOVERNMENT_ROLES,
                                                writers=AREA_KEEPERS))

# Teams, experts, equipment and agreement reserves: a subdistrict writes its own teams and the equipment they or
# its warehouses hold; experts and agreements are the bureau's.
from .reserves.models import ReserveAgreement, ReserveLine  # noqa: E402
from .teams.models import (  # noqa: E402
    Equipment,
    EquipmentStatusLog,
    Expert,
    RescueTeam,
    SocialForceRecord,
    TeamMember,
)

scoping.register(RescueTeam, scoping.ScopeSpec(division="division", **REGISTER))
for model in (TeamMember, SocialForceRecord):
    scoping.register(model, scoping.ScopeSpec(division="team__division", **REGISTER))
scoping.register(Equipment, scoping.ScopeSpec(division=("team__division", "warehouse__division"), **REGISTER))
scoping.register(EquipmentStatusLog, scoping.ScopeSpec(
    division=("equipment__team__division", "equipment__warehouse__division"), **REGISTER))
for model in (Expert, ReserveAgreement, ReserveLine):
    scoping.register(model, scoping.ScopeSpec(readers=GOVERNMENT_ROLES, read_all=GOVERNMENT_ROLES,
                                              writers=BUREAU_ROLES))

from .stock.models import StockDocument, StockDocumentLine  # noqa: E402

scoping.register(StockDocument, scoping.ScopeSpec(division=("warehouse__division", "destination__division"),
                                                  **REGISTER))
scoping.register(StockDocumentLine, scoping.ScopeSpec(
    division=("document__warehouse__division", "document__destination__division"), **REGISTER))
