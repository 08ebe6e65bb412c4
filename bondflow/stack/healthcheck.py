"""Container health checks: ``python -m bondflow.stack.healthcheck api|worker|temporal``.

Exits 0 when healthy, 1 when not (one line on stderr says why). Settings come from
the BONDFLOW_* environment like every other command, so the check looks at the
same Temporal and task queue as the process it checks.

- ``api [URL]``: ``GET URL`` answers 200 (default ``http://127.0.0.1:8000/health``,
  liveness; ``/ready`` also needs the database and Temporal).
- ``worker``: a worker on this host (the container's host name) polls the task queue;
  the SDK names its pollers ``<pid>@<host name>``.
- ``temporal``: the frontend at BONDFLOW_TEMPORAL_ADDRESS says it is serving.
"""

from __future__ import annotations

import asyncio
import os
import socket
import sys
from collections.abc import Sequence

from bondflow.stack.readiness import TemporalProbe, http_status

# A container runs its check every few seconds: the settings (pydantic) are imported by
# the checks that read them, so ``api``, a bare GET, starts in a few milliseconds of CPU.

DEFAULT_API_URL = "http://127.0.0.1:8000/health"
USAGE = "usage: python -m bondflow.stack.healthcheck api [URL] | worker | temporal"
CHECKS = ("api", "worker", "temporal")


async def _check(what: str, arguments: Sequence[str]) -> str | None:
    """None when healthy, else the reason."""
    if what == "api":
        url = arguments[0] if arguments else DEFAULT_API_URL
        status = await asyncio.to_thread(http_status, url)
        return None if status == 200 else f"GET {url}: {status or 'no answer'}"
    if what not in CHECKS:
        return f"unknown check {what!r}: api, worker or temporal"
    from bondflow.settings import Settings

    settings = Settings()
    probe = TemporalProbe(settings.temporal_address, settings.temporal_namespace)
    if not await probe.healthy():
        return f"Temporal at {settings.temporal_address} does not answer"
    if what == "temporal":
        return None
    host = socket.gethostname()
    if await probe.polled_by(settings.task_queue, host=host):
        return None
    return f"no worker on {host} polls task queue {settings.task_queue}"


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    if not arguments:
        print(USAGE)
        return 2
    if arguments[0] in ("-h", "--help"):
        print(USAGE)
        return 0
    problem = asyncio.run(_check(arguments[0], arguments[1:]))
    if problem is not None:
        print(f"unhealthy: {problem}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    code = main()
    # The Temporal SDK's runtime threads may still call into Python while the
    # interpreter finalizes, which aborts the process (PyGILState_Release, SIGABRT)
    # now and then on a loaded machine and turns a healthy answer into a crash. A
    # health check has nothing to clean up: flush what it said and leave at once.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
