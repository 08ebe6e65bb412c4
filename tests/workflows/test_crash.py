"""A worker killed in the middle of lifecycles loses nothing and doubles nothing.

The worker runs as its own process (`bondflow worker`: workflows, activities and the
InBox watcher), the customs simulator in the test process, so customs keeps
answering while the worker is dead. Six first-line entries are reserved and filed,
some approved, some with their gate pass out; the worker is killed with SIGKILL
between reservation and posting, a new worker process takes over, and every
lifecycle completes with its reservation and its posting in the ledger exactly once.

The kill lands when the old worker is quiet (no receipt in the InBox or undelivered,
no activity or workflow task in flight). An activity lost with its process is only
retried after its start-to-close timeout (the policy's activity timeout: 30 s in
production, ten seconds here, should one be lost all the same): that case, killed
after the activity's side effect and before Temporal heard of its completion, is
test_crash_in_activity.py's.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import signal
import uuid
from decimal import Decimal
from functools import partial
from pathlib import Path

import pytest
from temporalio.testing import WorkflowEnvironment

from adapters.db.engine import create_database
from adapters.gateway.folders import ExchangeFolders
from adapters.simulator.behaviour import SimulatorBehaviour
from adapters.simulator.service import CustomsSimulator
from demo import seed_demo
from ledger import ChainAuditor
from schemas.codes import Operation
from schemas.lifecycle import EntryPolicy, Stage
from tests.workflows.conftest import entry_draft
from tests.workflows.crashlab import Customs, Lab, WorkerProcess, on_each_database, worker_env

# On both databases, at once (``database_urls``, ``on_each_database``): a worker process
# is killed with its connections open; on PostgreSQL the server ends their sessions and
# rolls back what was not committed, on SQLite the file's locks go with the process.
pytestmark = [pytest.mark.asyncio(loop_scope="session"), pytest.mark.heavy]

# Between the reservation and the posting: reserved and filed, not yet through the gate.
MIDWAY = {Stage.AWAITING_REVIEW, Stage.AWAITING_RELEASE, Stage.AWAITING_GATE}
# Customs answers a step of each document every half second: the lifecycles spend
# their time waiting for receipts, which is where the kill lands.
BEHAVIOUR = SimulatorBehaviour.always_approve().model_copy(update={"receipt_delay_seconds": 0.5})
LIFECYCLES = 6
# After the kill each lifecycle's next workflow task first waits out the dead worker's
# sticky queue (crashlab.STICKY_TIMEOUT_SECONDS), then any worker takes it.
RESULT_TIMEOUT = 60.0


async def test_a_worker_killed_between_reservation_and_posting_loses_and_doubles_nothing(
    dev_server: WorkflowEnvironment, database_urls: dict[str, str], tmp_path: Path
) -> None:
    """Given six entries reserved and filed, some approved, some at the gate, when the
    worker process is killed and customs answers while none runs, then a new worker
    completes every lifecycle: each lot posted once with its declared quantity,
    nothing left pending, each reservation and posting once in the ledger, each list
    and gate pass filed once, the audit chain intact and the InBox empty. On SQLite
    and on PostgreSQL, side by side."""
    await on_each_database(database_urls, tmp_path, partial(kill_between, dev_server))


async def kill_between(dev_server: WorkflowEnvironment, database_url: str, tmp_path: Path) -> None:
    """The scenario on one database (a lab of its own: folders, task queue, workers)."""
    db = create_database(database_url)
    # Off the event loop, like every slow call here: the other database's scenario
    # runs on the same loop.
    await asyncio.to_thread(seed_demo, db)
    folders = ExchangeFolders.with_boxes(
        tmp_path / "exchange" / "OutBox", tmp_path / "exchange" / "InBox"
    ).create()
    customs = Customs(CustomsSimulator(folders, tmp_path / "sim", BEHAVIOUR))
    task_queue = f"crash-{uuid.uuid4().hex[:8]}"
    address = dev_server.client.service_client.config.target_host
    env = worker_env(database_url, address, task_queue, tmp_path)
    first = WorkerProcess("worker-1", env, tmp_path)
    second = WorkerProcess("worker-2", env, tmp_path)
    policy = EntryPolicy(activity_timeout=dt.timedelta(seconds=10))
    lab = Lab(dev_server.client, db, folders, task_queue, [first, second], policy)
    drafts = [entry_draft(f"IN-CRASH-{n}") for n in range(1, LIFECYCLES + 1)]
    try:
        first.start()
        customs.start()
        handles = [await lab.start(draft) for draft in drafts]
        for handle in handles:
            await lab.reach(handle, {Stage.AWAITING_SIGN_OFF})

        # Signed off in three waves: the second once the first is approved; once the
        # first has its gate pass out, customs holds its receipts back and the third
        # is signed off and filed. At the kill they are at the gate, in release (or
        # review) and in review.
        first_wave, second_wave, third_wave = (handles[n::3] for n in range(3))
        await lab.sign_off(first_wave)
        await lab.reach_any(first_wave, {Stage.AWAITING_RELEASE, Stage.AWAITING_GATE})
        await lab.sign_off(second_wave)
        await lab.reach_any(first_wave, {Stage.AWAITING_GATE})
        await customs.pause()
        await lab.sign_off(third_wave)
        for handle in handles:
            await lab.reach(handle, MIDWAY)
        await lab.quiet(handles)
        at_kill = [(await lab.status(handle)).stage for handle in handles]
        assert all(stage in MIDWAY for stage in at_kill), f"{at_kill}\n{lab.logs()}"
        assert {Stage.AWAITING_GATE, Stage.AWAITING_REVIEW} <= set(at_kill), at_kill
        for draft in drafts:
            for line in draft.lines:
                assert lab.stock(line.lot_no) == (Decimal(0), line.quantity), line.lot_no

        assert first.kill() == -signal.SIGKILL, lab.logs()
        # Customs answers while no worker runs: the receipts wait in the InBox.
        customs.resume()
        for _ in range(100):
            if lab.inbox():
                break
            await asyncio.sleep(0.1)
        assert lab.inbox(), "no receipt arrived while the worker was dead"

        second.start()
        results = await lab.results(handles, RESULT_TIMEOUT, f"at the kill: {at_kill}")
        assert second.alive(), lab.logs()

        for draft, result in zip(drafts, results, strict=True):
            wid = lab.workflow_id(draft)
            assert result.stage is Stage.COMPLETED, f"{draft.inner_no}: {result}\n{lab.logs()}"
            assert result.posted_transaction == f"{wid}/reserve/c0/post"
            for line in draft.lines:
                assert lab.stock(line.lot_no) == (line.quantity, Decimal(0)), line.lot_no
            assert lab.transactions(draft) == [
                (f"{wid}/reserve/c0", Operation.RESERVE.value),
                (f"{wid}/reserve/c0/post", Operation.POST_PENDING.value),
            ], draft.inner_no
            assert lab.filed(draft.inner_no) == ["INV101"], draft.inner_no
            assert lab.filed(f"{draft.inner_no}-GP") == ["SAS121"], draft.inner_no

        audit = await asyncio.to_thread(ChainAuditor(db).verify)
        assert audit.ok, audit.problem

        # Customs' last receipts are taken in too, and none was refused.
        for _ in range(100):
            if not customs.simulator.pending() and not lab.inbox():
                break
            await asyncio.sleep(0.1)
        assert not customs.simulator.pending(), "receipts still scheduled"
        assert lab.inbox() == [], lab.logs()
        assert sorted(folders.quarantine.iterdir()) == [], lab.logs()
        assert sorted(folders.failbox.iterdir()) == [], lab.logs()
    finally:
        with contextlib.suppress(Exception):
            first.kill()
        with contextlib.suppress(Exception):
            await asyncio.to_thread(second.stop)
        await customs.stop()
        db.dispose()
