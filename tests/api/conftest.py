"""The API in process (httpx over ASGI) on a seeded database (SQLite; PostgreSQL too
for the tests marked both_databases), with one user of each role: two enterprises'
filers, a liaison, auditors (all, and the solar maker only) and an admin. Temporal is
whatever the test gives; by default none (a test that needs it says so)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest_asyncio
from opentelemetry.sdk.trace import TracerProvider
from temporalio.client import Client

from access import AccessService
from adapters.db.engine import Database
from api.app import create_app
from bondflow.settings import Settings
from demo import ids
from schemas.access import UserIn, UserRole
from tests.support.apps import app_serving
from tests.support.settings import zone_settings
from tests.workflows.conftest import Zone, dev_server, entry_draft, zone

USERS = {
    "solar-filer": UserIn(
        name="solar-filer", role=UserRole.FILER, enterprises=(ids.SOLAR_CUSTOMS_CODE,)
    ),
    "cold-filer": UserIn(
        name="cold-filer", role=UserRole.FILER, enterprises=(ids.COLD_CHAIN_CUSTOMS_CODE,)
    ),
    "liaison": UserIn(name="liaison", role=UserRole.LIAISON),
    "auditor": UserIn(name="auditor", role=UserRole.AUDITOR),
    "solar-auditor": UserIn(
        name="solar-auditor", role=UserRole.AUDITOR, enterprises=(ids.SOLAR_CUSTOMS_CODE,)
    ),
    "admin": UserIn(name="admin", role=UserRole.ADMIN),
}


__all__ = ["dev_server", "zone"]  # fixtures of the workflow tests, used here too


async def no_temporal() -> Client:
    raise RuntimeError("this test runs without Temporal")


@dataclass
class Api:
    """The API client, with a header set per user name."""

    client: httpx.AsyncClient
    tokens: dict[str, str]
    db: Database
    # Business numbers are workflow ids on a dev server the whole session shares (the
    # SQLite and PostgreSQL runs of a test): a tag keeps each run's numbers its own.
    tag: str = ""

    def no(self, number: str) -> str:
        return f"{number}-{self.tag}" if self.tag else number

    def auth(self, user: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[user]}"}

    async def get(self, user: str, url: str, **kwargs: object) -> httpx.Response:
        return await self.client.get(url, headers=self.auth(user), **kwargs)  # type: ignore[arg-type]

    async def post(self, user: str, url: str, **kwargs: object) -> httpx.Response:
        return await self.client.post(url, headers=self.auth(user), **kwargs)  # type: ignore[arg-type]


def make_tokens(db: Database) -> dict[str, str]:
    access = AccessService(db)
    return {name: access.create_user(user).token for name, user in USERS.items()}


@pytest_asyncio.fixture(loop_scope="session")
async def api(seeded: Database) -> AsyncIterator[Api]:
    async with api_client(seeded, no_temporal) as client:
        yield client


@contextlib.asynccontextmanager
async def api_client(
    db: Database,
    temporal: Callable[[], Awaitable[Client]],
    settings: Settings | None = None,
    tracer_provider: TracerProvider | None = None,
) -> AsyncIterator[Api]:
    tokens = make_tokens(db)
    if tracer_provider is None:
        app = app_serving(db, temporal, settings)
    else:  # its own middleware: an app of its own
        app = create_app(
            settings or Settings(), database=db, temporal=temporal, tracer_provider=tracer_provider
        )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bondflow") as client:
        yield Api(client=client, tokens=tokens, db=db)


# --- lifecycles end to end: the dev-server zone of the workflow tests ------------------


@pytest_asyncio.fixture(loop_scope="session")
async def live(zone: Zone) -> AsyncIterator[Api]:
    """The API on the zone's database, starting workflows on its task queue."""

    async def temporal() -> Client:
        return zone.client

    async with api_client(zone.db, temporal, zone_settings(zone.task_queue)) as client:
        client.tag = zone.task_queue.removeprefix("test-")[:6]
        yield client


def entry_body(inner_no: str, arrival_days_ago: int = 2) -> dict[str, Any]:
    """An entry draft as a filer sends it (no filed_by: the API files as the token's user)."""
    body = entry_draft(inner_no, arrival_days_ago=arrival_days_ago).model_dump(mode="json")
    del body["filed_by"]
    return body


async def until_stage(api: Api, user: str, workflow_id: str, *stages: str) -> dict[str, Any]:
    detail: dict[str, Any] = {}
    for _ in range(300):
        response = await api.get(user, f"/lifecycles/{workflow_id}")
        assert response.status_code == 200, response.text
        detail = response.json()
        if detail["status"]["stage"] in stages:
            return detail
        await asyncio.sleep(0.1)
    raise AssertionError(f"{workflow_id} still {detail['status']['stage']}")
