"""Gate weighing (卡口过磅): the weighed weight must agree with the declared weight.

within when |measured - declared| <= declared x tolerance (5 % by default), inclusive,
computed exactly.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rules.gate_weight import (
    DEFAULT_TOLERANCE,
    WeightCheck,
    WeightError,
    check_weight,
    declared_gross_weight,
    goods_gross_weight,
)
from schemas.lifecycle import Vehicle

D = Decimal

weights = st.decimals(min_value=D(0), max_value=D("99999999.99999"), places=5)
tolerances = st.decimals(min_value=D(0), max_value=D("0.999999"), places=6)


def test_a_weight_within_tolerance() -> None:
    """Declared 20,000 kg, weighed 20,480 kg: 480 <= 20,000 x 0.05 = 1,000."""
    check = check_weight(D("20000"), D("20480"))
    assert check == WeightCheck(
        declared=D("20000"),
        measured=D("20480"),
        tolerance=DEFAULT_TOLERANCE,
        difference=D("480"),
        allowed=D("1000.00"),
        within=True,
    )


def test_exactly_at_the_tolerance_is_within() -> None:
    """Declared 1,000 kg: allowed 50 kg either way; 1,050 and 950 are within."""
    assert check_weight(D("1000"), D("1050")).within
    lighter = check_weight(D("1000"), D("950"))
    assert lighter.within
    assert lighter.difference == D("-50")


def test_just_beyond_the_tolerance_is_not() -> None:
    """1,050.00001 kg is 50.00001 kg over an allowance of 50 kg."""
    heavier = check_weight(D("1000"), D("1050.00001"))
    assert not heavier.within
    assert heavier.difference == D("50.00001")
    assert not check_weight(D("1000"), D("949.99999")).within


def test_zero_declared_allows_nothing() -> None:
    """Declared 0 kg: allowed 0 kg, so only a weighed 0 kg agrees."""
    assert check_weight(D(0), D(0)).within
    empty = check_weight(D(0), D("0.00001"))
    assert not empty.within
    assert empty.allowed == 0


def test_zero_tolerance_means_exactly_the_declared_weight() -> None:
    assert check_weight(D("12.5"), D("12.50000"), D(0)).within
    assert not check_weight(D("12.5"), D("12.50001"), D(0)).within


def test_the_allowance_keeps_all_its_places() -> None:
    """Declared 0.00003 kg at a tolerance of 0.333333: allowed 0.0000099999|9 kg exactly, so
    a difference of 0.00001 kg is (just) beyond it; nothing is rounded to the 5 weight
    places, which would make the allowance 0.00001 and the weight within."""
    check = check_weight(D("0.00003"), D("0.00004"), D("0.333333"))
    assert check.allowed == D("0.00000999999")
    assert not check.within


@pytest.mark.parametrize(
    ("declared", "measured", "tolerance", "argument"),
    [
        ("-1", "0", "0.05", "declared"),
        ("1", "-0.00001", "0.05", "measured"),
        ("1", "1", "1", "tolerance"),
        ("1", "1", "-0.01", "tolerance"),
        ("1", "1", "0.0000001", "tolerance"),
        ("1.000001", "1", "0.05", "declared"),  # 6 places: more than a quantity has
        ("NaN", "1", "0.05", "declared"),
    ],
)
def test_bad_input_is_refused_naming_the_argument(
    declared: str, measured: str, tolerance: str, argument: str
) -> None:
    with pytest.raises(WeightError, match=rf"^{argument}: "):
        check_weight(D(declared), D(measured), D(tolerance))


def test_floats_are_refused() -> None:
    with pytest.raises(TypeError, match="measured: give a Decimal"):
        check_weight(D(1), 1.0)  # type: ignore[arg-type]


@given(declared=weights, measured=weights, tolerance=tolerances)
def test_the_check_is_exact(declared: Decimal, measured: Decimal, tolerance: Decimal) -> None:
    check = check_weight(declared, measured, tolerance)
    difference = Fraction(measured) - Fraction(declared)
    allowed = Fraction(declared) * Fraction(tolerance)
    assert Fraction(check.difference) == difference
    assert Fraction(check.allowed) == allowed
    assert check.within == (abs(difference) <= allowed)


def test_the_declared_gross_weight_is_the_vehicle_frame_container_and_goods() -> None:
    """Given a lorry of 8,000 kg on a 1,200 kg frame with a 2,300 kg container and two
    lines of goods, the scale should read all of them together."""
    vehicle = Vehicle(
        vehicle_no="青A12345",
        vehicle_weight=Decimal("8000"),
        frame_weight=Decimal("1200"),
        container_weight=Decimal("2300"),
    )
    lines = [_Gross(Decimal("1000.5")), _Gross(Decimal("499.25"))]
    assert goods_gross_weight(lines) == Decimal("1499.75")
    assert declared_gross_weight(vehicle, lines) == Decimal("12999.75")


def test_a_vehicle_without_frame_or_container_declares_itself_and_the_goods() -> None:
    vehicle = Vehicle(vehicle_no="青A12345", vehicle_weight=Decimal("8000"))
    assert declared_gross_weight(vehicle, [_Gross(Decimal("12.5"))]) == Decimal("8012.5")
    assert declared_gross_weight(vehicle, []) == Decimal("8000")


@dataclass(frozen=True)
class _Gross:
    gross_weight: Decimal
