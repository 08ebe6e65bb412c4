"""Legal quantities (法定数量): declared quantity x registered factor, computed exactly.

A product that a Decimal cannot hold exactly is an error (decimal.Inexact), never a
silently rounded number on a customs declaration."""

from __future__ import annotations

import decimal
from decimal import Decimal, Inexact
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rules.units import convert_exactly, legal_quantities


def test_three_panes_of_20_6_kg_are_exactly_61_8_kg() -> None:
    assert legal_quantities(Decimal(3), Decimal("20.6"), None) == (Decimal("61.8"), None)


def test_the_smallest_quantity_keeps_every_digit_of_the_factor() -> None:
    first, second = legal_quantities(Decimal("0.00001"), Decimal("20.6"), Decimal("2.583252"))
    assert first == Decimal("0.000206")
    assert second == Decimal("0.00002583252")
    assert str(convert_exactly(Decimal("0.00001"), Decimal("2.583252"))) == "0.00002583252"


def test_no_second_factor_means_no_second_quantity() -> None:
    assert legal_quantities(Decimal("12.5"), Decimal(1), None)[1] is None


def test_a_product_that_would_need_rounding_raises_inexact() -> None:
    # 41 significant digits times 41 significant digits: more than the 60 that are kept.
    quantity = Decimal("1." + "1" * 40)
    factor = Decimal("1." + "3" * 40)
    with pytest.raises(Inexact):
        convert_exactly(quantity, factor)
    with pytest.raises(Inexact):
        legal_quantities(quantity, Decimal(1), factor)  # the second quantity alone is inexact


def test_the_callers_decimal_context_is_left_alone() -> None:
    before = decimal.getcontext().copy()
    with pytest.raises(Inexact):
        convert_exactly(Decimal("1." + "1" * 40), Decimal("1." + "3" * 40))
    convert_exactly(Decimal(3), Decimal("20.6"))
    after = decimal.getcontext()
    assert after.prec == before.prec
    assert after.traps == before.traps
    assert after.rounding == before.rounding


@given(
    quantity=st.decimals(
        min_value=Decimal("0.00001"), max_value=Decimal("999999999.99999"), places=5
    ),
    factor=st.decimals(min_value=Decimal("1e-12"), max_value=Decimal("1e6"), places=12),
)
def test_the_legal_quantity_is_the_rational_product(quantity: Decimal, factor: Decimal) -> None:
    assert Fraction(convert_exactly(quantity, factor)) == Fraction(quantity) * Fraction(factor)
    first, second = legal_quantities(quantity, factor, factor)
    assert first == second == convert_exactly(quantity, factor)
