"""The browser-test harness: one live stack per test session (per pytest-xdist worker):
the Temporal dev server, a worker, the customs simulator and the receipt watcher of the
workflow tests (``tests.workflows.conftest.running_zone``) over a seeded SQLite
database with a user of each role, and the app served by uvicorn on a free local port;
Debian's Chromium (its headless shell) driven by Playwright (never Playwright's own
browser download).

- ``console_stack``: the stack (``base_url``, ``zone``, ``db``);
- ``browser``: one Chromium per session; each ``signed_in`` page has its own context
  (its own cookies);
- ``signed_in(user, language="zh")``: a new page signed in through the form as one of
  ``tests.api.conftest.USERS`` (password: ``password_of(name)``);
- ``screenshots.take(page, name)``: the page's address asked for in Chinese and in
  English (``?lang=``), each must be served in its language. By default both answers are
  fetched through the page's context (``page.context.request``: its cookies, never
  rendered) and the page is left as it is. With ``BONDFLOW_TEST_SCREENSHOTS=1`` (or
  ``BONDFLOW_TEST_ARTIFACTS`` set) the page is opened again in each language and shot,
  then opened again in its own language; the screenshots are saved under
  ``BONDFLOW_TEST_ARTIFACTS`` (default ``test-artifacts/console`` in the repository,
  ignored by git). Off by default: the 82 full-page screenshots cost the suite about a
  quarter of its browser time, and the ~120 page loads around them a fifth of Chromium's
  CPU.

Browser tests are async (``pytest.mark.asyncio(loop_scope="session")``): the worker
and the simulator run on the session loop and keep running while a test awaits the
browser. Chromium missing: the tests are skipped, unless BONDFLOW_TEST_REQUIRE_BROWSER=1
(``scripts/test`` sets it and installs Chromium) makes that a failure.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import lxml.html
import pytest
import pytest_asyncio
import uvicorn
from playwright.async_api import Browser, Page, async_playwright
from playwright.async_api import Error as PlaywrightError
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from adapters.db.engine import Database, create_database
from api.app import create_app
from tests.support.settings import zone_settings
from tests.workflows.conftest import Zone, dev_server, running_zone

__all__ = ["dev_server"]

# Debian's headless shell (package chromium-headless-shell: the same Chromium build, its
# old headless mode, as Playwright itself runs headless): the full browser in --headless
# mode runs the whole browser behind the page (its window's views, the profile's
# services), busy on every context and navigation; the shell used a third of its CPU
# for the same tests (55 s -> 19 s).
# BONDFLOW_TEST_CHROMIUM=/usr/bin/chromium runs them in the full browser.
CHROMIUM: Final = Path(os.environ.get("BONDFLOW_TEST_CHROMIUM", "/usr/bin/chromium-headless-shell"))
CHROMIUM_ARGS: Final = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
REPOSITORY: Final = Path(__file__).resolve().parents[2]
ARTIFACTS: Final = Path(
    os.environ.get("BONDFLOW_TEST_ARTIFACTS", REPOSITORY / "test-artifacts" / "console")
)
SAVE_SCREENSHOTS: Final = (
    os.environ.get("BONDFLOW_TEST_SCREENSHOTS") == "1" or "BONDFLOW_TEST_ARTIFACTS" in os.environ
)
TIMEOUT_MS: Final = 15_000


@dataclass
class ConsoleStack:
    base_url: str
    zone: Zone
    db: Database


def _free_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def console_stack(
    dev_server: WorkflowEnvironment,
    sqlite_seeded_template: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[ConsoleStack]:
    from tests.console.conftest import make_users

    folder = tmp_path_factory.mktemp("console-stack")
    shutil.copyfile(sqlite_seeded_template, folder / "bondflow.db")
    db = create_database(f"sqlite:///{folder / 'bondflow.db'}")
    make_users(db)
    async with running_zone(dev_server, db, folder) as zone:

        async def temporal() -> Client:
            return zone.client

        app = create_app(
            zone_settings(zone.task_queue),
            database=db,
            temporal=temporal,
            log_requests=False,
        )
        sock = _free_socket()
        server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
        serving = asyncio.create_task(server.serve(sockets=[sock]))
        while not server.started:
            if serving.done():
                serving.result()
            await asyncio.sleep(0.02)
        host, port = sock.getsockname()
        yield ConsoleStack(f"http://{host}:{port}", zone, db)
        server.should_exit = True
        await serving
        sock.close()
    db.dispose()


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def browser() -> AsyncIterator[Browser]:
    if not CHROMIUM.exists():
        if os.environ.get("BONDFLOW_TEST_REQUIRE_BROWSER") == "1":
            pytest.fail(f"no Chromium at {CHROMIUM}: scripts/browser-up installs it")
        pytest.skip(f"no Chromium at {CHROMIUM} (scripts/test installs it)")
    async with async_playwright() as playwright:
        # launch() gives every run a fresh, temporary user-data-dir of its own.
        chromium = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=list(CHROMIUM_ARGS)
        )
        yield chromium
        await chromium.close()


SignIn = Callable[..., Awaitable[Page]]


@pytest_asyncio.fixture(loop_scope="session")
async def signed_in(browser: Browser, console_stack: ConsoleStack) -> AsyncIterator[SignIn]:
    """``await signed_in("admin")``: a page of a fresh context, signed in as the user
    through the form, on the role's home page."""
    from tests.console.conftest import password_of

    contexts = []

    async def sign_in(user: str, language: str = "zh", password: str | None = None) -> Page:
        context = await browser.new_context(base_url=console_stack.base_url, locale="zh-CN")
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = await context.new_page()
        await page.goto(f"/?lang={language}")
        await page.fill("input[name=username]", user)
        await page.fill("input[name=password]", password or password_of(user))
        await page.click("form[action='/'] button[type=submit]")
        await page.wait_for_load_state()
        return page

    yield sign_in
    for context in contexts:
        await context.close()


class Screenshots:
    """Every page a browser test shows, in both languages; saved as test artifacts
    when ``save`` (``SAVE_SCREENSHOTS``)."""

    def __init__(self, folder: Path, save: bool = SAVE_SCREENSHOTS) -> None:
        self.folder = folder
        self.save = save

    async def take(self, page: Page, name: str) -> list[Path]:
        """The page's address in Chinese and English (``?lang=``), each served in its
        language. Saving: the page re-opened in each language and shot, then opened
        again in the language it was in. Not saving: both answers fetched with the
        context's cookies, never rendered, and the page left as it is."""
        if self.save:
            return await self._shoot(page, name)
        await self._check_languages(page)
        return []

    async def _shoot(self, page: Page, name: str) -> list[Path]:
        shown = await page.evaluate("document.documentElement.lang")
        url = page.url
        saved = []
        for language in ("zh", "en"):
            await page.goto(_with_language(url, language))  # a "not found" page too
            lang = await page.evaluate("document.documentElement.lang")
            assert lang.startswith(language), f"{url} in {language} is shown in {lang}"
            self.folder.mkdir(parents=True, exist_ok=True)
            path = self.folder / f"{name}.{language}.png"
            await _screenshot(page, path)
            saved.append(path)
        await page.goto(_with_language(url, "zh" if shown.startswith("zh") else "en"))
        return saved

    async def _check_languages(self, page: Page) -> None:
        """Loading the page three times in Chromium (each language, then back) only to
        read ``<html lang>`` cost a fifth of Chromium's CPU over the 41 takes. The
        context's request API shares its cookies both ways (the same session; the
        language cookie an answer sets is the context's too): the language the page is
        in is asked last, so the cookie ends as opening the page again left it."""
        await page.wait_for_load_state()
        shown = await page.evaluate("document.documentElement.lang")
        url = page.url
        back = "zh" if shown.startswith("zh") else "en"
        statuses = {}
        for language in sorted(("zh", "en"), key=lambda language: language == back):
            answer = await page.context.request.get(_with_language(url, language))
            try:
                document = lxml.html.document_fromstring(await answer.body())
                statuses[language] = answer.status
            finally:
                await answer.dispose()
            lang = document.get("lang", "")
            assert lang.startswith(language), f"{url} in {language} is served in {lang!r}"
        # the same page in both: a language that fails alone (a 500) is caught too
        assert statuses["zh"] == statuses["en"], f"{url} answers {statuses}"


async def _screenshot(page: Page, path: Path, attempts: int = 3) -> None:
    """A full-page screenshot; Chromium on a loaded machine sometimes answers "Unable to
    capture screenshot" (no frame rendered in time): asked again after a moment."""
    for attempt in range(1, attempts + 1):
        try:
            await page.screenshot(path=str(path), full_page=True)
            return
        except PlaywrightError as error:
            if "Unable to capture screenshot" not in str(error) or attempt == attempts:
                raise
            await asyncio.sleep(0.5 * attempt)


def _with_language(url: str, language: str) -> str:
    from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "lang"] + [("lang", language)]
    return urlunsplit(parts._replace(query=urlencode(query)))


@pytest.fixture
def screenshots(request: pytest.FixtureRequest) -> Screenshots:
    """Saved under the artifacts folder, in a folder per test."""
    test = request.node.name.replace("/", "_").replace("[", "-").replace("]", "")
    return Screenshots(ARTIFACTS / test)
