"""A book's items and norms uploaded as CSV or XLSX: all or nothing, every bad row in
the problem's `errors`, the same file twice creating nothing; only the book's own
filer (or an admin) imports, and the upload is capped while it streams."""

from __future__ import annotations

import pytest

import api.masterdata.endpoints as masterdata_endpoints
from demo import ids
from tests.api.conftest import Api
from tests.support.sheets import (
    CHINESE_ITEM_HEADER,
    ITEM_HEADER,
    ITEMS,
    NORM_HEADER,
    csv_bytes,
    xlsx_bytes,
)

pytestmark = pytest.mark.asyncio(loop_scope="session")

NEW_BOOK = "H96012600079"


async def _open_book(api: Api) -> None:
    book = {
        "book_no": NEW_BOOK,
        "book_type": "H",
        "enterprise_customs_code": ids.SOLAR_CUSTOMS_CODE,
        "valid_from": "2026-01-01",
        "valid_to": "2027-12-31",
        "customs_district": "9601",
    }
    assert (await api.post("solar-filer", "/books", json=book)).status_code == 201


async def test_a_filer_imports_items_then_norms_and_the_same_files_again_change_nothing(
    api: Api,
) -> None:
    await _open_book(api)
    items = xlsx_bytes(CHINESE_ITEM_HEADER, ITEMS)
    url = f"/books/{NEW_BOOK}/items/import"
    first = await api.post("solar-filer", url, content=items)
    assert first.status_code == 200, first.text
    assert first.json() == {"book_no": NEW_BOOK, "created": 3, "unchanged": 0}
    again = await api.post("solar-filer", url, content=items)
    assert again.json() == {"book_no": NEW_BOOK, "created": 0, "unchanged": 3}

    norms = csv_bytes(NORM_HEADER, [(3, 1, 1, "144", "0.003", "2026-01-01")])
    imported = await api.post("solar-filer", f"/books/{NEW_BOOK}/norms/import", content=norms)
    assert imported.json()["created"] == 1
    listed = (await api.get("solar-filer", f"/books/{NEW_BOOK}/norms")).json()["items"]
    assert [(n["material_item_no"], n["loss_rate"]) for n in listed] == [(1, "0.003")]


async def test_bad_rows_are_listed_as_data_and_nothing_is_imported(api: Api) -> None:
    await _open_book(api)
    rows = [ITEMS[0], (2, "GLASS-1", "70071900", "光伏玻璃", "007", "035", "20.6", "料件")]
    refused = await api.post(
        "solar-filer", f"/books/{NEW_BOOK}/items/import", content=csv_bytes(ITEM_HEADER, rows)
    )
    assert refused.status_code == 422
    assert refused.headers["content-type"] == "application/problem+json"
    problem = refused.json()
    assert problem["field"] == "rows[3].hs_code"
    assert [(e["row"], e["column"]) for e in problem["errors"]] == [(3, "hs_code")]
    listed = await api.get("solar-filer", f"/books/{NEW_BOOK}/items")
    assert listed.json()["items"] == []


async def test_only_the_books_filer_or_an_admin_imports(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    await _open_book(api)
    url = f"/books/{NEW_BOOK}/items/import"
    data = csv_bytes(ITEM_HEADER, ITEMS)
    foreign = await api.post("cold-filer", url, content=data)
    assert foreign.status_code == 404
    assert foreign.json()["field"] == "book_no"
    assert (await api.post("auditor", url, content=data)).status_code == 403
    monkeypatch.setattr(masterdata_endpoints, "MAX_IMPORT", 100)
    assert (await api.post("admin", url, content=data)).status_code == 413
