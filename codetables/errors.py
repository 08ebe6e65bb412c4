"""The errors of the code tables, and the one check of a day every lookup makes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from codetables.dated_csv import DataFileError
from schemas.errors import BondflowError


class UnknownCode(BondflowError):
    """A code that is not in the table, or not in force on the day asked about."""

    code = "unknown_code"
    status = 422

    def __init__(
        self,
        reason: str,
        *,
        table: str,
        code_value: str,
        on: dt.date,
        field: str | None = None,
    ) -> None:
        super().__init__(reason, field=field)
        self.table = table
        self.code_value = code_value
        self.on = on


class UnknownCodeTable(BondflowError):
    """A table name that is not loaded: a programming or deployment mistake."""

    code = "unknown_code_table"
    status = 500

    def __init__(self, table: str, known: Iterable[str]) -> None:
        super().__init__(f"no code table named {table!r} (known: {', '.join(sorted(known))})")
        self.table = table


class CodeTableFileError(DataFileError):
    """A code table file that cannot be used."""

    code = "code_table_file_error"


def check_day(on: object) -> None:
    # A datetime is a date, but comparing one with a date raises TypeError deep inside; and
    # which day an instant falls on depends on the time zone, which only the caller knows.
    if isinstance(on, dt.datetime) or not isinstance(on, dt.date):
        raise TypeError(f"pass the day as a datetime.date, not {type(on).__name__}")
