"""A stocktake's count sheet (盘点表) from CSV or XLSX: one row per lot and location.

The first row names the columns: our field names (`item_no`, `lot_no`, `location`,
`quantity`, and `status`, `unit_price`, `currency` where needed) or the Chinese
headers of warehouse sheets (`HEADERS`). Read as the book's item imports are
(``masterdata.imports.read_sheet``: cells as text, numbers exact); every bad row is
named as data (`{row, column, field, reason}`, the header is row 1, `field` like
`rows[3].quantity`), and the count's own refusals (``checks.stocktake``), which name a
line of the counts, are named by the row that line came from.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from pydantic import ValidationError

from masterdata.errors import ImportRefused
from masterdata.imports import read_sheet, row_problem
from schemas.lifecycle import CountLine, Refusal
from schemas.masterdata import ImportRow
from schemas.wording import plain_reason

HEADERS: Mapping[str, str] = {
    "备案序号": "item_no",
    "项号": "item_no",
    "批次号": "lot_no",
    "批号": "lot_no",
    "库位": "location",
    "储位": "location",
    "海关状态": "status",
    "盘点数量": "quantity",
    "实盘数量": "quantity",
    "单价": "unit_price",
    "申报单价": "unit_price",
    "币制": "currency",
}

_LINE = re.compile(r"^lines\[(\d+)\](?:\.(\w+))?$")


@dataclass(frozen=True)
class CountSheet:
    """The count lines of a sheet, each with the row it came from."""

    source: str
    columns: Mapping[str, str]  # field -> the header as the sheet writes it
    rows: Sequence[int]
    lines: Sequence[CountLine]

    def refused(self, refusals: Sequence[Refusal]) -> ImportRefused:
        """The count's refusals, each named by the row (and column) of its line."""
        return ImportRefused(self.source, [self._row(refusal) for refusal in refusals])

    def _row(self, refusal: Refusal) -> ImportRow:
        match = _LINE.match(refusal.field)
        if match is None:  # about the sheet as a whole ("lines") or a parameter
            field = "rows" if refusal.field == "lines" else refusal.field
            return ImportRow(row=1, column=None, field=field, reason=refusal.reason)
        row = self.rows[int(match.group(1))]
        name = match.group(2)
        return row_problem(row, self.columns.get(name) if name else None, name, refusal.reason)


def read_count_sheet(data: bytes, source: str) -> CountSheet:
    """The sheet's count lines; every bad row refused at once (ImportRefused)."""
    sheet = read_sheet(data, source, CountLine, HEADERS)
    rows: list[int] = []
    lines: list[CountLine] = []
    problems: list[ImportRow] = []
    for number, cells in sheet.rows:
        try:
            lines.append(CountLine.model_validate(cells))
            rows.append(number)
        except ValidationError as error:
            for problem in error.errors():
                field = str(problem["loc"][0]) if problem["loc"] else None
                column = sheet.columns.get(field) if field else None
                problems.append(row_problem(number, column, field, plain_reason(problem["msg"])))
    if not problems and not lines:
        problems.append(row_problem(2, None, None, "the sheet has no count rows"))
    if problems:
        raise ImportRefused(source, problems)
    return CountSheet(source=source, columns=sheet.columns, rows=rows, lines=lines)
