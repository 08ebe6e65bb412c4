"""How many lifecycles wait in each stage: one visibility count per stage on the
search attribute the workflows upsert (``BondflowStatus``), run together when
Prometheus scrapes and kept for a few seconds, so scrapes stay cheap however many
lifecycles wait (Temporal's counts group by nothing but ExecutionStatus)."""

from __future__ import annotations

import asyncio
import logging
import time

from temporalio.client import Client

from observability.metrics import set_waiting
from schemas.lifecycle import Stage
from workflows import search

log = logging.getLogger(__name__)

# The stages a running lifecycle can be in; completed and cancelled ones have ended.
ENDED = frozenset({Stage.COMPLETED, Stage.CANCELLED})
WAITING_STAGES = tuple(stage for stage in Stage if stage not in ENDED)


def stage_query(task_queue: str, stage: Stage) -> str:
    return (
        f"TaskQueue = '{task_queue}' AND ExecutionStatus = 'Running'"
        f" AND {search.STATUS.name} = '{stage.value}'"
    )


async def count_waiting(client: Client, task_queue: str) -> dict[str, int]:
    """Running lifecycles on ``task_queue`` per stage (every stage, zeros included)."""
    counts = await asyncio.gather(
        *(client.count_workflows(stage_query(task_queue, stage)) for stage in WAITING_STAGES)
    )
    return {stage.value: count.count for stage, count in zip(WAITING_STAGES, counts, strict=True)}


class WaitingGauge:
    """Refreshes ``bondflow_lifecycles_waiting`` at most every ``max_age`` seconds;
    when visibility cannot answer within ``timeout`` the series are dropped and
    ``bondflow_lifecycles_visibility_up`` says 0."""

    def __init__(self, task_queue: str, *, max_age: float = 5.0, timeout: float = 3.0) -> None:
        self.task_queue = task_queue
        self.max_age = max_age
        self.timeout = timeout
        self._refreshed = float("-inf")
        self._lock = asyncio.Lock()

    async def refresh(self, client: Client) -> None:
        async with self._lock:
            if time.monotonic() - self._refreshed < self.max_age:
                return
            try:
                counts = await asyncio.wait_for(
                    count_waiting(client, self.task_queue), self.timeout
                )
            except Exception as error:  # any failure: no numbers rather than stale ones
                log.warning("could not count the waiting lifecycles: %s", error)
                set_waiting(None)
            else:
                set_waiting(counts)
            self._refreshed = time.monotonic()
