"""A stocktake through the API on the dev server: the filer opens it, uploads the count
sheet (CSV or XLSX; bad rows refused by row and column, nothing entered), the liaison
accepts the loss with its cause, the filer confirms the duty, and the book is posted."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import openpyxl
import pytest

from demo import ids
from ledger import LedgerQueries
from tests.api.conftest import Api, until_stage
from tests.api.test_queue_api import queue_until

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def _open(live: Api, number: str) -> tuple[str, dict[str, Any]]:
    filed = await live.post(
        "solar-filer",
        "/lifecycles/stocktake",
        json={
            "stocktake_no": live.no(number),
            "book_no": ids.SOLAR_BOOK,
            "locations": [ids.RAW_BIN],
            "counted_at": dt.datetime.now(ids.SHANGHAI).isoformat(),
        },
    )
    assert filed.status_code == 201, filed.text
    workflow_id: str = filed.json()["workflow_id"]
    return workflow_id, await until_stage(live, "solar-filer", workflow_id, "counting")


def _rows(detail: dict[str, Any], **quantities: str) -> list[list[str]]:
    """A row per position the book holds, counted as it says but the lots given."""
    rows = []
    for position in detail["status"]["stocktake"]["expected"]:
        quantity = quantities.get(position["lot_no"], position["quantity"])
        price, currency = ("18.4", "502") if position["lot_no"] == ids.GLASS_LOT else ("", "")
        rows.append(
            [
                str(position["item_no"]),
                position["lot_no"],
                position["location"],
                quantity,
                price,
                currency,
            ]
        )
    return rows


def _csv(rows: list[list[str]]) -> bytes:
    lines = ["item_no,lot_no,location,quantity,unit_price,currency"]
    lines += [",".join(row) for row in rows]
    return ("\n".join(lines) + "\n").encode()


def _xlsx(rows: list[list[str]]) -> bytes:
    """The sheet as a warehouse keeps it: Chinese headers, numbers as numbers."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["备案序号", "批次号", "库位", "盘点数量", "单价", "币制"])
    for item, lot, location, quantity, price, currency in rows:
        sheet.append(
            [
                int(item),
                lot,
                location,
                float(quantity),
                float(price) if price else None,
                currency or None,
            ]
        )
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


async def test_a_count_sheet_with_a_loss_through_to_its_duty_and_the_posting(live: Api) -> None:
    workflow_id, detail = await _open(live, "ST-API-1")
    glass = Decimal(
        next(
            p["quantity"]
            for p in detail["status"]["stocktake"]["expected"]
            if p["lot_no"] == ids.GLASS_LOT
        )
    )
    sheet = f"/lifecycles/{workflow_id}/count-sheet"

    # Bad rows: every one named by its row (the header is row 1) and column.
    rows = _rows(detail)
    rows[1][3] = "many"
    rows.append(["4", "FRM-X", "XN-NOWHERE", "1", "", ""])
    refused = await live.post("solar-filer", sheet, content=_csv(rows))
    assert refused.status_code == 422, refused.text
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["field"] == "rows[3].quantity"
    assert [(e["row"], e["column"]) for e in refused.json()["errors"]] == [(3, "quantity")]

    # The count's own refusals name the row of their line too.
    rows = _rows(detail)
    rows.append(["4", "FRM-X", "XN-NOWHERE", "1", "", ""])
    refused = await live.post(
        "solar-filer",
        sheet,
        content=_csv(rows),
        params={"exchange_rate": "7.123400"},
    )
    assert refused.status_code == 422, refused.text
    assert [e["field"] for e in refused.json()["errors"]] == [f"rows[{len(rows) + 1}].location"]
    still = await until_stage(live, "solar-filer", workflow_id, "counting")
    assert still["status"]["stocktake"]["counted"] == []

    # A good sheet (XLSX, Chinese headers): 2 pieces of glass are missing.
    rows = _rows(detail, **{ids.GLASS_LOT: str(glass - 2)})
    entered = await live.post(
        "solar-filer",
        sheet,
        content=_xlsx(rows),
        params={"exchange_rate": "7.123400"},
    )
    assert entered.status_code == 200, entered.text
    review = await until_stage(live, "liaison", workflow_id, "difference_review")
    (difference,) = review["status"]["stocktake"]["differences"]
    assert difference["lot_no"] == ids.GLASS_LOT
    assert Decimal(difference["difference"]) == -2

    decision = {"item_no": ids.GLASS, "lot_no": ids.GLASS_LOT, "location": ids.RAW_BIN}
    wrong_cause = await live.post(
        "liaison",
        f"/lifecycles/{workflow_id}/difference-review",
        json={"decisions": [decision | {"cause": "found_goods"}], "reason": "on site"},
    )
    assert wrong_cause.status_code == 409, wrong_cause.text
    assert wrong_cause.json()["field"] == "decisions[0].cause"
    accepted = await live.post(
        "liaison",
        f"/lifecycles/{workflow_id}/difference-review",
        json={"decisions": [decision | {"cause": "loss"}], "reason": "两块玻璃破损丢失"},
    )
    assert accepted.status_code == 200, accepted.text

    owing = await until_stage(live, "solar-filer", workflow_id, "awaiting_payment")
    payable = owing["status"]["duties_payable"]
    assert Decimal(payable) > 0
    paid = await live.post(
        "solar-filer",
        f"/lifecycles/{workflow_id}/payment",
        json={"reference": "TAX-2612-01", "amount": payable},
    )
    assert paid.status_code == 200, paid.text
    await until_stage(live, "auditor", workflow_id, "completed")
    rows_after = LedgerQueries(live.db).balances(book_no=ids.SOLAR_BOOK, lot_no=ids.GLASS_LOT)
    assert sum((r.posted for r in rows_after), Decimal(0)) == glass - 2


async def test_only_the_filer_enters_counts(live: Api) -> None:
    workflow_id, detail = await _open(live, "ST-API-2")
    lines = [
        {
            "item_no": p["item_no"],
            "lot_no": p["lot_no"],
            "location": p["location"],
            "quantity": p["quantity"],
        }
        for p in detail["status"]["stocktake"]["expected"]
    ]
    refused = await live.post("liaison", f"/lifecycles/{workflow_id}/counts", json={"lines": lines})
    assert refused.status_code == 403, refused.text
    assert refused.json()["field"] == "role"

    # Every refusal of the counts comes back at once, each naming its line.
    unknown = {"item_no": 99, "lot_no": "X-1", "location": ids.RAW_BIN, "quantity": "1"}
    refused = await live.post(
        "solar-filer", f"/lifecycles/{workflow_id}/counts", json={"lines": [*lines[1:], unknown]}
    )
    assert refused.status_code == 409, refused.text
    assert refused.json()["field"] == f"lines[{len(lines) - 1}].item_no"
    assert [e["field"] for e in refused.json()["errors"]] == [
        f"lines[{len(lines) - 1}].item_no",
        "lines",
    ]
    cancelled = await live.post(
        "solar-filer", f"/lifecycles/{workflow_id}/cancel", json={"reason": "wrong day"}
    )
    assert cancelled.status_code == 200, cancelled.text


async def test_counts_past_their_days_wait_for_the_liaison_in_the_queue(live: Api) -> None:
    """Given a stocktake counted 10 days ago (counts due within 7) and one counted now,
    when the queues are read, then the late one waits for the liaison, escalated,
    with its due date, and the fresh one waits for the filer."""
    late = await live.post(
        "solar-filer",
        "/lifecycles/stocktake",
        json={
            "stocktake_no": live.no("ST-API-LATE"),
            "book_no": ids.SOLAR_BOOK,
            "locations": [ids.RAW_BIN],
            "counted_at": (dt.datetime.now(ids.SHANGHAI) - dt.timedelta(days=10)).isoformat(),
        },
    )
    assert late.status_code == 201, late.text
    late_id = late.json()["workflow_id"]
    fresh_id, _ = await _open(live, "ST-API-FRESH")

    (item,) = await queue_until(
        live, "liaison", [late_id, fresh_id], lambda found: any(i["escalated"] for i in found)
    )
    assert item["workflow_id"] == late_id
    assert item["stage"] == "counting"
    assert "past the deadline" in item["next_step"]
    assert item["actions"] == ["counts", "cancel"]
    counted_on = (dt.datetime.now(ids.SHANGHAI) - dt.timedelta(days=10)).date()
    assert item["due"] == (counted_on + dt.timedelta(days=7)).isoformat()

    (mine,) = await queue_until(live, "solar-filer", [fresh_id], lambda found: len(found) == 1)
    assert mine["lifecycle"] == "stocktake"
    assert mine["escalated"] is False
