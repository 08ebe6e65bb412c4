"""The write-off statement as files: CSV (one table, a section column) and XLSX (the
statement's layout with Chinese and English headers, every figure's documents), every
quantity exactly the statement's Decimal.

The statement: 1000 cells open the period (no finished goods), list IN-1 imports
100.00001 more, 3 modules are exported on EX-1 (150 cells each by the norm), 1 kg of
scrap is sold on DS-2; counted: 549.00001 cells (1 short), 0 modules, no scrap."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

from openpyxl import load_workbook

from reports.reconciliation import Language
from reports.write_off import CSV_COLUMNS, write_off_csv, write_off_xlsx
from rules.write_off import (
    BookWriteOff,
    Figure,
    Flow,
    Item,
    NormInForce,
    PeriodMovement,
    Source,
    WriteOffInput,
    write_off,
)
from schemas.codes import DocumentType

BOOK = "H9601W104420"
BEIJING = dt.timezone(dt.timedelta(hours=8))
CELLS, SCRAP, MODULE = 1, 3, 10
DAY = dt.date(2026, 4, 10)


def _moved(item_no: int, flow: Flow, quantity: str, document: str) -> PeriodMovement:
    return PeriodMovement(
        item_no, flow, Decimal(quantity), DAY, document.lower(), DocumentType.BONDED_LIST, document
    )


def _held(quantity: str, document: str | None, kind: DocumentType) -> Figure:
    return Figure.of([Source(None, kind, document, Decimal(quantity))])


def _found() -> BookWriteOff:
    norm = (NormInForce(CELLS, 1, Decimal(144), Decimal("0.04")),)
    statement = write_off(
        WriteOffInput(
            items=(
                Item(CELLS, "CELL-M10", "太阳能电池片", "007", finished=False),
                Item(SCRAP, "SCRAP", "边角料", "035", finished=False),
                Item(MODULE, "MOD-550", "光伏组件", "007", finished=True),
            ),
            opening={CELLS: _held("1000", None, DocumentType.OPENING_BALANCE)},
            opening_day=dt.date(2026, 4, 1),
            movements=(
                _moved(CELLS, Flow.IMPORTED, "100.00001", "IN-1"),
                _moved(MODULE, Flow.PRODUCED, "3", "WO-1"),
                _moved(SCRAP, Flow.PRODUCED, "1", "WO-1"),
                _moved(MODULE, Flow.EXPORTED, "3", "EX-1"),
                _moved(SCRAP, Flow.SOLD, "1", "DS-2"),
            ),
            counted={CELLS: _held("549.00001", "ST-9", DocumentType.STOCKTAKE)},
            closing_day=dt.date(2026, 4, 30),
            norms={
                (MODULE, dt.date(2026, 4, 1)): norm,
                (MODULE, DAY): norm,
                (MODULE, dt.date(2026, 4, 30)): norm,
            },
        )
    )
    return BookWriteOff(
        book_no=BOOK,
        starts_at=dt.datetime(2026, 4, 1, tzinfo=BEIJING),
        ends_at=dt.datetime(2026, 5, 1, tzinfo=BEIJING),
        timezone="Asia/Shanghai",
        statement=statement,
    )


def _csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_the_csv_is_one_table_with_a_section_column_and_plain_decimals() -> None:
    rows = _csv_rows(write_off_csv(_found()))
    assert [(r["section"], r["item_no"], r["part_no"]) for r in rows] == [
        ("materials", "1", "CELL-M10"),
        ("materials", "3", "SCRAP"),
        ("finished_goods", "10", "MOD-550"),
    ]
    cells, scrap, modules = rows
    assert (
        cells["opening_stock"],
        cells["imports"],
        cells["consumed_exported"],
        cells["theoretical_closing"],
        cells["counted"],
        cells["difference"],
    ) == ("1000", "100.00001", "450", "650.00001", "549.00001", "-101")
    assert (scrap["produced"], scrap["sold"], scrap["counted"], scrap["difference"]) == (
        "1",
        "1",
        "0",
        "0",
    )
    # a finished good has no material columns, a material none of the finished ones
    assert modules["consumed_exported"] == ""
    assert modules["exported"] == "3"
    assert cells["received"] == ""


def test_people_get_a_chinese_header_row_above_the_names() -> None:
    first, second, *_ = write_off_csv(
        _found(), headers=(Language.CHINESE, Language.ENGLISH)
    ).splitlines()
    assert first.split(",")[:6] == ["类别", "备案序号", "料号", "品名", "计量单位", "期初库存"]
    assert second.split(",") == [column.name for column in CSV_COLUMNS]


def exact(cell: object) -> Decimal:
    """A number cell read back as the decimal it was written from (the double's shortest
    text: the writer only writes a number where that is the exact Decimal)."""
    assert isinstance(cell, int | float), cell
    return Decimal(repr(cell))


def _rows(sheet: object) -> list[list[object]]:
    return [list(row) for row in sheet.iter_rows(values_only=True)]  # type: ignore[attr-defined]


def test_the_workbook_is_laid_out_as_a_statement_with_both_headers() -> None:
    book = load_workbook(io.BytesIO(write_off_xlsx(_found())))
    assert book.sheetnames == ["核销表 Statement", "单证 Documents", "未折料 Unfolded"]
    rows = _rows(book["核销表 Statement"])
    assert rows[1][:2] == ["账册编号 Book no.", BOOK]
    assert rows[2][:3] == ["核销期 Period", "2026-04-01 – 2026-04-30", "Asia/Shanghai"]
    assert rows[4][:2] == ["账实相符 Balanced", "否 no"]
    materials = [r[0] for r in rows].index("料件 Materials")
    assert rows[materials + 1][:6] == [
        "备案序号",
        "料号",
        "品名",
        "计量单位",
        "期初库存",
        "期初成品折料",
    ]
    assert rows[materials + 2][:6] == [
        "Item no.",
        "Part no.",
        "Name",
        "Unit",
        "Opening stock",
        "Opening in finished goods",
    ]
    cells = rows[materials + 3]
    headings = rows[materials + 2]
    assert exact(cells[headings.index("Imports")]) == Decimal("100.00001")
    assert exact(cells[headings.index("Theoretical closing")]) == Decimal("650.00001")
    assert cells[headings.index("Difference")] == -101
    finished = [r[0] for r in rows].index("成品 Finished goods")
    assert rows[finished + 3][:4] == [10, "MOD-550", "光伏组件", "007"]


def test_the_documents_sheet_traces_every_figure() -> None:
    book = load_workbook(io.BytesIO(write_off_xlsx(_found())))
    rows = _rows(book["单证 Documents"])
    assert rows[0][:5] == ["类别", "备案序号", "栏目", "单证类型", "单证编号"]
    wanted = {(r[1], r[2], r[4], exact(r[6])) for r in rows[2:]}
    assert (CELLS, "imports", "IN-1", Decimal("100.00001")) in wanted
    assert (CELLS, "consumed_exported", "EX-1", Decimal(450)) in wanted
    assert (CELLS, "theoretical_closing", "EX-1", Decimal(-450)) in wanted
    assert (CELLS, "counted_stock", "ST-9", Decimal("549.00001")) in wanted
    assert (MODULE, "exported", "EX-1", Decimal(3)) in wanted
