"""The API in process (httpx over ASGI) on a seeded database (SQLite and PostgreSQL),
with one user of each role: two enterprises' filers, a liaison, auditors (all, and
the solar maker only) and an admin. Temporal is whatever the test gives; by default
none (a test that needs it says so)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass

import httpx
import pytest
import pytest_asyncio
from temporalio.client import Client

from access import AccessService
from adapters.db.engine import Database
from api.app import create_app
from bondflow.settings import Settings
from demo import ids, seed_demo
from schemas.access import UserIn, UserRole

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


async def no_temporal() -> Client:
    raise RuntimeError("this test runs without Temporal")


@dataclass
class Api:
    """The API client, with a header set per user name."""

    client: httpx.AsyncClient
    tokens: dict[str, str]
    db: Database

    def auth(self, user: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[user]}"}

    async def get(self, user: str, url: str, **kwargs: object) -> httpx.Response:
        return await self.client.get(url, headers=self.auth(user), **kwargs)  # type: ignore[arg-type]

    async def post(self, user: str, url: str, **kwargs: object) -> httpx.Response:
        return await self.client.post(url, headers=self.auth(user), **kwargs)  # type: ignore[arg-type]


def make_tokens(db: Database) -> dict[str, str]:
    access = AccessService(db)
    return {name: access.create_user(user).token for name, user in USERS.items()}


@pytest.fixture
def seeded(db: Database) -> Database:
    seed_demo(db)
    return db


@pytest_asyncio.fixture(loop_scope="session")
async def api(seeded: Database) -> AsyncIterator[Api]:
    async with api_client(seeded, no_temporal) as client:
        yield client


@contextlib.asynccontextmanager
async def api_client(
    db: Database, temporal: Callable[[], Awaitable[Client]], settings: Settings | None = None
) -> AsyncIterator[Api]:
    tokens = make_tokens(db)
    app = create_app(settings or Settings(), database=db, temporal=temporal)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bondflow") as client:
        yield Api(client=client, tokens=tokens, db=db)


# The dev-server zone (worker, simulator, watcher) of the workflow tests, for API
# tests that run lifecycles end to end.
from tests.workflows.conftest import dev_server, zone  # noqa: E402, F401
