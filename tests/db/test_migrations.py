"""The migrations: they go down to nothing and up again on both databases, they create
exactly what the models describe, and they make the ledger's history append-only."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Column, Connection, Date, MetaData, inspect, text
from sqlalchemy.exc import DBAPIError

from adapters.db.engine import Database, create_database
from adapters.db.migrate import current_revision, downgrade, head_revision, upgrade
from adapters.db.models import APPEND_ONLY_TABLES, Base
from ledger import Ledger
from tests.support.builders import leg, make_zone, outside, request, stock

GENESIS_HASH = "0" * 64


def _tables(database: Database) -> set[str]:
    return set(inspect(database.engine).get_table_names())


def _triggered_tables(conn: Connection) -> set[str]:
    """Tables that have a trigger of their own."""
    if conn.dialect.name == "postgresql":
        query = "SELECT DISTINCT tgrelid::regclass::text FROM pg_trigger WHERE NOT tgisinternal"
    else:
        query = "SELECT DISTINCT tbl_name FROM sqlite_master WHERE type = 'trigger'"
    return set(conn.execute(text(query)).scalars())


def test_downgrade_to_base_and_upgrade_to_head_again(database_url: str) -> None:
    database = create_database(database_url)
    try:
        assert current_revision(database.engine) == head_revision(database_url)

        downgrade(database_url, "base")
        assert _tables(database) <= {"alembic_version"}
        assert current_revision(database.engine) is None
        with database.engine.connect() as conn:
            assert _triggered_tables(conn) == set()

        upgrade(database_url)
        assert current_revision(database.engine) == head_revision(database_url)
        assert set(Base.metadata.tables) <= _tables(database)
        with database.engine.connect() as conn:
            assert _triggered_tables(conn) == set(APPEND_ONLY_TABLES)
            head = conn.execute(text("SELECT id, seq, hash FROM ledger_chain_head")).all()
        assert [tuple(row) for row in head] == [(1, 0, GENESIS_HASH)]
    finally:
        database.dispose()


def test_the_migrated_schema_is_what_the_models_describe(db: Database) -> None:
    # compare_type=True compares the types underneath our TypeDecorators (BIGINT for
    # ScaledDecimal, VARCHAR(64) for TextDecimal, TIMESTAMP WITH TIME ZONE for UTCDateTime)
    # with what the database reports; it finds no false differences on either backend,
    # so the stricter comparison is kept.
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []

    # ... and the comparison does see a difference when there is one.
    extended = MetaData(naming_convention=Base.metadata.naming_convention)
    for table in Base.metadata.tables.values():
        table.to_metadata(extended)
    extended.tables["lots"].append_column(Column("expiry", Date(), nullable=True))
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        missing = compare_metadata(context, extended)
    assert [(d[0], d[2], d[3].name) for d in missing] == [("add_column", "lots", "expiry")]


def test_every_append_only_table_has_its_triggers(db: Database) -> None:
    with db.engine.connect() as conn:
        assert _triggered_tables(conn) == set(APPEND_ONLY_TABLES)


@pytest.fixture
def one_movement(db: Database) -> Database:
    """A database whose ledger holds one posted movement: 5 cells entered from abroad."""
    zone = make_zone(db)
    zone.lot("L1")
    Ledger(db).execute(request("e1", leg("5", outside("abroad"), stock("L1"))))
    return db


def _movement_rows(db: Database) -> list[tuple[object, ...]]:
    with db.engine.connect() as conn:
        rows = conn.execute(text("SELECT id, quantity FROM ledger_movements ORDER BY id")).all()
    return [tuple(row) for row in rows]


@pytest.mark.parametrize(
    "statement",
    [
        pytest.param("UPDATE ledger_movements SET quantity = quantity + 100000", id="update"),
        pytest.param("DELETE FROM ledger_movements", id="delete"),
    ],
)
def test_raw_sql_cannot_change_a_posted_movement(one_movement: Database, statement: str) -> None:
    before = _movement_rows(one_movement)
    assert len(before) == 1
    with pytest.raises(DBAPIError, match="append-only"), one_movement.engine.begin() as conn:
        conn.execute(text(statement))
    assert _movement_rows(one_movement) == before


@pytest.mark.parametrize("table", ["ledger_transactions", "ledger_entries", "ledger_chain"])
def test_the_rest_of_the_history_is_append_only_too(one_movement: Database, table: str) -> None:
    with one_movement.engine.connect() as conn:
        count = conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
    assert count >= 1
    with pytest.raises(DBAPIError, match="append-only"), one_movement.engine.begin() as conn:
        conn.execute(text(f"DELETE FROM {table}"))
    with one_movement.engine.connect() as conn:
        assert conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one() == count
