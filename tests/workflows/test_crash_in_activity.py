"""A worker killed inside an activity, after its write and before Temporal heard of it,
loses nothing and doubles nothing.

test_crash.py kills a quiet worker. Here the kill lands at the worst moment of an
activity: what it writes is committed (the reservation in the ledger, the list in the
OutBox and recorded as submitted, the posting in the ledger) but its completion never
reaches Temporal. Temporal cannot tell that from an activity that never ran: once the
start-to-close timeout has passed (the policy's activity timeout: 30 s in production,
``ACTIVITY_TIMEOUT`` here) it runs the activity again, on the new worker, and only the
activity's idempotency keeps the second run from writing again (the client id of a
ledger transaction, the content-derived name of an OutBox file): it must answer with
what the first run wrote.

The first worker is tests/workflows/stalling_worker.py: `bondflow worker` with the
ledger's and the gateway's writers wrapped, in that process only, so that a planned
activity stops right after its write. Three entries are stopped in three different
activities when it is killed.

Timing: the stalling worker stalls every attempt of a planned activity, so the test
holds only if it is killed inside the first attempts, that is within the activity
timeout of the first stall. It is killed as soon as the third marker exists (the
three stalls come within a second or two of each other) and the stages are read, and
everything else is checked after the kill, when no worker runs and nothing changes.
The final check that each activity completed in its second attempt proves the kill
landed in the first one.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import signal
import uuid
from dataclasses import dataclass
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

# Customs answers each step at once (a tenth of a second apart): the stalls are planned,
# so no lifecycle needs to linger between receipts for the kill to land.
BEHAVIOUR = SimulatorBehaviour.always_approve().model_copy(update={"receipt_delay_seconds": 0.1})
# How long Temporal waits for an attempt before it hands the activity out again: longer
# than the few seconds between the first stall and the kill, even on a loaded machine.
ACTIVITY_TIMEOUT = dt.timedelta(seconds=10)
# The stalled activities are retried ACTIVITY_TIMEOUT after they started; then the
# rest of each lifecycle (filing, customs' receipts, the gate) takes ~15 s.
RESULT_TIMEOUT = ACTIVITY_TIMEOUT.total_seconds() + 45


@dataclass(frozen=True)
class Stall:
    """A lifecycle whose ``activity`` stops after its write, seen at ``stage``."""

    inner_no: str
    activity: str
    stage: Stage


RESERVING = Stall("IN-STALL-R", "entry.reserve", Stage.RESERVING)
FILING = Stall("IN-STALL-F", "entry.submit_list", Stage.DECLARING)
POSTING = Stall("IN-STALL-P", "entry.resolve", Stage.POSTING)
STALLS = (RESERVING, FILING, POSTING)


async def test_a_worker_killed_after_an_activity_wrote_and_before_it_reported(
    dev_server: WorkflowEnvironment, database_urls: dict[str, str], tmp_path: Path
) -> None:
    """Given three entries, each inside an activity that has committed its write but
    not reported to Temporal (the reservation of one, the filed list of another, the
    posting of the third), when the worker process is killed and a new one started,
    then Temporal runs each of those activities again on the new worker once its
    start-to-close timeout has passed, the second run answers with what the first
    one wrote, and every lifecycle completes: each reservation and posting once in
    the ledger, each list and gate pass submitted once and written to the exchange
    as one file, each lot posted once, the audit chain intact.

    Why: that window is where a crash makes Temporal hand the same step out twice;
    the lifecycle stays exactly-once only if the activity is idempotent."""
    await on_each_database(database_urls, tmp_path, partial(kill_after_the_write, dev_server))


async def kill_after_the_write(
    dev_server: WorkflowEnvironment, database_url: str, tmp_path: Path
) -> None:
    """The scenario on one database (a lab of its own: folders, task queue, workers)."""
    db = create_database(database_url)
    # Off the event loop, like every slow call here: the other database's scenario
    # runs on the same loop.
    await asyncio.to_thread(seed_demo, db)
    folders = ExchangeFolders.with_boxes(
        tmp_path / "exchange" / "OutBox", tmp_path / "exchange" / "InBox"
    ).create()
    customs = Customs(CustomsSimulator(folders, tmp_path / "sim", BEHAVIOUR))
    task_queue = f"stall-{uuid.uuid4().hex[:8]}"
    address = dev_server.client.service_client.config.target_host
    env = worker_env(database_url, address, task_queue, tmp_path)
    markers = tmp_path / "stalled"
    markers.mkdir()
    drafts = {stall: entry_draft(stall.inner_no) for stall in STALLS}
    wid = {stall: f"entry-{stall.inner_no}-{task_queue}" for stall in STALLS}
    plan = {wid[stall]: stall.activity for stall in STALLS}
    stalling = WorkerProcess.module(
        "stalling-worker",
        {**env, "STALL_PLAN": json.dumps(plan), "STALL_DIR": str(markers)},
        tmp_path,
        "tests.workflows.stalling_worker",
    )
    fresh = WorkerProcess("worker-2", env, tmp_path)
    lab = Lab(
        dev_server.client,
        db,
        folders,
        task_queue,
        [stalling, fresh],
        EntryPolicy(activity_timeout=ACTIVITY_TIMEOUT),
    )
    assert all(wid[stall] == lab.workflow_id(drafts[stall]) for stall in STALLS)

    def reservation(stall: Stall) -> tuple[str, str]:
        return f"{wid[stall]}/reserve/c0", Operation.RESERVE.value

    def posting(stall: Stall) -> tuple[str, str]:
        return f"{wid[stall]}/reserve/c0/post", Operation.POST_PENDING.value

    try:
        stalling.start()
        customs.start()
        handles = {stall: await lab.start(drafts[stall]) for stall in STALLS}
        for handle in handles.values():
            await lab.reach(handle, {Stage.AWAITING_SIGN_OFF})

        # The entry to stop in its posting goes first, through customs to the gate;
        # then the others are signed off: the three stop within seconds of each other,
        # well inside the activity timeout in which the stalling worker's attempts stay
        # its own. It is killed as soon as the last one has stopped.
        await lab.sign_off([handles[POSTING]])
        await lab.reach(handles[POSTING], {Stage.AWAITING_GATE})
        await lab.sign_off([handles[RESERVING], handles[FILING]])
        deadline = asyncio.get_running_loop().time() + 20
        while not all((markers / wid[stall]).exists() for stall in STALLS):
            assert asyncio.get_running_loop().time() < deadline, (
                f"not all stalled: {sorted(p.name for p in markers.iterdir())}\n{lab.logs()}"
            )
            await asyncio.sleep(0.05)
        # The stage is a query, which needs a worker: read before the kill.
        stages = {stall: (await lab.status(handle)).stage for stall, handle in handles.items()}
        assert stalling.kill() == -signal.SIGKILL, lab.logs()

        # Each write is committed, in the first attempt; Temporal never heard of its
        # completion: the activity is still pending (its first attempt, or, once that
        # has timed out, its second waiting for a worker).
        for stall, handle in handles.items():
            marker = (markers / wid[stall]).read_text(encoding="utf-8")
            assert marker == f"{stall.activity} (attempt 1)\n", (stall, marker)
            assert stages[stall] is stall.stage, stall
            pending = await lab.pending_activities(handle)
            assert pending in ([(stall.activity, 1)], [(stall.activity, 2)]), (stall, pending)
        assert lab.transactions(drafts[RESERVING]) == [reservation(RESERVING)]
        for line in drafts[RESERVING].lines:
            assert lab.stock(line.lot_no) == (Decimal(0), line.quantity), line.lot_no
        assert lab.transactions(drafts[FILING]) == [reservation(FILING)]
        assert lab.filed(FILING.inner_no) == ["INV101"]
        assert len(lab.files_written("INV101", FILING.inner_no)) == 1
        assert lab.transactions(drafts[POSTING]) == [reservation(POSTING), posting(POSTING)]
        for line in drafts[POSTING].lines:
            assert lab.stock(line.lot_no) == (line.quantity, Decimal(0)), line.lot_no

        fresh.start()
        results = await lab.results(
            list(handles.values()), RESULT_TIMEOUT, "stalled in " + ", ".join(plan.values())
        )
        assert fresh.alive(), lab.logs()

        for stall, result in zip(STALLS, results, strict=True):
            draft = drafts[stall]
            assert result.stage is Stage.COMPLETED, f"{stall}: {result}\n{lab.logs()}"
            assert result.posted_transaction == posting(stall)[0], stall
            # The stalled activity's first attempt timed out; its second one answered.
            assert await lab.completed_attempts(handles[stall], stall.activity) == [2], stall
            assert lab.transactions(draft) == [reservation(stall), posting(stall)], stall
            assert lab.filed(draft.inner_no) == ["INV101"], stall
            assert lab.filed(f"{draft.inner_no}-GP") == ["SAS121"], stall
            assert len(lab.files_written("INV101", draft.inner_no)) == 1, stall
            assert len(lab.files_written("SAS121", f"{draft.inner_no}-GP")) == 1, stall
            for line in draft.lines:
                assert lab.stock(line.lot_no) == (line.quantity, Decimal(0)), line.lot_no

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
            stalling.kill()
        with contextlib.suppress(Exception):
            await asyncio.to_thread(fresh.stop)
        await customs.stop()
        db.dispose()
