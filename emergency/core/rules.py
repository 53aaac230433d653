"""Regulatory thresholds as data (ARCHITECTURE rule 6).

Each app declares the rules it reads as `RuleDefault`s (a domain in its own `rules.py`) and registers them from
its `AppConfig.ready()` with `register(*RULES)`: that declaration is the only place a number appears in code.
Every registered rule reaches the `core.Rule` table through `load_defaults`, which the data migrations call and
a post_migrate handler calls after every `migrate` (`apps.CoreConfig`), so a domain added later needs no data
migration for its rules. Code reads the table through `rule_value`; a changed value must pass the rule's
`Schema` (`validate`), and no screen may store one that does not.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop


@dataclass(frozen=True)
class Schema:
    """What a value of a rule must be: its JSON type, bounds for a number, and any further check.

    `type` is int (a whole number), float (any number, whole or not), dict (a JSON object) or list (a JSON
    array); `min`/`max` bound a number inclusively; `check(value)` raises ValidationError naming what is wrong
    (`mapping_of` and `list_of` below build the usual ones)."""

    type: type
    min: float | None = None
    max: float | None = None
    check: Callable[[Any], None] | None = None

    def validate(self, value: Any) -> None:
        # bool is an int to Python but never a threshold; NaN and infinity are no numbers a rule can hold.
        is_number = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
        if self.type is int and not (is_number and isinstance(value, int)):
            raise ValidationError(_("Enter a whole number."), code="invalid")
        if self.type is float and not is_number:
            raise ValidationError(_("Enter a number."), code="invalid")
        if self.type is dict and not isinstance(value, dict):
            raise ValidationError(_("Enter a JSON object, e.g. {\"key\": 1}."), code="invalid")
        if self.type is list and not isinstance(value, list):
            raise ValidationError(_("Enter a JSON list, e.g. [1, 2]."), code="invalid")
        if self.min is not None and value < self.min:
            raise ValidationError(_("Enter a value of at least %(v)s.") % {"v": self.min}, code="min_value")
        if self.max is not None and value > self.max:
            raise ValidationError(_("Enter a value of at most %(v)s.") % {"v": self.max}, code="max_value")
        if self.check is not None:
            self.check(value)


def above_zero(value: float) -> None:
    """A check for a quantity that must be positive (an area, a rate) where no lower bound is regulated."""
    if value <= 0:
        raise ValidationError(_("Enter a number above zero."), code="min_value")


def mapping_of(values: Schema, *, keys: Sequence[str] | None = None, all_keys: bool = False) -> Callable[[Any], None]:
    """A check for a JSON object: only `keys` (when given; every one of them with `all_keys`), each value
    passing `values`."""

    def check(mapping: dict) -> None:
        if keys is not None:
            unknown = sorted(set(mapping) - set(keys))
            if unknown:
                raise ValidationError(_("Unknown key %(k)s: the keys are %(keys)s.") % {
                    "k": ", ".join(unknown), "keys": ", ".join(keys)}, code="invalid")
            missing = [k for k in keys if k not in mapping] if all_keys else []
            if missing:
                raise ValidationError(_("Give a value for %(keys)s.") % {"keys": ", ".join(missing)}, code="invalid")
        for key, value in mapping.items():
            try:
                values.validate(value)
            except ValidationError as exc:
                raise ValidationError(f"{key}: {' '.join(exc.messages)}", code="invalid") from exc

    return check


def list_of(items: Schema, *, min_length: int = 0) -> Callable[[Any], None]:
    """A check for a JSON list: at least `min_length` entries, each passing `items`."""

    def check(values: list) -> None:
        if len(values) < min_length:
            raise ValidationError(_("Give at least %(n)s values.") % {"n": min_length}, code="invalid")
        for i, value in enumerate(values, start=1):
            try:
                items.validate(value)
            except ValidationError as exc:
                raise ValidationError(f"#{i}: {' '.join(exc.messages)}", code="invalid") from exc

    return check


@dataclass(frozen=True)
class RuleDefault:
    key: str
    value: Any
    unit: str
    description: str
    source: str
    confidence: str  # V verified, P partly, M from memory
    schema: Schema  # what a changed value must be (every rule says: a deployment's edit is checked against it)


# --- the registry ------------------------------------------------------------------------------------------

_REGISTERED: dict[str, RuleDefault] = {}


def register(*defaults: RuleDefault) -> None:
    """Declare rules (from an AppConfig.ready()). Registering the same declaration again is harmless; two
    different declarations of one key, or a default its own schema refuses, stop the start-up."""
    for rule in defaults:
        existing = _REGISTERED.get(rule.key)
        if existing is not None and existing != rule:
            raise ImproperlyConfigured(f"Rule {rule.key} is declared twice, differently.")
        try:
            rule.schema.validate(rule.value)
        except ValidationError as exc:
            raise ImproperlyConfigured(f"Rule {rule.key}: its default fails its schema: {exc.messages}") from exc
        _REGISTERED[rule.key] = rule


def registered() -> tuple[RuleDefault, ...]:
    """Every registered rule, in registration order (core's first, then the apps in INSTALLED_APPS order)."""
    return tuple(_REGISTERED.values())


def declaration(key: str) -> RuleDefault:
    try:
        return _REGISTERED[key]
    except KeyError:
        raise LookupError(f"No rule {key} is registered; declare it in its app's rules.py.") from None


class _Registered(Sequence):
    """`RULE_DEFAULTS`, for the callers written when it was one literal tuple: a live view of the registry."""

    def __getitem__(self, index):
        return registered()[index]

    def __len__(self) -> int:
        return len(_REGISTERED)

    def __iter__(self) -> Iterator[RuleDefault]:
        return iter(registered())


RULE_DEFAULTS: Sequence[RuleDefault] = _Registered()


def validate(key: str, value: Any) -> None:
    """Raise ValidationError (a message saying what is wrong) unless `value` may be stored for rule `key`."""
    rule = _REGISTERED.get(key)
    if rule is None:
        raise ValidationError(_("There is no such rule."), code="unknown")
    rule.schema.validate(value)


# --- reading and loading -----------------------------------------------------------------------------------

CACHE_PREFIX = "rule:"


def rule_value(key: str) -> Any:
    """The value in force: the table row, or the shipped default when a deployment has none."""
    cached = cache.get(CACHE_PREFIX + key)
    if cached is not None:
        return cached
    from .models import Rule

    row = Rule.objects.filter(key=key).values_list("value", flat=True).first()
    if row is None:
        row = declaration(key).value
    cache.set(CACHE_PREFIX + key, row, settings.RULES_CACHE_SECONDS)
    return row


def forget(key: str) -> None:
    cache.delete(CACHE_PREFIX + key)


def load_defaults(rule_model, *, using: str | None = None) -> int:
    """Insert the registered rules a database lacks; never overwrites a deployment's own value. `rule_model`
    is the real model or a migration's historical one; the migrations run after every app is ready, so they
    load whatever is registered then (idempotent: a later call finds the rows and creates nothing)."""
    manager = rule_model._default_manager.db_manager(using)
    rules = registered()
    present = set(manager.filter(key__in=[r.key for r in rules]).values_list("key", flat=True))
    created = 0
    for r in rules:
        if r.key in present:
            continue
        # get_or_create rather than create: a second process loading at the same moment is not an error.
        _row, was_created = manager.get_or_create(
            key=r.key,
            defaults={"value": r.value, "unit": r.unit, "description": r.description, "source": r.source,
                      "confidence": r.confidence},
        )
        created += was_created
    return created


def load_registered_rules(sender, *, using, apps=None, **kwargs) -> None:  # noqa: ARG001 - post_migrate's signature
    """post_migrate: every registered rule reaches the database, however it was created. `migrate` passes the
    migrated state's apps; `flush` (after a transactional test) passes none, and the real models then serve."""
    if apps is None:
        from django.apps import apps
    try:
        rule_model = apps.get_model("core", "Rule")
    except LookupError:  # core is migrated to zero
        return
    load_defaults(rule_model, using=using)


# --- core's own rules --------------------------------------------------------------------------------------

SECURITY_SOURCE = "GB/T 22239-2019 等保2.0 三级"


def _never_looser(baseline: int, *, stricter_is_lower: bool) -> Callable[[int], None]:
    """The shipped security values are the level-3 minimums: a deployment may tighten them, never loosen."""

    def check(value: int) -> None:
        if (value > baseline) if stricter_is_lower else (value < baseline):
            raise ValidationError(_("This would fall below the 等保 level-3 baseline (%(v)s).") % {"v": baseline},
                                  code="baseline")

    return check


def _security(key: str, value: int, unit: str, description: str, *, stricter_is_lower: bool,
              source: str = SECURITY_SOURCE, confidence: str = "V") -> RuleDefault:
    return RuleDefault(key, value, unit, description, source, confidence,
                       Schema(int, min=1, check=_never_looser(value, stricter_is_lower=stricter_is_lower)))


# The 等保 baseline stays in core: it is the platform's, not a domain's (the audit log's retention is core's),
# and the security-policy page edits the security.* rules as one set. Descriptions are stored in English and marked
# with gettext_noop: the page shows them translated (`gettext(rule.description)`).
CORE_RULES: tuple[RuleDefault, ...] = (
    _security("security.password_min_length", 8, "字符", gettext_noop("Minimum password length"),
              stricter_is_lower=False),
    RuleDefault("security.password_min_classes", 3, "类", gettext_noop("Character classes required (of 4)"),
                SECURITY_SOURCE, "V", Schema(int, min=1, max=4, check=_never_looser(3, stricter_is_lower=False))),
    _security("security.password_max_age_days", 90, "天", gettext_noop("Password expiry"), stricter_is_lower=True),
    _security("security.lockout_failures", 5, "次", gettext_noop("Failed logins before lockout"),
              stricter_is_lower=True),
    _security("security.lockout_minutes", 30, "分钟", gettext_noop("Lockout duration"), stricter_is_lower=False),
    _security("security.idle_timeout_minutes", 30, "分钟", gettext_noop("Idle session timeout"),
              stricter_is_lower=True),
    _security("security.api_token_days", 30, "天", gettext_noop("API token lifetime"), stricter_is_lower=True,
              confidence="P"),
    _security("security.audit_retention_days", 180, "天", gettext_noop("Minimum audit-log retention"),
              stricter_is_lower=False),
    # Read by no installed domain yet: census and relief (issue 10 §2) will take it into their own rules.py.
    RuleDefault("relief.basic_needs_hours", 12, "小时", gettext_noop("Basic needs of affected people met within"),
                "河北应急发〔2022〕5号 指标6", "V", Schema(int, min=1)),
)
