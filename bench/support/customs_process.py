"""The customs simulator in a process of its own, as the deployment runs it.

Customs is an external system: under ``bondflow up`` the simulator is a child process
of its own (``bondflow customs-sim``), never part of the worker's. The lifecycle
bench runs it the same way, so that the worker's process (workflows, activities and
the receipt watcher) does not share its one interpreter with customs' side. The
simulator's busy seconds and answers are counted in shared memory, for the bench's
figures.
"""

from __future__ import annotations

import multiprocessing
import time
from dataclasses import dataclass
from multiprocessing.context import SpawnProcess
from multiprocessing.sharedctypes import Synchronized
from multiprocessing.synchronize import Event
from pathlib import Path

from adapters.gateway.folders import ExchangeFolders
from adapters.simulator.behaviour import SimulatorBehaviour
from adapters.simulator.service import CustomsSimulator

STARTUP_TIMEOUT = 60.0  # seconds for the child to import and answer


def _serve(
    folders: ExchangeFolders,
    workdir: Path,
    behaviour: SimulatorBehaviour,
    interval: float,
    ready: Event,
    stop: Event,
    busy: Synchronized[float],
    answers: Synchronized[int],
) -> None:
    """The child: a pass over the OutBox and the scheduled receipts every ``interval``
    seconds, its time and answers added to the shared counters."""
    simulator = CustomsSimulator(folders, workdir, behaviour)
    ready.set()
    while not stop.is_set():
        started = time.perf_counter()
        done, _ = simulator.run_once()
        spent = time.perf_counter() - started
        with busy.get_lock():
            busy.value += spent
        with answers.get_lock():
            answers.value += len(done)
        stop.wait(interval)


@dataclass
class CustomsProcess:
    process: SpawnProcess
    stop: Event
    busy: Synchronized[float]
    answers: Synchronized[int]

    @classmethod
    def start(
        cls,
        folders: ExchangeFolders,
        workdir: Path,
        behaviour: SimulatorBehaviour,
        interval: float,
    ) -> CustomsProcess:
        context = multiprocessing.get_context("spawn")
        ready, stop = context.Event(), context.Event()
        busy = context.Value("d", 0.0)
        answers = context.Value("q", 0)
        process = context.Process(
            target=_serve,
            args=(folders, workdir, behaviour, interval, ready, stop, busy, answers),
            name="customs-simulator",
            daemon=True,
        )
        process.start()
        if not ready.wait(STARTUP_TIMEOUT):
            process.kill()
            raise RuntimeError(f"the simulator did not start within {STARTUP_TIMEOUT:g} s")
        return cls(process, stop, busy, answers)

    def counters(self) -> tuple[float, int]:
        """(busy seconds, OutBox files answered) since the start."""
        return self.busy.value, self.answers.value

    def close(self) -> None:
        self.stop.set()
        self.process.join(10)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
