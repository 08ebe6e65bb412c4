"""A write-off's deadlines on the time-skipping test server, with stand-in activities
(the dev-server tests run the real ones): a review not decided within its days, and a
correction not made within its days after the write-off came back, escalate the wait
to the liaison; the decision ends the escalation. An approval refused because the
statement changed goes back to the review with a deadline of its own."""

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
from temporalio.exceptions import ApplicationError
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from schemas.lifecycle import (
    STATEMENT_CHANGED,
    Decision,
    Role,
    Stage,
    TimelineEvent,
    WriteOffBalance,
    WriteOffChanged,
    WriteOffCloseInput,
    WriteOffCorrection,
    WriteOffDraft,
    WriteOffInput,
    WriteOffPrepared,
    WriteOffPrepareInput,
    WriteOffView,
)
from tests.workflows.conftest import keep_history
from tests.workflows.time_skipping import escalates_to_the_liaison, eventually, time_server, update
from workflows.write_off import WriteOffWorkflow

__all__ = ["time_server"]  # the fixture, used here

pytestmark = pytest.mark.asyncio(loop_scope="session")

REVIEWED, CHANGED = "a" * 64, "b" * 64


def _view(draft: WriteOffDraft, fingerprint: str, glass: int) -> WriteOffView:
    balance = WriteOffBalance(
        item_no=2, finished=False, theoretical=Decimal(glass), counted=None, difference=None
    )
    return WriteOffView(
        start=draft.start,
        end=draft.end,
        stocktake_id=None,
        balances=(balance,),
        unfolded=0,
        fingerprint=fingerprint,
    )


@activity.defn(name="write_off.prepare")
async def prepare(data: WriteOffPrepareInput) -> WriteOffPrepared:
    return WriteOffPrepared(
        ok=True, enterprise_code="9601346001", view=_view(data.draft, REVIEWED, 100)
    )


@activity.defn(name="write_off.close")
async def close(data: WriteOffCloseInput) -> str:
    """Closes the period, except for a write-off numbered ``...-CHANGED`` whose first
    reviewed statement a back-dated posting changed (one glass less)."""
    if data.draft.write_off_no.endswith("-CHANGED") and data.reviewed == REVIEWED:
        changed = WriteOffChanged(
            reviewed=REVIEWED, found=CHANGED, view=_view(data.draft, CHANGED, 99), reopened=True
        )
        raise ApplicationError(
            "the statement changed since its review",
            changed.model_dump(mode="json"),
            type=STATEMENT_CHANGED,
            non_retryable=True,
        )
    return "close_period:1"


@pytest_asyncio.fixture(loop_scope="session")
async def write_off_worker(time_server: WorkflowEnvironment) -> AsyncIterator[str]:
    task_queue = f"write-off-{uuid.uuid4().hex[:8]}"
    async with Worker(
        time_server.client,
        task_queue=task_queue,
        workflows=[WriteOffWorkflow],
        activities=[prepare, close],
    ):
        yield task_queue


def _draft(number: str) -> WriteOffDraft:
    return WriteOffDraft(
        write_off_no=number,
        book_no="H96012600001",
        start=dt.date(2026, 7, 1),
        end=dt.date(2026, 10, 1),
        filed_by="filer-li",
    )


async def _prepared(
    env: WorkflowEnvironment, task_queue: str, number: str
) -> WorkflowHandle[Any, Any]:
    """A write-off prepared and waiting for the liaison's review: due in 3 days, a
    correction due 2 days after it comes back."""
    handle = await env.client.start_workflow(
        "WriteOff",
        WriteOffInput(draft=_draft(number), indexed=False, review_days=3, correction_days=2),
        id=f"write-off-{uuid.uuid4().hex[:8]}",
        task_queue=task_queue,
    )
    status = await eventually(handle, lambda s: s.stage is Stage.AWAITING_SIGN_OFF)
    assert status.stage is Stage.AWAITING_SIGN_OFF
    return handle


def _liaison(reason: str) -> Decision:
    return Decision(actor="liaison-wang", role=Role.LIAISON, reason=reason)


async def test_a_review_not_decided_in_time_escalates_and_the_approval_ends_it(
    time_server: WorkflowEnvironment, write_off_worker: str
) -> None:
    """Given a statement whose review is due in 3 days, when 4 days pass without a
    decision, then the write-off is escalated past its deadline; the liaison's approval
    then closes the period and the escalation is over."""
    handle = await _prepared(time_server, write_off_worker, "WO-LATE-REVIEW")

    status = await escalates_to_the_liaison(
        time_server, handle, not_yet=dt.timedelta(days=2), then=dt.timedelta(days=2)
    )
    assert status.timeline[-1].event is TimelineEvent.OVERDUE

    await update(time_server, handle, "sign_off", _liaison("late, but it agrees"))
    status = await eventually(handle, lambda s: s.stage is Stage.COMPLETED)
    assert status.stage is Stage.COMPLETED
    assert not status.escalated


async def test_a_correction_not_made_in_time_escalates_to_the_liaison(
    time_server: WorkflowEnvironment, write_off_worker: str
) -> None:
    """Given a write-off the liaison returned, its correction due in 2 days, when 3
    days pass, then the wait is the liaison's, escalated; the filer's correction ends
    the escalation and the statement is reviewed again (waiting for the liaison, not
    escalated) and approved."""
    handle = await _prepared(time_server, write_off_worker, "WO-LATE-CORRECTION")
    await update(time_server, handle, "return_draft", _liaison("attach the stocktake"))
    status = await eventually(handle, lambda s: s.stage is Stage.RETURNED)
    assert status.waiting_for is Role.FILER
    assert status.write_off is not None
    assert status.write_off.correction_due is not None
    assert status.write_off.review_due is None

    await time_server.sleep(dt.timedelta(days=3))
    status = await eventually(handle, lambda s: s.escalated)
    assert status.escalated
    assert status.waiting_for is Role.LIAISON
    assert "past the deadline" in status.next_step

    correction = WriteOffCorrection(
        actor="filer-li",
        role=Role.FILER,
        reason="the stocktake attached",
        draft=_draft("WO-LATE-CORRECTION"),
    )
    await update(time_server, handle, "correct", correction)
    status = await eventually(handle, lambda s: s.stage is Stage.AWAITING_SIGN_OFF)
    assert status.stage is Stage.AWAITING_SIGN_OFF
    assert not status.escalated
    assert status.waiting_for is Role.LIAISON

    await update(time_server, handle, "sign_off", _liaison("counted"))
    status = await eventually(handle, lambda s: s.stage is Stage.COMPLETED)
    assert status.stage is Stage.COMPLETED
    await keep_history(handle, "write_off_correction_overdue")


async def test_a_changed_statement_is_reviewed_again_with_a_deadline_of_its_own(
    time_server: WorkflowEnvironment, write_off_worker: str
) -> None:
    """Given an approval refused because the statement changed since its review, then
    the new statement waits for the liaison with a new review deadline, escalates past
    it like the first, and its approval closes the period."""
    handle = await _prepared(time_server, write_off_worker, "WO-CHANGED")
    first = await eventually(handle, lambda s: s.write_off is not None)
    assert first.write_off is not None
    await time_server.sleep(dt.timedelta(days=1))
    await update(time_server, handle, "sign_off", _liaison("the first figures"))

    status = await eventually(
        handle,
        lambda s: (
            s.stage is Stage.AWAITING_SIGN_OFF
            and s.write_off is not None
            and s.write_off.fingerprint == CHANGED
        ),
    )
    assert status.write_off is not None
    assert status.write_off.fingerprint == CHANGED
    assert status.write_off.balances[0].theoretical == 99
    assert first.write_off.review_due is not None
    assert status.write_off.review_due is not None
    assert status.write_off.review_due > first.write_off.review_due
    assert any(e.event is TimelineEvent.STATEMENT_CHANGED for e in status.timeline)
    assert not status.escalated

    await time_server.sleep(dt.timedelta(days=4))
    status = await eventually(handle, lambda s: s.escalated)
    assert status.escalated

    await update(time_server, handle, "sign_off", _liaison("the new figures"))
    status = await eventually(handle, lambda s: s.stage is Stage.COMPLETED)
    assert status.stage is Stage.COMPLETED
    assert not status.escalated
