"""The FastAPI application: plumbing (request ids, problems, auth) and one router per
domain. `create_app` takes its services, so tests and `bondflow up` build their own."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager

from fastapi import FastAPI
from opentelemetry.sdk.trace import TracerProvider
from temporalio.client import Client, Interceptor

import api.audit.endpoints as audit
import api.inventory.endpoints as inventory
import api.lifecycles.endpoints as lifecycles
import api.locations.endpoints as locations
import api.masterdata.endpoints as masterdata
import api.periods.endpoints as periods
import api.queue.endpoints as queue
import api.receipts.endpoints as receipts
import api.users.endpoints as users
import api.writeoff.endpoints as writeoff
from adapters.db.engine import Database, create_database
from adapters.temporal.client import connect
from api import health, metrics, problems
from api.request_ids import RequestIds, configure_logging
from api.services import Services
from bondflow import __version__
from bondflow.settings import Settings
from console import app as console
from masterdata.errors import ImportRefused
from observability.http import HttpMetrics
from observability.tracing import (
    API_SERVICE,
    configure_tracing,
    instrument_api,
    temporal_interceptors,
)

DESCRIPTION = """\
Customs clearance and bonded inventory for a comprehensive bonded zone (综合保税区).

Authenticate with a token from `bondflow users create` (the **Authorize** button).
Filers see and act on their own enterprise only; liaison staff act on all; auditors
read. Errors are RFC 9457 problem+json naming the field and the reason.
"""


def lazy_temporal(
    settings: Settings, interceptors: Sequence[Interceptor] = ()
) -> Callable[[], Awaitable[Client]]:
    """Connect on first use and keep the client; a failed connection is tried again
    on the next request (the API starts even while Temporal is down)."""
    lock = asyncio.Lock()
    client: Client | None = None

    async def get() -> Client:
        nonlocal client
        async with lock:
            if client is None:
                client = await connect(
                    settings.temporal_address,
                    settings.temporal_namespace,
                    interceptors=interceptors,
                )
            return client

    return get


def create_app(
    settings: Settings | None = None,
    *,
    database: Database | None = None,
    temporal: Callable[[], Awaitable[Client]] | None = None,
    log_requests: bool = True,
    tracer_provider: TracerProvider | None = None,
) -> FastAPI:
    settings = settings or Settings()
    owns_database = database is None
    database = database or create_database(settings.effective_database_url)
    # Traces: the given provider (tests), else OTLP when an endpoint is configured.
    tracing = tracer_provider or configure_tracing(settings.effective_otlp_endpoint, API_SERVICE)
    services = Services(
        settings=settings,
        database=database,
        temporal=temporal or lazy_temporal(settings, temporal_interceptors(tracing)),
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        if owns_database:
            database.dispose()

    app = FastAPI(
        title="bondflow",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
    )
    app.state.services = services
    app.add_middleware(RequestIds)
    app.add_middleware(HttpMetrics)
    problems.install(app)
    app.add_exception_handler(ImportRefused, masterdata.import_refused)
    configure_logging(logging.INFO if log_requests else logging.WARNING)
    app.include_router(health.router)
    app.include_router(metrics.router)  # Prometheus' scrape (README, "Watching it run")
    app.include_router(masterdata.enterprises)
    app.include_router(masterdata.router)
    app.include_router(locations.router)
    app.include_router(users.router)
    app.include_router(lifecycles.router)
    app.include_router(queue.router)
    # Routers of other domains are included here, one line each.
    app.include_router(inventory.router)
    app.include_router(audit.router)
    app.include_router(periods.router)
    app.include_router(receipts.router)
    app.include_router(writeoff.router)
    # The web console: its pages under /console (the sign-in form at /), not in the OpenAPI.
    console.install(app)
    instrument_api(app, tracing)
    return app
