"""Master data registration: idempotent, refusing conflicts and unknown references by field."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest
from pydantic import ValidationError

from adapters.db.engine import Database
from masterdata import MasterData
from masterdata.errors import AlreadyRegistered, NotRegistered
from schemas.masterdata import (
    AccountBookIn,
    BookItemIn,
    ConsumptionNormIn,
    EnterpriseIn,
    LocationIn,
    LotIn,
)
from tests.support.builders import BOOK, CELLS, GLASS, MODULE, make_zone


def _norm(version: int, loss: str, effective: dt.date, material: int = CELLS) -> ConsumptionNormIn:
    return ConsumptionNormIn(
        book_no=BOOK,
        finished_item_no=MODULE,
        material_item_no=material,
        version=version,
        net_consumption=Decimal(144),
        loss_rate=Decimal(loss),
        effective_from=effective,
    )


def test_registering_the_same_things_twice_is_a_no_op(db: Database) -> None:
    make_zone(db)
    md = MasterData(db)
    before = (
        [e.id for e in md.enterprises()],
        [b.id for b in md.books()],
        [i.id for i in md.items(BOOK)],
    )
    make_zone(db)  # registers everything again, identically
    after = (
        [e.id for e in md.enterprises()],
        [b.id for b in md.books()],
        [i.id for i in md.items(BOOK)],
    )
    assert after == before
    lot = md.create_lot(LotIn(book_no=BOOK, item_no=CELLS, lot_no="L1"))
    assert md.create_lot(LotIn(book_no=BOOK, item_no=CELLS, lot_no="L1")).id == lot.id


def test_different_content_under_the_same_key_is_refused_naming_the_field(db: Database) -> None:
    make_zone(db)
    md = MasterData(db)
    [item] = [i for i in md.items(BOOK) if i.item_no == CELLS]
    with pytest.raises(AlreadyRegistered) as refused:
        md.register_item(
            BookItemIn(
                book_no=BOOK,
                item_no=CELLS,
                part_no=item.part_no,
                hs_code="8541430000",  # changed
                name=item.name,
                specification=item.specification,
                declared_unit="007",
                first_legal_unit="007",
                first_legal_factor=Decimal(1),
            )
        )
    assert refused.value.field == "hs_code"
    with pytest.raises(AlreadyRegistered) as clash:
        md.register_item(
            BookItemIn(
                book_no=BOOK,
                item_no=99,
                part_no=item.part_no,  # another item's part number
                hs_code="8541420000",
                name="x",
                declared_unit="007",
                first_legal_unit="007",
                first_legal_factor=Decimal(1),
            )
        )
    assert clash.value.field == "part_no"
    enterprise = md.enterprises()[0]
    with pytest.raises(AlreadyRegistered) as renamed:
        md.register_enterprise(
            EnterpriseIn(
                customs_code=enterprise.customs_code,
                credit_code=enterprise.credit_code,
                name="another name",
                roles=frozenset({"manufacturer"}),
            )
        )
    assert renamed.value.field == "name"


def test_unknown_references_are_refused_naming_the_field(db: Database) -> None:
    make_zone(db)
    md = MasterData(db)
    cases: list[tuple[Callable[[], object], str]] = [
        (
            lambda: md.open_book(
                AccountBookIn(
                    book_no="T96010000009",
                    book_type="T",
                    enterprise_customs_code="9601999999",
                    valid_from=dt.date(2026, 1, 1),
                    valid_to=dt.date(2026, 12, 31),
                    customs_district="9601",
                )
            ),
            "enterprise_customs_code",
        ),
        (
            lambda: md.create_lot(LotIn(book_no="H96019999999", item_no=1, lot_no="X")),
            "book_no",
        ),
        (lambda: md.create_lot(LotIn(book_no=BOOK, item_no=77, lot_no="X")), "item_no"),
        (
            lambda: md.register_norm(_norm(1, "0.01", dt.date(2026, 1, 1), material=77)),
            "material_item_no",
        ),
        (
            lambda: md.add_location(
                LocationIn(code="BIN-9", name="bin", kind="bin", parent_code="NOWHERE")
            ),
            "parent_code",
        ),
    ]
    for call, field in cases:
        with pytest.raises(NotRegistered) as refused:
            call()
        assert refused.value.field == field
    with pytest.raises(NotRegistered, match="not registered as a finished good"):
        md.register_norm(
            ConsumptionNormIn(
                book_no=BOOK,
                finished_item_no=GLASS,
                material_item_no=CELLS,
                version=1,
                net_consumption=Decimal(1),
                loss_rate=Decimal(0),
                effective_from=dt.date(2026, 1, 1),
            )
        )


def test_book_numbers_and_types_must_agree() -> None:
    with pytest.raises(ValidationError, match="starts with 'H'"):
        AccountBookIn(
            book_no="H96010000001",
            book_type="T",
            enterprise_customs_code="9601346001",
            valid_from=dt.date(2026, 1, 1),
            valid_to=dt.date(2026, 12, 31),
            customs_district="9601",
        )


def test_the_norm_in_force_is_the_newest_version_effective_on_the_day(db: Database) -> None:
    make_zone(db)  # version 1 of cells, effective 2026-01-01, loss 0.02
    md = MasterData(db)
    md.register_norm(_norm(2, "0.01", dt.date(2026, 7, 1)))
    md.register_norm(_norm(3, "0.005", dt.date(2027, 1, 1)))
    in_force = {
        d: md.norms_in_force(BOOK, MODULE, d)
        for d in (dt.date(2026, 3, 1), dt.date(2026, 7, 1), dt.date(2027, 6, 1))
    }
    assert [(n.version, n.loss_rate) for n in in_force[dt.date(2026, 3, 1)]] == [
        (1, Decimal("0.02"))
    ]
    assert [n.version for n in in_force[dt.date(2026, 7, 1)]] == [2]
    assert [n.version for n in in_force[dt.date(2027, 6, 1)]] == [3]
    assert md.norms_in_force(BOOK, MODULE, dt.date(2025, 12, 31)) == []


def test_a_lot_registered_again_with_another_origin_is_refused(db: Database) -> None:
    make_zone(db)
    md = MasterData(db)
    md.create_lot(LotIn(book_no=BOOK, item_no=CELLS, lot_no="L9", origin="list A"))
    with pytest.raises(AlreadyRegistered) as refused:
        md.create_lot(LotIn(book_no=BOOK, item_no=CELLS, lot_no="L9", origin="list B"))
    assert refused.value.field == "origin"
