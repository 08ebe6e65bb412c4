"""Exact quantities and amounts.

Every quantity and amount is a :class:`~decimal.Decimal` with a fixed number of
places: quantities up to 5 (the customs messages' limit), money 2 (fen). Values
with more places are refused rather than rounded silently, floats never.
"""

from decimal import Context, Decimal, Inexact, InvalidOperation, Overflow, Rounded
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, PlainSerializer

QUANTITY_PLACES = 5
AMOUNT_PLACES = 2


# Every helper below works on the digits themselves: Decimal's normalize(), scaleb()
# and quantize() round to the context's 28 digits, which would let a 30-place value
# pass as if it had 5.


def stripped(value: Decimal) -> Decimal:
    """The same number without trailing fractional zeros, exactly (no context rounding)."""
    check_finite(value)
    sign, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)
    if not any(digits):
        return Decimal(0)
    kept = list(digits)
    while exponent < 0 and kept[-1] == 0:
        kept.pop()
        exponent += 1
    return Decimal((sign, tuple(kept), exponent))


def places_of(value: Decimal) -> int:
    exponent = stripped(value).as_tuple().exponent
    assert isinstance(exponent, int)
    return max(0, -exponent)


def significant_digits(value: Decimal) -> int:
    return len(stripped(value).as_tuple().digits)


def check_finite(value: Decimal) -> Decimal:
    if not value.is_finite():
        raise ValueError("must be a finite number")
    return value


def check_places(value: Decimal, places: int, what: str) -> Decimal:
    check_finite(value)
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)
    if exponent >= -places:
        return value  # written with no more places than allowed: nothing to strip
    if places_of(value) > places:
        raise ValueError(f"{what} has more than {places} decimal places: {value}")
    return value


_SCALING = Context(prec=60)  # scaleb rounds only a coefficient longer than this


# The same, trapping any loss: an exact integral result is the answer as it stands.
_EXACT_SCALING = Context(prec=60, traps=[Inexact, Rounded, Overflow, InvalidOperation])


def to_scaled_int(value: Decimal, scale: int) -> int:
    """value x 10**scale as an exact integer; ValueError if it has more places."""
    try:  # the common case (every write of the ledger), in three C calls
        scaled = value.scaleb(scale, _EXACT_SCALING)
        whole = int(scaled)
        if whole == scaled:
            return whole
    except (ArithmeticError, ValueError):
        pass  # not finite, too long or too large: the checks below say which
    _, digits, exponent = value.as_tuple()
    if isinstance(exponent, int) and exponent >= -scale and len(digits) <= _SCALING.prec:
        # Written with no more places than the scale: moving the point is exact.
        try:
            return int(value.scaleb(scale, _SCALING))
        except Overflow:
            raise ValueError(f"value {value} is too large") from None
    check_places(value, scale, "value")  # not finite, or more places (perhaps all zeros)
    sign, digits, exponent = stripped(value).as_tuple()
    assert isinstance(exponent, int)
    shift: int = pow(10, exponent + scale)  # exponent + scale >= 0 after check_places
    whole = int("".join(map(str, digits))) * shift
    return -whole if sign else whole


# The largest quantity a BIGINT holds at 5 places is 92,233,720,368,547.75807;
# stay well inside it so that sums over many movements fit too.
MAX_QUANTITY = Decimal("9999999999999.99999")


def _no_float(value: object) -> object:
    # A float has already lost exactness before we see it: insist on text or Decimal.
    if isinstance(value, float):
        raise ValueError("give quantities and amounts as strings or Decimals, not floats")
    return value


def _positive_quantity(value: Decimal) -> Decimal:
    check_places(value, QUANTITY_PLACES, "quantity")
    if value <= 0:
        raise ValueError(f"quantity must be greater than zero, got {value}")
    if value > MAX_QUANTITY:
        raise ValueError(f"quantity must be at most {MAX_QUANTITY}, got {value}")
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
    if significant_digits(value) > FACTOR_DIGITS:
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
    text = format(check_finite(value), "f")  # exact: no precision, no context rounding
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


# A quantity shown in JSON as its plain text ("2400", not "2400.00000"), for answers
# built from plain dataclasses (the write-off statement).
PlainQuantity = Annotated[Decimal, PlainSerializer(plain, return_type=str, when_used="json")]
