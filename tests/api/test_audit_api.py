"""What an auditor asks through the API, on the seeded demo: a lot's trace (redacted
where it crosses into a book out of the reader's scope), the audit chain's
verification, a book's reconciliation over Beijing days (JSON and CSV), and, for
every inventory and audit route, another enterprise's book answering exactly as a
missing one."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import text

from access import AccessService
from api.app import create_app
from demo import ids
from demo.postings import KG, bonded, leg, movement, post_reservation
from ledger import Ledger
from masterdata import MasterData
from reports.reconciliation import XLSX
from rules.credit_code import build_credit_code
from schemas.access import UserIn, UserRole
from schemas.codes import BookType, DocumentType, EnterpriseRole, OutsideKind
from schemas.ledger import LineageInput, LotRef, OutsideRef
from schemas.masterdata import AccountBookIn, BookItemIn, EnterpriseIn, LotIn
from tests.api.conftest import Api, no_temporal

pytestmark = pytest.mark.asyncio(loop_scope="session")

SOLAR, COLD = ids.SOLAR_BOOK, ids.COLD_CHAIN_BOOK
MISSING_BOOK = "H96019900999"


def _invalid(response: Any, field: str) -> dict[str, Any]:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["field"] == field, body
    return body


def _steps(lot: dict[str, Any]) -> list[tuple[str | None, str, str]]:
    return [
        (s["document"]["number"] if s["document"] else None, s["outside"], s["quantity"])
        for s in lot["steps"]
    ]


# --- traces ------------------------------------------------------------------------------


async def test_a_module_lot_traced_backward_reaches_the_entry_list_of_every_material(
    api: Api,
) -> None:
    """Given the demo, when the module lot is traced backward, then it was made by the
    work order (2,400 modules) of each material lot in the quantity the norms gave, and
    each material lot came in on entry list 1 from abroad."""
    response = await api.get(
        "solar-auditor", f"/audit/lots/{SOLAR}/{ids.MODULE_LOT}/trace?direction=backward"
    )
    assert response.status_code == 200, response.text
    report = response.json()
    assert (report["direction"], report["redacted"]) == ("backward", 0)
    module = report["trace"]
    assert (module["book_no"], module["lot_no"], module["item_no"]) == (
        SOLAR,
        ids.MODULE_LOT,
        ids.MODULE,
    )
    assert _steps(module) == [(ids.WORK_ORDER, "processing", "2400")]
    assert [
        (link["quantity"], link["out_of_scope"], link["lot"]["lot_no"], _steps(link["lot"]))
        for link in module["links"]
    ] == [
        ("347336.68342", False, ids.CELL_LOT_1, [(ids.ENTRY_LIST_1, "abroad", "360000")]),
        ("2404.80962", False, ids.GLASS_LOT, [(ids.ENTRY_LIST_1, "abroad", "2600")]),
        ("5690.72165", False, ids.EVA_LOT, [(ids.ENTRY_LIST_1, "abroad", "6000")]),
        ("2402.4024", False, ids.FRAME_LOT, [(ids.ENTRY_LIST_1, "abroad", "2600")]),
        ("2228.57143", False, ids.BACKSHEET_LOT, [(ids.ENTRY_LIST_1, "abroad", "2400")]),
        ("2400", False, ids.JUNCTION_BOX_LOT, [(ids.ENTRY_LIST_1, "abroad", "2600")]),
    ]
    assert all(link["lot"]["links"] == [] for link in module["links"])
    # Each step says who caused it and why (the ledger transaction's actor and reason).
    [made] = module["steps"]
    assert made["actor"] == "planner@9601346001"
    assert made["reason"].startswith("2,400 Vertex 550W modules")
    cells = module["links"][0]["lot"]["steps"][0]
    assert cells["actor"]
    assert cells["reason"]


async def test_a_cell_lot_traced_forward_reaches_the_modules_and_where_they_went(
    api: Api,
) -> None:
    response = await api.get(
        "solar-filer", f"/audit/lots/{SOLAR}/{ids.CELL_LOT_1}/trace?direction=forward"
    )
    cells = response.json()["trace"]
    assert _steps(cells) == [(ids.WORK_ORDER, "processing", "347336.68342")]
    [module] = cells["links"]
    assert (module["quantity"], module["lot"]["lot_no"]) == ("347336.68342", ids.MODULE_LOT)
    # The 100 modules reserved for the pending export have not left: not a step.
    assert _steps(module["lot"]) == [
        (ids.EXPORT_LIST, "abroad", "2000"),
        (ids.DOMESTIC_SALE_LIST, "domestic", "150"),
    ]


RECYCLER = f"{ids.DISTRICT}346004"
RECYCLER_BOOK = f"T{ids.DISTRICT}{ids.YEAR}00004"
RECYCLED_LOT = "RCY-2604-01"
TRANSFER_LIST = ids.bonded_list_no("E", 301)


@pytest.fixture
def recycler(api: Api) -> dict[str, str]:
    """A third enterprise, a glass recycler in the zone, takes the module maker's 96.5 kg
    of glass cullet by in-zone transfer (区内流转): reserved on the out list, posted with
    lineage from the cullet lot to the recycler's lot. Returns its auditor's headers."""
    md = MasterData(api.db)
    md.register_enterprise(
        EnterpriseIn(
            customs_code=RECYCLER,
            credit_code=build_credit_code("91", "630100", "MA7XN0D4"),
            name="西宁综保再生资源有限公司",
            roles=frozenset({EnterpriseRole.LOGISTICS}),
        )
    )
    md.open_book(
        AccountBookIn(
            book_no=RECYCLER_BOOK,
            book_type=BookType.LOGISTICS,
            enterprise_customs_code=RECYCLER,
            valid_from=dt.date(2026, 1, 1),
            valid_to=dt.date(2027, 12, 31),
            customs_district=ids.DISTRICT,
        )
    )
    md.register_item(
        BookItemIn(
            book_no=RECYCLER_BOOK,
            item_no=1,
            part_no="CULLET",
            hs_code="7001000000",
            name="碎玻璃",
            specification="光伏玻璃碎片",
            declared_unit=KG,
            first_legal_unit=KG,
            first_legal_factor=Decimal(1),
        )
    )
    md.create_lot(LotIn(book_no=RECYCLER_BOOK, item_no=1, lot_no=RECYCLED_LOT))
    ledger = Ledger(api.db)
    transfer = OutsideRef(party=OutsideKind.ZONE_TRANSFER)
    reserved = "test:transfer:reserve"
    ledger.execute(
        movement(
            reserved,
            (DocumentType.BONDED_LIST, TRANSFER_LIST),
            ids.at(2026, 4, 22),
            "filer@recycler",
            "cullet to the recycler",
            [
                leg(
                    SOLAR, ids.GLASS_CULLET, KG, "96.5", bonded(ids.CULLET_LOT, ids.PLANT), transfer
                ),
                leg(RECYCLER_BOOK, 1, KG, "96.5", transfer, bonded(RECYCLED_LOT, "XN-WH-A-02")),
            ],
            reserve=True,
        )
    )
    posting = post_reservation(
        "test:transfer:post",
        reserved,
        ids.at(2026, 4, 23),
        "gate@xining-zone",
        "both lists approved",
    )
    lineage = LineageInput(
        output=LotRef(book_no=RECYCLER_BOOK, lot_no=RECYCLED_LOT),
        input=LotRef(book_no=SOLAR, lot_no=ids.CULLET_LOT),
        quantity=Decimal("96.5"),
    )
    ledger.resolve(posting.model_copy(update={"lineage": (lineage,)}))
    token = AccessService(api.db).create_user(
        UserIn(name="recycler-auditor", role=UserRole.AUDITOR, enterprises=(RECYCLER,))
    )
    return {"Authorization": f"Bearer {token.token}"}


async def test_a_trace_into_another_enterprises_book_is_redacted_for_a_scoped_reader(
    api: Api, recycler: dict[str, str]
) -> None:
    """Given the cullet transferred to the recycler, when the recycler's auditor traces
    its lot backward, then it sees its own receipt on the transfer list and a link of
    96.5 kg marked out of scope, with no lot: not the module maker's lot, documents or
    anything beyond. The module maker's auditor, tracing its cullet forward, sees the
    same link redacted from its side. An auditor of every enterprise sees the whole
    chain back to entry list 1."""
    url = f"/audit/lots/{RECYCLER_BOOK}/{RECYCLED_LOT}/trace?direction=backward"
    own = (await api.client.get(url, headers=recycler)).json()
    assert own["redacted"] == 1
    assert _steps(own["trace"]) == [(TRANSFER_LIST, "zone_transfer", "96.5")]
    assert own["trace"]["links"] == [{"quantity": "96.5", "out_of_scope": True, "lot": None}]
    assert SOLAR not in str(own)
    assert ids.CULLET_LOT not in str(own)

    forward = (
        await api.get(
            "solar-auditor", f"/audit/lots/{SOLAR}/{ids.CULLET_LOT}/trace?direction=forward"
        )
    ).json()
    assert (forward["redacted"], _steps(forward["trace"])) == (
        1,
        [(TRANSFER_LIST, "zone_transfer", "96.5")],
    )
    assert forward["trace"]["links"] == [{"quantity": "96.5", "out_of_scope": True, "lot": None}]
    assert RECYCLER_BOOK not in str(forward)

    everything = (await api.get("auditor", url)).json()
    assert everything["redacted"] == 0
    [cullet] = everything["trace"]["links"]
    assert (cullet["out_of_scope"], cullet["lot"]["lot_no"]) == (False, ids.CULLET_LOT)
    assert _steps(cullet["lot"]) == [(ids.WORK_ORDER, "processing", "96.5")]
    [glass] = cullet["lot"]["links"]
    assert (glass["quantity"], glass["lot"]["lot_no"]) == ("4.80962", ids.GLASS_LOT)
    assert _steps(glass["lot"]) == [(ids.ENTRY_LIST_1, "abroad", "2600")]

    assert (await api.get("solar-auditor", url)).status_code == 404
    assert (await api.get("cold-filer", url)).status_code == 404


async def test_bad_trace_requests_are_refused_naming_the_parameter(api: Api) -> None:
    base = f"/audit/lots/{SOLAR}/{ids.MODULE_LOT}/trace"
    _invalid(await api.get("auditor", base), "direction")
    _invalid(await api.get("auditor", f"{base}?direction=sideways"), "direction")
    missing = await api.get("auditor", f"/audit/lots/{SOLAR}/NO-SUCH-LOT/trace?direction=forward")
    assert (missing.status_code, missing.json()["field"]) == (404, "lot_no")
    _invalid(await api.get("auditor", "/audit/lots/X/Y/trace?direction=forward"), "book_no")


# --- the chain ---------------------------------------------------------------------------


@pytest.mark.parametrize("user", ["auditor", "liaison", "admin"])
async def test_the_chain_is_verified_for_liaison_auditors_and_admins(api: Api, user: str) -> None:
    response = await api.get(user, "/audit/ledger/verification")
    assert response.status_code == 200, response.text
    result = response.json()
    assert (result["ok"], result["events_checked"], result["head_seq"]) == (True, 10, 10)
    assert (result["broken_seq"], result["problem"]) == (None, None)
    assert len(result["head_hash"]) == 64
    assert dt.datetime.fromisoformat(result["verified_at"]).utcoffset() == dt.timedelta(0)


@pytest.mark.parametrize("user", ["solar-filer", "cold-filer", "solar-auditor"])
async def test_the_chain_spans_every_enterprise_so_filers_and_scoped_auditors_may_not_verify(
    api: Api, user: str
) -> None:
    response = await api.get(user, "/audit/ledger/verification")
    assert response.status_code == 403
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"].endswith("/forbidden")
    assert "every enterprise" in response.json()["detail"]


async def test_a_balance_changed_behind_the_ledgers_back_is_a_finding_not_an_error(
    api: Api,
) -> None:
    """Given someone adds 1 kg to the honey position's balance in the database, when the
    chain is verified, then the answer is 200 with ok false naming the row."""
    honey = f"stock|{COLD}|{ids.HONEY}|{ids.HONEY_LOT}|{ids.COLD_BIN}|bonded"
    with api.db.engine.begin() as conn:
        conn.execute(
            text("UPDATE ledger_accounts SET posted = posted + 100000 WHERE key = :key"),
            {"key": honey},
        )
    result = (await api.get("auditor", "/audit/ledger/verification")).json()
    assert result["ok"] is False
    assert "ledger_accounts row" in result["problem"]
    assert honey in result["problem"]


# --- reconciliation ----------------------------------------------------------------------


def _lines(report: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [
        (
            line["item_no"],
            line["lot_no"],
            line["opening"],
            line["receipts"],
            line["removals"],
            line["adjustments"],
            line["closing"],
        )
        for line in report["lines"]
    ]


MATERIALS_IN_FULL = [
    (ids.CELLS, ids.CELL_LOT_1, "360000"),
    (ids.GLASS, ids.GLASS_LOT, "2600"),
    (ids.EVA, ids.EVA_LOT, "6000"),
    (ids.FRAMES, ids.FRAME_LOT, "2600"),
    (ids.BACKSHEET, ids.BACKSHEET_LOT, "2400"),
    (ids.JUNCTION_BOX, ids.JUNCTION_BOX_LOT, "2600"),
]


async def test_march_reconciles_the_entries_and_the_work_order_line_by_line(api: Api) -> None:
    """Given the demo, when the module maker's filer reconciles March, then every lot
    opens at zero, the materials' receipts are the entry lists' (cells: both lists),
    their removals what the work order consumed, the modules and offcuts its output,
    and every line adds up."""
    response = await api.get(
        "solar-filer",
        "/audit/reconciliation",
        params={"book_no": SOLAR, "from": "2026-03-01", "to": "2026-03-31"},
    )
    assert response.status_code == 200, response.text
    report = response.json()
    assert (report["book_no"], report["first_day"], report["last_day"]) == (
        SOLAR,
        "2026-03-01",
        "2026-03-31",
    )
    assert (report["timezone"], report["balanced"]) == ("Asia/Shanghai", True)
    assert dt.datetime.fromisoformat(report["starts_at"]) == ids.at(2026, 3, 1, 0)
    assert dt.datetime.fromisoformat(report["ends_at"]) == ids.at(2026, 4, 1, 0)
    assert report["basis"].startswith("occurred_at")
    assert _lines(report) == [
        (1, ids.CELL_LOT_1, "0", "360000", "347336.68342", "0", "12663.31658"),
        (1, ids.CELL_LOT_2, "0", "144000", "0", "0", "144000"),
        (2, ids.GLASS_LOT, "0", "2600", "2404.80962", "0", "195.19038"),
        (3, ids.EVA_LOT, "0", "6000", "5690.72165", "0", "309.27835"),
        (4, ids.FRAME_LOT, "0", "2600", "2402.4024", "0", "197.5976"),
        (5, ids.BACKSHEET_LOT, "0", "2400", "2228.57143", "0", "171.42857"),
        (6, ids.JUNCTION_BOX_LOT, "0", "2600", "2400", "0", "200"),
        (10, ids.MODULE_LOT, "0", "2400", "0", "0", "2400"),
        (20, ids.SCRAP_LOT, "0", "5.6", "0", "0", "5.6"),
        (21, ids.CULLET_LOT, "0", "96.5", "0", "0", "96.5"),
    ]
    assert all(line["balanced"] and line["between_lots"] == "0" for line in report["lines"])
    assert [line["unit"] for line in report["lines"]][:3] == ["007", "007", "007"]


async def test_a_reservation_is_not_a_movement_until_it_is_posted(api: Api) -> None:
    """The second cell lot was reserved on 9 March and posted at the gate on 10 March: on
    the 9th it is not in the book at all, on the 10th it is received."""
    ninth = (
        await api.get(
            "solar-filer",
            "/audit/reconciliation",
            params={"book_no": SOLAR, "from": "2026-03-09", "to": "2026-03-09"},
        )
    ).json()
    assert _lines(ninth) == [
        (item, lot, quantity, "0", "0", "0", quantity) for item, lot, quantity in MATERIALS_IN_FULL
    ]
    tenth = (
        await api.get(
            "solar-filer",
            "/audit/reconciliation",
            params={"book_no": SOLAR, "from": "2026-03-10", "to": "2026-03-10"},
        )
    ).json()
    assert (1, ids.CELL_LOT_2, "0", "144000", "0", "0", "144000") in _lines(tenth)


async def test_april_removes_the_exported_and_sold_modules_and_not_the_reserved_ones(
    api: Api,
) -> None:
    report = (
        await api.get(
            "auditor",
            "/audit/reconciliation",
            params={"book_no": SOLAR, "from": "2026-04-01", "to": "2026-04-30"},
        )
    ).json()
    [module] = [line for line in _lines(report) if line[1] == ids.MODULE_LOT]
    assert module == (10, ids.MODULE_LOT, "2400", "0", "2150", "0", "250")
    assert report["balanced"]


async def test_the_cold_chain_book_reconciles_its_honey_sale_on_the_day(api: Api) -> None:
    march = (
        await api.get(
            "cold-filer",
            "/audit/reconciliation",
            params={"book_no": COLD, "from": "2026-03-01", "to": "2026-03-31"},
        )
    ).json()
    assert _lines(march) == [
        (1, ids.HONEY_LOT, "0", "18000", "0", "0", "18000"),
        (2, ids.HERBS_LOT, "0", "2500", "0", "0", "2500"),
    ]
    sale_day = (
        await api.get(
            "cold-filer",
            "/audit/reconciliation",
            params={"book_no": COLD, "from": "2026-04-02", "to": "2026-04-02"},
        )
    ).json()
    assert _lines(sale_day) == [
        (1, ids.HONEY_LOT, "18000", "0", "6000", "0", "12000"),
        (2, ids.HERBS_LOT, "2500", "0", "0", "0", "2500"),
    ]


APRIL_CSV = (
    "book_no,item_no,lot_no,unit,opening,receipts,removals,adjustments,between_lots,closing,"
    "balanced\r\n"
    f"{SOLAR},1,{ids.CELL_LOT_1},007,12663.31658,0,0,0,0,12663.31658,true\r\n"
    f"{SOLAR},1,{ids.CELL_LOT_2},007,144000,0,0,0,0,144000,true\r\n"
    f"{SOLAR},2,{ids.GLASS_LOT},007,195.19038,0,0,0,0,195.19038,true\r\n"
    f"{SOLAR},3,{ids.EVA_LOT},035,309.27835,0,0,0,0,309.27835,true\r\n"
    f"{SOLAR},4,{ids.FRAME_LOT},007,197.5976,0,0,0,0,197.5976,true\r\n"
    f"{SOLAR},5,{ids.BACKSHEET_LOT},035,171.42857,0,0,0,0,171.42857,true\r\n"
    f"{SOLAR},6,{ids.JUNCTION_BOX_LOT},007,200,0,0,0,0,200,true\r\n"
    f"{SOLAR},10,{ids.MODULE_LOT},007,2400,0,2150,0,0,250,true\r\n"
    f"{SOLAR},20,{ids.SCRAP_LOT},035,5.6,0,0,0,0,5.6,true\r\n"
    f"{SOLAR},21,{ids.CULLET_LOT},035,96.5,0,0,0,0,96.5,true\r\n"
)


async def test_the_reconciliation_as_csv_has_a_header_and_one_row_per_item_and_lot(
    api: Api,
) -> None:
    """Asked with format=csv or Accept: text/csv, the reconciliation is CSV: a header row,
    one row per item and lot, quantities as plain decimals; JSON stays the default."""
    params = {"book_no": SOLAR, "from": "2026-04-01", "to": "2026-04-30"}

    async def ask(accept: str, **extra: str) -> Any:
        headers = api.auth("solar-filer") | {"Accept": accept}
        return await api.client.get("/audit/reconciliation", params=params | extra, headers=headers)

    by_format = await ask("*/*", format="csv")
    assert by_format.status_code == 200, by_format.text
    assert by_format.headers["content-type"] == "text/csv; charset=utf-8"
    assert by_format.headers["content-disposition"] == (
        f'attachment; filename="reconciliation-{SOLAR}-20260401-20260430.csv"'
    )
    assert by_format.text == APRIL_CSV
    assert (await ask("text/csv")).text == APRIL_CSV
    assert (await ask("text/csv;q=0.9, */*;q=0.1")).text == APRIL_CSV
    preferring_json = await ask("application/json, text/csv;q=0.5")
    assert preferring_json.headers["content-type"] == "application/json"
    assert (await ask("*/*")).headers["content-type"] == "application/json"
    assert (await ask("text/csv", format="json")).json()["book_no"] == SOLAR


async def test_the_reconciliation_as_xlsx_holds_the_same_figures_exactly(api: Api) -> None:
    """Asked with format=xlsx or its Accept type, the reconciliation is a workbook: the
    Chinese header row, the English one, then the CSV's rows with every quantity equal
    to the CSV's Decimal; JSON stays the default when JSON is preferred."""
    params = {"book_no": SOLAR, "from": "2026-04-01", "to": "2026-04-30"}

    async def ask(accept: str, **extra: str) -> Any:
        headers = api.auth("solar-filer") | {"Accept": accept}
        return await api.client.get("/audit/reconciliation", params=params | extra, headers=headers)

    by_format = await ask("*/*", format="xlsx")
    assert by_format.status_code == 200, by_format.text
    assert by_format.headers["content-type"] == XLSX
    assert by_format.headers["content-disposition"] == (
        f'attachment; filename="reconciliation-{SOLAR}-20260401-20260430.xlsx"'
    )
    sheet = load_workbook(io.BytesIO(by_format.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("账册编号", "项号", "批次", "计量单位", "期初结存")
    csv_rows = [line.split(",") for line in APRIL_CSV.split("\r\n") if line]
    assert list(rows[1]) == csv_rows[0]
    for got, expected in zip(rows[2:], csv_rows[1:], strict=True):
        assert list(got[:4]) == [expected[0], int(expected[1]), *expected[2:4]]
        assert [Decimal(repr(q)) for q in got[4:10]] == [Decimal(q) for q in expected[4:10]]
        assert got[10] is (expected[10] == "true")
    assert (await ask(XLSX)).content[:2] == b"PK"
    assert (await ask(f"{XLSX};q=0.4, application/json")).headers["content-type"] == (
        "application/json"
    )
    assert (await ask(f"text/csv;q=0.5, {XLSX}")).headers["content-type"] == XLSX


async def test_bad_reconciliation_requests_are_refused_naming_the_parameter(api: Api) -> None:
    async def ask(**params: str) -> Any:
        return await api.get("auditor", "/audit/reconciliation", params=params)

    backwards = _invalid(
        await ask(book_no=SOLAR, **{"from": "2026-04-02", "to": "2026-04-01"}), "to"
    )
    assert backwards["detail"] == "to: 2026-04-01 is before from (2026-04-02)"
    _invalid(await ask(book_no=SOLAR, to="2026-04-01"), "from")
    _invalid(await ask(book_no=SOLAR, **{"from": "2026-02-30", "to": "2026-04-01"}), "from")
    _invalid(await ask(book_no=SOLAR, **{"from": "1899-12-31", "to": "2026-04-01"}), "from")
    _invalid(await ask(book_no=SOLAR, **{"from": "2026-04-01", "to": "9999-12-31"}), "to")
    _invalid(await ask(**{"from": "2026-04-01", "to": "2026-04-30"}), "book_no")
    _invalid(
        await ask(book_no=SOLAR, format="xml", **{"from": "2026-04-01", "to": "2026-04-30"}),
        "format",
    )


# --- tenancy -----------------------------------------------------------------------------

# Every route of /inventory and /audit that names a book, with {book} and {lot} to fill.
BOOK_ROUTES = {
    "/inventory/balances": "/inventory/balances?book_no={book}",
    "/inventory/lots/{book_no}/{lot_no}/movements": "/inventory/lots/{book}/{lot}/movements",
    "/audit/lots/{book_no}/{lot_no}/trace": "/audit/lots/{book}/{lot}/trace?direction=backward",
    "/audit/reconciliation": "/audit/reconciliation?book_no={book}&from=2026-03-01&to=2026-04-30",
}
EXTRA_URLS = [
    "/audit/reconciliation?book_no={book}&from=2026-03-01&to=2026-04-30&format=csv",
    "/audit/reconciliation?book_no={book}&from=2026-03-01&to=2026-04-30&format=xlsx",
    "/audit/lots/{book}/{lot}/trace?direction=forward",
]
# Not about one book: the chain spans every enterprise (filers are refused, 403).
UNSCOPED_ROUTES = {"/audit/ledger/verification"}


def _without_ids(body: dict[str, Any], book: str) -> dict[str, Any]:
    """The problem as the client sees it, minus the request id and the book it named."""
    return {
        k: v.replace(book, "<book>") if isinstance(v, str) else v
        for k, v in body.items()
        if k != "request_id"
    }


async def test_every_route_answers_another_enterprises_book_exactly_as_a_missing_one(
    api: Api,
) -> None:
    """Given the module maker's book and the cold-chain importer's, when the cold-chain
    filer asks any inventory or audit route about the module maker's book (or the solar
    maker's auditor about the cold-chain book), then the answer is the one a book that
    does not exist gets: 404, problem+json, the same title, detail and field. The
    book's owner gets 200 on the same URL."""
    app = create_app(database=api.db, temporal=no_temporal, log_requests=False)
    paths = {path for path in app.openapi()["paths"] if path.startswith(("/inventory", "/audit"))}
    assert paths == set(BOOK_ROUTES) | UNSCOPED_ROUTES, "a new route needs a tenancy check"

    cases = [
        ("cold-filer", "solar-filer", SOLAR, ids.MODULE_LOT),
        ("solar-auditor", "cold-filer", COLD, ids.HONEY_LOT),
    ]
    for outsider, owner, book, lot in cases:
        for url in [*BOOK_ROUTES.values(), *EXTRA_URLS]:
            foreign = await api.get(outsider, url.format(book=book, lot=lot))
            missing = await api.get(outsider, url.format(book=MISSING_BOOK, lot=lot))
            assert foreign.status_code == missing.status_code == 404, (url, foreign.text)
            assert foreign.headers["content-type"] == missing.headers["content-type"]
            assert foreign.headers["content-type"] == "application/problem+json"
            assert _without_ids(foreign.json(), book) == _without_ids(missing.json(), MISSING_BOOK)
            assert foreign.json()["field"] == "book_no"
            assert (await api.get(owner, url.format(book=book, lot=lot))).status_code == 200, url

    for outsider in ("cold-filer", "solar-auditor"):
        refused = await api.get(outsider, "/audit/ledger/verification")
        assert refused.status_code == 403
