"""The tests' shared engine (tests/support/engines.py): one engine, one compiled cache,
and still each test on its own database and on no other."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Connection, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import QueuePool

from adapters.db.engine import Database
from tests.conftest import fresh_database_url
from tests.support.engines import SharedEngines


def connected_to(connection: Connection) -> str:
    """The database a connection is on: the SQLite file, the PostgreSQL database."""
    if connection.dialect.name == "sqlite":
        query = "SELECT file FROM pragma_database_list WHERE name = 'main'"
    else:
        query = "SELECT current_database()"
    return str(connection.execute(text(query)).scalar_one())


def seen_by(db: Database) -> str:
    with db.engine.connect() as connection:
        return connected_to(connection)


def name_of(url: str) -> str:
    return str(make_url(url).database)


@pytest.fixture
def urls(request: pytest.FixtureRequest, database_url: str, tmp_path: Path) -> list[str]:
    """Two fresh databases of the test's backend, as two tests in a row have."""
    backend = make_url(database_url).get_backend_name()
    (tmp_path / "next").mkdir()
    return [database_url, fresh_database_url(request, backend, tmp_path / "next")]


@pytest.fixture
def sqlite_urls(request: pytest.FixtureRequest, tmp_path: Path) -> list[str]:
    """Two fresh SQLite databases, for what only SQLite has (not parametrized by backend:
    nothing to skip on PostgreSQL)."""
    folders = [tmp_path / "first", tmp_path / "next"]
    for folder in folders:
        folder.mkdir()
    return [fresh_database_url(request, "sqlite", folder) for folder in folders]


@pytest.fixture
def engines() -> Iterator[SharedEngines]:
    engines = SharedEngines()
    yield engines
    engines.dispose()


def test_given_two_databases_opened_in_turn_then_each_opening_sees_its_own(
    engines: SharedEngines, urls: list[str]
) -> None:
    """Given one database opened, used and closed, when the next is opened, then its
    connections are on the next database, through the same engine, dialect and cache."""
    first, second = urls
    db = engines.open(first)
    assert seen_by(db) == name_of(first)
    assert db.engine.url == make_url(first)
    engines.close(first)

    db_next = engines.open(second)
    assert seen_by(db_next) == name_of(second)
    assert db_next.engine.url == make_url(second)
    assert db_next.engine.dialect is db.engine.dialect
    assert db_next.engine._compiled_cache is db.engine._compiled_cache
    engines.close(second)


def test_given_a_connection_left_open_when_the_next_database_opens_then_it_stays_on_its_own(
    engines: SharedEngines, urls: list[str]
) -> None:
    """Given a test that leaves a connection checked out, when its database is closed
    and the next one opened, then that connection still reaches only the first
    database, and once given back it is never handed to the next test."""
    first, second = urls
    leaked = engines.open(first).engine.connect()
    engines.close(first)

    db_next = engines.open(second)
    assert connected_to(leaked) == name_of(first)
    leaked.close()
    pool = db_next.engine.pool
    assert isinstance(pool, QueuePool)
    assert pool.checkedin() == 0  # it went back to the first database's pool
    assert seen_by(db_next) == name_of(second)
    engines.close(second)


def test_given_a_database_of_a_closed_opening_when_it_is_used_then_it_is_refused(
    engines: SharedEngines, urls: list[str]
) -> None:
    """Given a test's Database still held after its test (a thread or a task left
    running), when it asks for a connection, then it is refused, between tests and
    during the next one, which goes on on its own database."""
    first, second = urls
    left_behind = engines.open(first)
    engines.close(first)
    with pytest.raises(RuntimeError, match="closed"):
        seen_by(left_behind)

    db_next = engines.open(second)
    with pytest.raises(RuntimeError, match="closed"), left_behind.transaction() as session:
        session.execute(text("SELECT 1"))
    assert seen_by(db_next) == name_of(second)
    engines.close(second)


def test_given_a_test_that_disposes_its_database_then_the_next_test_is_served(
    engines: SharedEngines, urls: list[str]
) -> None:
    """Given a test that disposes its Database (the shared pool), then it can go on and
    the next test's database opens as ever."""
    first, second = urls
    db = engines.open(first)
    db.dispose()
    assert seen_by(db) == name_of(first)
    engines.close(first)

    assert seen_by(engines.open(second)) == name_of(second)
    engines.close(second)


def test_given_two_databases_open_at_once_then_each_has_an_engine_and_sees_its_own(
    engines: SharedEngines, urls: list[str]
) -> None:
    """Given a test with two databases of one server open at once, then each goes
    through an engine of its own, both kept for the next tests; one database is never
    opened twice."""
    first, second = urls
    one, other = engines.open(first), engines.open(second)
    assert (seen_by(one), seen_by(other)) == (name_of(first), name_of(second))
    assert one.engine.dialect is not other.engine.dialect
    with pytest.raises(AssertionError, match="open already"):
        engines.open(first)
    engines.close(first)
    engines.close(second)

    again = engines.open(second)
    assert again.engine.dialect is one.engine.dialect  # the first free engine
    assert seen_by(again) == name_of(second)
    engines.close(second)


def test_given_a_sqlite_database_then_the_engine_listeners_of_create_database_apply(
    engines: SharedEngines, sqlite_urls: list[str]
) -> None:
    """The pragmas on every new connection and BEGIN IMMEDIATE for every transaction
    (adapters/db/engine.py), on each database the shared engine opens."""
    for url in sqlite_urls:
        db = engines.open(url)
        assert db.dialect == "sqlite"
        with db.engine.connect() as connection:
            assert connection.execute(text("PRAGMA journal_mode")).scalar_one() == "wal"
            assert connection.execute(text("PRAGMA foreign_keys")).scalar_one() == 1
        with db.transaction() as session:
            session.execute(text("SELECT 1"))
            other = sqlite3.connect(name_of(url), timeout=0, isolation_level=None)
            try:
                with pytest.raises(sqlite3.OperationalError, match="locked"):
                    other.execute("BEGIN IMMEDIATE")  # the transaction holds the lock
            finally:
                other.close()
        engines.close(url)
