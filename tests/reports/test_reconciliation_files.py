"""The reconciliation as files: CSV and XLSX from one table of columns, every figure
exactly the ledger's Decimal."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from openpyxl import load_workbook

from reports.reconciliation import (
    CSV_COLUMNS,
    Language,
    exact_in_a_double,
    reconciliation_csv,
    reconciliation_xlsx,
)
from schemas.inventory import Reconciliation, ReconciliationLine

BOOK = "H9601W104420"
BEIJING = dt.timezone(dt.timedelta(hours=8))
HUGE = Decimal("9999999999999.99999")  # the ledger's largest quantity: 18 digits


def _line(lot: str, opening: str, receipts: str, removals: str, closing: str) -> ReconciliationLine:
    return ReconciliationLine(
        item_no=1,
        lot_no=lot,
        unit="035",
        opening=Decimal(opening),
        receipts=Decimal(receipts),
        removals=Decimal(removals),
        adjustments=Decimal("-0.00001"),
        between_lots=Decimal("0.00000"),
        closing=Decimal(closing),
        balanced=True,
    )


def _report(*lines: ReconciliationLine) -> Reconciliation:
    return Reconciliation(
        book_no=BOOK,
        first_day=dt.date(2026, 4, 1),
        last_day=dt.date(2026, 4, 30),
        timezone="Asia/Shanghai",
        starts_at=dt.datetime(2026, 4, 1, tzinfo=BEIJING),
        ends_at=dt.datetime(2026, 5, 1, tzinfo=BEIJING),
        lines=lines,
        balanced=True,
    )


REPORT = _report(
    _line("CELL-1", "12663.31658", "0.1", "0.2", "12663.21657"),
    _line("HUGE-1", str(HUGE), "0", "0", str(HUGE - Decimal("0.00001"))),
)


def test_the_csv_has_the_english_header_by_default_and_plain_decimals() -> None:
    """Given a report, when written as CSV, then the header is the column names a
    program reads and each quantity its plain decimal text, however large."""
    lines = reconciliation_csv(REPORT).split("\r\n")
    assert lines[0] == ",".join(CSV_COLUMNS)
    assert lines[1] == f"{BOOK},1,CELL-1,035,12663.31658,0.1,0.2,-0.00001,0,12663.21657,true"
    assert lines[2].split(",")[4] == "9999999999999.99999"


def test_the_csv_for_people_has_a_chinese_header_row_before_the_english_one() -> None:
    lines = reconciliation_csv(REPORT, headers=(Language.CHINESE, Language.ENGLISH)).split("\r\n")
    assert lines[0].startswith("账册编号,项号,批次,计量单位,期初结存")
    assert lines[1] == ",".join(CSV_COLUMNS)


def test_every_xlsx_figure_equals_the_decimal_as_a_number_or_else_as_text() -> None:
    """Given a report with ordinary quantities and one too long for a double, when
    written as XLSX and opened with openpyxl, then the ordinary ones are numbers whose
    value is exactly the Decimal, and the long one is its exact text."""
    sheet = load_workbook(io.BytesIO(reconciliation_xlsx(REPORT))).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][4:6] == ("期初结存", "本期收入")
    assert rows[1] == CSV_COLUMNS
    quantities = ("opening", "receipts", "removals", "adjustments", "between_lots", "closing")
    for row, line in zip(rows[2:], REPORT.lines, strict=True):
        assert row[:4] == (BOOK, 1, line.lot_no, "035")
        for value, name in zip(row[4:10], quantities, strict=True):
            expected: Decimal = getattr(line, name)
            if exact_in_a_double(expected):
                assert isinstance(value, int | float), (name, value)
                assert Decimal(repr(value)) == expected, (name, value)
            else:
                assert value == format(expected, "f"), (name, value)
        assert row[10] is True
    assert not exact_in_a_double(HUGE)


def test_an_xlsx_quantity_cell_shows_five_places() -> None:
    sheet = load_workbook(io.BytesIO(reconciliation_xlsx(REPORT))).active
    assert sheet is not None
    assert sheet["E3"].number_format == "0.00000"
    assert sheet.freeze_panes == "A3"
