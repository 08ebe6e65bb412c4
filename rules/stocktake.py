"""A stocktake's arithmetic (盘点, 账实相符), pure: what the count says against the book.

- a position is one stock account's goods: (book item, lot, location, customs status);
- a difference is counted - expected, exact (Decimal subtraction of two quantities of at
  most 5 places is exact: no context rounds it); a shortage (盘亏) is below zero, a gain
  (盘盈) above; a position that agrees has none;
- each cause says which way a difference may go: measurement (计量误差) either way,
  damage and loss (损毁、灭失) only a shortage, found goods (盘盈) only a gain;
- a shortage of bonded goods owes duty and taxes as goods sold into China would, unless
  customs waives its cause (a setting: ``Settings.stocktake_duty_waived_causes``).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from decimal import Decimal
from enum import StrEnum
from typing import NamedTuple

from schemas.codes import CustomsStatus, DifferenceCause


class PositionKey(NamedTuple):
    """One stock position of a book: the goods a count line names."""

    item_no: int
    lot_no: str
    location: str
    status: CustomsStatus


class Way(StrEnum):
    """Which way a difference goes."""

    SHORTAGE = "shortage"  # 盘亏: fewer counted than the book holds
    GAIN = "gain"  # 盘盈: more counted


_WAYS: Mapping[DifferenceCause, frozenset[Way]] = {
    DifferenceCause.MEASUREMENT: frozenset({Way.SHORTAGE, Way.GAIN}),
    DifferenceCause.DAMAGE: frozenset({Way.SHORTAGE}),
    DifferenceCause.LOSS: frozenset({Way.SHORTAGE}),
    DifferenceCause.FOUND_GOODS: frozenset({Way.GAIN}),
}


def way_of(difference: Decimal) -> Way:
    """A non-zero difference's way."""
    if difference == 0:
        raise ValueError("a position that agrees with the book has no difference")
    return Way.SHORTAGE if difference < 0 else Way.GAIN


def differences(
    expected: Mapping[PositionKey, Decimal], counted: Mapping[PositionKey, Decimal]
) -> dict[PositionKey, Decimal]:
    """counted - expected for each counted position (a position not expected holds 0
    by the book), the ones that agree left out, in position order. A position
    expected but not counted has no count yet: it is not here (the counts' check
    refuses a sheet that leaves one out)."""
    found: dict[PositionKey, Decimal] = {}
    for position in sorted(counted):
        difference = counted[position] - expected.get(position, Decimal(0))
        if difference != 0:
            found[position] = difference
    return found


def cause_fits(cause: DifferenceCause, difference: Decimal) -> bool:
    """Whether the cause can explain a difference that way."""
    return way_of(difference) in _WAYS[cause]


def fitting_causes(difference: Decimal) -> tuple[DifferenceCause, ...]:
    """The causes that can explain the difference, in the enum's order."""
    return tuple(cause for cause in DifferenceCause if cause_fits(cause, difference))


def owes_duty(
    status: CustomsStatus,
    difference: Decimal,
    cause: DifferenceCause,
    waived: Collection[DifferenceCause],
) -> bool:
    """A shortage of bonded goods owes duty and taxes unless customs waives its cause;
    a gain, or goods not bonded (duty paid or domestic), owe nothing."""
    return status is CustomsStatus.BONDED and difference < 0 and cause not in waived
