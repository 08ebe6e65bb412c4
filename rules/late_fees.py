"""Late-declaration fee (滞报金) on imported goods declared after the deadline.

Goods must be declared within 14 days of the conveyance's arrival (运输工具申报进境之日起
十四日内). The arrival day is not counted, so the 14th day after it is the last day
without fee: arrival 2026-03-01, last free day 2026-03-15; declared on 2026-03-16 is one
day late. The fee is the dutiable value (CIF, 完税价格) x 0.05 % per late day, half-up to
fen. Customs does not collect a fee below the minimum (起征点, 50 yuan here): the
result keeps both the computed amount and the amount charged.

Days are plain :class:`datetime.date` values, the calendar day in Beijing (UTC+8). A
datetime is refused with TypeError: which day an instant falls on depends on the time
zone, which only the caller knows.

Unverified points, kept as settings or documented rather than guessed:

- the deadline is not extended when its last day is a public holiday or weekend (the
  rules extend it to the next working day; the holiday calendar is not modelled);
- the minimum of 50 yuan and the daily rate are parameters (``minimum``,
  ``daily_rate``) with the values of DOMAIN.md, not checked against the current notice;
- the fee is rounded half-up to fen as the other money is; the regulation may instead
  count whole yuan and drop the fraction (不足1元免征) - unverified, not modelled;
- no cap on the fee (e.g. at the goods' value) is modelled.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Final

from rules.taxes import check_amount, check_rate, half_up

#: Days after arrival within which goods are declared without fee (申报期限).
DECLARATION_DAYS: Final = 14
#: The fee per late day, as a share of the CIF: 0.05 % (万分之五).
DAILY_RATE: Final = Decimal("0.0005")
#: Fees below this are not collected (起征点; unverified, a setting).
MINIMUM: Final = Decimal("50")


def _check_day(value: object, argument: str) -> dt.date:
    # A datetime is a date subclass: refuse it explicitly.
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise TypeError(
            f"{argument}: pass the day as a datetime.date (the Beijing calendar day), "
            f"not {type(value).__name__}"
        )
    return value


@dataclass(frozen=True)
class LateFee:
    """A late-declaration fee (滞报金): the days, the computed amount and what is charged.

    ``amount`` = CIF x daily rate x days, half-up to fen. ``charged`` is ``amount``, or
    0.00 when ``amount`` is below ``minimum`` (not collected, but shown).
    """

    cif: Decimal
    arrival: dt.date
    declared_on: dt.date
    deadline: dt.date
    days: int
    daily_rate: Decimal
    minimum: Decimal
    amount: Decimal
    charged: Decimal

    @property
    def waived(self) -> bool:
        """A fee was computed but is below the minimum, so it is not collected."""
        return is_waived(self.amount, self.charged)


def is_waived(amount: Decimal, charged: Decimal) -> bool:
    """Whether a computed fee of ``amount`` was waived: something computed, nothing
    charged (below the minimum)."""
    return amount > 0 and charged == 0


def declaration_deadline(arrival: dt.date) -> dt.date:
    """The last day to declare without fee: the 14th day after the arrival day."""
    return _check_day(arrival, "arrival") + dt.timedelta(days=DECLARATION_DAYS)


def late_days(arrival: dt.date, declared_on: dt.date) -> int:
    """Days after the deadline, counting the declaration day (0 if on or before it)."""
    deadline = declaration_deadline(arrival)
    return max(0, (_check_day(declared_on, "declared_on") - deadline).days)


def late_fee(
    cif: Decimal,
    arrival: dt.date,
    declared_on: dt.date,
    *,
    daily_rate: Decimal = DAILY_RATE,
    minimum: Decimal = MINIMUM,
) -> LateFee:
    """The fee for declaring goods of dutiable value ``cif`` (CNY) on ``declared_on``."""
    check_amount(cif, "cif")
    check_rate(daily_rate, "daily_rate")
    check_amount(minimum, "minimum")
    days = late_days(arrival, declared_on)
    amount = half_up(Fraction(cif) * Fraction(daily_rate) * days)
    charged = half_up(Fraction(0)) if amount < minimum else amount
    return LateFee(
        cif=cif,
        arrival=arrival,
        declared_on=declared_on,
        deadline=declaration_deadline(arrival),
        days=days,
        daily_rate=daily_rate,
        minimum=minimum,
        amount=amount,
        charged=charged,
    )


def accrued_until(
    cif: Decimal,
    arrival: dt.date,
    today: dt.date,
    *,
    daily_rate: Decimal = DAILY_RATE,
    minimum: Decimal = MINIMUM,
) -> LateFee:
    """The fee if the goods were declared ``today``: what a document shows as accruing."""
    return late_fee(cif, arrival, today, daily_rate=daily_rate, minimum=minimum)
