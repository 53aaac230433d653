"""Who sees which enterprises, and which industries a line department supervises."""

from emergency.core import scoping
from emergency.core.roles import BUREAU_ROLES, RECORD_KEEPERS, REGULATOR_ROLES, REGULATORS_AND_ENTERPRISES

from .models import Enterprise, SectorSupervision


def industries_supervised_by(department_ids):
    """The industry codes of the departments (a subquery: one SQL statement with the scoped list)."""
    return SectorSupervision.objects.filter(department_id__in=department_ids, archived_at__isnull=True) \
        .values("industry")


scoping.register_sectors(industries_supervised_by)

# Subdistricts see the enterprises in their area, a line department those of the industries it supervises, an
# enterprise account only its own. The registry is kept by the bureau and the subdistricts (an enterprise keeps
# its own contacts); a department reads it.
scoping.register(Enterprise, scoping.ScopeSpec(
    division="division", enterprise="pk", sector="industry", readers=REGULATORS_AND_ENTERPRISES,
    writers=RECORD_KEEPERS))
# The table itself is reference data: every government user reads it, the bureau edits it.
scoping.register(SectorSupervision, scoping.ScopeSpec(readers=REGULATOR_ROLES, read_all=REGULATOR_ROLES,
                                                      writers=BUREAU_ROLES))
