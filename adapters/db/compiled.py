"""Statements compiled once per dialect and sent as the driver's text.

SQLAlchemy's ``Connection.execute`` looks its compiled form up, builds a parameter
dictionary per row and puts every value through its type on every call: on the
ledger's write path that was more time than the database's own work. A
``DriverStatement`` does the first once and the rest with one processor per
parameter, then sends the text through ``exec_driver_sql`` (the engine's events still
see it). Values go through the same column types as ever (``process_bind_param``), so
what is stored and what is refused is unchanged; so do results, through the types the
caller names.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ClauseElement
from sqlalchemy.types import TypeEngine

from adapters.db.types import ScaledDecimal

Processor = Callable[[Any], Any] | None


class DriverStatement:
    """One statement's text for one dialect, with its parameters' order and types."""

    def __init__(self, statement: ClauseElement, dialect: Dialect) -> None:
        compiled = statement.compile(dialect=dialect)
        assert isinstance(compiled, SQLCompiler)
        self.sql = compiled.string
        self.positional = bool(compiled.positional)
        binds = compiled.binds
        names = list(compiled.positiontup or ()) if self.positional else list(binds)
        self.names: tuple[str, ...] = tuple(names)
        # Literal values the statement carries itself (a CASE's ELSE 0).
        self.fixed: dict[str, Any] = {
            name: bind.value for name, bind in binds.items() if not bind.required
        }
        self.processors: dict[str, Processor] = {
            name: bind.type.dialect_impl(dialect).bind_processor(dialect)
            for name, bind in binds.items()
        }
        # A scaled decimal's parameter depends on its value alone (equal Decimals scale
        # to the same integer; one the column cannot hold is refused every time): the
        # many equal ones of a call (zeros, a leg's quantity) are scaled once.
        self.scales: dict[str, int] = {
            name: bind.type.scale
            for name, bind in binds.items()
            if isinstance(bind.type, ScaledDecimal)
        }

    def parameters(self, values: Mapping[str, Any]) -> tuple[Any, ...] | dict[str, Any]:
        """The driver's parameters: each value through its type's processor."""
        memos: dict[int, dict[Decimal, Any]] = {}
        converted: dict[str, Any] = {}
        for name, processor in self.processors.items():
            value = values[name] if name in values else self.fixed[name]
            if processor is None:
                converted[name] = value
            elif name in self.scales and type(value) is Decimal and value.is_finite():
                memo = memos.setdefault(self.scales[name], {})
                found = memo.get(value)
                if found is None:
                    found = memo[value] = processor(value)
                converted[name] = found
            else:
                converted[name] = processor(value)
        if self.positional:
            return tuple(converted[name] for name in self.names)
        return converted

    def rows_of(
        self, columns: Sequence[str], rows: Sequence[Mapping[str, Any]]
    ) -> list[tuple[Any, ...]] | list[dict[str, Any]]:
        """Many rows' parameters (all with the same keys, `columns`): a value shared by
        every row (the same object) goes through its type once, so does each scaled
        decimal's value."""
        memos: dict[int, dict[Decimal, Any]] = {}
        per_column: list[list[Any]] = []
        for name in columns:
            processor = self.processors[name]
            values = [row[name] for row in rows]
            first = values[0]
            if processor is None:
                per_column.append(values)
            elif all(value is first for value in values):
                per_column.append([processor(first)] * len(values))
            elif name in self.scales:
                memo = memos.setdefault(self.scales[name], {})
                per_column.append(_scaled(values, processor, memo))
            else:
                per_column.append([processor(value) for value in values])
        if self.positional:
            index = {name: i for i, name in enumerate(columns)}
            order = [per_column[index[name]] for name in self.names]
            return list(zip(*order, strict=True))
        return [dict(zip(columns, values, strict=True)) for values in zip(*per_column, strict=True)]

    def execute(self, connection: Connection, values: Mapping[str, Any]) -> list[Sequence[Any]]:
        """The rows the statement returns (none for most)."""
        return _send(connection, self.sql, self.parameters(values), many=False)

    def execute_many(
        self, connection: Connection, columns: Sequence[str], rows: Sequence[Mapping[str, Any]]
    ) -> None:
        _send(connection, self.sql, self.rows_of(columns, rows), many=True)


def _scaled(
    values: Sequence[Any], processor: Callable[[Any], Any], memo: dict[Decimal, Any]
) -> list[Any]:
    """Scaled decimals' parameters, each distinct Decimal value through the type once
    (`memo`, shared by the columns of one scale). Anything else (None, a float or a bool
    the type refuses, a NaN) goes through the type every time."""
    out: list[Any] = []
    for value in values:
        if type(value) is not Decimal:
            out.append(processor(value))
            continue
        try:
            found = memo[value]
        except KeyError:
            found = memo[value] = processor(value)  # refused: raises, nothing kept
        except TypeError:  # a signalling NaN has no hash: the type says what is wrong
            found = processor(value)
        out.append(found)
    return out


def send_text(connection: Connection, sql: str) -> None:
    """A statement without parameters (BEGIN IMMEDIATE), sent as the statements are."""
    _send(connection, sql, (), many=False)


def _send(connection: Connection, sql: str, parameters: Any, *, many: bool) -> list[Sequence[Any]]:
    """Run the text. SQLAlchemy's execution context (a context, a result object, its
    metadata) cost more than SQLite's own work, and a fifth of the client's time on
    PostgreSQL: the text goes to the driver's cursor directly, its errors wrapped as
    SQLAlchemy wraps them (IntegrityError, a locked database's OperationalError, a
    serialization failure...). While something listens to the engine's cursor events (a
    statement count), it goes through ``exec_driver_sql`` so they see it: the same text
    with the same parameters either way."""
    dispatch = connection.dispatch
    if dispatch.before_cursor_execute or dispatch.after_cursor_execute:
        result = connection.exec_driver_sql(sql, parameters)
        return list(result.all()) if result.returns_rows else []
    dialect = connection.dialect
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        if many:
            cursor.executemany(sql, parameters)
            return []
        cursor.execute(sql, parameters)
        return [] if cursor.description is None else list(cursor.fetchall())
    except dialect.loaded_dbapi.Error as exc:
        raise DBAPIError.instance(
            sql, parameters, exc, dialect.loaded_dbapi.Error, dialect=dialect, ismulti=many
        ) from exc
    finally:
        cursor.close()


def result_processors(dialect: Dialect, types: Sequence[TypeEngine[Any]]) -> list[Processor]:
    """How the driver's values of these result columns become the columns' Python values."""
    return [t.dialect_impl(dialect).result_processor(dialect, None) for t in types]
