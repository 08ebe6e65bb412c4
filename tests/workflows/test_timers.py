"""Timers on the time-skipping test server: the 14-day declaration deadline with its
accruing late fee, and the escalation of a receipt that does not come.

The activities are stand-ins here (the timers are the subject); the dev-server tests
run the real ones."""

from __future__ import annotations

import asyncio
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

from schemas.lifecycle import (
    Decision,
    EntryDraft,
    EntryInput,
    EntryPolicy,
    LateFeeView,
    LifecycleStatus,
    ReserveInput,
    ResolveInput,
    Role,
    Stage,
    SubmitGatePassInput,
    SubmitListInput,
    Submitted,
    TransferInput,
    TransferReserveInput,
    TransferSideInput,
    TransferValidateInput,
    ValidateInput,
    ValidationReport,
)
from schemas.messages.fields import DOCUMENT_ZONE
from tests.workflows.conftest import entry_draft
from tests.workflows.test_transfer import transfer
from tests.workflows.time_skipping import eventually, status_of, time_server, update
from workflows.first_line_entry import FirstLineEntryWorkflow
from workflows.transfer import TransferWorkflow

__all__ = ["time_server"]  # the fixture, used here too

pytestmark = pytest.mark.asyncio(loop_scope="session")

CIF = Decimal("134988.43")


@activity.defn(name="entry.validate")
async def validate(data: ValidateInput) -> ValidationReport:
    return ValidationReport(ok=True, cif_cny=CIF, enterprise_code="9601346001")


@activity.defn(name="entry.reserve")
async def reserve(data: ReserveInput) -> str:
    return f"{data.workflow_id}/reserve/c{data.change_count}"


@activity.defn(name="entry.resolve")
async def resolve(data: ResolveInput) -> str:
    return f"{data.reservation_client_id}/{'post' if data.post else 'void'}"


@activity.defn(name="entry.submit_list")
async def submit_list(data: SubmitListInput) -> Submitted:
    return Submitted(
        file_name=f"INV101__{data.draft.inner_no}__c{data.change_count}.xml", again=False
    )


@activity.defn(name="entry.submit_gate_pass")
async def submit_gate_pass(data: SubmitGatePassInput) -> Submitted:
    return Submitted(file_name=f"SAS121__{data.draft.inner_no}.xml", again=False)


@activity.defn(name="transfer.validate")
async def validate_transfer(data: TransferValidateInput) -> ValidationReport:
    return ValidationReport(ok=True, enterprise_code="9601346001")


@activity.defn(name="transfer.reserve")
async def reserve_transfer(data: TransferReserveInput) -> str:
    return f"{data.workflow_id}/reserve"


@activity.defn(name="transfer.submit_list")
async def submit_transfer_list(data: TransferSideInput) -> Submitted:
    return Submitted(file_name=f"INV101__{data.draft.transfer_no}-{data.side}.xml", again=False)


@pytest_asyncio.fixture(loop_scope="session")
async def worker(time_server: WorkflowEnvironment) -> AsyncIterator[str]:
    task_queue = f"timers-{uuid.uuid4().hex[:8]}"
    async with Worker(
        time_server.client,
        task_queue=task_queue,
        workflows=[FirstLineEntryWorkflow],
        activities=[validate, reserve, resolve, submit_list, submit_gate_pass],
    ):
        yield task_queue


async def _start(
    env: WorkflowEnvironment, task_queue: str, draft: EntryDraft, policy: EntryPolicy
) -> WorkflowHandle[Any, Any]:
    return await env.client.start_workflow(
        "FirstLineEntry",
        EntryInput(draft=draft, policy=policy, indexed=False),
        id=f"entry-{draft.inner_no}-{uuid.uuid4().hex[:6]}",
        task_queue=task_queue,
    )


async def _filed(handle: WorkflowHandle[Any, Any]) -> None:
    """Wait until the list is with customs, before skipping time: skipped while the
    filing's workflow task is still running, it expires that task and the clock runs
    ahead of the workflow (the flaky "sleep timed out" and missing escalations)."""
    status = await eventually(handle, lambda status: status.stage is Stage.AWAITING_REVIEW)
    assert status.stage is Stage.AWAITING_REVIEW


def _fee(status: LifecycleStatus) -> LateFeeView:
    assert status.late_fee is not None, "an entry always shows its deadline and fee"
    return status.late_fee


async def _signed_off(env: WorkflowEnvironment, handle: WorkflowHandle[Any, Any]) -> None:
    """Sign off once the draft has been checked (an earlier sign-off is refused),
    through a plain client (``time_skipping.update``)."""
    for _ in range(200):
        if (await status_of(handle)).stage is Stage.AWAITING_SIGN_OFF:
            break
        await asyncio.sleep(0.05)
    await update(
        env, handle, "sign_off", Decision(actor="liaison-wang", role=Role.LIAISON, reason="ok")
    )


async def test_past_the_14_day_deadline_a_late_fee_accrues_daily_on_the_cif(
    time_server: WorkflowEnvironment, worker: str
) -> None:
    """Given goods that arrived 10 days ago and a draft still waiting for sign-off,
    when 6 days pass, then the deadline (arrival + 14) has passed, the timeline says
    so, and the fee for 2 days (0.05 % of the CIF per day) shows on the document."""
    draft = entry_draft("IN-LATE-1", arrival_days_ago=10)
    handle = await _start(time_server, worker, draft, EntryPolicy())
    before = await status_of(handle)
    assert _fee(before).days_late == 0
    assert _fee(before).deadline == draft.arrival_date + dt.timedelta(days=14)

    await time_server.sleep(dt.timedelta(days=6))
    after = await eventually(handle, lambda status: _fee(status).days_late >= 2)

    today = (await time_server.get_current_time()).astimezone(DOCUMENT_ZONE).date()
    days = (today - _fee(after).deadline).days
    assert _fee(after).days_late == days >= 1
    assert _fee(after).amount == (CIF * Decimal("0.0005") * days).quantize(Decimal("0.01"))
    assert any("deadline" in entry.note and "passed" in entry.note for entry in after.timeline)
    assert after.stage is Stage.AWAITING_SIGN_OFF


async def test_a_declaration_in_time_owes_no_fee_however_long_customs_takes(
    time_server: WorkflowEnvironment, worker: str
) -> None:
    draft = entry_draft("IN-ONTIME-1", arrival_days_ago=1)
    handle = await _start(time_server, worker, draft, EntryPolicy())
    await _signed_off(time_server, handle)
    await _filed(handle)

    await time_server.sleep(dt.timedelta(days=10))
    status = await status_of(handle)

    assert status.stage is Stage.AWAITING_REVIEW
    assert _fee(status).days_late == 0
    assert _fee(status).charged == Decimal("0.00")


async def test_a_receipt_that_does_not_come_in_time_escalates_to_the_liaison(
    time_server: WorkflowEnvironment, worker: str
) -> None:
    """Given a list filed with customs and a receipt timeout of 4 hours, when 5 hours
    pass without a receipt, then the document waits for the liaison, escalated."""
    draft = entry_draft("IN-SILENT-1")
    policy = EntryPolicy(receipt_timeout=dt.timedelta(hours=4))
    handle = await _start(time_server, worker, draft, policy)
    await _signed_off(time_server, handle)
    await _filed(handle)

    await time_server.sleep(dt.timedelta(hours=3))
    assert not (await status_of(handle)).escalated
    await time_server.sleep(dt.timedelta(hours=2))
    status = await eventually(handle, lambda status: status.escalated)

    assert status.escalated
    assert status.waiting_for is Role.LIAISON
    assert "escalated" in status.next_step
    assert any("escalated to the liaison" in entry.note for entry in status.timeline)


async def test_a_transfer_list_customs_does_not_review_in_time_escalates_to_the_liaison(
    time_server: WorkflowEnvironment,
) -> None:
    """Given a transfer's out list filed and a receipt timeout of 2 hours, when 3 hours
    pass without a review, then the transfer waits for the liaison, escalated."""
    async with Worker(
        time_server.client,
        task_queue="timers-transfer",
        workflows=[TransferWorkflow],
        activities=[validate_transfer, reserve_transfer, submit_transfer_list],
    ):
        await _escalates(time_server, "timers-transfer")


async def _escalates(time_server: WorkflowEnvironment, worker: str) -> None:
    handle = await time_server.client.start_workflow(
        "Transfer",
        TransferInput(
            draft=transfer("TR-SILENT-1"),
            policy=EntryPolicy(receipt_timeout=dt.timedelta(hours=2)),
            indexed=False,
        ),
        id=f"transfer-silent-{uuid.uuid4().hex[:6]}",
        task_queue=worker,
    )
    await _signed_off(time_server, handle)
    await _filed(handle)

    await time_server.sleep(dt.timedelta(hours=3))
    status = await eventually(handle, lambda status: status.escalated)

    assert status.stage is Stage.AWAITING_REVIEW
    assert status.waiting_for is Role.LIAISON
    filed = next(e.at for e in status.timeline if e.note.startswith("out list filed"))
    escalated = next(e.at for e in status.timeline if "escalated to the liaison" in e.note)
    # The test server may skip time while nothing runs: the escalation's own time
    # shows it came exactly when the timeout had passed, not earlier.
    assert dt.timedelta(hours=2) <= escalated - filed < dt.timedelta(hours=2, minutes=1)
