"""Every SQL statement of the write-off's read side: a book's items, its stock by item
before an instant, its posted movements in a period one row per transaction, item and
pair of account kinds, and the norms in force for a finished item on a day."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from adapters.db.models import (
    AccountBook,
    BookItem,
    LedgerAccount,
    LedgerTransaction,
    Movement,
    WriteOffClosing,
)
from ledger import repository as ledger_repository
from ledger.timeline import END_OF_TIME
from masterdata import repository as masterdata_repository
from rules.write_off import Item, NormInForce
from schemas.codes import AccountKind, DocumentType, Phase


@dataclass(frozen=True)
class BookRow:
    id: int
    book_no: str
    book_type: str


def book(session: Session, book_no: str) -> BookRow | None:
    row = session.execute(
        select(AccountBook.id, AccountBook.book_no, AccountBook.book_type).where(
            AccountBook.book_no == book_no
        )
    ).first()
    return None if row is None else BookRow(row[0], row[1], row[2])


def items(session: Session, book_id: int) -> list[Item]:
    rows = session.execute(
        select(
            BookItem.item_no,
            BookItem.part_no,
            BookItem.name,
            BookItem.declared_unit,
            BookItem.is_finished_good,
        )
        .where(BookItem.book_id == book_id)
        .order_by(BookItem.item_no)
    )
    return [Item(r[0], r[1], r[2], r[3], finished=r[4]) for r in rows]


def stock_before(session: Session, book_id: int, before: dt.datetime) -> dict[int, Decimal]:
    """Each item's stock (every lot, location and status) from the postings that occurred
    (business time) before `before`, as known now: the reconciliation's own per-lot sums,
    added up."""
    totals: dict[int, Decimal] = defaultdict(Decimal)
    known = END_OF_TIME
    for item_no, _lot_no, posted in ledger_repository.posted_before(
        session, book_id, before, known
    ):
        totals[item_no] += posted
    return {item_no: total for item_no, total in totals.items() if total}


@dataclass(frozen=True)
class MovementRow:
    """A transaction's posted quantity of one item from one kind of account to another."""

    transaction: str  # the ledger transaction's client id
    document_type: DocumentType | None
    document_no: str | None
    occurred_at: dt.datetime
    item_no: int
    source_kind: AccountKind
    destination_kind: AccountKind
    quantity: Decimal


def period_movements(
    session: Session, book_id: int, start: dt.datetime, end: dt.datetime
) -> list[MovementRow]:
    """The book's posted movements that occurred in [start, end), summed per transaction,
    item and pair of account kinds, in the order they occurred. A reservation counts when
    it is posted (its resolution's movements are the posted ones, under the reservation's
    document); a voided one never does."""
    source, destination = aliased(LedgerAccount), aliased(LedgerAccount)
    rows = session.execute(
        select(
            LedgerTransaction.client_id,
            LedgerTransaction.document_type,
            LedgerTransaction.document_no,
            LedgerTransaction.occurred_at,
            BookItem.item_no,
            source.kind,
            destination.kind,
            func.sum(Movement.quantity),
        )
        .select_from(Movement)
        .join(LedgerTransaction, LedgerTransaction.id == Movement.transaction_id)
        .join(BookItem, BookItem.id == Movement.item_id)
        .join(source, source.id == Movement.source_id)
        .join(destination, destination.id == Movement.destination_id)
        .where(
            BookItem.book_id == book_id,
            Movement.phase == Phase.POSTED.value,
            LedgerTransaction.occurred_at >= start,
            LedgerTransaction.occurred_at < end,
        )
        .group_by(
            LedgerTransaction.id,
            LedgerTransaction.client_id,
            LedgerTransaction.document_type,
            LedgerTransaction.document_no,
            LedgerTransaction.occurred_at,
            BookItem.item_no,
            source.kind,
            destination.kind,
        )
        .order_by(LedgerTransaction.occurred_at, LedgerTransaction.id, BookItem.item_no)
    )
    return [
        MovementRow(
            transaction=r[0],
            document_type=None if r[1] is None else DocumentType(r[1]),
            document_no=r[2],
            occurred_at=r[3],
            item_no=r[4],
            source_kind=AccountKind(r[5]),
            destination_kind=AccountKind(r[6]),
            quantity=r[7],
        )
        for r in rows
    ]


def norms_in_force(
    session: Session, book_no: str, finished_item_no: int, on: dt.date
) -> tuple[NormInForce, ...]:
    """The norms in force for a finished item on a day, by master data's one query."""
    return tuple(
        NormInForce(material_item_no, norm.version, norm.net_consumption, norm.loss_rate)
        for norm, material_item_no in masterdata_repository.norms_in_force(
            session, book_no, finished_item_no, on
        )
    )


@dataclass(frozen=True)
class ClosingRow:
    write_off_no: str
    item_no: int
    stock: Decimal
    in_finished: Decimal | None


def approved_closing(session: Session, book_id: int, last_day: dt.date) -> list[ClosingRow]:
    """The approved closing balances of the book's write-off whose period ended on
    `last_day` (the latest approved, if a period was written off twice)."""
    latest = session.execute(
        select(WriteOffClosing.workflow_id)
        .where(WriteOffClosing.book_id == book_id, WriteOffClosing.last_day == last_day)
        .order_by(WriteOffClosing.recorded_at.desc(), WriteOffClosing.id.desc())
        .limit(1)
    ).scalar()
    if latest is None:
        return []
    rows = session.execute(
        select(
            WriteOffClosing.write_off_no,
            WriteOffClosing.item_no,
            WriteOffClosing.stock,
            WriteOffClosing.in_finished,
        )
        .where(WriteOffClosing.workflow_id == latest)
        .order_by(WriteOffClosing.item_no)
    )
    return [ClosingRow(r[0], r[1], r[2], r[3]) for r in rows]


def closing_recorded(session: Session, workflow_id: str) -> bool:
    return (
        session.execute(
            select(WriteOffClosing.id).where(WriteOffClosing.workflow_id == workflow_id).limit(1)
        ).first()
        is not None
    )


def record_closing(
    session: Session,
    *,
    book_id: int,
    write_off_no: str,
    workflow_id: str,
    first_day: dt.date,
    last_day: dt.date,
    balances: dict[int, tuple[Decimal, Decimal | None]],
    at: dt.datetime,
) -> None:
    session.add_all(
        WriteOffClosing(
            book_id=book_id,
            write_off_no=write_off_no,
            workflow_id=workflow_id,
            first_day=first_day,
            last_day=last_day,
            item_no=item_no,
            stock=stock,
            in_finished=in_finished,
            recorded_at=at,
        )
        for item_no, (stock, in_finished) in sorted(balances.items())
    )
