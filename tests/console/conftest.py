"""The console's tests: in process (httpx over ASGI, a browser's cookies kept per
client) for the plumbing, and in Debian's Chromium (Playwright) against a live stack
for the pages (``tests/console/browser.py``: its fixtures are imported here)."""

from __future__ import annotations

import contextlib
import re
import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import pytest_asyncio

from access import AccessService
from adapters.db.engine import Database, create_database
from tests.api.conftest import USERS, no_temporal
from tests.console.browser import browser, console_stack, dev_server, screenshots, signed_in
from tests.support.apps import app_serving
from tests.support.engines import SharedEngines

__all__ = ["browser", "console_stack", "dev_server", "screenshots", "signed_in"]

# Every test user's console password (tests only): the name, then a fixed suffix.
PASSWORD_SUFFIX = "-correct-horse"


def password_of(name: str) -> str:
    return f"{name}{PASSWORD_SUFFIX}"


def make_users(db: Database) -> None:
    """The API tests' users (one per role and scope), each with a console password."""
    access = AccessService(db)
    for name, user in USERS.items():
        access.create_user(user, password_of(name))


_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    found = _CSRF.search(html)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


@dataclass
class Browser:
    """A browser without JavaScript: one cookie jar, forms posted with their token."""

    client: httpx.AsyncClient

    async def get(self, url: str, **params: str) -> httpx.Response:
        return await self.client.get(url, params=params or None)

    async def submit(self, form_page: str, action: str, **fields: str) -> httpx.Response:
        """Open ``form_page`` and post its form to ``action`` with ``fields``."""
        page = await self.client.get(form_page)
        return await self.client.post(action, data={"csrf_token": csrf_of(page.text), **fields})

    async def sign_in(self, name: str, password: str | None = None) -> httpx.Response:
        return await self.submit("/", "/", username=name, password=password or password_of(name))


@dataclass
class Console:
    app_db: Database
    transport: httpx.ASGITransport

    @contextlib.asynccontextmanager
    async def browser(self, base_url: str = "http://bondflow") -> AsyncIterator[Browser]:
        async with httpx.AsyncClient(transport=self.transport, base_url=base_url) as client:
            yield Browser(client)


@pytest.fixture(scope="session")
def console_template(
    sqlite_seeded_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """The seeded SQLite template with a user of each role, made once per worker and
    copied for each test: seeding and hashing six Argon2 passwords took most of each
    page test's time."""
    path = tmp_path_factory.mktemp("console") / "seeded.db"
    shutil.copyfile(sqlite_seeded_template, path)
    db = create_database(f"sqlite:///{path}")
    make_users(db)
    db.dispose()
    return path


@pytest_asyncio.fixture(loop_scope="session")
async def console(
    console_template: Path, tmp_path: Path, shared_engines: SharedEngines
) -> AsyncIterator[Console]:
    """The app on a copy of the seeded database with a user of each role; no Temporal.
    Through the worker's SQLite engine (tests/support/engines.py), as ``db`` is."""
    path = tmp_path / "bondflow.db"
    shutil.copyfile(console_template, path)
    url = f"sqlite:///{path}"
    db = shared_engines.open(url)
    app = app_serving(db, no_temporal)
    yield Console(db, httpx.ASGITransport(app=app))
    shared_engines.close(url)
