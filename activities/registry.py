"""Every activity the worker serves, registered under the names the workflows'
typed steps (``workflows.steps``) call and recorded histories hold.

One registration for the worker (``bondflow.worker``), the tests and ``bench/``:
the bonded-list family once per lifecycle in ``KINDS`` with its policy
(``entry.*``, ``second_line_entry.*``, ``export.*``, ``domestic_sale.*``), the
transfer (``transfer.*``), processing (``processing.*``) and stocktake
(``stocktake.*``) and write-off (``write_off.*``) families once.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from temporalio import activity

from activities.bonded_list import BondedListActivities
from activities.dependencies import Dependencies
from activities.processing import ProcessingActivities
from activities.stocktake import StocktakeActivities
from activities.transfer import TransferActivities
from activities.write_off import WriteOffActivities
from lifecycles.kinds import KINDS
from workflows.steps import PROCESSING, STOCKTAKE, TRANSFER, WRITE_OFF, Step, list_steps

A = TypeVar("A")
R = TypeVar("R")


def as_activity(step: Step[A, R], method: Callable[[A], R]) -> Callable[[A], R]:
    """The method as the activity named by the step (its type hints decode the
    argument, so the method's own, wider, argument type is kept)."""

    @functools.wraps(method)
    def run(argument: A) -> R:
        return method(argument)

    return activity.defn(name=step.name)(run)


def as_async_activity(
    step: Step[A, R], method: Callable[[A], Awaitable[R]]
) -> Callable[[A], Awaitable[R]]:
    """An async method as the activity named by the step (it awaits other services,
    a stocktake's status, on the worker's event loop)."""

    @functools.wraps(method)
    async def run(argument: A) -> R:
        return await method(argument)

    return activity.defn(name=step.name)(run)


def list_activities(lists: BondedListActivities) -> list[Callable[..., Any]]:
    steps = list_steps(lists.policy.prefix)
    return [
        as_activity(steps.validate, lists.validate),
        as_activity(steps.reserve, lists.reserve),
        as_activity(steps.resolve, lists.resolve),
        as_activity(steps.submit_list, lists.submit_list),
        as_activity(steps.submit_gate_pass, lists.submit_gate_pass),
    ]


def all_activities(deps: Dependencies) -> list[Callable[..., Any]]:
    transfer = TransferActivities(deps)
    processing = ProcessingActivities(deps)
    stocktake = StocktakeActivities(deps)
    write_off = WriteOffActivities(deps)
    registered: list[Callable[..., Any]] = []
    for kind in KINDS.values():
        if kind.activities is not None:
            registered += list_activities(BondedListActivities(deps, kind.activities))
    return [
        *registered,
        as_activity(TRANSFER.validate, transfer.validate),
        as_activity(TRANSFER.reserve, transfer.reserve),
        as_activity(TRANSFER.resolve, transfer.resolve),
        as_activity(TRANSFER.submit_list, transfer.submit_list),
        as_activity(PROCESSING.check, processing.check),
        as_activity(PROCESSING.post, processing.post),
        as_activity(STOCKTAKE.open, stocktake.open),
        as_activity(STOCKTAKE.assess, stocktake.assess),
        as_activity(STOCKTAKE.post, stocktake.post),
        as_async_activity(WRITE_OFF.prepare, write_off.prepare),
        as_async_activity(WRITE_OFF.close, write_off.close),
    ]
