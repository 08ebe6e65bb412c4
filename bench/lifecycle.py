"""Benchmark: first-line entries end to end on a Temporal dev server, against a bare
workflow with the same number of activity calls (a benchmark, not a test).

One *lifecycle* is a FirstLineEntry from start to result: validate, the liaison's
sign-off (an automatic liaison reads the work queue as the product's queue does, one
visibility query for the entries ``awaiting_sign_off`` every ``--poll`` seconds
(``lifecycles.service.QueueFilter``), and sends each new one the ``sign_off`` update),
reserve, the INV101 filed through the exchange folders, the customs simulator's
receipts (``always_approve``, answering at once) delivered by the receipt watcher as
signals, the gate pass, INV211 and the posting on the ledger. Everything is real: a SQLite
database in a temporary folder (migrated, demo seeded), the worker the project builds
(``bondflow.worker.build_worker``, thread-pool activities) with the receipt watcher
beside it in the same process (as ``bondflow worker`` runs it), scanning every 20 ms,
and the customs simulator in a process of its own answering every 20 ms
(``bench/support/customs_process.py``), as ``bondflow up`` runs it: customs is an
external system, not a part of the worker's process.

A round starts N lifecycles at once (distinct inner and lot numbers) and awaits them
all: lifecycles/s = N / (first start .. last completion). After every round each
result must be ``completed`` and the ledger must hold exactly the entered quantities,
posted, on every lot (nothing pending).

The baseline in the same run, with the same client, worker settings (sandboxed
workflows, the same thread pool for activities) and concurrency N: a bare workflow
(defined here) making as many activity calls as one entry lifecycle makes (5:
validate, reserve, submit_list, submit_gate_pass, resolve; checked against a real
lifecycle's history), each a no-op returning a constant, with the same timeout and
retry policy. ``ratio`` = lifecycles_per_s / bare_per_s. Rounds alternate between the
two; each figure is the best round. Latency (start to result of one lifecycle, p50
and max) is of the best round, as are the shares of its wall time that the
simulator's and the watcher's passes took (``simulator_busy``, ``watcher_busy``: each
its own loop, so either near 1.0 means that loop is the bottleneck),
the watcher's time per receipt (its whole pass: due deliveries, parse, record, move,
signal, settle, divided by the receipts it took), how many receipts a pass that took
any took, and the simulator's time per OutBox file answered.

Run from the repository root:
    .venv/bin/python bench/lifecycle.py --quick    # N=10, under 30 s with server start
    .venv/bin/python bench/lifecycle.py            # N=100
Options: --n N (concurrent lifecycles per round), --rounds R, --threads T (activity
thread pool; default 16, as ``bondflow worker``), --poll S (the liaison's queue interval).
The last line printed is a one-line key=value summary.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, Python puts bench/ first on the import path, where bench/xml.py
# would shadow the standard library's xml: keep bench/ off it, the repository on it.
# Only as a script: the workflow sandbox runs this file again (as __temporal_main__)
# for every bare workflow, where the file system is off limits and this is done.
if __name__ == "__main__":
    _HERE = Path(__file__).resolve().parent
    sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != _HERE]
    sys.path.insert(0, str(_HERE.parent))
    # The sandbox imports each workflow's module (and this file, for the bare one) anew
    # for every run: from bytecode, as in the deployment (pip compiles the package when
    # it installs it), not compiled from source every time because the environment says
    # PYTHONDONTWRITEBYTECODE (the files go to __pycache__, as a test run's do).
    sys.dont_write_bytecode = False

import argparse
import asyncio
import contextlib
import statistics
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeVar

from temporalio import activity, workflow

# The sandbox imports this file anew for each bare workflow run: the project's
# modules pass through (as the project's workflows import them), not re-imported.
with workflow.unsafe.imports_passed_through():
    from temporalio.api.enums.v1 import EventType
    from temporalio.client import Client, WorkflowHandle
    from temporalio.worker import Worker

    from activities.dependencies import Dependencies
    from adapters.db.engine import Database, create_database
    from adapters.db.migrate import upgrade
    from adapters.gateway.folders import ExchangeFolders
    from adapters.gateway.watcher import ReceiptWatcher
    from adapters.simulator.behaviour import SimulatorBehaviour
    from adapters.temporal.sink import WorkflowSignalSink
    from bench.support.customs_process import CustomsProcess
    from bench.support.dev_server import quiet_dev_server
    from bondflow.worker import build_worker
    from demo import seed_demo
    from ledger import LedgerQueries
    from lifecycles.service import QueueFilter
    from schemas.lifecycle import (
        Decision,
        EntryDraft,
        EntryInput,
        EntryPolicy,
        EntryResult,
        Lifecycle,
        LifecycleStatus,
        Role,
        Stage,
    )
    from tests.workflows.conftest import entry_draft
    from workflows.record import ACTIVITY_TIMEOUT, RETRY

T = TypeVar("T")
BIN = Path(sys.executable).parent
APPROVER = Decision(actor="auto-approver", role=Role.LIAISON, reason="benchmark")
# The liaison's queue of entries to sign off, as the work queue asks visibility for it.
SIGN_OFF_QUEUE = QueueFilter(
    role=Role.LIAISON, lifecycle=Lifecycle.FIRST_LINE_ENTRY, stage=Stage.AWAITING_SIGN_OFF
).query()
# One entry lifecycle on the happy path: validate, reserve, submit_list,
# submit_gate_pass, resolve (post). Checked against the warm-up's history.
ENTRY_ACTIVITY_CALLS = 5
EXCHANGE_INTERVAL = 0.02  # seconds between the simulator's passes, and the watcher's


@dataclass(frozen=True)
class Plan:
    n: int
    rounds: int


FULL = Plan(n=100, rounds=3)
QUICK = Plan(n=10, rounds=2)


# --- the baseline: a bare workflow with as many activity calls, each a no-op ---------


@activity.defn(name="bench.noop")
def noop(step: int) -> str:
    return "done"


@workflow.defn(name="BenchBareLifecycle")
class BareLifecycle:
    @workflow.run
    async def run(self, calls: int) -> int:
        for step in range(calls):
            await workflow.execute_activity(
                "bench.noop",
                step,
                start_to_close_timeout=ACTIVITY_TIMEOUT,
                retry_policy=RETRY,
                result_type=str,
            )
        return calls


# --- the rig --------------------------------------------------------------------------


@dataclass
class Exchange:
    """Customs answers (in its own process) and the watcher delivers (in the worker's),
    continuously, as the real loops do; with the seconds each spent since the last
    ``reset``."""

    customs: CustomsProcess
    watcher: ReceiptWatcher
    simulator_s: float = 0.0
    watcher_s: float = 0.0
    receipts: int = 0  # InBox files the watcher took
    answers: int = 0  # OutBox files the simulator answered
    busy_passes: int = 0  # the watcher's passes that took a file
    _customs_at_reset: tuple[float, int] = (0.0, 0)

    def reset(self) -> None:
        self.simulator_s = self.watcher_s = 0.0
        self.receipts = self.answers = self.busy_passes = 0
        self._customs_at_reset = self.customs.counters()

    def read_customs(self) -> None:
        """The simulator's seconds and answers since the last ``reset``."""
        seconds, answers = self.customs.counters()
        self.simulator_s = seconds - self._customs_at_reset[0]
        self.answers = answers - self._customs_at_reset[1]

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            started = time.perf_counter()
            taken = await asyncio.to_thread(self.watcher.scan_once)
            self.receipts += len(taken)
            self.busy_passes += 1 if taken else 0
            self.watcher_s += time.perf_counter() - started
            await asyncio.sleep(EXCHANGE_INTERVAL)


@dataclass
class Rig:
    client: Client
    db: Database
    exchange: Exchange
    entry_queue: str
    bare_queue: str
    liaison: Liaison


@dataclass
class Liaison:
    """Signs off every entry the work queue shows awaiting sign-off: one visibility
    query every ``poll`` seconds for all of them (as a liaison's queue is read), never a
    status query per lifecycle. Visibility may still show one signed off a moment ago:
    each is signed off once."""

    client: Client
    poll: float
    signed: set[str] = field(default_factory=set)
    refused: list[str] = field(default_factory=list)

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            waiting = [
                execution.id
                async for execution in self.client.list_workflows(SIGN_OFF_QUEUE, page_size=1000)
                if execution.id not in self.signed
            ]
            self.signed.update(waiting)
            outcomes = await asyncio.gather(
                *(self._sign_off(workflow_id) for workflow_id in waiting), return_exceptions=True
            )
            self.refused += [
                f"{workflow_id}: {outcome}"
                for workflow_id, outcome in zip(waiting, outcomes, strict=True)
                if outcome is not None
            ]
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self.poll)

    async def around(self, work: Awaitable[T]) -> T:
        """``work`` awaited while the liaison reads the queue (only then: the bare
        rounds' process does not pay for its queries); the entries it could not sign
        off fail the work."""
        stop = asyncio.Event()
        reading = asyncio.create_task(self.run(stop))
        try:
            done = await work
        finally:
            stop.set()
            await reading
        if self.refused:
            raise AssertionError(f"sign-off refused: {self.refused}")
        return done

    async def _sign_off(self, workflow_id: str) -> None:
        handle = self.client.get_workflow_handle(workflow_id)
        await handle.execute_update("sign_off", APPROVER, result_type=LifecycleStatus)


async def one_entry(rig: Rig, draft: EntryDraft, timeout: float) -> tuple[EntryResult, float]:
    """(result, seconds from start to result) of one lifecycle, signed off by the
    liaison."""
    started = time.perf_counter()
    handle = await rig.client.start_workflow(
        "FirstLineEntry",
        EntryInput(draft=draft, policy=EntryPolicy()),
        id=f"bench-entry-{draft.inner_no}",
        task_queue=rig.entry_queue,
        result_type=EntryResult,
    )
    result = await handle.result()
    return result, time.perf_counter() - started


async def one_bare(rig: Rig, name: str) -> tuple[int, float]:
    started = time.perf_counter()
    calls = await rig.client.execute_workflow(
        BareLifecycle.run,
        ENTRY_ACTIVITY_CALLS,
        id=f"bench-bare-{name}",
        task_queue=rig.bare_queue,
    )
    return calls, time.perf_counter() - started


async def all_at_once(
    make: Callable[[int], Awaitable[tuple[T, float]]], n: int, timeout: float
) -> tuple[list[T], list[float], float]:
    """Start n at once; (results, latencies, wall seconds first start .. last end)."""
    started = time.perf_counter()
    done = await asyncio.wait_for(asyncio.gather(*(make(i) for i in range(n))), timeout)
    wall = time.perf_counter() - started
    return [result for result, _ in done], [latency for _, latency in done], wall


def check_ledger(db: Database, drafts: Sequence[EntryDraft]) -> None:
    """Every lot holds exactly its entered quantity, posted, nothing pending."""
    queries = LedgerQueries(db)
    for draft in drafts:
        for line in draft.lines:
            rows = queries.balances(book_no=draft.book_no, lot_no=line.lot_no)
            found = [
                (row.item_no, row.location, row.posted, row.pending_in, row.pending_out)
                for row in rows
            ]
            expected = [(line.item_no, line.location, line.quantity, Decimal(0), Decimal(0))]
            if found != expected:
                raise AssertionError(f"lot {line.lot_no}: ledger {found}, expected {expected}")


def check_entries(results: Sequence[EntryResult], drafts: Sequence[EntryDraft]) -> None:
    for draft, result in zip(drafts, results, strict=True):
        if result.stage is not Stage.COMPLETED or result.posted_transaction is None:
            raise AssertionError(f"{draft.inner_no}: ended {result.stage}: {result}")


async def count_activity_calls(handle: WorkflowHandle[Any, Any]) -> int:
    history = await handle.fetch_history()
    scheduled = EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
    return sum(1 for event in history.events if event.event_type == scheduled)


@dataclass
class Round:
    per_s: float
    latencies: list[float]
    simulator_share: float = 0.0  # of the wall time, the simulator's passes
    watcher_share: float = 0.0  # and the watcher's (parse, record, signal)
    receipt_ms: float = 0.0  # the watcher's time per receipt taken
    receipts: int = 0
    answer_ms: float = 0.0  # the simulator's time per OutBox file answered
    receipts_per_pass: float = 0.0  # of the watcher's passes that took any


async def entry_round(rig: Rig, tag: str, n: int, timeout: float) -> Round:
    drafts = [entry_draft(f"BL{tag}-{i:04d}") for i in range(n)]
    rig.exchange.reset()
    results, latencies, wall = await rig.liaison.around(
        all_at_once(lambda i: one_entry(rig, drafts[i], timeout), n, timeout)
    )
    busy = rig.exchange
    busy.read_customs()
    per_receipt = busy.watcher_s / busy.receipts * 1000 if busy.receipts else 0.0
    done = Round(
        n / wall,
        latencies,
        busy.simulator_s / wall,
        busy.watcher_s / wall,
        per_receipt,
        busy.receipts,
        busy.simulator_s / busy.answers * 1000 if busy.answers else 0.0,
        busy.receipts / busy.busy_passes if busy.busy_passes else 0.0,
    )
    check_entries(results, drafts)
    check_ledger(rig.db, drafts)
    return done


async def bare_round(rig: Rig, tag: str, n: int, timeout: float) -> Round:
    results, latencies, wall = await all_at_once(
        lambda i: one_bare(rig, f"{tag}-{i:04d}"), n, timeout
    )
    if results != [ENTRY_ACTIVITY_CALLS] * n:
        raise AssertionError(f"bare workflows returned {results}")
    return Round(n / wall, latencies)


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


async def run(plan: Plan, threads: int, poll: float, quick: bool) -> dict[str, str]:
    started = time.perf_counter()
    timeout = 60.0 + plan.n  # a round that takes longer is stuck
    with tempfile.TemporaryDirectory(prefix="bondflow-bench-") as scratch:
        root = Path(scratch)
        url = f"sqlite:///{root / 'bondflow.db'}"
        upgrade(url)
        db = create_database(url)
        seed_demo(db)
        folders = ExchangeFolders.under(root / "exchange").create()
        deps = Dependencies.build(db, folders)
        print(f"database migrated and seeded: {time.perf_counter() - started:.1f} s", flush=True)
        server_started = time.perf_counter()
        env = await quiet_dev_server()
        server_s = time.perf_counter() - server_started
        print(f"dev server started: {server_s:.1f} s", flush=True)
        customs = CustomsProcess.start(
            folders, root / "sim", SimulatorBehaviour.always_approve(), EXCHANGE_INTERVAL
        )
        try:
            client = env.client
            sink = WorkflowSignalSink(client, deps.records, asyncio.get_running_loop())
            watcher = ReceiptWatcher(folders, deps.records, sink)
            exchange = Exchange(customs, watcher)
            suffix = uuid.uuid4().hex[:8]
            rig = Rig(
                client,
                db,
                exchange,
                f"bench-entry-{suffix}",
                f"bench-bare-{suffix}",
                Liaison(client, poll),
            )
            stop = asyncio.Event()
            with ThreadPoolExecutor(max_workers=threads) as executor:
                bare_worker = Worker(
                    client,
                    task_queue=rig.bare_queue,
                    workflows=[BareLifecycle],
                    activities=[noop],
                    activity_executor=executor,
                    max_concurrent_activities=threads,
                )
                async with build_worker(client, deps, rig.entry_queue, executor), bare_worker:
                    loop = asyncio.create_task(exchange.run(stop))
                    try:
                        figures = await _measure(rig, plan, timeout)
                    finally:
                        stop.set()
                        await loop
        finally:
            customs.close()
            await env.shutdown()
            db.dispose()
    figures["server_start_s"] = f"{server_s:.1f}"
    figures["elapsed_s"] = f"{time.perf_counter() - started:.1f}"
    return {"mode": "quick" if quick else "full", **figures}


async def _measure(rig: Rig, plan: Plan, timeout: float) -> dict[str, str]:
    # Warm-up, not counted: one entry (sandbox, imports, connections, code tables) whose
    # history says how many activity calls a lifecycle makes; then one bare workflow.
    warm = entry_draft("BLWARM-0000")
    result, latency = await rig.liaison.around(
        asyncio.wait_for(one_entry(rig, warm, timeout), timeout)
    )
    check_entries([result], [warm])
    check_ledger(rig.db, [warm])
    calls = await count_activity_calls(rig.client.get_workflow_handle(result.workflow_id))
    if calls != ENTRY_ACTIVITY_CALLS:
        raise AssertionError(
            f"an entry lifecycle made {calls} activity calls, the bare one {ENTRY_ACTIVITY_CALLS}"
        )
    await one_bare(rig, "warm")
    print(f"warm-up: one entry in {_ms(latency)}, {calls} activity calls", flush=True)

    entries: list[Round] = []
    bares: list[Round] = []
    for number in range(1, plan.rounds + 1):
        entry = await entry_round(rig, f"{number:02d}", plan.n, timeout)
        entries.append(entry)
        bare = await bare_round(rig, f"{number:02d}", plan.n, timeout)
        bares.append(bare)
        print(
            f"round {number}/{plan.rounds}: {plan.n} entries at once, "
            f"{entry.per_s:.2f} lifecycles/s (p50 {_ms(statistics.median(entry.latencies))}, "
            f"max {_ms(max(entry.latencies))}), all completed and posted; busy: simulator "
            f"{entry.simulator_share:.0%}, watcher {entry.watcher_share:.0%} of the time "
            f"({entry.receipts} receipts, {entry.receipt_ms:.1f} ms each, "
            f"{entry.receipts_per_pass:.1f} a pass; {entry.answer_ms:.1f} ms an answer); "
            f"bare {bare.per_s:.1f}/s (p50 {_ms(statistics.median(bare.latencies))})",
            flush=True,
        )
    best = max(entries, key=lambda r: r.per_s)
    best_bare = max(bares, key=lambda r: r.per_s)
    return {
        "lifecycles": str(plan.n),
        "rounds": str(plan.rounds),
        "lifecycles_per_s": f"{best.per_s:.2f}",
        "bare_per_s": f"{best_bare.per_s:.1f}",
        "ratio": f"{best.per_s / best_bare.per_s:.3f}",
        "p50_lifecycle_s": f"{statistics.median(best.latencies):.2f}",
        "max_lifecycle_s": f"{max(best.latencies):.2f}",
        "p50_bare_s": f"{statistics.median(best_bare.latencies):.3f}",
        "simulator_busy": f"{best.simulator_share:.2f}",
        "watcher_busy": f"{best.watcher_share:.2f}",
        "watcher_ms_per_receipt": f"{best.receipt_ms:.1f}",
        "receipts_per_pass": f"{best.receipts_per_pass:.1f}",
        "simulator_ms_per_answer": f"{best.answer_ms:.1f}",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help=f"N={QUICK.n}, fewer rounds")
    parser.add_argument("--n", type=int, help="lifecycles started at once per round")
    parser.add_argument("--rounds", type=int, help="rounds of each (the best counts)")
    parser.add_argument("--threads", type=int, default=16, help="activity thread pool")
    parser.add_argument("--poll", type=float, default=0.05, help="liaison's queue interval (s)")
    args = parser.parse_args()
    plan = QUICK if args.quick else FULL
    plan = Plan(n=args.n or plan.n, rounds=args.rounds or plan.rounds)
    figures = asyncio.run(run(plan, args.threads, args.poll, args.quick))
    print(" ".join(f"{key}={value}" for key, value in figures.items()), flush=True)


if __name__ == "__main__":
    main()
