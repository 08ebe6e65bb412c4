"""How the sink hands a watcher's pass to the workflows: a workflow's receipts of the
pass go as one ``receipts`` signal (it wakes once for them all), in the pass's order;
a lone receipt as one ``receipt`` signal; the signal's outcome is each of its
receipts' outcome."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any, cast

import pytest

from adapters.temporal.sink import RECEIPT_SIGNAL, RECEIPTS_SIGNAL, WorkflowSignalSink
from customs.delivery_policy import DeliveryUnavailable
from customs.routing import Answer
from schemas.customs import ReceiptView
from schemas.lifecycle import ReceiptSignal, ReceiptSignals
from tests.support import messages

pytestmark = pytest.mark.asyncio(loop_scope="session")

AT = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)
# document id -> (workflow id, inner number); document 3 was filed by hand.
DOCUMENTS: dict[int, tuple[str | None, str]] = {
    1: ("entry-A", "BL-A"),
    2: ("entry-B", "BL-B"),
    3: (None, "BL-C"),
}


def _receipt(receipt_id: int, document_id: int) -> tuple[ReceiptView, Answer]:
    view = ReceiptView(
        id=receipt_id,
        document_id=document_id,
        message_type="INV201",
        receipt_key=f"key-{receipt_id}",
        file_name=f"INV201_{receipt_id}.xml",
        result="3",
        business_time=AT,
        received_at=AT,
        summary={},
    )
    return view, messages.review_receipt()


class Temporal(WorkflowSignalSink):
    """Records each signal sent (its workflow, name and receipt ids); the workflows in
    ``refusing`` refuse theirs."""

    def __init__(self, loop: asyncio.AbstractEventLoop, refusing: set[str]) -> None:
        super().__init__(cast(Any, None), cast(Any, None), loop)
        self.refusing = refusing
        self.sent: list[tuple[str, str, tuple[int, ...]]] = []
        self.inner_nos: list[str | None] = []

    def _document(self, document_id: int) -> tuple[str | None, str]:
        return DOCUMENTS[document_id]

    async def _signal_as(
        self, workflow_id: str, name: str, signal: ReceiptSignal | ReceiptSignals
    ) -> None:
        taken = signal.receipts if isinstance(signal, ReceiptSignals) else (signal,)
        self.sent.append((workflow_id, name, tuple(s.receipt_id for s in taken)))
        self.inner_nos += [s.inner_no for s in taken]
        if workflow_id in self.refusing:
            raise DeliveryUnavailable("Temporal unreachable")


async def _deliver_all(
    refusing: set[str], batch: list[tuple[ReceiptView, Answer]]
) -> tuple[Temporal, list[BaseException | None]]:
    temporal = Temporal(asyncio.get_running_loop(), refusing)
    outcomes = await asyncio.to_thread(temporal.deliver_all, batch)
    return temporal, outcomes


async def test_a_workflows_receipts_of_a_pass_go_as_one_signal_in_order() -> None:
    """Given a pass with entry-A's receipts 1, 3, 4 and entry-B's 2, then A gets one
    ``receipts`` signal with 1, 3, 4 in that order (each with its inner number), B one
    ``receipt`` signal, and every receipt is delivered."""
    batch = [_receipt(1, 1), _receipt(2, 2), _receipt(3, 1), _receipt(4, 1)]

    temporal, outcomes = await _deliver_all(set(), batch)

    assert sorted(temporal.sent) == [
        ("entry-A", RECEIPTS_SIGNAL, (1, 3, 4)),
        ("entry-B", RECEIPT_SIGNAL, (2,)),
    ]
    assert sorted(temporal.inner_nos, key=str) == ["BL-A", "BL-A", "BL-A", "BL-B"]
    assert outcomes == [None, None, None, None]


async def test_a_failed_signal_is_the_outcome_of_each_of_its_receipts() -> None:
    """Given entry-A's signal refused, then each of A's receipts has the failure (to be
    retried together), B's is delivered, and a document filed by hand is told nothing."""
    batch = [_receipt(1, 1), _receipt(2, 2), _receipt(3, 1), _receipt(5, 3)]

    temporal, outcomes = await _deliver_all({"entry-A"}, batch)

    assert [workflow_id for workflow_id, _, _ in sorted(temporal.sent)] == ["entry-A", "entry-B"]
    assert isinstance(outcomes[0], DeliveryUnavailable)
    assert outcomes[2] is outcomes[0]
    assert outcomes[1] is None
    assert outcomes[3] is None
