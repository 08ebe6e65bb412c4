"""The document a lifecycle is about (单证), as the liaison reads it: the draft as it
stands (the workflow's ``draft`` query, through ``LifecycleService.draft``, the same
read the filer's correction form starts from), shown as a head and lines, each code
with the code table it comes from (币制, 国别, 监管方式, 运输方式)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final

from pydantic import BaseModel

# The code table of each field that holds a code (by the field's name in any draft).
CODE_TABLES: Final[dict[str, str]] = {
    "currency": "currency",
    "origin_country": "country",
    "departure_country": "country",
    "destination_country": "country",
    "supervision_mode": "supervision_mode",
    "transport_mode": "transport_mode",
}
LEFT_OUT: Final = frozenset({"kind", "lines"})


@dataclass(frozen=True)
class Cell:
    name: str  # the field's path in the draft (vehicle.vehicle_no)
    value: str | Decimal | dt.datetime | tuple[str, ...] | None
    table: str | None  # the code table the value is a code of

    @property
    def number(self) -> bool:
        return isinstance(self.value, Decimal)

    @property
    def instant(self) -> bool:
        """An aware time (shown in Beijing time)."""
        return isinstance(self.value, dt.datetime)

    @property
    def codes(self) -> bool:
        """A list of codes (a stocktake's locations), shown as a list."""
        return isinstance(self.value, tuple)


@dataclass(frozen=True)
class DocumentTable:
    head: tuple[Cell, ...]
    columns: tuple[str, ...]
    lines: tuple[tuple[Cell, ...], ...]
    corrected: bool  # declared again after a correction (ChgTmsCnt > 0)


def _cells(values: dict[str, Any], prefix: str = "") -> list[Cell]:
    cells: list[Cell] = []
    for name, value in values.items():
        path = f"{prefix}{name}"
        if isinstance(value, BaseModel):
            cells.extend(_cells(dict(value), f"{path}."))
        elif isinstance(value, Decimal | str | int | dt.datetime) or value is None:
            shown = (
                value
                if isinstance(value, Decimal | str | dt.datetime) or value is None
                else str(value)
            )
            cells.append(Cell(path, shown, CODE_TABLES.get(name)))
        elif isinstance(value, tuple | list) and all(isinstance(v, str | int) for v in value):
            cells.append(Cell(path, tuple(str(v) for v in value), CODE_TABLES.get(name)))
        else:
            cells.append(Cell(path, str(value), None))
    return cells


def table_of(draft: BaseModel, corrected: bool) -> DocumentTable:
    fields = dict(draft)
    head = tuple(_cells({k: v for k, v in fields.items() if k not in LEFT_OUT}))
    lines = tuple(tuple(_cells(dict(line))) for line in fields.get("lines", ()))
    columns = tuple(cell.name for cell in lines[0]) if lines else ()
    return DocumentTable(head, columns, lines, corrected)
