"""The schema: migrations go both ways and match the models; exact column types."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Column, Integer, MetaData, Table, func, insert, select
from sqlalchemy.exc import StatementError

from adapters.db.engine import Database, create_database
from adapters.db.migrate import current_revision, downgrade, head_revision, upgrade
from adapters.db.models import Base
from adapters.db.types import ScaledDecimal, TextDecimal, UTCDateTime


def test_migrations_go_down_and_up_again(database_url: str) -> None:
    downgrade(database_url, "base")
    upgrade(database_url)
    database = create_database(database_url)
    assert current_revision(database.engine) == head_revision(database_url)
    database.dispose()


def test_the_migrated_schema_matches_the_models(db: Database) -> None:
    with db.engine.connect() as conn:
        # Column types are compared as the database sees them: our TypeDecorators are
        # BIGINT, VARCHAR and TIMESTAMP underneath, which is what the migration creates.
        context = MigrationContext.configure(conn, opts={"compare_type": False})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


@pytest.fixture
def scratch(db: Database) -> Table:
    table = Table(
        "scratch_numbers",
        MetaData(),
        Column("id", Integer, primary_key=True),
        Column("quantity", ScaledDecimal(5)),
        Column("factor", TextDecimal()),
        Column("at", UTCDateTime()),
    )
    table.create(db.engine)
    return table


def test_scaled_decimals_round_trip_and_sum_exactly(db: Database, scratch: Table) -> None:
    values = [Decimal("12345678.12345"), Decimal("0.00001"), Decimal("0.1"), Decimal("0.2")]
    with db.engine.begin() as conn:
        conn.execute(insert(scratch), [{"quantity": v} for v in values])
        stored = conn.execute(select(scratch.c.quantity).order_by(scratch.c.id)).scalars().all()
        total = conn.execute(select(func.sum(scratch.c.quantity))).scalar_one()
    assert stored == values
    assert total == Decimal("12345678.42346")


@pytest.mark.parametrize("bad", [Decimal("0.000001"), 0.5, Decimal("NaN")])
def test_scaled_decimals_refuse_what_they_cannot_hold(
    db: Database, scratch: Table, bad: object
) -> None:
    with pytest.raises(StatementError), db.engine.begin() as conn:
        conn.execute(insert(scratch), [{"quantity": bad}])


def test_text_decimals_keep_any_precision(db: Database, scratch: Table) -> None:
    factor = Decimal("2.583252000000000000000000000001")
    with db.engine.begin() as conn:
        conn.execute(insert(scratch), [{"factor": factor}])
        assert conn.execute(select(scratch.c.factor)).scalar_one() == factor


def test_instants_are_stored_in_utc_and_naive_ones_refused(db: Database, scratch: Table) -> None:
    shanghai = dt.datetime(2026, 3, 2, 14, 30, 0, 123456, tzinfo=ZoneInfo("Asia/Shanghai"))
    with db.engine.begin() as conn:
        conn.execute(insert(scratch), [{"at": shanghai}])
        back = conn.execute(select(scratch.c.at)).scalar_one()
    assert back == shanghai
    assert back.utcoffset() == dt.timedelta(0)
    naive = dt.datetime(2026, 3, 2, 14, 30)  # noqa: DTZ001 - the point of the test
    with pytest.raises(StatementError, match="timezone-aware"), db.engine.begin() as conn:
        conn.execute(insert(scratch), [{"at": naive}])
