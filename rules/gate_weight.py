"""Gate weighing (卡口过磅): does the weighed weight agree with the declared one?

At the gate (卡口) the vehicle is weighed and the goods' weight compared with the gross
weight declared on the gate pass (核放单). The weights agree when

    |measured - declared| <= declared x tolerance

inclusive, computed exactly: a difference of exactly 5 % of the declared weight is
within a 5 % tolerance. The tolerance (5 % by default) is a setting of the zone, not a
published figure (unverified).

Weights are in kg with at most 5 places (the quantity places of the messages); the
tolerance is a share below 1 with at most 6 places. Negative weights are refused.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Final, Protocol

from rules.taxes import RATE_PLACES, exact_decimal
from schemas.quantities import QUANTITY_PLACES, places_of

#: The default share of the declared weight that the weighed weight may differ by.
DEFAULT_TOLERANCE: Final = Decimal("0.05")


class WeighedVehicle(Protocol):
    """The vehicle as a gate pass declares it (kg): its own weight (车自重), the
    frame's (车架重) and the container's (集装箱重)."""

    @property
    def vehicle_weight(self) -> Decimal: ...
    @property
    def frame_weight(self) -> Decimal: ...
    @property
    def container_weight(self) -> Decimal: ...


class GrossLine(Protocol):
    """A line of goods with its gross weight (毛重, kg)."""

    @property
    def gross_weight(self) -> Decimal: ...


def goods_gross_weight(lines: Iterable[GrossLine]) -> Decimal:
    """The goods' gross weight: the sum of the lines' (总毛重)."""
    return sum((line.gross_weight for line in lines), Decimal(0))


def declared_gross_weight(vehicle: WeighedVehicle, lines: Iterable[GrossLine]) -> Decimal:
    """What the gate scale should read (总重量): vehicle, frame, container and goods.

    One rule: the gate pass declares it (``customs.drafting``) and the gate compares
    the scale with it (``workflows``)."""
    return (
        vehicle.vehicle_weight
        + vehicle.frame_weight
        + vehicle.container_weight
        + goods_gross_weight(lines)
    )


class WeightError(ValueError):
    """A weight or tolerance that cannot be compared: names the argument and the value."""

    def __init__(self, argument: str, problem: str) -> None:
        super().__init__(f"{argument}: {problem}")
        self.argument = argument
        self.problem = problem


@dataclass(frozen=True)
class WeightCheck:
    """The comparison of a declared and a weighed weight, all exact.

    ``difference`` = measured - declared (negative when lighter than declared);
    ``allowed`` = declared x tolerance; ``within`` = |difference| <= allowed.
    """

    declared: Decimal
    measured: Decimal
    tolerance: Decimal
    difference: Decimal
    allowed: Decimal
    within: bool


def _number(value: object, argument: str, places: int) -> Fraction:
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise TypeError(f"{argument}: give a Decimal, not {type(value).__name__}")
    number = Decimal(value)
    if not number.is_finite():
        raise WeightError(argument, f"must be a finite number, got {number}")
    if places_of(number) > places:
        raise WeightError(argument, f"has more than {places} decimal places: {number}")
    return Fraction(number)


def _weight(value: Decimal, argument: str) -> Fraction:
    weight = _number(value, argument, QUANTITY_PLACES)
    if weight < 0:
        raise WeightError(argument, f"must not be negative, got {value}")
    return weight


def check_weight(
    declared: Decimal, measured: Decimal, tolerance: Decimal = DEFAULT_TOLERANCE
) -> WeightCheck:
    """Compare the weighed weight with the declared one (both kg), exactly."""
    declared_kg = _weight(declared, "declared")
    measured_kg = _weight(measured, "measured")
    share = _number(tolerance, "tolerance", RATE_PLACES)
    if not 0 <= share < 1:
        raise WeightError("tolerance", f"must be at least 0 and below 1, got {tolerance}")
    difference = measured_kg - declared_kg
    allowed = declared_kg * share
    return WeightCheck(
        declared=declared,
        measured=measured,
        tolerance=tolerance,
        difference=exact_decimal(difference),
        allowed=exact_decimal(allowed),
        within=abs(difference) <= allowed,
    )
