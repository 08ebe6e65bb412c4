"""A processing book's write-off statement (核销表) read from the ledger: the book's
stock by item at the period's start, its posted movements in the period classified by
the kinds of accounts they moved between (``rules.write_off.flow_of``), the norms in
force on each day a finished good left, then the pure rule (``rules.write_off``).

The period is [start, end) by **business time** (each transaction's ``occurred_at``), as
the reconciliation's: a document back-dated into the period changes its statement. The
opening is the ledger's stock at `start`; the write-off lifecycle will pass the previous
approved statement's closing instead. The counted balance is an input (the period's
stocktake count per item), absent until there is one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from adapters.db.engine import Database
from ledger.audit import read_one_snapshot
from ledger.reconciliation import BEIJING, period_bounds
from rules.write_off import (
    BookWriteOff,
    Figure,
    PeriodMovement,
    Source,
    WriteOffInput,
    WriteOffStatement,
    business_day,
    flow_of,
    last_business_day,
    required_norms,
    write_off,
)
from schemas.codes import BookType, DocumentType
from schemas.errors import BondflowError, NotFound
from writeoff import repository

ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class KnownOpening:
    """A period's opening taken from the previous approved statement instead of the
    ledger: each item's stock, and each material's share of the finished goods in it
    (so nothing is folded again at the opening)."""

    stock: Mapping[int, Figure]
    in_finished: Mapping[int, Figure]


def days_bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """Beijing days [start, end): midnight starting `start` to midnight starting `end`."""
    if end <= start:
        raise BondflowError(f"the period ends ({end}) before it starts ({start})", field="end")
    first, after = period_bounds(start, end - ONE_DAY)
    return first, after


class WriteOffs:
    """Read a processing book's write-off statement; nothing is written."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def for_days(
        self,
        book_no: str,
        start: dt.date,
        end: dt.date,
        counted: Mapping[int, Figure] | None = None,
        opening: KnownOpening | None = None,
    ) -> BookWriteOff:
        """The statement over Beijing days [start, end) (end: the first day after)."""
        first, after = days_bounds(start, end)
        return self.statement(book_no, first, after, counted, opening=opening)

    def statement(
        self,
        book_no: str,
        start: dt.datetime,
        end: dt.datetime,
        counted: Mapping[int, Figure] | None = None,
        zone: ZoneInfo = BEIJING,
        *,
        opening: KnownOpening | None = None,
    ) -> BookWriteOff:
        """The statement over [start, end), read in one snapshot; the opening is the
        ledger's stock at `start` unless `opening` gives the approved one."""
        for name, instant in (("start", start), ("end", end)):
            if instant.tzinfo is None or instant.utcoffset() is None:
                raise BondflowError(f"{instant} has no time zone", field=name)
        if end <= start:
            raise BondflowError(f"the period ends ({end}) before it starts ({start})", field="end")
        with self.db.reading() as session:
            read_one_snapshot(session)
            return BookWriteOff(
                book_no=book_no,
                starts_at=start,
                ends_at=end,
                timezone=zone.key,
                statement=_statement(session, book_no, start, end, counted, zone, opening),
            )


def _statement(
    session: Session,
    book_no: str,
    start: dt.datetime,
    end: dt.datetime,
    counted: Mapping[int, Figure] | None,
    zone: ZoneInfo,
    known: KnownOpening | None,
) -> WriteOffStatement:
    book = repository.book(session, book_no)
    if book is None:
        raise NotFound(f"no account book {book_no}", field="book_no")
    if book.book_type != BookType.PROCESSING.value:
        raise BondflowError(
            f"{book_no} is not a processing book (H): only processing books are written off",
            field="book_no",
        )
    items = repository.items(session, book.id)
    named = {item.item_no for item in items}
    for field, given in (
        ("counted", counted),
        ("opening.stock", None if known is None else known.stock),
        ("opening.in_finished", None if known is None else known.in_finished),
    ):
        unknown = sorted(set(given or ()) - named)
        if unknown:
            raise BondflowError(
                f"book {book_no} has no item {', '.join(map(str, unknown))}", field=field
            )
    opening = (
        {
            item_no: Figure.of(
                [Source(None, DocumentType.OPENING_BALANCE, None, quantity)]
            )  # the ledger's stock at the period's start
            for item_no, quantity in repository.stock_before(session, book.id, start).items()
        }
        if known is None
        else known.stock
    )
    movements = [
        PeriodMovement(
            item_no=row.item_no,
            flow=flow,
            quantity=row.quantity,
            on=business_day(row.occurred_at, zone),
            transaction=row.transaction,
            document_type=row.document_type,
            document_no=row.document_no,
        )
        for row in repository.period_movements(session, book.id, start, end)
        if (flow := flow_of(row.source_kind, row.destination_kind)) is not None
    ]
    opening_day = business_day(start, zone)
    closing_day = last_business_day(end, zone)
    norms = {
        (finished, day): repository.norms_in_force(session, book_no, finished, day)
        for finished, day in sorted(
            required_norms(
                items,
                movements,
                opening_day,
                closing_day,
                counted,
                opening_folded=known is not None,
            )
        )
    }
    return write_off(
        WriteOffInput(
            items=items,
            opening=opening,
            opening_day=opening_day,
            movements=movements,
            counted=counted,
            closing_day=closing_day,
            norms=norms,
            opening_in_finished=None if known is None else known.in_finished,
        )
    )


def known_opening(db: Database, book_no: str, start: dt.date) -> KnownOpening | None:
    """The opening of a period starting `start` from the approved write-off of the
    period that ended the day before, if there is one (else None: the ledger's)."""
    with db.reading() as session:
        book = repository.book(session, book_no)
        if book is None:
            return None
        rows = repository.approved_closing(session, book.id, start - ONE_DAY)
    if not rows:
        return None

    def figure(number: str, quantity: Decimal) -> Figure:
        return Figure.of([Source(None, DocumentType.WRITE_OFF, number, quantity)])

    return KnownOpening(
        stock={row.item_no: figure(row.write_off_no, row.stock) for row in rows},
        in_finished={
            row.item_no: figure(row.write_off_no, row.in_finished)
            for row in rows
            if row.in_finished is not None
        },
    )


def approved_balances(written: BookWriteOff) -> dict[int, tuple[Decimal, Decimal | None]]:
    """What an approved statement leaves for the next period's opening: each counted
    item's stock and, for a material, its share of the finished goods counted. Empty
    without a count: the next period then opens from the ledger, which the closed
    period keeps as it was."""
    statement = written.statement
    balances: dict[int, tuple[Decimal, Decimal | None]] = {}
    for material in statement.materials:
        if material.counted_stock is not None:
            share = material.counted_in_finished
            balances[material.item.item_no] = (
                material.counted_stock.quantity,
                None if share is None else share.quantity,
            )
    for finished in statement.finished_goods:
        if finished.counted is not None:
            balances[finished.item.item_no] = (finished.counted.quantity, None)
    return balances


def record_approved(
    db: Database,
    written: BookWriteOff,
    *,
    write_off_no: str,
    workflow_id: str,
    at: dt.datetime,
) -> None:
    """Record the approved closing balances once per write-off (a retry finds them)."""
    with db.transaction() as session:
        if repository.closing_recorded(session, workflow_id):
            return
        book = repository.book(session, written.book_no)
        if book is None:
            raise NotFound(f"no account book {written.book_no}", field="book_no")
        repository.record_closing(
            session,
            book_id=book.id,
            write_off_no=write_off_no,
            workflow_id=workflow_id,
            first_day=written.first_day,
            last_day=written.last_day,
            balances=approved_balances(written),
            at=at,
        )
