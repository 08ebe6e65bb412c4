"""Bad input gets a clear error naming the field, and nothing is written."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from pydantic import ValidationError
from sqlalchemy import func, select

from adapters.db.engine import Database
from adapters.db.models import LedgerAccount, LedgerTransaction, Movement
from ledger import InsufficientStock, Ledger, LedgerError, UnitMismatch, UnknownReference
from schemas.ledger import Leg, StockRef
from schemas.masterdata import BookItemIn, EnterpriseIn
from tests.support.builders import (
    BOOK,
    CELLS,
    GLASS,
    MODULE,
    Zone,
    leg,
    make_zone,
    outside,
    request,
    stock,
)


def _counts(db: Database) -> tuple[int, int, int]:
    with db.sessions() as session:
        return tuple(  # type: ignore[return-value]
            session.scalar(select(func.count()).select_from(model)) or 0
            for model in (LedgerTransaction, Movement, LedgerAccount)
        )


@pytest.fixture
def zone(db: Database) -> Zone:
    zone = make_zone(db)
    zone.lot("L1")
    zone.lot("G1", item_no=GLASS)
    Ledger(db).execute(request("opening", leg("100", outside("abroad"), stock("L1"))))
    return zone


@pytest.mark.parametrize(
    ("quantity", "reason"),
    [
        ("0", "greater than zero"),
        ("-5", "greater than zero"),
        ("1.000001", "more than 5 decimal places"),
        ("NaN", "finite"),
        ("Infinity", "finite"),
    ],
)
def test_quantities_must_be_positive_and_exact(quantity: str, reason: str) -> None:
    with pytest.raises(ValidationError, match=reason):
        leg(Decimal(quantity), outside("abroad"), stock("L1"))


def test_floats_are_refused_before_they_lose_exactness() -> None:
    with pytest.raises(ValidationError, match="not floats"):
        Leg.model_validate(
            {
                "book_no": BOOK,
                "item_no": 1,
                "unit": "007",
                "quantity": 0.1,
                "source": {"kind": "outside", "party": "abroad"},
                "destination": {"kind": "stock", "lot_no": "L1", "location": "X"},
            }
        )


def test_a_leg_must_touch_stock_and_move_somewhere() -> None:
    with pytest.raises(ValidationError, match="same account"):
        leg("1", stock("L1"), stock("L1"))
    with pytest.raises(ValidationError, match="at least one stock account"):
        leg("1", outside("abroad"), outside("domestic"))


def _refused(
    db: Database, make: Callable[[], object], error: type[LedgerError], field: str, text: str
) -> None:
    before = _counts(db)
    with pytest.raises(error) as refused:
        make()
    assert refused.value.field == field
    assert text in str(refused.value)
    assert _counts(db) == before, "a refused request wrote something"


def test_unknown_references_are_named_and_nothing_is_written(db: Database, zone: Zone) -> None:
    ledger = Ledger(db)
    _refused(
        db,
        lambda: ledger.execute(
            request("x1", leg("1", outside("abroad"), stock("L1"), book_no="H96019999999"))
        ),
        UnknownReference,
        "legs[0].book_no",
        "H96019999999",
    )
    _refused(
        db,
        lambda: ledger.execute(request("x2", leg("1", outside("abroad"), stock("L1"), item_no=99))),
        UnknownReference,
        "legs[0].item_no",
        "no item 99",
    )
    _refused(
        db,
        lambda: ledger.execute(request("x3", leg("1", outside("abroad"), stock("NOPE")))),
        UnknownReference,
        "legs[0].destination.lot_no",
        "no lot NOPE",
    )
    _refused(
        db,
        lambda: ledger.execute(request("x4", leg("1", outside("abroad"), stock("L1", "NOWHERE")))),
        UnknownReference,
        "legs[0].destination.location",
        "NOWHERE",
    )
    _refused(
        db,
        lambda: ledger.execute(request("x5", leg("1", stock("G1"), outside("abroad")))),
        UnknownReference,
        "legs[0].source.lot_no",
        "not a lot of item 1",
    )


def test_a_unit_mismatch_is_refused(db: Database, zone: Zone) -> None:
    _refused(
        db,
        lambda: Ledger(db).execute(
            request("u1", leg("1", outside("abroad"), stock("L1"), unit="035"))
        ),
        UnitMismatch,
        "legs[0].unit",
        "declared in unit 007, not 035",
    )


def test_withdrawing_from_an_empty_position_names_the_account(db: Database, zone: Zone) -> None:
    _refused(
        db,
        lambda: Ledger(db).execute(
            request("e1", leg("1", stock("G1"), outside("abroad"), item_no=GLASS))
        ),
        InsufficientStock,
        "legs[0].quantity",
        "has 0 available, 1 asked",
    )


def test_a_linked_group_failing_on_its_third_leg_leaves_no_trace(db: Database, zone: Zone) -> None:
    group = request(
        "group",
        leg("10", stock("L1"), outside("processing")),
        leg("1", outside("processing"), stock("G1"), item_no=GLASS),
        leg("500", stock("L1"), outside("abroad")),  # only 90 left after the first leg
    )
    _refused(
        db,
        lambda: Ledger(db).execute(group),
        InsufficientStock,
        "legs[0].quantity",
        "stock|H96001234567|1|L1|XN-WH1|bonded has 100",
    )
    _refused(
        db,
        lambda: Ledger(db).execute(
            request(
                "group-2",
                leg("10", stock("L1"), outside("processing")),
                leg("1", outside("processing"), stock("G1"), item_no=GLASS),
                leg("1", outside("processing"), stock("M-unknown"), item_no=MODULE),
            )
        ),
        UnknownReference,
        "legs[2].destination.lot_no",
        "M-unknown",
    )


def test_malformed_master_data_is_refused_with_the_field() -> None:
    with pytest.raises(ValidationError, match="hs_code"):
        BookItemIn(
            book_no=BOOK,
            item_no=1,
            part_no="P",
            hs_code="85414200",
            name="cells",
            declared_unit="007",
            first_legal_unit="007",
            first_legal_factor=Decimal(1),
        )
    with pytest.raises(ValidationError, match="check character"):
        EnterpriseIn(
            customs_code="9601346001",
            credit_code="91350100M000100Y44",
            name="x",
            roles=frozenset({"manufacturer"}),
        )


def test_lineage_needs_known_lots_and_a_post(db: Database, zone: Zone) -> None:
    from tests.support.builders import consumed

    _refused(
        db,
        lambda: Ledger(db).execute(
            request(
                "l1",
                leg("1", stock("L1"), outside("processing")),
                lineage=(consumed("GHOST", "L1", "1"),),
            )
        ),
        UnknownReference,
        "lineage[0].output",
        "GHOST",
    )
    with pytest.raises(ValidationError, match="post, don't reserve"):
        request(
            "l2",
            leg("1", stock("L1"), outside("processing")),
            reserve=True,
            lineage=(consumed("G1", "L1", "1"),),
        )
    assert StockRef(lot_no="L1", location="X").status == "bonded"
    assert CELLS == 1
