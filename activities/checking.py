"""How the validate activities check a draft: read one snapshot of the database (one
session, a few statements for the whole draft), then apply the pure check of
``checks/`` on the business day the workflow named.

Histories recorded before the day was passed hand the activity a bare draft; its day
is then the Beijing date of the activity's first scheduling (the same on every retry,
unlike the wall clock)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TypeVar

from temporalio import activity

from adapters.db.engine import Database
from checks.lists import list_report, positions
from checks.transfers import positions as transfer_positions
from checks.transfers import transfer_report
from checks.work_orders import positions as work_order_positions
from checks.work_orders import work_order_check
from ledger.queries import available
from masterdata import snapshot as masterdata_snapshot
from schemas.errors import BondflowError
from schemas.lifecycle import (
    WHOLE_DRAFT,
    ListDraft,
    Refusal,
    TransferDraft,
    TransferValidateInput,
    ValidateInput,
    ValidationReport,
    WorkOrderCheck,
    WorkOrderDraft,
)
from schemas.messages.fields import DOCUMENT_ZONE
from schemas.snapshots import ListSnapshot, TransferSnapshot, WorkOrderSnapshot

Draft = TypeVar("Draft")


def scheduled_day() -> dt.date:
    """The Beijing date on which this activity was first scheduled (retries keep it)."""
    if not activity.in_activity():
        raise RuntimeError("a bare draft names no day outside an activity: pass ValidateInput")
    return activity.info().scheduled_time.astimezone(DOCUMENT_ZONE).date()


def draft_and_day(data: ValidateInput | TransferValidateInput | Draft) -> tuple[Draft, dt.date]:
    """The draft and the business day to check it on."""
    if isinstance(data, ValidateInput | TransferValidateInput):
        return data.draft, data.on  # type: ignore[return-value]
    return data, scheduled_day()


def refused(error: BondflowError) -> Refusal:
    """A refusal raised while reading (a missing book) as data."""
    return Refusal(field=error.field or WHOLE_DRAFT, reason=error.reason)


def list_snapshot(database: Database, draft: ListDraft) -> ListSnapshot:
    """The book, the declarant, the draft's lots and locations and (for goods leaving
    stock) what its positions hold, in one session."""
    with database.reading() as session:
        book = masterdata_snapshot.book_snapshot(
            session,
            draft.book_no,
            lot_nos={line.lot_no for line in draft.lines},
            locations={line.location for line in draft.lines},
        )
        declarant = masterdata_snapshot.enterprise(session, draft.declarant_code)
        held = available(session, positions(draft))
    return ListSnapshot(book=book, declarant=declarant, available=held)


def check_list(database: Database, draft: ListDraft, on: dt.date) -> ValidationReport:
    try:
        snapshot = list_snapshot(database, draft)
    except BondflowError as error:
        return ValidationReport(ok=False, problems=(refused(error),))
    return list_report(draft, snapshot, on)


def transfer_snapshot(database: Database, draft: TransferDraft) -> TransferSnapshot:
    """Both books (the receiving one with the draft's receiving locations) and what
    the giving positions hold, in one session."""
    with database.reading() as session:
        giving = masterdata_snapshot.book_snapshot(
            session, draft.from_book_no, field="from_book_no"
        )
        receiving = masterdata_snapshot.book_snapshot(
            session,
            draft.to_book_no,
            locations={line.to_location for line in draft.lines},
            field="to_book_no",
        )
        held = available(session, transfer_positions(draft))
    return TransferSnapshot(giving=giving, receiving=receiving, available=held)


def check_transfer(database: Database, draft: TransferDraft, on: dt.date) -> ValidationReport:
    try:
        snapshot = transfer_snapshot(database, draft)
    except BondflowError as error:
        return ValidationReport(ok=False, problems=(refused(error),))
    return transfer_report(draft, snapshot, on)


def work_order_snapshot(database: Database, draft: WorkOrderDraft) -> WorkOrderSnapshot:
    """The book with the outputs' locations, the finished item's norms in force on the
    run's day and what the material positions hold, in one session."""
    with database.reading() as session:
        book = masterdata_snapshot.book_snapshot(
            session,
            draft.book_no,
            locations={
                output.location
                for output in (draft.finished, draft.defective, *draft.offcuts)
                if output is not None
            },
        )
        norms = masterdata_snapshot.norms_in_force(
            session, draft.book_no, draft.finished.item_no, draft.produced_on
        )
        held = available(session, work_order_positions(draft))
    return WorkOrderSnapshot(
        book=book,
        finished_item_no=draft.finished.item_no,
        norms_on=draft.produced_on,
        norms=norms,
        available=held,
    )


def check_work_order(
    database: Database, draft: WorkOrderDraft, tolerance: Decimal
) -> WorkOrderCheck:
    """A work order on the run's day (``produced_on``): its norms are those in force then."""
    try:
        snapshot = work_order_snapshot(database, draft)
    except BondflowError as error:
        return WorkOrderCheck(ok=False, problems=(refused(error),))
    return work_order_check(draft, snapshot, tolerance)
