"""What the API shows of stock: positions with their balances, and a lot's movements.

Quantities are exact decimals written as plain strings ("12663.31658", "2400"): one
text per number, never a float, never an exponent.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer

from api.pagination import Page
from schemas.codes import CustomsStatus, Operation
from schemas.inventory import LotMovement, LotMovements
from schemas.ledger import BalanceView, DocumentRef
from schemas.quantities import plain

Quantity = Annotated[
    Decimal,
    PlainSerializer(plain, return_type=str, when_used="json"),
    Field(description="an exact decimal as a plain string, in the item's declared unit"),
]


class _View(BaseModel):
    model_config = ConfigDict(frozen=True)


class BalanceLine(_View):
    """One stock position (book item, lot, location, customs status) and its balances:
    posted, reserved to leave (pending_out), expected in (pending_in), and available
    (posted - pending_out)."""

    book_no: str
    item_no: int
    lot_no: str
    location: str
    status: CustomsStatus
    posted: Quantity
    pending_out: Quantity
    pending_in: Quantity
    available: Quantity


class BalancePage(Page[BalanceLine]):
    as_of: dt.datetime | None = Field(
        description="the business instant the balances are as of (UTC); null: now"
    )
    known_at: dt.datetime | None = Field(
        default=None, description="the record instant they are as known at (UTC); null: now"
    )


def balance_line(view: BalanceView) -> BalanceLine:
    assert view.lot_no is not None
    assert view.location is not None
    assert view.status is not None
    return BalanceLine(
        book_no=view.book_no,
        item_no=view.item_no,
        lot_no=view.lot_no,
        location=view.location,
        status=CustomsStatus(view.status),
        posted=view.posted,
        pending_out=view.pending_out,
        pending_in=view.pending_in,
        available=view.available,
    )


class LotMovementLine(_View):
    """One change of one of the lot's positions: the document that caused it, who and
    why, the change, the position's balances after it and the whole lot's after the
    change's transaction (lot_posted_after, lot_available_after)."""

    entry_id: int
    recorded_at: dt.datetime
    occurred_at: dt.datetime
    transaction_client_id: str
    operation: Operation
    document: DocumentRef | None
    actor: str
    reason: str
    location: str
    status: CustomsStatus
    counterparty: str = Field(
        description="the movement's other account: an outside party (abroad|book|item) "
        "or another stock position"
    )
    delta_posted: Quantity
    delta_pending_out: Quantity
    delta_pending_in: Quantity
    posted_after: Quantity
    available_after: Quantity
    lot_posted_after: Quantity
    lot_available_after: Quantity


class LotMovementPage(Page[LotMovementLine]):
    book_no: str
    lot_no: str
    item_no: int


def movement_line(m: LotMovement) -> LotMovementLine:
    return LotMovementLine(
        entry_id=m.entry_id,
        recorded_at=m.recorded_at,
        occurred_at=m.occurred_at,
        transaction_client_id=m.transaction_client_id,
        operation=m.operation,
        document=m.document,
        actor=m.actor,
        reason=m.reason,
        location=m.location,
        status=CustomsStatus(m.status),
        counterparty=m.counterparty,
        delta_posted=m.delta_posted,
        delta_pending_out=m.delta_pending_out,
        delta_pending_in=m.delta_pending_in,
        posted_after=m.posted_after,
        available_after=m.available_after,
        lot_posted_after=m.lot_posted_after,
        lot_available_after=m.lot_available_after,
    )


def movement_page(found: LotMovements, limit: int, offset: int) -> LotMovementPage:
    return LotMovementPage(
        items=[movement_line(m) for m in found.movements],
        total=found.total,
        limit=limit,
        offset=offset,
        book_no=found.book_no,
        lot_no=found.lot_no,
        item_no=found.item_no,
    )
