"""In Chromium, on the live stack: an auditor finds a lot, traces it, and downloads a
book's reconciliation as CSV and XLSX, both opened and their figures checked; every
page in both languages (screenshots under the test artifacts)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.async_api import Page, expect

from demo import ids
from tests.console.browser import Screenshots, SignIn

pytestmark = pytest.mark.asyncio(loop_scope="session")

SOLAR = ids.SOLAR_BOOK
# April in the module maker's book, as the demo posted it (other tests on the shared
# stack post now, not in April 2026): 2,400 modules, 2,000 exported and 150 sold.
MODULE_APRIL = [SOLAR, "10", ids.MODULE_LOT, "007", "2400", "0", "2150", "0", "0", "250", "true"]


async def _download(page: Page, link: str, folder: Path) -> Path:
    async with page.expect_download() as started:
        await page.click(link)
    download = await started.value
    path = folder / download.suggested_filename
    await download.save_as(path)
    return path


async def test_an_auditor_finds_a_lot_traces_it_and_downloads_the_reconciliation(
    signed_in: SignIn, screenshots: Screenshots, tmp_path: Path
) -> None:
    page = await signed_in("auditor")
    await expect(page.locator("h1")).to_have_text("库存结存")
    await screenshots.take(page, "auditor-balances")

    # finds the lot
    await page.select_option("select[name=book_no]", SOLAR)
    await page.fill("input[name=lot_no]", ids.MODULE_LOT)
    await page.click("form[role=search] button[type=submit]")
    await expect(page.locator("#balances tbody tr")).to_have_count(1)
    await page.click(f"#balances a:text-is('{ids.MODULE_LOT}')")
    await expect(page.locator("h1")).to_have_text(f"批次 {ids.MODULE_LOT}")
    await expect(page.locator("figure.drawing svg")).to_be_visible()
    await expect(page.locator("#movements tbody tr").first).to_contain_text(ids.WORK_ORDER)
    await expect(page.locator("#movements tbody tr").first).to_contain_text("加工耗用/产出")
    # The page fits a 1280 px screen: nothing to scroll sideways.
    assert page.viewport_size is not None
    assert page.viewport_size["width"] == 1280
    assert await page.evaluate("document.documentElement.scrollWidth") <= 1280
    await screenshots.take(page, "auditor-lot")

    # traces it backward to the entry list of its cells, then forward to the export
    await page.click("text=向后追溯")
    drawing = page.locator("figure.trace svg")
    await expect(drawing).to_contain_text(ids.ENTRY_LIST_1)
    await expect(drawing).to_contain_text(ids.CELL_LOT_1)
    cell_step = page.locator("#steps tbody tr", has_text=ids.CELL_LOT_1)
    await expect(cell_step).to_contain_text(f"核注清单 {ids.ENTRY_LIST_1}")
    await expect(cell_step).to_contain_text("360,000")
    # who and why of each step: in the table and in the drawing's tooltips
    made = page.locator("#steps tbody tr", has_text=ids.WORK_ORDER)
    await expect(made).to_contain_text("planner@9601346001")
    await expect(drawing.locator("title", has_text="planner@9601346001").first).to_be_attached()
    await screenshots.take(page, "auditor-trace-backward")
    await page.check("input[name=direction][value=forward]")
    await page.click("form[role=search] button[type=submit]")
    await expect(page.locator("figure.trace svg")).to_contain_text(ids.EXPORT_LIST)
    await screenshots.take(page, "auditor-trace-forward")

    # the chain, as a reader of every enterprise sees it
    await page.click("nav.main-nav >> text=审计链校验")
    await expect(page.locator("#verdict")).to_contain_text("审计链完整")
    await screenshots.take(page, "auditor-verification")

    # reconciles April and downloads both files
    await page.click("nav.main-nav >> text=账册核对")
    await page.select_option("select[name=book_no]", SOLAR)
    await page.fill("input[name=from]", "2026-04-01")
    await page.fill("input[name=to]", "2026-04-30")
    await page.click("form[role=search] button[type=submit]")
    module = page.locator("#reconciliation tbody tr", has_text=ids.MODULE_LOT)
    await expect(module).to_contain_text("2,150")
    await screenshots.take(page, "auditor-reconciliation")

    as_csv = await _download(page, "#download-csv", tmp_path)
    assert as_csv.name == f"reconciliation-{SOLAR}-20260401-20260430.csv"
    rows = list(csv.reader(io.StringIO(as_csv.read_text(encoding="utf-8-sig"))))
    assert rows[0][:3] == ["账册编号", "项号", "批次"]
    assert rows[1][:3] == ["book_no", "item_no", "lot_no"]
    assert MODULE_APRIL in rows

    as_xlsx = await _download(page, "#download-xlsx", tmp_path)
    sheet = load_workbook(as_xlsx).active
    assert sheet is not None
    cells = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=3)]
    [module_row] = [row for row in cells if row[2] == ids.MODULE_LOT]
    assert module_row[4:10] == [2400, 0, 2150, 0, 0, 250]
    assert [str(row[2]) for row in cells] == [row[2] for row in rows[2:]]
