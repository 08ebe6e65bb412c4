"""The worker process: workflows, activities and (by default) the receipt watcher.

One process serves a task queue: Temporal workflows and activities, plus the
InBox watcher whose sink signals each receipt to its workflow. Activities are
synchronous (SQLAlchemy, file I/O) and run in a thread pool.

What it shows an operator (README, "Watching it run"): its metrics
(``observability.metrics``: receipts, ledger postings, how lifecycles end) on
``worker_metrics_address``, the Temporal SDK's worker metrics on
``temporal_metrics_address``, and spans over OTLP when an endpoint is configured.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from concurrent.futures import ThreadPoolExecutor

from prometheus_client import start_http_server
from temporalio.client import Client
from temporalio.runtime import PrometheusConfig, Runtime, TelemetryConfig
from temporalio.worker import Worker, WorkflowRunner
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner

from activities.dependencies import Dependencies
from activities.registry import all_activities
from adapters.db.engine import create_database
from adapters.gateway.folders import ExchangeFolders
from adapters.gateway.watcher import ReceiptWatcher
from adapters.temporal.client import connect, ensure_search_attributes
from adapters.temporal.interceptors import RefusalsAreFinal
from adapters.temporal.sink import WorkflowSignalSink
from bondflow.settings import DEFAULT_STICKY_TIMEOUT_SECONDS, Settings
from codetables.tables import CodeTables
from customs.delivery_policy import DUE_CHECK_EVERY, RetryPolicy
from lifecycles.kinds import KINDS
from observability.outcomes import LifecycleOutcomes
from observability.tracing import WORKER_SERVICE, configure_tracing, temporal_interceptors
from workflows.domestic_sale import DomesticSaleWorkflow
from workflows.export import ExportWorkflow
from workflows.first_line_entry import FirstLineEntryWorkflow
from workflows.processing import WorkOrderWorkflow
from workflows.second_line_entry import SecondLineEntryWorkflow
from workflows.stocktake import StocktakeWorkflow
from workflows.transfer import TransferWorkflow
from workflows.write_off import WriteOffWorkflow

WORKFLOWS = [
    FirstLineEntryWorkflow,
    SecondLineEntryWorkflow,
    WorkOrderWorkflow,
    StocktakeWorkflow,
    DomesticSaleWorkflow,
    ExportWorkflow,
    TransferWorkflow,
    WriteOffWorkflow,
]


# Each workflow type's lifecycle, for the metrics of how lifecycles end.
LIFECYCLE_OF_WORKFLOW = {kind.workflow: lifecycle.value for lifecycle, kind in KINDS.items()}

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure_logging(level: int = logging.INFO) -> None:
    """The worker's log on stderr, one line per record from ``level`` up: a refused
    activity is one INFO line with its reason (``adapters.temporal.interceptors``), a
    fault temporalio's WARNING with the traceback. (Without this, Python's last-resort
    handler would show only warnings, the refusals' lines not at all.)"""
    logging.basicConfig(level=level, format=LOG_FORMAT)


def build_worker(
    client: Client,
    deps: Dependencies,
    task_queue: str,
    executor: ThreadPoolExecutor,
    *,
    sticky_timeout: dt.timedelta = dt.timedelta(seconds=DEFAULT_STICKY_TIMEOUT_SECONDS),
    workflow_runner: WorkflowRunner | None = None,
) -> Worker:
    """The worker of every lifecycle. ``sticky_timeout``: how long a lifecycle's next
    workflow task waits for the worker that ran it last (whose cache holds its history)
    before any worker takes it; after a worker dies, its lifecycles resume that much
    later on another one. ``workflow_runner``: the SDK's sandbox unless given (the
    tests give one that checks each workflow class once per process)."""
    return Worker(
        client,
        task_queue=task_queue,
        workflows=WORKFLOWS,
        activities=all_activities(deps.with_temporal(client)),
        activity_executor=executor,
        # Tracing, when on, comes with the client's interceptors.
        interceptors=[RefusalsAreFinal(), LifecycleOutcomes(LIFECYCLE_OF_WORKFLOW)],
        max_concurrent_activities=executor._max_workers,
        sticky_queue_schedule_to_start_timeout=sticky_timeout,
        workflow_runner=workflow_runner or SandboxedWorkflowRunner(),
    )


def build_watcher(
    client: Client,
    deps: Dependencies,
    folders: ExchangeFolders,
    settle_seconds: float = 0.5,
    policy: RetryPolicy | None = None,
    due_check_every: dt.timedelta = DUE_CHECK_EVERY,
) -> ReceiptWatcher:
    sink = WorkflowSignalSink(client, deps.records, asyncio.get_running_loop())
    return ReceiptWatcher(
        folders,
        deps.records,
        sink,
        settle_seconds=settle_seconds,
        policy=policy,
        due_check_every=due_check_every,
    )


def split_address(address: str) -> tuple[str, int]:
    host, _, port = address.rpartition(":")
    return host or "0.0.0.0", int(port)


def serve_metrics(address: str | None) -> None:
    """The process's metrics at http://<address>/metrics (a daemon thread); off
    without an address."""
    if address:
        host, port = split_address(address)
        start_http_server(port, addr=host)


def sdk_runtime(address: str | None) -> Runtime | None:
    """A Temporal runtime whose Prometheus exporter serves the SDK's own worker
    metrics (task slots, poll and schedule-to-start latencies...) on ``address``,
    counters ending in ``_total`` and durations in seconds; None keeps the default."""
    if not address:
        return None
    return Runtime(
        telemetry=TelemetryConfig(
            metrics=PrometheusConfig(
                bind_address=address,
                counters_total_suffix=True,
                unit_suffix=True,
                durations_as_seconds=True,
            ),
        )
    )


async def run_worker(settings: Settings, stop: asyncio.Event, *, watch: bool = True) -> None:
    """Serve until ``stop`` is set; the watcher scans the InBox every second."""
    serve_metrics(settings.worker_metrics_address)
    tracing = configure_tracing(settings.effective_otlp_endpoint, WORKER_SERVICE)
    client = await connect(
        settings.temporal_address,
        settings.temporal_namespace,
        interceptors=temporal_interceptors(tracing),
        runtime=sdk_runtime(settings.temporal_metrics_address),
    )
    await ensure_search_attributes(client)
    database = create_database(settings.effective_database_url)
    folders = ExchangeFolders.with_boxes(settings.effective_outbox, settings.effective_inbox)
    deps = Dependencies.build(
        database,
        folders,
        CodeTables.load(settings.code_tables_dir),
        waived_causes=settings.stocktake_duty_waived_causes,
    )
    with ThreadPoolExecutor(max_workers=16) as executor:
        worker = build_worker(
            client,
            deps,
            settings.task_queue,
            executor,
            sticky_timeout=dt.timedelta(seconds=settings.worker_sticky_timeout_seconds),
        )
        tasks = [asyncio.create_task(worker.run())]
        if watch:
            watcher = build_watcher(
                client,
                deps,
                folders,
                policy=settings.receipt_retry_policy,
                due_check_every=dt.timedelta(seconds=settings.receipt_due_check_seconds),
            )
            tasks.append(asyncio.create_task(watcher.run(stop, interval=1.0)))
        await stop.wait()
        await worker.shutdown()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
    database.dispose()
