"""Consumption norms (单耗): norm = net consumption / (1 - loss rate), rounded half-up once.

The norm is shown and filed at 9 places; the material a quantity of finished goods
consumes is computed from the exact net consumption and loss rate in one step and
rounded half-up to the 5 quantity places only at the end.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from rules.norms import (
    NORM_DISPLAY_PLACES,
    NormError,
    check_norm,
    material_required,
    net_required,
    norm_value,
)
from schemas.masterdata import ConsumptionNormIn
from schemas.quantities import QUANTITY_PLACES

finished_quantities = st.decimals(
    min_value=Decimal("0.00001"), max_value=Decimal("99999999.99999"), places=5
)
# Norms as they are filed: up to 9 places of net consumption, loss rates below 1.
net_consumptions = st.decimals(
    min_value=Decimal("0.000000001"), max_value=Decimal("99999.999999999"), places=9
)
loss_rates = st.decimals(min_value=Decimal(0), max_value=Decimal("0.999999999"), places=9)


def half_up(value: Fraction, places: int) -> Decimal:
    """The exact rational `value` (>= 0) rounded half-up to `places`, as a Decimal."""
    return Decimal(math.floor(value * 10**places + Fraction(1, 2))).scaleb(-places)


def exact_material(finished: Decimal, net: Decimal, loss: Decimal) -> Fraction:
    return Fraction(finished) * Fraction(net) / (1 - Fraction(loss))


# --- the norm -------------------------------------------------------------------------------


def test_the_cell_norm_of_a_module() -> None:
    """144 cells net, 2% process loss: 144 / 0.98 = 146.938775510|204... cells per module."""
    value = norm_value(Decimal(144), Decimal("0.02"))
    assert value == Decimal("146.938775510")
    assert value.as_tuple().exponent == -NORM_DISPLAY_PLACES
    assert value == half_up(Fraction(144) / Fraction("0.98"), NORM_DISPLAY_PLACES)


def test_a_norm_without_loss_is_the_net_consumption() -> None:
    assert norm_value(Decimal("2.5"), Decimal(0)) == Decimal("2.500000000")


@pytest.mark.parametrize(
    ("net", "loss", "expected"),
    [
        # 0.00000000049 / 0.98 = 0.0000000005 exactly: half-up rounds the tie up
        # (half-even, Decimal's default, would give 0.000000000).
        ("0.00000000049", "0.02", "0.000000001"),
        ("0.0000000025", "0", "0.000000003"),
        ("0.00000000249", "0", "0.000000002"),
        ("1", "0.3", "1.428571429"),  # 1.4285714285714...: the 10th digit 5 is followed by more
        ("2", "0.75", "8.000000000"),
    ],
)
def test_the_norm_is_rounded_half_up_at_9_places(net: str, loss: str, expected: str) -> None:
    assert norm_value(Decimal(net), Decimal(loss)) == Decimal(expected)


@given(net=net_consumptions, loss=loss_rates)
def test_the_norm_is_the_exact_quotient_rounded_half_up(net: Decimal, loss: Decimal) -> None:
    expected = half_up(Fraction(net) / (1 - Fraction(loss)), NORM_DISPLAY_PLACES)
    value = norm_value(net, loss)
    assert value == expected
    assert value.as_tuple().exponent == -NORM_DISPLAY_PLACES


# --- material required ----------------------------------------------------------------------


def test_two_modules_consume_293_87755_cells() -> None:
    # 2 x 144 / 0.98 = 293.877551020...
    assert material_required(Decimal(2), Decimal(144), Decimal("0.02")) == Decimal("293.87755")


def test_material_is_computed_from_the_exact_norm_not_the_rounded_one() -> None:
    """Multiplying the 9-place norm would drift: 1,000,000 modules x 146.938775510 is
    146938775.51 but the exact consumption is 146938775.51020 (and more)."""
    finished = Decimal(1_000_000)
    assert material_required(finished, Decimal(144), Decimal("0.02")) == Decimal("146938775.51020")
    assert finished * norm_value(Decimal(144), Decimal("0.02")) == Decimal("146938775.510")


@pytest.mark.parametrize(
    ("finished", "net", "loss", "expected"),
    [
        ("1", "0.0000049", "0.02", "0.00001"),  # exactly 0.000005: up, not to even
        ("1", "0.0000245", "0.02", "0.00003"),  # exactly 0.000025: up (half-even: 0.00002)
        ("1", "0.000004999", "0", "0.00000"),
        ("3", "1", "0.3", "4.28571"),  # 4.285714285...
    ],
)
def test_material_is_rounded_half_up_at_5_places(
    finished: str, net: str, loss: str, expected: str
) -> None:
    value = material_required(Decimal(finished), Decimal(net), Decimal(loss))
    assert value == Decimal(expected)
    assert value.as_tuple().exponent == -QUANTITY_PLACES


@given(finished=finished_quantities, net=net_consumptions, loss=loss_rates)
def test_material_required_is_the_exact_value_rounded_half_up(
    finished: Decimal, net: Decimal, loss: Decimal
) -> None:
    expected = half_up(exact_material(finished, net, loss), QUANTITY_PLACES)
    value = material_required(finished, net, loss)
    assert value == expected
    assert value.as_tuple().exponent == -QUANTITY_PLACES


def test_material_required_is_exact_even_for_norms_with_many_digits() -> None:
    # 0.0000049999...9 (55 nines) is below the tie 0.000005: it rounds down to 0.00000.
    # Rounded to 50 digits first, it becomes 0.000005000... and then rounds up.
    net = Decimal("0.000004" + "9" * 55)
    expected = half_up(exact_material(Decimal(1), net, Decimal(0)), QUANTITY_PLACES)
    assert expected == Decimal("0.00000")
    assert material_required(Decimal(1), net, Decimal(0)) == expected


def test_net_required_leaves_out_the_process_loss() -> None:
    assert net_required(Decimal(2), Decimal(144)) == Decimal("288.00000")
    assert net_required(Decimal("0.5"), Decimal("0.00001")) == Decimal("0.00001")  # half-up


# --- norms that cannot be right --------------------------------------------------------------


@pytest.mark.parametrize(
    ("net", "loss", "reason"),
    [
        ("0", "0.02", "net consumption must be greater than zero"),
        ("-1", "0.02", "net consumption must be greater than zero"),
        ("-0.000000001", "0", "net consumption must be greater than zero"),
        ("1", "-0.01", "loss rate must be at least 0 and below 1"),
        ("1", "1", "loss rate must be at least 0 and below 1"),
        ("1", "1.5", "loss rate must be at least 0 and below 1"),
    ],
)
def test_impossible_norms_raise_norm_error(net: str, loss: str, reason: str) -> None:
    with pytest.raises(NormError, match=reason):
        check_norm(Decimal(net), Decimal(loss))
    with pytest.raises(NormError, match=reason):
        norm_value(Decimal(net), Decimal(loss))
    with pytest.raises(NormError, match=reason):
        material_required(Decimal(1), Decimal(net), Decimal(loss))


def test_a_loss_rate_just_below_one_is_allowed() -> None:
    check_norm(Decimal(1), Decimal("0.999999999"))
    assert norm_value(Decimal(1), Decimal("0.999999999")) == Decimal("1000000000.000000000")


@pytest.mark.parametrize(("net", "loss"), [("0", "0.02"), ("1", "1")])
def test_impossible_norms_are_refused_when_registered(net: str, loss: str) -> None:
    with pytest.raises(ValidationError, match=r"net consumption|loss rate"):
        ConsumptionNormIn(
            book_no="H96001234567",
            finished_item_no=10,
            material_item_no=1,
            version=1,
            net_consumption=Decimal(net),
            loss_rate=Decimal(loss),
            effective_from=dt.date(2026, 1, 1),
        )
