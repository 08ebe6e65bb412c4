"""The auditor's pages on the seeded demo: balances now and as of a Beijing time, a lot's
movements with its balance chart, its trace drawn, the chain's verification and anchor,
a book's reconciliation with its CSV and XLSX; scoped exactly as the API; and no page
of an auditor's with a form or button that acts."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from access import AccessService
from adapters.db.engine import Database
from demo import ids
from demo.postings import KG, bonded, leg, movement, post_reservation
from ledger import Ledger
from masterdata import MasterData
from rules.credit_code import build_credit_code
from schemas.access import UserIn, UserRole
from schemas.codes import BookType, DocumentType, EnterpriseRole, OutsideKind
from schemas.ledger import LineageInput, LotRef, OutsideRef
from schemas.masterdata import AccountBookIn, BookItemIn, EnterpriseIn, LotIn
from tests.console.conftest import Console, password_of

pytestmark = pytest.mark.asyncio(loop_scope="session")

SOLAR, COLD = ids.SOLAR_BOOK, ids.COLD_CHAIN_BOOK
AUDITOR = "/console/auditor"
MISSING = "T96012699999"
APRIL = {"book_no": SOLAR, "from": "2026-04-01", "to": "2026-04-30"}


def _rows(html: str, table: str) -> list[list[str]]:
    """The cells' text of a table's body, tags stripped."""
    body = html.split(f'id="{table}"', 1)[1].split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = re.findall(r"<tr>(.*?)</tr>", body, flags=re.S)
    return [
        [
            re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        ]
        for row in rows
    ]


async def test_an_auditor_lands_on_the_balances_and_filters_them_by_book_item_and_lot(
    console: Console,
) -> None:
    """Given the demo, when the auditor signs in, then its home is the balances; when it
    asks for the module maker's item 10, then the one module lot shows its exact
    posted balance with its unit, and nothing of another item."""
    async with console.browser() as auditor:
        signed = await auditor.sign_in("auditor")
        assert signed.headers["location"] == f"{AUDITOR}/balances"
        shown = await auditor.get(f"{AUDITOR}/balances", book_no=SOLAR, item_no="10")
    assert shown.status_code == 200, shown.text
    rows = _rows(shown.text, "balances")
    assert {row[2] for row in rows} == {ids.MODULE_LOT}
    assert all(row[0] == SOLAR and row[1] == "10" for row in rows)
    assert "当前结存" in shown.text


async def test_balances_as_of_a_beijing_time_before_anything_was_recorded_are_empty(
    console: Console,
) -> None:
    async with console.browser() as auditor:
        await auditor.sign_in("auditor")
        before = await auditor.get(
            f"{AUDITOR}/balances", book_no=SOLAR, as_of_date="2000-01-01", as_of_time="08:00"
        )
        now = await auditor.get(f"{AUDITOR}/balances", book_no=SOLAR)
    assert before.status_code == 200
    assert "截至 2000-01-01 08:00:00（北京时间，按业务发生时间）的余额" in before.text
    assert _rows(before.text, "balances") == [["没有符合条件的库存位置。"]]
    assert len(_rows(now.text, "balances")) > 1


async def test_a_bad_filter_is_refused_on_the_page_naming_its_field(console: Console) -> None:
    async with console.browser() as auditor:
        await auditor.sign_in("auditor")
        refused = await auditor.get(f"{AUDITOR}/balances", item_no="ten", book_no="nonsense")
        no_day = await auditor.get(f"{AUDITOR}/balances", as_of_time="08:00")
    assert refused.status_code == 422
    assert '<code class="field">item_no</code>' in refused.text
    assert '<code class="field">book_no</code>' in refused.text
    assert 'value="ten"' in refused.text
    assert no_day.status_code == 422
    assert '<code class="field">as_of_time</code>' in no_day.text
    assert "a time of day needs its date" in no_day.text


async def test_a_lots_page_lists_its_movements_with_the_balance_after_each_under_its_chart(
    console: Console,
) -> None:
    """Given the module lot (2,400 made, 2,000 exported, 150 sold at home), when the
    auditor opens it, then its chart is drawn above the movements and the lot's balance
    after the last posted one is exact."""
    async with console.browser() as auditor:
        await auditor.sign_in("auditor")
        shown = await auditor.get(f"{AUDITOR}/lot", book_no=SOLAR, lot_no=ids.MODULE_LOT)
    assert shown.status_code == 200, shown.text
    html = shown.text
    assert html.index("<svg") < html.index('id="movements"')
    assert f"批次 {ids.MODULE_LOT} 的结存" in html
    rows = _rows(html, "movements")
    assert rows[0][1] == f"加工工单{ids.WORK_ORDER}"
    assert rows[0][5] == "2,400"  # no trailing zeros of the column's scale
    assert "数量单位：个（007）" in html  # the unit once, above the table
    lot_after = [row[8] for row in rows]
    assert lot_after[-1] == "250", lot_after
    # The counterparty in words: the outside party, never an account key.
    counterparties = [row[4] for row in rows]
    assert counterparties[0] == "加工耗用/产出"
    assert "境外" in counterparties
    assert "境内区外" in counterparties
    assert not [c for c in counterparties if "|" in c], counterparties


async def test_a_trace_is_drawn_with_each_steps_document_who_and_why(console: Console) -> None:
    """Given the module lot, when it is traced backward, then the graph reaches the entry
    list of its materials, and the table names each document with who posted it and why;
    forward, it reaches the export list."""
    async with console.browser() as auditor:
        await auditor.sign_in("auditor")
        backward = await auditor.get(
            f"{AUDITOR}/trace", book_no=SOLAR, lot_no=ids.MODULE_LOT, direction="backward"
        )
        forward = await auditor.get(
            f"{AUDITOR}/trace", book_no=SOLAR, lot_no=ids.MODULE_LOT, direction="forward"
        )
    assert backward.status_code == forward.status_code == 200
    drawing = backward.text.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert ids.ENTRY_LIST_1 in drawing
    assert ids.CELL_LOT_1 in drawing
    steps = _rows(backward.text, "steps")
    entry = next(row for row in steps if row[1] == ids.CELL_LOT_1)
    assert entry[3] == f"核注清单 {ids.ENTRY_LIST_1}"
    assert entry[4] == "境外"
    assert entry[5].startswith("360,000")
    assert entry[7]
    assert entry[8]
    assert ids.EXPORT_LIST in forward.text.split("<svg", 1)[1].split("</svg>", 1)[0]


async def test_the_chain_is_verified_and_its_anchor_downloads_as_the_cli_reads_it(
    console: Console,
) -> None:
    async with console.browser() as auditor:
        await auditor.sign_in("auditor")
        shown = await auditor.get(f"{AUDITOR}/verification")
        anchor = await auditor.get(f"{AUDITOR}/verification/anchor")
    assert shown.status_code == 200
    assert "审计链完整" in shown.text
    head = json.loads(anchor.text)
    assert anchor.headers["content-disposition"].startswith("attachment;")
    assert f'<code id="head-hash">{head["hash"]}</code>' in shown.text
    assert head["seq"] > 0


async def test_an_auditor_of_some_enterprises_may_not_verify_the_whole_chain(
    console: Console,
) -> None:
    async with console.browser() as scoped:
        await scoped.sign_in("solar-auditor")
        shown = await scoped.get(f"{AUDITOR}/verification")
        anchor = await scoped.get(f"{AUDITOR}/verification/anchor")
    assert shown.status_code == anchor.status_code == 403


async def test_the_reconciliation_is_a_table_and_its_csv_and_xlsx_hold_the_same_figures(
    console: Console,
) -> None:
    """Given April in the module maker's book, when the auditor reconciles it, then the
    module lot shows 2,400 opening, 2,150 removed, 250 closing, and the CSV (Chinese and
    English headers) and the XLSX hold the same exact figures."""
    async with console.browser() as auditor:
        await auditor.sign_in("auditor")
        shown = await auditor.get(f"{AUDITOR}/reconciliation", **APRIL)
        as_csv = await auditor.get(f"{AUDITOR}/reconciliation.csv", **APRIL)
        as_xlsx = await auditor.get(f"{AUDITOR}/reconciliation.xlsx", **APRIL)
    assert shown.status_code == 200, shown.text
    [module] = [row for row in _rows(shown.text, "reconciliation") if row[1] == ids.MODULE_LOT]
    assert [module[2].split()[0], module[4].split()[0], module[7].split()[0]] == [
        "2,400",
        "2,150",
        "250",
    ]
    assert as_csv.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(as_csv.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["账册编号", "项号", "批次"]
    assert rows[1][:3] == ["book_no", "item_no", "lot_no"]
    assert [
        SOLAR,
        "10",
        ids.MODULE_LOT,
        "007",
        "2400",
        "0",
        "2150",
        "0",
        "0",
        "250",
        "true",
    ] in rows
    sheet = load_workbook(io.BytesIO(as_xlsx.content)).active
    assert sheet is not None
    cells = [[c.value for c in row] for row in sheet.iter_rows(min_row=3)]
    [xlsx_module] = [row for row in cells if row[2] == ids.MODULE_LOT]
    assert xlsx_module[4:10] == [2400, 0, 2150, 0, 0, 250]


async def test_a_period_ending_before_it_starts_is_refused(console: Console) -> None:
    async with console.browser() as auditor:
        await auditor.sign_in("auditor")
        page = await auditor.get(
            f"{AUDITOR}/reconciliation", book_no=SOLAR, **{"from": "2026-04-30", "to": "2026-04-01"}
        )
        file = await auditor.get(
            f"{AUDITOR}/reconciliation.csv",
            book_no=SOLAR,
            **{"from": "2026-04-30", "to": "2026-04-01"},
        )
    assert page.status_code == file.status_code == 422
    assert '<code class="field">last_day</code>' in page.text


OTHER_ENTERPRISES = [
    f"{AUDITOR}/balances?book_no={COLD}",
    f"{AUDITOR}/lot?book_no={COLD}&lot_no={ids.HONEY_LOT}",
    f"{AUDITOR}/trace?book_no={COLD}&lot_no={ids.HONEY_LOT}&direction=backward",
    f"{AUDITOR}/reconciliation?book_no={COLD}&from=2026-03-01&to=2026-03-31",
    f"{AUDITOR}/reconciliation.csv?book_no={COLD}&from=2026-03-01&to=2026-03-31",
    f"{AUDITOR}/reconciliation.xlsx?book_no={COLD}&from=2026-03-01&to=2026-03-31",
]


@pytest.mark.parametrize("url", OTHER_ENTERPRISES)
async def test_an_auditor_of_one_enterprise_gets_not_found_for_anothers_book(
    console: Console, url: str
) -> None:
    """Given an auditor of the module maker only, when it opens any auditor page about
    the cold-chain importer's book, then it gets the same 404 page a missing book gets;
    the auditor of every enterprise gets the page."""
    missing = url.replace(COLD, MISSING)
    async with console.browser() as scoped:
        await scoped.sign_in("solar-auditor")
        foreign = await scoped.get(url)
        absent = await scoped.get(missing)
    async with console.browser() as everyone:
        await everyone.sign_in("auditor")
        allowed = await everyone.get(url)
    assert foreign.status_code == absent.status_code == 404
    assert foreign.text.replace(COLD, MISSING) == absent.text  # the URL is in the page
    assert allowed.status_code == 200


async def test_a_scoped_auditor_sees_only_its_enterprises_books_in_the_balances(
    console: Console,
) -> None:
    async with console.browser() as scoped:
        await scoped.sign_in("solar-auditor")
        shown = await scoped.get(f"{AUDITOR}/balances")
    books = {row[0] for row in _rows(shown.text, "balances")}
    assert books == {SOLAR}
    assert COLD not in shown.text


@pytest.mark.parametrize(
    ("user", "books", "chain"),
    [
        ("admin", {SOLAR, COLD}, 200),  # every enterprise, the chain
        ("liaison", {SOLAR, COLD}, 200),
        ("solar-filer", {SOLAR}, 403),  # its own enterprise's books, not the chain
    ],
)
async def test_the_ledger_pages_obey_the_apis_scopes_for_every_role(
    console: Console, user: str, books: set[str], chain: int
) -> None:
    """Given the API lets every signed-in principal read balances, lots, traces and
    reconciliations within its enterprises, and the chain to whom ``chain_refusal``
    allows, when an admin, the liaison or a filer opens the auditor's pages, then each
    sees what the API shows it: its books, another enterprise's lot "not found", and the
    chain page only where the API verifies it for them."""
    async with console.browser() as reader:
        await reader.sign_in(user)
        balances = await reader.get(f"{AUDITOR}/balances")
        foreign_lot = await reader.get(f"{AUDITOR}/lot", book_no=COLD, lot_no="ANY-LOT")
        lot = await reader.get(f"{AUDITOR}/lot", book_no=SOLAR, lot_no=ids.MODULE_LOT)
        verification = await reader.get(f"{AUDITOR}/verification")
    assert balances.status_code == 200
    assert {row[0] for row in _rows(balances.text, "balances")} == books
    assert lot.status_code == 200
    assert foreign_lot.status_code == 404
    assert verification.status_code == chain
    if user == "admin":  # the admin's navigation leads there
        assert f'href="{AUDITOR}/balances"' in balances.text


async def test_no_auditor_page_has_a_form_or_button_that_acts(console: Console) -> None:
    """Every auditor page, in both languages: no form posts, and every button submits a
    GET form (a search), so an auditor never sees an action."""
    pages = [
        f"{AUDITOR}/balances?book_no={SOLAR}",
        f"{AUDITOR}/lot?book_no={SOLAR}&lot_no={ids.MODULE_LOT}",
        f"{AUDITOR}/trace?book_no={SOLAR}&lot_no={ids.MODULE_LOT}&direction=forward",
        f"{AUDITOR}/verification",
        f"{AUDITOR}/reconciliation?book_no={SOLAR}&from=2026-04-01&to=2026-04-30",
    ]
    async with console.browser() as auditor:
        await auditor.sign_in("auditor")
        for language in ("zh", "en"):
            for url in pages:
                shown = await auditor.get(
                    f"{url}&lang={language}" if "?" in url else f"{url}?lang={language}"
                )
                assert shown.status_code == 200, url
                html = shown.text.split("<main", 1)[-1]
                forms = re.findall(r"<form[^>]*>.*?</form>", html, flags=re.S)
                assert all('method="get"' in form for form in forms), url
                outside = re.sub(r"<form[^>]*>.*?</form>", "", html, flags=re.S)
                assert "<button" not in outside, url


# --- a trace across books ------------------------------------------------------------------

RECYCLER = f"{ids.DISTRICT}346004"
RECYCLER_BOOK = f"T{ids.DISTRICT}{ids.YEAR}00004"
RECYCLED_LOT = "RCY-2604-01"
TRANSFER_LIST = ids.bonded_list_no("E", 301)


def _transfer_cullet_to_a_recycler(db: Database) -> None:
    """A third enterprise, a glass recycler, takes the module maker's 96.5 kg of glass
    cullet by in-zone transfer (区内流转), posted with lineage from the cullet lot to the
    recycler's lot; its auditor sees only the recycler's books."""
    md = MasterData(db)
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
    ledger = Ledger(db)
    transfer = OutsideRef(party=OutsideKind.ZONE_TRANSFER)
    cullet = bonded(ids.CULLET_LOT, ids.PLANT)
    ledger.execute(
        movement(
            "test:transfer:reserve",
            (DocumentType.BONDED_LIST, TRANSFER_LIST),
            ids.at(2026, 4, 22),
            "filer@recycler",
            "cullet to the recycler",
            [
                leg(SOLAR, ids.GLASS_CULLET, KG, "96.5", cullet, transfer),
                leg(RECYCLER_BOOK, 1, KG, "96.5", transfer, bonded(RECYCLED_LOT, "XN-WH-A-02")),
            ],
            reserve=True,
        )
    )
    posting = post_reservation(
        "test:transfer:post",
        "test:transfer:reserve",
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
    AccessService(db).create_user(
        UserIn(name="recycler-auditor", role=UserRole.AUDITOR, enterprises=(RECYCLER,)),
        password_of("recycler-auditor"),
    )


async def test_a_trace_crosses_books_where_a_transfer_did_and_hides_what_is_not_yours(
    console: Console,
) -> None:
    """Given the cullet transferred to the recycler, when the auditor of every
    enterprise traces the recycled lot backward, then the drawing has a band for each
    book and an arrow between them, and the steps reach the module maker's work order;
    when the recycler's own auditor traces it, then the link is there, redacted: no
    module maker's book, lot or document on the page."""
    _transfer_cullet_to_a_recycler(console.app_db)
    url = f"{AUDITOR}/trace?book_no={RECYCLER_BOOK}&lot_no={RECYCLED_LOT}&direction=backward"
    async with console.browser() as everyone:
        await everyone.sign_in("auditor")
        whole = await everyone.get(url)
    async with console.browser() as own:
        await own.sign_in("recycler-auditor")
        redacted = await own.get(url)
    assert whole.status_code == redacted.status_code == 200
    drawing = whole.text.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert RECYCLER_BOOK in drawing
    assert SOLAR in drawing
    assert 'class="edge crossing"' in drawing
    steps = {(row[0], row[1], row[3]) for row in _rows(whole.text, "steps")}
    assert (RECYCLER_BOOK, RECYCLED_LOT, f"核注清单 {TRANSFER_LIST}") in steps
    assert (SOLAR, ids.CULLET_LOT, f"加工工单 {ids.WORK_ORDER}") in steps
    assert "有 1 条关联通向您权限外的账册" in redacted.text
    assert SOLAR not in redacted.text
    assert ids.CULLET_LOT not in redacted.text
