"""The refusal tests' workflows, in a module of their own.

The sandbox imports a workflow's module again for every run (and when a worker checks
the class); defined in the test module, these imported pytest, the ledger and
SQLAlchemy each time. Here they import only what they use."""

from __future__ import annotations

import datetime as dt

from temporalio import workflow
from temporalio.common import RetryPolicy


@workflow.defn(name="Refused")
class RefusedWorkflow:
    """Runs the "refuse" activity with retries to spare: a refusal must not use them."""

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


@workflow.defn(name="OneAttempt")
class OneAttemptWorkflow:
    """Runs the named activity once: a fault is not retried here, so the test ends."""

    @workflow.run
    async def run(self, activity_name: str) -> str:
        result: str = await workflow.execute_activity(
            activity_name,
            "x",
            start_to_close_timeout=dt.timedelta(seconds=10),
            retry_policy=RetryPolicy(maximum_attempts=1),
            result_type=str,
        )
        return result
