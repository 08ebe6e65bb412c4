"""A stocktake (盘点) on the console's pages in process, on the workflow tests' live
zone: the filer opens it from a form, a count sheet's bad row is named by its row and
column, the counts form names the input to fix; the liaison reads the stocktake as a
document (labels, Beijing time, the locations as a list), reviews each difference in
one form of rows made from the actions table (a wrong cause refused by its path, a
loss accepted, a difference sent back for a recount) and the filer recounts and pays
the duty on the loss."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest

from demo import ids
from tests.api.conftest import Api, live, until_stage
from tests.api.test_stocktake_api import _csv, _rows
from tests.console.conftest import Browser, Console, csrf_of
from tests.console.test_liaison_pages import pages
from tests.workflows.conftest import zone

__all__ = ["live", "pages", "zone"]

pytestmark = pytest.mark.asyncio(loop_scope="session")

FILER = "/console/filer"
NEW = f"{FILER}/stocktakes/new"


async def opened(filer: Browser, live: Api, number: str) -> tuple[str, dict[str, Any]]:
    """A stocktake of the solar book's raw-material bin opened from the form, counting."""
    now = dt.datetime.now(ids.SHANGHAI).strftime("%Y-%m-%dT%H:%M:%S")
    sent = await filer.submit(
        NEW,
        NEW,
        stocktake_no=live.no(number),
        book_no=ids.SOLAR_BOOK,
        locations=f" {ids.RAW_BIN} ",
        counted_at=now,
    )
    assert sent.status_code == 303, sent.text
    workflow_id = sent.headers["location"].rsplit("/", 1)[1]
    return workflow_id, await until_stage(live, "solar-filer", workflow_id, "counting")


def count_fields(detail: dict[str, Any], **quantities: str) -> dict[str, str]:
    """The counts form as the filer fills it: each row's position (the page's hidden
    inputs) and its quantity, the book's unless given by lot."""
    fields: dict[str, str] = {}
    for index, p in enumerate(detail["status"]["stocktake"]["expected"]):
        at = f"lines[{index}]"
        fields |= {
            f"{at}.item_no": str(p["item_no"]),
            f"{at}.lot_no": p["lot_no"],
            f"{at}.location": p["location"],
            f"{at}.status": p["status"],
            f"{at}.quantity": quantities.get(p["lot_no"], p["quantity"]),
        }
    return fields


def row_of(detail: dict[str, Any], lot_no: str) -> int:
    expected = detail["status"]["stocktake"]["expected"]
    return next(i for i, p in enumerate(expected) if p["lot_no"] == lot_no)


async def test_a_filer_opens_a_stocktake_and_a_bad_sheet_row_and_a_missing_price_are_named(
    pages: Console, live: Api
) -> None:
    async with pages.browser() as filer:
        await filer.sign_in("solar-filer")
        form = await filer.get(NEW)
        assert form.status_code == 200
        assert ids.SOLAR_BOOK in form.text  # the filer's books to choose from
        refused = await filer.submit(
            NEW, NEW, stocktake_no=live.no("ST-C-0"), book_no=ids.SOLAR_BOOK, counted_at="x"
        )
        assert refused.status_code == 422
        fields = re.findall(r'<code class="field">([^<]+)</code>', refused.text)
        assert "locations" in fields
        assert "counted_at" in fields

        workflow_id, detail = await opened(filer, live, "ST-C-1")
        page = f"{FILER}/lifecycles/{workflow_id}"
        shown = await filer.get(page)
        assert 'data-action="counts"' in shown.text
        assert 'data-action="count-sheet"' in shown.text
        assert f'data-lot="{ids.GLASS_LOT}"' in shown.text
        assert "账面结存" in shown.text

        # A sheet with a bad quantity on its third row: the row and column named.
        rows = _rows(detail)
        rows[1][3] = "many"
        token = csrf_of(shown.text)
        sheet = await filer.client.post(
            f"{page}/count-sheet",
            data={"csrf_token": token, "exchange_rate": "7.123400"},
            files={"sheet": ("count.csv", _csv(rows), "text/csv")},
        )
        assert sheet.status_code == 422, sheet.text
        assert 'data-row="3"' in sheet.text
        assert "列 quantity" in sheet.text
        assert "rows[3].quantity" in sheet.text

        # The form: 2 pieces of glass short without their customs value.
        glass = Decimal(
            detail["status"]["stocktake"]["expected"][row_of(detail, ids.GLASS_LOT)]["quantity"]
        )
        short = count_fields(detail, **{ids.GLASS_LOT: str(glass - 2)})
        at = f"lines[{row_of(detail, ids.GLASS_LOT)}]"
        no_price = await filer.submit(page, f"{page}/counts", **short)
        assert no_price.status_code == 409, no_price.text
        assert f"{at}.unit_price" in no_price.text
        typed = re.search(rf'name="{re.escape(at)}\.quantity"[^>]* value="([^"]*)"', no_price.text)
        assert typed is not None
        assert typed.group(1) == str(glass - 2)  # what was typed, kept

        priced = short | {
            f"{at}.unit_price": "18.4",
            f"{at}.currency": "502",
            "exchange_rate": "7.123400",
        }
        entered = await filer.submit(page, f"{page}/counts", **priced)
        assert entered.status_code == 303, entered.text
        review = await until_stage(live, "solar-filer", workflow_id, "difference_review")
        assert len(review["status"]["stocktake"]["differences"]) == 1

        after = await filer.get(page)
        assert 'data-state="open"' in after.text

    # Another enterprise's filer: the stocktake is not found, whatever is posted.
    async with pages.browser() as cold:
        await cold.sign_in("cold-filer")
        assert (await cold.get(page)).status_code == 404
        counted = await cold.submit(NEW, f"{page}/counts", **priced)
        assert counted.status_code == 404
        uploaded = await cold.client.post(
            f"{page}/count-sheet",
            data={"csrf_token": csrf_of((await cold.get(NEW)).text)},
            files={"sheet": ("count.csv", _csv(_rows(detail)), "text/csv")},
        )
        assert uploaded.status_code == 404


async def test_the_liaison_reviews_each_difference_on_one_form_and_the_filer_pays_the_duty(
    pages: Console, live: Api
) -> None:
    async with pages.browser() as filer, pages.browser() as liaison:
        await filer.sign_in("solar-filer")
        await liaison.sign_in("liaison")
        workflow_id, detail = await opened(filer, live, "ST-C-2")
        expected = detail["status"]["stocktake"]["expected"]
        glass = Decimal(expected[row_of(detail, ids.GLASS_LOT)]["quantity"])
        frames = Decimal(expected[row_of(detail, ids.FRAME_LOT)]["quantity"])
        page = f"{FILER}/lifecycles/{workflow_id}"
        at = f"lines[{row_of(detail, ids.GLASS_LOT)}]"
        counts = count_fields(
            detail, **{ids.GLASS_LOT: str(glass - 2), ids.FRAME_LOT: str(frames + 3)}
        ) | {f"{at}.unit_price": "18.4", f"{at}.currency": "502", "exchange_rate": "7.123400"}
        entered = await filer.submit(page, f"{page}/counts", **counts)
        assert entered.status_code == 303, entered.text
        await until_stage(live, "liaison", workflow_id, "difference_review")

        item = f"/console/liaison/lifecycles/{workflow_id}"
        shown = await liaison.get(item)
        assert shown.status_code == 200
        # The document: labels in the page's language, the time in Beijing, the
        # locations as a list of codes (no Python tuple, no field names).
        assert "盘点库位" in shown.text
        assert "盘点时点" in shown.text
        assert f"<li><code>{ids.RAW_BIN}</code></li>" in shown.text
        assert "('" not in shown.text
        assert "stocktake_no" not in shown.text
        assert 'data-action="difference-review"' in shown.text
        # One row per open difference, the causes that fit it offered.
        names = re.findall(r'name="(decisions\[\d+\]\.\w+)"', shown.text)
        assert "decisions[0].cause" in names
        assert "decisions[1].recount" in names
        open_ones = [
            d["lot_no"]
            for d in (await until_stage(live, "liaison", workflow_id, "difference_review"))[
                "status"
            ]["stocktake"]["differences"]
        ]
        rows = {lot: i for i, lot in enumerate(open_ones)}
        g, f = f"decisions[{rows[ids.GLASS_LOT]}]", f"decisions[{rows[ids.FRAME_LOT]}]"

        def decisions(**more: str) -> dict[str, str]:
            fields = {"reason": "现场核实"}
            for lot, item_no, at_ in (
                (ids.GLASS_LOT, ids.GLASS, g),
                (ids.FRAME_LOT, ids.FRAMES, f),
            ):
                fields |= {
                    f"{at_}.item_no": str(item_no),
                    f"{at_}.lot_no": lot,
                    f"{at_}.location": ids.RAW_BIN,
                    f"{at_}.status": "bonded",
                }
            return fields | more

        wrong = await liaison.submit(
            item,
            f"{item}/difference-review",
            **decisions(**{f"{g}.cause": "found_goods", f"{f}.recount": "true"}),
        )
        assert wrong.status_code == 409, wrong.text
        assert f"{g}.cause" in wrong.text
        accepted = await liaison.submit(
            item,
            f"{item}/difference-review",
            **decisions(**{f"{g}.cause": "loss", f"{f}.recount": "true"}),
        )
        assert accepted.status_code == 303, accepted.text
        recounting = await until_stage(live, "solar-filer", workflow_id, "counting")
        states = {d["lot_no"]: d["state"] for d in recounting["status"]["stocktake"]["differences"]}
        assert states == {ids.GLASS_LOT: "accepted", ids.FRAME_LOT: "recount"}

        # The recount form holds only the position sent back.
        form = await filer.get(page)
        assert re.findall(r'name="(lines\[\d+\]\.lot_no)" value="([^"]+)"', form.text) == [
            ("lines[0].lot_no", ids.FRAME_LOT)
        ]
        recount = {
            "lines[0].item_no": str(ids.FRAMES),
            "lines[0].lot_no": ids.FRAME_LOT,
            "lines[0].location": ids.RAW_BIN,
            "lines[0].status": "bonded",
            "lines[0].quantity": str(frames),
        }
        recounted = await filer.submit(page, f"{page}/counts", **recount)
        assert recounted.status_code == 303, recounted.text

        owing = await until_stage(live, "solar-filer", workflow_id, "awaiting_payment")
        payable = owing["status"]["duties_payable"]
        on_liaison = await liaison.get(item)
        assert "stocktake-duty" in on_liaison.text
        bill = await filer.get(page)
        assert "stocktake-duty" in bill.text
        assert f'name="amount" required inputmode="decimal" value="{payable}"' in bill.text
        paid = await filer.submit(page, f"{page}/payment", reference="TAX-C-2", amount=payable)
        assert paid.status_code == 303, paid.text
        await until_stage(live, "auditor", workflow_id, "completed")
