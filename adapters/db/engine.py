"""Engines and sessions for SQLite (embedded default) and PostgreSQL (production).

SQLite: pysqlite defers BEGIN and ignores SELECT ... FOR UPDATE, so every
transaction starts with BEGIN IMMEDIATE (the write lock up front) and the file
runs in WAL mode with a busy timeout. A reader that writes nothing asks for
``Database.reading()``: a deferred BEGIN, one snapshot of the file in WAL mode, and
no write lock, so readers neither wait for writers nor make them wait.
PostgreSQL: Read Committed, with the ledger's conditional updates and a retry on
serialization failures and deadlocks.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from adapters.db.compiled import send_text

# Set on a connection for the transaction that ``Database.reading`` opens: the
# "begin" listener then issues a deferred BEGIN instead of BEGIN IMMEDIATE.
_READ_ONLY = "bondflow_read_only"


@dataclass(frozen=True)
class Database:
    """An engine and its session factory."""

    engine: Engine
    sessions: sessionmaker[Session]

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session inside one transaction: committed on success, rolled back on error."""
        with self.sessions() as session, session.begin():
            yield session

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A session for reads only, in one transaction (one snapshot), rolled back at the
        end (by closing). On SQLite it begins DEFERRED: it never takes the write lock, so it neither
        waits for a writer nor holds one up (WAL readers see the last commit before
        their first read). On PostgreSQL it is an ordinary transaction."""
        with self.sessions() as session:
            if self.dialect == "sqlite":
                session.connection(execution_options={_READ_ONLY: True})
            # Closing rolls the transaction back; the rows read stay readable (a
            # rollback would expire them).
            yield session

    def dispose(self) -> None:
        self.engine.dispose()


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy's "begin" event issue BEGIN itself (see below).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _sqlite_begin_immediate(conn: Any) -> None:
    # As driver text (adapters/db/compiled.py): straight to the driver's cursor unless
    # something listens to the engine's cursor events, errors wrapped as SQLAlchemy's.
    if conn.get_execution_options().get(_READ_ONLY):
        send_text(conn, "BEGIN")
    else:
        send_text(conn, "BEGIN IMMEDIATE")


def ensure_sqlite_directory(url: str) -> None:
    """Create the folder of a SQLite file, so a fresh checkout needs no manual step."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(str(parsed.database)).parent.mkdir(parents=True, exist_ok=True)


def create_database(
    url: str, *, echo: bool = False, pool_size: int = 10, pre_ping: bool = True
) -> Database:
    """Open a database by URL (sqlite:///path or postgresql+psycopg://...).

    On PostgreSQL every connection is pinged as it leaves the pool (one round trip), so
    one the server has closed (a restart, a failover, an idle timeout) is replaced
    instead of failing the request that took it. ``pre_ping=False`` is for a caller
    whose connections cannot go stale: a test on a database of its own that nothing
    else restarts or drops while it is open (SQLite has no pool to ping)."""
    parsed = make_url(url)
    kwargs: dict[str, Any] = {"echo": echo, "future": True}
    if parsed.get_backend_name() == "sqlite":
        ensure_sqlite_directory(url)
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin_immediate)
    else:
        kwargs.update(pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=pre_ping)
        engine = create_engine(url, **kwargs)
    return Database(engine=engine, sessions=sessionmaker(engine, expire_on_commit=False))
