"""The workflow sandbox for the tests' many workers: each definition checked once.

A worker checks every workflow class it is given when it is built, by importing the
class's module in a fresh sandbox (6-10 ms a class, some 70 ms for bondflow's eight).
Production builds one worker per process; the suite builds one per test, about 400
per pytest worker, and checked the same unchanged classes each time: about a sixth
of the CPU of the workflow and API tests. ``ValidatedOnce`` checks a class the first
time a worker of this process is given it. Every workflow run is still sandboxed
exactly as in production.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from temporalio import workflow
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner

_VALIDATED: set[type] = set()
_LOCK = threading.Lock()


@dataclass(frozen=True)
class ValidatedOnce(SandboxedWorkflowRunner):
    """A sandboxed runner that skips the check of a class this process has checked.

    One instance per worker: the worker sets its failure types on its runner."""

    def prepare_workflow(self, defn: workflow._Definition) -> None:
        with _LOCK:
            if defn.cls in _VALIDATED:
                return
        super().prepare_workflow(defn)
        with _LOCK:
            _VALIDATED.add(defn.cls)
