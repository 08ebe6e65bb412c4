"""In Chromium, on the live stack: a filer uploads an INV101, sees it filed and in its
list waiting for sign-off, and browses its books (screenshots in both languages)."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from playwright.async_api import FilePayload, expect

from demo import ids
from tests.console.browser import ConsoleStack, Screenshots, SignIn
from tests.console.test_filer_pages import extras, inv101
from tests.workflows.conftest import entry_draft

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_a_filer_uploads_an_inv101_and_sees_it_in_its_list(
    signed_in: SignIn, console_stack: ConsoleStack, screenshots: Screenshots, tmp_path: Path
) -> None:
    draft = entry_draft(f"UI-{uuid.uuid4().hex[:8].upper()}")
    document = inv101(console_stack.db, draft, tmp_path)
    page = await signed_in("solar-filer")
    await expect(page.locator("h1")).to_have_text("我的业务")
    await screenshots.take(page, "filer-lifecycles-before")

    await page.click("nav.main-nav >> text=上传申报")
    await screenshots.take(page, "filer-upload")  # (reloads the page in each language)
    await page.set_input_files(
        "input[name=document]",
        files=FilePayload(name="list.xml", mimeType="application/xml", buffer=document),
    )
    for name, value in extras(draft).items():
        await page.fill(f"input[name={name}]", value)
    await page.click("form.stacked button[type=submit]")
    await expect(page.locator(".flash")).to_contain_text(f"{draft.inner_no} 已申报")
    await expect(page.locator("h1")).to_contain_text(draft.inner_no)

    await page.click("nav.main-nav >> text=我的业务")
    row = page.locator(f"tr:has(a:text-is('{draft.inner_no}'))")
    await expect(row).to_be_visible()
    for _ in range(100):  # the check runs in the worker: reload until it is done
        if await row.locator(".stage").text_content() == "待审批":
            break
        await page.wait_for_timeout(100)
        await page.reload()
    await expect(row.locator(".stage")).to_have_text("待审批")
    await screenshots.take(page, "filer-lifecycles")
    await row.locator("a").click()
    await expect(page.locator(".stage")).to_have_text("待审批")
    await screenshots.take(page, "filer-lifecycle")

    # The order is called off: the filer withdraws it on the page (after confirming).
    page.once("dialog", lambda dialog: dialog.accept())
    cancel = page.locator("form[data-action='cancel']")
    await cancel.locator("input[name=reason]").fill("客户取消订单")
    await cancel.locator("button[type=submit]").click()
    await expect(page.locator(".flash")).to_contain_text("正在撤销")
    for _ in range(100):  # the workflow ends it in the worker: reload until it has
        if await page.locator(".stage").text_content() == "已撤销":
            break
        await page.wait_for_timeout(100)
        await page.reload()
    await expect(page.locator(".stage")).to_have_text("已撤销")
    await expect(page.locator("table.timeline")).to_contain_text("客户取消订单")
    await expect(page.locator("form[data-action='cancel']")).to_have_count(0)

    await page.click("nav.main-nav >> text=账册")
    await page.click(f"a:text-is('{ids.SOLAR_BOOK}')")
    await expect(page.locator("h1")).to_contain_text(ids.SOLAR_BOOK)
    await screenshots.take(page, "filer-book")
