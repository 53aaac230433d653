"""Dual prevention's thresholds (DOMAIN.md §3), registered by apps.PreventionConfig; read with
`core.rules.rule_value`, and checked against their schema when changed."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from emergency.core.rules import RuleDefault, Schema, above_zero, list_of, mapping_of

POSITIVE_NUMBER = Schema(float, check=above_zero)


def _bands():
    """A band table for lib/risk.py: [[bound, level], …] with falling bounds and the levels 1, 2, 3 in order
    (up to three bands; whatever is below the last bound is level 4)."""
    pair = Schema(list, check=list_of(Schema(float), min_length=2))

    def check(table: list) -> None:
        list_of(pair, min_length=1)(table)
        if any(len(row) != 2 for row in table):
            raise ValidationError(_("Each band is a pair [bound, level]."), code="invalid")
        bounds, found = [row[0] for row in table], [row[1] for row in table]
        if found != list(range(1, len(table) + 1)) or len(table) > 3:
            raise ValidationError(_("The levels must be 1, 2, 3 in order."), code="invalid")
        if any(later >= earlier for earlier, later in zip(bounds, bounds[1:], strict=False)):
            raise ValidationError(_("Each bound must be lower than the one before."), code="invalid")

    return check


RULES: tuple[RuleDefault, ...] = (
    RuleDefault("prevention.lec_values", {"l": [10, 6, 3, 1, 0.5, 0.2, 0.1], "e": [10, 6, 3, 2, 1, 0.5],
                                          "c": [100, 40, 15, 7, 3, 1]}, "",
                "Allowed LEC factor values", "LEC method (Graham–Kinney), DOMAIN.md §3", "V",
                Schema(dict, check=mapping_of(Schema(list, check=list_of(POSITIVE_NUMBER, min_length=1)),
                                              keys=("l", "e", "c"), all_keys=True))),
    RuleDefault("prevention.lec_bands", [[320, 1], [160, 2], [70, 3]], "D",
                "LEC bands, upper-inclusive: D > 320 → 1; 160 < D ≤ 320 → 2; 70 < D ≤ 160 → 3; else 4",
                "DOMAIN.md §3", "V", Schema(list, check=_bands())),
    RuleDefault("prevention.ls_a", [[20, 1], [9, 2], [4, 3]], "R",
                "L×S table ls_a (default): 20–25 → 1; 9–16 → 2; 4–8 → 3; 1–3 → 4", "DOMAIN.md §3", "V",
                Schema(list, check=_bands())),
    RuleDefault("prevention.ls_b", [[20, 1], [15, 2], [9, 3]], "R",
                "L×S table ls_b (DB37/T 2882 style): 20–25 → 1; 15–16 → 2; 9–12 → 3; 1–8 → 4",
                "DB37/T 2882, DOMAIN.md §3", "M", Schema(list, check=_bands())),
    RuleDefault("prevention.inspection_hours", {"1": 720, "2": 168, "3": 24, "4": 8}, "小时",
                "Inspection interval by control level: company monthly, department weekly, workshop daily, "
                "team each shift", "Issue 4 defaults (configurable)", "P",
                # Every control level needs its interval: services.inspection windows look each one up.
                Schema(dict, check=mapping_of(Schema(int, min=1), keys=("1", "2", "3", "4"), all_keys=True))),
    RuleDefault("prevention.escalation_days", {"enterprise": 0, "subdistrict": 3, "bureau": 7}, "天",
                "Days overdue before a hidden hazard is escalated to each level", "Issue 4 defaults (configurable)",
                "P", Schema(dict, check=mapping_of(Schema(int, min=0), keys=("enterprise", "subdistrict", "bureau"),
                                                   all_keys=True))),
    RuleDefault("prevention.no_inspection_days", 30, "天", "An enterprise with no inspection for this long is flagged",
                "Issue 4", "P", Schema(int, min=1)),
)
