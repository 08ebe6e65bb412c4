"""`bondflow worker`, except that chosen activities stall once their side effect is
committed, so that a test can kill the process before Temporal hears they completed.

Run as ``python -m tests.workflows.stalling_worker`` with the worker's BONDFLOW_*
settings and two more variables:

``STALL_PLAN``
    JSON ``{workflow id: activity type}``: the activity of that workflow to stall,
    one of ``entry.reserve``, ``entry.resolve``, ``entry.submit_list``.
``STALL_DIR``
    A folder. When the activity's write has committed (the ledger transaction, or
    the OutBox file and its submission record), the file ``<workflow id>`` is
    written there, holding the activity type and attempt; then the activity
    sleeps until the process is killed.

Production code is not changed: in this process only, the three writers the
activities call (``Ledger.execute``, ``Ledger.resolve``, ``FileDropGateway.submit``)
are wrapped. What remains of each activity after that call is its return statement,
so stalling there is stalling between the side effect and the report to Temporal.
"""

from __future__ import annotations

import functools
import json
import os
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Concatenate, ParamSpec, TypeVar

from temporalio import activity

from adapters.gateway.filedrop import FileDropGateway
from bondflow.cli.main import app
from ledger import Ledger

P = ParamSpec("P")
S = TypeVar("S")
R = TypeVar("R")

# The activity each wrapped writer is called by, when it is the one to stall.
WRITERS: dict[str, tuple[type, str]] = {
    "entry.reserve": (Ledger, "execute"),
    "entry.resolve": (Ledger, "resolve"),
    "entry.submit_list": (FileDropGateway, "submit"),
}


def stall(markers: Path, workflow_id: str, what: str) -> None:
    """Leave the marker, then sleep until the process is killed."""
    # Written aside and renamed: a marker that exists is complete.
    aside = markers / f".{workflow_id}"
    aside.write_text(f"{what}\n", encoding="utf-8")
    aside.replace(markers / workflow_id)
    print(f"stalling {what} of {workflow_id} after its write", file=sys.stderr, flush=True)
    threading.Event().wait()


def stalling(
    write: Callable[Concatenate[S, P], R], plan: dict[str, str], markers: Path
) -> Callable[Concatenate[S, P], R]:
    """``write``, then, called by a planned activity, ``stall``."""

    @functools.wraps(write)
    def wrapper(self: S, /, *args: P.args, **kwargs: P.kwargs) -> R:
        result = write(self, *args, **kwargs)
        info = activity.info() if activity.in_activity() else None
        workflow_id = info.workflow_id if info is not None else None
        if (
            info is not None
            and workflow_id is not None
            and plan.get(workflow_id) == info.activity_type
        ):
            stall(markers, workflow_id, f"{info.activity_type} (attempt {info.attempt})")
        return result

    return wrapper


def install(plan: dict[str, str], markers: Path) -> None:
    unknown = set(plan.values()) - set(WRITERS)
    if unknown:
        raise SystemExit(f"STALL_PLAN: no writer known for {sorted(unknown)}")
    for owner, name in {WRITERS[activity_type] for activity_type in plan.values()}:
        setattr(owner, name, stalling(getattr(owner, name), plan, markers))


def main() -> None:
    plan: dict[str, str] = json.loads(os.environ["STALL_PLAN"])
    markers = Path(os.environ["STALL_DIR"])
    install(plan, markers)
    app(["worker"], prog_name="bondflow")


if __name__ == "__main__":
    main()
