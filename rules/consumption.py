"""Is a work order's consumption within the norm? (单耗核对, pure)

For each material the norm in force says how much the run should have used:
finished x net / (1 - loss rate). The deviation is (actual - required) / required;
beyond the tolerance either way, a liaison must approve it with a reason before
the work order is posted.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from rules.norms import material_required, round_half_up


@dataclass(frozen=True)
class NormCheck:
    material_item_no: int
    required: Decimal  # by the norm, half-up to 5 places
    actual: Decimal
    deviation: Decimal  # (actual - required) / required, half-up to 6 places, signed
    within: bool


def check_consumption(
    material_item_no: int,
    finished_quantity: Decimal,
    net_consumption: Decimal,
    loss_rate: Decimal,
    actual: Decimal,
    tolerance: Decimal,
) -> NormCheck:
    if tolerance < 0 or tolerance >= 1:
        raise ValueError(f"tolerance: must be in [0, 1), got {tolerance}")
    if actual < 0:
        raise ValueError(f"actual: must not be negative, got {actual}")
    required = material_required(finished_quantity, net_consumption, loss_rate)
    if required == 0:
        deviation = Fraction(0) if actual == 0 else Fraction(1)
    else:
        deviation = (Fraction(actual) - Fraction(required)) / Fraction(required)
    within = abs(deviation) <= Fraction(tolerance)
    sign = -1 if deviation < 0 else 1
    shown = round_half_up(abs(deviation), 6) * sign
    return NormCheck(material_item_no, required, actual, shown, within)
