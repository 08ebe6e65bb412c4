"""Quantities and amounts in the input schemas: exact Decimals with a fixed number of
places (5 for quantities, 2 for money). More places are refused, never rounded;
floats are refused because they have lost exactness before we see them."""

from __future__ import annotations

from decimal import Decimal

import pytest
from pydantic import BaseModel, ValidationError

from schemas.quantities import Amount, NonNegativeQuantity, PositiveQuantity, plain


class Line(BaseModel):
    """The smallest model that uses the annotated types, as the real schemas do."""

    quantity: PositiveQuantity
    remaining: NonNegativeQuantity = Decimal(0)
    amount: Amount | None = None


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("0.00001", Decimal("0.00001")),
        ("12345678.12345", Decimal("12345678.12345")),
        ("1", Decimal(1)),
        (7, Decimal(7)),
        (Decimal("2.50000"), Decimal("2.5")),
        ("1.1000000000", Decimal("1.1")),  # trailing zeros are not extra precision
        ("1E+3", Decimal(1000)),
    ],
)
def test_positive_quantities_accepted(given: str | int | Decimal, expected: Decimal) -> None:
    quantity = Line(quantity=given).quantity
    assert isinstance(quantity, Decimal)
    assert quantity == expected


@pytest.mark.parametrize(
    "given",
    [
        pytest.param("0", id="zero"),
        pytest.param(Decimal("0.00000"), id="zero with places"),
        pytest.param("-1", id="negative"),
        pytest.param("-0.00001", id="smallest negative"),
        pytest.param("NaN", id="NaN"),
        pytest.param(Decimal("NaN"), id="Decimal NaN"),
        pytest.param("Infinity", id="Infinity"),
        pytest.param(Decimal("-Infinity"), id="Decimal -Infinity"),
        pytest.param(1.5, id="float"),
        pytest.param(1.0, id="whole float"),
        pytest.param("0.000001", id="6 places"),
        pytest.param("12345678.123456", id="6 places, large"),
        pytest.param("one", id="not a number"),
    ],
)
def test_positive_quantities_refused(given: object) -> None:
    with pytest.raises(ValidationError):
        Line.model_validate({"quantity": given})


def test_refusals_say_why() -> None:
    cases = {
        "0": "greater than zero",
        "-3": "greater than zero",
        "0.000001": "more than 5 decimal places",
    }
    for given, reason in cases.items():
        with pytest.raises(ValidationError, match=reason):
            Line(quantity=given)
    with pytest.raises(ValidationError, match="not floats"):
        Line.model_validate({"quantity": 0.1})


def test_a_non_negative_quantity_may_be_zero_but_not_less() -> None:
    assert Line(quantity="1", remaining="0").remaining == 0
    assert Line(quantity="1", remaining="0.00000").remaining == 0
    with pytest.raises(ValidationError, match="must not be negative"):
        Line(quantity="1", remaining="-0.00001")
    with pytest.raises(ValidationError, match="more than 5 decimal places"):
        Line(quantity="1", remaining="0.000001")


@pytest.mark.parametrize("given", ["0", "0.01", "102600.00", "102600", "99999999999.99"])
def test_amounts_accepted_to_the_fen(given: str) -> None:
    assert Line(quantity="1", amount=given).amount == Decimal(given)


@pytest.mark.parametrize(
    ("given", "reason"),
    [
        ("0.001", "more than 2 decimal places"),
        ("102600.005", "more than 2 decimal places"),
        ("-0.01", "must not be negative"),
    ],
)
def test_amounts_refused(given: str, reason: str) -> None:
    with pytest.raises(ValidationError, match=reason):
        Line(quantity="1", amount=given)


@pytest.mark.parametrize("given", [0.1, float("nan"), "NaN", "Infinity"])
def test_amounts_refuse_floats_and_non_numbers(given: object) -> None:
    with pytest.raises(ValidationError):
        Line.model_validate({"quantity": "1", "amount": given})


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("1000"), "1000"),
        (Decimal("1000.00000"), "1000"),
        (Decimal("1E+3"), "1000"),
        (Decimal("0.00010"), "0.0001"),
        (Decimal("0E-5"), "0"),
    ],
)
def test_plain_gives_one_text_per_number(value: Decimal, text: str) -> None:
    assert plain(value) == text
