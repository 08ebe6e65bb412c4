"""Where each receipt stands on its way to its lifecycle, and the admins' decisions.

Every receipt gets a delivery row when it is recorded (``pending``, due at once).
The watcher asks for the due ones and reports each attempt's outcome: delivered,
arrived after the lifecycle ended (final, never retried) or failed (retried with
backoff until the ``RetryPolicy``'s bound, then ``parked``). An admin sends a
pending or parked receipt back to pending with its attempts reset (redeliver) or
dismisses it with a reason; who and why are kept on the row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from enum import StrEnum

from adapters.db.engine import Database
from adapters.db.models import CustomsDocument, CustomsReceipt, CustomsReceiptDelivery
from customs import repository
from customs.delivery_policy import RetryPolicy
from customs.errors import DeliveryRefused
from customs.views import document_view, receipt_view
from schemas.customs import (
    UNDELIVERED,
    DeliveredReceipt,
    DeliveryState,
    DeliveryView,
    ReceiptDelivery,
    ReceiptView,
)
from schemas.errors import BondflowError, NotFound

MAX_ERROR_TEXT = 2000
MAX_REASON = 1000


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def delivery_view(row: CustomsReceiptDelivery) -> DeliveryView:
    return DeliveryView.model_validate(row, from_attributes=True)


def _receipt_delivery(
    receipt: CustomsReceipt, delivery: CustomsReceiptDelivery, document: CustomsDocument
) -> ReceiptDelivery:
    return ReceiptDelivery(
        receipt=receipt_view(receipt),
        document=document_view(document),
        delivery=delivery_view(delivery),
    )


def new_delivery(receipt_id: int, now: dt.datetime) -> CustomsReceiptDelivery:
    """The row written with a new receipt: pending, due at once."""
    return CustomsReceiptDelivery(
        receipt_id=receipt_id,
        state=DeliveryState.PENDING.value,
        attempts=0,
        queued_at=now,
        next_attempt_at=now,
    )


def _as_it_stands(receipt_id: int, row: CustomsReceiptDelivery) -> str:
    state = DeliveryState(row.state)
    how = {
        DeliveryState.PENDING: "is pending delivery",
        DeliveryState.DELIVERED: "was delivered to its lifecycle",
        DeliveryState.AFTER_END: "arrived after its lifecycle ended",
        DeliveryState.PARKED: "is parked",
        DeliveryState.DISMISSED: f"was dismissed by {row.decided_by}",
    }[state]
    return f"receipt {receipt_id} {how}"


# Only an undelivered receipt is redelivered or dismissed.
ACTIONABLE = frozenset(UNDELIVERED)


class AttemptResult(StrEnum):
    DELIVERED = "delivered"  # the lifecycle has it
    ENDED = "ended"  # the lifecycle had ended: final (note: how it ended)
    FAILED = "failed"  # retried after the backoff, parked at the bound (note: the error)


@dataclass(frozen=True)
class Attempt:
    """One delivery attempt's outcome, as the watcher reports it."""

    receipt_id: int
    result: AttemptResult
    note: str | None = None


# The states an outcome leaves alone: the same fact learnt twice (two watchers), or an
# admin's decision already made.
_FINAL_FOR = {
    AttemptResult.DELIVERED: frozenset({DeliveryState.DELIVERED, DeliveryState.AFTER_END}),
    AttemptResult.ENDED: frozenset(state for state in DeliveryState if state.settled),
}


def _apply(
    row: CustomsReceiptDelivery, attempt: Attempt, policy: RetryPolicy, now: dt.datetime
) -> None:
    """One attempt's outcome on its delivery row (locked by the caller)."""
    state = DeliveryState(row.state)
    if attempt.result is AttemptResult.FAILED:
        if state is not DeliveryState.PENDING:
            return  # dismissed (or settled) meanwhile: stays so
        row.attempts += 1
        row.last_attempt_at = now
        row.last_error = (attempt.note or "")[:MAX_ERROR_TEXT]
        if policy.parks(row.attempts, row.queued_at, now):
            row.state = DeliveryState.PARKED.value
            row.next_attempt_at = None
        else:
            row.next_attempt_at = now + policy.delay_after(row.attempts)
        return
    if state in _FINAL_FOR[attempt.result]:
        return
    if state is DeliveryState.PENDING:
        row.attempts += 1
        row.last_attempt_at = now
    row.settled_at = now
    row.next_attempt_at = None
    if attempt.result is AttemptResult.DELIVERED:
        row.state = DeliveryState.DELIVERED.value
    else:
        row.state = DeliveryState.AFTER_END.value
        row.note = attempt.note


@dataclass(frozen=True)
class DueBatch:
    """The pending receipts due now, with their bytes, and the earliest next attempt of
    the pending receipts left out (None: none is pending)."""

    receipts: list[tuple[ReceiptView, bytes]]
    next_attempt_at: dt.datetime | None


class ReceiptDeliveries:
    def __init__(self, database: Database, clock: Callable[[], dt.datetime] = _now) -> None:
        self.db = database
        self.clock = clock

    # --- the watcher's side ---------------------------------------------------------

    def due(self, limit: int = 100) -> list[ReceiptView]:
        """Pending receipts whose next attempt is due now."""
        return [receipt for receipt, _ in self.due_batch(limit).receipts]

    def due_batch(self, limit: int = 100) -> DueBatch:
        """The due receipts with their bytes, and when the next of the others falls due,
        read in one snapshot without the write lock."""
        now = self.clock()
        with self.db.reading() as session:
            rows = repository.due_deliveries(session, now, limit)
            if len(rows) == limit:
                # More may be due beyond the limit: as soon as the last one read.
                later = rows[-1][1].next_attempt_at
            else:
                later = repository.next_attempt_after(session, now)
            return DueBatch(
                [(receipt_view(receipt), receipt.payload) for receipt, _ in rows], later
            )

    def delivered(self, receipt_id: int) -> None:
        """The lifecycle has the receipt. Also over a dismissal made while the attempt
        was under way: the workflow did get it."""
        self.settle([Attempt(receipt_id, AttemptResult.DELIVERED)], RetryPolicy())

    def ended(self, receipt_id: int, note: str) -> None:
        """The lifecycle had ended when the receipt came: final, never tried again."""
        self.settle([Attempt(receipt_id, AttemptResult.ENDED, note)], RetryPolicy())

    def failed(self, receipt_id: int, error: str, policy: RetryPolicy) -> DeliveryView:
        """An attempt failed: try again after the backoff, or park at the bound. A receipt
        an admin dismissed meanwhile stays dismissed."""
        return self.settle([Attempt(receipt_id, AttemptResult.FAILED, error)], policy)[receipt_id]

    def settle(self, attempts: Sequence[Attempt], policy: RetryPolicy) -> dict[int, DeliveryView]:
        """The outcomes of many attempts in one transaction (the rows locked in id
        order); each receipt's delivery as it stands afterwards. Raises NotFound, and
        settles none, if a receipt has no delivery."""
        if not attempts:
            return {}
        with self.db.transaction() as session:
            rows = repository.deliveries_locked(session, {a.receipt_id for a in attempts})
            now = self.clock()
            settled: dict[int, DeliveryView] = {}
            for attempt in attempts:
                row = rows.get(attempt.receipt_id)
                if row is None:
                    raise NotFound(f"no receipt {attempt.receipt_id}", field="receipt_id")
                _apply(row, attempt, policy, now)
            session.flush()
            for attempt in attempts:
                settled[attempt.receipt_id] = delivery_view(rows[attempt.receipt_id])
            return settled

    # --- reading --------------------------------------------------------------------

    def get(self, receipt_id: int) -> ReceiptDelivery:
        with self.db.reading() as session:
            found = repository.receipt_delivery(session, receipt_id)
            if found is None:
                raise NotFound(f"no receipt {receipt_id}", field="receipt_id")
            return _receipt_delivery(*found)

    def page(
        self, states: Collection[DeliveryState] = UNDELIVERED, limit: int = 50, offset: int = 0
    ) -> tuple[list[ReceiptDelivery], int]:
        """Receipts in these states (by default the undelivered: pending and parked), in
        arrival order, and how many there are."""
        with self.db.reading() as session:
            rows = repository.deliveries(session, states, limit, offset)
            total = repository.count_deliveries(session, states)
            return [_receipt_delivery(*row) for row in rows], total

    def undelivered(self, limit: int = 100) -> list[ReceiptView]:
        return [found.receipt for found in self.page(UNDELIVERED, limit, 0)[0]]

    def of_document(self, document_id: int) -> list[DeliveredReceipt]:
        """A document's receipts in customs' order, each with its delivery."""
        with self.db.reading() as session:
            return [
                DeliveredReceipt(
                    **receipt_view(receipt).model_dump(), delivery=delivery_view(delivery)
                )
                for receipt, delivery in repository.deliveries_of(session, document_id)
            ]

    # --- an admin's decisions -------------------------------------------------------

    def redeliver(self, receipt_id: int, by: str, reason: str | None = None) -> ReceiptDelivery:
        """Back to pending, due now, attempts reset (the age bound counts from now)."""

        def decide(row: CustomsReceiptDelivery, now: dt.datetime) -> None:
            row.state = DeliveryState.PENDING.value
            row.attempts = 0
            row.queued_at = now
            row.next_attempt_at = now
            row.note = reason
            row.decided_by = by
            row.decided_at = now

        return self._decide(receipt_id, "redelivered", decide)

    def dismiss(self, receipt_id: int, by: str, reason: str) -> ReceiptDelivery:
        """Never to be delivered: the reason and who decided are kept."""
        reason = reason.strip()
        if not reason:
            raise BondflowError("say why the receipt need not be delivered", field="reason")
        if len(reason) > MAX_REASON:
            raise BondflowError(f"at most {MAX_REASON} characters", field="reason")

        def decide(row: CustomsReceiptDelivery, now: dt.datetime) -> None:
            row.state = DeliveryState.DISMISSED.value
            row.next_attempt_at = None
            row.settled_at = now
            row.note = reason
            row.decided_by = by
            row.decided_at = now

        return self._decide(receipt_id, "dismissed", decide)

    def _decide(
        self,
        receipt_id: int,
        action: str,
        decide: Callable[[CustomsReceiptDelivery, dt.datetime], None],
    ) -> ReceiptDelivery:
        with self.db.transaction() as session:
            row = repository.delivery(session, receipt_id, lock=True)
            if row is None:
                raise NotFound(f"no receipt {receipt_id}", field="receipt_id")
            if DeliveryState(row.state) not in ACTIONABLE:
                raise DeliveryRefused(
                    f"{_as_it_stands(receipt_id, row)}: only a pending or parked receipt"
                    f" may be {action}",
                    field="state",
                )
            decide(row, self.clock())
            session.flush()
            found = repository.receipt_delivery(session, receipt_id)
            assert found is not None
            return _receipt_delivery(*found)
