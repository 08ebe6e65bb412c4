"""What the ledger answers about inventory: a lot's movements and a book's reconciliation.

Quantities are Decimals in the item's declared unit; instants are aware (UTC).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from pydantic import BaseModel, ConfigDict

from schemas.codes import AccountKind, Operation
from schemas.ledger import DocumentRef


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Counterparty(_Model):
    """The other account of a movement, by its business names (对方账户): an outside
    party of a book (abroad, domestic, adjustment...) or another stock position (its
    lot, location and status), with the book's enterprise."""

    kind: AccountKind
    book_no: str
    enterprise_name: str
    lot_no: str | None = None  # stock positions only
    location: str | None = None
    location_name: str | None = None
    status: str | None = None


class LotMovement(_Model):
    """One change of one of a lot's stock positions, with the position's balances after
    it and the whole lot's after its transaction (so a move between two positions of the
    lot shows the lot unchanged on both of its entries)."""

    entry_id: int
    recorded_at: dt.datetime
    occurred_at: dt.datetime
    transaction_client_id: str
    operation: Operation
    document: DocumentRef | None
    actor: str
    reason: str
    location: str
    status: str
    # The other account of the movement: an outside party's key (abroad|H…|1) or another
    # stock position of the same book item.
    counterparty: str
    counterparty_account: Counterparty | None = None  # the same account, by its names
    delta_posted: Decimal
    delta_pending_out: Decimal
    delta_pending_in: Decimal
    posted_after: Decimal
    available_after: Decimal
    lot_posted_after: Decimal
    lot_available_after: Decimal


class LotMovements(_Model):
    """A page of a lot's movements, oldest first, and how many there are in all."""

    book_no: str
    lot_no: str
    item_no: int
    movements: tuple[LotMovement, ...]
    total: int


class ReconciliationLine(_Model):
    """One item's lot over a period, posted quantities only.

    receipts come in from outside accounts other than adjustment (abroad, domestic,
    processing output, zone transfer), removals go out to them; adjustments are the net
    of movements from and to the adjustment account (stocktake gains and losses);
    between_lots is the net of movements from and to other lots' stock positions of the
    item (moves between locations or statuses of the same lot cancel out). `balanced`
    says opening + receipts - removals + adjustments + between_lots == closing, where
    opening and closing come from the positions' balance entries and the flows from the
    movements: two records of the same history.
    """

    item_no: int
    lot_no: str
    unit: str
    opening: Decimal
    receipts: Decimal
    removals: Decimal
    adjustments: Decimal
    between_lots: Decimal
    closing: Decimal
    balanced: bool


class Reconciliation(_Model):
    """A book's reconciliation over whole days [first_day, last_day] of `timezone`, by the
    business time of the postings (occurred_at)."""

    book_no: str
    first_day: dt.date
    last_day: dt.date
    timezone: str
    starts_at: dt.datetime
    ends_at: dt.datetime  # exclusive: midnight after last_day
    # The record instant the answer is as known at; None: as known when it was asked.
    known_at: dt.datetime | None = None
    lines: tuple[ReconciliationLine, ...]
    balanced: bool


class LotBalance(_Model):
    """A lot (批次) of a book with its stock summed over every position it holds."""

    book_no: str
    lot_no: str
    item_no: int
    origin: str
    created_at: dt.datetime
    positions: int
    posted: Decimal
    pending_out: Decimal
    pending_in: Decimal
    available: Decimal
