"""A stocktake's counts and the liaison's review, checked (pure): refusals as data, each
naming the field of the decision it is about (``lines[3].quantity``), and the
differences the counts leave (``rules.stocktake``)."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from decimal import Decimal

from rules.stocktake import PositionKey, cause_fits, differences, fitting_causes, way_of
from schemas.codes import CustomsStatus
from schemas.lifecycle import (
    CountLine,
    Counts,
    DifferenceDecision,
    ExpectedPosition,
    Refusal,
    StockDifference,
    StocktakeView,
)


def count_refusals(
    counts: Counts,
    expected: Sequence[ExpectedPosition],
    locations: Collection[str],
    items: Collection[int],
    wanted: Collection[PositionKey] | None,
    counted: Mapping[PositionKey, CountLine],
) -> tuple[Refusal, ...]:
    """What is wrong with a count sheet: a line twice, a location the stocktake does
    not count, a line outside a recount (``wanted``: the positions sent back; None on
    the first count), a position the book holds left out of the first count, a
    shortage of bonded goods without its customs value, a value without the exchange
    rate. ``counted`` are the counts already taken (a recount replaces some)."""
    refusals: list[Refusal] = []
    seen: dict[PositionKey, int] = {}
    book = {position.key(): position.quantity for position in expected}
    for index, line in enumerate(counts.lines):
        at = f"lines[{index}]"
        key = line.key()
        if key in seen:
            refusals.append(
                Refusal(field=at, reason=f"{line.label()} is counted in lines[{seen[key]}] too")
            )
            continue
        seen[key] = index
        if line.item_no not in items:
            refusals.append(
                Refusal(field=f"{at}.item_no", reason=f"the book has no item {line.item_no}")
            )
            continue
        if line.location not in locations:
            refusals.append(
                Refusal(
                    field=f"{at}.location",
                    reason=f"{line.location} is not one of the locations this stocktake counts",
                )
            )
            continue
        if wanted is not None and key not in wanted:
            refusals.append(
                Refusal(field=at, reason=f"{line.label()} was not sent back for a recount")
            )
            continue
        refusals += _value_refusals(at, line, book.get(key, Decimal(0)))
    required = set(book) if wanted is None else set(wanted)
    for position in expected:
        if position.key() in required and position.key() not in seen:
            refusals.append(
                Refusal(
                    field="lines",
                    reason=f"{position.label()} holds {position.quantity} by the book and"
                    " has no count (count it, 0 if nothing is there)",
                )
            )
    if wanted is not None:
        expected_keys = set(book)
        for key in sorted(set(wanted) - set(seen) - expected_keys):
            refusals.append(
                Refusal(field="lines", reason=f"{_label(key)} was sent back and has no count")
            )
    if counts.exchange_rate is None:
        for index, line in enumerate(counts.lines):
            if line.unit_price is not None:
                refusals.append(
                    Refusal(
                        field="exchange_rate",
                        reason=f"lines[{index}] gives a customs value: give the exchange"
                        " rate to CNY of its currency",
                    )
                )
                break
    return tuple(refusals)


def _value_refusals(at: str, line: CountLine, expected: Decimal) -> list[Refusal]:
    if (line.unit_price is None) != (line.currency is None):
        missing = "currency" if line.currency is None else "unit_price"
        return [Refusal(field=f"{at}.{missing}", reason="unit price and currency go together")]
    short = line.quantity < expected
    if short and line.status is CustomsStatus.BONDED and line.unit_price is None:
        return [
            Refusal(
                field=f"{at}.unit_price",
                reason=f"{line.label()} is {expected - line.quantity} short of the book's"
                f" {expected}: give the goods' customs value (unit price and currency) for"
                " the duty a loss of bonded goods may owe",
            )
        ]
    return []


def _label(key: PositionKey) -> str:
    status = "" if key.status is CustomsStatus.BONDED else f" ({key.status.value})"
    return f"item {key.item_no}, lot {key.lot_no} at {key.location}{status}"


def stock_differences(
    expected: Sequence[ExpectedPosition], counted: Mapping[PositionKey, CountLine]
) -> tuple[StockDifference, ...]:
    """The differences the counts leave, each with its expected and counted quantity
    and the customs value the count line gave (exact: ``rules.stocktake``)."""
    book = {position.key(): position.quantity for position in expected}
    found = differences(book, {key: line.quantity for key, line in counted.items()})
    return tuple(
        StockDifference(
            item_no=key.item_no,
            lot_no=key.lot_no,
            location=key.location,
            status=key.status,
            expected=book.get(key, Decimal(0)),
            counted=counted[key].quantity,
            difference=difference,
            unit_price=counted[key].unit_price,
            currency=counted[key].currency,
        )
        for key, difference in found.items()
    )


def review_refusals(
    open_differences: Sequence[StockDifference], decisions: Sequence[DifferenceDecision]
) -> tuple[Refusal, ...]:
    """What is wrong with the liaison's review: a decision for no open difference, one
    twice, neither or both of a cause and a recount, a cause that cannot explain the
    difference that way, an open difference left undecided."""
    refusals: list[Refusal] = []
    by_key = {difference.key(): difference for difference in open_differences}
    seen: dict[PositionKey, int] = {}
    for index, decision in enumerate(decisions):
        at = f"decisions[{index}]"
        key = decision.key()
        difference = by_key.get(key)
        if difference is None:
            refusals.append(Refusal(field=at, reason=f"{decision.label()} has no open difference"))
            continue
        if key in seen:
            refusals.append(
                Refusal(
                    field=at,
                    reason=f"{decision.label()} is decided in decisions[{seen[key]}] too",
                )
            )
            continue
        seen[key] = index
        if (decision.cause is None) == (not decision.recount):
            refusals.append(
                Refusal(field=at, reason="give either a cause (accepted) or recount: true")
            )
            continue
        if decision.cause is not None and not cause_fits(decision.cause, difference.difference):
            causes = ", ".join(cause.value for cause in fitting_causes(difference.difference))
            refusals.append(
                Refusal(
                    field=f"{at}.cause",
                    reason=f"{decision.cause.value} cannot explain a"
                    f" {way_of(difference.difference).value} of {abs(difference.difference)}"
                    f" ({causes} can)",
                )
            )
    for difference in open_differences:
        if difference.key() not in seen:
            refusals.append(
                Refusal(
                    field="decisions",
                    reason=f"the difference of {difference.difference} at"
                    f" {difference.label()} is not decided",
                )
            )
    return tuple(refusals)


def counts_refused(view: StocktakeView, counts: Counts) -> tuple[Refusal, ...]:
    """A count sheet against the stocktake as its status shows it: the first count must
    cover every position the book holds; a recount, the positions sent back."""
    wanted = {d.key() for d in view.differences if d.state == "recount"} or None
    counted = {line.key(): line for line in view.counted}
    return count_refusals(counts, view.expected, view.locations, view.items, wanted, counted)
