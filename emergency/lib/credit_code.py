"""The unified social credit code (统一社会信用代码, GB 32100-2015): 18 characters with a check digit."""

from __future__ import annotations

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def check_char(first17: str) -> str:
    total = sum(ALPHABET.index(ch) * w for ch, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def problem(code: str) -> str | None:
    """None when valid, else the reason (in English; callers translate)."""
    if len(code) != 18:
        return "length"
    bad = [ch for ch in code if ch not in ALPHABET]
    if bad:
        return "characters"
    if check_char(code[:17]) != code[17]:
        return "check_digit"
    return None


def is_valid(code: str) -> bool:
    return problem(code) is None


def complete(first17: str) -> str:
    """The full code for 17 characters (used to build synthetic demo and test data)."""
    return first17 + check_char(first17)
