"""Refusals shown on a page (拒绝原因): the field, the reason and, for an uploaded
document, the line, as data, whatever refused: a service (``BondflowError``), a model
(pydantic's ``ValidationError``) or a workflow (``Refusal``)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from pydantic import ValidationError

from schemas.errors import BondflowError, field_path
from schemas.lifecycle import Refusal
from schemas.wording import plain_reason


@dataclass(frozen=True)
class ShownRefusal:
    field: str | None
    reason: str
    line: int | None = None


def from_error(error: BondflowError) -> list[ShownRefusal]:
    return [ShownRefusal(error.field, error.reason)]


def from_validation(error: ValidationError, prefix: str = "") -> list[ShownRefusal]:
    shown = []
    for problem in error.errors():
        path = field_path(problem["loc"])
        field = f"{prefix}.{path}" if prefix and path else (prefix or path or None)
        shown.append(ShownRefusal(field, plain_reason(problem["msg"])))
    return shown


def from_refusals(refusals: Iterable[Refusal]) -> list[ShownRefusal]:
    return [ShownRefusal(refusal.field, refusal.reason) for refusal in refusals]
