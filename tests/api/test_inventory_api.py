"""Stock through the API on the seeded demo: positions with exact balances, now and as
of an instant, the movements of a lot, and each reader seeing the books in its scope.

What the demo posted (demo/opening_history.py, demo/work_order.py): the module maker's
materials on entry list 1 (360,000 cells, 2,600 panes, 6,000 kg EVA, 2,600 frame sets,
2,400 kg backsheet, 2,600 junction boxes), 144,000 more cells on list 2, work order
WO-2603-001 turning materials into 2,400 modules (cells 347,336.68342 by the norm
144 / (1 - 0.005) per module) with 5.6 kg aluminium and 96.5 kg glass offcuts, 2,000
modules exported, 150 sold into China, 100 reserved for a further export; the
cold-chain importer's 18,000 kg honey (6,000 sold into China) and 2,500 kg herbs.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from demo import ids
from tests.api.conftest import Api

pytestmark = pytest.mark.asyncio(loop_scope="session")

SOLAR, COLD = ids.SOLAR_BOOK, ids.COLD_CHAIN_BOOK
MISSING_BOOK = "H96019900999"

# lot -> (item, location, posted, pending_out, pending_in, available)
SOLAR_NOW = {
    ids.CELL_LOT_1: (ids.CELLS, ids.RAW_BIN, "12663.31658", "0", "0", "12663.31658"),
    ids.CELL_LOT_2: (ids.CELLS, ids.RAW_BIN, "144000", "0", "0", "144000"),
    ids.GLASS_LOT: (ids.GLASS, ids.RAW_BIN, "195.19038", "0", "0", "195.19038"),
    ids.EVA_LOT: (ids.EVA, ids.RAW_BIN, "309.27835", "0", "0", "309.27835"),
    ids.FRAME_LOT: (ids.FRAMES, ids.RAW_BIN, "197.5976", "0", "0", "197.5976"),
    ids.BACKSHEET_LOT: (ids.BACKSHEET, ids.RAW_BIN, "171.42857", "0", "0", "171.42857"),
    ids.JUNCTION_BOX_LOT: (ids.JUNCTION_BOX, ids.RAW_BIN, "200", "0", "0", "200"),
    ids.MODULE_LOT: (ids.MODULE, ids.FINISHED_GOODS, "250", "100", "0", "150"),
    ids.SCRAP_LOT: (ids.ALUMINIUM_SCRAP, ids.PLANT, "5.6", "0", "0", "5.6"),
    ids.CULLET_LOT: (ids.GLASS_CULLET, ids.PLANT, "96.5", "0", "0", "96.5"),
}
COLD_NOW = {
    ids.HONEY_LOT: (ids.HONEY, ids.COLD_BIN, "12000", "0", "0", "12000"),
    ids.HERBS_LOT: (ids.HERBS, ids.COLD_BIN, "2500", "0", "0", "2500"),
}


def _by_lot(page: dict[str, Any]) -> dict[str, tuple[Any, ...]]:
    return {
        b["lot_no"]: (
            b["item_no"],
            b["location"],
            b["posted"],
            b["pending_out"],
            b["pending_in"],
            b["available"],
        )
        for b in page["items"]
    }


def _invalid(response: Any, field: str) -> dict[str, Any]:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["field"] == field, body
    return body


def _beijing(instant: str) -> str:
    """An instant from an answer (UTC), written in Beijing time with its offset."""
    return dt.datetime.fromisoformat(instant).astimezone(ids.SHANGHAI).isoformat()


async def test_a_filer_lists_its_own_positions_with_exact_balances(api: Api) -> None:
    """Given the demo, when the module maker's filer lists balances without naming a
    book, then it gets its own book's ten positions, in book, item and key order, with
    exact figures: posted, reserved to leave, expected in, available."""
    response = await api.get("solar-filer", "/inventory/balances")
    assert response.status_code == 200, response.text
    page = response.json()
    assert (page["total"], page["as_of"]) == (10, None)
    assert {b["book_no"] for b in page["items"]} == {SOLAR}
    assert {b["status"] for b in page["items"]} == {"bonded"}
    assert _by_lot(page) == SOLAR_NOW
    assert [b["item_no"] for b in page["items"]] == [1, 1, 2, 3, 4, 5, 6, 10, 20, 21]
    cold = (await api.get("cold-filer", "/inventory/balances")).json()
    assert _by_lot(cold) == COLD_NOW


@pytest.mark.parametrize(
    ("user", "books", "total"),
    [
        ("solar-filer", {SOLAR}, 10),
        ("cold-filer", {COLD}, 2),
        ("solar-auditor", {SOLAR}, 10),
        ("auditor", {SOLAR, COLD}, 12),
        ("liaison", {SOLAR, COLD}, 12),
        ("admin", {SOLAR, COLD}, 12),
    ],
)
async def test_each_reader_lists_only_the_books_in_its_scope(
    api: Api, user: str, books: set[str], total: int
) -> None:
    page = (await api.get(user, "/inventory/balances")).json()
    assert page["total"] == total
    assert {b["book_no"] for b in page["items"]} == books


async def test_balances_are_filtered_by_book_item_lot_location_and_status(api: Api) -> None:
    async def lots(user: str, **params: Any) -> list[str]:
        response = await api.get(user, "/inventory/balances", params=params)
        assert response.status_code == 200, response.text
        return [b["lot_no"] for b in response.json()["items"]]

    assert await lots("solar-filer", item_no=ids.MODULE) == [ids.MODULE_LOT]
    assert await lots("solar-filer", location=ids.PLANT) == [ids.SCRAP_LOT, ids.CULLET_LOT]
    assert await lots("solar-filer", lot_no=ids.CELL_LOT_2) == [ids.CELL_LOT_2]
    assert await lots("auditor", book_no=COLD, item_no=ids.HERBS) == [ids.HERBS_LOT]
    assert await lots("cold-filer", book_no=COLD) == [ids.HONEY_LOT, ids.HERBS_LOT]
    assert await lots("auditor", status="duty_paid") == []
    assert len(await lots("auditor", status="bonded")) == 12
    # Another enterprise's lot, named without its book, is simply not among one's own.
    assert await lots("solar-filer", lot_no=ids.HONEY_LOT) == []


async def test_balances_come_in_pages(api: Api) -> None:
    page = (await api.get("solar-filer", "/inventory/balances?limit=3&offset=8")).json()
    assert (page["total"], page["limit"], page["offset"]) == (10, 3, 8)
    assert [b["lot_no"] for b in page["items"]] == [ids.SCRAP_LOT, ids.CULLET_LOT]


async def test_balances_as_known_at_an_instant_are_as_the_book_stood_then(api: Api) -> None:
    """Given the instants at which the module lot's changes were recorded, when balances
    are asked as known at each (written in Beijing time), then the lot stands as it did:
    2,400 made; 2,000 of them reserved; exported; 150 sold; 100 reserved. As known at
    the instant entry list 1 was recorded, the book held its six material lots in full;
    a microsecond before, nothing; and as of (business time) a microsecond before the
    list occurred, nothing either."""
    history = (
        await api.get("solar-auditor", f"/inventory/lots/{SOLAR}/{ids.MODULE_LOT}/movements")
    ).json()["items"]
    expected = [
        ("2400", "0", "2400"),
        ("2400", "2000", "400"),
        ("400", "0", "400"),
        ("250", "0", "250"),
        ("250", "100", "150"),
    ]
    for change, (posted, pending_out, available) in zip(history, expected, strict=True):
        page = (
            await api.get(
                "solar-filer",
                "/inventory/balances",
                params={"lot_no": ids.MODULE_LOT, "known_at": _beijing(change["recorded_at"])},
            )
        ).json()
        [module] = page["items"]
        assert (module["posted"], module["pending_out"], module["available"]) == (
            posted,
            pending_out,
            available,
        )
        assert dt.datetime.fromisoformat(page["known_at"]) == dt.datetime.fromisoformat(
            change["recorded_at"]
        )

    entry = (
        await api.get("solar-filer", f"/inventory/lots/{SOLAR}/{ids.CELL_LOT_1}/movements")
    ).json()["items"][0]
    first = entry["recorded_at"]
    then = (
        await api.get("solar-filer", "/inventory/balances", params={"known_at": _beijing(first)})
    ).json()
    assert {lot: figures[2] for lot, figures in _by_lot(then).items()} == {
        ids.CELL_LOT_1: "360000",
        ids.GLASS_LOT: "2600",
        ids.EVA_LOT: "6000",
        ids.FRAME_LOT: "2600",
        ids.BACKSHEET_LOT: "2400",
        ids.JUNCTION_BOX_LOT: "2600",
    }
    before = dt.datetime.fromisoformat(first) - dt.timedelta(microseconds=1)
    earlier = await api.get(
        "auditor", "/inventory/balances", params={"known_at": before.isoformat()}
    )
    assert earlier.json()["total"] == 0
    occurred = dt.datetime.fromisoformat(entry["occurred_at"]) - dt.timedelta(microseconds=1)
    not_yet = await api.get(
        "solar-filer", "/inventory/balances", params={"as_of": occurred.isoformat()}
    )
    assert not_yet.json()["total"] == 0


async def test_bad_balance_queries_are_refused_naming_the_parameter(api: Api) -> None:
    naive = _invalid(
        await api.get("auditor", "/inventory/balances?as_of=2026-04-01T00:00:00"), "as_of"
    )
    assert "timezone" in naive["errors"][0]["reason"]
    _invalid(await api.get("auditor", "/inventory/balances?as_of=yesterday"), "as_of")
    out_of_range = _invalid(
        await api.get("auditor", "/inventory/balances", params={"as_of": "0001-01-01T00:00+08:00"}),
        "as_of",
    )
    assert "outside" in out_of_range["detail"]
    _invalid(await api.get("auditor", "/inventory/balances?status=frozen"), "status")
    _invalid(await api.get("auditor", "/inventory/balances?item_no=0"), "item_no")
    _invalid(await api.get("auditor", "/inventory/balances?book_no=X1"), "book_no")
    _invalid(await api.get("auditor", "/inventory/balances?lot_no=a%20b"), "lot_no")
    _invalid(await api.get("auditor", "/inventory/balances?limit=501"), "limit")


async def test_a_lots_movements_say_what_changed_it_who_why_and_what_it_held_after(
    api: Api,
) -> None:
    """Given the module lot, when its movements are read, then each change names its
    document, the actor, the reason, the other account, the change and the balances
    after it: made by the work order, reserved and posted for export, sold, reserved."""
    response = await api.get("solar-auditor", f"/inventory/lots/{SOLAR}/{ids.MODULE_LOT}/movements")
    assert response.status_code == 200, response.text
    page = response.json()
    assert (page["book_no"], page["lot_no"], page["item_no"], page["total"]) == (
        SOLAR,
        ids.MODULE_LOT,
        ids.MODULE,
        5,
    )
    assert [
        (
            m["operation"],
            m["document"]["number"],
            m["actor"],
            m["counterparty"],
            m["delta_posted"],
            m["delta_pending_out"],
            m["posted_after"],
            m["available_after"],
            m["lot_posted_after"],
            m["lot_available_after"],
        )
        for m in page["items"]
    ] == [
        ("post", ids.WORK_ORDER, "planner@9601346001", f"processing|{SOLAR}|10",
         "2400", "0", "2400", "2400", "2400", "2400"),
        ("reserve", ids.EXPORT_LIST, "filer@9601980003", f"abroad|{SOLAR}|10",
         "0", "2000", "2400", "400", "2400", "400"),
        ("post_pending", ids.EXPORT_LIST, "gate@xining-zone", f"abroad|{SOLAR}|10",
         "-2000", "-2000", "400", "400", "400", "400"),
        ("post", ids.DOMESTIC_SALE_LIST, "gate@xining-zone", f"domestic|{SOLAR}|10",
         "-150", "0", "250", "250", "250", "250"),
        ("reserve", ids.PENDING_EXPORT_LIST, "filer@9601980003", f"abroad|{SOLAR}|10",
         "0", "100", "250", "150", "250", "150"),
    ]  # fmt: skip
    first = page["items"][0]
    assert first["document"]["type"] == "work_order"
    assert first["reason"].startswith("2,400 Vertex 550W modules")
    assert first["transaction_client_id"] == f"demo:{ids.WORK_ORDER}:post"
    assert (first["location"], first["status"]) == (ids.FINISHED_GOODS, "bonded")
    # Business time: the work order ran on 20 March at 18:00 in Xining.
    assert dt.datetime.fromisoformat(first["occurred_at"]) == ids.at(2026, 3, 20, 18, 0)


async def test_a_lots_movements_come_in_pages_and_the_running_balance_carries_over(
    api: Api,
) -> None:
    url = f"/inventory/lots/{SOLAR}/{ids.MODULE_LOT}/movements"
    page = (await api.get("solar-filer", url, params={"limit": 2, "offset": 3})).json()
    assert (page["total"], len(page["items"])) == (5, 2)
    assert [(m["document"]["number"], m["lot_available_after"]) for m in page["items"]] == [
        (ids.DOMESTIC_SALE_LIST, "250"),
        (ids.PENDING_EXPORT_LIST, "150"),
    ]
    honey = (
        await api.get("cold-filer", f"/inventory/lots/{COLD}/{ids.HONEY_LOT}/movements")
    ).json()
    assert [
        (m["document"]["number"], Decimal(m["delta_posted"]), Decimal(m["posted_after"]))
        for m in honey["items"]
    ] == [
        (ids.HONEY_ENTRY_LIST, Decimal(18000), Decimal(18000)),
        (ids.HONEY_SALE_LIST, Decimal(-6000), Decimal(12000)),
    ]


async def test_a_missing_lot_or_book_is_not_found_naming_which(api: Api) -> None:
    lot = await api.get("solar-filer", f"/inventory/lots/{SOLAR}/NO-SUCH-LOT/movements")
    assert lot.status_code == 404
    assert lot.headers["content-type"] == "application/problem+json"
    assert lot.json()["field"] == "lot_no"
    book = await api.get("auditor", f"/inventory/lots/{MISSING_BOOK}/{ids.MODULE_LOT}/movements")
    assert (book.status_code, book.json()["field"]) == (404, "book_no")
    listing = await api.get("auditor", "/inventory/balances", params={"book_no": MISSING_BOOK})
    assert (listing.status_code, listing.json()["field"]) == (404, "book_no")
    _invalid(await api.get("auditor", f"/inventory/lots/H1/{ids.MODULE_LOT}/movements"), "book_no")
