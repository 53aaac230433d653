"""Regulatory thresholds as data (ARCHITECTURE rule 6).

RULE_DEFAULTS is the only place a number appears in code: a data migration loads it into the
`core.Rule` table, and everything else reads the table through `rule_value`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache


@dataclass(frozen=True)
class RuleDefault:
    key: str
    value: Any
    unit: str
    description: str
    source: str
    confidence: str  # V verified, P partly, M from memory


SECURITY_SOURCE = "GB/T 22239-2019 等保2.0 三级, DOMAIN.md §9"

RULE_DEFAULTS: tuple[RuleDefault, ...] = (
    RuleDefault("security.password_min_length", 8, "字符", "Minimum password length", SECURITY_SOURCE, "V"),
    RuleDefault("security.password_min_classes", 3, "类", "Character classes required (of 4)", SECURITY_SOURCE, "V"),
    RuleDefault("security.password_max_age_days", 90, "天", "Password expiry", SECURITY_SOURCE, "V"),
    RuleDefault("security.lockout_failures", 5, "次", "Failed logins before lockout", SECURITY_SOURCE, "V"),
    RuleDefault("security.lockout_minutes", 30, "分钟", "Lockout duration", SECURITY_SOURCE, "V"),
    RuleDefault("security.idle_timeout_minutes", 30, "分钟", "Idle session timeout", SECURITY_SOURCE, "V"),
    RuleDefault("security.api_token_days", 30, "天", "API token lifetime", SECURITY_SOURCE + "; issue 9", "P"),
    RuleDefault("security.audit_retention_days", 180, "天", "Minimum audit-log retention", SECURITY_SOURCE, "V"),
    RuleDefault("relief.basic_needs_hours", 12, "小时",
                "Basic needs of affected people met within", "河北应急发〔2022〕5号 指标6", "V"),
    RuleDefault("shelter.area_per_person_m2", 1.5, "平方米", "Effective area per sheltered person",
                "GB 21734-2008", "V"),
    RuleDefault("shelter.area_per_person_by_kind_m2", {}, "平方米",
                "Effective area per sheltered person for a shelter kind, e.g. {\"fixed\": 2.0} (kinds: emergency, "
                "fixed, central); a kind not listed uses shelter.area_per_person_m2",
                "DOMAIN.md §5: configurable per shelter type; none shipped, because the GB 51143-2015 figures by "
                "kind are unverified [M] (GB 21734-2008's 1.5 m² applies to every kind)", "P"),
    RuleDefault("resources.expiry_warning_days", 30, "天",
                "Stock lots expiring within this many days (or expired) are alerts and reminders",
                "Issue 5 default (configurable)", "P"),
    # Dual prevention (DOMAIN.md §3).
    RuleDefault("prevention.lec_values", {"l": [10, 6, 3, 1, 0.5, 0.2, 0.1], "e": [10, 6, 3, 2, 1, 0.5],
                                          "c": [100, 40, 15, 7, 3, 1]}, "",
                "Allowed LEC factor values", "LEC method (Graham–Kinney), DOMAIN.md §3", "V"),
    RuleDefault("prevention.lec_bands", [[320, 1], [160, 2], [70, 3]], "D",
                "LEC bands, upper-inclusive: D > 320 → 1; 160 < D ≤ 320 → 2; 70 < D ≤ 160 → 3; else 4",
                "DOMAIN.md §3", "V"),
    RuleDefault("prevention.ls_a", [[20, 1], [9, 2], [4, 3]], "R",
                "L×S table ls_a (default): 20–25 → 1; 9–16 → 2; 4–8 → 3; 1–3 → 4", "DOMAIN.md §3", "V"),
    RuleDefault("prevention.ls_b", [[20, 1], [15, 2], [9, 3]], "R",
                "L×S table ls_b (DB37/T 2882 style): 20–25 → 1; 15–16 → 2; 9–12 → 3; 1–8 → 4",
                "DB37/T 2882, DOMAIN.md §3", "M"),
    RuleDefault("prevention.inspection_hours", {"1": 720, "2": 168, "3": 24, "4": 8}, "小时",
                "Inspection interval by control level: company monthly, department weekly, workshop daily, "
                "team each shift", "Issue 4 defaults (configurable)", "P"),
    RuleDefault("prevention.escalation_days", {"enterprise": 0, "subdistrict": 3, "bureau": 7}, "天",
                "Days overdue before a hidden hazard is escalated to each level", "Issue 4 defaults (configurable)",
                "P"),
    RuleDefault("prevention.no_inspection_days", 30, "天", "An enterprise with no inspection for this long is flagged",
                "Issue 4", "P"),
)

_BY_KEY = {r.key: r for r in RULE_DEFAULTS}
CACHE_PREFIX = "rule:"


def rule_value(key: str) -> Any:
    """The value in force: the table row, or the shipped default when a deployment has none."""
    cached = cache.get(CACHE_PREFIX + key)
    if cached is not None:
        return cached
    from .models import Rule

    row = Rule.objects.filter(key=key).values_list("value", flat=True).first()
    if row is None:
        row = _BY_KEY[key].value
    cache.set(CACHE_PREFIX + key, row, settings.RULES_CACHE_SECONDS)
    return row


def forget(key: str) -> None:
    cache.delete(CACHE_PREFIX + key)


def load_defaults(rule_model) -> int:
    """Insert missing rules (never overwrites a deployment's own value)."""
    created = 0
    for r in RULE_DEFAULTS:
        _, was_created = rule_model.objects.get_or_create(
            key=r.key,
            defaults={"value": r.value, "unit": r.unit, "description": r.description, "source": r.source,
                      "confidence": r.confidence},
        )
        created += was_created
    return created
