"""How the sink signals a pass: each workflow's receipts in order, different workflows at
once; a workflow's later receipts wait when an earlier one was not delivered, so they
never overtake it (the failed one is retried after its backoff)."""

from __future__ import annotations

from typing import Any, cast

import pytest

from adapters.temporal.sink import WorkflowSignalSink
from customs.delivery_policy import DeliveryUnavailable, LifecycleEnded
from schemas.lifecycle import ReceiptSignal

pytestmark = pytest.mark.asyncio(loop_scope="session")


def _signal(receipt_id: int) -> ReceiptSignal:
    return ReceiptSignal(
        receipt_id=receipt_id, message_type="INV201", result="1", business_time=None
    )


class Temporal(WorkflowSignalSink):
    """Answers each signal as ``refusals`` says (by receipt id), records what was sent."""

    def __init__(self, refusals: dict[int, BaseException]) -> None:
        super().__init__(cast(Any, None), cast(Any, None), cast(Any, None))
        self.refusals = refusals
        self.sent: list[tuple[str, int]] = []

    async def _signal(self, workflow_id: str, signal: ReceiptSignal) -> None:
        self.sent.append((workflow_id, signal.receipt_id))
        refusal = self.refusals.get(signal.receipt_id)
        if refusal is not None:
            raise refusal


async def test_a_workflows_receipts_after_an_undelivered_one_wait_and_others_go_on() -> None:
    """Given entry-A's receipts 1, 2, 3 and entry-B's 4, 5, when 1 is not delivered,
    then 2 and 3 are not sent (unavailable, naming why) and B's both are."""
    temporal = Temporal({1: DeliveryUnavailable("Temporal unreachable")})
    signals = [("entry-A", _signal(n)) for n in (1, 2, 3)] + [
        ("entry-B", _signal(n)) for n in (4, 5)
    ]
    outcomes: list[BaseException | None] = [None] * len(signals)

    await temporal._signal_all(signals, outcomes)

    assert temporal.sent == [("entry-A", 1), ("entry-B", 4), ("entry-B", 5)]
    assert isinstance(outcomes[0], DeliveryUnavailable)
    for later in outcomes[1:3]:
        assert isinstance(later, DeliveryUnavailable)
        assert "an earlier receipt of entry-A was not delivered" in str(later)
    assert outcomes[3:] == [None, None]


async def test_an_ended_lifecycle_does_not_hold_back_its_later_receipts() -> None:
    """An ended lifecycle's refusal is final, not a failure to retry: the rest of its
    receipts are still sent (and get the same answer)."""
    ended = LifecycleEnded("entry-A", "completed")
    temporal = Temporal({1: ended, 2: ended})
    outcomes: list[BaseException | None] = [None, None]

    await temporal._signal_all([("entry-A", _signal(1)), ("entry-A", _signal(2))], outcomes)

    assert temporal.sent == [("entry-A", 1), ("entry-A", 2)]
    assert outcomes == [ended, ended]
