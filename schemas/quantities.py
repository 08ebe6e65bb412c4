"""Exact quantities and amounts.

Every quantity and amount is a :class:`~decimal.Decimal` with a fixed number of
places: quantities up to 5 (the customs messages' limit), money 2 (fen). Values
with more places are refused rather than rounded silently, floats never.
"""

from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator

QUANTITY_PLACES = 5
AMOUNT_PLACES = 2


def places_of(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    if not isinstance(exponent, int):
        raise ValueError("must be a finite number")
    return max(0, -exponent)


def check_finite(value: Decimal) -> Decimal:
    if not value.is_finite():
        raise ValueError("must be a finite number")
    return value


def check_places(value: Decimal, places: int, what: str) -> Decimal:
    check_finite(value)
    if places_of(value.normalize() if value != 0 else Decimal(0)) > places:
        raise ValueError(f"{what} has more than {places} decimal places: {value}")
    return value


def _no_float(value: object) -> object:
    # A float has already lost exactness before we see it: insist on text or Decimal.
    if isinstance(value, float):
        raise ValueError("give quantities and amounts as strings or Decimals, not floats")
    return value


def _positive_quantity(value: Decimal) -> Decimal:
    check_places(value, QUANTITY_PLACES, "quantity")
    if value <= 0:
        raise ValueError(f"quantity must be greater than zero, got {value}")
    return value


def _non_negative_quantity(value: Decimal) -> Decimal:
    check_places(value, QUANTITY_PLACES, "quantity")
    if value < 0:
        raise ValueError(f"quantity must not be negative, got {value}")
    return value


def _amount(value: Decimal) -> Decimal:
    check_places(value, AMOUNT_PLACES, "amount")
    if value < 0:
        raise ValueError(f"amount must not be negative, got {value}")
    return value


def _exact(value: Decimal) -> Decimal:
    return check_finite(value)


FACTOR_DIGITS = 24
FACTOR_PLACES = 12


def _factor(value: Decimal) -> Decimal:
    """Conversion factors, norms and rates: exact, but of a size that storage can hold."""
    check_places(value, FACTOR_PLACES, "factor")
    if len(value.normalize().as_tuple().digits) > FACTOR_DIGITS:
        raise ValueError(f"has more than {FACTOR_DIGITS} significant digits: {value}")
    return value


PositiveQuantity = Annotated[
    Decimal, BeforeValidator(_no_float), AfterValidator(_positive_quantity)
]
NonNegativeQuantity = Annotated[
    Decimal, BeforeValidator(_no_float), AfterValidator(_non_negative_quantity)
]
Amount = Annotated[Decimal, BeforeValidator(_no_float), AfterValidator(_amount)]
ExactDecimal = Annotated[Decimal, BeforeValidator(_no_float), AfterValidator(_exact)]
Factor = Annotated[Decimal, BeforeValidator(_no_float), AfterValidator(_factor)]


def plain(value: Decimal) -> str:
    """One text per number, however it was scaled: 1000, 1000.00000 and 1E+3 are "1000"."""
    return format(value.normalize(), "f") if value else "0"
