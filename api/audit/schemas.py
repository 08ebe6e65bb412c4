"""What auditors read: a lot's trace (redacted to the reader's scope), the chain's
verification, and a book's reconciliation (JSON; its files are `reports.reconciliation`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from api.inventory.schemas import Quantity
from schemas.inventory import Reconciliation
from schemas.ledger import ChainVerification, DocumentRef, LotTrace


class _View(BaseModel):
    model_config = ConfigDict(frozen=True)


class Direction(StrEnum):
    BACKWARD = "backward"  # where the lot came from: its receipts and input lots
    FORWARD = "forward"  # where it went: its exits and the lots made from it


class TraceStep(_View):
    """A document that moved the lot's goods in from (backward) or out to (forward) an
    outside account, and how much."""

    document: DocumentRef | None
    outside: str
    quantity: Quantity
    recorded_at: dt.datetime
    actor: str = Field("", description="who caused the movement (the ledger transaction's)")
    reason: str = Field("", description="why, as the ledger transaction records it")
    occurred_at: dt.datetime


class TraceLot(_View):
    book_no: str
    lot_no: str
    item_no: int
    steps: list[TraceStep]
    links: list[TraceLink]


class TraceLink(_View):
    """A lot this one was made of (backward) or went into (forward), with the quantity
    of the lineage link. A lot in a book out of the reader's scope is redacted: the
    quantity stays, `lot` is null and `out_of_scope` true."""

    quantity: Quantity
    out_of_scope: bool
    lot: TraceLot | None


TraceLot.model_rebuild()


class TraceReport(_View):
    direction: Direction
    redacted: int = Field(description="links into books out of the reader's scope")
    trace: TraceLot


def trace_report(
    trace: LotTrace, direction: Direction, visible: Callable[[str], bool]
) -> TraceReport:
    """The trace with every link into a book the reader may not see redacted, the whole
    subtree beyond it included (what lies past another enterprise's lot is told by that
    enterprise's books, even where it comes back into the reader's own)."""
    redacted = 0

    def node(lot: LotTrace) -> TraceLot:
        nonlocal redacted
        links = []
        for link in lot.links:
            if visible(link.lot.book_no):
                links.append(
                    TraceLink(quantity=link.quantity, out_of_scope=False, lot=node(link.lot))
                )
            else:
                redacted += 1
                links.append(TraceLink(quantity=link.quantity, out_of_scope=True, lot=None))
        return TraceLot(
            book_no=lot.book_no,
            lot_no=lot.lot_no,
            item_no=lot.item_no,
            steps=[
                TraceStep(
                    document=s.document,
                    outside=s.outside,
                    quantity=s.quantity,
                    recorded_at=s.recorded_at,
                    actor=s.actor,
                    reason=s.reason,
                    occurred_at=s.occurred_at,
                )
                for s in lot.steps
            ],
            links=links,
        )

    root = node(trace)
    return TraceReport(direction=direction, redacted=redacted, trace=root)


class Verification(_View):
    """The audit chain rebuilt from the tables: ok, or the first event that does not
    hold and the row that was changed."""

    ok: bool
    events_checked: int
    head_seq: int
    head_hash: str
    broken_seq: int | None
    problem: str | None
    verified_at: dt.datetime


def verification(result: ChainVerification, at: dt.datetime) -> Verification:
    return Verification(**result.model_dump(), verified_at=at)


class ReconciliationRow(_View):
    """One item's lot: opening + receipts - removals + adjustments + between_lots must
    equal closing (`balanced`). Receipts come from outside accounts (abroad, domestic,
    processing output, zone transfer), removals go to them; adjustments are the net of
    the adjustment account's movements (stocktake gains positive, losses negative);
    between_lots the net of moves from and to the item's other lots."""

    item_no: int
    lot_no: str
    unit: str
    opening: Quantity
    receipts: Quantity
    removals: Quantity
    adjustments: Quantity
    between_lots: Quantity
    closing: Quantity
    balanced: bool


class ReconciliationReport(_View):
    book_no: str
    first_day: dt.date
    last_day: dt.date
    timezone: str
    starts_at: dt.datetime
    ends_at: dt.datetime = Field(description="exclusive: the midnight after last_day")
    basis: str = Field(description="the time postings are counted by")
    known_at: dt.datetime | None = Field(
        default=None, description="only postings recorded by then count (UTC); null: now"
    )
    balanced: bool
    lines: list[ReconciliationRow]


BASIS = "occurred_at (business time)"


def reconciliation_report(found: Reconciliation) -> ReconciliationReport:
    return ReconciliationReport(
        book_no=found.book_no,
        first_day=found.first_day,
        last_day=found.last_day,
        timezone=found.timezone,
        starts_at=found.starts_at,
        ends_at=found.ends_at,
        basis=BASIS,
        known_at=found.known_at,
        balanced=found.balanced,
        lines=[ReconciliationRow(**line.model_dump()) for line in found.lines],
    )
