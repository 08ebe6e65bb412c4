"""A book's registered items (备案料件/成品) and consumption norms (单耗) from a CSV or
XLSX file, as enterprises keep them: all or nothing, every bad row named.

The first row names the columns: our field names (`item_no`, `hs_code`, ...) or the
Chinese headers of enterprises' sheets (`HEADERS`). Every cell is read as text and
validated by the same models as one registration through the API; numbers are read
exactly (an XLSX cell holding 0.1 is 0.1, not the binary float nearest to it).
Rows are numbered as the file shows them: the header is row 1.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Generic, TypeVar

from pydantic import BaseModel, ValidationError

from masterdata.errors import ImportRefused, RowsRefused
from masterdata.service import MasterData
from schemas.masterdata import BookItemIn, ConsumptionNormIn, ImportRow, ImportSummary
from schemas.wording import plain_reason

# openpyxl (~0.06 s of CPU to import) is imported when a workbook is read: the API and
# the CLI import this module at start, and few of their requests read an XLSX file.

# The Chinese column headers enterprises' sheets use, with the field each one fills.
# Our own field names are accepted as they are.
HEADERS: Mapping[str, str] = {
    # items (备案料件/成品)
    "备案序号": "item_no",
    "项号": "item_no",
    "料号": "part_no",
    "商品料号": "part_no",
    "商品编码": "hs_code",
    "HS编码": "hs_code",
    "商品名称": "name",
    "规格型号": "specification",
    "申报计量单位": "declared_unit",
    "申报单位": "declared_unit",
    "法定计量单位": "first_legal_unit",
    "第一法定计量单位": "first_legal_unit",
    "法定计量单位比例因子": "first_legal_factor",
    "第一法定计量单位比例因子": "first_legal_factor",
    "第一比例因子": "first_legal_factor",
    "第二法定计量单位": "second_legal_unit",
    "第二法定计量单位比例因子": "second_legal_factor",
    "第二比例因子": "second_legal_factor",
    "成品标志": "is_finished_good",
    "料件成品标志": "is_finished_good",
    # consumption norms (单耗)
    "成品序号": "finished_item_no",
    "成品备案序号": "finished_item_no",
    "料件序号": "material_item_no",
    "料件备案序号": "material_item_no",
    "单耗版本号": "version",
    "版本号": "version",
    "净耗": "net_consumption",
    "工艺损耗率": "loss_rate",
    "损耗率": "loss_rate",
    "生效日期": "effective_from",
    "开始有效日期": "effective_from",
}

# What a finished-good flag may say besides true/false, 1/0, yes/no.
FLAGS: Mapping[str, str] = {
    "成品": "true",
    "E": "true",
    "是": "true",
    "料件": "false",
    "I": "false",
    "否": "false",
}

MAX_ROWS = 20_000
MAX_UNPACKED = 64 * 1024 * 1024  # bytes an XLSX may unpack to (a zip bomb is refused)
_XLSX_MAGIC = b"PK\x03\x04"

Entry = TypeVar("Entry", BookItemIn, ConsumptionNormIn)


@dataclass(frozen=True)
class Sheet:
    """The rows of a file: each with its row number and its cells by field name."""

    source: str
    columns: Mapping[str, str]  # field -> the header as the file writes it
    rows: Sequence[tuple[int, dict[str, str]]]


def import_items(
    md: MasterData, book_no: str, data: bytes, source: str, *, dry_run: bool = False
) -> ImportSummary:
    """Register every item of the file in the book, or none (ImportRefused)."""
    sheet = read_sheet(data, source, BookItemIn)
    return _register(
        sheet,
        _entries(sheet, book_no, BookItemIn),
        lambda items, check: md.register_items(book_no, items, dry_run=check),
        dry_run,
    )


def import_norms(
    md: MasterData, book_no: str, data: bytes, source: str, *, dry_run: bool = False
) -> ImportSummary:
    """Register every norm version of the file in the book, or none (ImportRefused)."""
    sheet = read_sheet(data, source, ConsumptionNormIn)
    return _register(
        sheet,
        _entries(sheet, book_no, ConsumptionNormIn),
        lambda norms, check: md.register_norms(book_no, norms, dry_run=check),
        dry_run,
    )


# --- reading the file -----------------------------------------------------------------


def read_sheet(
    data: bytes, source: str, model: type[BaseModel], known: Mapping[str, str] = HEADERS
) -> Sheet:
    """The file's rows with their cells named by the model's fields (or by ``known``,
    the Chinese headers of such sheets); a file that cannot be read, an unknown,
    repeated or missing column is refused naming it."""
    table = _xlsx_rows(data, source) if data.startswith(_XLSX_MAGIC) else _csv_rows(data, source)
    header_row = next(table, None)
    if header_row is None:
        raise _refused(source, 1, None, None, "the file is empty: the first row names the columns")
    header_no, headers = header_row
    wanted = {name for name in model.model_fields if name != "book_no"}
    positions: dict[int, str] = {}
    columns: dict[str, str] = {}
    problems: list[ImportRow] = []
    for position, header in enumerate(headers):
        if not header:
            continue
        field = header if header in wanted else known.get(header)
        if field not in wanted:
            problems.append(
                row_problem(
                    header_no,
                    header,
                    header,
                    f"unknown column {header!r}; "
                    f"the columns are {', '.join(sorted(wanted))} (or their Chinese headers)",
                )
            )
        elif field in columns:
            problems.append(
                row_problem(
                    header_no,
                    header,
                    field,
                    f"column {header!r} repeats {columns[field]!r} ({field})",
                )
            )
        else:
            positions[position] = field
            columns[field] = header
    for name, info in model.model_fields.items():
        if name in wanted and info.is_required() and name not in columns:
            problems.append(row_problem(header_no, name, name, f"the column {name} is missing"))
    if problems:
        raise ImportRefused(source, problems)
    rows: list[tuple[int, dict[str, str]]] = []
    for number, cells in table:
        named: dict[str, str] = {}
        for position, text in enumerate(cells):
            if not text:
                continue
            if position not in positions:
                problems.append(
                    row_problem(
                        number,
                        None,
                        None,
                        f"a value ({text!r}) in column {position + 1}, which has no header",
                    )
                )
                continue
            named[positions[position]] = text
        if named:
            rows.append((number, named))
        if len(rows) > MAX_ROWS:
            problems.append(row_problem(number, None, None, f"more than {MAX_ROWS} rows"))
            break
    if problems:
        raise ImportRefused(source, problems)
    return Sheet(source=source, columns=columns, rows=rows)


def _csv_rows(data: bytes, source: str) -> Iterator[tuple[int, list[str]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("gb18030")  # what a Chinese Excel saves as CSV
        except UnicodeDecodeError:
            raise _refused(source, 1, None, None, "neither UTF-8 nor GB18030 text") from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        for cells in reader:
            yield reader.line_num, [cell.strip() for cell in cells]
    except csv.Error as error:
        raise _refused(source, reader.line_num, None, None, f"not CSV: {error}") from None


def _xlsx_rows(data: bytes, source: str) -> Iterator[tuple[int, list[str]]]:
    """The first worksheet's rows, each cell as the text it shows (cached values of
    formulas; numbers exact; dates as YYYY-MM-DD)."""
    import openpyxl

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
        if unpacked > MAX_UNPACKED:
            raise _refused(
                source, 1, None, None, f"the workbook unpacks to over {MAX_UNPACKED} bytes"
            )
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except ImportRefused:
        raise
    except Exception as error:  # openpyxl raises many kinds for a broken workbook
        raise _refused(source, 1, None, None, f"not a readable XLSX workbook: {error}") from None
    try:
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows()
        number = 0
        while True:
            try:
                cells = next(rows, None)
            except Exception as error:  # a broken sheet part shows only while reading it
                raise _refused(
                    source, number + 1, None, None, f"not a readable XLSX worksheet: {error}"
                ) from None
            if cells is None:
                return
            number += 1  # read-only sheets give empty rows too, so this is the row
            yield (
                number,
                [_cell_text(cell.value, getattr(cell, "number_format", "")) for cell in cells],
            )
    finally:
        workbook.close()


_ZERO_PADDED = re.compile(r"^0+$")


def _cell_text(value: object, number_format: str | None) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        # A code such as unit 007 kept as a number shown with the format "000".
        if number_format and _ZERO_PADDED.match(number_format):
            return str(value).zfill(len(number_format))
        return str(value)
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        # repr is the shortest text that reads back as the same float: what was typed.
        return format(Decimal(repr(value)), "f")
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


# --- building and registering ---------------------------------------------------------


@dataclass(frozen=True)
class _Entries(Generic[Entry]):
    rows: list[int]  # the row number of each entry
    entries: list[Entry]
    problems: list[ImportRow]  # rows the model refused


def _entries(sheet: Sheet, book_no: str, model: type[Entry]) -> _Entries[Entry]:
    found = _Entries[Entry](rows=[], entries=[], problems=[])
    for number, cells in sheet.rows:
        if "is_finished_good" in cells:
            flag = cells["is_finished_good"]
            cells = cells | {"is_finished_good": FLAGS.get(flag, flag)}
        try:
            found.entries.append(model.model_validate({**cells, "book_no": book_no}))
            found.rows.append(number)
        except ValidationError as error:
            for problem in error.errors():
                reason = plain_reason(problem["msg"])
                field: str | None
                if problem["loc"]:
                    field = str(problem["loc"][0])
                else:  # a rule over several fields names the first of them first
                    named = reason.split(" ", 1)[0]
                    field = named if named in sheet.columns else None
                column = sheet.columns.get(field) if field else None
                found.problems.append(row_problem(number, column, field, reason))
    return found


def _register(
    sheet: Sheet,
    found: _Entries[Entry],
    register: Callable[[list[Entry], bool], ImportSummary],
    dry_run: bool,
) -> ImportSummary:
    """Register the entries; when some rows were refused already, the others are still
    checked (and nothing kept), so that the refusal names every bad row."""
    problems = list(found.problems)
    try:
        summary = register(found.entries, dry_run or bool(problems))
    except RowsRefused as refused:
        problems += [
            row_problem(
                found.rows[r.index],
                sheet.columns.get(r.field) if r.field else None,
                r.field,
                r.reason,
            )
            for r in refused.refusals
        ]
    if problems:
        raise ImportRefused(sheet.source, sorted(problems, key=lambda p: p.row))
    return summary


def row_problem(row: int, column: str | None, field: str | None, reason: str) -> ImportRow:
    return ImportRow(
        row=row,
        column=column,
        field=f"rows[{row}].{field}" if field else f"rows[{row}]",
        reason=reason,
    )


def _refused(
    source: str, row: int, column: str | None, field: str | None, reason: str
) -> ImportRefused:
    return ImportRefused(source, [row_problem(row, column, field, reason)])
