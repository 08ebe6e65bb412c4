"""A book's reconciliation (账册核对) over a period as files: CSV and XLSX, one table of
columns for both (the English name a program reads, the Chinese one people read).

Quantities stay exact. CSV writes each as a plain decimal. In XLSX a cell is a number
when an IEEE double holds the Decimal exactly (Excel keeps numbers as doubles: every
quantity up to 15 significant digits, that is below 10^10 at the ledger's 5 places),
so an auditor can sum the column; a larger one is written as its decimal text rather
than rounded. Numbers are written from the Decimal itself, so the file holds its exact
text, and shown with 5 decimal places.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from schemas.inventory import Reconciliation, ReconciliationLine
from schemas.quantities import plain

# openpyxl (~0.06 s of CPU to import) is imported when a workbook is written: the API
# imports this module at start, and few of its requests download an XLSX file.

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
QUANTITY_FORMAT = "0.00000"


class Language(StrEnum):
    ENGLISH = "en"
    CHINESE = "zh"


Cell = str | int | Decimal | bool


@dataclass(frozen=True)
class Column:
    name: str  # the English column name (the CSV's header; a program reads it)
    chinese: str
    value: Callable[[str, ReconciliationLine], Cell]
    quantity: bool = False

    def heading(self, language: Language) -> str:
        return self.chinese if language is Language.CHINESE else self.name


def _quantity(pick: Callable[[ReconciliationLine], Decimal]) -> Callable[..., Cell]:
    return lambda _book, line: pick(line)


COLUMNS: tuple[Column, ...] = (
    Column("book_no", "账册编号", lambda book, _line: book),
    Column("item_no", "项号", lambda _book, line: line.item_no),
    Column("lot_no", "批次", lambda _book, line: line.lot_no),
    Column("unit", "计量单位", lambda _book, line: line.unit),
    Column("opening", "期初结存", _quantity(lambda line: line.opening), quantity=True),
    Column("receipts", "本期收入", _quantity(lambda line: line.receipts), quantity=True),
    Column("removals", "本期发出", _quantity(lambda line: line.removals), quantity=True),
    Column("adjustments", "盘点调整", _quantity(lambda line: line.adjustments), quantity=True),
    Column("between_lots", "批次间移转", _quantity(lambda line: line.between_lots), quantity=True),
    Column("closing", "期末结存", _quantity(lambda line: line.closing), quantity=True),
    Column("balanced", "是否平衡", lambda _book, line: line.balanced),
)
CSV_COLUMNS = tuple(column.name for column in COLUMNS)


def cell_text(value: Cell) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return plain(value)
    return str(value)


def reconciliation_csv(
    found: Reconciliation, *, headers: Sequence[Language] = (Language.ENGLISH,)
) -> str:
    """Header rows (the English column names by default; `(CHINESE, ENGLISH)` for
    people), then one row per item and lot; quantities as plain decimals."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for language in headers:
        writer.writerow(column.heading(language) for column in COLUMNS)
    for line in found.lines:
        writer.writerow(cell_text(column.value(found.book_no, line)) for column in COLUMNS)
    return out.getvalue()


def exact_in_a_double(value: Decimal) -> bool:
    """Whether a spreadsheet number (an IEEE double) gives this Decimal back exactly."""
    return Decimal(repr(float(value))) == value


def xlsx_cell(value: Cell) -> Cell:
    if isinstance(value, bool):
        return value
    if isinstance(value, Decimal):
        return value if exact_in_a_double(value) else plain(value)
    return value


def reconciliation_xlsx(found: Reconciliation) -> bytes:
    """A workbook of one sheet: the Chinese header row, the English one, then one row per
    item and lot (quantities as numbers, or as text where a double would change them)."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = f"{found.first_day:%Y%m%d}-{found.last_day:%Y%m%d}"
    for language in (Language.CHINESE, Language.ENGLISH):
        sheet.append([column.heading(language) for column in COLUMNS])
    for line in found.lines:
        sheet.append([xlsx_cell(column.value(found.book_no, line)) for column in COLUMNS])
    for index, column in enumerate(COLUMNS, start=1):
        if column.quantity:
            for (cell,) in sheet.iter_rows(min_row=3, min_col=index, max_col=index):
                cell.number_format = QUANTITY_FORMAT
        sheet.column_dimensions[get_column_letter(index)].width = 16
    sheet.freeze_panes = "A3"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
