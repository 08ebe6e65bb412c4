"""Exact column types, on SQLite and PostgreSQL alike.

ScaledDecimal stores a quantity as an integer count of 10**-scale units, so storing,
summing and comparing are exact on both databases; TextDecimal keeps factors and
rates of any precision as text; UTCDateTime keeps instants aware and in UTC."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Table, func, insert, select
from sqlalchemy.exc import DBAPIError, StatementError

from adapters.db.engine import Database
from tests.db.scratch import scratch_table

SHANGHAI = ZoneInfo("Asia/Shanghai")
LARGEST_QUANTITY = Decimal(2**63 - 1).scaleb(-5)  # what a BIGINT holds at scale 5


@pytest.fixture
def scratch(db: Database) -> Table:
    """A throwaway table in the test's own database, one column of each type."""
    return scratch_table(db, "scratch_exact_types")


def _store(db: Database, table: Table, column: str, values: Sequence[object]) -> list[object]:
    """Insert the values into one column and read them back in order."""
    with db.engine.begin() as conn:
        conn.execute(insert(table), [{column: v} for v in values])
    with db.engine.connect() as conn:
        return list(conn.execute(select(table.c[column]).order_by(table.c.id)).scalars())


# --- ScaledDecimal ----------------------------------------------------------------------------


def test_quantities_come_back_exactly(db: Database, scratch: Table) -> None:
    values = [
        Decimal("12345678.12345"),
        Decimal("0.00001"),
        Decimal("0.1"),
        Decimal(0),
        Decimal("-0.00001"),
        LARGEST_QUANTITY,
    ]
    assert _store(db, scratch, "quantity", values) == values


def test_quantities_come_back_at_the_columns_scale(db: Database, scratch: Table) -> None:
    back = _store(db, scratch, "quantity", [Decimal("0.1"), Decimal(3), 7])
    assert [str(v) for v in back] == ["0.10000", "3.00000", "7.00000"]


def test_sums_are_exact(db: Database, scratch: Table) -> None:
    # Ten times 0.1 is not 1 in binary floating point; here it must be.
    values = [Decimal("0.1")] * 10 + [Decimal("12345678.12345"), Decimal("0.00001")]
    _store(db, scratch, "quantity", values)
    with db.engine.connect() as conn:
        total = conn.execute(select(func.sum(scratch.c.quantity))).scalar_one()
    assert total == Decimal("12345679.12346")
    assert isinstance(total, Decimal)


def test_comparisons_are_exact(db: Database, scratch: Table) -> None:
    _store(db, scratch, "quantity", [Decimal("0.00001"), Decimal("0.00002"), Decimal("0.3")])
    with db.engine.connect() as conn:
        equal = conn.execute(
            select(scratch.c.quantity).where(scratch.c.quantity == Decimal("0.00002"))
        ).scalars()
        above = conn.execute(
            select(func.count()).where(scratch.c.quantity > Decimal("0.00001"))
        ).scalar_one()
    assert list(equal) == [Decimal("0.00002")]
    assert above == 2


def test_trailing_zeros_beyond_the_scale_lose_nothing(db: Database, scratch: Table) -> None:
    assert _store(db, scratch, "quantity", [Decimal("1.5000000000")]) == [Decimal("1.5")]


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        pytest.param(Decimal("0.000001"), "more than 5 decimal places", id="6 places"),
        pytest.param(Decimal("12345678.123456"), "more than 5 decimal places", id="6 places big"),
        pytest.param(0.5, "refusing a float", id="float"),
        pytest.param(0.1, "refusing a float", id="inexact float"),
        pytest.param(True, "refusing a bool", id="bool"),
        pytest.param(Decimal("NaN"), "finite Decimal", id="NaN"),
        pytest.param(Decimal("Infinity"), "finite Decimal", id="Infinity"),
        pytest.param("1.5", "finite Decimal", id="text"),
    ],
)
def test_quantities_that_cannot_be_held_exactly_are_refused(
    db: Database, scratch: Table, value: object, reason: str
) -> None:
    with pytest.raises(StatementError, match=reason), db.engine.begin() as conn:
        conn.execute(insert(scratch), [{"quantity": value}])
    with db.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(scratch)).scalar_one() == 0


# --- TextDecimal ------------------------------------------------------------------------------


def test_text_decimals_keep_any_precision(db: Database, scratch: Table) -> None:
    values = [
        Decimal("2.583252000000000000000000000001"),
        Decimal("1E-30"),
        Decimal("123456789012345678901234567890.123456789"),
        Decimal("20.6"),
        Decimal(0),
    ]
    assert _store(db, scratch, "factor", values) == values


def test_text_decimals_keep_the_written_form(db: Database, scratch: Table) -> None:
    back = _store(db, scratch, "factor", [Decimal("1.50"), Decimal("0.020")])
    assert [str(v) for v in back] == ["1.50", "0.020"]


def test_a_factor_longer_than_the_column_is_never_half_accepted(
    db: Database, scratch: Table, request: pytest.FixtureRequest
) -> None:
    # TextDecimal promises any precision but is VARCHAR(64) underneath. Whatever the
    # fix (a wider column, or a ValueError from the type), both databases must agree:
    # stored exactly, or refused by the type before the database sees the value.
    factor = Decimal("1." + "3" * 70)
    refusal: StatementError | None = None
    back: list[object] = []
    try:
        back = _store(db, scratch, "factor", [factor])
    except StatementError as refused:
        refusal = refused
    if refusal is None:
        assert back == [factor]
    else:
        assert not isinstance(refusal, DBAPIError), "refused by the database, not the type"
        assert isinstance(refusal.orig, ValueError)


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        pytest.param(0.1, "refusing a float", id="float"),
        pytest.param(Decimal("NaN"), "finite Decimal", id="NaN"),
        pytest.param(Decimal("-Infinity"), "finite Decimal", id="-Infinity"),
    ],
)
def test_text_decimals_refuse_floats_and_non_numbers(
    db: Database, scratch: Table, value: object, reason: str
) -> None:
    with pytest.raises(StatementError, match=reason), db.engine.begin() as conn:
        conn.execute(insert(scratch), [{"factor": value}])


# --- UTCDateTime ------------------------------------------------------------------------------


def test_instants_come_back_in_utc_and_equal_to_what_was_stored(
    db: Database, scratch: Table
) -> None:
    shanghai = dt.datetime(2026, 3, 2, 14, 30, 0, 123456, tzinfo=SHANGHAI)
    [back] = _store(db, scratch, "at", [shanghai])
    assert isinstance(back, dt.datetime)
    assert back == shanghai
    assert back.utcoffset() == dt.timedelta(0)
    assert back.replace(tzinfo=None) == dt.datetime(2026, 3, 2, 6, 30, 0, 123456)  # noqa: DTZ001


def test_instants_across_midnight_and_offsets_keep_their_order(
    db: Database, scratch: Table
) -> None:
    # 00:30 in Shanghai is the previous day in UTC, and earlier than 23:00 UTC that day.
    early = dt.datetime(2026, 1, 1, 0, 30, tzinfo=SHANGHAI)
    late = dt.datetime(2025, 12, 31, 23, 0, tzinfo=dt.UTC)
    minus = dt.datetime(2025, 12, 31, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=-5)))
    _store(db, scratch, "at", [late, early, minus])
    with db.engine.connect() as conn:
        ordered = list(conn.execute(select(scratch.c.at).order_by(scratch.c.at)).scalars())
    assert ordered == [early, minus, late]
    assert all(t.tzinfo is not None and t.utcoffset() == dt.timedelta(0) for t in ordered)


@pytest.mark.parametrize(
    "value",
    [
        pytest.param(dt.datetime(2026, 3, 2, 14, 30), id="naive datetime"),  # noqa: DTZ001
        pytest.param(dt.date(2026, 3, 2), id="date"),
        pytest.param("2026-03-02T14:30:00+08:00", id="text"),
    ],
)
def test_instants_without_a_zone_are_refused(db: Database, scratch: Table, value: object) -> None:
    with pytest.raises(StatementError, match="timezone-aware"), db.engine.begin() as conn:
        conn.execute(insert(scratch), [{"at": value}])
