"""Properties of the GB 32100 check digit (emergency/lib/credit_code.py). The check is mod 31 with weights
3^i mod 31: every weight is non-zero mod 31 (a prime), so any single substitution among the 31 allowed characters
changes the weighted sum mod 31 and is caught; the 17 weights are also pairwise distinct (3 is a primitive root
mod 31), so swapping two different characters among the first 17 is caught too. Pure: no database."""

from __future__ import annotations

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from emergency.lib.credit_code import ALPHABET, WEIGHTS, complete, is_valid, problem

PROPERTY = settings(max_examples=150, derandomize=True, deadline=None, database=None)
FORBIDDEN = "IOSVZ"

prefixes = st.text(alphabet=ALPHABET, min_size=17, max_size=17)
codes = prefixes.map(complete)


def test_the_alphabet_is_31_characters_without_the_forbidden_letters():
    assert len(ALPHABET) == len(set(ALPHABET)) == 31
    assert not set(FORBIDDEN) & set(ALPHABET)
    assert set(ALPHABET) | set(FORBIDDEN) == set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")


def test_the_weights_are_powers_of_3_mod_31_and_pairwise_distinct():
    assert list(WEIGHTS) == [pow(3, i, 31) for i in range(17)]
    assert len(set(WEIGHTS)) == 17 and 0 not in WEIGHTS


@PROPERTY
@given(prefixes)
def test_complete_always_gives_a_valid_code(prefix):
    code = complete(prefix)
    assert len(code) == 18 and code[:17] == prefix
    assert is_valid(code)


@PROPERTY
@given(codes, st.integers(0, 17), st.sampled_from(ALPHABET))
def test_changing_any_single_character_makes_it_invalid(code, position, replacement):
    assume(code[position] != replacement)
    changed = code[:position] + replacement + code[position + 1:]
    assert problem(changed) == "check_digit"


@PROPERTY
@given(codes, st.integers(0, 16), st.integers(0, 16))
def test_swapping_two_different_characters_of_the_first_17_makes_it_invalid(code, i, j):
    assume(code[i] != code[j])
    chars = list(code)
    chars[i], chars[j] = chars[j], chars[i]
    assert problem("".join(chars)) == "check_digit"


@PROPERTY
@given(codes, st.integers(0, 17), st.sampled_from(FORBIDDEN + FORBIDDEN.lower()))
def test_a_forbidden_letter_is_never_valid(code, position, letter):
    changed = code[:position] + letter + code[position + 1:]
    assert problem(changed) == "characters"
    assert not is_valid(changed)


@PROPERTY
@given(st.text(alphabet=ALPHABET, max_size=25).filter(lambda text: len(text) != 18))
def test_a_code_of_another_length_is_never_valid(text):
    assert problem(text) == "length"
