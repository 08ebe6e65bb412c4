"""Consumption norms (单耗): how much material one unit of finished goods consumes.

norm = net consumption (净耗) / (1 - process loss rate (工艺损耗率)).
Materials consumed = finished quantity x norm, computed in one exact step and
rounded half-up once, to the quantity places, at the end.
"""

from decimal import ROUND_HALF_UP, Context, Decimal, localcontext

from schemas.quantities import QUANTITY_PLACES

_WIDE = Context(prec=50)
NORM_DISPLAY_PLACES = 9


class NormError(ValueError):
    """A consumption norm that cannot be right."""


def check_norm(net_consumption: Decimal, loss_rate: Decimal) -> None:
    if net_consumption <= 0:
        raise NormError(f"net consumption must be greater than zero, got {net_consumption}")
    if not Decimal(0) <= loss_rate < Decimal(1):
        raise NormError(f"loss rate must be at least 0 and below 1, got {loss_rate}")


def norm_value(net_consumption: Decimal, loss_rate: Decimal) -> Decimal:
    """The norm, rounded half-up to 9 places for display and filing."""
    check_norm(net_consumption, loss_rate)
    with localcontext(_WIDE):
        value = net_consumption / (Decimal(1) - loss_rate)
    return value.quantize(Decimal(1).scaleb(-NORM_DISPLAY_PLACES), rounding=ROUND_HALF_UP)


def material_required(
    finished_quantity: Decimal, net_consumption: Decimal, loss_rate: Decimal
) -> Decimal:
    """Material consumed by finished_quantity units, half-up to the quantity places."""
    check_norm(net_consumption, loss_rate)
    with localcontext(_WIDE):
        exact = finished_quantity * net_consumption / (Decimal(1) - loss_rate)
    return exact.quantize(Decimal(1).scaleb(-QUANTITY_PLACES), rounding=ROUND_HALF_UP)


def net_required(finished_quantity: Decimal, net_consumption: Decimal) -> Decimal:
    """Material that ends up in the finished goods (without the process loss)."""
    with localcontext(_WIDE):
        exact = finished_quantity * net_consumption
    return exact.quantize(Decimal(1).scaleb(-QUANTITY_PLACES), rounding=ROUND_HALF_UP)
