"""Refusals shown on a page (拒绝原因): the field, the reason and, for an uploaded
document, the line (for a sheet, the row and column), as data, whatever refused: a
service (``BondflowError``), a model (pydantic's ``ValidationError``), a workflow
(``Refusal``) or a sheet's import (``ImportRefused``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from pydantic import ValidationError

from masterdata.errors import ImportRefused
from schemas.errors import BondflowError, field_path
from schemas.lifecycle import Refusal
from schemas.wording import plain_reason


@dataclass(frozen=True)
class ShownRefusal:
    field: str | None
    reason: str
    line: int | None = None
    row: int | None = None  # a sheet's row (the header is row 1) and its column's header
    column: str | None = None


def from_error(error: BondflowError) -> list[ShownRefusal]:
    """The refusal; for an uploaded document, every problem found in it, each with its
    element and line (``XmlMessageError.problems``)."""
    problems = getattr(error, "problems", ())
    if len(problems) > 1:
        return [
            ShownRefusal(
                str(problem.get("field") or "document"),
                str(problem.get("reason", "")),
                _line(problem.get("line")),
            )
            for problem in problems
        ]
    return [ShownRefusal(error.field, error.reason, _line(getattr(error, "line", None)))]


def _line(value: object) -> int | None:
    return value if isinstance(value, int) else None


def from_validation(error: ValidationError, prefix: str = "") -> list[ShownRefusal]:
    shown = []
    for problem in error.errors():
        path = field_path(problem["loc"])
        field = f"{prefix}.{path}" if prefix and path else (prefix or path or None)
        shown.append(ShownRefusal(field, plain_reason(problem["msg"])))
    return shown


def from_part(error: ValidationError, where: Callable[[str], str]) -> list[ShownRefusal]:
    """A model built from a part of what was sent (a draft from an upload, inside a
    correction): its fields renamed by ``where`` to the place they came from."""
    return [
        ShownRefusal(where(shown.field or ""), shown.reason) for shown in from_validation(error)
    ]


def from_refusals(refusals: Iterable[Refusal]) -> list[ShownRefusal]:
    return [ShownRefusal(refusal.field, refusal.reason) for refusal in refusals]


def from_import(error: ImportRefused) -> list[ShownRefusal]:
    """Every bad row of a sheet, with its row, its column as the sheet heads it and
    the field it was read into."""
    return [
        ShownRefusal(row.field, row.reason, row=row.row, column=row.column) for row in error.rows
    ]
