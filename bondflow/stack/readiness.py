"""Waiting until each part of the stack answers.

- Temporal: a client connects and the frontend's health check says serving.
- The worker: it polls its task queue (a poller whose identity is its pid, so a
  poller remembered from an earlier run does not count).
- The API: ``GET /ready`` answers 200 (its database and Temporal answer).
- The simulator: it said on its log that it is watching the OutBox.

Every wait also watches the children (``guard``), so a child that dies while the
others start is reported at once rather than at the timeout.
"""

from __future__ import annotations

import asyncio
import time
import urllib.error
import urllib.request
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from bondflow.stack.processes import Child

# Temporal's client (~0.25 s of CPU to import) is imported by a probe when it first
# connects: every `bondflow` command imports `bondflow up` and with it this module, and
# the API's health check needs none of it.
if TYPE_CHECKING:
    from temporalio.client import Client


class NotReady(Exception):
    pass


async def wait_for(
    what: str,
    check: Callable[[], Awaitable[bool]],
    *,
    timeout: float,
    guard: Callable[[], None] = lambda: None,
    interval: float = 0.25,
) -> float:
    """Poll ``check`` until it is true; returns the seconds it took.

    ``guard`` runs before every attempt and may raise (a child died)."""
    started = time.monotonic()
    deadline = started + timeout
    while True:
        guard()
        if await check():
            return time.monotonic() - started
        if time.monotonic() >= deadline:
            raise NotReady(f"{what} was not ready after {timeout:.0f} s")
        await asyncio.sleep(interval)


class TemporalProbe:
    """A client for the checks, connected on the first successful attempt."""

    def __init__(self, address: str, namespace: str) -> None:
        self.address = address
        self.namespace = namespace
        self.client: Client | None = None

    async def healthy(self) -> bool:
        from temporalio.client import Client

        try:
            if self.client is None:
                self.client = await asyncio.wait_for(
                    Client.connect(self.address, namespace=self.namespace), timeout=5
                )
            return await asyncio.wait_for(self.client.service_client.check_health(), timeout=5)
        except Exception:  # not up yet: refused, timed out, not serving
            return False

    async def polled_by(
        self, task_queue: str, *, pid: int | None = None, host: str | None = None
    ) -> bool:
        """Whether a worker polls the task queue for workflow tasks: the process ``pid``
        (on any host) and/or any process on ``host``."""
        from temporalio.api.enums.v1 import TaskQueueKind, TaskQueueType
        from temporalio.api.taskqueue.v1 import TaskQueue
        from temporalio.api.workflowservice.v1 import DescribeTaskQueueRequest

        if self.client is None and not await self.healthy():
            return False
        assert self.client is not None
        request = DescribeTaskQueueRequest(
            namespace=self.namespace,
            task_queue=TaskQueue(name=task_queue, kind=TaskQueueKind.TASK_QUEUE_KIND_NORMAL),
            task_queue_type=TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
        )
        try:
            described = await asyncio.wait_for(
                self.client.workflow_service.describe_task_queue(request), timeout=5
            )
        except Exception:  # as above
            return False
        # The SDK's default identity is "<pid>@<host name>".
        for poller in described.pollers:
            poller_pid, _, poller_host = poller.identity.partition("@")
            if (pid is None or poller_pid == str(pid)) and (host is None or poller_host == host):
                return True
        return False


def http_status(url: str, timeout: float = 3.0) -> int | None:
    """The status code of ``GET url``; None when nothing answers. Never via a proxy."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=timeout) as response:
            status: int = response.status
            return status
    except urllib.error.HTTPError as error:
        return error.code
    except (OSError, ValueError):
        return None


async def http_ok(url: str) -> bool:
    return await asyncio.to_thread(http_status, url) == 200


def log_says(child: Child, text: str) -> Callable[[], Awaitable[bool]]:
    """A check: this start of the child has written ``text`` to its log."""

    async def check() -> bool:
        return text in child.log_text()

    return check
