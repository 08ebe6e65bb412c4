"""A book's reconciliation over a period of whole days: per item and lot, the opening
balance, what came in from outside (receipts), what went out (removals), stocktake
adjustments, moves between lots, and the closing balance, checked.

Days are Beijing days (Asia/Shanghai) and the period is by **business time**: a
posting counts on the day it occurred (`occurred_at`, the gate passage, the work
order's run), not the day it was recorded. A document recorded late and back-dated
into an open period therefore changes that period's report, unless it is asked as known
at an instant before it was recorded (`known_at`); a closed period refuses such
documents, so its report stays the same (ledger/period_guard.py). Only posted quantities count:
a reservation moves nothing until it is posted, and then counts when the posting
occurred; a voided one never counts.

Two records of the same history are compared on every line: opening and closing are
sums of the positions' balance entries, receipts, removals and adjustments are sums
of the movements. A line that does not add up is reported (`balanced: false`), not
hidden: it means the tables disagree (see `bondflow ledger verify`).

Opening and closing sum every entry of the book up to the period's end: a report is
a scan of one book's history, not an index seek.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from ledger import repository
from ledger.errors import LedgerError, UnknownReference
from ledger.timeline import END_OF_TIME
from schemas.codes import AccountKind
from schemas.inventory import Reconciliation, ReconciliationLine

BEIJING = ZoneInfo("Asia/Shanghai")
STOCK = AccountKind.STOCK.value
ADJUSTMENT = AccountKind.ADJUSTMENT.value
ZERO = Decimal(0)


def period_bounds(
    first_day: dt.date, last_day: dt.date, zone: ZoneInfo = BEIJING
) -> tuple[dt.datetime, dt.datetime]:
    """[midnight starting first_day, midnight after last_day) in `zone`."""
    if first_day > last_day:
        raise LedgerError(
            f"the period ends ({last_day}) before it starts ({first_day})", field="last_day"
        )
    try:
        start = dt.datetime.combine(first_day, dt.time(), tzinfo=zone)
        end = dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time(), tzinfo=zone)
        start.astimezone(dt.UTC), end.astimezone(dt.UTC)  # both must exist in UTC too
    except OverflowError:
        raise LedgerError(
            f"{first_day}..{last_day} is outside the dates the ledger can hold", field="last_day"
        ) from None
    return start, end


@dataclass
class _Line:
    opening: Decimal = ZERO
    receipts: Decimal = ZERO
    removals: Decimal = ZERO
    adjustments: Decimal = ZERO
    between_lots: Decimal = ZERO
    closing: Decimal = ZERO

    def moved(self) -> bool:
        return any((self.receipts, self.removals, self.adjustments, self.between_lots))


def reconcile(
    session: Session,
    book_no: str,
    first_day: dt.date,
    last_day: dt.date,
    zone: ZoneInfo = BEIJING,
    *,
    known_at: dt.datetime | None = None,
) -> Reconciliation:
    """Every lot of the book that held stock or moved in the period, by item and lot.

    Read in one snapshot (the caller's session), so a posting committed meanwhile cannot
    make opening, flows and closing disagree.
    """
    start, end = period_bounds(first_day, last_day, zone)
    book = repository.book_id(session, book_no)
    if book is None:
        raise UnknownReference(f"no account book {book_no}", field="book_no")
    known = END_OF_TIME if known_at is None else known_at
    lines: dict[tuple[int, str], _Line] = defaultdict(_Line)
    for item_no, lot_no, posted in repository.posted_before(session, book, start, known):
        lines[item_no, lot_no].opening += posted
    for item_no, lot_no, posted in repository.posted_before(session, book, end, known):
        lines[item_no, lot_no].closing += posted
    for flow in repository.posted_flows(session, book, start, end, known):
        _classify(lines, flow)
    units = repository.item_units(session, book)
    out = []
    for (item_no, lot_no), line in sorted(lines.items()):
        if not (line.opening or line.closing or line.moved()):
            continue  # emptied before the period and untouched in it
        expected = (
            line.opening + line.receipts - line.removals + line.adjustments + line.between_lots
        )
        out.append(
            ReconciliationLine(
                item_no=item_no,
                lot_no=lot_no,
                unit=units[item_no],
                opening=line.opening,
                receipts=line.receipts,
                removals=line.removals,
                adjustments=line.adjustments,
                between_lots=line.between_lots,
                closing=line.closing,
                balanced=expected == line.closing,
            )
        )
    return Reconciliation(
        book_no=book_no,
        first_day=first_day,
        last_day=last_day,
        timezone=zone.key,
        starts_at=start,
        ends_at=end,
        known_at=known_at,
        lines=tuple(out),
        balanced=all(line.balanced for line in out),
    )


def _classify(lines: dict[tuple[int, str], _Line], flow: repository.FlowRow) -> None:
    q = flow.quantity
    into = flow.destination_lot if flow.destination_kind == STOCK else None
    out_of = flow.source_lot if flow.source_kind == STOCK else None
    if into is not None and out_of is not None:
        if into != out_of:  # another location or status of the same lot cancels out
            lines[flow.item_no, out_of].between_lots -= q
            lines[flow.item_no, into].between_lots += q
    elif into is not None:
        line = lines[flow.item_no, into]
        if flow.source_kind == ADJUSTMENT:
            line.adjustments += q
        else:
            line.receipts += q
    elif out_of is not None:
        line = lines[flow.item_no, out_of]
        if flow.destination_kind == ADJUSTMENT:
            line.adjustments -= q
        else:
            line.removals += q
