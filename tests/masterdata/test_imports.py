"""Importing a book's items and norms from CSV or XLSX: all or nothing, every bad row
named by row and column, numbers exact, and the same file twice changes nothing."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest

from adapters.db.engine import Database
from masterdata import MasterData
from masterdata.errors import ImportRefused
from masterdata.imports import import_items, import_norms
from schemas.masterdata import AccountBookIn, ImportSummary
from tests.support.builders import ZONE, Zone
from tests.support.sheets import (
    CHINESE_ITEM_HEADER,
    ITEM_HEADER,
    ITEMS,
    NORM_HEADER,
    csv_bytes,
    xlsx_bytes,
)
from tests.support.states import starts_from

NEW_BOOK = "H96001234599"


@starts_from(ZONE)
def md(db: Database) -> MasterData:
    """make_zone's enterprise (cloned, tests/support/states.py) with a second, empty
    book."""
    md = Zone.of(db).md
    md.open_book(
        AccountBookIn(
            book_no=NEW_BOOK,
            book_type="H",
            enterprise_customs_code="9600A12345",
            valid_from=dt.date(2026, 1, 1),
            valid_to=dt.date(2027, 12, 31),
            customs_district="9601",
        )
    )
    return md


def _refusal(call: object) -> ImportRefused:
    assert callable(call)
    with pytest.raises(ImportRefused) as refused:
        call()
    return refused.value


def test_items_from_csv_are_registered_and_the_same_file_again_changes_nothing(
    md: MasterData,
) -> None:
    data = csv_bytes(ITEM_HEADER, ITEMS)
    first = import_items(md, NEW_BOOK, data, "items.csv")
    assert first == ImportSummary(book_no=NEW_BOOK, created=3, unchanged=0)
    again = import_items(md, NEW_BOOK, data, "items.csv")
    assert again == ImportSummary(book_no=NEW_BOOK, created=0, unchanged=3)
    items = md.items(NEW_BOOK)
    assert [(i.item_no, i.part_no, i.is_finished_good) for i in items] == [
        (1, "CELL-1", False),
        (2, "GLASS-1", False),
        (3, "MOD-1", True),
    ]
    assert items[1].first_legal_factor == Decimal("20.6")


def test_chinese_headers_in_a_gb18030_csv_read_the_same(md: MasterData) -> None:
    data = csv_bytes(CHINESE_ITEM_HEADER, ITEMS, encoding="gb18030")
    assert import_items(md, NEW_BOOK, data, "备案.csv").created == 3
    assert [i.name for i in md.items(NEW_BOOK)] == ["太阳能电池片", "光伏玻璃", "光伏组件"]


def test_xlsx_numbers_are_read_exactly_and_zero_padded_codes_keep_their_zeros(
    md: MasterData,
) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(list(ITEM_HEADER))
    # A float cell 0.1 (binary 0.1000000000000000055...) and unit 7 shown as "007".
    sheet.append([1, "WIRE-1", "8544491900", "铜线", 7, "035", 0.1, False])
    sheet["E2"].number_format = "000"
    out = io.BytesIO()
    workbook.save(out)
    assert import_items(md, NEW_BOOK, out.getvalue(), "items.xlsx").created == 1
    [item] = md.items(NEW_BOOK)
    assert item.first_legal_factor == Decimal("0.1")
    assert str(item.first_legal_factor) == "0.1"
    assert item.declared_unit == "007"


def test_norms_from_xlsx_with_date_cells_and_float_rates(md: MasterData) -> None:
    import_items(md, NEW_BOOK, csv_bytes(ITEM_HEADER, ITEMS), "items.csv")
    rows = [
        (3, 1, 1, 144, 0.003, dt.date(2026, 1, 1)),
        (3, 2, 1, 1.02, 0.1, dt.date(2026, 1, 1)),
    ]
    summary = import_norms(md, NEW_BOOK, xlsx_bytes(NORM_HEADER, rows), "norms.xlsx")
    assert summary.created == 2
    norms = md.norms(NEW_BOOK)
    assert [(n.material_item_no, n.net_consumption, n.loss_rate) for n in norms] == [
        (1, Decimal("144"), Decimal("0.003")),
        (2, Decimal("1.02"), Decimal("0.1")),
    ]
    assert norms[0].effective_from == dt.date(2026, 1, 1)


def test_every_bad_row_is_named_by_row_and_column_and_nothing_is_imported(
    md: MasterData,
) -> None:
    rows = [
        ITEMS[0],
        (2, "GLASS-1", "70071900", "光伏玻璃", "007", "035", "20.6", "料件"),  # HS too short
        (3, "CELL-1", "8541430000", "光伏组件", "007", "007", "1", "成品"),  # part no of row 2
        (4, "X-4", "8541430000", "x", "007", "035", "0", "料件"),  # factor zero
    ]
    refused = _refusal(
        lambda: import_items(md, NEW_BOOK, csv_bytes(CHINESE_ITEM_HEADER, rows), "items.csv")
    )
    assert [(r.row, r.column) for r in refused.rows] == [
        (3, "商品编码"),
        (4, "料号"),
        (5, "法定计量单位比例因子"),
    ]
    assert refused.field == "rows[3].hs_code"
    assert "CELL-1" in refused.rows[1].reason
    assert md.items(NEW_BOOK) == []  # row 2 was good, yet nothing was kept


def test_a_row_conflicting_with_an_existing_registration_is_refused_naming_it(
    md: MasterData,
) -> None:
    import_items(md, NEW_BOOK, csv_bytes(ITEM_HEADER, ITEMS), "items.csv")
    changed = [ITEMS[0], (2, "GLASS-1", "7007190000", "光伏玻璃", "007", "035", "20.7", "料件")]
    refused = _refusal(lambda: import_items(md, NEW_BOOK, csv_bytes(ITEM_HEADER, changed), "f"))
    [row] = refused.rows
    assert (row.row, row.column, row.field) == (
        3,
        "first_legal_factor",
        "rows[3].first_legal_factor",
    )
    assert md.items(NEW_BOOK)[1].first_legal_factor == Decimal("20.6")


def test_unknown_and_missing_columns_are_refused_before_any_row(md: MasterData) -> None:
    header = ("item_no", "part_no", "hs_code", "name", "declared_unit", "first_legal_unit", "单价")
    refused = _refusal(lambda: import_items(md, NEW_BOOK, csv_bytes(header, []), "items.csv"))
    assert [(r.row, r.column) for r in refused.rows] == [
        (1, "单价"),
        (1, "first_legal_factor"),
    ]
    assert "unknown column" in refused.rows[0].reason
    assert "missing" in refused.rows[1].reason


def test_a_norm_naming_an_unregistered_item_is_refused_naming_the_row(md: MasterData) -> None:
    import_items(md, NEW_BOOK, csv_bytes(ITEM_HEADER, ITEMS), "items.csv")
    rows = [(3, 1, 1, "144", "0.003", "2026-01-01"), (3, 9, 1, "2", "0", "2026-01-01")]
    refused = _refusal(
        lambda: import_norms(md, NEW_BOOK, csv_bytes(NORM_HEADER, rows), "norms.csv")
    )
    [row] = refused.rows
    assert (row.row, row.column) == (3, "material_item_no")
    assert md.norms(NEW_BOOK) == []


def test_a_file_that_is_neither_csv_nor_xlsx_text_is_refused_plainly(md: MasterData) -> None:
    refused = _refusal(lambda: import_items(md, NEW_BOOK, b"PK\x03\x04broken", "items.xlsx"))
    assert "not a readable XLSX workbook" in refused.rows[0].reason
    empty = _refusal(lambda: import_items(md, NEW_BOOK, b"", "items.csv"))
    assert "empty" in empty.rows[0].reason


def test_rows_are_numbered_as_the_spreadsheet_shows_them_blank_rows_included(
    md: MasterData,
) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(list(ITEM_HEADER))
    sheet.append(list(ITEMS[0]))
    # Row 3 is left blank; row 4 lacks its HS code.
    sheet.append([])
    sheet.append([2, "GLASS-1", None, "光伏玻璃", "007", "035", "20.6", "料件"])
    out = io.BytesIO()
    workbook.save(out)
    refused = _refusal(lambda: import_items(md, NEW_BOOK, out.getvalue(), "items.xlsx"))
    assert [(r.row, r.column) for r in refused.rows] == [(4, "hs_code")]
