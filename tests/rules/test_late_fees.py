"""Late-declaration fee (滞报金): 0.05 % of CIF per day after the 14-day deadline.

The arrival day is not counted: arrival 2026-03-01, last free day 2026-03-15, one day
late on 2026-03-16. The fee is CIF x 0.0005 x days, half-up to fen; a fee below the
minimum (50 yuan, a setting) is computed and shown but not charged. Days are plain
dates (the Beijing calendar day): datetimes are refused.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rules.late_fees import (
    DAILY_RATE,
    MINIMUM,
    LateFee,
    accrued_until,
    declaration_deadline,
    late_days,
    late_fee,
)
from rules.taxes import TaxInputError

D = Decimal
ARRIVAL = dt.date(2026, 3, 1)


def test_the_deadline_is_the_14th_day_after_arrival() -> None:
    assert declaration_deadline(ARRIVAL) == dt.date(2026, 3, 15)


def test_declared_by_the_deadline_is_free() -> None:
    assert late_days(ARRIVAL, dt.date(2026, 3, 15)) == 0
    assert late_days(ARRIVAL, ARRIVAL) == 0
    assert late_days(ARRIVAL, dt.date(2026, 2, 20)) == 0  # declared before arrival (提前申报)
    fee = late_fee(D("1000000.00"), ARRIVAL, dt.date(2026, 3, 15))
    assert (fee.days, fee.amount, fee.charged) == (0, D("0.00"), D("0.00"))


def test_the_15th_day_is_one_day_late() -> None:
    """CIF 200,000.00 x 0.0005 x 1 day = 100.00, above the 50.00 minimum: charged."""
    fee = late_fee(D("200000.00"), ARRIVAL, dt.date(2026, 3, 16))
    assert fee == LateFee(
        cif=D("200000.00"),
        arrival=ARRIVAL,
        declared_on=dt.date(2026, 3, 16),
        deadline=dt.date(2026, 3, 15),
        days=1,
        daily_rate=DAILY_RATE,
        minimum=MINIMUM,
        amount=D("100.00"),
        charged=D("100.00"),
    )
    assert not fee.waived


def test_a_fee_below_the_minimum_is_shown_but_not_charged() -> None:
    """CIF 50,000.00 x 0.0005 x 1 day = 25.00 < 50.00: amount 25.00, charged 0.00."""
    fee = late_fee(D("50000.00"), ARRIVAL, dt.date(2026, 3, 16))
    assert (fee.amount, fee.charged) == (D("25.00"), D("0.00"))
    assert fee.waived


def test_a_fee_of_exactly_the_minimum_is_charged() -> None:
    """CIF 100,000.00 x 0.0005 x 1 day = 50.00: not below the minimum."""
    fee = late_fee(D("100000.00"), ARRIVAL, dt.date(2026, 3, 16))
    assert fee.charged == D("50.00")


def test_the_fee_is_rounded_half_up_to_fen() -> None:
    """CIF 12,345.67 x 0.0005 = 6.172835 per day; x 17 days (declared 2026-04-01)
    = 104.938195 -> 104.94."""
    fee = late_fee(D("12345.67"), ARRIVAL, dt.date(2026, 4, 1))
    assert fee.days == 17
    assert fee.amount == fee.charged == D("104.94")


def test_the_minimum_and_daily_rate_are_settings() -> None:
    """25.00 is charged when the minimum is set to 0; at 0.1 % a day it is 50.00."""
    declared = dt.date(2026, 3, 16)
    assert late_fee(D("50000.00"), ARRIVAL, declared, minimum=D(0)).charged == D("25.00")
    doubled = late_fee(D("50000.00"), ARRIVAL, declared, daily_rate=D("0.001"))
    assert doubled.charged == D("50.00")


def test_the_deadline_crosses_a_leap_day() -> None:
    """Arrival 2028-02-20: 2028 has a 29 February, so the 14th day is 5 March (in 2027,
    without a leap day, it is 6 March). Declared 2028-03-10: 5 days late."""
    assert declaration_deadline(dt.date(2028, 2, 20)) == dt.date(2028, 3, 5)
    assert declaration_deadline(dt.date(2027, 2, 20)) == dt.date(2027, 3, 6)
    assert late_days(dt.date(2028, 2, 20), dt.date(2028, 3, 10)) == 5
    assert declaration_deadline(dt.date(2028, 2, 29)) == dt.date(2028, 3, 14)


def test_the_deadline_crosses_the_year_end() -> None:
    assert declaration_deadline(dt.date(2026, 12, 25)) == dt.date(2027, 1, 8)


def test_the_accruing_fee_is_the_fee_if_declared_today() -> None:
    """Shown on a document not yet declared: 10 days late on 2026-03-25,
    CIF 300,000.00 x 0.0005 x 10 = 1,500.00."""
    accrued = accrued_until(D("300000.00"), ARRIVAL, dt.date(2026, 3, 25))
    assert accrued == late_fee(D("300000.00"), ARRIVAL, dt.date(2026, 3, 25))
    assert (accrued.days, accrued.charged) == (10, D("1500.00"))


@pytest.mark.parametrize(
    ("arrival", "declared_on"),
    [
        (dt.datetime(2026, 3, 1, 23, 30, tzinfo=dt.UTC), dt.date(2026, 3, 16)),
        (ARRIVAL, dt.datetime(2026, 3, 16, 1, 0, tzinfo=dt.UTC)),
        ("2026-03-01", dt.date(2026, 3, 16)),
    ],
)
def test_datetimes_are_refused(arrival: object, declared_on: object) -> None:
    """23:30 UTC on 1 March is already 2 March in Beijing: only the caller knows the day."""
    with pytest.raises(TypeError, match=r"datetime\.date"):
        late_fee(D(1000), arrival, declared_on)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"datetime\.date"):
        late_days(arrival, declared_on)  # type: ignore[arg-type]


def test_bad_amounts_are_refused_naming_the_argument() -> None:
    declared = dt.date(2026, 3, 20)
    with pytest.raises(TaxInputError, match=r"^cif: "):
        late_fee(D("-1.00"), ARRIVAL, declared)
    with pytest.raises(TaxInputError, match=r"^cif: "):
        late_fee(D("1.001"), ARRIVAL, declared)
    with pytest.raises(TaxInputError, match=r"^daily_rate: "):
        late_fee(D(1), ARRIVAL, declared, daily_rate=D(1))
    with pytest.raises(TaxInputError, match=r"^minimum: "):
        late_fee(D(1), ARRIVAL, declared, minimum=D(-50))


@given(
    cif=st.decimals(min_value=D(0), max_value=D("99999999999999.99"), places=2),
    days=st.integers(min_value=0, max_value=2000),
)
def test_the_fee_is_exact_and_grows_with_the_days(cif: Decimal, days: int) -> None:
    declared = declaration_deadline(ARRIVAL) + dt.timedelta(days=days)
    fee = late_fee(cif, ARRIVAL, declared)
    assert fee.days == days
    exact = Fraction(cif) * Fraction(DAILY_RATE) * days
    assert fee.amount == Decimal(f"{math.floor(exact * 100 + Fraction(1, 2))}E-2")
    assert fee.charged == (fee.amount if fee.amount >= MINIMUM else D("0.00"))
    later = late_fee(cif, ARRIVAL, declared + dt.timedelta(days=1))
    assert later.amount >= fee.amount
