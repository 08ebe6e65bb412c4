"""Item and norm sheets as enterprises keep them, written by the tests: CSV text and
XLSX workbooks (openpyxl)."""

from __future__ import annotations

import io
from collections.abc import Sequence

import openpyxl

Cell = str | int | float | bool | None

ITEM_HEADER = (
    "item_no",
    "part_no",
    "hs_code",
    "name",
    "declared_unit",
    "first_legal_unit",
    "first_legal_factor",
    "is_finished_good",
)
# The same columns as a Chinese enterprise's sheet names them.
CHINESE_ITEM_HEADER = (
    "备案序号",
    "料号",
    "商品编码",
    "商品名称",
    "申报计量单位",
    "法定计量单位",
    "法定计量单位比例因子",
    "成品标志",
)
ITEMS: tuple[tuple[Cell, ...], ...] = (
    (1, "CELL-1", "8541420000", "太阳能电池片", "007", "007", "1", "料件"),
    (2, "GLASS-1", "7007190000", "光伏玻璃", "007", "035", "20.6", "料件"),
    (3, "MOD-1", "8541430000", "光伏组件", "007", "007", "1", "成品"),
)
NORM_HEADER = (
    "finished_item_no",
    "material_item_no",
    "version",
    "net_consumption",
    "loss_rate",
    "effective_from",
)


def csv_bytes(
    header: Sequence[str], rows: Sequence[Sequence[Cell]], encoding: str = "utf-8"
) -> bytes:
    lines = [",".join(header)] + [
        ",".join("" if c is None else str(c) for c in row) for row in rows
    ]
    return ("\n".join(lines) + "\n").encode(encoding)


def xlsx_bytes(header: Sequence[str], rows: Sequence[Sequence[object]]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
