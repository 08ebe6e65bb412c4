"""Exactness beyond Decimal's 28-digit context: nothing is rounded before it is checked."""

from __future__ import annotations

from decimal import Decimal

import pytest
from pydantic import BaseModel, ValidationError

from adapters.db.types import ScaledDecimal
from schemas.quantities import MAX_QUANTITY, Factor, PositiveQuantity, plain, to_scaled_int

THIRTY_PLACES = Decimal("1.000000000000000000000000000001")


class _Line(BaseModel):
    quantity: PositiveQuantity | None = None
    factor: Factor | None = None


def test_a_value_with_thirty_places_is_not_taken_for_one_with_five() -> None:
    with pytest.raises(ValidationError, match="more than 5 decimal places"):
        _Line(quantity=THIRTY_PLACES)
    with pytest.raises(ValidationError, match="more than 12 decimal places"):
        _Line(factor=THIRTY_PLACES)
    with pytest.raises(ValueError, match="more than 5"):
        to_scaled_int(THIRTY_PLACES, 5)
    with pytest.raises(ValueError, match="more than 5 decimal places"):
        ScaledDecimal(5).process_bind_param(THIRTY_PLACES, dialect=None)  # type: ignore[arg-type]


def test_quantities_stay_inside_what_the_database_can_sum() -> None:
    assert _Line(quantity=MAX_QUANTITY).quantity == MAX_QUANTITY
    with pytest.raises(ValidationError, match="at most"):
        _Line(quantity=MAX_QUANTITY + Decimal("0.00001"))


def test_long_numbers_print_exactly() -> None:
    assert plain(THIRTY_PLACES) == "1.000000000000000000000000000001"
    assert plain(Decimal("123456789012345678901234567890.10")) == "123456789012345678901234567890.1"
    assert to_scaled_int(Decimal("92233720368547.75807"), 5) == 2**63 - 1


def test_a_number_too_large_to_scale_is_refused_as_a_value_not_an_overflow() -> None:
    with pytest.raises(ValueError, match="too large"):
        to_scaled_int(Decimal("1E+999999"), 5)
