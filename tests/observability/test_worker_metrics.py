"""The worker's two metrics endpoints: given `bondflow worker` with
BONDFLOW_WORKER_METRICS_ADDRESS and BONDFLOW_TEMPORAL_METRICS_ADDRESS, when it runs
against the dev server, then its own metrics (the receipt watcher's last scan) are at
the first address and the Temporal SDK's worker metrics (pollers, task slots, named
the Prometheus way) at the second."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

import httpx
import pytest
from temporalio.testing import WorkflowEnvironment

from tests.observability.scrape import Scrape
from tests.support.ports import free_port
from tests.workflows.crashlab import WorkerProcess, worker_env

pytestmark = [pytest.mark.asyncio(loop_scope="session"), pytest.mark.heavy]


async def scraped(url: str, worker: WorkerProcess, timeout: float = 30.0) -> Scrape:
    """The metrics at ``url`` once the worker serves them (it starts in a second or two)."""
    deadline = asyncio.get_running_loop().time() + timeout
    async with httpx.AsyncClient() as client:
        while True:
            assert worker.alive(), worker.output()
            try:
                response = await client.get(url)
                if response.status_code == 200:
                    return Scrape.of(response.text)
            except httpx.TransportError:
                pass
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"nothing at {url}:\n{worker.output()}")
            await asyncio.sleep(0.2)


async def test_the_worker_serves_its_metrics_and_the_sdks(
    dev_server: WorkflowEnvironment, database_url: str, tmp_path: Path
) -> None:
    ours, sdk = free_port(), free_port()
    address = dev_server.client.service_client.config.target_host
    env = worker_env(database_url, address, f"metrics-{uuid.uuid4().hex[:8]}", tmp_path)
    env["BONDFLOW_WORKER_METRICS_ADDRESS"] = f"127.0.0.1:{ours}"
    env["BONDFLOW_TEMPORAL_METRICS_ADDRESS"] = f"127.0.0.1:{sdk}"
    worker = WorkerProcess("metrics-worker", env, tmp_path)
    worker.start()
    try:
        mine = await scraped(f"http://127.0.0.1:{ours}/metrics", worker)
        while not mine.value("bondflow_receipt_watcher_last_scan_timestamp_seconds"):
            await asyncio.sleep(0.2)  # the watcher's first scan follows the worker's start
            mine = await scraped(f"http://127.0.0.1:{ours}/metrics", worker)
        assert mine.has("bondflow_ledger_chain_head_seq")

        temporal = await scraped(f"http://127.0.0.1:{sdk}/metrics", worker)
        while not temporal.has("temporal_num_pollers"):
            await asyncio.sleep(0.2)
            temporal = await scraped(f"http://127.0.0.1:{sdk}/metrics", worker)
        assert temporal.has("temporal_worker_task_slots_available")
        assert temporal.has("temporal_request_total")  # counters end in _total
    finally:
        worker.stop()
