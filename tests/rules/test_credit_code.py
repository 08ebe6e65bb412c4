"""Unified social credit codes (统一社会信用代码): GB 32100 check character over the whole
code, and the GB 11714 organisation-code check character embedded in positions 9-17."""

from __future__ import annotations

import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rules.credit_code import (
    ALPHABET,
    CreditCodeError,
    build_credit_code,
    validate_credit_code,
)

KNOWN_VALID = "91350100M000100Y43"
EXCLUDED = "IOZSV"  # too easily confused with 1, 0, 2, 5 and U
CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"

# The weights as printed in the standards, not as computed by the code under test.
GB32100_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
GB11714_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]

# Every refusal says which of these rules the code broke.
REASONS = (
    "must be 18 characters",
    "outside the GB 32100 set",
    "administrative division",
    "organisation code check character",
    "check character",
)


def _reference_check(body17: str) -> str:
    total = sum(
        CREDIT_ALPHABET.index(ch) * w for ch, w in zip(body17, GB32100_WEIGHTS, strict=True)
    )
    return CREDIT_ALPHABET[(31 - total % 31) % 31]


def _reference_organisation_check(body8: str) -> str:
    values = [int(ch, 36) for ch in body8]  # 0-9, then A=10 ... Z=35
    c = 11 - sum(v * w for v, w in zip(values, GB11714_WEIGHTS, strict=True)) % 11
    return {10: "X", 11: "0"}.get(c, str(c))


def _substitute(code: str, position: int, replacement: str) -> str:
    return code[:position] + replacement + code[position + 1 :]


def test_the_alphabet_is_the_31_symbols_of_gb_32100() -> None:
    assert ALPHABET == CREDIT_ALPHABET
    assert len(ALPHABET) == 31
    assert not set(EXCLUDED) & set(ALPHABET)


def test_a_known_valid_code_validates() -> None:
    assert validate_credit_code(KNOWN_VALID) == KNOWN_VALID


def test_the_known_valid_code_agrees_with_the_published_weights() -> None:
    assert _reference_organisation_check(KNOWN_VALID[8:16]) == KNOWN_VALID[16]
    assert _reference_check(KNOWN_VALID[:17]) == KNOWN_VALID[17]


@pytest.mark.parametrize("position", range(18))
def test_every_single_character_substitution_is_refused_with_a_reason(position: int) -> None:
    replacements = ALPHABET + EXCLUDED + "a-* 中"
    for replacement in replacements:
        if replacement == KNOWN_VALID[position]:
            continue
        changed = _substitute(KNOWN_VALID, position, replacement)
        with pytest.raises(CreditCodeError) as refused:
            validate_credit_code(changed)
        reason = str(refused.value)
        assert any(r in reason for r in REASONS), (changed, reason)


def test_a_changed_check_character_names_the_expected_one() -> None:
    with pytest.raises(CreditCodeError, match=r"check character is '4', expected '3'"):
        validate_credit_code(_substitute(KNOWN_VALID, 17, "4"))


def test_a_changed_organisation_code_names_its_own_check_character() -> None:
    with pytest.raises(CreditCodeError, match=r"organisation code check character is '5'"):
        validate_credit_code(_substitute(KNOWN_VALID, 16, "5"))


def test_letters_in_the_administrative_division_are_refused() -> None:
    with pytest.raises(CreditCodeError, match="administrative division code '35A100'"):
        validate_credit_code(_substitute(KNOWN_VALID, 4, "A"))


@pytest.mark.parametrize("letter", list(EXCLUDED))
@pytest.mark.parametrize("position", [0, 1, 8, 15, 17])
def test_the_excluded_letters_are_refused_anywhere(letter: str, position: int) -> None:
    with pytest.raises(CreditCodeError, match=f"outside the GB 32100 set .*: {letter}$"):
        validate_credit_code(_substitute(KNOWN_VALID, position, letter))


def test_lower_case_is_not_the_same_code() -> None:
    with pytest.raises(CreditCodeError, match="outside the GB 32100 set"):
        validate_credit_code(KNOWN_VALID.lower())


@pytest.mark.parametrize(
    "code",
    ["", KNOWN_VALID[:17], KNOWN_VALID + "0", KNOWN_VALID[:9], " " + KNOWN_VALID, KNOWN_VALID * 2],
)
def test_wrong_lengths_are_refused(code: str) -> None:
    with pytest.raises(CreditCodeError, match=f"must be 18 characters, got {len(code)}"):
        validate_credit_code(code)


def test_credit_code_errors_are_value_errors() -> None:
    # So that pydantic reports them as validation errors of the field.
    assert issubclass(CreditCodeError, ValueError)


_BODY_CHARACTERS = "".join(
    ch for ch in string.digits + string.ascii_uppercase if ch not in EXCLUDED
)


@given(
    authority_and_type=st.text(alphabet=CREDIT_ALPHABET, min_size=2, max_size=2),
    division=st.text(alphabet="0123456789", min_size=6, max_size=6),
    body=st.text(alphabet=_BODY_CHARACTERS, min_size=8, max_size=8),
)
def test_built_codes_always_validate(authority_and_type: str, division: str, body: str) -> None:
    code = build_credit_code(authority_and_type, division, body)
    assert validate_credit_code(code) == code
    assert code[:2] == authority_and_type
    assert code[2:8] == division
    assert code[8:16] == body
    assert code[16] == _reference_organisation_check(body)
    assert code[17] == _reference_check(code[:17])
