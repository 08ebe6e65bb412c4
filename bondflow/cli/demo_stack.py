"""The stack for `bondflow demo` when no API answers: the parts `bondflow up` runs
(Temporal, migrations, the worker, the customs simulator, the API; see
``bondflow.stack.up``), started as this process's children on the API's address and
stopped when the demo is done with them."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from bondflow.cli.context import console, fail
from bondflow.settings import Settings

if TYPE_CHECKING:
    from bondflow.stack.processes import Children
    from bondflow.stack.up import StackPlan

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
STARTUP_TIMEOUT = 90.0  # seconds each part may take, as `bondflow up` allows


def local_address(api: str) -> tuple[str, int] | None:
    """(host, port) of an http URL on this machine, else None (we start nothing there)."""
    parts = urlsplit(api)
    if parts.scheme != "http" or parts.hostname not in LOCAL_HOSTS:
        return None
    return parts.hostname, parts.port or 80


@contextlib.asynccontextmanager
async def running_stack(
    settings: Settings, host: str, port: int
) -> AsyncIterator[tuple[StackPlan, Children]]:
    """Start the stack with the API on host:port; stop it on leaving, whatever happens.
    A part that does not come up is reported with its log's last lines (exit 1)."""
    from bondflow.stack.processes import ChildDied, Children
    from bondflow.stack.temporal_server import TemporalBinaryMissing, temporal_binary
    from bondflow.stack.up import STOP_TIMEOUT, StackFailure, make_plan, prepare, report, start

    try:
        temporal_binary()
    except TemporalBinaryMissing as error:
        fail(str(error))
    plan = make_plan(
        settings,
        data_dir=None,
        db_filename=None,
        api_host=host,
        api_port=port,
        temporal_port=None,
        ui_port=None,
        simulator=True,
        startup_timeout=STARTUP_TIMEOUT,
    )
    supervisor = prepare(plan)  # refuses a running `bondflow up` on the same data dir
    children = Children(plan.run_dir, plan.logs, plan.child_env())
    console.print(f"no API at {plan.api_url}: starting the stack in {plan.data_dir}")
    try:
        try:
            await start(plan, children)
        except (StackFailure, ChildDied) as failure:
            report(failure, failure.child)
            fail("the stack did not come up", code=1)
        yield plan, children
    finally:
        if children.started:
            console.print("stopping the stack started for the demo")
            await asyncio.to_thread(children.stop_all, STOP_TIMEOUT)
        supervisor.remove()


async def until_interrupted(children: Children) -> None:
    """Keep the stack up until Ctrl-C (the task is cancelled: that is the answer, not
    an error) or until a part of it dies (reported)."""
    from bondflow.stack.processes import ChildDied
    from bondflow.stack.up import report

    try:
        while True:
            children.raise_if_any_died()
            await asyncio.sleep(0.5)
    except ChildDied as died:
        report(died, died.child)
    except asyncio.CancelledError:
        task = asyncio.current_task()
        if task is not None:
            task.uncancel()  # asked for: the stack stops now, the demo ends normally
        console.print()
