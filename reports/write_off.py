"""A processing book's write-off statement (加工贸易账册核销表) as files: CSV and XLSX from
one table of columns per section (materials 料件, finished goods 成品), each column with
the name a program reads, its Chinese heading and its English one.

The XLSX is laid out as a statement: a title block (book, period, whether a count was
given, whether it balances), the materials table and the finished goods table, each
under a Chinese and an English header row; a second sheet lists every figure's documents
(item, figure, document type and number, ledger transaction, quantity), so each figure
can be traced; a third lists finished goods that could not be folded into materials (no
norm in force). The CSV is one table: a `section` column, then the union of both
sections' columns (empty where a column is not one of the line's section).

Quantities stay exact, as in the reconciliation: plain decimals in CSV; in XLSX a number
where a double holds the Decimal exactly, else its text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, fields
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING

from reports.reconciliation import QUANTITY_FORMAT, Cell, Language, cell_text, xlsx_cell
from rules.write_off import BookWriteOff, Figure, FinishedLine, MaterialLine

# openpyxl is imported when a workbook is written, as in ``reports.reconciliation``.
if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

Line = MaterialLine | FinishedLine


class Section(StrEnum):
    MATERIALS = "materials"  # 料件
    FINISHED_GOODS = "finished_goods"  # 成品


SECTION_NAMES = {
    Section.MATERIALS: ("料件", "Materials"),
    Section.FINISHED_GOODS: ("成品", "Finished goods"),
}


@dataclass(frozen=True)
class Column:
    name: str  # the CSV's header and the line's attribute (item columns: the item's)
    chinese: str
    english: str
    quantity: bool = True

    def heading(self, language: Language) -> str:
        return self.chinese if language is Language.CHINESE else self.english

    def value(self, line: Line) -> Cell | None:
        """The line's value in this column; None: not a column of the line's section,
        or a count not given."""
        if not self.quantity:
            found: Cell = getattr(line.item, self.name)
            return found
        if not hasattr(line, self.name):
            return None
        figure: Figure | Decimal | None = getattr(line, self.name)
        return figure.quantity if isinstance(figure, Figure) else figure


ITEM_COLUMNS = (
    Column("item_no", "备案序号", "Item no.", quantity=False),
    Column("part_no", "料号", "Part no.", quantity=False),
    Column("name", "品名", "Name", quantity=False),
    Column("unit", "计量单位", "Unit", quantity=False),
)
MATERIAL_COLUMNS = (
    *ITEM_COLUMNS,
    Column("opening_stock", "期初库存", "Opening stock"),
    Column("opening_in_finished", "期初成品折料", "Opening in finished goods"),
    Column("imports", "本期进口", "Imports"),
    Column("purchases", "国内采购", "Domestic purchases"),
    Column("transfers_in", "结转转入", "Transfers in"),
    Column("produced", "加工产出(边角料)", "Produced (offcuts)"),
    Column("consumed_exported", "出口成品耗料", "Consumed by exported goods"),
    Column("consumed_sold", "内销成品耗料", "Consumed by goods sold into China"),
    Column("consumed_transferred_out", "结转成品耗料", "Consumed by goods transferred out"),
    Column("consumed_disposed", "销毁成品及残次品耗料", "Consumed by goods disposed"),
    Column("exported", "料件复出", "Returned abroad"),
    Column("sold", "料件及边角料内销", "Sold into China"),
    Column("transferred_out", "料件结转转出", "Transferred out"),
    Column("disposed", "料件及边角料销毁", "Disposed"),
    Column("adjustments", "盘盈盘亏", "Adjustments"),
    Column("theoretical_closing", "理论结余", "Theoretical closing"),
    Column("counted_stock", "盘点库存", "Counted stock"),
    Column("counted_in_finished", "盘点成品折料", "Counted in finished goods"),
    Column("counted", "实际结余", "Counted balance"),
    Column("difference", "差异", "Difference"),
    Column("used_by_work_orders", "工单实耗(参考)", "Used by work orders (for reference)"),
)
FINISHED_COLUMNS = (
    *ITEM_COLUMNS,
    Column("opening_stock", "期初库存", "Opening stock"),
    Column("received", "本期收入", "Received"),
    Column("produced", "本期生产", "Produced"),
    Column("exported", "本期出口", "Exported"),
    Column("sold", "本期内销", "Sold into China"),
    Column("transferred_out", "结转转出", "Transferred out"),
    Column("disposed", "销毁", "Disposed"),
    Column("used_in_processing", "加工耗用", "Used in processing"),
    Column("adjustments", "盘盈盘亏", "Adjustments"),
    Column("theoretical_closing", "理论结余", "Theoretical closing"),
    Column("counted", "盘点库存", "Counted balance"),
    Column("difference", "差异", "Difference"),
)
SECTION_COLUMN = Column("section", "类别", "Section", quantity=False)


def _union() -> tuple[Column, ...]:
    seen: dict[str, Column] = {}
    for column in (*MATERIAL_COLUMNS, *FINISHED_COLUMNS):
        seen.setdefault(column.name, column)
    return tuple(seen.values())


CSV_COLUMNS = (SECTION_COLUMN, *_union())


def _lines(found: BookWriteOff) -> Iterator[tuple[Section, Line]]:
    for material in found.statement.materials:
        yield Section.MATERIALS, material
    for finished in found.statement.finished_goods:
        yield Section.FINISHED_GOODS, finished


def write_off_csv(found: BookWriteOff, *, headers: Sequence[Language] = (Language.ENGLISH,)) -> str:
    """Header rows (the column names by default; `(CHINESE, ENGLISH)` for people, the
    English row then being the names too), then one row per material and finished good."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for language in headers:
        writer.writerow(
            column.chinese if language is Language.CHINESE else column.name
            for column in CSV_COLUMNS
        )
    for section, line in _lines(found):
        row = [section.value]
        for column in CSV_COLUMNS[1:]:
            value = column.value(line)
            row.append("" if value is None else cell_text(value))
        writer.writerow(row)
    return out.getvalue()


def _yes_no(value: bool | None) -> str:
    return {True: "是 yes", False: "否 no", None: "未盘点 not counted"}[value]


def _table(sheet: Worksheet, title: str, columns: Sequence[Column], lines: Sequence[Line]) -> None:
    from openpyxl.styles import Font

    sheet.append([])
    sheet.append([title])
    sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
    for language in (Language.CHINESE, Language.ENGLISH):
        sheet.append([column.heading(language) for column in columns])
    for line in lines:
        values = [column.value(line) for column in columns]
        sheet.append(["" if v is None else xlsx_cell(v) for v in values])
        for index, column in enumerate(columns, start=1):
            if column.quantity:
                sheet.cell(row=sheet.max_row, column=index).number_format = QUANTITY_FORMAT


def _documents(found: BookWriteOff) -> Iterator[list[Cell]]:
    """One row per source of every figure, in the statement's order."""
    for section, line in _lines(found):
        for field in fields(line):
            figure = getattr(line, field.name)
            if not isinstance(figure, Figure):
                continue
            for source in figure.sources:
                yield [
                    section.value,
                    line.item.item_no,
                    field.name,
                    source.document_type.value if source.document_type else "",
                    source.document_no or "",
                    source.transaction or "",
                    xlsx_cell(source.quantity),
                ]


DOCUMENT_HEADINGS = (
    ("类别", "备案序号", "栏目", "单证类型", "单证编号", "账务交易", "数量"),
    ("Section", "Item no.", "Figure", "Document type", "Document no.", "Transaction", "Quantity"),
)


def write_off_xlsx(found: BookWriteOff) -> bytes:
    """The statement sheet (title block, materials, finished goods), the documents of
    every figure, and the finished goods that could not be folded."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "核销表 Statement"
    statement = found.statement
    sheet.append(["加工贸易账册核销表 Write-off statement of a processing book"])
    sheet.cell(row=1, column=1).font = Font(bold=True, size=14)
    sheet.append(["账册编号 Book no.", found.book_no])
    sheet.append(["核销期 Period", f"{found.first_day} – {found.last_day}", found.timezone])
    sheet.append(["已盘点 Counted", _yes_no(statement.counted or None)])
    sheet.append(["账实相符 Balanced", _yes_no(statement.balanced)])
    chinese, english = SECTION_NAMES[Section.MATERIALS]
    _table(sheet, f"{chinese} {english}", MATERIAL_COLUMNS, statement.materials)
    chinese, english = SECTION_NAMES[Section.FINISHED_GOODS]
    _table(sheet, f"{chinese} {english}", FINISHED_COLUMNS, statement.finished_goods)
    for index in range(1, len(MATERIAL_COLUMNS) + 1):
        sheet.column_dimensions[get_column_letter(index)].width = 16
    documents = book.create_sheet("单证 Documents")
    for headings in DOCUMENT_HEADINGS:
        documents.append(list(headings))
    for row in _documents(found):
        documents.append(row)
        documents.cell(row=documents.max_row, column=7).number_format = QUANTITY_FORMAT
    documents.freeze_panes = "A3"
    unfolded = book.create_sheet("未折料 Unfolded")
    unfolded.append(["备案序号", "日期", "数量", "单证编号", "账务交易"])
    unfolded.append(["Item no.", "Day", "Quantity", "Document no.", "Transaction"])
    for missing in statement.unfolded:
        unfolded.append(
            [
                missing.finished_item_no,
                missing.on.isoformat(),
                xlsx_cell(missing.quantity),
                missing.source.document_no or "",
                missing.source.transaction or "",
            ]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
