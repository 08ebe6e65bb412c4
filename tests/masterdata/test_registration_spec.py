"""Registering master data, on SQLite and PostgreSQL.

Registration is idempotent: the same content again returns the same row. Different
content under the same key is refused with AlreadyRegistered, and a reference to
something never registered with NotRegistered; both name the input field at fault,
and neither writes anything."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any, TypeVar

import pytest
from pydantic import BaseModel, ValidationError
from sqlalchemy import func, select

from adapters.db.engine import Database
from adapters.db.models import AccountBook, BookItem, ConsumptionNorm, Enterprise, Location, Lot
from masterdata import MasterData
from masterdata.errors import AlreadyRegistered, NotRegistered
from rules.credit_code import build_credit_code
from schemas.errors import BondflowError
from schemas.masterdata import (
    AccountBookIn,
    BookItemIn,
    ConsumptionNormIn,
    EnterpriseIn,
    LocationIn,
    LotIn,
)

M = TypeVar("M", bound=BaseModel)


def _changed(model: M, **changes: Any) -> M:
    """The same input with some fields changed, validated like any other input."""
    return type(model).model_validate({**model.model_dump(), **changes})


BOOK = "H96011234567"
CELLS, GLASS, MODULE, HALF_MODULE = 1, 2, 10, 11

ENTERPRISE = EnterpriseIn(
    customs_code="9601346001",
    credit_code=build_credit_code("91", "630100", "MA7XN001"),
    name="青海光伏组件有限公司",
    roles=frozenset({"manufacturer", "trader"}),
)
OTHER_ENTERPRISE = EnterpriseIn(
    customs_code="9601346002",
    credit_code=build_credit_code("91", "630100", "MA7XN002"),
    name="西宁保税物流有限公司",
    roles=frozenset({"logistics"}),
)
BOOK_IN = AccountBookIn(
    book_no=BOOK,
    book_type="H",
    enterprise_customs_code=ENTERPRISE.customs_code,
    valid_from=dt.date(2026, 1, 1),
    valid_to=dt.date(2030, 12, 31),
    customs_district="9601",
)
CELL_ITEM = BookItemIn(
    book_no=BOOK,
    item_no=CELLS,
    part_no="CELL-M10",
    hs_code="8541420000",
    name="太阳能电池片",
    declared_unit="007",
    first_legal_unit="007",
    first_legal_factor=Decimal(1),
)
GLASS_ITEM = BookItemIn(
    book_no=BOOK,
    item_no=GLASS,
    part_no="GLASS-3.2",
    hs_code="7007190000",
    name="光伏玻璃",
    declared_unit="007",
    first_legal_unit="035",
    first_legal_factor=Decimal("20.6"),
    second_legal_unit="032",
    second_legal_factor=Decimal("2.583252"),
)
MODULE_ITEM = BookItemIn(
    book_no=BOOK,
    item_no=MODULE,
    part_no="MOD-550",
    hs_code="8541430000",
    name="光伏组件",
    declared_unit="007",
    first_legal_unit="007",
    first_legal_factor=Decimal(1),
    is_finished_good=True,
)
HALF_MODULE_ITEM = _changed(MODULE_ITEM, item_no=HALF_MODULE, part_no="MOD-HALF", name="半片组件")
CELL_NORM = ConsumptionNormIn(
    book_no=BOOK,
    finished_item_no=MODULE,
    material_item_no=CELLS,
    version=1,
    net_consumption=Decimal(144),
    loss_rate=Decimal("0.02"),
    effective_from=dt.date(2026, 1, 1),
)
AREA = LocationIn(code="XN-A", name="综合保税区A区", kind="zone_area")
WAREHOUSE = LocationIn(code="XN-WH1", name="保税仓库一号", kind="warehouse", parent_code="XN-A")
OTHER_AREA = LocationIn(code="XN-B", name="综合保税区B区", kind="zone_area")
LOT = LotIn(book_no=BOOK, item_no=CELLS, lot_no="L-2026-001", origin="VN")


def _row_counts(db: Database) -> dict[str, int]:
    with db.sessions() as session:
        return {
            model.__tablename__: session.scalar(select(func.count()).select_from(model)) or 0
            for model in (Enterprise, AccountBook, BookItem, ConsumptionNorm, Location, Lot)
        }


@pytest.fixture
def md(db: Database) -> MasterData:
    """Two enterprises; a book with two materials, two finished goods and a norm; an area
    with a warehouse, another area; a lot of cells."""
    master = MasterData(db)
    master.register_enterprise(ENTERPRISE)
    master.register_enterprise(OTHER_ENTERPRISE)
    master.open_book(BOOK_IN)
    for item in (CELL_ITEM, GLASS_ITEM, MODULE_ITEM, HALF_MODULE_ITEM):
        master.register_item(item)
    master.register_norm(CELL_NORM)
    for location in (AREA, WAREHOUSE, OTHER_AREA):
        master.add_location(location)
    master.create_lot(LOT)
    return master


# --- the same registration twice ------------------------------------------------------------

Registration = Callable[[MasterData], Any]

REGISTRATIONS: dict[str, Registration] = {
    "enterprise": lambda md: md.register_enterprise(ENTERPRISE),
    "book": lambda md: md.open_book(BOOK_IN),
    "item": lambda md: md.register_item(GLASS_ITEM),
    "norm": lambda md: md.register_norm(CELL_NORM),
    "location": lambda md: md.add_location(WAREHOUSE),
    "lot": lambda md: md.create_lot(LOT),
}


def test_the_same_registration_twice_returns_the_same_row(db: Database, md: MasterData) -> None:
    counts = _row_counts(db)
    for kind, register in REGISTRATIONS.items():
        assert register(md).id == register(md).id, kind
    assert _row_counts(db) == counts


def test_equal_content_written_differently_is_the_same_registration(
    db: Database, md: MasterData
) -> None:
    counts = _row_counts(db)
    enterprise_id = md.register_enterprise(ENTERPRISE).id
    same_enterprise = _changed(
        ENTERPRISE, name=f"  {ENTERPRISE.name} ", roles=["trader", "manufacturer"]
    )
    assert md.register_enterprise(same_enterprise).id == enterprise_id
    glass_id = md.register_item(GLASS_ITEM).id
    same_glass = _changed(GLASS_ITEM, first_legal_factor="20.60", second_legal_factor="2.5832520")
    assert md.register_item(same_glass).id == glass_id
    norm_id = md.register_norm(CELL_NORM).id
    assert md.register_norm(_changed(CELL_NORM, loss_rate="0.020")).id == norm_id
    assert _row_counts(db) == counts


# --- different content under the same key ---------------------------------------------------

# (what changes, the registration, the field the refusal must name)
CONFLICTS: list[tuple[str, Registration, str]] = [
    (
        "enterprise name",
        lambda md: md.register_enterprise(_changed(ENTERPRISE, name="x")),
        "name",
    ),
    (
        "enterprise roles",
        lambda md: md.register_enterprise(_changed(ENTERPRISE, roles=["trader"])),
        "roles",
    ),
    (
        "enterprise credit code",
        lambda md: md.register_enterprise(
            _changed(ENTERPRISE, credit_code=build_credit_code("91", "630100", "MA7XN999"))
        ),
        "credit_code",
    ),
    (
        "credit code of another enterprise",
        lambda md: md.register_enterprise(_changed(ENTERPRISE, customs_code="9601346099")),
        "credit_code",
    ),
    (
        "book validity",
        lambda md: md.open_book(_changed(BOOK_IN, valid_to=dt.date(2031, 12, 31))),
        "valid_to",
    ),
    (
        "book district",
        lambda md: md.open_book(_changed(BOOK_IN, customs_district="9602")),
        "customs_district",
    ),
    (
        "item HS code",
        lambda md: md.register_item(_changed(CELL_ITEM, hs_code="8541430000")),
        "hs_code",
    ),
    (
        "item factor",
        lambda md: md.register_item(_changed(GLASS_ITEM, first_legal_factor="20.7")),
        "first_legal_factor",
    ),
    (
        "item part number",
        lambda md: md.register_item(_changed(CELL_ITEM, part_no="CELL-M12")),
        "part_no",
    ),
    (
        "item becomes a finished good",
        lambda md: md.register_item(_changed(CELL_ITEM, is_finished_good=True)),
        "is_finished_good",
    ),
    (
        "norm loss rate",
        lambda md: md.register_norm(_changed(CELL_NORM, loss_rate="0.03")),
        "loss_rate",
    ),
    (
        "norm net consumption",
        lambda md: md.register_norm(_changed(CELL_NORM, net_consumption="145")),
        "net_consumption",
    ),
    (
        "norm effective date",
        lambda md: md.register_norm(_changed(CELL_NORM, effective_from=dt.date(2026, 2, 1))),
        "effective_from",
    ),
    (
        "location kind",
        lambda md: md.add_location(_changed(WAREHOUSE, kind="bin")),
        "kind",
    ),
    (
        "location name",
        lambda md: md.add_location(_changed(WAREHOUSE, name="保税仓库二号")),
        "name",
    ),
]


def test_different_content_is_refused_naming_the_field(db: Database, md: MasterData) -> None:
    counts = _row_counts(db)
    for change, register, field in CONFLICTS:
        with pytest.raises(AlreadyRegistered) as refused:
            register(md)
        assert refused.value.field == field, change
        assert field in str(refused.value), change
    assert _row_counts(db) == counts


@pytest.mark.parametrize(
    ("register", "field"),
    [
        pytest.param(
            lambda md: md.open_book(
                _changed(BOOK_IN, enterprise_customs_code=OTHER_ENTERPRISE.customs_code)
            ),
            "enterprise_customs_code",
            id="book of another enterprise",
        ),
        pytest.param(
            lambda md: md.add_location(_changed(WAREHOUSE, parent_code=OTHER_AREA.code)),
            "parent_code",
            id="location under another parent",
        ),
        pytest.param(
            lambda md: md.create_lot(_changed(LOT, item_no=GLASS)),
            "item_no",
            id="lot of another item",
        ),
    ],
)
def test_a_changed_reference_is_refused_naming_the_input_field(
    md: MasterData, register: Registration, field: str
) -> None:
    with pytest.raises(AlreadyRegistered) as refused:
        register(md)
    assert refused.value.field == field


def test_a_refused_change_leaves_the_registered_content_alone(md: MasterData) -> None:
    with pytest.raises(AlreadyRegistered):
        md.register_item(_changed(CELL_ITEM, hs_code="8541430000", name="changed"))
    [cells] = [item for item in md.items(BOOK) if item.item_no == CELLS]
    assert (cells.hs_code, cells.name) == (CELL_ITEM.hs_code, CELL_ITEM.name)


# --- references to what was never registered ------------------------------------------------

UNKNOWN_BOOK = "H96019999999"

# (what is unknown, the registration or read, the field the refusal must name)
UNKNOWN_REFERENCES: list[tuple[str, Registration, str]] = [
    (
        "book of an unknown enterprise",
        lambda md: md.open_book(
            _changed(BOOK_IN, book_no="H96010000009", enterprise_customs_code="9601999999")
        ),
        "enterprise_customs_code",
    ),
    (
        "item of an unknown book",
        lambda md: md.register_item(_changed(CELL_ITEM, book_no=UNKNOWN_BOOK)),
        "book_no",
    ),
    (
        "norm of an unknown book",
        lambda md: md.register_norm(_changed(CELL_NORM, book_no=UNKNOWN_BOOK)),
        "book_no",
    ),
    (
        "norm of an unknown finished item",
        lambda md: md.register_norm(_changed(CELL_NORM, finished_item_no=77)),
        "finished_item_no",
    ),
    (
        "norm of an unknown material",
        lambda md: md.register_norm(_changed(CELL_NORM, material_item_no=77)),
        "material_item_no",
    ),
    (
        "norm whose finished item is a material",
        lambda md: md.register_norm(
            _changed(CELL_NORM, finished_item_no=GLASS, material_item_no=CELLS)
        ),
        "finished_item_no",
    ),
    (
        "norm whose material is a finished good",
        lambda md: md.register_norm(_changed(CELL_NORM, material_item_no=HALF_MODULE)),
        "material_item_no",
    ),
    (
        "lot of an unknown item",
        lambda md: md.create_lot(_changed(LOT, lot_no="L-X", item_no=77)),
        "item_no",
    ),
    (
        "lot of an unknown book",
        lambda md: md.create_lot(_changed(LOT, lot_no="L-X", book_no=UNKNOWN_BOOK)),
        "book_no",
    ),
    (
        "location with an unknown parent",
        lambda md: md.add_location(
            LocationIn(code="XN-BIN-9", name="库位9", kind="bin", parent_code="NOWHERE")
        ),
        "parent_code",
    ),
    (
        "norms of an unknown item",
        lambda md: md.norms_in_force(BOOK, 77, dt.date(2026, 6, 1)),
        "finished_item_no",
    ),
    ("items of an unknown book", lambda md: md.items(UNKNOWN_BOOK), "book_no"),
]


def test_unknown_references_are_refused_naming_the_field(db: Database, md: MasterData) -> None:
    counts = _row_counts(db)
    for unknown, register, field in UNKNOWN_REFERENCES:
        with pytest.raises(NotRegistered) as refused:
            register(md)
        assert refused.value.field == field, unknown
    assert _row_counts(db) == counts


# --- book numbers and book types ------------------------------------------------------------


@pytest.mark.parametrize(("book_no", "book_type"), [("H96010000001", "H"), ("T96010000001", "T")])
def test_a_book_number_starts_with_its_type(book_no: str, book_type: str) -> None:
    assert _changed(BOOK_IN, book_no=book_no, book_type=book_type).book_type == book_type


@pytest.mark.parametrize(("book_no", "book_type"), [("H96010000001", "T"), ("T96010000001", "H")])
def test_a_book_number_of_the_other_type_is_refused(book_no: str, book_type: str) -> None:
    with pytest.raises(ValidationError, match=f"starts with '{book_no[0]}'"):
        _changed(BOOK_IN, book_no=book_no, book_type=book_type)


# --- norms in force -------------------------------------------------------------------------


def test_the_norm_in_force_is_the_newest_version_effective_on_the_day(md: MasterData) -> None:
    # CELL_NORM is version 1 of cells from 2026-01-01. Versions arrive out of order.
    md.register_norm(
        _changed(CELL_NORM, version=3, loss_rate="0.005", effective_from=dt.date(2027, 1, 1))
    )
    md.register_norm(
        _changed(CELL_NORM, version=2, loss_rate="0.01", effective_from=dt.date(2026, 7, 1))
    )
    glass = _changed(CELL_NORM, material_item_no=GLASS, net_consumption="2", loss_rate="0")
    md.register_norm(glass)
    md.register_norm(
        _changed(glass, version=2, loss_rate="0.001", effective_from=dt.date(2026, 10, 1))
    )
    item_no = {item.id: item.item_no for item in md.items(BOOK)}

    def in_force(day: dt.date) -> dict[int, tuple[int, Decimal]]:
        return {
            item_no[n.material_item_id]: (n.version, n.loss_rate)
            for n in md.norms_in_force(BOOK, MODULE, day)
        }

    assert in_force(dt.date(2025, 12, 31)) == {}
    assert in_force(dt.date(2026, 1, 1)) == {CELLS: (1, Decimal("0.02")), GLASS: (1, Decimal(0))}
    assert in_force(dt.date(2026, 6, 30)) == {CELLS: (1, Decimal("0.02")), GLASS: (1, Decimal(0))}
    assert in_force(dt.date(2026, 7, 1)) == {CELLS: (2, Decimal("0.01")), GLASS: (1, Decimal(0))}
    assert in_force(dt.date(2026, 10, 1)) == {
        CELLS: (2, Decimal("0.01")),
        GLASS: (2, Decimal("0.001")),
    }
    assert in_force(dt.date(2027, 6, 1)) == {
        CELLS: (3, Decimal("0.005")),
        GLASS: (2, Decimal("0.001")),
    }
    assert md.norms_in_force(BOOK, HALF_MODULE, dt.date(2027, 6, 1)) == []


# --- part numbers ---------------------------------------------------------------------------


def test_a_part_number_names_one_item_of_a_book(db: Database, md: MasterData) -> None:
    counts = _row_counts(db)
    with pytest.raises(AlreadyRegistered, match=f"CELL-M10 is item {CELLS} of {BOOK}") as clash:
        md.register_item(_changed(CELL_ITEM, item_no=99, name="另一个料件"))
    assert clash.value.field == "part_no"
    with pytest.raises(AlreadyRegistered) as renamed:
        md.register_item(_changed(GLASS_ITEM, part_no=CELL_ITEM.part_no))
    assert renamed.value.field == "part_no"
    assert _row_counts(db) == counts


def test_the_same_part_number_may_be_used_in_another_book(md: MasterData) -> None:
    other_book = "T96017654321"
    md.open_book(
        _changed(
            BOOK_IN,
            book_no=other_book,
            book_type="T",
            enterprise_customs_code=OTHER_ENTERPRISE.customs_code,
        )
    )
    item = md.register_item(_changed(CELL_ITEM, book_no=other_book, item_no=5))
    assert item.part_no == CELL_ITEM.part_no
    assert [i.item_no for i in md.items(other_book)] == [5]


# --- factors that do not fit ----------------------------------------------------------------


def test_a_factor_too_long_to_store_is_kept_or_refused_alike_on_both_databases(
    db: Database, md: MasterData, request: pytest.FixtureRequest
) -> None:
    # Input validation does not bound a factor's digits; storage is VARCHAR(64). Either
    # the factor is kept exactly, or it is refused as input (a domain refusal or a
    # ValidationError), never by a raw database error.
    factor = Decimal("1." + "3" * 70)
    refusal: Exception | None = None
    try:
        md.register_item(
            _changed(GLASS_ITEM, item_no=3, part_no="GLASS-X", first_legal_factor=factor)
        )
    except (BondflowError, ValidationError) as refused:
        refusal = refused
    if refusal is None:
        [stored] = [item for item in md.items(BOOK) if item.item_no == 3]
        assert stored.first_legal_factor == factor
