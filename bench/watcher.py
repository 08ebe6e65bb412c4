"""Benchmark: the receipt watcher's cost per receipt, against reading and parsing the
same files bare (a benchmark, not a test).

A *world* is a SQLite database in a temporary folder (migrated), N bonded lists
filed through the gateway (``FileDropGateway``) and the customs simulator
(``always_approve``) answering them all: its receipts are the corpus. The watcher
then takes the corpus from the InBox with a sink that accepts every receipt (the
engine's signal sink talks to Temporal, which is not measured here): parse, route,
record, move, deliver, settle. Two ways, each in a fresh world built the same way:

- ``all``: the whole corpus in the InBox at once, taken by as few passes as it needs;
- ``p10``: ten files at a time, a pass after each ten (as receipts trickle in while
  lifecycles run).

The baseline in the same run: the same files read and parsed (``parse_untrusted`` +
``from_element``), nothing else. Figures: milliseconds per receipt (wall clock, and
the thread's CPU time, steadier on a shared machine), and the watcher's cost as a
multiple of the baseline's. Each figure is the best of the rounds.

    PYTHONPATH=$PWD .venv/bin/python bench/watcher.py --quick   # N=60, ~20 s
    PYTHONPATH=$PWD .venv/bin/python bench/watcher.py           # N=200

``BONDFLOW_BENCH_CODE=/path/to/checkout`` measures that checkout's code (for a
comparison with main in the same run); the script only uses ``scan_once``. The last
line printed is a one-line key=value summary.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

_HERE = Path(__file__).resolve().parent
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != _HERE]
sys.path.insert(0, os.environ.get("BONDFLOW_BENCH_CODE") or str(_HERE.parent))

import argparse  # noqa: E402
import shutil  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from dataclasses import dataclass  # noqa: E402

from adapters.db.engine import Database, create_database  # noqa: E402
from adapters.db.migrate import upgrade  # noqa: E402
from adapters.gateway.filedrop import FileDropGateway  # noqa: E402
from adapters.gateway.folders import ExchangeFolders  # noqa: E402
from adapters.gateway.watcher import Disposition, ReceiptWatcher  # noqa: E402
from adapters.simulator.behaviour import SimulatorBehaviour  # noqa: E402
from adapters.simulator.service import CustomsSimulator  # noqa: E402
from adapters.xml.codec import from_element  # noqa: E402
from adapters.xml.safe import parse_untrusted  # noqa: E402
from customs.routing import Answer  # noqa: E402
from customs.service import CustomsRecords  # noqa: E402
from schemas.customs import ReceiptView  # noqa: E402
from tests.support import messages  # noqa: E402


@dataclass(frozen=True)
class Plan:
    lists: int
    rounds: int


FULL = Plan(lists=200, rounds=3)
QUICK = Plan(lists=60, rounds=2)


class AcceptingSink:
    """Every receipt is handed on at once (the watcher's side only)."""

    def __init__(self) -> None:
        self.delivered = 0

    def deliver(self, receipt: ReceiptView, message: Answer) -> None:
        self.delivered += 1


@dataclass
class World:
    db: Database
    folders: ExchangeFolders
    records: CustomsRecords
    corpus: list[Path]  # the receipts, copied aside in arrival order


def build_world(root: Path, lists: int) -> World:
    root.mkdir(parents=True)
    url = f"sqlite:///{root / 'bondflow.db'}"
    upgrade(url)
    db = create_database(url)
    folders = ExchangeFolders.under(root / "exchange").create()
    records = CustomsRecords(db)
    gateway = FileDropGateway(folders, records)
    simulator = CustomsSimulator(folders, root / "sim", SimulatorBehaviour.always_approve())
    for number in range(lists):
        gateway.submit(messages.bonded_list(inner_no=f"BENCH-W-{number:05d}"))
    while simulator.run_once() != ([], []) or simulator.pending():
        time.sleep(0.01)
    arrived = sorted(folders.inbox.iterdir(), key=lambda path: (path.stat().st_mtime_ns, path.name))
    corpus_dir = root / "corpus"
    corpus_dir.mkdir()
    corpus = []
    for path in arrived:
        kept = corpus_dir / path.name
        shutil.copy2(path, kept)
        path.unlink()
        corpus.append(kept)
    return World(db, folders, records, corpus)


@dataclass(frozen=True)
class Cost:
    wall_ms: float  # per receipt
    cpu_ms: float


def timed(work: Callable[..., int], *args: object) -> Cost:
    wall, cpu = time.perf_counter(), time.thread_time()
    count = work(*args)
    return Cost(
        (time.perf_counter() - wall) * 1000 / count, (time.thread_time() - cpu) * 1000 / count
    )


def bare(corpus: list[Path]) -> int:
    for path in corpus:
        payload = path.read_bytes()
        from_element(parse_untrusted(payload, source=path.name), source=path.name)
    return len(corpus)


def watch(world: World, per_pass: int | None) -> int:
    sink = AcceptingSink()
    watcher = ReceiptWatcher(world.folders, world.records, sink)
    taken = []
    step = per_pass or len(world.corpus)
    for start in range(0, len(world.corpus), step):
        for path in world.corpus[start : start + step]:
            os.replace(path, world.folders.inbox / path.name)
        while any(world.folders.inbox.iterdir()):
            taken += watcher.scan_once()
    recorded = sum(1 for one in taken if one.disposition is Disposition.RECORDED)
    if recorded != len(world.corpus) or sink.delivered != recorded:
        raise AssertionError(
            f"{len(world.corpus)} receipts: {recorded} recorded, {sink.delivered} delivered"
        )
    return len(world.corpus)


def best(costs: list[Cost]) -> Cost:
    return min(costs, key=lambda cost: cost.wall_ms)


def run(plan: Plan) -> dict[str, str]:
    started = time.perf_counter()
    bare_costs: list[Cost] = []
    all_costs: list[Cost] = []
    p10_costs: list[Cost] = []
    receipts = 0
    with tempfile.TemporaryDirectory(prefix="bondflow-bench-watcher-") as scratch:
        root = Path(scratch)
        for number in range(1, plan.rounds + 1):
            worlds = []
            for way in ("all", "p10"):
                world = build_world(root / f"{number}-{way}", plan.lists)
                worlds.append(world)
            receipts = len(worlds[0].corpus)
            bare_costs.append(timed(bare, worlds[0].corpus))
            all_costs.append(timed(watch, worlds[0], None))
            p10_costs.append(timed(watch, worlds[1], 10))
            print(
                f"round {number}/{plan.rounds}: {receipts} receipts of {plan.lists} lists;"
                f" bare read+parse {bare_costs[-1].wall_ms:.2f} ms,"
                f" watcher all at once {all_costs[-1].wall_ms:.2f} ms"
                f" (cpu {all_costs[-1].cpu_ms:.2f}),"
                f" ten per pass {p10_costs[-1].wall_ms:.2f} ms (cpu {p10_costs[-1].cpu_ms:.2f})"
                " per receipt",
                flush=True,
            )
            for world in worlds:
                world.db.dispose()
    baseline, at_once, trickle = best(bare_costs), best(all_costs), best(p10_costs)
    return {
        "lists": str(plan.lists),
        "receipts": str(receipts),
        "rounds": str(plan.rounds),
        "bare_ms_per_receipt": f"{baseline.wall_ms:.3f}",
        "watcher_ms_per_receipt": f"{at_once.wall_ms:.3f}",
        "watcher_cpu_ms_per_receipt": f"{at_once.cpu_ms:.3f}",
        "watcher_p10_ms_per_receipt": f"{trickle.wall_ms:.3f}",
        "watcher_p10_cpu_ms_per_receipt": f"{trickle.cpu_ms:.3f}",
        "watcher_vs_bare": f"{at_once.wall_ms / baseline.wall_ms:.2f}",
        "watcher_p10_vs_bare": f"{trickle.wall_ms / baseline.wall_ms:.2f}",
        "elapsed_s": f"{time.perf_counter() - started:.1f}",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help=f"{QUICK.lists} lists")
    parser.add_argument("--lists", type=int, help="bonded lists filed (about 3 receipts each)")
    parser.add_argument("--rounds", type=int, help="rounds (the best counts)")
    args = parser.parse_args()
    plan = QUICK if args.quick else FULL
    plan = Plan(lists=args.lists or plan.lists, rounds=args.rounds or plan.rounds)
    figures = {"mode": "quick" if args.quick else "full", **run(plan)}
    print(" ".join(f"{key}={value}" for key, value in figures.items()), flush=True)


if __name__ == "__main__":
    main()
