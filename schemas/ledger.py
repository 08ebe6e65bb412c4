"""Requests to the bonded inventory ledger and what it answers.

A request names accounts by business keys (book number, 备案序号, lot, location,
customs status), never by database ids, so the same request can be replayed from
a workflow activity after a crash and mean the same thing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from schemas.codes import CustomsStatus, DocumentType, Operation, OutsideKind, Phase
from schemas.masterdata import BookNo, Code, UnitCode
from schemas.messages.fields import Currency
from schemas.quantities import Amount, NonNegativeQuantity, PositiveQuantity

ClientId = Annotated[
    str,
    Field(
        min_length=1,
        max_length=200,
        pattern=r"^[\x21-\x7e]+$",
        description="idempotency key: the same id always means the same request",
    ),
]


def _aware(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("must carry a timezone (documents use Asia/Shanghai, storage UTC)")
    return value.astimezone(dt.UTC)


AwareDatetime = Annotated[dt.datetime, AfterValidator(_aware)]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class StockRef(_Model):
    """A stock position of the leg's item: (lot, location, customs status)."""

    kind: Literal["stock"] = "stock"
    lot_no: Code
    location: Code
    status: CustomsStatus = CustomsStatus.BONDED

    def label(self) -> str:
        return f"stock[lot={self.lot_no}, location={self.location}, status={self.status}]"


class OutsideRef(_Model):
    """The world outside the zone's stock for the leg's item (abroad, domestic...)."""

    kind: Literal["outside"] = "outside"
    party: OutsideKind

    def label(self) -> str:
        return f"outside[{self.party}]"


AccountRef = Annotated[StockRef | OutsideRef, Field(discriminator="kind")]


class Leg(_Model):
    """One movement of one book item from one account to another."""

    book_no: BookNo
    item_no: Annotated[int, Field(ge=1)]
    unit: UnitCode
    quantity: PositiveQuantity
    source: AccountRef
    destination: AccountRef
    amount: Amount | None = Field(default=None, description="value of the goods moved")
    currency: Currency | None = None

    @model_validator(mode="after")
    def _distinct(self) -> Leg:
        if self.source == self.destination:
            raise ValueError("source and destination are the same account")
        if isinstance(self.source, OutsideRef) and isinstance(self.destination, OutsideRef):
            raise ValueError("a movement touches at least one stock account")
        if (self.amount is None) != (self.currency is None):
            raise ValueError("amount and currency go together")
        return self


class LotRef(_Model):
    book_no: BookNo
    lot_no: Code


class LineageInput(_Model):
    """Produced lot `output` consumed `quantity` of input lot `input`."""

    output: LotRef
    input: LotRef
    quantity: PositiveQuantity


class DocumentRef(_Model):
    """The customs or work document that caused a movement."""

    type: DocumentType
    number: Annotated[str, Field(min_length=1, max_length=64)]


class _Audited(_Model):
    client_id: ClientId
    actor: Annotated[str, Field(min_length=1, max_length=120, description="who")]
    reason: Annotated[str, Field(min_length=1, max_length=500, description="why")]
    occurred_at: AwareDatetime = Field(description="when it happened in the business")

    def fingerprint(self) -> str:
        """A stable hash of the request's content, to tell a replay from a conflict."""
        body = self._fingerprinted()
        canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return hashlib.sha256(canonical.encode()).hexdigest()

    def _fingerprinted(self) -> dict[str, object]:
        return self.model_dump(mode="json")


class MovementRequest(_Audited):
    """Post (or reserve) one or more legs that commit together or not at all."""

    operation: Literal[Operation.POST, Operation.RESERVE] = Operation.POST
    document: DocumentRef
    legs: Annotated[tuple[Leg, ...], Field(min_length=1, max_length=10_000)]
    lineage: tuple[LineageInput, ...] = ()

    @model_validator(mode="after")
    def _lineage_only_when_posting(self) -> MovementRequest:
        if self.lineage and self.operation is not Operation.POST:
            raise ValueError("lineage is recorded when goods are produced: post, don't reserve")
        return self


class ResolveRequest(_Audited):
    """Post or void an earlier reservation (identified by its client id) in full."""

    operation: Literal[Operation.POST_PENDING, Operation.VOID_PENDING]
    reservation_client_id: ClientId
    # Lineage recorded when the reservation is posted: an in-zone transfer's receiving
    # lot came from the giving lot, across two books.
    lineage: tuple[LineageInput, ...] = ()

    @model_validator(mode="after")
    def _lineage_only_when_posting(self) -> ResolveRequest:
        if self.lineage and self.operation is not Operation.POST_PENDING:
            raise ValueError("lineage is recorded when goods move: post, don't void")
        return self

    def _fingerprinted(self) -> dict[str, object]:
        # Resolutions recorded before lineage existed were hashed without the field:
        # leave it out when empty so their replays still match.
        return self.model_dump(mode="json", exclude={"lineage"} if not self.lineage else None)


class MovementView(_Model):
    movement_id: int
    leg_no: int
    phase: Phase
    book_no: str
    item_no: int
    unit: str
    quantity: Decimal
    first_legal_quantity: Decimal
    second_legal_quantity: Decimal | None
    source_key: str
    destination_key: str
    amount: Decimal | None
    currency: str | None


class LedgerReceipt(_Model):
    """The ledger's answer: the same for a first post and for every replay of it."""

    transaction_id: int
    client_id: str
    operation: Operation
    document: DocumentRef | None
    recorded_at: dt.datetime
    chain_seq: int
    chain_hash: str
    movements: tuple[MovementView, ...]
    replayed: bool = False


class BalanceView(_Model):
    key: str
    kind: str
    book_no: str
    item_no: int
    lot_no: str | None
    location: str | None
    status: str | None
    posted: Decimal
    pending_out: Decimal
    pending_in: Decimal
    available: Decimal


class HistoryEntry(_Model):
    entry_id: int
    recorded_at: dt.datetime
    transaction_client_id: str
    operation: Operation
    document: DocumentRef | None
    actor: str
    reason: str
    delta_posted: Decimal
    delta_pending_out: Decimal
    delta_pending_in: Decimal
    posted_after: Decimal
    available_after: Decimal


class TraceStep(_Model):
    """A document that moved a lot's goods in from, or out to, an outside account."""

    document: DocumentRef | None
    outside: str
    quantity: NonNegativeQuantity
    recorded_at: dt.datetime
    actor: str = ""  # who caused the movement (the transaction's actor)
    reason: str = ""  # and why (the transaction's reason)
    occurred_at: dt.datetime


class LotTrace(_Model):
    """A lot with where its goods came from (backward) or went (forward)."""

    book_no: str
    lot_no: str
    item_no: int
    steps: tuple[TraceStep, ...]
    links: tuple[LotTraceLink, ...]


class LotTraceLink(_Model):
    quantity: Decimal
    lot: LotTrace


LotTrace.model_rebuild()


class ChainAnchor(_Model):
    """A chain head an auditor keeps outside the database (`bondflow ledger anchor`)."""

    seq: int
    hash: str
    taken_at: dt.datetime


class ChainVerification(_Model):
    ok: bool
    events_checked: int
    head_seq: int
    head_hash: str
    broken_seq: int | None = None
    problem: str | None = None
