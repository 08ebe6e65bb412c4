"""What the timer tests share on the time-skipping test server: a server of each
test's own, the status once the worker has caught up, and decisions sent through a
plain client (see ``update``)."""

from __future__ import annotations

import asyncio
import datetime as dt
import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest_asyncio
from temporalio.client import Client, WorkflowHandle
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.service import RPCError, RPCStatusCode
from temporalio.testing import WorkflowEnvironment

from schemas.lifecycle import LifecycleStatus, Role

BIN = Path(sys.executable).parent


@pytest_asyncio.fixture(loop_scope="session")
async def time_server() -> AsyncIterator[WorkflowEnvironment]:
    """A time-skipping test server of each test's own. Shared, it skipped time for the
    earlier tests' workflows too (a 14-day deadline's daily fee timers, escalations)
    and now and then timed out a sleep on a busy machine; its own, it skips over this
    test's timers only, and an update never meets another test's workflow."""
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=str(BIN / "temporal-test-server"),
        data_converter=pydantic_data_converter,
    )
    yield env
    await env.shutdown()


async def status_of(handle: WorkflowHandle[Any, Any]) -> LifecycleStatus:
    status: LifecycleStatus = await handle.query("status", result_type=LifecycleStatus)
    return status


async def eventually(
    handle: WorkflowHandle[Any, Any], condition: Callable[[LifecycleStatus], bool]
) -> LifecycleStatus:
    """The status once the worker has caught up with fired timers (or the last one)."""
    for _ in range(500):  # up to 10 s on a busy machine
        status = await status_of(handle)
        if condition(status):
            return status
        await asyncio.sleep(0.02)
    return status


async def settled(handle: WorkflowHandle[Any, Any]) -> LifecycleStatus:
    """The status once no workflow task is pending: the worker has handled every timer
    that has fired. For what must *not* have happened yet: waiting out ``eventually``'s
    10 s to see a condition stay false cost each timer test 10 s."""
    for _ in range(500):  # up to 10 s on a busy machine
        description = await handle.describe()
        if not description.raw_description.HasField("pending_workflow_task"):
            break
        await asyncio.sleep(0.02)
    return await status_of(handle)


async def escalates_to_the_liaison(
    env: WorkflowEnvironment,
    handle: WorkflowHandle[Any, Any],
    *,
    not_yet: dt.timedelta,
    then: dt.timedelta,
) -> LifecycleStatus:
    """After ``not_yet`` the wait is not escalated; ``then`` later it is the liaison's,
    escalated, past its deadline. The status then, for the test's own checks."""
    await env.sleep(not_yet)
    assert not (await settled(handle)).escalated
    await env.sleep(then)
    status = await eventually(handle, lambda s: s.escalated)
    assert status.escalated
    assert status.waiting_for is Role.LIAISON
    assert "past the deadline" in status.next_step
    return status


async def update(
    env: WorkflowEnvironment, handle: WorkflowHandle[Any, Any], name: str, argument: Any
) -> None:
    """Send a decision (an update) through a plain client, so that waiting for its
    result does not touch the test server's time-skipping lock. Time skipping stays
    locked (the clock runs at its own pace) until the test sleeps: unlocking it here
    let the server skip to the next timer while the test still looked (an escalation
    before its time), and the sleep's own unlock then failed ("Application error
    processing RPC")."""
    plain = Client(
        env.client.service_client,
        namespace=env.client.namespace,
        data_converter=pydantic_data_converter,
    )
    # The test server sometimes loses an update sent while it is still skipping time
    # for another workflow ("update ... not found"): send it again.
    for attempt in range(5):
        try:
            await plain.get_workflow_handle(handle.id).execute_update(name, argument)
            return
        except RPCError as error:
            if error.status is not RPCStatusCode.NOT_FOUND or attempt == 4:
                raise
            await asyncio.sleep(0.2)
