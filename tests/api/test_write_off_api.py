"""GET /books/{book_no}/write-off: the write-off statement (核销表) of a processing book
for its readers, as JSON (every figure with its documents), CSV and XLSX.

The demo's solar book: in March 504000 cells and the other materials enter and the work
order makes 2400 modules (by the norm: 144 cells at 0.5 % loss each); in April 2000 modules are
exported on list E...201 and 150 sold into China on E...202, 250 stay."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import load_workbook

from demo import ids
from reports.reconciliation import XLSX
from tests.api.conftest import Api

SOLAR, COLD = ids.SOLAR_BOOK, ids.COLD_CHAIN_BOOK
APRIL = {"start": "2026-04-01", "end": "2026-05-01"}
EXPORT, SALE = "QD960126E000000201", "QD960126E000000202"


def _line(report: dict[str, Any], section: str, item_no: int) -> dict[str, Any]:
    lines: list[dict[str, Any]] = report[section]
    (line,) = [line for line in lines if line["item"]["item_no"] == item_no]
    return line


@pytest.mark.parametrize("reader", ["solar-filer", "solar-auditor", "auditor", "liaison"])
async def test_readers_of_the_book_get_april_with_each_figure_and_its_documents(
    api: Api, reader: str
) -> None:
    response = await api.get(reader, f"/books/{SOLAR}/write-off", params=APRIL)
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["book_no"] == SOLAR
    assert report["timezone"] == "Asia/Shanghai"
    statement = report["statement"]
    assert (statement["counted"], statement["balanced"], statement["unfolded"]) == (
        False,
        None,
        [],
    )
    cells = _line(statement, "materials", ids.CELLS)
    assert cells["opening_stock"]["quantity"] == "156663.31658"
    # the 2400 modules in stock on 1 April hold their cells by the norm
    assert cells["opening_in_finished"]["quantity"] == "347336.68342"
    assert cells["consumed_exported"]["sources"] == [
        {
            "transaction": f"demo:{EXPORT}:departed",
            "document_type": "bonded_list",
            "document_no": EXPORT,
            "quantity": "289447.23618",  # 2000 modules x 144 / (1 - 0.005)
        }
    ]
    assert [s["document_no"] for s in cells["consumed_sold"]["sources"]] == [SALE]
    assert cells["consumed_sold"]["quantity"] == "21708.54271"
    assert cells["theoretical_closing"]["quantity"] == "192844.22111"
    assert (cells["counted"], cells["difference"]) == (None, None)
    modules = _line(statement, "finished_goods", ids.MODULE)
    assert [
        Decimal(modules[figure]["quantity"])
        for figure in ("opening_stock", "produced", "exported", "sold", "theoretical_closing")
    ] == [2400, 0, 2000, 150, 250]
    assert modules["exported"]["quantity"] == "2000"  # plain text, however the ledger scaled it


async def test_the_statement_downloads_as_csv_and_as_xlsx(api: Api) -> None:
    url = f"/books/{SOLAR}/write-off"
    as_csv = await api.get("solar-filer", url, params=APRIL | {"format": "csv"})
    assert as_csv.status_code == 200, as_csv.text
    assert as_csv.headers["content-type"].startswith("text/csv")
    assert as_csv.headers["content-disposition"] == (
        f'attachment; filename="write-off-{SOLAR}-20260401-20260430.csv"'
    )
    header, first, *_ = as_csv.text.splitlines()
    assert header.startswith("section,item_no,part_no,name,unit,opening_stock")
    assert first.startswith("materials,1,")
    as_xlsx = await api.client.get(
        url, params=APRIL, headers=api.auth("auditor") | {"Accept": XLSX}
    )
    assert as_xlsx.status_code == 200, as_xlsx.text
    assert as_xlsx.headers["content-type"] == XLSX
    book = load_workbook(io.BytesIO(as_xlsx.content))
    rows = [list(r) for r in book["核销表 Statement"].iter_rows(values_only=True)]
    assert rows[1][:2] == ["账册编号 Book no.", SOLAR]
    documents = [list(r) for r in book["单证 Documents"].iter_rows(values_only=True)]
    assert any(row[2] == "consumed_exported" and row[4] == EXPORT for row in documents)


@pytest.mark.parametrize(
    ("user", "book_no", "params", "status", "field"),
    [
        ("cold-filer", SOLAR, APRIL, 404, "book_no"),  # another enterprise's book
        ("cold-filer", COLD, APRIL, 422, "book_no"),  # a logistics book is not written off
        ("solar-filer", SOLAR, {"start": "2026-05-01", "end": "2026-04-01"}, 422, "end"),
        ("solar-filer", SOLAR, {"start": "2026-04-01", "end": "2026-04-01"}, 422, "end"),
        ("solar-filer", SOLAR, {"start": "2026-04-31", "end": "2026-05-01"}, 422, "start"),
        ("solar-filer", SOLAR, {"start": "2026-04-01"}, 422, "end"),
        ("solar-filer", SOLAR, APRIL | {"format": "pdf"}, 422, "format"),
    ],
)
async def test_bad_requests_are_problems_naming_the_field(
    api: Api, user: str, book_no: str, params: dict[str, str], status: int, field: str
) -> None:
    response = await api.get(user, f"/books/{book_no}/write-off", params=params)
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["field"] == field
