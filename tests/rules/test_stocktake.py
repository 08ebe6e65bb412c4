"""A stocktake's arithmetic: differences exact, causes by the way they go, and which
shortages owe duty."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rules.stocktake import (
    PositionKey,
    Way,
    cause_fits,
    differences,
    fitting_causes,
    owes_duty,
    way_of,
)
from schemas.codes import CustomsStatus, DifferenceCause

BONDED = CustomsStatus.BONDED
A = PositionKey(1, "LOT-A", "BIN-1", BONDED)
B = PositionKey(2, "LOT-B", "BIN-1", BONDED)
C = PositionKey(3, "LOT-C", "BIN-2", BONDED)


def test_a_difference_is_counted_minus_expected_and_agreeing_positions_have_none() -> None:
    """Given the book expects 10 at A and 5.5 at B, when 9.99999 and 5.5 are counted,
    then A is short by exactly 0.00001 and B has no difference."""
    found = differences(
        {A: Decimal("10"), B: Decimal("5.5")}, {A: Decimal("9.99999"), B: Decimal("5.50000")}
    )
    assert found == {A: Decimal("-0.00001")}


def test_goods_counted_where_the_book_holds_none_are_a_gain() -> None:
    assert differences({A: Decimal(3)}, {A: Decimal(3), C: Decimal("2.5")}) == {C: Decimal("2.5")}


def test_a_position_not_counted_yet_has_no_difference() -> None:
    """The counts' check refuses a first count that leaves a position out; the
    arithmetic does not invent a count of 0."""
    assert differences({A: Decimal(3), B: Decimal(4)}, {A: Decimal(1)}) == {A: Decimal(-2)}


quantities = st.decimals(min_value=0, max_value=Decimal("9999999999.99999"), places=5)


@given(expected=quantities, counted=quantities)
def test_differences_are_exact_for_any_five_place_quantities(
    expected: Decimal, counted: Decimal
) -> None:
    found = differences({A: expected}, {A: counted})
    if expected == counted:
        assert found == {}
    else:
        assert found[A] + expected == counted


@pytest.mark.parametrize(
    ("cause", "shortage", "gain"),
    [
        (DifferenceCause.MEASUREMENT, True, True),
        (DifferenceCause.DAMAGE, True, False),
        (DifferenceCause.LOSS, True, False),
        (DifferenceCause.FOUND_GOODS, False, True),
    ],
)
def test_each_cause_explains_a_difference_one_way_or_both(
    cause: DifferenceCause, shortage: bool, gain: bool
) -> None:
    assert cause_fits(cause, Decimal(-1)) is shortage
    assert cause_fits(cause, Decimal(1)) is gain


def test_the_fitting_causes_of_a_shortage_and_of_a_gain() -> None:
    assert way_of(Decimal("-0.5")) is Way.SHORTAGE
    assert fitting_causes(Decimal("-0.5")) == (
        DifferenceCause.MEASUREMENT,
        DifferenceCause.DAMAGE,
        DifferenceCause.LOSS,
    )
    assert fitting_causes(Decimal(2)) == (DifferenceCause.MEASUREMENT, DifferenceCause.FOUND_GOODS)


def test_an_agreeing_position_has_no_way() -> None:
    with pytest.raises(ValueError, match="no difference"):
        way_of(Decimal("0.00000"))


def test_a_shortage_of_bonded_goods_owes_duty_unless_its_cause_is_waived() -> None:
    loss = DifferenceCause.LOSS
    assert owes_duty(BONDED, Decimal(-2), loss, waived=())
    assert not owes_duty(BONDED, Decimal(-2), loss, waived={loss})
    assert owes_duty(BONDED, Decimal(-2), DifferenceCause.DAMAGE, waived={loss})


def test_gains_and_goods_not_bonded_owe_nothing() -> None:
    assert not owes_duty(BONDED, Decimal(2), DifferenceCause.FOUND_GOODS, waived=())
    for status in (CustomsStatus.NON_BONDED, CustomsStatus.DUTY_PAID):
        assert not owes_duty(status, Decimal(-2), DifferenceCause.LOSS, waived=())
