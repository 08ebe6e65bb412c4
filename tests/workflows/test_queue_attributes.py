"""The work queue's search attributes are kept by the lifecycle itself: who it waits
for, since when, the declaration deadline and escalation, upserted at the start, on
every stage change and when customs' silence escalates it (``workflows.record``).

Mocked activities (``test_timers``) on the dev server, which registers the
attributes; the receipt timeout is two seconds, so the escalation comes by itself.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from temporalio.client import WorkflowHandle
from temporalio.common import TypedSearchAttributes
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from rules.late_fees import declaration_deadline
from schemas.lifecycle import Decision, EntryInput, EntryPolicy, Role
from schemas.messages.fields import DOCUMENT_ZONE
from tests.workflows.conftest import entry_draft, keep_history
from tests.workflows.test_timers import (
    reserve,
    resolve,
    submit_gate_pass,
    submit_list,
    validate,
)
from workflows import search
from workflows.first_line_entry import FirstLineEntryWorkflow

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def _attributes_once(
    handle: WorkflowHandle[Any, Any], holds: Callable[[TypedSearchAttributes], bool]
) -> TypedSearchAttributes:
    for _ in range(300):  # up to 30 s on a busy machine
        attributes = (await handle.describe()).typed_search_attributes
        if holds(attributes):
            return attributes
        await asyncio.sleep(0.1)
    return attributes


async def test_the_queue_attributes_follow_the_stage_and_the_escalation(
    dev_server: WorkflowEnvironment,
) -> None:
    """Given an entry waiting for its sign-off, then it waits for the liaison since it
    was checked, due on its deadline; once filed, it waits for customs; when customs
    stays silent past the receipt timeout, it waits for the liaison, escalated."""
    task_queue = f"queue-{uuid.uuid4().hex[:8]}"
    draft = entry_draft(f"QA-{uuid.uuid4().hex[:6]}")
    policy = EntryPolicy(receipt_timeout=dt.timedelta(seconds=2))
    async with Worker(
        dev_server.client,
        task_queue=task_queue,
        workflows=[FirstLineEntryWorkflow],
        activities=[validate, reserve, resolve, submit_list, submit_gate_pass],
    ):
        handle = await dev_server.client.start_workflow(
            "FirstLineEntry",
            EntryInput(draft=draft, policy=policy),
            id=f"entry-{draft.inner_no}",
            task_queue=task_queue,
        )
        try:
            waiting = await _attributes_once(
                handle, lambda a: a.get(search.STATUS) == "awaiting_sign_off"
            )
            assert waiting.get(search.WAITING_FOR) == Role.LIAISON.value
            assert waiting.get(search.ESCALATED) is False
            deadline = declaration_deadline(draft.arrival_date)
            due = waiting.get(search.DUE)
            assert due is not None
            assert due.astimezone(DOCUMENT_ZONE).date() == deadline
            assert due.astimezone(DOCUMENT_ZONE).time() == dt.time(0, 0)
            checked_at = waiting.get(search.STAGE_SINCE)
            assert checked_at is not None

            await handle.execute_update(
                "sign_off", Decision(actor="liaison-wang", role=Role.LIAISON, reason="ok")
            )
            filed = await _attributes_once(
                handle, lambda a: a.get(search.STATUS) == "awaiting_review"
            )
            assert filed.get(search.WAITING_FOR) == Role.CUSTOMS.value
            since = filed.get(search.STAGE_SINCE)
            assert since is not None
            assert since >= checked_at

            escalated = await _attributes_once(handle, lambda a: a.get(search.ESCALATED) is True)
            assert escalated.get(search.ESCALATED) is True
            assert escalated.get(search.WAITING_FOR) == Role.LIAISON.value
            assert escalated.get(search.STATUS) == "awaiting_review"
            await keep_history(handle, "entry_escalated")
        finally:
            await handle.terminate("the test is over")
