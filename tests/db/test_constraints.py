"""Which constraint a refused write broke comes from the driver (psycopg's constraint
name, SQLite's "UNIQUE constraint failed: table.columns"), never from guessing at text."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.exc import IntegrityError

from adapters.db.constraints import Violation, violation
from adapters.db.engine import Database
from adapters.db.models import Enterprise, Lot
from demo import ids, seed_demo
from masterdata import MasterData

NOW = dt.datetime(2026, 11, 28, tzinfo=dt.UTC)


def _refused(db: Database, row: object) -> IntegrityError:
    with pytest.raises(IntegrityError) as refused, db.transaction() as session:
        session.add(row)
    return refused.value


def test_a_duplicate_customs_code_names_its_column_and_constraint(db: Database) -> None:
    seed_demo(db)
    solar = MasterData(db).enterprise(ids.SOLAR_CUSTOMS_CODE)
    error = _refused(
        db,
        Enterprise(
            customs_code=solar.customs_code,
            credit_code="91630100MA7XN00094",
            name="另一家",
            roles="manufacturer",
            created_at=NOW,
        ),
    )
    assert violation(error) == Violation(
        "enterprises", ("customs_code",), "uq_enterprises_customs_code"
    )


def test_a_duplicate_lot_names_both_columns_of_its_key(db: Database) -> None:
    seed_demo(db)
    md = MasterData(db)
    lot = md.lot(ids.SOLAR_BOOK, ids.CELL_LOT_1)
    assert lot is not None
    error = _refused(
        db,
        Lot(book_id=lot.book_id, item_id=lot.item_id, lot_no=lot.lot_no, origin="", created_at=NOW),
    )
    assert violation(error) == Violation("lots", ("book_id", "lot_no"), "uq_lots_book_lot_no")
