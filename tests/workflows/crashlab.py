"""What the crash tests share: a worker as a child process that can be SIGKILLed, the
customs simulator looping in the test process, and the lab the tests drive and inspect.

The worker runs as its own process so that killing it kills everything it had in
hand (workflow and activity tasks, the InBox watcher) while customs, in the test
process, keeps answering.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Awaitable, Callable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy import or_, select
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client, WorkflowHandle

from adapters.db.engine import Database
from adapters.db.models import LedgerTransaction
from adapters.gateway.folders import ExchangeFolders
from adapters.simulator.service import CustomsSimulator
from customs.routing import Number
from customs.service import CustomsRecords
from demo import ids
from ledger import LedgerQueries
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
from tests.workflows.conftest import BIN

# The checkout these tests belong to: the worker processes import its code, whatever
# checkout the environment's editable install points at.
ROOT = Path(__file__).resolve().parents[2]
LIAISON = Decision(actor="liaison-wang", role=Role.LIAISON, reason="documents complete")


STICKY_TIMEOUT_SECONDS = 2.0


async def on_each_database(
    urls: Mapping[str, str],
    root: Path,
    scenario: Callable[[str, Path], Awaitable[None]],
) -> None:
    """Run ``scenario(database_url, folder)`` on every database at once, each in a
    folder of its own under ``root``, and wait for all of them.

    A crash scenario spends most of its time waiting (for a worker process to start,
    for Temporal's timeouts, for customs' receipts); its labs share nothing but the
    Temporal server, where each has its own task queue and workflow ids, so two run
    side by side in the time of one. Each scenario runs to its end even when the
    other fails; a failure says which database it was on, and every failure is
    raised."""

    async def on(backend: str, url: str) -> None:
        folder = root / backend
        folder.mkdir()
        try:
            await scenario(url, folder)
        except Exception as error:
            error.add_note(f"(the scenario on {backend})")
            raise

    outcomes = await asyncio.gather(
        *(on(backend, url) for backend, url in urls.items()), return_exceptions=True
    )
    failures = [outcome for outcome in outcomes if isinstance(outcome, BaseException)]
    if len(failures) == 1:
        raise failures[0]
    if failures:
        raise BaseExceptionGroup("the scenario failed on several databases", failures)


def worker_env(database_url: str, address: str, task_queue: str, root: Path) -> dict[str, str]:
    """The environment of a worker process: its settings, and this checkout first on
    the import path."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("BONDFLOW_")  # no setting of the test run leaks in
    }
    env["PYTHONPATH"] = os.pathsep.join(
        [str(ROOT), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    )
    env.update(
        BONDFLOW_DATABASE_URL=database_url,
        BONDFLOW_TEMPORAL_ADDRESS=address,
        BONDFLOW_TASK_QUEUE=task_queue,
        BONDFLOW_OUTBOX_DIR=str(root / "exchange" / "OutBox"),
        BONDFLOW_INBOX_DIR=str(root / "exchange" / "InBox"),
        BONDFLOW_DATA_DIR=str(root / "data"),
        # A killed worker's lifecycles move to the new worker after this, not after
        # Temporal's 10 s default: the tests wait for it after every kill.
        BONDFLOW_WORKER_STICKY_TIMEOUT_SECONDS=str(STICKY_TIMEOUT_SECONDS),
    )
    return env


class WorkerProcess:
    """A worker as a child process (by default `bondflow worker`), its output in a log
    file."""

    def __init__(
        self,
        name: str,
        env: dict[str, str],
        workdir: Path,
        command: Sequence[str] | None = None,
    ) -> None:
        self.name = name
        self.env = env
        self.workdir = workdir
        self.command = list(command) if command else [str(BIN / "bondflow"), "worker"]
        self.log_path = workdir / f"{name}.log"
        self.proc: subprocess.Popen[bytes] | None = None
        self._log: TextIO | None = None

    @classmethod
    def module(cls, name: str, env: dict[str, str], workdir: Path, module: str) -> WorkerProcess:
        """`python -m <module>` with this interpreter."""
        return cls(name, env, workdir, [sys.executable, "-m", module])

    def start(self) -> None:
        assert Path(self.command[0]).is_file(), f"no program at {self.command[0]}"
        self._log = self.log_path.open("w", encoding="utf-8")
        self.proc = subprocess.Popen(
            self.command,
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
        policy: EntryPolicy | None = None,
    ) -> None:
        self.client = client
        # The policy every lifecycle is started with (a crash test shortens the
        # activity timeout: the time Temporal waits before it retries a lost attempt).
        self.policy = policy or EntryPolicy()
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
            EntryInput(draft=draft, policy=self.policy),
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

    async def results(
        self, handles: Sequence[WorkflowHandle[Any, EntryResult]], timeout: float, context: str
    ) -> list[EntryResult]:
        """Every lifecycle's result, or a failure naming where each one is."""
        try:
            return await asyncio.wait_for(
                asyncio.gather(*(handle.result() for handle in handles)), timeout
            )
        except TimeoutError:
            stages = [(await self.status(handle)).stage for handle in handles]
            raise AssertionError(
                f"not all done after {timeout}s ({context}; now: {stages})\n{self.logs()}"
            ) from None

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

    async def pending_activities(self, handle: WorkflowHandle[Any, Any]) -> list[tuple[str, int]]:
        """(activity type, attempt) of every activity Temporal has not seen finish."""
        raw = (await handle.describe()).raw_description
        return [(a.activity_type.name, a.attempt) for a in raw.pending_activities]

    async def completed_attempts(
        self, handle: WorkflowHandle[Any, Any], activity_type: str
    ) -> list[int]:
        """The attempt that completed, for each run of ``activity_type`` in the history."""
        scheduled: set[int] = set()
        attempts: list[int] = []
        async for event in handle.fetch_history_events():
            if event.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
                attrs = event.activity_task_scheduled_event_attributes
                if attrs.activity_type.name == activity_type:
                    scheduled.add(event.event_id)
            elif event.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED:
                started = event.activity_task_started_event_attributes
                if started.scheduled_event_id in scheduled:
                    attempts.append(started.attempt)
        return attempts

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
        """The message type of every submission recorded for the document."""
        document = self.records.document(Number.INNER_NO, inner_no)
        return [s.message_type for s in self.records.submissions(document.id)]

    def files_written(self, message_type: str, inner_no: str) -> list[str]:
        """Every file of the document's ``message_type`` that reached the exchange: in
        the OutBox, or taken from it by customs (SentBox, FailBox)."""
        boxes = (self.folders.outbox, self.folders.sentbox, self.folders.failbox)
        return sorted(
            path.name for box in boxes for path in box.glob(f"{message_type}__{inner_no}__*")
        )
