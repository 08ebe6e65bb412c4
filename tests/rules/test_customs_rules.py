"""Pure customs rules: credit codes, identifiers, legal quantities, consumption norms."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, Inexact
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from rules.credit_code import (
    ALPHABET,
    CreditCodeError,
    build_credit_code,
    organisation_check,
    validate_credit_code,
)
from rules.identifiers import (
    IdentifierError,
    validate_book_no,
    validate_customs_code,
    validate_hs_code,
)
from rules.norms import NormError, material_required, norm_value
from rules.units import convert_exactly, legal_quantities
from schemas.quantities import Amount, PositiveQuantity

KNOWN_VALID = "91350100M000100Y43"


# --- unified social credit code (GB 32100) ---------------------------------------------


def test_a_published_valid_code_validates() -> None:
    assert validate_credit_code(KNOWN_VALID) == KNOWN_VALID


def test_every_single_character_change_of_a_valid_code_is_refused() -> None:
    for position in range(18):
        for replacement in ALPHABET:
            if replacement == KNOWN_VALID[position]:
                continue
            changed = KNOWN_VALID[:position] + replacement + KNOWN_VALID[position + 1 :]
            with pytest.raises(CreditCodeError):
                validate_credit_code(changed)


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("91350100M000100Y4", "18 characters"),
        ("91350100M000100YI3", "outside the GB 32100 set"),
        ("91350100M000100Y44", "check character"),
        ("913501A0M000100Y43", "administrative division"),
        ("91350100M000100X43", "organisation code check"),
    ],
)
def test_bad_codes_say_why(code: str, reason: str) -> None:
    with pytest.raises(CreditCodeError, match=reason):
        validate_credit_code(code)


@given(body=st.text(alphabet="0123456789ABCDEFGHJKLMNPQRTUWXY", min_size=8, max_size=8))
def test_built_codes_always_validate(body: str) -> None:
    code = build_credit_code("91", "630100", body)
    assert validate_credit_code(code) == code


def test_organisation_check_uses_x_for_ten_and_zero_for_eleven() -> None:
    checks = {organisation_check(f"{n:08d}") for n in range(2000)}
    assert "X" in checks
    assert "0" in checks


# --- identifiers ------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["9601346001", "96013460A1", "0000AAAAAA"])
def test_customs_codes_accepted(code: str) -> None:
    assert validate_customs_code(code) == code


@pytest.mark.parametrize("code", ["960134600", "96013460011", "96A1346001", "9601-46001", ""])
def test_customs_codes_refused(code: str) -> None:
    with pytest.raises(IdentifierError):
        validate_customs_code(code)


def test_hs_codes_are_ten_digits() -> None:
    assert validate_hs_code("8541430000") == "8541430000"
    for bad in ("85414300", "854143000A", "8541.43.00", "85414300001"):
        with pytest.raises(IdentifierError):
            validate_hs_code(bad)


def test_book_numbers_start_with_their_type() -> None:
    assert validate_book_no("H96012600001") == "H96012600001"
    assert validate_book_no("T96012600002") == "T96012600002"
    for bad in ("E96012600001", "H9601260000", "h96012600001", "H96012600001X"):
        with pytest.raises(IdentifierError):
            validate_book_no(bad)


# --- legal quantities ---------------------------------------------------------------------


def test_legal_quantities_are_exact() -> None:
    assert legal_quantities(Decimal(3), Decimal("20.6"), None) == (Decimal("61.8"), None)
    first, second = legal_quantities(Decimal("0.00001"), Decimal(1), Decimal("2.583252"))
    assert second == Decimal("0.00002583252")
    assert first == Decimal("0.00001")


def test_a_product_that_would_need_rounding_is_refused() -> None:
    with pytest.raises(Inexact):
        convert_exactly(Decimal("1." + "1" * 40), Decimal("1." + "3" * 40))


@given(
    quantity=st.decimals(min_value=Decimal("0.00001"), max_value=Decimal("1e9"), places=5),
    factor=st.decimals(min_value=Decimal("0.000001"), max_value=Decimal("1e4"), places=6),
)
def test_legal_quantity_equals_the_rational_product(quantity: Decimal, factor: Decimal) -> None:
    assert Fraction(convert_exactly(quantity, factor)) == Fraction(quantity) * Fraction(factor)


# --- consumption norms --------------------------------------------------------------------


def test_norm_is_net_over_one_minus_loss_rounded_half_up() -> None:
    assert norm_value(Decimal(144), Decimal("0.02")) == Decimal("146.938775510")
    assert norm_value(Decimal(1), Decimal(0)) == Decimal("1.000000000")


@given(
    finished=st.decimals(min_value=Decimal(1), max_value=Decimal(100000), places=0),
    net=st.decimals(min_value=Decimal("0.001"), max_value=Decimal(500), places=3),
    loss=st.decimals(min_value=Decimal(0), max_value=Decimal("0.5"), places=4),
)
def test_material_required_is_the_exact_value_rounded_once(
    finished: Decimal, net: Decimal, loss: Decimal
) -> None:
    exact = Fraction(finished) * Fraction(net) / (1 - Fraction(loss))
    expected = (Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(
        Decimal("0.00001"), rounding=ROUND_HALF_UP
    )
    assert material_required(finished, net, loss) == expected


@pytest.mark.parametrize(
    ("net", "loss"), [("0", "0.1"), ("-1", "0.1"), ("1", "-0.01"), ("1", "1"), ("1", "1.5")]
)
def test_impossible_norms_are_refused(net: str, loss: str) -> None:
    with pytest.raises(NormError):
        norm_value(Decimal(net), Decimal(loss))


# --- quantity and amount types ------------------------------------------------------------


class _Line(BaseModel):
    quantity: PositiveQuantity
    amount: Amount | None = None


@pytest.mark.parametrize("value", ["0.00001", "12345678.12345", "1", Decimal("2.50000")])
def test_quantities_accepted(value: str | Decimal) -> None:
    assert _Line(quantity=value).quantity == Decimal(value)


@pytest.mark.parametrize("value", ["0", "-1", "NaN", "Infinity", "0.000001", 1.5])
def test_quantities_refused(value: str | float) -> None:
    with pytest.raises(ValidationError):
        _Line(quantity=value)


def test_amounts_have_two_places() -> None:
    assert _Line(quantity="1", amount="102600.00").amount == Decimal("102600.00")
    with pytest.raises(ValidationError, match="more than 2 decimal places"):
        _Line(quantity="1", amount="0.001")
