"""In Chromium, on the live stack: a stocktake (盘点) from the first click to the
auditor. The filer opens it from the form, uploads a count sheet with one bad row and
sees it refused by its row and column, uploads it fixed; the liaison accepts the
missing glass as a loss and sends the frames found back for a recount; the filer
recounts them in the form; the liaison accepts what remains as found goods; the filer
confirms the duty on the loss; the stocktake completes and the auditor finds the
adjustment in the lot's movements. Every page in Chinese and English (screenshots
under the test artifacts)."""

from __future__ import annotations

import time
from decimal import Decimal
from typing import Any

import pytest
from playwright.async_api import FilePayload, Page, expect

from demo import ids
from tests.api.test_stocktake_api import _csv, _rows
from tests.console.browser import ConsoleStack, Screenshots, SignIn
from tests.console.test_browser_journeys import LOOK_MS, LOOKS, number
from tests.console.test_browser_liaison_decisions import api_of

pytestmark = pytest.mark.asyncio(loop_scope="session")

RATE = "7.123400"


async def reload_until_stage(page: Page, stage: str) -> None:
    """Reload until the page's stage is ``stage`` (the worker moves it on)."""
    shown = page.locator("dd.stage")
    for _ in range(LOOKS):
        try:
            await expect(shown).to_have_attribute("data-stage", stage, timeout=LOOK_MS)
            return
        except AssertionError:
            await page.reload()
    await expect(shown).to_have_attribute("data-stage", stage)


async def upload_sheet(page: Page, sheet: bytes) -> None:
    form = page.locator("form[data-action='count-sheet']")
    await form.locator("input[name=sheet]").set_input_files(
        files=FilePayload(name="盘点表.csv", mimeType="text/csv", buffer=sheet)
    )
    await form.locator("input[name=exchange_rate]").fill(RATE)
    await form.locator("button[type=submit]").click()


async def review(
    page: Page, reason: str, causes: dict[str, str], recounts: tuple[str, ...] = ()
) -> None:
    form = page.locator("form[data-action='difference-review']")
    for lot, cause in causes.items():
        await form.locator(f"tr[data-lot='{lot}'] select").select_option(cause)
    for lot in recounts:
        await form.locator(f"tr[data-lot='{lot}'] input[type=checkbox]").check()
    await form.locator("input[name=reason]").fill(reason)
    await form.locator("button[type=submit]").click()


async def test_a_stocktake_from_the_count_sheet_to_the_auditors_adjustment(
    signed_in: SignIn, console_stack: ConsoleStack, screenshots: Screenshots
) -> None:
    started = time.monotonic()
    stocktake_no = number("ST")
    filer = await signed_in("solar-filer")
    await filer.click("a[href='/console/filer/stocktakes/new']")
    await screenshots.take(filer, "filer-opens-a-stocktake")
    opening = filer.locator("form.stocktake-opening")
    await opening.locator("input[name=stocktake_no]").fill(stocktake_no)
    await opening.locator("select[name=book_no]").select_option(ids.SOLAR_BOOK)
    await opening.locator("textarea[name=locations]").fill(ids.RAW_BIN)
    await expect(opening.locator("input[name=counted_at]")).not_to_have_value("")  # now
    await opening.locator("button[type=submit]").click()
    await expect(filer.locator(".flash")).to_contain_text(f"盘点 {stocktake_no} 已开始")
    workflow_id = filer.url.rsplit("/", 1)[1].split("?")[0]
    await reload_until_stage(filer, "counting")

    async with api_of(console_stack) as api:
        shown = await api.call("solar-filer", "GET", f"/lifecycles/{workflow_id}")
        detail: dict[str, Any] = shown.json()
    expected = {
        p["lot_no"]: Decimal(p["quantity"]) for p in detail["status"]["stocktake"]["expected"]
    }
    glass, frames = expected[ids.GLASS_LOT], expected[ids.FRAME_LOT]
    counted = {ids.GLASS_LOT: str(glass - 2), ids.FRAME_LOT: str(frames + 3)}

    # A sheet with one bad row: refused by its row and column, nothing entered.
    rows = _rows(detail, **counted)
    bad = rows[1][3]
    rows[1][3] = "一百"
    await upload_sheet(filer, _csv(rows))
    refusal = filer.locator(".refusals li")
    await expect(refusal).to_have_count(1)
    await expect(refusal.locator(".row")).to_have_text("第 3 行")
    await expect(refusal.locator(".column")).to_have_text("列 quantity")
    await expect(refusal.locator("code.field")).to_have_text("rows[3].quantity")
    screenshots.folder.mkdir(parents=True, exist_ok=True)  # the POST's answer itself
    await filer.screenshot(
        path=str(screenshots.folder / "filer-sheet-refused.zh.png"), full_page=True
    )

    rows[1][3] = bad
    await upload_sheet(filer, _csv(rows))
    await expect(filer.locator(".flash")).to_contain_text("盘点表已录入")
    await reload_until_stage(filer, "difference_review")
    await expect(filer.locator("table.differences tr[data-state=open]")).to_have_count(2)
    await screenshots.take(filer, "filer-differences")

    # The liaison: the glass missing is a loss, the frames found are counted again.
    liaison = await signed_in("liaison")
    item = f"/console/liaison/lifecycles/{workflow_id}"
    await liaison.goto(item)
    await expect(liaison.locator(".document-head")).to_contain_text("盘点库位")
    await expect(liaison.locator(".document-head ul.codes li")).to_have_text([ids.RAW_BIN])
    await screenshots.take(liaison, "liaison-review")
    await review(liaison, "玻璃破损丢失；边框复盘", {ids.GLASS_LOT: "loss"}, (ids.FRAME_LOT,))
    await expect(liaison.locator(".flash")).to_contain_text("已办理")

    # The filer recounts the frames: the form holds that position only.
    await reload_until_stage(filer, "counting")
    counts = filer.locator("form[data-action='counts']")
    await expect(counts.locator("tbody tr")).to_have_count(1)
    await screenshots.take(filer, "filer-recount")
    await counts.locator(f"tr[data-lot='{ids.FRAME_LOT}'] input[name$='.quantity']").fill(
        str(frames + 1)
    )
    await counts.locator("button[type=submit]").click()
    await expect(filer.locator(".flash")).to_contain_text("盘点数量已录入")

    await liaison.goto(item)
    await reload_until_stage(liaison, "difference_review")
    await review(liaison, "复盘多出一件", {ids.FRAME_LOT: "found_goods"})
    await expect(liaison.locator(".flash")).to_contain_text("已办理")

    # The duty on the lost glass, confirmed by the filer.
    await reload_until_stage(filer, "awaiting_payment")
    await expect(filer.locator("table.stocktake-duty tr.total td")).not_to_have_text("")
    await screenshots.take(filer, "filer-stocktake-duty")
    payment = filer.locator("form[action$='/payment']")
    await payment.locator("input[name=reference]").fill("TAX-ST-1")
    await payment.locator("button[type=submit]").click()
    await expect(filer.locator(".flash")).to_contain_text("缴款已确认")
    await reload_until_stage(filer, "completed")

    # The auditor: the lot's movements show the stocktake moving the glass out.
    auditor = await signed_in("auditor")
    await auditor.goto(f"/console/auditor/lot?book_no={ids.SOLAR_BOOK}&lot_no={ids.GLASS_LOT}")
    adjustment = auditor.locator("table.movements tbody tr", has_text=stocktake_no)
    await expect(adjustment).to_have_count(1)
    await expect(adjustment.locator("td.counterparty")).to_have_text("盘盈盘亏调整")
    await expect(adjustment.locator("td.number").first).to_have_text("-2")
    await screenshots.take(auditor, "auditor-adjustment")
    assert time.monotonic() - started < 60
