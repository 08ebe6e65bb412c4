"""In Chromium, on the live stack: the liaison's decision forms on real lifecycles.
Customs sends an entry to inspection and its vehicle's weight is held at the gate; a
work order uses more cells than the norm allows. The liaison decides each on the
item's page and the workflow moves on; a decision sent from a page that is no longer
current (a second tab) is refused, and the page shows the workflow's reason."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from playwright.async_api import Page, expect

from access import AccessService
from tests.api.conftest import entry_body
from tests.console.browser import ConsoleStack, Screenshots, SignIn
from tests.workflows.test_processing import work_order

pytestmark = pytest.mark.asyncio(loop_scope="session")


@contextlib.contextmanager
def customs_inspects_and_holds(stack: ConsoleStack) -> Iterator[None]:
    """The simulator sends every declaration to inspection and holds every vehicle on
    the scale while the block runs (its decisions are drawn when it reads a filing)."""
    simulator = stack.zone.simulator
    before = simulator.behaviour
    simulator.behaviour = before.model_copy(
        update={"inspection_rate": 1.0, "inspection_seconds": 2.0, "weight_hold_rate": 1.0}
    )
    try:
        yield
    finally:
        simulator.behaviour = before


class Api:
    """The API as the tests' filer and liaison (to file and to watch the stage)."""

    def __init__(self, stack: ConsoleStack, client: httpx.AsyncClient) -> None:
        access = AccessService(stack.db)
        self.tokens = {u: access.issue_token(u).token for u in ("solar-filer", "liaison")}
        self.client = client

    async def call(self, user: str, method: str, url: str, **kwargs: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.tokens[user]}"}
        return await self.client.request(method, url, headers=headers, **kwargs)

    async def file(self, lifecycle: str, body: dict[str, Any]) -> str:
        filed = await self.call("solar-filer", "POST", f"/lifecycles/{lifecycle}", json=body)
        assert filed.status_code == 201, filed.text
        workflow_id: str = filed.json()["workflow_id"]
        return workflow_id

    async def until(self, workflow_id: str, *stages: str, tries: int = 600) -> None:
        stage = ""
        for _ in range(tries):
            shown = await self.call("liaison", "GET", f"/lifecycles/{workflow_id}")
            stage = shown.json()["status"]["stage"]
            if stage in stages:
                return
            await asyncio.sleep(0.1)
        raise AssertionError(f"{workflow_id} still {stage}, not {stages}")


@contextlib.asynccontextmanager
async def api_of(stack: ConsoleStack) -> AsyncIterator[Api]:
    async with httpx.AsyncClient(base_url=stack.base_url, timeout=30) as client:
        yield Api(stack, client)


async def decide(page: Page, action: str, reason: str, choice: str | None = None) -> None:
    form = page.locator(f"form[data-action='{action}']")
    if choice is not None:
        await form.locator(f"input[type=radio][value={choice}]").check()
    await form.locator("input[name=reason]").fill(reason)
    await form.locator("button[type=submit]").click()


async def test_the_liaison_records_an_inspection_and_a_weight_decision_and_a_stale_tab_is_refused(
    signed_in: SignIn, console_stack: ConsoleStack, screenshots: Screenshots
) -> None:
    """Given an entry customs sends to inspection, when the liaison records a passed
    inspection on its page, then it moves on to the gate; the same form sent again from
    a second tab is refused with the workflow's reason on the page. When the scale holds
    the vehicle, the liaison lets it through on the page and the goods are posted."""
    number = f"BD-{uuid.uuid4().hex[:8]}"
    async with api_of(console_stack) as api:
        with customs_inspects_and_holds(console_stack):
            workflow_id = await api.file("first_line_entry", entry_body(number, 3))
            await api.until(workflow_id, "awaiting_sign_off")
            signed = await api.call(
                "liaison", "POST", f"/lifecycles/{workflow_id}/sign-off", json={"reason": "ok"}
            )
            assert signed.status_code == 200, signed.text
            await api.until(workflow_id, "inspection")

            page = await signed_in("liaison")
            item = f"/console/liaison/lifecycles/{workflow_id}"
            await page.goto(item)
            stale = await page.context.new_page()
            await stale.goto(item)
            await expect(page.locator("dd.stage")).to_have_attribute("data-stage", "inspection")
            await screenshots.take(page, "liaison-inspection")

            await decide(page, "inspection", "货证相符，查验通过", choice="true")
            await expect(page.locator(".flash")).to_have_text("已办理：录入查验结果。")
            timeline = page.locator("table.timeline")
            await expect(timeline).to_contain_text("查验通过：货证相符，查验通过")  # event: reason
            await expect(page.locator("dd.next-step")).not_to_contain_text("record")

            await decide(stale, "inspection", "重复提交", choice="true")
            refusal = stale.locator(".refusals")
            await expect(refusal.locator("code.field")).to_have_text("stage")
            await expect(refusal.locator(".reason")).to_contain_text(
                "cannot record an inspection while"
            )
            screenshots.folder.mkdir(parents=True, exist_ok=True)  # the POST's answer itself
            await stale.screenshot(
                path=str(screenshots.folder / "liaison-inspection-refused.zh.png"), full_page=True
            )
            # Reloaded or switched to English, the decision's address is the item's page.
            await stale.goto(f"{item}/inspection?lang=en")
            await expect(stale).to_have_url(f"{console_stack.base_url}{item}?lang=en")
            await expect(stale.locator("h1")).to_contain_text("first-line entry")
            await stale.goto(f"{item}?lang=zh")  # (the choice is the context's cookie)

            await api.until(workflow_id, "weight_hold")
        await page.reload()
        await expect(page.locator("dd.stage")).to_have_attribute("data-stage", "weight_hold")
        await expect(page.locator("dd.next-step")).to_have_text("处理称重差异")
        await expect(page.locator("table.timeline")).to_contain_text("地磅称重与申报重量不符")
        await screenshots.take(page, "liaison-weight-hold")
        await decide(page, "weight-decision", "复磅差异系集装箱配重，放行", choice="true")
        await expect(page.locator(".flash")).to_contain_text("已办理")
        await expect(page.locator("table.timeline")).to_contain_text(
            "称重差异已接受：准予过卡：复磅差异系集装箱配重"
        )
        await api.until(workflow_id, "completed")
        await page.reload()
        await expect(page.locator("dd.stage")).to_have_attribute("data-stage", "completed")
        await expect(page.locator("form.decision")).to_have_count(0)


async def test_the_liaison_approves_a_work_orders_deviation_from_the_norm(
    signed_in: SignIn, console_stack: ConsoleStack, screenshots: Screenshots
) -> None:
    """Given a work order that used 1600 cells where the norm allows about 1444, when the
    liaison approves the deviation with a reason on its page, then it is posted."""
    number = f"WB-{uuid.uuid4().hex[:6]}"
    body = work_order(number, cells="1600").model_dump(mode="json")
    del body["filed_by"]
    async with api_of(console_stack) as api:
        workflow_id = await api.file("processing", body)
        await api.until(workflow_id, "norm_deviation")
        page = await signed_in("liaison")
        await page.goto(f"/console/liaison/lifecycles/{workflow_id}")
        await expect(page.locator("dd.stage")).to_have_attribute("data-stage", "norm_deviation")
        await screenshots.take(page, "liaison-norm-deviation")
        await decide(page, "deviation-approval", "新批次电池片碎片率偏高，已核实")
        await expect(page.locator(".flash")).to_have_text("已办理：批准单耗超差。")
        await expect(page.locator("table.timeline")).to_contain_text("新批次电池片碎片率偏高")
        await api.until(workflow_id, "completed")
        await page.reload()
        await expect(page.locator("dd.stage")).to_have_attribute("data-stage", "completed")
