"""Ports for servers a test starts as other processes (``bondflow up``, a worker's
metrics endpoint), which must be chosen before the server binds them.

Asking the kernel for port 0 and closing the socket is not enough: that port comes
from the ephemeral range (``/proc/sys/net/ipv4/ip_local_port_range``, 32768-60999 by
default), the same range every outgoing connection's local port comes from. Between
the choice and the server's bind, a Temporal client, a database connection or the dev
server's own services may take it, and the server dies with "address already in use"
(seen in CI: `bondflow up`'s API, 4 s after its port was chosen). These ports are
taken below that range, where the kernel never hands one out by itself, from a band
of their own per pytest-xdist worker, and never twice in one process.
"""

from __future__ import annotations

import os
import random
import socket

# Below the ephemeral range; above the registered services most machines run.
LOWEST, HIGHEST = 20_000, 32_000
_given: set[int] = set()


def _band() -> range:
    """This worker's share of [LOWEST, HIGHEST): gw0, gw1... each have their own."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    count = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    index = int(worker.removeprefix("gw")) if worker.startswith("gw") else 0
    width = (HIGHEST - LOWEST) // max(count, 1)
    start = LOWEST + index * width
    return range(start, start + width)


def _bindable(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def free_port() -> int:
    """A port on 127.0.0.1 that nothing holds now and no outgoing connection will take."""
    band = _band()
    for _ in range(200):
        port = random.choice(band)
        if port not in _given and _bindable(port):
            _given.add(port)
            return port
    raise RuntimeError(f"no free port in {band.start}-{band.stop - 1}")
