"""A domain refusal raised by an activity fails it at once, without retries, and is
logged as one line; a fault keeps its retries and its traceback in the log."""

from __future__ import annotations

import logging
import uuid
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from temporalio import activity
from temporalio.client import WorkflowFailureError
from temporalio.exceptions import ActivityError, ApplicationError
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from adapters.temporal.interceptors import RefusalsAreFinal
from ledger.errors import InsufficientStock
from schemas.errors import BondflowError
from schemas.lifecycle import Refusal
from tests.workflows.refusal_workflows import OneAttemptWorkflow, RefusedWorkflow

pytestmark = pytest.mark.asyncio(loop_scope="session")
ATTEMPTS: list[int] = []


@activity.defn(name="refuse")
def refuse(_: str) -> str:
    ATTEMPTS.append(activity.info().attempt)
    raise BondflowError("lot L1 holds 0 available, 5 asked", field="quantity")


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
    # what was refused is data: the type and Refusal(field, reason) in the details
    refusal = activity_error.cause
    assert isinstance(refusal, ApplicationError)
    assert refusal.type == "BondflowError"
    assert [Refusal.model_validate(detail) for detail in refusal.details] == [
        Refusal(field="quantity", reason="lot L1 holds 0 available, 5 asked")
    ]


@activity.defn(name="refuse_a_model")
def refuse_a_model(_: str) -> str:
    Refusal.model_validate({"field": "", "reason": "no field"})
    return "never"


async def test_a_model_refusal_names_each_field_as_data(dev_server: WorkflowEnvironment) -> None:
    """Given an activity whose input model refuses a value, when it runs, then it fails
    at once and the error's details name the model's field and pydantic's reason."""
    task_queue = f"model-refusals-{uuid.uuid4().hex[:6]}"
    with ThreadPoolExecutor(2) as executor:
        async with Worker(
            dev_server.client,
            task_queue=task_queue,
            workflows=[OneAttemptWorkflow],
            activities=[refuse_a_model],
            activity_executor=executor,
            interceptors=[RefusalsAreFinal()],
        ):
            with pytest.raises(WorkflowFailureError) as failed:
                await dev_server.client.execute_workflow(
                    "OneAttempt", "refuse_a_model", id=task_queue, task_queue=task_queue
                )
    activity_error = failed.value.cause
    assert isinstance(activity_error, ActivityError)
    refusal = activity_error.cause
    assert isinstance(refusal, ApplicationError)
    assert (refusal.type, refusal.non_retryable) == ("ValidationError", True)
    assert [Refusal.model_validate(detail) for detail in refusal.details] == [
        Refusal(field="field", reason="String should have at least 1 character")
    ]


@activity.defn(name="reserve_too_much")
def reserve_too_much(_: str) -> str:
    raise InsufficientStock(
        "stock|H12345678901|1|LOT-1|FG|bonded", Decimal(5), Decimal(0), field="quantity"
    )


@activity.defn(name="lose_the_database")
def lose_the_database(_: str) -> str:
    raise RuntimeError("the database went away")


async def _run_once(dev_server: WorkflowEnvironment, activity_name: str) -> None:
    task_queue = f"logs-{uuid.uuid4().hex[:6]}"
    with ThreadPoolExecutor(2) as executor:
        async with Worker(
            dev_server.client,
            task_queue=task_queue,
            workflows=[OneAttemptWorkflow],
            activities=[reserve_too_much, lose_the_database],
            activity_executor=executor,
            interceptors=[RefusalsAreFinal()],
        ):
            with pytest.raises(WorkflowFailureError):
                await dev_server.client.execute_workflow(
                    "OneAttempt", activity_name, id=task_queue, task_queue=task_queue
                )


async def test_an_expected_refusal_is_logged_as_one_line_without_a_traceback(
    dev_server: WorkflowEnvironment, caplog: pytest.LogCaptureFixture
) -> None:
    """Given an activity refused for too little stock (an answer the filer gets back,
    as designed), then the worker's log at INFO holds one line naming the activity,
    the kind of refusal and the reason, and no traceback at all."""
    caplog.set_level(logging.INFO)
    await _run_once(dev_server, "reserve_too_much")
    refusals = [r for r in caplog.records if "reserve_too_much" in r.getMessage()]
    assert len(refusals) == 1
    (refusal,) = refusals
    assert refusal.levelno == logging.INFO
    assert "refused (InsufficientStock)" in refusal.getMessage()
    assert "0 available" in refusal.getMessage()
    assert "\n" not in refusal.getMessage()
    assert [r.getMessage() for r in caplog.records if r.exc_info] == []


async def test_an_unexpected_exception_still_logs_its_traceback(
    dev_server: WorkflowEnvironment, caplog: pytest.LogCaptureFixture
) -> None:
    """Given an activity that fails for a reason nobody expected, then temporalio's
    warning keeps the exception and its traceback, and nothing calls it a refusal."""
    caplog.set_level(logging.INFO)
    await _run_once(dev_server, "lose_the_database")
    faults = [r for r in caplog.records if r.exc_info and r.levelno >= logging.WARNING]
    assert len(faults) == 1
    assert faults[0].exc_info is not None
    assert isinstance(faults[0].exc_info[1], RuntimeError)
    assert "the database went away" in caplog.text
    assert "Traceback" in caplog.text
    assert "refused" not in caplog.text
