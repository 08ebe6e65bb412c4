"""The liaison's pages in process (httpx over ASGI, no JavaScript) on the workflow
tests' live zone: the work queue, an item's page and its decision forms, acting
through the same service and workflow updates as the API."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator

import httpx
import pytest
import pytest_asyncio
from temporalio.client import Client

from access import AccessService
from tests.api.conftest import USERS, Api, entry_body, live, until_stage
from tests.console.conftest import Browser, Console, csrf_of, password_of
from tests.support.apps import app_serving
from tests.support.settings import ZONE_QUEUE_REFRESH_SECONDS, zone_settings
from tests.workflows.conftest import Zone, zone

__all__ = ["live", "zone"]  # the API tests' live zone, used here too

pytestmark = pytest.mark.asyncio(loop_scope="session")

QUEUE = "/console/liaison/queue"


@pytest_asyncio.fixture(loop_scope="session")
async def pages(zone: Zone, live: Api) -> AsyncIterator[Console]:
    """The console on the live zone's database (the API's users, given passwords)."""
    access = AccessService(zone.db)
    for name in USERS:
        access.set_password(name, password_of(name))

    async def temporal() -> Client:
        return zone.client

    app = app_serving(zone.db, temporal, zone_settings(zone.task_queue))
    yield Console(zone.db, httpx.ASGITransport(app=app))


async def waiting_for_sign_off(live: Api, inner: str, days: int = 2) -> str:
    filed = await live.post(
        "solar-filer", "/lifecycles/first_line_entry", json=entry_body(live.no(inner), days)
    )
    assert filed.status_code == 201, filed.text
    workflow_id: str = filed.json()["workflow_id"]
    await until_stage(live, "solar-filer", workflow_id, "awaiting_sign_off")
    return workflow_id


async def queue_shows(browser: Browser, url: str, number: str, present: bool = True) -> str:
    """The queue page once it lists (or no longer lists) ``number``: the queue reads
    Temporal's visibility, which follows a stage change a moment later (bounded)."""
    text = ""
    for _ in range(100):
        response = await browser.get(url)
        assert response.status_code == 200, response.text
        text = response.text
        if (number in text) is present:
            return text
        await asyncio.sleep(0.1)
    raise AssertionError(f"the queue never {'showed' if present else 'dropped'} {number}")


async def test_the_liaison_finds_an_entry_in_the_queue_and_signs_it_off_on_its_page(
    pages: Console, live: Api
) -> None:
    """Given two entries waiting for sign-off (one 12 days after arrival, one after 1),
    when the liaison opens the queue, then the older comes first with the counts per
    filter; its page shows the timeline and the sign-off form; when the liaison signs
    it off on the page, then the page says so and the timeline holds who and why."""
    newer = await waiting_for_sign_off(live, "LQ-NEW", 1)
    older = await waiting_for_sign_off(live, "LQ-OLD", 12)
    async with pages.browser() as browser:
        await browser.sign_in("liaison")
        html = await queue_shows(browser, QUEUE, live.no("LQ-NEW"))
        html = await queue_shows(browser, QUEUE, live.no("LQ-OLD"))
        assert html.index(live.no("LQ-OLD")) < html.index(live.no("LQ-NEW"))
        assert re.search(r"待审批 \(\d+\)", html)  # a count per stage
        # the open queue refreshes itself as often as the settings say
        assert f'data-refresh-seconds="{ZONE_QUEUE_REFRESH_SECONDS}"' in html

        only_exports = await browser.get(QUEUE, lifecycle="export")
        assert live.no("LQ-OLD") not in only_exports.text
        by_book = await browser.get(QUEUE, book_no="H9601W104420", lifecycle="first_line_entry")
        assert by_book.status_code == 200

        item = f"/console/liaison/lifecycles/{older}"
        opened = await browser.get(item)
        assert opened.status_code == 200, opened.text
        assert 'data-action="sign-off"' in opened.text
        assert 'data-action="return"' in opened.text
        assert "<svg" in opened.text
        # The document: head and lines, codes with their code-table names.
        assert "监管方式" in opened.text
        assert "5015 区内进料加工货物" in opened.text
        assert "304 德国" in opened.text
        assert "502 美元" in opened.text
        assert f"{live.no('LQ-OLD')}-C" in opened.text  # the line's lot

        signed = await browser.submit(item, f"{item}/sign-off", reason="单证齐全，同意")
        assert signed.status_code == 303, signed.text
        after = await browser.get(signed.headers["location"])
        assert "同意" in after.text
        assert "单证齐全，同意" in after.text
        await until_stage(live, "liaison", older, "completed")
        done = await browser.get(item)
        links = re.findall(
            rf'href="({item}/(?:submissions|receipts)/[^"?]+)\?download=true"', done.text
        )
        assert any("/submissions/INV101" in link for link in links)
        assert any("/receipts/" in link for link in links)
        for link in links:
            downloaded = await browser.get(link, download="true")
            assert downloaded.status_code == 200
            assert downloaded.headers["content-disposition"].startswith("attachment")
            assert downloaded.content.lstrip().startswith(b"<?xml")
        await queue_shows(browser, QUEUE, live.no("LQ-OLD"), present=False)
    assert newer


async def test_a_refused_decision_shows_the_workflows_reason_and_markup_stays_text(
    pages: Console, live: Api
) -> None:
    """Given an entry waiting for sign-off, when the liaison returns it with a reason
    holding <script>, then the timeline shows the reason as text; when the liaison then
    tries to sign it off from the page as it was, then the workflow refuses and the
    page names the stage and the reason."""
    workflow_id = await waiting_for_sign_off(live, "LQ-RET")
    item = f"/console/liaison/lifecycles/{workflow_id}"
    async with pages.browser() as browser:
        await browser.sign_in("liaison")
        form_page = await browser.get(item)
        token = csrf_of(form_page.text)
        returned = await browser.client.post(
            f"{item}/return", data={"csrf_token": token, "reason": "<script>alert(1)</script>"}
        )
        assert returned.status_code == 303, returned.text
        await until_stage(live, "liaison", workflow_id, "returned")
        shown = await browser.get(item)
        assert "<script>alert(1)</script>" not in shown.text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in shown.text
        assert 'data-action="sign-off"' not in shown.text  # nothing to sign off now

        refused = await browser.client.post(
            f"{item}/sign-off", data={"csrf_token": token, "reason": "late"}
        )
        assert refused.status_code == 409, refused.text
        assert 'class="refusals"' in refused.text
        assert '<code class="field">stage</code>' in refused.text

        empty = await browser.client.post(f"{item}/cancel", data={"csrf_token": token})
        assert empty.status_code == 422
        assert '<code class="field">reason</code>' in empty.text


async def test_filers_and_auditors_get_no_form_and_a_forged_post_is_refused(
    pages: Console, live: Api
) -> None:
    """Given an entry waiting for sign-off, a filer and an auditor opening its liaison
    page get the "not allowed" page without a form; their forged POSTs (with their own
    valid CSRF token) are refused and the entry still waits; a missing lifecycle is the
    same "not found" page."""
    workflow_id = await waiting_for_sign_off(live, "LQ-FRG")
    item = f"/console/liaison/lifecycles/{workflow_id}"
    for user in ("solar-filer", "auditor"):
        async with pages.browser() as browser:
            landed = await browser.sign_in(user)
            home = await browser.get(landed.headers["location"])
            token = csrf_of(home.text)
            opened = await browser.get(item)
            assert opened.status_code == 403
            assert "sign-off" not in opened.text
            forged = await browser.client.post(
                f"{item}/sign-off", data={"csrf_token": token, "reason": "forged"}
            )
            assert forged.status_code == 403
    status = await until_stage(live, "liaison", workflow_id, "awaiting_sign_off")
    assert not [e for e in status["status"]["timeline"] if e["note"].endswith("forged")]

    async with pages.browser() as browser:
        await browser.sign_in("liaison")
        missing = await browser.get("/console/liaison/lifecycles/entry-NO-SUCH")
        assert missing.status_code == 404
        no_action = await browser.client.post(
            f"{item}/no-such-action", data={"csrf_token": csrf_of((await browser.get(item)).text)}
        )
        assert no_action.status_code == 404
