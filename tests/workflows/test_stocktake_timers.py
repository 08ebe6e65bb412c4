"""A stocktake's deadlines on the time-skipping test server, with stand-in activities
(the dev-server tests run the real ones): counts not entered within the days given
after the count's instant, and a duty not paid within its days, escalate the wait to
the liaison; the counts or the payment then carry on as before."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import pytest
import pytest_asyncio
from temporalio import activity
from temporalio.client import WorkflowHandle
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from schemas.codes import DifferenceCause
from schemas.lifecycle import (
    CountLine,
    Counts,
    DifferenceDecision,
    DifferenceReview,
    ExpectedPosition,
    PaymentConfirmation,
    Role,
    Stage,
    StockPosition,
    StocktakeAssessInput,
    StocktakeDraft,
    StocktakeDuty,
    StocktakeInput,
    StocktakeOpened,
    StocktakeOpenInput,
    StocktakePostInput,
    TaxBillView,
)
from tests.workflows.time_skipping import escalates_to_the_liaison, eventually, time_server, update
from workflows.stocktake import StocktakeWorkflow

__all__ = ["time_server"]  # the fixture, used here too

pytestmark = pytest.mark.asyncio(loop_scope="session")

GLASS = ExpectedPosition(
    item_no=2, lot_no="GLS-1", location="BIN-1", quantity=Decimal(100), unit="007"
)
BILL = TaxBillView(
    cif=Decimal("262.15"),
    duty=Decimal("26.22"),
    consumption_tax=Decimal("0.00"),
    vat=Decimal("37.49"),
    total=Decimal("63.71"),
)


@activity.defn(name="stocktake.open")
async def open_stocktake(data: StocktakeOpenInput) -> StocktakeOpened:
    return StocktakeOpened(ok=True, enterprise_code="9601346001", expected=(GLASS,), items=(2,))


@activity.defn(name="stocktake.assess")
async def assess(data: StocktakeAssessInput) -> StocktakeDuty:
    owing = tuple(
        StockPosition(item_no=d.item_no, lot_no=d.lot_no, location=d.location)
        for d in data.differences
        if d.difference < 0
    )
    return StocktakeDuty(owing=owing, bill=BILL if owing else None)


@activity.defn(name="stocktake.post")
async def post(data: StocktakePostInput) -> str:
    return f"{data.workflow_id}/post"


@pytest_asyncio.fixture(loop_scope="session")
async def stocktake_worker(time_server: WorkflowEnvironment) -> AsyncIterator[str]:
    task_queue = f"stocktake-{uuid.uuid4().hex[:8]}"
    async with Worker(
        time_server.client,
        task_queue=task_queue,
        workflows=[StocktakeWorkflow],
        activities=[open_stocktake, assess, post],
    ):
        yield task_queue


async def _start(env: WorkflowEnvironment, task_queue: str) -> WorkflowHandle[Any, Any]:
    draft = StocktakeDraft(
        stocktake_no="ST-TIMER",
        book_no="H96012600001",
        locations=("BIN-1",),
        counted_at=await env.get_current_time(),
        filed_by="filer-li",
    )
    return await env.client.start_workflow(
        "Stocktake",
        StocktakeInput(draft=draft, indexed=False, counting_days=2, payment_days=15),
        id=f"stocktake-{uuid.uuid4().hex[:8]}",
        task_queue=task_queue,
    )


def _counts(quantity: int) -> Counts:
    line = CountLine(
        item_no=2,
        lot_no="GLS-1",
        location="BIN-1",
        quantity=Decimal(quantity),
        unit_price=Decimal("18.4"),
        currency="502",
    )
    return Counts(actor="filer-li", role=Role.FILER, lines=(line,), exchange_rate=Decimal("7.1234"))


async def test_counts_not_entered_in_time_escalate_to_the_liaison(
    time_server: WorkflowEnvironment, stocktake_worker: str
) -> None:
    """Given counts due 2 days after the count's instant, when 3 days pass without
    them, then the stocktake waits for the liaison, escalated; counts entered then
    finish it, and the escalation is over."""
    handle = await _start(time_server, stocktake_worker)
    status = await eventually(handle, lambda s: s.stage is Stage.COUNTING)
    assert status.waiting_for is Role.FILER

    status = await escalates_to_the_liaison(
        time_server, handle, not_yet=dt.timedelta(days=1), then=dt.timedelta(days=2)
    )

    await update(time_server, handle, "enter_counts", _counts(100))
    status = await eventually(handle, lambda s: s.stage is Stage.COMPLETED)
    assert status.stage is Stage.COMPLETED
    assert not status.escalated


async def test_a_duty_not_paid_in_time_escalates_to_the_liaison(
    time_server: WorkflowEnvironment, stocktake_worker: str
) -> None:
    """Given 2 pieces of bonded glass accepted as lost and their duty assessed, when
    the 15 days to pay pass, then the payment waits for the liaison, escalated; once
    confirmed, the loss is posted."""
    handle = await _start(time_server, stocktake_worker)
    await eventually(handle, lambda s: s.stage is Stage.COUNTING)
    await update(time_server, handle, "enter_counts", _counts(98))
    await eventually(handle, lambda s: s.stage is Stage.DIFFERENCE_REVIEW)
    decision = DifferenceDecision(
        item_no=2, lot_no="GLS-1", location="BIN-1", cause=DifferenceCause.LOSS
    )
    review = DifferenceReview(
        actor="liaison-wang", role=Role.LIAISON, reason="broken", decisions=(decision,)
    )
    await update(time_server, handle, "review_differences", review)
    status = await eventually(handle, lambda s: s.stage is Stage.AWAITING_PAYMENT)
    assert status.duties_payable == BILL.total
    assert status.waiting_for is Role.FILER

    await time_server.sleep(dt.timedelta(days=16))
    status = await eventually(handle, lambda s: s.escalated)
    assert status.waiting_for is Role.LIAISON

    payment = PaymentConfirmation(
        actor="filer-li", role=Role.FILER, reference="TAX-1", amount=BILL.total
    )
    await update(time_server, handle, "confirm_payment", payment)
    status = await eventually(handle, lambda s: s.stage is Stage.COMPLETED)
    assert status.stage is Stage.COMPLETED
