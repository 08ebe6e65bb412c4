"""In Chromium, on the live stack: the liaison has the work queue open when an entry
is filed (the queue refreshes itself), opens the entry and signs it off on its page
(screenshots of each page in both languages under the test artifacts)."""

from __future__ import annotations

import uuid

import httpx
import pytest
from playwright.async_api import expect

from access import AccessService
from tests.api.conftest import entry_body
from tests.console.browser import ConsoleStack, Screenshots, SignIn

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_the_liaison_signs_off_an_entry_from_the_queue(
    signed_in: SignIn, console_stack: ConsoleStack, screenshots: Screenshots
) -> None:
    number = f"BL-{uuid.uuid4().hex[:8]}"
    page = await signed_in("liaison")
    await expect(page.locator("h1")).to_have_text("待办队列")
    link = page.locator(f"a:text-is('{number}')")
    await expect(link).to_have_count(0)

    # Filed while the queue is open: the page's own script brings it in, no reload.
    token = AccessService(console_stack.db).issue_token("solar-filer").token
    async with httpx.AsyncClient(base_url=console_stack.base_url) as api:
        filed = await api.post(
            "/lifecycles/first_line_entry",
            json=entry_body(number, 3),
            headers={"Authorization": f"Bearer {token}"},
        )
    assert filed.status_code == 201, filed.text
    workflow_id = filed.json()["workflow_id"]
    await expect(link).to_be_visible(timeout=60_000)
    await screenshots.take(page, "liaison-queue")

    await link.click()
    await expect(page.locator("h1")).to_contain_text(number)
    await expect(page.locator("dd.stage")).to_have_text("待审批")
    await expect(page.locator("figure.stage-path svg")).to_be_visible()
    await screenshots.take(page, "liaison-item")

    sign_off = page.locator("form[data-action='sign-off']")
    await sign_off.locator("input[name=reason]").fill("单证齐全，同意")
    await sign_off.locator("button[type=submit]").click()
    await expect(page.locator(".flash")).to_have_text("已办理：审批通过。")
    await expect(page.locator("table.timeline")).to_contain_text("单证齐全，同意")
    await expect(page).to_have_url(
        f"{console_stack.base_url}/console/liaison/lifecycles/{workflow_id}"
    )
    await screenshots.take(page, "liaison-item-signed-off")
