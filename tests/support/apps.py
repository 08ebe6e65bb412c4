"""The API's app for in-process tests: one per test process, serving each test's own
services (settings, database, Temporal, the console's sessions and sign-in limiter).

FastAPI builds an app's route table on the app's first request: a dependant and
pydantic adapters for each of its ~115 routes, about 0.15 s of CPU. When every API and
console test made its own app, that was over a third of their CPU (py-spy, 2026-12-07).
What an app serves with lives in ``app.state.services`` (``api.services.Services``),
so one app per process, given each test's services, behaves as a fresh one: the same
routes, middleware and problem handlers, over the test's database. A test that needs
an app of its own (its own tracer provider, the app's lifespan) calls
``api.app.create_app``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import FastAPI
from temporalio.client import Client

from adapters.db.engine import Database
from api.app import create_app
from api.services import Services
from bondflow.settings import Settings

_APP: list[FastAPI] = []  # made on first use


def app_serving(
    database: Database,
    temporal: Callable[[], Awaitable[Client]],
    settings: Settings | None = None,
) -> FastAPI:
    """This process's app, serving ``database`` and ``temporal`` with ``settings``
    from now on (and a new sign-in limiter: nothing is remembered from another test)."""
    services = Services(settings=settings or Settings(), database=database, temporal=temporal)
    if not _APP:
        # Requests are not logged: pytest would keep a line per request of the run.
        _APP.append(
            create_app(services.settings, database=database, temporal=temporal, log_requests=False)
        )
    app = _APP[0]
    app.state.services = services
    return app
