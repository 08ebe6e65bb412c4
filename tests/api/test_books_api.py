"""Books, items and norms through the API: a filer registers its own enterprise's,
reads them back exactly, and is refused for another enterprise's."""

from __future__ import annotations

from decimal import Decimal

import pytest

from demo import ids
from ledger import LedgerQueries
from tests.api.conftest import Api

pytestmark = pytest.mark.asyncio(loop_scope="session")

NEW_BOOK = "H96012600077"


async def test_a_filer_opens_a_book_registers_an_item_and_a_norm_and_reads_them(
    api: Api,
) -> None:
    book = {
        "book_no": NEW_BOOK,
        "book_type": "H",
        "enterprise_customs_code": ids.SOLAR_CUSTOMS_CODE,
        "valid_from": "2026-01-01",
        "valid_to": "2027-12-31",
        "customs_district": "9601",
    }
    opened = await api.post("solar-filer", "/books", json=book)
    assert opened.status_code == 201, opened.text
    assert opened.json()["enterprise_code"] == ids.SOLAR_CUSTOMS_CODE
    for item_no, finished, unit in ((1, False, "007"), (2, True, "007")):
        item = {
            "book_no": NEW_BOOK,
            "item_no": item_no,
            "part_no": f"P-{item_no}",
            "hs_code": "8541430000" if finished else "8541420000",
            "name": "光伏组件" if finished else "太阳能电池片",
            "declared_unit": unit,
            "first_legal_unit": unit,
            "first_legal_factor": "1",
            "is_finished_good": finished,
        }
        created = await api.post("solar-filer", f"/books/{NEW_BOOK}/items", json=item)
        assert created.status_code == 201, created.text
    norm = {
        "book_no": NEW_BOOK,
        "finished_item_no": 2,
        "material_item_no": 1,
        "version": 1,
        "net_consumption": "144",
        "loss_rate": "0.003",
        "effective_from": "2026-01-01",
    }
    registered = await api.post("solar-filer", f"/books/{NEW_BOOK}/norms", json=norm)
    assert registered.status_code == 201, registered.text
    assert registered.json()["net_consumption"] == "144"

    items = (await api.get("auditor", f"/books/{NEW_BOOK}/items")).json()
    assert [(i["item_no"], i["is_finished_good"]) for i in items["items"]] == [
        (1, False),
        (2, True),
    ]
    norms = (await api.get("solar-filer", f"/books/{NEW_BOOK}/norms")).json()
    assert [
        (n["finished_item_no"], n["material_item_no"], n["loss_rate"]) for n in norms["items"]
    ] == [(2, 1, "0.003")]
    # Registering the same again changes nothing; the same version with other figures
    # is refused.
    again = await api.post("solar-filer", f"/books/{NEW_BOOK}/norms", json=norm)
    assert (again.status_code, again.json()) == (201, registered.json())
    changed = await api.post(
        "solar-filer", f"/books/{NEW_BOOK}/norms", json=norm | {"net_consumption": "145"}
    )
    assert changed.status_code == 409

    # Another enterprise may neither open a book for this one nor see this book.
    foreign = await api.post("cold-filer", "/books", json=book | {"book_no": "H96012600078"})
    assert foreign.status_code == 404
    assert foreign.json()["field"] == "enterprise_customs_code"
    assert (await api.get("cold-filer", f"/books/{NEW_BOOK}")).status_code == 404
    # The path and the body must name the same book.
    mismatch = await api.post(
        "solar-filer", f"/books/{ids.SOLAR_BOOK}/norms", json=norm | {"version": 2}
    )
    assert mismatch.status_code == 422
    assert mismatch.json()["field"] == "book_no"


async def test_a_books_lots_are_listed_with_their_stock_and_only_in_scope(api: Api) -> None:
    page = await api.get("solar-filer", f"/books/{ids.SOLAR_BOOK}/lots", params={"limit": 500})
    assert page.status_code == 200, page.text
    lots = {lot["lot_no"]: lot for lot in page.json()["items"]}
    assert page.json()["total"] == len(lots)
    assert list(lots) == sorted(lots)
    for lot_no, lot in lots.items():
        # The ledger's own positions of the lot are the reference.
        positions, _ = LedgerQueries(api.db).positions(book_no=ids.SOLAR_BOOK, lot_no=lot_no)
        assert Decimal(lot["posted"]) == sum((p.posted for p in positions), Decimal(0))
        assert Decimal(lot["available"]) == sum((p.available for p in positions), Decimal(0))
        assert lot["positions"] == len(positions)
    assert any(Decimal(lot["posted"]) > 0 for lot in lots.values())
    first = await api.get("auditor", f"/books/{ids.SOLAR_BOOK}/lots", params={"limit": 1})
    assert [lot["lot_no"] for lot in first.json()["items"]] == [min(lots)]

    foreign = await api.get("cold-filer", f"/books/{ids.SOLAR_BOOK}/lots")
    assert foreign.status_code == 404
    assert foreign.json()["field"] == "book_no"
    scoped = await api.get("solar-auditor", f"/books/{ids.COLD_CHAIN_BOOK}/lots")
    assert scoped.status_code == 404
