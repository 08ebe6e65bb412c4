"""In Chromium, on the live stack: the journeys of issue #13, each from the first click
to the last check, every page in Chinese and English (screenshots under the test
artifacts).

- An INV101 uploaded by the filer is signed off by the liaison from the queue (which
  brings it in by itself), customs' receipts arrive from the simulator, the goods are
  posted, and the auditor finds that lot, traces it to its list and downloads the
  reconciliation as CSV and XLSX;
- a returned upload (the reason holds ``<script>``, shown as text) is corrected in the
  prefilled form, a bad value is named, the good one is filed again, then withdrawn;
- a domestic sale shows both duty bills side by side and the cheaper one is paid;
- tenancy: another enterprise's filer gets "not found", an auditor has no action and
  its forged POST is refused, a form sent without its CSRF token is refused.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.async_api import FilePayload, Locator, Page, expect

from console.templating import money_filter
from demo import ids
from tests.api.conftest import entry_body
from tests.console.browser import ConsoleStack, Screenshots, SignIn
from tests.console.test_browser_auditor import _download
from tests.console.test_browser_liaison_decisions import api_of
from tests.console.test_filer_pages import extras, inv101
from tests.workflows.conftest import entry_draft
from tests.workflows.test_domestic_sale import sale

pytestmark = pytest.mark.asyncio(loop_scope="session")

# A workflow moves on in the worker: a page showing its stage is reloaded until it shows
# the awaited one (each look waits this long for it), for at most a minute.
LOOK_MS = 500
LOOKS = 120


async def reload_until(page: Page, shown: Locator, text: str) -> None:
    """Reload ``page`` until ``shown`` has ``text`` (the stage of a workflow that moves
    on in the worker, which the page does not refresh by itself)."""
    for _ in range(LOOKS):
        try:
            await expect(shown).to_have_text(text, timeout=LOOK_MS)
            return
        except AssertionError:
            await page.reload()
    await expect(shown).to_have_text(text)


async def upload(page: Page, document: bytes, fields: dict[str, str]) -> None:
    """The filer's upload form, filled and sent."""
    await page.click("nav.main-nav >> text=上传申报")
    await page.set_input_files(
        "input[name=document]",
        files=FilePayload(name="list.xml", mimeType="application/xml", buffer=document),
    )
    for name, value in fields.items():
        await page.fill(f"input[name={name}]", value)
    await page.click("form.stacked button[type=submit]")


def number(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8].upper()}"


async def test_an_uploaded_entry_is_signed_off_posted_and_its_lot_reconciled(
    signed_in: SignIn, console_stack: ConsoleStack, screenshots: Screenshots, tmp_path: Path
) -> None:
    """Given the liaison's queue open, when a filer uploads an INV101, then the queue
    brings it in without a reload; the liaison signs it off on its page; the simulator's
    receipts complete it (the filer's page says so); and the auditor finds its cells'
    lot, traces it to the list customs numbered, and downloads the day's reconciliation
    as CSV and XLSX with the 12,000 cells received."""
    draft = entry_draft(number("UI"))
    cells_lot = f"{draft.inner_no}-1"  # an upload's lot: the list's number and line number
    document = inv101(console_stack.db, draft, tmp_path)

    liaison = await signed_in("liaison")
    await expect(liaison.locator("h1")).to_have_text("待办队列")
    queued = liaison.locator(f"a:text-is('{draft.inner_no}')")
    await expect(queued).to_have_count(0)

    # the filer uploads it in the browser
    filer = await signed_in("solar-filer")
    await expect(filer.locator("h1")).to_have_text("我的业务")
    await screenshots.take(filer, "filer-lifecycles-before")
    await filer.click("nav.main-nav >> text=上传申报")
    await screenshots.take(filer, "filer-upload")
    await upload(filer, document, extras(draft))
    await expect(filer.locator(".flash")).to_contain_text(f"{draft.inner_no} 已申报")
    await expect(filer.locator("h1")).to_contain_text(draft.inner_no)
    lifecycle_url = filer.url
    workflow_id = lifecycle_url.rsplit("/", 1)[1]

    await filer.click("nav.main-nav >> text=我的业务")
    row = filer.locator(f"tr:has(a:text-is('{draft.inner_no}'))")
    await reload_until(filer, row.locator(".stage"), "待审批")
    await screenshots.take(filer, "filer-lifecycles")

    # the queue the liaison has open brings it in by itself (its script, no reload)
    await expect(queued).to_be_visible(timeout=60_000)
    await screenshots.take(liaison, "liaison-queue")
    await queued.click()
    await expect(liaison.locator("h1")).to_contain_text(draft.inner_no)
    await expect(liaison.locator("dd.stage")).to_have_text("待审批")
    await expect(liaison.locator("figure.stage-path svg")).to_be_visible()
    await screenshots.take(liaison, "liaison-item")
    sign_off = liaison.locator("form[data-action='sign-off']")
    await sign_off.locator("input[name=reason]").fill("单证齐全，同意")
    await sign_off.locator("button[type=submit]").click()
    await expect(liaison.locator(".flash")).to_have_text("已办理：审批通过。")
    await expect(liaison.locator("table.timeline")).to_contain_text("单证齐全，同意")
    await expect(liaison).to_have_url(
        f"{console_stack.base_url}/console/liaison/lifecycles/{workflow_id}"
    )
    await screenshots.take(liaison, "liaison-item-signed-off")

    # customs' receipts arrive (the simulator), the goods are posted: the filer sees it
    await filer.goto(lifecycle_url)
    await reload_until(filer, filer.locator("dd.stage"), "已完成")
    await expect(filer.locator("table.timeline")).to_contain_text("单证齐全，同意")
    list_no = (await filer.locator("dt:text-is('清单编号') + dd").inner_text()).strip()
    assert list_no
    await expect(filer.locator("form[data-action='cancel']")).to_have_count(0)
    await screenshots.take(filer, "filer-lifecycle-completed")
    await filer.click("nav.main-nav >> text=账册")
    await filer.click(f"a:text-is('{ids.SOLAR_BOOK}')")
    await expect(filer.locator("h1")).to_contain_text(ids.SOLAR_BOOK)
    await screenshots.take(filer, "filer-book")

    # the auditor finds that lot
    auditor = await signed_in("auditor")
    await expect(auditor.locator("h1")).to_have_text("库存结存")
    await auditor.select_option("select[name=book_no]", ids.SOLAR_BOOK)
    await auditor.fill("input[name=lot_no]", cells_lot)
    await auditor.click("form[role=search] button[type=submit]")
    found = auditor.locator("#balances tbody tr")
    await expect(found).to_have_count(1)
    await expect(found).to_contain_text("12,000")
    await screenshots.take(auditor, "auditor-balances-new-lot")
    await auditor.click(f"#balances a:text-is('{cells_lot}')")
    await expect(auditor.locator("h1")).to_have_text(f"批次 {cells_lot}")
    # reserved when the liaison signed it off, posted when it came through the gate
    movements = auditor.locator("#movements tbody tr")
    await expect(movements).to_have_count(2)
    await expect(movements.nth(0)).to_contain_text("liaison")
    await expect(movements.nth(0)).to_contain_text("预增 12,000")
    await expect(movements.nth(1)).to_contain_text(f"list {list_no} posted")
    await expect(movements.nth(1)).to_contain_text("预增 -12,000")
    await screenshots.take(auditor, "auditor-new-lot")

    # traces it back to its list, from abroad, posted under customs' list number
    await auditor.click("text=向后追溯")
    drawing = auditor.locator("figure.trace svg")
    await expect(drawing).to_contain_text(cells_lot)
    step = auditor.locator("#steps tbody tr", has_text=cells_lot)
    await expect(step).to_have_count(1)
    await expect(step).to_contain_text(f"核注清单 {draft.inner_no}")  # from abroad (境外)
    await expect(step).to_contain_text("境外")
    await expect(step).to_contain_text(f"list {list_no} posted")
    await screenshots.take(auditor, "auditor-trace-new-lot")

    # reconciles the day it was posted and downloads both files
    today = dt.datetime.now(ids.SHANGHAI).date()
    await auditor.click("nav.main-nav >> text=账册核对")
    await auditor.select_option("select[name=book_no]", ids.SOLAR_BOOK)
    await auditor.fill("input[name=from]", today.isoformat())
    await auditor.fill("input[name=to]", today.isoformat())
    await auditor.click("form[role=search] button[type=submit]")
    reconciled = auditor.locator("#reconciliation tbody tr", has_text=cells_lot)
    await expect(reconciled).to_contain_text("12,000")
    await screenshots.take(auditor, "auditor-reconciliation-today")

    day = today.strftime("%Y%m%d")
    as_csv = await _download(auditor, "#download-csv", tmp_path)
    assert as_csv.name == f"reconciliation-{ids.SOLAR_BOOK}-{day}-{day}.csv"
    rows = list(csv.reader(io.StringIO(as_csv.read_text(encoding="utf-8-sig"))))
    assert rows[1][:3] == ["book_no", "item_no", "lot_no"]
    [cells_row] = [row for row in rows[2:] if row[2] == cells_lot]
    # opening, receipts, removals, adjustments, between lots, closing, balanced
    assert cells_row[:2] == [ids.SOLAR_BOOK, str(ids.CELLS)]
    assert cells_row[4:] == ["0", "12000", "0", "0", "0", "12000", "true"]

    as_xlsx = await _download(auditor, "#download-xlsx", tmp_path)
    sheet = load_workbook(as_xlsx).active
    assert sheet is not None
    cells = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=3)]
    [cells_line] = [row for row in cells if row[2] == cells_lot]
    assert cells_line[4:10] == [0, 12000, 0, 0, 0, 12000]
    assert [str(row[2]) for row in cells] == [row[2] for row in rows[2:]]


async def test_a_returned_upload_is_corrected_in_the_prefilled_form_and_filed_again(
    signed_in: SignIn, console_stack: ConsoleStack, screenshots: Screenshots, tmp_path: Path
) -> None:
    """Given an uploaded INV101 the liaison returns with a reason holding ``<script>``
    (shown as text on both sides, never run), when the filer opens the correction form,
    then every field is the draft as it stands; a refused value names its input; the good
    correction is filed again and waits for sign-off; the filer can then withdraw it."""
    draft = entry_draft(number("FIX"))
    reason = "毛重有误 <script>window.injected = 1</script>"
    filer = await signed_in("solar-filer")
    await upload(filer, inv101(console_stack.db, draft, tmp_path), extras(draft))
    await expect(filer.locator(".flash")).to_contain_text(f"{draft.inner_no} 已申报")
    lifecycle_url = filer.url
    workflow_id = lifecycle_url.rsplit("/", 1)[1]

    # the liaison returns it with a reason
    liaison = await signed_in("liaison")
    await liaison.goto(f"/console/liaison/lifecycles/{workflow_id}")
    await reload_until(liaison, liaison.locator("dd.stage"), "待审批")
    returning = liaison.locator("form[data-action='return']")
    await returning.locator("input[name=reason]").fill(reason)
    await returning.locator("button[type=submit]").click()
    await expect(liaison.locator(".flash")).to_contain_text("已办理")
    await expect(liaison.locator("table.timeline")).to_contain_text(reason)
    assert await liaison.evaluate("window.injected") is None
    await screenshots.take(liaison, "liaison-returned")

    # the filer sees it returned, with the reason as text, and opens the correction
    await filer.goto(lifecycle_url)
    await reload_until(filer, filer.locator("dd.stage"), "已退单")
    await expect(filer.locator("table.timeline")).to_contain_text(reason)
    assert await filer.evaluate("window.injected") is None
    await screenshots.take(filer, "filer-returned")
    await filer.click(f"a[href='/console/filer/lifecycles/{workflow_id}/correction']")
    form = filer.locator("form.draft")
    await expect(form.locator("input[name='draft.book_no']")).to_have_value(draft.book_no)
    weight = form.locator("input[name='draft.lines[0].gross_weight']")
    await expect(weight).to_have_value(str(draft.lines[0].gross_weight))
    await expect(form.locator("input[name='draft.filed_by']")).to_have_count(0)
    await screenshots.take(filer, "filer-correction")

    # a refused value names the input it came from, and what was typed stays
    quantity = form.locator("input[name='draft.lines[0].quantity']")
    await quantity.fill("-1")
    await form.locator("input[name=reason]").fill("weighed again")
    async with filer.expect_response(f"**/{workflow_id}/correction") as sent:
        await form.locator("button[type=submit]").click()
    assert (await sent.value).status == 422
    refusal = filer.locator(".refusals")
    await expect(refusal.locator("code.field")).to_have_text("draft.lines[0].quantity")
    await expect(quantity).to_have_attribute("aria-invalid", "true")
    await expect(quantity).to_have_value("-1")
    screenshots.folder.mkdir(parents=True, exist_ok=True)  # the POST's answer itself
    await filer.screenshot(
        path=str(screenshots.folder / "filer-correction-refused.zh.png"), full_page=True
    )

    # the good correction is filed again and waits for sign-off once more
    await quantity.fill(str(draft.lines[0].quantity))
    await weight.fill("1234.5")
    await form.locator("input[name=reason]").fill("weighed again")
    await form.locator("button[type=submit]").click()
    await expect(filer.locator(".flash")).to_contain_text(draft.inner_no)
    await expect(filer).to_have_url(lifecycle_url)
    await reload_until(filer, filer.locator("dd.stage"), "待审批")
    await expect(filer.locator("table.timeline")).to_contain_text("weighed again")
    await screenshots.take(filer, "filer-filed-again")
    await filer.click("nav.main-nav >> text=我的业务")
    row = filer.locator(f"tr:has(a:text-is('{draft.inner_no}'))")
    await expect(row.locator(".stage")).to_have_text("待审批")

    # the order is called off: the filer withdraws it on the page (after confirming)
    await row.locator("a").click()
    filer.once("dialog", lambda dialog: dialog.accept())
    cancel = filer.locator("form[data-action='cancel']")
    await cancel.locator("input[name=reason]").fill("客户取消订单")
    await cancel.locator("button[type=submit]").click()
    await expect(filer.locator(".flash")).to_contain_text("正在撤销")
    await reload_until(filer, filer.locator("dd.stage"), "已撤销")
    await expect(filer.locator("table.timeline")).to_contain_text("客户取消订单")
    await expect(filer.locator("form[data-action='cancel']")).to_have_count(0)
    await screenshots.take(filer, "filer-cancelled")


async def test_a_domestic_sale_shows_both_duty_bills_and_the_filer_pays_the_cheaper(
    signed_in: SignIn, console_stack: ConsoleStack, screenshots: Screenshots
) -> None:
    """Given a domestic sale signed off and released, waiting for its duties, when the
    filer opens it, then both bills stand side by side, the cheaper one chosen and its
    total prefilled; a wrong amount is refused with the workflow's reason; the chosen
    bill's amount is confirmed and the sale moves on."""
    async with api_of(console_stack) as api:
        body = sale(number("DS"), basis="finished_goods").model_dump(mode="json")
        del body["filed_by"]
        workflow_id = await api.file("domestic_sale", body)
        await api.until(workflow_id, "awaiting_sign_off")
        signed = await api.call(
            "liaison", "POST", f"/lifecycles/{workflow_id}/sign-off", json={"reason": "ok"}
        )
        assert signed.status_code == 200, signed.text
        await api.until(workflow_id, "awaiting_payment")
        shown = await api.call("solar-filer", "GET", f"/lifecycles/{workflow_id}")
        taxes = shown.json()["status"]["taxes"]
        assert taxes["chosen"] == taxes["cheaper"], taxes  # (the sale asks for the cheaper)

        filer = await signed_in("solar-filer")
        await filer.goto(f"/console/filer/lifecycles/{workflow_id}")
        materials = filer.locator("table.bill[data-basis=materials]")
        finished = filer.locator("table.bill[data-basis=finished_goods]")
        chosen = filer.locator("table.bill.chosen")
        await expect(chosen).to_have_count(1)
        await expect(chosen).to_have_attribute("data-basis", taxes["chosen"])
        await expect(chosen.locator("caption")).to_contain_text("已选择")
        await expect(chosen.locator("caption")).to_contain_text("较低")
        for basis, bill in (("materials", "on_materials"), ("finished_goods", "on_finished_goods")):
            total = filer.locator(f"table.bill[data-basis={basis}] tr.total td")
            await expect(total).to_have_text(money_filter(taxes[bill]["total"]))
        left, right = await materials.bounding_box(), await finished.bounding_box()
        assert left is not None
        assert right is not None
        assert left["y"] == right["y"]
        assert left["x"] + left["width"] <= right["x"]
        payment = filer.locator("form[action$='/payment']")
        amount = payment.locator("input[name=amount]")
        await expect(amount).to_have_value(taxes["payable"]["total"])
        await screenshots.take(filer, "filer-duty-bills")

        await payment.locator("input[name=reference]").fill("ICBC-1")
        await amount.fill("1.00")
        async with filer.expect_response(f"**/{workflow_id}/payment") as sent:
            await payment.locator("button[type=submit]").click()
        assert (await sent.value).status == 409
        await expect(filer.locator(".refusals code.field")).to_have_text("amount")
        screenshots.folder.mkdir(parents=True, exist_ok=True)  # the POST's answer itself
        await filer.screenshot(
            path=str(screenshots.folder / "filer-payment-refused.zh.png"), full_page=True
        )

        payment = filer.locator("form[action$='/payment']")
        await payment.locator("input[name=reference]").fill("ICBC-2")
        await payment.locator("input[name=amount]").fill(taxes["payable"]["total"])
        await payment.locator("button[type=submit]").click()
        await expect(filer.locator(".flash")).to_contain_text("的缴款已确认")
        await api.until(workflow_id, "completed", "awaiting_departure")
        await filer.reload()
        await expect(filer.locator("form[action$='/payment']")).to_have_count(0)
        await screenshots.take(filer, "filer-duties-paid")


async def test_another_enterprise_and_an_auditor_cannot_act_and_a_form_needs_its_token(
    signed_in: SignIn, console_stack: ConsoleStack, screenshots: Screenshots
) -> None:
    """Given an entry of the module maker waiting for sign-off: the cold-chain filer
    opening its page gets "not found"; an auditor's pages have no action, and a POST it
    forges with its own session and valid CSRF token is refused; the module maker's own
    cancel form sent without its token is refused; the entry still waits for sign-off."""
    async with api_of(console_stack) as api:
        body = entry_body(number("TEN"), 3)
        workflow_id = await api.file("first_line_entry", body)
        await api.until(workflow_id, "awaiting_sign_off")
        filer_page = f"/console/filer/lifecycles/{workflow_id}"

        # another enterprise's filer: the same "not found" as a missing one
        other = await signed_in("cold-filer")
        answer = await other.goto(filer_page)
        assert answer is not None
        assert answer.status == 404
        await expect(other.locator("h1")).to_have_text("未找到")
        await expect(other.locator("body")).not_to_contain_text(body["inner_no"])
        await screenshots.take(other, "other-enterprise-not-found")
        answer = await other.goto(f"/console/filer/books/{ids.SOLAR_BOOK}")
        assert answer is not None
        assert answer.status == 404
        await expect(other.locator("h1")).to_have_text("未找到")

        # an auditor: read pages without an action; a forged decision is refused
        auditor = await signed_in("auditor")
        for area in ("balances", "reconciliation", "verification"):
            await auditor.goto(f"/console/auditor/{area}")
            actions = auditor.locator("form[method=post]:not([action='/console/sign-out'])")
            await expect(actions).to_have_count(0)
            await expect(auditor.locator("button.danger, form.decision")).to_have_count(0)
        token = await auditor.locator("input[name=csrf_token]").first.input_value()
        assert token
        for action in (
            f"/console/liaison/lifecycles/{workflow_id}/sign-off",
            f"{filer_page}/cancel",
        ):
            forged = await auditor.request.post(
                action, form={"csrf_token": token, "reason": "forged"}, max_redirects=0
            )
            assert forged.status == 403, (action, forged.status)
            assert "<h1>不允许</h1>" in await forged.text()  # the role, not the token
        answer = await auditor.goto(f"/console/liaison/lifecycles/{workflow_id}")
        assert answer is not None
        assert answer.status == 403
        await screenshots.take(auditor, "auditor-refused-liaison-page")

        # the module maker's own form, its token taken out: refused, nothing done
        filer = await signed_in("solar-filer")
        await filer.goto(filer_page)
        cancel = filer.locator("form[data-action='cancel']")
        await cancel.locator("input[name=csrf_token]").evaluate("input => input.remove()")
        await cancel.locator("input[name=reason]").fill("no token")
        filer.once("dialog", lambda dialog: dialog.accept())
        async with filer.expect_response(f"**{filer_page}/cancel") as sent:
            await cancel.locator("button[type=submit]").click()
        assert (await sent.value).status == 403
        await expect(filer.locator("h1")).to_have_text("表单被拒绝")
        screenshots.folder.mkdir(parents=True, exist_ok=True)  # the POST's answer itself
        await filer.screenshot(
            path=str(screenshots.folder / "filer-form-refused.zh.png"), full_page=True
        )

        await api.until(workflow_id, "awaiting_sign_off", tries=1)
        await filer.goto(filer_page)
        await expect(filer.locator("dd.stage")).to_have_text("待审批")
        await expect(filer.locator("table.timeline")).not_to_contain_text("forged")
        await expect(filer.locator("table.timeline")).not_to_contain_text("no token")
