"""Which constraint a refused write broke, from what the driver says, not the text of its
message: psycopg names the constraint (``error.diag.constraint_name``), whose columns the
models declare; SQLite names the columns ("UNIQUE constraint failed: lots.book_id,
lots.lot_no"), whose constraint the models declare. Services turn the columns into the
field of their input that is refused."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import Table, UniqueConstraint
from sqlalchemy.exc import IntegrityError

from adapters.db.models import Base

_SQLITE = re.compile(r"(UNIQUE|NOT NULL|CHECK|FOREIGN KEY) constraint failed(?:: (.+))?")


@dataclass(frozen=True)
class Violation:
    """The broken constraint: its table, columns (in declaration order) and name, as
    far as the driver told (empty when it did not)."""

    table: str | None
    columns: tuple[str, ...]
    constraint: str | None


def _named(name: str) -> tuple[Table, tuple[str, ...]] | None:
    for table in Base.metadata.tables.values():
        for constraint in table.constraints:
            if constraint.name == name:
                columns = getattr(constraint, "columns", ())
                return table, tuple(column.name for column in columns)
        for index in table.indexes:
            if index.name == name:
                return table, tuple(column.name for column in index.columns)
    return None


def _unique_named_by_columns(table_name: str, columns: tuple[str, ...]) -> str | None:
    table = Base.metadata.tables.get(table_name)
    if table is None:
        return None
    for constraint in table.constraints:
        if isinstance(constraint, UniqueConstraint) and (
            tuple(column.name for column in constraint.columns) == columns
        ):
            return str(constraint.name)
    for index in table.indexes:
        if index.unique and tuple(column.name for column in index.columns) == columns:
            return str(index.name)
    return None


def violation(error: IntegrityError) -> Violation:
    """The constraint ``error`` reports; ``Violation(None, (), None)`` if unreadable."""
    diag = getattr(error.orig, "diag", None)
    if diag is not None:  # psycopg
        name = getattr(diag, "constraint_name", None)
        found = _named(name) if name else None
        if found is not None:
            return Violation(found[0].name, found[1], name)
        column = getattr(diag, "column_name", None)  # NOT NULL names its column only
        return Violation(getattr(diag, "table_name", None), (column,) if column else (), name)
    first_line = str(error.orig).splitlines()[0] if str(error.orig) else ""
    matched = _SQLITE.fullmatch(first_line.strip())
    if matched is None or matched.group(2) is None:
        return Violation(None, (), None)
    kind, named = matched.group(1), matched.group(2)
    if kind == "CHECK":
        found = _named(named)
        return Violation(None if found is None else found[0].name, (), named)
    qualified = [part.strip().split(".", 1) for part in named.split(",")]
    if not all(len(part) == 2 for part in qualified):
        return Violation(None, (), None)
    table = qualified[0][0]
    columns = tuple(column for _, column in qualified)
    constraint = _unique_named_by_columns(table, columns) if kind == "UNIQUE" else None
    return Violation(table, columns, constraint)
