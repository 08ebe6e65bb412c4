"""Benchmark: the liaison's work queue (``GET /queue``) with many running lifecycles
waiting in it (a benchmark, not a test).

N first-line entries are filed through the API and park in ``awaiting_sign_off``
(nobody signs them off), so every one of them is running and waits for the liaison.
Everything runs in this process as the API tests run it: a SQLite database in a
temporary folder (migrated, demo seeded), the Temporal dev server with the project's
search attributes, the worker the project builds (``bondflow.worker.build_worker``)
and the API (``api.app.create_app``) called over httpx's ASGI transport as the
liaison with a bearer token. The run waits (bounded) until the queue holds all N.

Then R requests ``GET /queue?limit=50`` one after the other: p50 and p99 latency.
The baselines in the same run, the same number of times through the same app:
``GET /health`` (the app's plumbing, no work) and ``GET /lifecycles?limit=50`` as the
liaison (the token, one page of the lifecycles table).

Run from the repository root:
    .venv/bin/python bench/queue.py --quick    # N=100, R=20, well under a minute
    .venv/bin/python bench/queue.py            # N=1000, R=50
Options: --n N (lifecycles), --requests R. The last line printed is a one-line
key=value summary.
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
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import httpx
from temporalio.client import Client

from access import AccessService
from activities.dependencies import Dependencies
from adapters.db.engine import create_database
from adapters.db.migrate import upgrade
from adapters.gateway.folders import ExchangeFolders
from api.app import create_app
from bench.support.dev_server import quiet_dev_server
from bondflow.settings import Settings
from bondflow.worker import build_worker
from demo import ids, seed_demo
from schemas.access import UserIn, UserRole
from tests.workflows.conftest import entry_draft

BIN = Path(sys.executable).parent
FILING_CONCURRENCY = 16


@dataclass(frozen=True)
class Plan:
    n: int
    requests: int


QUICK = Plan(n=100, requests=20)
FULL = Plan(n=1000, requests=50)


def percentile(latencies: list[float], share: float) -> float:
    ordered = sorted(latencies)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def timed(call: Callable[[], Awaitable[httpx.Response]], times: int) -> list[float]:
    latencies = []
    for _ in range(times):
        began = time.perf_counter()
        response = await call()
        latencies.append(time.perf_counter() - began)
        if response.status_code != 200:
            raise SystemExit(f"{response.request.url} -> {response.status_code}: {response.text}")
    return latencies


async def file_all(http: httpx.AsyncClient, filer: dict[str, str], n: int, tag: str) -> None:
    limit = asyncio.Semaphore(FILING_CONCURRENCY)

    async def file(i: int) -> None:
        body = entry_draft(f"QB{tag}-{i:04d}").model_dump(mode="json")
        del body["filed_by"]
        async with limit:
            filed = await http.post("/lifecycles/first_line_entry", json=body, headers=filer)
        if filed.status_code != 201:
            raise SystemExit(f"filing {i}: {filed.status_code} {filed.text}")

    await asyncio.gather(*(file(i) for i in range(n)))


async def until_queued(http: httpx.AsyncClient, liaison: dict[str, str], n: int) -> float:
    """Seconds until the queue holds all n (bounded: a stuck run fails)."""
    began = time.perf_counter()
    deadline = began + 120 + n * 0.5
    total = 0
    while time.perf_counter() < deadline:
        answer = await http.get("/queue", params={"limit": 1}, headers=liaison)
        if answer.status_code != 200:
            raise SystemExit(f"/queue -> {answer.status_code}: {answer.text}")
        total = answer.json()["total"]
        if total >= n:
            return time.perf_counter() - began
        await asyncio.sleep(0.5)
    raise SystemExit(f"the queue holds {total} of {n} lifecycles after waiting")


async def run(plan: Plan, quick: bool) -> dict[str, str]:
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="bondflow-bench-queue-") as scratch:
        root = Path(scratch)
        url = f"sqlite:///{root / 'bondflow.db'}"
        upgrade(url)
        db = create_database(url)
        seed_demo(db)
        access = AccessService(db)
        tokens = {
            user.name: access.create_user(user).token
            for user in (
                UserIn(name="filer", role=UserRole.FILER, enterprises=(ids.SOLAR_CUSTOMS_CODE,)),
                UserIn(name="liaison", role=UserRole.LIAISON),
            )
        }
        folders = ExchangeFolders.under(root / "exchange").create()
        deps = Dependencies.build(db, folders)
        env = await quiet_dev_server()
        try:
            client = env.client

            async def temporal() -> Client:
                return client

            queue = f"bench-queue-{uuid.uuid4().hex[:8]}"
            app = create_app(
                Settings(task_queue=queue), database=db, temporal=temporal, log_requests=False
            )
            filer = {"Authorization": f"Bearer {tokens['filer']}"}
            liaison = {"Authorization": f"Bearer {tokens['liaison']}"}
            with ThreadPoolExecutor(max_workers=16) as executor:
                async with (
                    build_worker(client, deps, queue, executor),
                    httpx.AsyncClient(
                        transport=httpx.ASGITransport(app=app), base_url="http://bondflow"
                    ) as http,
                ):
                    filing = time.perf_counter()
                    await file_all(http, filer, plan.n, queue[-4:])
                    filed_s = time.perf_counter() - filing
                    queued_s = await until_queued(http, liaison, plan.n)
                    print(
                        f"{plan.n} entries filed in {filed_s:.1f} s, all in the queue"
                        f" {queued_s:.1f} s later",
                        flush=True,
                    )

                    def get(
                        path: str, headers: dict[str, str]
                    ) -> Callable[[], Awaitable[httpx.Response]]:
                        return lambda: http.get(path, headers=headers)

                    await timed(get("/queue?limit=50", liaison), 2)  # warm-up
                    queue_s = await timed(get("/queue?limit=50", liaison), plan.requests)
                    health_s = await timed(get("/health", {}), plan.requests)
                    list_s = await timed(get("/lifecycles?limit=50", liaison), plan.requests)
        finally:
            await env.shutdown()
            db.dispose()
    ms = 1000
    return {
        "mode": "quick" if quick else "full",
        "lifecycles": str(plan.n),
        "requests": str(plan.requests),
        "queue_p50_ms": f"{percentile(queue_s, 0.5) * ms:.1f}",
        "queue_p99_ms": f"{percentile(queue_s, 0.99) * ms:.1f}",
        "baseline_ms": f"{percentile(health_s, 0.5) * ms:.1f}",
        "list_p50_ms": f"{percentile(list_s, 0.5) * ms:.1f}",
        "elapsed_s": f"{time.perf_counter() - started:.1f}",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help=f"N={QUICK.n}, R={QUICK.requests}")
    parser.add_argument("--n", type=int, help="lifecycles waiting in the queue")
    parser.add_argument("--requests", type=int, help="queue requests timed")
    args = parser.parse_args()
    plan = QUICK if args.quick else FULL
    plan = Plan(n=args.n or plan.n, requests=args.requests or plan.requests)
    figures = asyncio.run(run(plan, args.quick))
    print(" ".join(f"{key}={value}" for key, value in figures.items()), flush=True)


if __name__ == "__main__":
    main()
