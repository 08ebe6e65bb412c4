"""The base of every domain error: what went wrong, where (the field) and why.

The API turns these into RFC 9457 problem+json, the CLI into a one-line message.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def field_path(loc: Sequence[Any]) -> str:
    """A pydantic error location as a field path: ("lines", 0, "quantity") ->
    "lines[0].quantity" (the one path style of refusals, API and workflows alike)."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


class BondflowError(Exception):
    """A refusal that the caller can act on: nothing was written."""

    code = "bondflow_error"
    status = 422

    def __init__(self, reason: str, *, field: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.field = field

    def __str__(self) -> str:
        return f"{self.field}: {self.reason}" if self.field else self.reason


class NotFound(BondflowError):
    code = "not_found"
    status = 404


class Conflict(BondflowError):
    code = "conflict"
    status = 409
