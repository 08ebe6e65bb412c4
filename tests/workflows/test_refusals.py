"""A domain refusal raised by an activity fails it at once, without retries."""

from __future__ import annotations

import datetime as dt
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from temporalio import activity, workflow
from temporalio.client import WorkflowFailureError
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from adapters.temporal.interceptors import RefusalsAreFinal
from schemas.errors import BondflowError

pytestmark = pytest.mark.asyncio(loop_scope="session")
ATTEMPTS: list[int] = []


@activity.defn(name="refuse")
def refuse(_: str) -> str:
    ATTEMPTS.append(activity.info().attempt)
    raise BondflowError("lot L1 holds 0 available, 5 asked", field="quantity")


@workflow.defn(name="Refused")
class RefusedWorkflow:
    @workflow.run
    async def run(self) -> str:
        result: str = await workflow.execute_activity(
            "refuse",
            "x",
            start_to_close_timeout=dt.timedelta(seconds=10),
            retry_policy=RetryPolicy(maximum_attempts=50),
            result_type=str,
        )
        return result


async def test_a_bondflow_error_is_not_retried(dev_server: WorkflowEnvironment) -> None:
    task_queue = f"refusals-{uuid.uuid4().hex[:6]}"
    with ThreadPoolExecutor(2) as executor:
        async with Worker(
            dev_server.client,
            task_queue=task_queue,
            workflows=[RefusedWorkflow],
            activities=[refuse],
            activity_executor=executor,
            interceptors=[RefusalsAreFinal()],
        ):
            with pytest.raises(WorkflowFailureError) as failed:
                await dev_server.client.execute_workflow(
                    "Refused", id=task_queue, task_queue=task_queue
                )
    assert ATTEMPTS == [1]
    activity_error = failed.value.cause
    assert isinstance(activity_error, ActivityError)
    assert "holds 0 available" in str(activity_error.cause)
