"""Every SQL statement the ledger runs. The service above decides; this reads and writes."""

from __future__ import annotations

import collections
import dataclasses
import datetime as dt
import functools
from collections.abc import Callable, Collection, Hashable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    CompoundSelect,
    Connection,
    Dialect,
    Insert,
    Integer,
    Select,
    String,
    Table,
    Update,
    and_,
    bindparam,
    case,
    func,
    insert,
    literal,
    literal_column,
    null,
    or_,
    select,
    tuple_,
    union_all,
    update,
)
from sqlalchemy import (
    column as named_column,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.elements import ClauseElement
from sqlalchemy.types import TypeEngine

from adapters.db.compiled import DriverStatement, result_processors
from adapters.db.models import (
    AccountBook,
    AccountEntry,
    BookItem,
    ChainEvent,
    ChainHead,
    Enterprise,
    LedgerAccount,
    LedgerPeriod,
    LedgerTransaction,
    LineageLink,
    Location,
    Lot,
    Movement,
)
from adapters.db.types import ScaledDecimal
from ledger import timeline
from schemas.codes import Phase
from schemas.ledger import MovementView
from schemas.quantities import QUANTITY_PLACES

QUANTITY = ScaledDecimal(QUANTITY_PLACES)


@dataclass(frozen=True)
class ItemInfo:
    book_id: int
    book_no: str
    item_id: int
    item_no: int
    declared_unit: str
    first_legal_factor: Decimal
    second_legal_factor: Decimal | None


@dataclass(frozen=True)
class LotInfo:
    lot_id: int
    book_id: int
    item_id: int


@dataclass(frozen=True)
class NewAccount:
    key: str
    kind: str
    book_id: int
    item_id: int
    lot_id: int | None
    location_id: int | None
    status: str | None


@dataclass(frozen=True)
class Balances:
    posted: Decimal
    pending_out: Decimal
    pending_in: Decimal


# --- master data look-ups ---------------------------------------------------------


def item_info(session: Session, book_no: str, item_no: int) -> ItemInfo | None:
    row = session.execute(
        select(
            AccountBook.id,
            BookItem.id,
            BookItem.declared_unit,
            BookItem.first_legal_factor,
            BookItem.second_legal_factor,
        )
        .join(BookItem, BookItem.book_id == AccountBook.id)
        .where(AccountBook.book_no == book_no, BookItem.item_no == item_no)
    ).one_or_none()
    if row is None:
        return None
    return ItemInfo(row[0], book_no, row[1], item_no, row[2], row[3], row[4])


def book_exists(session: Session, book_no: str) -> bool:
    return session.scalar(select(AccountBook.id).where(AccountBook.book_no == book_no)) is not None


def lot_info(session: Session, book_no: str, lot_no: str) -> LotInfo | None:
    row = session.execute(
        select(Lot.id, Lot.book_id, Lot.item_id)
        .join(AccountBook, AccountBook.id == Lot.book_id)
        .where(AccountBook.book_no == book_no, Lot.lot_no == lot_no)
    ).one_or_none()
    return None if row is None else LotInfo(row[0], row[1], row[2])


def location_id(session: Session, code: str) -> int | None:
    return session.scalar(select(Location.id).where(Location.code == code))


_LOCATIONS: Table = Location.__table__  # type: ignore[assignment]


def _lock_locations(n: int) -> Select[Any]:
    """The codes and retirement of n locations, share-locked in code order."""
    codes = [bindparam(f"code{i}", type_=_LOCATIONS.c.code.type) for i in range(n)]
    return (
        select(_LOCATIONS.c.code, _LOCATIONS.c.retired_at)
        .where(_LOCATIONS.c.code.in_(codes))
        .order_by(_LOCATIONS.c.code)
        .with_for_update(read=True)
    )


def retired_locations(session: Session, codes: Collection[str]) -> set[str]:
    """Which of these locations are retired, read in one statement with a share lock on
    each (in code order): retiring one (an UPDATE of the row, then a look at its stock)
    waits for this posting to commit, and a posting that waited for a retirement sees it."""
    if not codes:
        return set()
    wanted = sorted(set(codes))
    connection = session.connection()
    n = len(wanted)
    stmt = _driver(connection, ("lock locations", n), lambda: _lock_locations(n))
    rows = stmt.execute(connection, {f"code{i}": code for i, code in enumerate(wanted)})
    return {code for code, retired_at in rows if retired_at is not None}


# --- accounts ----------------------------------------------------------------------


def account_id(session: Session, key: str) -> int | None:
    return session.scalar(select(LedgerAccount.id).where(LedgerAccount.key == key))


def account_by_key(session: Session, key: str) -> LedgerAccount | None:
    return session.scalar(select(LedgerAccount).where(LedgerAccount.key == key))


KEYS_PER_STATEMENT = 500  # values per IN (...): well inside every driver's limit


def available_by_keys(session: Session, keys: Collection[str]) -> dict[str, Decimal]:
    """Available (posted - pending out) of the accounts with these keys that exist: one
    statement per 500 keys, however many lines a document has."""
    wanted = sorted(set(keys))
    found: dict[str, Decimal] = {}
    for start in range(0, len(wanted), KEYS_PER_STATEMENT):
        chunk = wanted[start : start + KEYS_PER_STATEMENT]
        for key, posted, pending_out in session.execute(
            select(LedgerAccount.key, LedgerAccount.posted, LedgerAccount.pending_out).where(
                LedgerAccount.key.in_(chunk)
            )
        ):
            found[key] = posted - pending_out
    return found


def ensure_account(session: Session, account: NewAccount) -> int:
    """The account's id, inserting it first if it is new (race-free on both databases).

    A known account costs its look-up; a new one the look-up and the insert, which
    returns the id. Only when a concurrent twin inserted the key first (PostgreSQL: the
    insert waits for the twin to commit, then inserts nothing) is the key looked up
    again, and the twin's id is found."""
    found = account_id(session, account.key)
    if found is not None:
        return found
    values = {
        "key": account.key,
        "kind": account.kind,
        "book_id": account.book_id,
        "item_id": account.item_id,
        "lot_id": account.lot_id,
        "location_id": account.location_id,
        "status": account.status,
        "posted": Decimal(0),
        "pending_out": Decimal(0),
        "pending_in": Decimal(0),
    }
    dialect = session.get_bind().dialect.name
    stmt = (pg_insert if dialect == "postgresql" else sqlite_insert)(LedgerAccount).values(values)
    inserted = session.scalar(
        stmt.on_conflict_do_nothing(index_elements=["key"]).returning(LedgerAccount.id)
    )
    if inserted is not None:
        return int(inserted)
    found = account_id(session, account.key)  # a concurrent twin's
    assert found is not None
    return found


@dataclass(frozen=True)
class BalanceChange:
    """One account's total change in an event; `guarded` when it may not take the
    account's available quantity (posted - pending_out) below zero."""

    account_id: int
    posted: Decimal
    pending_out: Decimal
    pending_in: Decimal
    guarded: bool


@functools.cache
def _balances_update(guarded: tuple[bool, ...], lock_first: bool) -> Update:
    """The UPDATE of n accounts in one statement (n = len(guarded), accounts passed in id
    order as :id0..:idN with their deltas :dp0, :do0, :di0...), built once per shape.

    Each account's own guard is part of the WHERE clause, so it is evaluated on the
    locked, current row: no interleaving of concurrent requests can overdraw an account.
    A refused account is simply not returned. With `lock_first`
    (PostgreSQL) the rows are locked in id order by a CTE before they are updated, so two
    linked groups never lock each other's accounts in opposite orders (no deadlocks)."""
    accounts: Table = LedgerAccount.__table__  # type: ignore[assignment]
    n = len(guarded)
    ids = [bindparam(f"id{i}", type_=BigInteger()) for i in range(n)]

    def delta(name: str) -> ColumnElement[Any]:
        return case(
            *((accounts.c.id == ids[i], bindparam(f"{name}{i}", type_=QUANTITY)) for i in range(n)),
            else_=literal(0, BigInteger()),
        )

    d_posted, d_out, d_in = delta("dp"), delta("do"), delta("di")
    target = accounts.c.id.in_(ids)
    stmt = update(accounts)
    if lock_first:
        locked = (
            select(accounts.c.id)
            .where(target)
            .order_by(accounts.c.id)
            .with_for_update()
            .cte("locked")
            .prefix_with("MATERIALIZED")
        )
        stmt = stmt.where(accounts.c.id == locked.c.id)
    else:
        stmt = stmt.where(target)
    for i, guard in enumerate(guarded):
        if guard:
            available_after = (
                accounts.c.posted
                + bindparam(f"dp{i}", type_=QUANTITY)
                - (accounts.c.pending_out + bindparam(f"do{i}", type_=QUANTITY))
            )
            stmt = stmt.where(or_(accounts.c.id != ids[i], available_after >= 0))
    return stmt.values(
        posted=accounts.c.posted + d_posted,
        pending_out=accounts.c.pending_out + d_out,
        pending_in=accounts.c.pending_in + d_in,
    ).returning(accounts.c.id, accounts.c.posted, accounts.c.pending_out, accounts.c.pending_in)


def apply_deltas(session: Session, changes: Sequence[BalanceChange]) -> dict[int, Balances]:
    """Change many accounts' balances in one statement (`changes` in account-id order):
    the balances after, by account id, of those that changed. An account whose guard
    refused is missing, and the caller must roll the transaction back."""
    if not changes:
        return {}
    connection = session.connection()
    guarded = tuple(c.guarded for c in changes)
    stmt = _driver(
        connection,
        ("balances", guarded),
        lambda: _balances_update(guarded, connection.dialect.name == "postgresql"),
    )
    params: dict[str, object] = {}
    for i, c in enumerate(changes):
        params[f"id{i}"] = c.account_id
        params[f"dp{i}"] = c.posted
        params[f"do{i}"] = c.pending_out
        params[f"di{i}"] = c.pending_in
    balance = _balance_result(connection.dialect)
    return {
        int(row[0]): Balances(balance(row[1]), balance(row[2]), balance(row[3]))
        for row in stmt.execute(connection, params)
    }


def _balance_result(dialect: Dialect) -> Callable[[Any], Decimal]:
    """A balance column's driver value as its Decimal."""
    return _result_processors(dialect, (QUANTITY,))[0]


# The write path's statements, compiled once per dialect and sent as driver text
# (adapters/db/compiled.py), by (dialect, driver, what the statement is).
_DRIVER_STATEMENTS: dict[tuple[str, str, Hashable], DriverStatement] = {}
_RESULT_PROCESSORS: dict[
    tuple[str, str, tuple[TypeEngine[Any], ...]], list[Callable[[Any], Any]]
] = {}


def _driver(
    connection: Connection, key: Hashable, build: Callable[[], ClauseElement]
) -> DriverStatement:
    dialect = connection.dialect
    cache_key = (dialect.name, dialect.driver, key)
    found = _DRIVER_STATEMENTS.get(cache_key)
    if found is None:
        found = _DRIVER_STATEMENTS[cache_key] = DriverStatement(build(), dialect)
    return found


def _result_processors(
    dialect: Dialect, types: tuple[TypeEngine[Any], ...]
) -> list[Callable[[Any], Any]]:
    """Driver value -> Python value for result columns of these types (identity if none)."""
    cache_key = (dialect.name, dialect.driver, types)
    found = _RESULT_PROCESSORS.get(cache_key)
    if found is None:
        found = _RESULT_PROCESSORS[cache_key] = [
            _identity if p is None else p for p in result_processors(dialect, types)
        ]
    return found


def _identity(value: Any) -> Any:
    return value


def _insert_values(table: Table, columns: Iterable[str]) -> Insert:
    """INSERT of these columns, each from the bind parameter of its name and type."""
    return insert(table).values(
        {name: bindparam(name, type_=table.c[name].type) for name in columns}
    )


def account_balances(session: Session, account_id_: int) -> Balances:
    row = session.execute(
        select(LedgerAccount.posted, LedgerAccount.pending_out, LedgerAccount.pending_in).where(
            LedgerAccount.id == account_id_
        )
    ).one()
    return Balances(row[0], row[1], row[2])


def account_keys(session: Session, ids: Iterable[int]) -> dict[int, str]:
    wanted = set(ids)
    if not wanted:
        return {}
    rows = session.execute(
        select(LedgerAccount.id, LedgerAccount.key).where(LedgerAccount.id.in_(wanted))
    )
    return {r[0]: r[1] for r in rows}


# --- transactions -------------------------------------------------------------------


def transaction_by_client_id(session: Session, client_id: str) -> LedgerTransaction | None:
    return session.scalar(select(LedgerTransaction).where(LedgerTransaction.client_id == client_id))


def with_resolution(
    session: Session, client_id: str
) -> tuple[LedgerTransaction, LedgerTransaction | None] | None:
    """The transaction of ``client_id`` and the one that resolved it, if any, in one
    statement (a reservation is resolved at most once: reservation_id is UNIQUE)."""
    resolution = aliased(LedgerTransaction)
    row = session.execute(
        select(LedgerTransaction, resolution)
        .outerjoin(resolution, resolution.reservation_id == LedgerTransaction.id)
        .where(LedgerTransaction.client_id == client_id)
    ).first()
    return None if row is None else (row[0], row[1])


def _movements_with_keys(transaction_id: int, *columns: Any) -> Select[Any]:
    """A transaction's movements in leg order, each with its source's and destination's
    account keys, then ``columns``: what a resolution and a receipt read alike."""
    source, destination = aliased(LedgerAccount), aliased(LedgerAccount)
    return (
        select(Movement, source.key, destination.key, *columns)
        .join(source, source.id == Movement.source_id)
        .join(destination, destination.id == Movement.destination_id)
        .where(Movement.transaction_id == transaction_id)
        .order_by(Movement.leg_no)
    )


def movements_with_keys(session: Session, transaction_id: int) -> list[tuple[Movement, str, str]]:
    """A transaction's movements in leg order, each with its source's and destination's
    account keys (one statement)."""
    rows = session.execute(_movements_with_keys(transaction_id))
    return [(m, source_key, destination_key) for m, source_key, destination_key in rows]


def movement_views(session: Session, transaction_id: int) -> list[MovementView]:
    rows = session.execute(
        _movements_with_keys(transaction_id, AccountBook.book_no, BookItem.item_no)
        .join(BookItem, BookItem.id == Movement.item_id)
        .join(AccountBook, AccountBook.id == BookItem.book_id)
    )
    return [
        MovementView(
            movement_id=m.id,
            leg_no=m.leg_no,
            phase=Phase(m.phase),
            book_no=book_no,
            item_no=item_no,
            unit=m.unit,
            quantity=m.quantity,
            first_legal_quantity=m.first_legal_quantity,
            second_legal_quantity=m.second_legal_quantity,
            source_key=source_key,
            destination_key=destination_key,
            amount=m.amount,
            currency=m.currency,
        )
        for m, source_key, destination_key, book_no, item_no in rows
    ]


_TRANSACTIONS: Table = LedgerTransaction.__table__  # type: ignore[assignment]
_MOVEMENTS: Table = Movement.__table__  # type: ignore[assignment]
_ENTRIES: Table = AccountEntry.__table__  # type: ignore[assignment]
_LINEAGE: Table = LineageLink.__table__  # type: ignore[assignment]
_CHAIN: Table = ChainEvent.__table__  # type: ignore[assignment]
_HEAD: Table = ChainHead.__table__  # type: ignore[assignment]
_PERIODS: Table = LedgerPeriod.__table__  # type: ignore[assignment]
_BOOKS: Table = AccountBook.__table__  # type: ignore[assignment]


def _scalar_of(table: Table, column: str) -> ColumnElement[Any]:
    return select(table.c[column]).where(table.c.id == 1).scalar_subquery()


def _last_id(table: Table) -> ColumnElement[Any]:
    return select(func.coalesce(func.max(table.c.id), 0)).scalar_subquery()


# SQLite: writers are serialised (BEGIN IMMEDIATE), so the transaction's INSERT, the first
# statement after it, also reads the chain head (nobody can move it before this commits)
# and the last ids of the tables the request appends to (its rows take the next ones, and
# their batch inserts need no RETURNING).
_SQLITE_TRANSACTION_RETURNS = (
    _TRANSACTIONS.c.id,
    _scalar_of(_HEAD, "seq"),
    _scalar_of(_HEAD, "hash"),
    _scalar_of(_HEAD, "periods_version"),
    _last_id(_MOVEMENTS),
    _last_id(_ENTRIES),
    _last_id(_LINEAGE),
)


@dataclass(frozen=True)
class HeadRow:
    seq: int
    hash: str
    periods_version: int  # bumped by every period close and reopen


@dataclass
class NextIds:
    """SQLite: the ids the request's rows take, in the order it writes them."""

    movement: int
    entry: int
    lineage: int


@dataclass(frozen=True)
class InsertedTransaction:
    id: int
    head: HeadRow | None  # SQLite: the chain head, read with the insert
    next_ids: NextIds | None  # SQLite: the next ids of movements, entries and lineage


# On PostgreSQL each batch INSERT returns the new ids with the columns that tell its rows
# apart, so ids are matched to rows by content, not by the order RETURNING happens to
# use. On SQLite the rows take their ids from NextIds (read with the transaction's
# insert, under BEGIN IMMEDIATE) and no RETURNING is needed.
_MOVEMENT_KEY = ("leg_no",)  # within one transaction
_ENTRY_KEY = ("movement_id", "account_id")  # one entry per account per leg
_LINEAGE_KEY = ("output_lot_id", "input_lot_id", "quantity")  # twins are interchangeable
_LOCK_HEAD = (
    select(_HEAD.c.seq, _HEAD.c.hash, _HEAD.c.periods_version)
    .where(_HEAD.c.id == 1)
    .with_for_update()
)
_MOVE_HEAD = (
    update(_HEAD)
    .where(_HEAD.c.id == 1)
    .values(seq=bindparam("new_seq"), hash=bindparam("new_hash"))
)


def insert_transaction(session: Session, values: dict[str, object]) -> InsertedTransaction:
    """The new transaction row's id (its UNIQUE client id may raise IntegrityError); on
    SQLite with the chain head and the next ids of the rows the request appends."""
    connection = session.connection()
    columns = tuple(values)
    if connection.dialect.name != "sqlite":
        stmt = _driver(
            connection,
            ("transaction", columns),
            lambda: _insert_values(_TRANSACTIONS, columns).returning(_TRANSACTIONS.c.id),
        )
        return InsertedTransaction(int(stmt.execute(connection, values)[0][0]), None, None)
    stmt = _driver(
        connection,
        ("transaction", columns),
        lambda: _insert_values(_TRANSACTIONS, columns).returning(*_SQLITE_TRANSACTION_RETURNS),
    )
    (row,) = stmt.execute(connection, values)
    return InsertedTransaction(
        int(row[0]),
        HeadRow(int(row[1]), str(row[2]), int(row[3])),
        NextIds(int(row[4]) + 1, int(row[5]) + 1, int(row[6]) + 1),
    )


def _insert_rows(
    connection: Connection,
    table: Table,
    key: tuple[str, ...],
    rows: list[dict[str, object]],
    next_ids: NextIds | None,
    kind: Literal["movement", "entry", "lineage"],
) -> list[int]:
    """Ids of the inserted rows, in the order of `rows`: one statement. With `next_ids`
    (SQLite) the rows take the ids of ``kind`` from there on, and it moves past them;
    else (PostgreSQL) the ids come back with RETURNING (rows with the same key get
    theirs in ascending order)."""
    if not rows:
        return []
    if next_ids is not None:
        first: int = getattr(next_ids, kind)
        ids = list(range(first, first + len(rows)))
        for row_id, row in zip(ids, rows, strict=True):
            row["id"] = row_id
        columns = tuple(rows[0])
        stmt = _driver(
            connection, ("rows", table.name, columns), lambda: _insert_values(table, columns)
        )
        stmt.execute_many(connection, columns, rows)
        setattr(next_ids, kind, first + len(rows))
        return ids
    # One array per column: a statement of fixed text whatever the number of rows,
    # which psycopg converts once and the server prepares (a multi-row VALUES of a
    # 10-leg posting's entries is over 4 kB of text, converted and planned anew).
    columns = tuple(rows[0])
    params: dict[str, object] = {name: [row[name] for row in rows] for name in columns}
    stmt = _driver(
        connection,
        ("unnest", table.name, columns, key),
        lambda: _unnest_insert(table, columns, key),
    )
    key_values = _result_processors(connection.dialect, tuple(table.c[name].type for name in key))
    returned_ids: dict[tuple[Any, ...], list[int]] = collections.defaultdict(list)
    for returned in stmt.execute(connection, params):
        found_key = tuple(p(v) for p, v in zip(key_values, returned[1:], strict=True))
        returned_ids[found_key].append(int(returned[0]))
    for found in returned_ids.values():
        found.sort(reverse=True)
    return [returned_ids[tuple(row[name] for name in key)].pop() for row in rows]


@functools.cache
def _unnest_insert(table: Table, columns: tuple[str, ...], key: tuple[str, ...]) -> Insert:
    """PostgreSQL: INSERT … SELECT unnest(:col) for each column … RETURNING the id and the
    key columns, built once per table and column set."""
    arrays = [func.unnest(bindparam(name, type_=ARRAY(table.c[name].type))) for name in columns]
    return (
        insert(table)
        .from_select(list(columns), select(*arrays))
        .returning(table.c.id, *(table.c[name] for name in key))
    )


@dataclass(frozen=True)
class WrittenRows:
    movement_ids: list[int]  # in the order of the movement rows
    entry_ids: list[int]  # in the order of the entry rows
    head: HeadRow | None  # PostgreSQL: the chain head, locked by the same statement


def insert_movements_and_entries(
    session: Session,
    movements: list[dict[str, object]],
    entries: list[dict[str, object]],
    next_ids: NextIds | None,
) -> WrittenRows:
    """Insert a request's movements and their entries; each entry row names its movement
    by `leg_no` (its first key). SQLite (`next_ids`): two batch inserts. PostgreSQL: one
    statement that inserts both (the entries take their movement ids from the movements'
    RETURNING) and locks the chain head, which the request appends to next (accounts
    are locked before the head, as before: the balances' UPDATE came first)."""
    connection = session.connection()
    if next_ids is not None:
        movement_ids = _insert_rows(
            connection, _MOVEMENTS, _MOVEMENT_KEY, movements, next_ids, "movement"
        )
        of_leg = {row["leg_no"]: mid for row, mid in zip(movements, movement_ids, strict=True)}
        rows = [{"movement_id": of_leg[e["leg_no"]], **e} for e in entries]
        for row in rows:
            del row["leg_no"]
        entry_ids = _insert_rows(connection, _ENTRIES, _ENTRY_KEY, rows, next_ids, "entry")
        return WrittenRows(movement_ids, entry_ids, None)
    m_columns, e_columns = tuple(movements[0]), tuple(entries[0])
    stmt = _driver(
        connection,
        ("movements and entries", m_columns, e_columns),
        lambda: _movements_and_entries(m_columns, e_columns),
    )
    params: dict[str, object] = {f"m_{c}": [row[c] for row in movements] for c in m_columns}
    params.update({f"e_{c}": [row[c] for row in entries] for c in e_columns})
    by_leg: dict[int, int] = {}
    returned_entries: dict[tuple[int, int], list[int]] = collections.defaultdict(list)
    head: HeadRow | None = None
    for kind, row_id, second, account, head_hash in stmt.execute(connection, params):
        if kind == _MOVEMENT_ROW:
            by_leg[int(second)] = int(row_id)
        elif kind == _ENTRY_ROW:
            returned_entries[(int(second), int(account))].append(int(row_id))
        else:
            head = HeadRow(int(row_id), str(head_hash), int(second))
    for found in returned_entries.values():
        found.sort(reverse=True)
    movement_ids = [by_leg[int(row["leg_no"])] for row in movements]  # type: ignore[call-overload]
    entry_ids = [
        returned_entries[(by_leg[int(e["leg_no"])], int(e["account_id"]))].pop()  # type: ignore[call-overload]
        for e in entries
    ]
    assert head is not None
    return WrittenRows(movement_ids, entry_ids, head)


_MOVEMENT_ROW, _ENTRY_ROW, _HEAD_ROW = 0, 1, 2


def _movements_and_entries(m_columns: tuple[str, ...], e_columns: tuple[str, ...]) -> Select[Any]:
    """PostgreSQL: movements and entries inserted from arrays in one statement, and the
    chain head locked; rows of (kind, id, leg no. / movement id / periods version,
    account id, head hash)."""
    assert e_columns[0] == "leg_no"
    m_arrays = [
        func.unnest(bindparam(f"m_{c}", type_=ARRAY(_MOVEMENTS.c[c].type))) for c in m_columns
    ]
    moved = (
        insert(_MOVEMENTS)
        .from_select(list(m_columns), select(*m_arrays))
        .returning(_MOVEMENTS.c.id, _MOVEMENTS.c.leg_no)
        .cte("moved")
    )
    e_types = {c: Integer() if c == "leg_no" else _ENTRIES.c[c].type for c in e_columns}
    given = (
        func.unnest(*(bindparam(f"e_{c}", type_=ARRAY(e_types[c])) for c in e_columns))
        .table_valued(*(named_column(c, e_types[c]) for c in e_columns))
        .render_derived(name="given")
    )
    values = [c for c in e_columns if c != "leg_no"]
    entered = (
        insert(_ENTRIES)
        .from_select(
            ["movement_id", *values],
            select(moved.c.id, *(given.c[c] for c in values)).select_from(
                given.join(moved, moved.c.leg_no == given.c.leg_no)
            ),
        )
        .returning(_ENTRIES.c.id, _ENTRIES.c.movement_id, _ENTRIES.c.account_id)
        .cte("entered")
    )
    head = (
        select(_HEAD.c.seq, _HEAD.c.hash, _HEAD.c.periods_version)
        .where(_HEAD.c.id == 1)
        .with_for_update()
        .cte("head")
    )
    no_number = null().cast(BigInteger())
    return union_all(  # type: ignore[return-value]
        select(
            literal_column(str(_MOVEMENT_ROW)),
            moved.c.id.cast(BigInteger()),
            moved.c.leg_no.cast(BigInteger()),
            no_number,
            null().cast(String()),
        ),
        select(
            literal_column(str(_ENTRY_ROW)),
            entered.c.id,
            entered.c.movement_id,
            entered.c.account_id,
            null().cast(String()),
        ),
        select(
            literal_column(str(_HEAD_ROW)),
            head.c.seq,
            head.c.periods_version,
            no_number,
            head.c.hash,
        ),
    )


def insert_lineage(
    session: Session, rows: list[dict[str, object]], next_ids: NextIds | None
) -> list[int]:
    return _insert_rows(session.connection(), _LINEAGE, _LINEAGE_KEY, rows, next_ids, "lineage")


def lock_chain_head_row(session: Session) -> HeadRow:
    """The chain head, locked until commit: appends run in commit order."""
    connection = session.connection()
    (row,) = _driver(connection, "lock head", lambda: _LOCK_HEAD).execute(connection, {})
    return HeadRow(int(row[0]), str(row[1]), int(row[2]))


_BUMP_PERIODS_VERSION = (
    update(_HEAD).where(_HEAD.c.id == 1).values(periods_version=_HEAD.c.periods_version + 1)
)


def bump_periods_version(session: Session) -> None:
    """Tell every process's posting path that a book's periods changed (in the same
    transaction as the change, under the head's lock)."""
    session.connection().execute(_BUMP_PERIODS_VERSION)


# PostgreSQL: the event's INSERT rides in a CTE of the head's UPDATE (one round trip).
_APPEND_AND_MOVE_HEAD = _MOVE_HEAD.add_cte(
    insert(_CHAIN)
    .values({c.name: bindparam(f"event_{c.name}", type_=c.type) for c in _CHAIN.c})
    .cte("appended")
)


def append_chain_event(session: Session, values: dict[str, object]) -> None:
    """Insert the chain event and move the (locked) head to it."""
    connection = session.connection()
    head = {"new_seq": values["seq"], "new_hash": values["hash"]}
    if connection.dialect.name == "postgresql":
        event = {f"event_{name}": value for name, value in values.items()}
        append = _driver(connection, "append and move head", lambda: _APPEND_AND_MOVE_HEAD)
        append.execute(connection, {**event, **head})
        return
    columns = tuple(values)
    _driver(connection, ("append", columns), lambda: _insert_values(_CHAIN, columns)).execute(
        connection, values
    )
    _driver(connection, "move head", lambda: _MOVE_HEAD).execute(connection, head)


def chain_event(session: Session, seq: int) -> ChainEvent | None:
    return session.get(ChainEvent, seq)


def chain_event_of(session: Session, transaction_id: int) -> ChainEvent | None:
    return session.scalar(select(ChainEvent).where(ChainEvent.transaction_id == transaction_id))


# --- chain verification reads ---------------------------------------------------------


def chain_events(session: Session, after_seq: int, limit: int) -> Sequence[ChainEvent]:
    return session.scalars(
        select(ChainEvent).where(ChainEvent.seq > after_seq).order_by(ChainEvent.seq).limit(limit)
    ).all()


def transactions_by_id(session: Session, ids: Iterable[int]) -> dict[int, LedgerTransaction]:
    wanted = list(set(ids))
    if not wanted:
        return {}
    rows = session.scalars(select(LedgerTransaction).where(LedgerTransaction.id.in_(wanted)))
    return {t.id: t for t in rows}


def movements_by_transaction(
    session: Session, transaction_ids: Iterable[int]
) -> dict[int, list[Movement]]:
    out: dict[int, list[Movement]] = {}
    wanted = list(set(transaction_ids))
    if not wanted:
        return out
    rows = session.scalars(
        select(Movement)
        .where(Movement.transaction_id.in_(wanted))
        .order_by(Movement.transaction_id, Movement.leg_no)
    )
    for m in rows:
        out.setdefault(m.transaction_id, []).append(m)
    return out


def entries_by_movement(
    session: Session, movement_ids: Iterable[int]
) -> dict[int, list[AccountEntry]]:
    out: dict[int, list[AccountEntry]] = {}
    wanted = list(set(movement_ids))
    for start in range(0, len(wanted), 5000):
        rows = session.scalars(
            select(AccountEntry)
            .where(AccountEntry.movement_id.in_(wanted[start : start + 5000]))
            .order_by(AccountEntry.id)
        )
        for e in rows:
            out.setdefault(e.movement_id, []).append(e)
    return out


def lineage_by_transaction(
    session: Session, transaction_ids: Iterable[int]
) -> dict[int, list[LineageLink]]:
    out: dict[int, list[LineageLink]] = {}
    wanted = list(set(transaction_ids))
    if not wanted:
        return out
    rows = session.scalars(
        select(LineageLink).where(LineageLink.transaction_id.in_(wanted)).order_by(LineageLink.id)
    )
    for link in rows:
        out.setdefault(link.transaction_id, []).append(link)
    return out


def lot_labels(session: Session, ids: Iterable[int]) -> dict[int, str]:
    wanted = list(set(ids))
    if not wanted:
        return {}
    rows = session.execute(
        select(Lot.id, AccountBook.book_no, Lot.lot_no)
        .join(AccountBook, AccountBook.id == Lot.book_id)
        .where(Lot.id.in_(wanted))
    )
    return {r[0]: f"{r[1]}/{r[2]}" for r in rows}


def unchained_transaction(session: Session) -> LedgerTransaction | None:
    return session.scalar(
        select(LedgerTransaction)
        .outerjoin(ChainEvent, ChainEvent.transaction_id == LedgerTransaction.id)
        .where(ChainEvent.seq.is_(None))
        .order_by(LedgerTransaction.id)
        .limit(1)
    )


def stray_movement(session: Session) -> Movement | None:
    """A movement whose transaction is not chained (inserted behind the ledger's back)."""
    return session.scalar(
        select(Movement)
        .outerjoin(ChainEvent, ChainEvent.transaction_id == Movement.transaction_id)
        .where(ChainEvent.seq.is_(None))
        .order_by(Movement.id)
        .limit(1)
    )


def stray_entry(session: Session) -> AccountEntry | None:
    m = aliased(Movement)
    return session.scalar(
        select(AccountEntry)
        .outerjoin(m, m.id == AccountEntry.movement_id)
        .outerjoin(ChainEvent, ChainEvent.transaction_id == m.transaction_id)
        .where(ChainEvent.seq.is_(None))
        .order_by(AccountEntry.id)
        .limit(1)
    )


def latest_entries(session: Session) -> dict[int, AccountEntry]:
    """The newest entry of every account, to check balances against their history."""
    newest = (
        select(func.max(AccountEntry.id).label("id")).group_by(AccountEntry.account_id).subquery()
    )
    rows = session.scalars(select(AccountEntry).join(newest, newest.c.id == AccountEntry.id))
    return {e.account_id: e for e in rows}


def all_accounts(session: Session) -> Sequence[LedgerAccount]:
    return session.scalars(select(LedgerAccount).order_by(LedgerAccount.id)).all()


def entry_as_of(session: Session, account_id_: int, at: dt.datetime) -> AccountEntry | None:
    return session.scalar(
        select(AccountEntry)
        .where(AccountEntry.account_id == account_id_, AccountEntry.recorded_at <= at)
        .order_by(AccountEntry.recorded_at.desc(), AccountEntry.id.desc())
        .limit(1)
    )


# --- business time (ledger/timeline.py) ------------------------------------------------


@dataclass(frozen=True)
class When:
    """A business instant and the record instant it is known at (both UTC)."""

    as_of: dt.datetime
    known_at: dt.datetime


_ACCOUNTS: Table = LedgerAccount.__table__  # type: ignore[assignment]


@functools.cache
def _newest_balances() -> Select[int, Decimal, Decimal, Decimal]:
    """R(:seek) of each account in :accounts: its newest entry recorded by then (one
    seek each on ix_ledger_entries_account_time). Built once."""
    entries = _ENTRIES
    newest = (
        select(entries.c.id)
        .where(
            entries.c.account_id == _ACCOUNTS.c.id,
            entries.c.recorded_at <= bindparam("seek", type_=entries.c.recorded_at.type),
        )
        .order_by(entries.c.recorded_at.desc(), entries.c.id.desc())
        .limit(1)
        .correlate(_ACCOUNTS)
        .scalar_subquery()
    )
    return (
        select(
            entries.c.account_id,
            entries.c.posted_after,
            entries.c.pending_out_after,
            entries.c.pending_in_after,
        )
        .select_from(_ACCOUNTS)
        .join(entries, entries.c.id == newest)
        .where(_ACCOUNTS.c.id.in_(bindparam("accounts", expanding=True)))
    )


# A correction window's shape: (lag class, has a lower bound, takes away occurred > T).
_WindowShape = tuple[int, bool, bool]


@functools.cache
def _corrections(shapes: tuple[_WindowShape, ...]) -> CompoundSelect[*tuple[Any, ...]]:
    """The sums of each window's deltas per account, one UNION ALL branch per window (each
    its own range on the covering ix_ledger_entries_account_lag_covering), built once per
    combination of windows; window i's bounds are :after_i and :until_i, T is :as_of."""
    entries = _ENTRIES
    as_of = bindparam("as_of", type_=entries.c.occurred_at.type)
    # occurred_at is wrapped (a no-op) so that no planner walks (account, occurred_at):
    # without statistics SQLite did, reading the account's whole history after T.
    occurred = func.coalesce(entries.c.occurred_at, entries.c.occurred_at)
    parts = []
    for i, (lag, bounded, occurred_after_t) in enumerate(shapes):
        conditions = [
            entries.c.account_id.in_(bindparam("accounts", expanding=True)),
            entries.c.lag_class == literal(lag, Integer()),
            entries.c.recorded_at <= bindparam(f"until_{i}", type_=entries.c.recorded_at.type),
            occurred > as_of if occurred_after_t else occurred <= as_of,
        ]
        if bounded:
            conditions.append(
                entries.c.recorded_at > bindparam(f"after_{i}", type_=entries.c.recorded_at.type)
            )
        parts.append(
            select(
                entries.c.account_id,
                literal(-1 if occurred_after_t else 1, Integer()).label("sign"),
                func.sum(entries.c.delta_posted),
                func.sum(entries.c.delta_pending_out),
                func.sum(entries.c.delta_pending_in),
            )
            .where(*conditions)
            .group_by(entries.c.account_id)
        )
    return union_all(*parts)


def balances_at(session: Session, account_ids: Collection[int], when: When) -> dict[int, Balances]:
    """Each account's balances as of `when.as_of` as known at `when.known_at`: the running
    balances of its newest entry recorded by min(as_of, known_at), corrected by the
    entries of each lag class recorded near as_of whose business instant lies on the
    other side (ledger/timeline.py). Two statements (each built once per shape), the
    second a UNION ALL of one index range per lag class window in use; none reads an
    account's whole history."""
    wanted = sorted(set(account_ids))
    zero = Decimal(0)
    out = {a: Balances(zero, zero, zero) for a in wanted}
    if not wanted:
        return out
    plan = timeline.plan(when.as_of, when.known_at)
    connection = session.connection()
    for account, posted, out_, in_ in connection.execute(
        _newest_balances(), {"seek": plan.seek, "accounts": wanted}
    ):
        out[account] = Balances(posted, out_, in_)
    shapes: list[_WindowShape] = []
    params: dict[str, object] = {"accounts": wanted, "as_of": plan.as_of}
    for window in plan.windows:
        if window.after is not None and window.after >= window.until:
            continue
        i = len(shapes)
        shapes.append((window.lag_class, window.after is not None, window.occurred_after_t))
        params[f"until_{i}"] = window.until
        if window.after is not None:
            params[f"after_{i}"] = window.after
    if not shapes:
        return out
    for account, sign, d_posted, d_out, d_in in connection.execute(
        _corrections(tuple(shapes)), params
    ):
        b = out[account]
        out[account] = Balances(
            b.posted + sign * d_posted,
            b.pending_out + sign * d_out,
            b.pending_in + sign * d_in,
        )
    return out


def _known(when: When) -> ColumnElement[bool]:
    """An entry that had occurred by as_of and was recorded by known_at."""
    return (AccountEntry.occurred_at <= when.as_of) & (AccountEntry.recorded_at <= when.known_at)


# --- periods (ledger/periods.py, ledger/period_guard.py) --------------------------------


def lock_books(session: Session, book_nos: Collection[str]) -> list[int]:
    """Lock these books' rows, in id order, and return their ids: closes and reopens of
    one book wait for each other (PostgreSQL; SQLite writers are serialised by BEGIN
    IMMEDIATE). Postings are ordered against them by the chain head's lock and its
    periods version (ledger/period_guard.py), not by this lock."""
    return list(
        session.scalars(
            select(AccountBook.id)
            .where(AccountBook.book_no.in_(sorted(book_nos)))
            .order_by(AccountBook.id)
            .with_for_update()
        )
    )


@dataclass(frozen=True)
class ClosedPeriod:
    """A closed period as the posting path's guard keeps it in memory."""

    book_no: str
    kind: str
    first_day: dt.date
    last_day: dt.date
    ends_at: dt.datetime


# Each book's closed period ending last, read under the chain head's lock after a close
# or reopen: only those rows (one seek per book on ix_ledger_periods_guard), not every
# closed period of every book.
_LAST_CLOSE = (
    select(_PERIODS.c.book_id, func.max(_PERIODS.c.ends_at).label("ends_at"))
    .where(_PERIODS.c.closed.is_(True))
    .group_by(_PERIODS.c.book_id)
    .subquery()
)
_CLOSED_PERIODS = (
    select(
        _PERIODS.c.kind,
        _PERIODS.c.first_day,
        _PERIODS.c.last_day,
        _PERIODS.c.ends_at,
        _BOOKS.c.book_no,
    )
    .join(_BOOKS, _BOOKS.c.id == _PERIODS.c.book_id)
    .join(
        _LAST_CLOSE,
        and_(
            _LAST_CLOSE.c.book_id == _PERIODS.c.book_id,
            _LAST_CLOSE.c.ends_at == _PERIODS.c.ends_at,
        ),
    )
    .where(_PERIODS.c.closed.is_(True))
    .order_by(_PERIODS.c.ends_at, _PERIODS.c.id)
)


def latest_closed_periods(session: Session) -> dict[str, ClosedPeriod]:
    """Per book number, its closed period ending last (the one a posting is refused by)."""
    latest: dict[str, ClosedPeriod] = {}
    for kind, first_day, last_day, ends_at, book_no in session.connection().execute(
        _CLOSED_PERIODS
    ):
        latest[book_no] = ClosedPeriod(book_no, kind, first_day, last_day, ends_at)
    return latest


def period_of(
    session: Session, book_id_: int, first_day: dt.date, last_day: dt.date, *, lock: bool
) -> LedgerPeriod | None:
    stmt = select(LedgerPeriod).where(
        LedgerPeriod.book_id == book_id_,
        LedgerPeriod.first_day == first_day,
        LedgerPeriod.last_day == last_day,
    )
    return session.scalar(stmt.with_for_update() if lock else stmt)


def periods_of(
    session: Session, book_id_: int
) -> Sequence[tuple[LedgerPeriod, LedgerTransaction, int]]:
    """A book's periods by first day, each with its latest close or reopen and its seq."""
    rows = session.execute(
        select(LedgerPeriod, LedgerTransaction, ChainEvent.seq)
        .join(LedgerTransaction, LedgerTransaction.id == LedgerPeriod.last_transaction_id)
        .join(ChainEvent, ChainEvent.transaction_id == LedgerTransaction.id)
        .where(LedgerPeriod.book_id == book_id_)
        .order_by(LedgerPeriod.first_day, LedgerPeriod.last_day)
    )
    return [(p, t, seq) for p, t, seq in rows]


def all_periods(session: Session) -> Sequence[tuple[LedgerPeriod, LedgerTransaction | None]]:
    rows = session.execute(
        select(LedgerPeriod, LedgerTransaction)
        .outerjoin(LedgerTransaction, LedgerTransaction.id == LedgerPeriod.last_transaction_id)
        .order_by(LedgerPeriod.id)
    )
    return [(p, t) for p, t in rows]


# --- reads for queries ------------------------------------------------------------------


def balance_rows(
    session: Session,
    *,
    book_no: str | None = None,
    item_no: int | None = None,
    lot_no: str | None = None,
    location: str | None = None,
    status: str | None = None,
    include_outside: bool = False,
    limit: int = 1000,
    offset: int = 0,
) -> Sequence[tuple[LedgerAccount, str, int, str | None, str | None]]:
    stmt = (
        select(LedgerAccount, AccountBook.book_no, BookItem.item_no, Lot.lot_no, Location.code)
        .join(AccountBook, AccountBook.id == LedgerAccount.book_id)
        .join(BookItem, BookItem.id == LedgerAccount.item_id)
        .outerjoin(Lot, Lot.id == LedgerAccount.lot_id)
        .outerjoin(Location, Location.id == LedgerAccount.location_id)
        .order_by(AccountBook.book_no, BookItem.item_no, LedgerAccount.key)
        .limit(limit)
        .offset(offset)
    )
    if not include_outside:
        stmt = stmt.where(LedgerAccount.kind == "stock")
    if book_no is not None:
        stmt = stmt.where(AccountBook.book_no == book_no)
    if item_no is not None:
        stmt = stmt.where(BookItem.item_no == item_no)
    if lot_no is not None:
        stmt = stmt.where(Lot.lot_no == lot_no)
    if location is not None:
        stmt = stmt.where(Location.code == location)
    if status is not None:
        stmt = stmt.where(LedgerAccount.status == status)
    return [tuple(r) for r in session.execute(stmt)]  # type: ignore[misc]


def _entries_of_account_after(
    session: Session, account_id_: int, after_entry_id: int
) -> ColumnElement[bool]:
    """account_id = a AND id > after, written so that PostgreSQL pages by
    ix_ledger_entries_account_id.

    With an equality PostgreSQL drops account_id from the ORDER BY and may walk the
    primary key, filtering, which reads the whole table for an account whose entries
    start late (bench/ledger.py, history_late: 25x slower at a million movements); with
    `id > after` as a term of its own it walked the primary key from `after` on for the
    last page too, filtering out every other account's entries (history_tail: 2,086 rows
    read for 50). The row comparison (account_id, id) > (a, after) with account_id <= a
    leaves only the (account_id, id) index able to serve either condition and the order.
    SQLite already plans the equality ideally, and would read the row value as a range walk.
    """
    if session.get_bind().dialect.name == "postgresql":
        return and_(
            tuple_(AccountEntry.account_id, AccountEntry.id)
            > tuple_(literal(account_id_, BigInteger()), literal(after_entry_id, BigInteger())),
            AccountEntry.account_id <= account_id_,
        )
    return and_(AccountEntry.account_id == account_id_, AccountEntry.id > after_entry_id)


def history_rows(
    session: Session, account_id_: int, *, after_entry_id: int, limit: int
) -> Sequence[tuple[AccountEntry, LedgerTransaction]]:
    rows = session.execute(
        select(AccountEntry, LedgerTransaction)
        .join(Movement, Movement.id == AccountEntry.movement_id)
        .join(LedgerTransaction, LedgerTransaction.id == Movement.transaction_id)
        .where(_entries_of_account_after(session, account_id_, after_entry_id))
        .order_by(AccountEntry.account_id, AccountEntry.id)
        .limit(limit)
    )
    return [(e, t) for e, t in rows]


def lot_row(session: Session, book_no: str, lot_no: str) -> tuple[Lot, int] | None:
    row = session.execute(
        select(Lot, BookItem.item_no)
        .join(AccountBook, AccountBook.id == Lot.book_id)
        .join(BookItem, BookItem.id == Lot.item_id)
        .where(AccountBook.book_no == book_no, Lot.lot_no == lot_no)
    ).one_or_none()
    return None if row is None else (row[0], row[1])


def lot_by_id(session: Session, lot_id: int) -> tuple[str, str, int]:
    row = session.execute(
        select(AccountBook.book_no, Lot.lot_no, BookItem.item_no)
        .join(AccountBook, AccountBook.id == Lot.book_id)
        .join(BookItem, BookItem.id == Lot.item_id)
        .where(Lot.id == lot_id)
    ).one()
    return row[0], row[1], row[2]


def outside_flows_of_lot(
    session: Session, lot_id: int, *, inbound: bool, when: When
) -> Sequence[tuple[LedgerTransaction, str, Decimal]]:
    """Posted movements between this lot's stock accounts and outside accounts.

    inbound: from outside into the lot (receipts); else from the lot to outside (exits).
    """
    stock, other = aliased(LedgerAccount), aliased(LedgerAccount)
    if inbound:
        on_stock = Movement.destination_id == stock.id
        on_other = Movement.source_id == other.id
    else:
        on_stock = Movement.source_id == stock.id
        on_other = Movement.destination_id == other.id
    rows = session.execute(
        select(LedgerTransaction, other.kind, func.sum(Movement.quantity))
        .select_from(stock)
        .join(Movement, on_stock)
        .join(other, on_other)
        .join(LedgerTransaction, LedgerTransaction.id == Movement.transaction_id)
        .where(
            stock.lot_id == lot_id,
            other.kind != "stock",
            Movement.phase == "posted",
            LedgerTransaction.occurred_at <= when.as_of,
            LedgerTransaction.recorded_at <= when.known_at,
        )
        .group_by(LedgerTransaction.id, other.kind)
        .order_by(LedgerTransaction.id)
    )
    return [(t, kind, qty) for t, kind, qty in rows]


def lineage_inputs(
    session: Session, output_lot_id: int, when: When
) -> Sequence[tuple[int, Decimal]]:
    rows = session.execute(
        select(LineageLink.input_lot_id, func.sum(LineageLink.quantity))
        .join(LedgerTransaction, LedgerTransaction.id == LineageLink.transaction_id)
        .where(
            LineageLink.output_lot_id == output_lot_id,
            LedgerTransaction.occurred_at <= when.as_of,
            LedgerTransaction.recorded_at <= when.known_at,
        )
        .group_by(LineageLink.input_lot_id)
        .order_by(LineageLink.input_lot_id)
    )
    return [(r[0], r[1]) for r in rows]


def lineage_outputs(
    session: Session, input_lot_id: int, when: When
) -> Sequence[tuple[int, Decimal]]:
    rows = session.execute(
        select(LineageLink.output_lot_id, func.sum(LineageLink.quantity))
        .join(LedgerTransaction, LedgerTransaction.id == LineageLink.transaction_id)
        .where(
            LineageLink.input_lot_id == input_lot_id,
            LedgerTransaction.occurred_at <= when.as_of,
            LedgerTransaction.recorded_at <= when.known_at,
        )
        .group_by(LineageLink.output_lot_id)
        .order_by(LineageLink.output_lot_id)
    )
    return [(r[0], r[1]) for r in rows]


def chain_head(session: Session) -> ChainHead:
    head = session.get(ChainHead, 1)
    assert head is not None, "the chain head row is created by the first migration"
    return head


# --- inventory and reconciliation reads ---------------------------------------------------


@dataclass(frozen=True)
class PositionFilter:
    """Which stock positions to list; None matches everything. `book_nos` restricts the
    listing to some books (a reader's scope); an empty collection matches nothing."""

    book_nos: Collection[str] | None = None
    book_no: str | None = None
    item_no: int | None = None
    lot_no: str | None = None
    location: str | None = None
    status: str | None = None


@dataclass(frozen=True)
class PositionRow:
    key: str
    book_no: str
    item_no: int
    lot_no: str
    location: str
    status: str
    posted: Decimal
    pending_out: Decimal
    pending_in: Decimal
    account_id: int


# The optional filters of a position listing: (attribute of PositionFilter, column).
_POSITION_FILTERS: tuple[tuple[str, Any], ...] = (
    ("book_no", AccountBook.book_no),
    ("item_no", BookItem.item_no),
    ("lot_no", Lot.lot_no),
    ("location", Location.code),
    ("status", LedgerAccount.status),
)


@functools.cache
def _positions_shape(
    dated: bool, scoped: bool, filters: tuple[str, ...]
) -> Select[*tuple[Any, ...]]:
    """Stock positions with their balances now; ``dated``: only those that existed then
    (their balances now to be replaced by `balances_at`); ``scoped``: only the books of
    :book_nos; ``filters``: the PositionFilter fields given, each a bind parameter of its
    name. Built once per shape: SQLAlchemy built it anew on every listing (about 0.4 ms
    of a 2 ms balances page)."""
    stmt = (
        select(
            LedgerAccount.key,
            AccountBook.book_no,
            BookItem.item_no,
            Lot.lot_no,
            Location.code,
            LedgerAccount.status,
            LedgerAccount.posted,
            LedgerAccount.pending_out,
            LedgerAccount.pending_in,
            LedgerAccount.id,
        )
        .join(AccountBook, AccountBook.id == LedgerAccount.book_id)
        .join(BookItem, BookItem.id == LedgerAccount.item_id)
        .join(Lot, Lot.id == LedgerAccount.lot_id)
        .join(Location, Location.id == LedgerAccount.location_id)
        .where(LedgerAccount.kind == "stock")
    )
    if dated:
        # Only positions that existed then: an account's first entry is its first use.
        stmt = stmt.where(
            select(AccountEntry.id)
            .where(
                AccountEntry.account_id == LedgerAccount.id,
                AccountEntry.occurred_at <= bindparam("as_of", type_=AccountEntry.occurred_at.type),
                AccountEntry.recorded_at
                <= bindparam("known_at", type_=AccountEntry.recorded_at.type),
            )
            .correlate(LedgerAccount)
            .exists()
        )
    if scoped:
        stmt = stmt.where(AccountBook.book_no.in_(bindparam("book_nos", expanding=True)))
    for name, column in _POSITION_FILTERS:
        if name in filters:
            stmt = stmt.where(column == bindparam(name, type_=column.type))
    return stmt


def _positions(
    wanted: PositionFilter, when: When | None
) -> tuple[Select[*tuple[Any, ...]], dict[str, Any]]:
    """The listing's statement (of its shape) and its parameters."""
    given = tuple(name for name, _ in _POSITION_FILTERS if getattr(wanted, name) is not None)
    params: dict[str, Any] = {name: getattr(wanted, name) for name in given}
    if when is not None:
        params.update(as_of=when.as_of, known_at=when.known_at)
    if wanted.book_nos is not None:
        params["book_nos"] = sorted(wanted.book_nos)
    return _positions_shape(when is not None, wanted.book_nos is not None, given), params


@functools.cache
def _position_page(shape: Select[*tuple[Any, ...]]) -> Select[*tuple[Any, ...]]:
    return (
        shape.order_by(AccountBook.book_no, BookItem.item_no, LedgerAccount.key)
        .limit(bindparam("limit", type_=Integer()))
        .offset(bindparam("offset", type_=Integer()))
    )


@functools.cache
def _position_count(shape: Select[*tuple[Any, ...]]) -> Select[Any]:
    return select(func.count()).select_from(shape.subquery())


def position_rows(
    session: Session, wanted: PositionFilter, *, when: When | None, limit: int, offset: int
) -> list[PositionRow]:
    """Stock positions with their balances now (when None), or that existed then with
    their balances as of then (`balances_at`)."""
    shape, params = _positions(wanted, when)
    found = session.execute(_position_page(shape), params | {"limit": limit, "offset": offset})
    rows = [PositionRow(*row) for row in found]
    if when is None:
        return rows
    then = balances_at(session, [r.account_id for r in rows], when)
    return [
        dataclasses.replace(
            r,
            posted=then[r.account_id].posted,
            pending_out=then[r.account_id].pending_out,
            pending_in=then[r.account_id].pending_in,
        )
        for r in rows
    ]


def position_count(session: Session, wanted: PositionFilter, *, when: When | None) -> int:
    shape, params = _positions(wanted, when)
    return int(session.scalar(_position_count(shape), params) or 0)


@dataclass(frozen=True)
class CounterpartyRow:
    """The other account of a movement by its business names."""

    kind: str
    book_no: str
    enterprise_name: str
    lot_no: str | None
    location: str | None
    location_name: str | None
    status: str | None


@dataclass(frozen=True)
class LotEntryRow:
    entry: AccountEntry
    transaction: LedgerTransaction
    location: str
    status: str
    counterparty: str
    counterparty_account: CounterpartyRow


def _lot_entries(lot_id: int) -> ColumnElement[bool]:
    accounts = select(LedgerAccount.id).where(
        LedgerAccount.lot_id == lot_id, LedgerAccount.kind == "stock"
    )
    return AccountEntry.account_id.in_(accounts)


def lot_entry_rows(
    session: Session, lot_id: int, when: When, *, limit: int, offset: int
) -> list[LotEntryRow]:
    """The entries of a lot's stock positions that had occurred by `when.as_of` and were
    recorded by `when.known_at`, in business order (occurred_at, then transaction, then
    entry), each with its transaction, its position and the other account of its
    movement."""
    position, source, destination = (aliased(LedgerAccount) for _ in range(3))
    rows = session.execute(
        select(AccountEntry, LedgerTransaction, Location.code, position.status, source, destination)
        .join(position, position.id == AccountEntry.account_id)
        .join(Location, Location.id == position.location_id)
        .join(Movement, Movement.id == AccountEntry.movement_id)
        .join(LedgerTransaction, LedgerTransaction.id == Movement.transaction_id)
        .join(source, source.id == Movement.source_id)
        .join(destination, destination.id == Movement.destination_id)
        .where(_lot_entries(lot_id), _known(when))
        .order_by(AccountEntry.occurred_at, Movement.transaction_id, AccountEntry.id)
        .limit(limit)
        .offset(offset)
    )
    found = [
        (e, t, location, status, dst if src.id == e.account_id else src)
        for e, t, location, status, src, dst in rows
    ]
    names = counterparty_rows(session, {other.id for *_, other in found})
    return [
        LotEntryRow(
            entry=e,
            transaction=t,
            location=location,
            status=status or "",  # a stock position always has one
            counterparty=other.key,
            counterparty_account=names[other.id],
        )
        for e, t, location, status, other in found
    ]


def counterparty_rows(session: Session, account_ids: Collection[int]) -> dict[int, CounterpartyRow]:
    """The accounts' business names (book, enterprise, lot, location), by account id."""
    if not account_ids:
        return {}
    rows = session.execute(
        select(
            LedgerAccount.id,
            LedgerAccount.kind,
            AccountBook.book_no,
            Enterprise.name,
            Lot.lot_no,
            Location.code,
            Location.name,
            LedgerAccount.status,
        )
        .join(AccountBook, AccountBook.id == LedgerAccount.book_id)
        .join(Enterprise, Enterprise.id == AccountBook.enterprise_id)
        .outerjoin(Lot, Lot.id == LedgerAccount.lot_id)
        .outerjoin(Location, Location.id == LedgerAccount.location_id)
        .where(LedgerAccount.id.in_(sorted(account_ids)))
    )
    return {
        account_id: CounterpartyRow(kind, book_no, enterprise, lot_no, code, name, status)
        for account_id, kind, book_no, enterprise, lot_no, code, name, status in rows
    }


def lot_entry_count(session: Session, lot_id: int, when: When) -> int:
    return int(
        session.scalar(
            select(func.count()).select_from(AccountEntry).where(_lot_entries(lot_id), _known(when))
        )
        or 0
    )


def lot_sums_before(
    session: Session, lot_id: int, when: When, first: LotEntryRow
) -> dict[int, Balances]:
    """Per stock position of a lot, the sums of its entries known then that come before
    `first` in business order (occurred_at, transaction, entry): its balances there."""
    o, t, e = first.entry.occurred_at, first.transaction.id, first.entry.id
    before = (AccountEntry.occurred_at < o) | (
        (AccountEntry.occurred_at == o)
        & ((Movement.transaction_id < t) | ((Movement.transaction_id == t) & (AccountEntry.id < e)))
    )
    rows = session.execute(
        select(
            AccountEntry.account_id,
            func.sum(AccountEntry.delta_posted),
            func.sum(AccountEntry.delta_pending_out),
            func.sum(AccountEntry.delta_pending_in),
        )
        .join(Movement, Movement.id == AccountEntry.movement_id)
        .where(_lot_entries(lot_id), _known(when), before)
        .group_by(AccountEntry.account_id)
    )
    return {r[0]: Balances(r[1], r[2], r[3]) for r in rows}


def lot_transaction_rest(
    session: Session, lot_id: int, transaction_id: int, after_entry_id: int
) -> Balances:
    """The sums of a transaction's entries on a lot after `after_entry_id` (the rest of a
    transaction that a page of entries cut in two)."""
    row = session.execute(
        select(
            func.sum(AccountEntry.delta_posted),
            func.sum(AccountEntry.delta_pending_out),
            func.sum(AccountEntry.delta_pending_in),
        )
        .join(Movement, Movement.id == AccountEntry.movement_id)
        .where(
            _lot_entries(lot_id),
            Movement.transaction_id == transaction_id,
            AccountEntry.id > after_entry_id,
        )
    ).one()
    zero = Decimal(0)
    return Balances(row[0] or zero, row[1] or zero, row[2] or zero)


def book_id(session: Session, book_no: str) -> int | None:
    return session.scalar(select(AccountBook.id).where(AccountBook.book_no == book_no))


def item_units(session: Session, book_id_: int) -> dict[int, str]:
    """Each item number of a book with its declared unit."""
    rows = session.execute(
        select(BookItem.item_no, BookItem.declared_unit).where(BookItem.book_id == book_id_)
    )
    return {r[0]: r[1] for r in rows}


def posted_before(
    session: Session, book_id_: int, before: dt.datetime, known_at: dt.datetime
) -> list[tuple[int, str, Decimal]]:
    """(item_no, lot_no, posted) of each lot of a book: the sum of its stock positions'
    posted changes by postings that occurred (business time) before `before` and were
    recorded by `known_at`."""
    rows = session.execute(
        select(BookItem.item_no, Lot.lot_no, func.sum(AccountEntry.delta_posted))
        .select_from(AccountEntry)
        .join(LedgerAccount, LedgerAccount.id == AccountEntry.account_id)
        .join(BookItem, BookItem.id == LedgerAccount.item_id)
        .join(Lot, Lot.id == LedgerAccount.lot_id)
        .where(
            LedgerAccount.book_id == book_id_,
            LedgerAccount.kind == "stock",
            AccountEntry.occurred_at < before,
            AccountEntry.recorded_at <= known_at,
        )
        .group_by(BookItem.item_no, Lot.lot_no)
    )
    return [(r[0], r[1], r[2]) for r in rows]


@dataclass(frozen=True)
class FlowRow:
    """Posted quantity of one item from one kind of account (and lot) to another."""

    item_no: int
    source_kind: str
    source_lot: str | None
    destination_kind: str
    destination_lot: str | None
    quantity: Decimal


def posted_flows(
    session: Session, book_id_: int, start: dt.datetime, end: dt.datetime, known_at: dt.datetime
) -> list[FlowRow]:
    """The posted movements of a book's items that occurred in [start, end) and were
    recorded by `known_at`, summed by source and destination (kind and lot)."""
    source, destination = aliased(LedgerAccount), aliased(LedgerAccount)
    source_lot, destination_lot = aliased(Lot), aliased(Lot)
    rows = session.execute(
        select(
            BookItem.item_no,
            source.kind,
            source_lot.lot_no,
            destination.kind,
            destination_lot.lot_no,
            func.sum(Movement.quantity),
        )
        .select_from(Movement)
        .join(LedgerTransaction, LedgerTransaction.id == Movement.transaction_id)
        .join(BookItem, BookItem.id == Movement.item_id)
        .join(source, source.id == Movement.source_id)
        .join(destination, destination.id == Movement.destination_id)
        .outerjoin(source_lot, source_lot.id == source.lot_id)
        .outerjoin(destination_lot, destination_lot.id == destination.lot_id)
        .where(
            BookItem.book_id == book_id_,
            Movement.phase == Phase.POSTED.value,
            LedgerTransaction.occurred_at >= start,
            LedgerTransaction.occurred_at < end,
            LedgerTransaction.recorded_at <= known_at,
        )
        .group_by(
            BookItem.item_no,
            source.kind,
            source_lot.lot_no,
            destination.kind,
            destination_lot.lot_no,
        )
    )
    return [FlowRow(*row) for row in rows]


@dataclass(frozen=True)
class LotTotalRow:
    lot_no: str
    item_no: int
    origin: str
    created_at: dt.datetime
    positions: int
    balances: Balances


def lot_total_rows(
    session: Session, book_id_: int, *, limit: int, offset: int
) -> list[LotTotalRow]:
    """A page of a book's lots by number, each with its stock positions' sums (a lot
    that never held stock has none and sums to zero)."""
    rows = session.execute(
        select(
            Lot.lot_no,
            BookItem.item_no,
            Lot.origin,
            Lot.created_at,
            func.count(LedgerAccount.id),
            func.sum(LedgerAccount.posted),
            func.sum(LedgerAccount.pending_out),
            func.sum(LedgerAccount.pending_in),
        )
        .join(BookItem, BookItem.id == Lot.item_id)
        .outerjoin(
            LedgerAccount,
            (LedgerAccount.lot_id == Lot.id) & (LedgerAccount.kind == "stock"),
        )
        .where(Lot.book_id == book_id_)
        .group_by(Lot.id, Lot.lot_no, BookItem.item_no, Lot.origin, Lot.created_at)
        .order_by(Lot.lot_no)
        .limit(limit)
        .offset(offset)
    ).all()
    zero = Decimal(0)
    return [
        LotTotalRow(
            r[0], r[1], r[2], r[3], r[4], Balances(r[5] or zero, r[6] or zero, r[7] or zero)
        )
        for r in rows
    ]


def lot_count(session: Session, book_id_: int) -> int:
    return session.scalar(select(func.count()).select_from(Lot).where(Lot.book_id == book_id_)) or 0
