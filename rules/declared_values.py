"""Declared values that must agree: a line's total against its unit price and quantity.

Customs accepts a total that differs from unit price x quantity only by rounding;
the tolerance here is one yuan of the declared currency (an assumption, unverified
against the published check, kept as one named constant).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, localcontext

TOTAL_TOLERANCE = Decimal("1.00")


def expected_total(unit_price: Decimal, quantity: Decimal) -> Decimal:
    """unit price x quantity, exactly, rounded half-up to fen."""
    with localcontext() as context:
        context.prec = 80  # 4 + 5 places on 13-digit numbers: far below 80 digits, exact
        return (unit_price * quantity).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def total_differs(unit_price: Decimal, quantity: Decimal, total: Decimal) -> bool:
    """True when the declared total is not unit price x quantity within the tolerance."""
    with localcontext() as context:
        context.prec = 80
        return abs(expected_total(unit_price, quantity) - total) > TOTAL_TOLERANCE
