"""Consumption norms (单耗): how much material one unit of finished goods consumes.

norm = net consumption (净耗) / (1 - process loss rate (工艺损耗率)).
Materials consumed = finished quantity x norm, computed exactly (as a fraction,
whatever the number of digits) and rounded half-up once, at the end.
"""

from decimal import Decimal
from fractions import Fraction

from schemas.quantities import QUANTITY_PLACES

NORM_DISPLAY_PLACES = 9


class NormError(ValueError):
    """A consumption norm that cannot be right."""


def check_norm(net_consumption: Decimal, loss_rate: Decimal) -> None:
    if net_consumption <= 0:
        raise NormError(f"net consumption must be greater than zero, got {net_consumption}")
    if not Decimal(0) <= loss_rate < Decimal(1):
        raise NormError(f"loss rate must be at least 0 and below 1, got {loss_rate}")


def round_half_up(value: Fraction, places: int) -> Decimal:
    """An exact non-negative fraction rounded half-up to `places` decimals, with no
    intermediate rounding (a Decimal context would round long inputs first)."""
    scaled = value * 10**places
    whole = (scaled.numerator * 2 + scaled.denominator) // (scaled.denominator * 2)
    return Decimal(whole).scaleb(-places)


def norm_value(net_consumption: Decimal, loss_rate: Decimal) -> Decimal:
    """The norm, rounded half-up to 9 places for display and filing."""
    check_norm(net_consumption, loss_rate)
    exact = Fraction(net_consumption) / (1 - Fraction(loss_rate))
    return round_half_up(exact, NORM_DISPLAY_PLACES)


def material_required(
    finished_quantity: Decimal, net_consumption: Decimal, loss_rate: Decimal
) -> Decimal:
    """Material consumed by finished_quantity units, half-up to the quantity places."""
    check_norm(net_consumption, loss_rate)
    exact = Fraction(finished_quantity) * Fraction(net_consumption) / (1 - Fraction(loss_rate))
    return round_half_up(exact, QUANTITY_PLACES)


def net_required(finished_quantity: Decimal, net_consumption: Decimal) -> Decimal:
    """Material that ends up in the finished goods (without the process loss)."""
    return round_half_up(Fraction(finished_quantity) * Fraction(net_consumption), QUANTITY_PLACES)
