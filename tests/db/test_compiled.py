"""Statements sent as driver text (adapters/db/compiled.py) store and refuse exactly
what SQLAlchemy's own execution does, and fail with SQLAlchemy's exceptions, whether or
not anything listens to the engine's cursor events."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Table, bindparam, event, insert, select
from sqlalchemy.exc import IntegrityError

from adapters.db.compiled import DriverStatement
from adapters.db.engine import Database
from tests.db.scratch import scratch_table

SHANGHAI = ZoneInfo("Asia/Shanghai")
COLUMNS = ("id", "quantity", "factor", "at")


@pytest.fixture
def scratch(db: Database) -> Table:
    return scratch_table(db, "scratch_driver_text")


def _insert(table: Table, db: Database) -> DriverStatement:
    statement = insert(table).values(
        {name: bindparam(name, type_=table.c[name].type) for name in COLUMNS}
    )
    return DriverStatement(statement, db.engine.dialect)


@contextmanager
def _counted(db: Database, listened: bool) -> Iterator[list[str]]:
    """The statements the engine's cursor events see while inside (none registered
    unless `listened`)."""
    sent: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        sent.append(statement)

    if not listened:
        yield sent
        return
    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def _rows(db: Database, table: Table) -> list[tuple[Any, ...]]:
    with db.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(select(table).order_by(table.c.id))]


@pytest.mark.parametrize("listened", [False, True], ids=["driver cursor", "exec_driver_sql"])
def test_rows_sent_as_driver_text_read_back_as_sqlalchemy_writes_them(
    db: Database, scratch: Table, listened: bool
) -> None:
    at = dt.datetime(2025, 3, 31, 23, 59, 59, 123456, tzinfo=SHANGHAI)
    shared = Decimal("2.50000")  # one object in every row: put through its type once
    rows: list[dict[str, Any]] = [
        {"id": i, "quantity": shared, "factor": Decimal(f"0.{i}00000000001"), "at": at}
        for i in range(1, 4)
    ]
    with db.engine.begin() as conn:
        conn.execute(insert(scratch), [{**row, "id": row["id"] + 10} for row in rows])
    expected = [(row_id - 10, *rest) for row_id, *rest in _rows(db, scratch)]

    with _counted(db, listened) as sent, db.engine.begin() as conn:
        _insert(scratch, db).execute_many(conn, COLUMNS, rows)

    assert _rows(db, scratch)[:3] == expected
    assert any(text.startswith("INSERT") for text in sent) is listened


def test_a_value_its_column_cannot_hold_is_refused_before_anything_is_sent(
    db: Database, scratch: Table
) -> None:
    row = {"id": 1, "quantity": Decimal("1.000001"), "factor": None, "at": None}
    with db.engine.begin() as conn, pytest.raises(ValueError, match="more than 5 decimal places"):
        _insert(scratch, db).execute(conn, row)

    assert _rows(db, scratch) == []


@pytest.mark.parametrize("listened", [False, True], ids=["driver cursor", "exec_driver_sql"])
def test_a_broken_constraint_is_sqlalchemys_integrity_error(
    db: Database, scratch: Table, listened: bool
) -> None:
    row = {"id": 1, "quantity": Decimal(1), "factor": None, "at": None}
    with db.engine.begin() as conn:
        _insert(scratch, db).execute(conn, row)

    with _counted(db, listened), db.engine.begin() as conn, pytest.raises(IntegrityError):
        _insert(scratch, db).execute(conn, row)


@pytest.mark.parametrize("twin", [1.0, True], ids=["float", "bool"])
def test_a_float_or_bool_equal_to_a_decimal_already_scaled_is_still_refused(
    db: Database, scratch: Table, twin: object
) -> None:
    rows = [
        {"id": 1, "quantity": Decimal("1"), "factor": None, "at": None},
        {"id": 2, "quantity": twin, "factor": None, "at": None},
    ]
    with db.engine.begin() as conn, pytest.raises(TypeError, match="refusing a"):
        _insert(scratch, db).execute_many(conn, COLUMNS, rows)

    assert _rows(db, scratch) == []
