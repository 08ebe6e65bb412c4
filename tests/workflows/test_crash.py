"""A worker killed in the middle of lifecycles loses nothing and doubles nothing.

The worker runs as its own process (`bondflow worker`: workflows, activities and the
InBox watcher), the customs simulator in the test process, so customs keeps
answering while the worker is dead. Six first-line entries are reserved and filed,
some approved, some with their gate pass out; the worker is killed with SIGKILL
between reservation and posting, a new worker process takes over, and every
lifecycle completes with its reservation and its posting in the ledger exactly once.

The kill lands when the old worker is quiet (no receipt in the InBox or undelivered,
no activity or workflow task in flight): an activity lost with its process is only
retried after its start-to-close timeout (two minutes), too slow for this test.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import uuid
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO

import pytest
from sqlalchemy import or_, select
from temporalio.client import Client, WorkflowHandle
from temporalio.testing import WorkflowEnvironment

from adapters.db.engine import Database, create_database
from adapters.db.models import LedgerTransaction
from adapters.gateway.folders import ExchangeFolders
from adapters.simulator.behaviour import SimulatorBehaviour
from adapters.simulator.service import CustomsSimulator
from customs.routing import Number
from customs.service import CustomsRecords
from demo import ids, seed_demo
from ledger import ChainAuditor, LedgerQueries
from schemas.codes import Operation
from schemas.lifecycle import (
    Decision,
    EntryDraft,
    EntryInput,
    EntryPolicy,
    EntryResult,
    LifecycleStatus,
    Role,
    Stage,
)
from tests.workflows.conftest import BIN, entry_draft

pytestmark = pytest.mark.asyncio(loop_scope="session")

LIAISON = Decision(actor="liaison-wang", role=Role.LIAISON, reason="documents complete")
# Between the reservation and the posting: reserved and filed, not yet through the gate.
MIDWAY = {Stage.AWAITING_REVIEW, Stage.AWAITING_RELEASE, Stage.AWAITING_GATE}
# Customs answers a step of each document every half second: the lifecycles spend
# their time waiting for receipts, which is where the kill lands.
BEHAVIOUR = SimulatorBehaviour.always_approve().model_copy(update={"receipt_delay_seconds": 0.5})
LIFECYCLES = 6
# After the kill each lifecycle's next workflow task first waits out the dead worker's
# sticky queue (10 s schedule-to-start), then any worker takes it: ~15 s to finish.
RESULT_TIMEOUT = 60.0


class WorkerProcess:
    """`bondflow worker` as a child process, its output in a log file."""

    def __init__(self, name: str, env: dict[str, str], workdir: Path) -> None:
        self.name = name
        self.env = env
        self.workdir = workdir
        self.log_path = workdir / f"{name}.log"
        self.proc: subprocess.Popen[bytes] | None = None
        self._log: TextIO | None = None

    def start(self) -> None:
        command = BIN / "bondflow"
        assert command.is_file(), f"no bondflow entry point at {command}"
        self._log = self.log_path.open("w", encoding="utf-8")
        self.proc = subprocess.Popen(
            [str(command), "worker"],
            env=self.env,
            # No ./bondflow.toml of the checkout may change the settings.
            cwd=self.workdir,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def kill(self) -> int | None:
        """SIGKILL: no shutdown, no cleanup. The exit code, None if never started."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.kill()
        code = self.proc.wait()
        self._close()
        return code

    def stop(self) -> None:
        """SIGTERM (the worker shuts down cleanly), SIGKILL if that takes too long."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._close()

    def _close(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None

    def output(self) -> str:
        if not self.log_path.exists():
            return f"--- {self.name}: not started ---"
        text = self.log_path.read_text(encoding="utf-8", errors="replace")
        code = None if self.proc is None else self.proc.poll()
        return f"--- {self.name} (exit code {code}) ---\n{text[-6000:]}"


class Customs:
    """The simulator's loop in the test process; releasing receipts can be paused."""

    def __init__(self, simulator: CustomsSimulator) -> None:
        self.simulator = simulator
        self.releasing = True
        self._pass = asyncio.Lock()
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        while not self._stop.is_set():
            async with self._pass:
                await asyncio.to_thread(self.simulator.intake_once)
                if self.releasing:
                    await asyncio.to_thread(self.simulator.release_due)
            await asyncio.sleep(0.05)

    async def pause(self) -> None:
        """Hold every receipt back from now on (one in release finishes first)."""
        self.releasing = False
        async with self._pass:
            pass

    def resume(self) -> None:
        self.releasing = True

    async def stop(self) -> None:
        self._stop.set()
        if self._task is not None:
            await self._task


class Lab:
    """What the test drives and inspects, and the failure context of its messages."""

    def __init__(
        self,
        client: Client,
        db: Database,
        folders: ExchangeFolders,
        task_queue: str,
        workers: Sequence[WorkerProcess],
    ) -> None:
        self.client = client
        self.db = db
        self.folders = folders
        self.task_queue = task_queue
        self.workers = workers
        self.records = CustomsRecords(db)

    def logs(self) -> str:
        return "\n".join(worker.output() for worker in self.workers)

    def workflow_id(self, draft: EntryDraft) -> str:
        return f"entry-{draft.inner_no}-{self.task_queue}"

    async def start(self, draft: EntryDraft) -> WorkflowHandle[Any, EntryResult]:
        return await self.client.start_workflow(
            "FirstLineEntry",
            EntryInput(draft=draft, policy=EntryPolicy()),
            id=self.workflow_id(draft),
            task_queue=self.task_queue,
            result_type=EntryResult,
        )

    async def status(self, handle: WorkflowHandle[Any, Any]) -> LifecycleStatus:
        status: LifecycleStatus = await handle.query("status", result_type=LifecycleStatus)
        return status

    async def sign_off(self, handles: Sequence[WorkflowHandle[Any, Any]]) -> None:
        for handle in handles:
            await handle.execute_update("sign_off", LIAISON)

    async def reach_any(
        self, handles: Sequence[WorkflowHandle[Any, Any]], stages: set[Stage], timeout: float = 30
    ) -> None:
        """Until one of ``handles`` is in one of ``stages``."""
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            found = [(await self.status(handle)).stage for handle in handles]
            if any(stage in stages for stage in found):
                return
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"none in {stages} after {timeout}s: {found}\n{self.logs()}")
            await asyncio.sleep(0.1)

    async def reach(
        self, handle: WorkflowHandle[Any, Any], stages: set[Stage], timeout: float = 30
    ) -> None:
        await self.reach_any([handle], stages, timeout)

    def inbox(self) -> list[Path]:
        return sorted(path for path in self.folders.inbox.iterdir() if path.is_file())

    async def _busy(self, handle: WorkflowHandle[Any, Any]) -> bool:
        raw = (await handle.describe()).raw_description
        return bool(raw.pending_activities) or raw.HasField("pending_workflow_task")

    async def quiet(self, handles: Sequence[WorkflowHandle[Any, Any]], timeout: float = 20) -> None:
        """Until the worker has nothing in hand: no receipt waiting in the InBox or
        recorded but not signalled, no activity or workflow task of any lifecycle
        (checked in that order, the order a receipt travels), twice in a row."""
        deadline = asyncio.get_running_loop().time() + timeout
        calm = 0
        while calm < 2:
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"the worker is still busy after {timeout}s\n{self.logs()}")
            busy = bool(self.inbox()) or bool(self.records.undelivered(limit=1))
            for handle in handles:
                busy = busy or await self._busy(handle)
            calm = 0 if busy else calm + 1
            await asyncio.sleep(0.25)

    def stock(self, lot_no: str) -> tuple[Decimal, Decimal]:
        """(posted, pending in) of a lot in the raw-material bin."""
        rows = LedgerQueries(self.db).balances(
            book_no=ids.SOLAR_BOOK, lot_no=lot_no, location=ids.RAW_BIN
        )
        if not rows:
            return Decimal(0), Decimal(0)
        assert len(rows) == 1, rows
        return rows[0].posted, rows[0].pending_in

    def transactions(self, draft: EntryDraft) -> list[tuple[str, str]]:
        """(client id, operation) of every ledger transaction of the lifecycle: by its
        workflow id or by its document number."""
        with self.db.sessions() as session:
            rows = session.execute(
                select(LedgerTransaction.client_id, LedgerTransaction.operation)
                .where(
                    or_(
                        LedgerTransaction.client_id.like(f"{self.workflow_id(draft)}/%"),
                        LedgerTransaction.document_no == draft.inner_no,
                    )
                )
                .order_by(LedgerTransaction.id)
            ).all()
        return [(client_id, operation) for client_id, operation in rows]

    def filed(self, inner_no: str) -> list[str]:
        document = self.records.document(Number.INNER_NO, inner_no)
        return [s.message_type for s in self.records.submissions(document.id)]


def _worker_env(database_url: str, address: str, task_queue: str, root: Path) -> dict[str, str]:
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("BONDFLOW_")  # no setting of the test run leaks in
    }
    env.update(
        BONDFLOW_DATABASE_URL=database_url,
        BONDFLOW_TEMPORAL_ADDRESS=address,
        BONDFLOW_TASK_QUEUE=task_queue,
        BONDFLOW_OUTBOX_DIR=str(root / "exchange" / "OutBox"),
        BONDFLOW_INBOX_DIR=str(root / "exchange" / "InBox"),
        BONDFLOW_DATA_DIR=str(root / "data"),
    )
    return env


async def test_a_worker_killed_between_reservation_and_posting_loses_and_doubles_nothing(
    dev_server: WorkflowEnvironment, database_url: str, tmp_path: Path
) -> None:
    """Given six entries reserved and filed, some approved, some at the gate, when the
    worker process is killed and customs answers while none runs, then a new worker
    completes every lifecycle: each lot posted once with its declared quantity,
    nothing left pending, each reservation and posting once in the ledger, each list
    and gate pass filed once, the audit chain intact and the InBox empty."""
    db = create_database(database_url)
    seed_demo(db)
    folders = ExchangeFolders.with_boxes(
        tmp_path / "exchange" / "OutBox", tmp_path / "exchange" / "InBox"
    ).create()
    customs = Customs(CustomsSimulator(folders, tmp_path / "sim", BEHAVIOUR))
    task_queue = f"crash-{uuid.uuid4().hex[:8]}"
    address = dev_server.client.service_client.config.target_host
    env = _worker_env(database_url, address, task_queue, tmp_path)
    first = WorkerProcess("worker-1", env, tmp_path)
    second = WorkerProcess("worker-2", env, tmp_path)
    lab = Lab(dev_server.client, db, folders, task_queue, [first, second])
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
        try:
            results = await asyncio.wait_for(
                asyncio.gather(*(handle.result() for handle in handles)), RESULT_TIMEOUT
            )
        except TimeoutError:
            stages = [(await lab.status(handle)).stage for handle in handles]
            raise AssertionError(
                f"not all done after {RESULT_TIMEOUT}s (at the kill: {at_kill}; now: {stages})"
                f"\n{lab.logs()}"
            ) from None
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

        audit = ChainAuditor(db).verify()
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
            second.stop()
        await customs.stop()
        db.dispose()
