"""Benchmark: concurrent clients reading lifecycle status and inventory through the
running API, against a bare FastAPI endpoint served the same way (a benchmark, not a
test).

The API runs as it does in production: `uvicorn --factory api.app:create_app` in its
own process on a SQLite database (migrated, demo seeded), talking to a Temporal dev
server, with `bondflow worker` in a third process answering the status queries. A
few first-line entries are filed through the API first and left waiting for the
liaison's sign-off, so every status read is a real Temporal query.

The load: C clients, each sending its next request as soon as the last answered,
for D seconds; half read a lifecycle (`GET /lifecycles/{id}`: the database row, the
tenancy check and a Temporal query), half the inventory (`GET /inventory/balances`
of the solar book: a ledger query), all as the solar maker's filer with a bearer
token (each request looks the token up). Every answer must be 200.

The baseline in the same run: the same clients and duration against a bare FastAPI
app (`GET /bare` returning a constant) served by uvicorn in its own process.
``ratio`` = api_rps / bare_rps.

The load generator: by default these clients are Python (httpx, one event loop), which
on a 2-core machine costs about as much CPU as the server it measures, so the bare
endpoint's own p99 is a few hundred milliseconds at 32 clients: that is the generator's
floor, not the server's. ``--generator wrk`` sends the same requests in the same
order from wrk (C; Debian's package ``wrk``), so the latencies are the servers'. Both
runs measure the API and the bare endpoint with the same generator.

Run from the repository root:
    .venv/bin/python bench/api.py --quick    # C=8, 4 s per measurement
    .venv/bin/python bench/api.py            # C=32, 15 s
    .venv/bin/python bench/api.py --generator wrk
The last line printed is a one-line key=value summary.
"""

from __future__ import annotations

import sys
from pathlib import Path

if __name__ == "__main__":
    # As in bench/lifecycle.py: keep bench/ (whose xml.py shadows the standard
    # library's) off the import path, the repository on it.
    _HERE = Path(__file__).resolve().parent
    sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != _HERE]
    sys.path.insert(0, str(_HERE.parent))

import argparse
import asyncio
import contextlib
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import httpx

from access import AccessService
from adapters.db.engine import create_database
from adapters.db.migrate import upgrade
from demo import ids, seed_demo
from schemas.access import UserIn, UserRole
from tests.workflows.conftest import entry_draft

BIN = Path(sys.executable).parent
REPO = Path(__file__).resolve().parent.parent
BARE_APP = """
from fastapi import FastAPI

app = FastAPI()


@app.get("/bare")
async def bare() -> dict[str, bool]:
    return {"ok": True}
"""


@dataclass(frozen=True)
class Plan:
    clients: int
    seconds: float
    lifecycles: int


QUICK = Plan(clients=8, seconds=4.0, lifecycles=4)
FULL = Plan(clients=32, seconds=15.0, lifecycles=20)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextlib.contextmanager
def process(args: list[str], env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("wb") as out:
        proc = subprocess.Popen(
            args, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=REPO, start_new_session=True
        )
        try:
            yield proc
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


async def wait_ready(url: str, proc: subprocess.Popen[bytes], log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    async with httpx.AsyncClient() as client:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise SystemExit(f"{proc.args!r} exited:\n{log.read_text()[-2000:]}")
            with contextlib.suppress(httpx.HTTPError):
                if (await client.get(url)).status_code == 200:
                    return
            await asyncio.sleep(0.2)
    raise SystemExit(f"{url} not ready in {timeout} s:\n{log.read_text()[-2000:]}")


@dataclass
class Measured:
    requests: int
    seconds: float
    p50: float
    p99: float
    mean: float

    @property
    def rps(self) -> float:
        return self.requests / self.seconds

    @classmethod
    def of(cls, seconds: float, latencies: list[float]) -> Measured:
        ordered = sorted(latencies)

        def percentile(share: float) -> float:
            return ordered[min(len(ordered) - 1, int(share * len(ordered)))]

        return cls(
            len(ordered), seconds, percentile(0.50), percentile(0.99), statistics.fmean(ordered)
        )


async def load(
    base: str, paths: list[str], headers: dict[str, str], clients: int, seconds: float
) -> Measured:
    latencies: list[float] = []
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, headers=headers, limits=limits) as http:
        for path in paths:  # warm up every route once
            (await http.get(path)).raise_for_status()
        stop = time.perf_counter() + seconds

        async def client(n: int) -> None:
            i = n
            while time.perf_counter() < stop:
                path = paths[i % len(paths)]
                i += 1
                began = time.perf_counter()
                response = await http.get(path)
                latencies.append(time.perf_counter() - began)
                if response.status_code != 200:
                    raise SystemExit(f"GET {path} -> {response.status_code}: {response.text}")

        began = time.perf_counter()
        await asyncio.gather(*(client(n) for n in range(clients)))
        elapsed = time.perf_counter() - began
    return Measured.of(elapsed, latencies)


WRK_SCRIPT = """
local paths = {%(paths)s}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i %% #paths) + 1], {%(headers)s})
end
"""
WRK_UNITS = {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}


def _lua_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _wrk_seconds(figure: str) -> float:
    number = figure.rstrip("usm")
    return float(number) * WRK_UNITS[figure[len(number) :]]


def wrk_load(
    base: str, paths: list[str], headers: dict[str, str], clients: int, seconds: float, root: Path
) -> Measured:
    """The same load from wrk: ``clients`` connections on two threads, each request the
    next path in turn; the percentiles and the mean as wrk reports them."""
    wrk = shutil.which("wrk")
    if wrk is None:
        raise SystemExit("--generator wrk needs wrk on PATH (Debian: apt-get install wrk)")
    with httpx.Client(base_url=base, headers=headers) as http:
        for path in paths:  # warm up every route once, as the httpx generator does
            http.get(path).raise_for_status()
    script = root / f"load-{uuid.uuid4().hex[:6]}.lua"
    script.write_text(
        WRK_SCRIPT
        % {
            "paths": ", ".join(_lua_string(path) for path in paths),
            "headers": ", ".join(
                f"[{_lua_string(k)}] = {_lua_string(v)}" for k, v in headers.items()
            ),
        }
    )
    threads = min(2, clients)
    command = [wrk, "-t", str(threads), "-c", str(clients), "-d", f"{seconds:g}s", "--latency"]
    output = subprocess.run(
        [*command, "-s", str(script), base], capture_output=True, text=True, check=True
    ).stdout
    if "Non-2xx or 3xx responses" in output or "Socket errors" in output:
        raise SystemExit(f"wrk saw errors against {base}:\n{output}")
    total = re.search(r"(\d+) requests in ([\d.]+\w+)", output)
    mean = re.search(r"^\s+Latency\s+([\d.]+\w+)", output, re.MULTILINE)
    shares = dict(re.findall(r"^\s+(\d+)%\s+([\d.]+\w+)$", output, re.MULTILINE))
    if total is None or mean is None or not {"50", "99"} <= set(shares):
        raise SystemExit(f"could not read wrk's answer:\n{output}")
    return Measured(
        requests=int(total.group(1)),
        seconds=_wrk_seconds(total.group(2)),
        p50=_wrk_seconds(shares["50"]),
        p99=_wrk_seconds(shares["99"]),
        mean=_wrk_seconds(mean.group(1)),
    )


async def run(plan: Plan, generator: str = "httpx") -> dict[str, str]:
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="bondflow-bench-api-") as scratch:
        root = Path(scratch)
        url = f"sqlite:///{root / 'bondflow.db'}"
        upgrade(url)
        database = create_database(url)
        seed_demo(database)
        token = (
            AccessService(database)
            .create_user(
                UserIn(name="bench", role=UserRole.FILER, enterprises=(ids.SOLAR_CUSTOMS_CODE,))
            )
            .token
        )
        database.dispose()
        temporal_port, api_port, bare_port = free_port(), free_port(), free_port()
        env = os.environ | {
            "BONDFLOW_DATA_DIR": str(root),
            "BONDFLOW_DATABASE_URL": url,
            "BONDFLOW_TEMPORAL_ADDRESS": f"127.0.0.1:{temporal_port}",
            "PYTHONPATH": str(REPO),
        }
        (root / "bare_app.py").write_text(BARE_APP)
        temporal = [
            str(BIN / "temporal"), "server", "start-dev", "--headless", "--ip", "127.0.0.1",
            "--port", str(temporal_port), "--log-level", "error",
        ]  # fmt: skip
        uvicorn = [sys.executable, "-m", "uvicorn", "--log-level", "warning", "--no-access-log"]
        with (
            process(temporal, env, root / "temporal.log"),
            process([str(BIN / "bondflow"), "worker"], env, root / "worker.log") as worker,
            process(
                [*uvicorn, "--factory", "api.app:create_app", "--port", str(api_port)],
                env,
                root / "api.log",
            ) as api,
            process(
                [*uvicorn, "--app-dir", str(root), "bare_app:app", "--port", str(bare_port)],
                env,
                root / "bare.log",
            ) as bare,
        ):
            base = f"http://127.0.0.1:{api_port}"
            await wait_ready(f"{base}/ready", api, root / "api.log", 60)
            await wait_ready(f"http://127.0.0.1:{bare_port}/bare", bare, root / "bare.log", 30)
            headers = {"Authorization": f"Bearer {token}"}
            workflow_ids = []
            async with httpx.AsyncClient(base_url=base, headers=headers) as http:
                for n in range(plan.lifecycles):
                    body = entry_draft(f"BENCH-{n}").model_dump(mode="json")
                    del body["filed_by"]
                    filed = await http.post("/lifecycles/first_line_entry", json=body)
                    filed.raise_for_status()
                    workflow_ids.append(filed.json()["workflow_id"])
                for workflow_id in workflow_ids:  # until the worker has answered once
                    for _ in range(200):
                        status = (await http.get(f"/lifecycles/{workflow_id}")).json()
                        if status.get("status", {}).get("stage") == "awaiting_sign_off":
                            break
                        if worker.poll() is not None:
                            raise SystemExit((root / "worker.log").read_text()[-2000:])
                        await asyncio.sleep(0.1)
            paths = [
                p
                for w in workflow_ids
                for p in (f"/lifecycles/{w}", f"/inventory/balances?book_no={ids.SOLAR_BOOK}")
            ]
            bare_base = f"http://127.0.0.1:{bare_port}"
            if generator == "wrk":
                measured = wrk_load(base, paths, headers, plan.clients, plan.seconds, root)
                baseline = wrk_load(bare_base, ["/bare"], {}, plan.clients, plan.seconds, root)
            else:
                measured = await load(base, paths, headers, plan.clients, plan.seconds)
                baseline = await load(bare_base, ["/bare"], {}, plan.clients, plan.seconds)
    ms = 1000
    return {
        "generator": generator,
        "clients": str(plan.clients),
        "seconds": f"{plan.seconds:g}",
        "api_rps": f"{measured.rps:.1f}",
        "api_p50_ms": f"{measured.p50 * ms:.1f}",
        "api_p99_ms": f"{measured.p99 * ms:.1f}",
        "bare_rps": f"{baseline.rps:.1f}",
        "bare_p50_ms": f"{baseline.p50 * ms:.1f}",
        "bare_p99_ms": f"{baseline.p99 * ms:.1f}",
        "ratio": f"{measured.rps / baseline.rps:.3f}",
        "api_mean_ms": f"{measured.mean * ms:.1f}",
        "elapsed_s": f"{time.perf_counter() - started:.1f}",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="8 clients, 4 s per measurement")
    parser.add_argument("--clients", type=int, help="concurrent clients")
    parser.add_argument("--seconds", type=float, help="length of each measurement")
    parser.add_argument(
        "--generator",
        choices=("httpx", "wrk"),
        default="httpx",
        help="the load's clients: Python (httpx) or wrk (latencies without Python's cost)",
    )
    args = parser.parse_args()
    plan = QUICK if args.quick else FULL
    plan = Plan(
        clients=args.clients or plan.clients,
        seconds=args.seconds or plan.seconds,
        lifecycles=plan.lifecycles,
    )
    figures = asyncio.run(run(plan, args.generator))
    print(" ".join(f"{key}={value}" for key, value in figures.items()), flush=True)


if __name__ == "__main__":
    main()
