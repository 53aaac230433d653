"""Risk evaluation (DOMAIN.md §3): LEC (D = L × E × C) and the L × S matrix. Pure functions: the bands
and allowed values are passed in from the rules table, never written here."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

LEVEL_NAMES = {1: "重大", 2: "较大", 3: "一般", 4: "低"}
LEVEL_COLORS = {1: "red", 2: "orange", 3: "yellow", 4: "blue"}


class EvaluationError(ValueError):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Evaluation:
    score: Decimal
    level: int

    @property
    def level_name(self) -> str:
        return LEVEL_NAMES[self.level]

    @property
    def color(self) -> str:
        return LEVEL_COLORS[self.level]

    def as_dict(self) -> dict:
        score = self.score.normalize()
        return {"score": int(score) if score == score.to_integral_value() else float(score),
                "level": self.level, "level_name": self.level_name, "color": self.color}


def _num(value, field: str) -> Decimal:
    if isinstance(value, bool):
        raise EvaluationError(field, "must be a number")
    try:
        number = Decimal(str(value))
    except Exception as exc:  # noqa: BLE001 - any unparsable input is the caller's field error
        raise EvaluationError(field, "must be a number") from exc
    if not number.is_finite():  # NaN, sNaN (unhashable) and Infinity are not numbers here
        raise EvaluationError(field, "must be a number")
    return number


def _allowed(value: Decimal, field: str, allowed: list) -> None:
    if value not in {Decimal(str(a)) for a in allowed}:
        raise EvaluationError(field, f"must be one of {', '.join(str(a) for a in allowed)}")


def lec(l, e, c, *, allowed: dict, bands: list) -> Evaluation:  # noqa: E741 - L is the method's own name
    """bands: [[320, 1], [160, 2], [70, 3]] — D above the bound gets that level; otherwise level 4."""
    lv, ev, cv = _num(l, "l"), _num(e, "e"), _num(c, "c")
    _allowed(lv, "l", allowed["l"])
    _allowed(ev, "e", allowed["e"])
    _allowed(cv, "c", allowed["c"])
    d = lv * ev * cv
    for bound, level in bands:
        if d > Decimal(str(bound)):
            return Evaluation(d, int(level))
    return Evaluation(d, 4)


def ls(l, s, *, table: list) -> Evaluation:  # noqa: E741
    """table: [[20, 1], [9, 2], [4, 3]] — R at or above the bound gets that level; otherwise level 4."""
    lv, sv = _num(l, "l"), _num(s, "s")
    for field, v in (("l", lv), ("s", sv)):
        if v != v.to_integral_value() or not 1 <= v <= 5:
            raise EvaluationError(field, "must be a whole number from 1 to 5")
    r = lv * sv
    for bound, level in table:
        if r >= Decimal(str(bound)):
            return Evaluation(r, int(level))
    return Evaluation(r, 4)
