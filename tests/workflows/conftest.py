"""A real Temporal dev server, a worker per test, the customs simulator on real
folders and the ledger on a real database (SQLite; PostgreSQL too for the tests marked
both_databases: the crash tests)."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import os
import sys
import threading
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Collection
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest_asyncio
from temporalio.client import Client, WorkflowHandle
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from activities.dependencies import Dependencies
from adapters.db.engine import Database
from adapters.gateway.folders import ExchangeFolders
from adapters.gateway.watcher import ReceiptWatcher
from adapters.simulator.behaviour import SimulatorBehaviour
from adapters.simulator.service import CustomsSimulator
from adapters.temporal.sink import WorkflowSignalSink
from bondflow.worker import build_worker
from demo import ids
from schemas.codes import DifferenceCause
from schemas.lifecycle import (
    EntryDraft,
    EntryInput,
    EntryLine,
    EntryPolicy,
    EntryResult,
    LifecycleStatus,
    Stage,
    Vehicle,
)
from schemas.messages.fields import DOCUMENT_ZONE
from tests.support.sandbox import ValidatedOnce
from workflows.search import SEARCH_ATTRIBUTES

BIN = Path(sys.executable).parent
HISTORIES = Path(__file__).with_name("histories")


async def keep_history(handle: WorkflowHandle[Any, Any], name: str) -> None:
    """With BONDFLOW_RECORD_HISTORIES=1, save the finished lifecycle's history for the
    replay tests (tests/workflows/histories/<name>.json). Off in CI: the recorded
    files are the contract that running workflows must keep replaying."""
    if os.environ.get("BONDFLOW_RECORD_HISTORIES") != "1":
        return
    history = await handle.fetch_history()
    HISTORIES.mkdir(exist_ok=True)
    (HISTORIES / f"{name}.json").write_text(history.to_json(), encoding="utf-8")


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def dev_server() -> AsyncIterator[WorkflowEnvironment]:
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=str(BIN / "temporal"),
        data_converter=pydantic_data_converter,
        search_attributes=list(SEARCH_ATTRIBUTES),
        dev_server_log_level="error",
    )
    yield env
    await env.shutdown()


def entry_draft(inner_no: str, *, arrival_days_ago: int = 2) -> EntryDraft:
    """Cells and glass for the module maker, off a China-Europe return train."""
    today = dt.datetime.now(DOCUMENT_ZONE).date()
    return EntryDraft(
        inner_no=inner_no,
        book_no=ids.SOLAR_BOOK,
        declarant_code=ids.AGENT_CUSTOMS_CODE,
        supervision_mode="5015",
        transport_mode="3",
        departure_country="304",
        arrival_date=today - dt.timedelta(days=arrival_days_ago),
        exchange_rate=Decimal("7.123400"),
        lines=(
            EntryLine(
                item_no=ids.CELLS,
                lot_no=f"{inner_no}-C",
                location=ids.RAW_BIN,
                quantity=Decimal("12000"),
                unit_price=Decimal("0.8125"),
                currency="502",
                origin_country="304",
                gross_weight=Decimal("120.5"),
                net_weight=Decimal("96.5"),
            ),
            EntryLine(
                item_no=ids.GLASS,
                lot_no=f"{inner_no}-G",
                location=ids.RAW_BIN,
                quantity=Decimal("500"),
                unit_price=Decimal("18.4000"),
                currency="502",
                origin_country="304",
                gross_weight=Decimal("10450"),
                net_weight=Decimal("10300"),
            ),
        ),
        vehicle=Vehicle(
            vehicle_no="青A·D2468",
            vehicle_weight=Decimal("9800"),
            frame_weight=Decimal("4200"),
            container_weight=Decimal("3800"),
        ),
        filed_by="filer-li",
        remark="中欧班列 X8024 杜伊斯堡—西宁 回程",
    )


@dataclass
class Zone:
    """Everything a lifecycle test drives and inspects."""

    client: Client
    db: Database
    deps: Dependencies
    folders: ExchangeFolders
    simulator: CustomsSimulator
    watcher: ReceiptWatcher
    task_queue: str

    async def start(
        self, draft: EntryDraft, policy: EntryPolicy | None = None
    ) -> WorkflowHandle[Any, EntryResult]:
        return await self.client.start_workflow(
            "FirstLineEntry",
            EntryInput(draft=draft, policy=policy or EntryPolicy()),
            id=f"entry-{draft.inner_no}-{self.task_queue}",
            task_queue=self.task_queue,
            result_type=EntryResult,
        )

    async def status(self, handle: WorkflowHandle[Any, Any]) -> LifecycleStatus:
        status: LifecycleStatus = await handle.query("status", result_type=LifecycleStatus)
        return status

    async def reach(
        self, handle: WorkflowHandle[Any, Any], *stages: Stage, timeout: float = 30.0
    ) -> LifecycleStatus:
        """Poll the status query until the lifecycle is in one of ``stages``."""
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            status = await self.status(handle)
            if status.stage in stages:
                return status
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"still {status.stage} after {timeout}s: {status.timeline}")
            await asyncio.sleep(0.1)


@contextlib.asynccontextmanager
async def _exchanging(
    simulator: CustomsSimulator, watcher: ReceiptWatcher, every: float
) -> AsyncIterator[None]:
    """Customs answers and the watcher delivers, every ``every`` seconds, as the real
    loops do, until the block ends; a pass that fails stops them and is raised then.

    On a thread of their own: handing each pass to a thread from the event loop (two
    ``to_thread`` and a ``wait_for`` a pass, as the real loops do once a second) cost
    more than the pass itself, ~0.6 ms of CPU where an idle pass costs ~0.2 ms."""
    stop = threading.Event()
    failed: list[BaseException] = []

    def passes() -> None:
        try:
            while not stop.is_set():
                simulator.run_once()
                watcher.scan_once()
                stop.wait(every)
        except BaseException as error:
            failed.append(error)

    thread = threading.Thread(target=passes, name="exchange", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        await asyncio.to_thread(thread.join)
    if failed:
        raise failed[0]


ZoneFactory = Callable[[SimulatorBehaviour], Awaitable[Zone]]


@contextlib.asynccontextmanager
async def running_zone(
    dev_server: WorkflowEnvironment,
    db: Database,
    tmp_path: Path,
    client: Client | None = None,
    *,
    waived_causes: Collection[DifferenceCause] = (),
    exchange_every: float = 0.05,
) -> AsyncIterator[Zone]:
    """A worker on its own task queue, the customs simulator and the receipt watcher
    on fresh folders, over ``db`` as it is (seeded or not); on ``client`` (the dev
    server's by default: another one brings its interceptors to the worker);
    ``waived_causes``: the stocktake shortages customs waives duty on (the worker's
    setting); ``exchange_every``: how often customs answers and the watcher looks
    (seconds; a pass with nothing to do costs ~0.2 ms of CPU, and the watcher reads the
    database for due deliveries about once a second, ~2 ms, so a zone whose test waits
    on no receipt can look less often)."""
    folders = ExchangeFolders.under(tmp_path / "exchange").create()
    deps = Dependencies.build(db, folders, waived_causes=waived_causes)
    client = client or dev_server.client
    simulator = CustomsSimulator(folders, tmp_path / "sim", SimulatorBehaviour.always_approve())
    sink = WorkflowSignalSink(client, deps.records, asyncio.get_running_loop())
    watcher = ReceiptWatcher(folders, deps.records, sink)
    task_queue = f"test-{uuid.uuid4().hex[:8]}"
    with ThreadPoolExecutor(max_workers=8) as executor:
        worker = build_worker(client, deps, task_queue, executor, workflow_runner=ValidatedOnce())
        async with worker, _exchanging(simulator, watcher, exchange_every):
            yield Zone(client, db, deps, folders, simulator, watcher, task_queue)


@pytest_asyncio.fixture(loop_scope="session")
async def zone(
    dev_server: WorkflowEnvironment, seeded: Database, tmp_path: Path
) -> AsyncIterator[Zone]:
    """The running zone on the demo's master data and opening history."""
    async with running_zone(dev_server, seeded, tmp_path) as running:
        yield running


@pytest_asyncio.fixture(loop_scope="session")
async def empty_zone(
    dev_server: WorkflowEnvironment, db: Database, tmp_path: Path
) -> AsyncIterator[Zone]:
    """The running zone on a fresh install: migrated, nothing registered."""
    async with running_zone(dev_server, db, tmp_path) as running:
        yield running
