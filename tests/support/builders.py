"""Small, readable builders for test data: a zone with one enterprise, its book, items,
locations and lots, and one-line constructors of ledger requests."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from adapters.db.engine import Database
from masterdata import MasterData
from rules.credit_code import build_credit_code
from schemas.codes import CustomsStatus, DocumentType, OutsideKind
from schemas.ledger import (
    DocumentRef,
    Leg,
    LineageInput,
    LotRef,
    MovementRequest,
    OutsideRef,
    ResolveRequest,
    StockRef,
)
from schemas.masterdata import (
    AccountBookIn,
    BookItemIn,
    ConsumptionNormIn,
    EnterpriseIn,
    LocationIn,
    LotIn,
)
from tests.support.states import DatabaseState

SHANGHAI = dt.timezone(dt.timedelta(hours=8), "Asia/Shanghai")
BOOK = "H96001234567"
CELLS = 1  # 太阳能电池片, pieces (007)
GLASS = 2  # 光伏玻璃, kg (035) with a second legal unit (m2? no: pieces), see below
MODULE = 10  # 光伏组件, pieces
WAREHOUSE = "XN-WH1"
LINE = "XN-LINE1"


def now() -> dt.datetime:
    return dt.datetime.now(SHANGHAI)


@dataclass(frozen=True)
class Zone:
    """A manufacturer with one processing book: cells and glass in, modules out."""

    db: Database
    md: MasterData
    book_no: str = BOOK

    @classmethod
    def of(cls, db: Database, book_no: str = BOOK) -> Zone:
        """The zone of a database ``make_zone`` wrote into already (a state's template,
        tests/support/states.py): the same helper, without writing again."""
        return cls(db=db, md=MasterData(db), book_no=book_no)

    def lot(self, lot_no: str, item_no: int = CELLS) -> str:
        self.md.create_lot(LotIn(book_no=self.book_no, item_no=item_no, lot_no=lot_no))
        return lot_no


def make_zone(db: Database, book_no: str = BOOK, customs_code: str = "9600A12345") -> Zone:
    md = MasterData(db)
    md.register_enterprise(
        EnterpriseIn(
            customs_code=customs_code,
            credit_code=build_credit_code("91", "630100", "MA7XN" + customs_code[-3:]),
            name="青海天合光能有限公司",
            roles=frozenset({"manufacturer"}),
        )
    )
    md.open_book(
        AccountBookIn(
            book_no=book_no,
            book_type="H",
            enterprise_customs_code=customs_code,
            valid_from=dt.date(2026, 1, 1),
            valid_to=dt.date(2030, 12, 31),
            customs_district="9601",
        )
    )
    md.register_item(
        BookItemIn(
            book_no=book_no,
            item_no=CELLS,
            part_no="CELL-M10-182",
            hs_code="8541420000",
            name="太阳能电池片",
            specification="M10 182mm monocrystalline PERC",
            declared_unit="007",
            first_legal_unit="007",
            first_legal_factor=Decimal(1),
        )
    )
    md.register_item(
        BookItemIn(
            book_no=book_no,
            item_no=GLASS,
            part_no="GLASS-3.2",
            hs_code="7007190000",
            name="光伏玻璃",
            specification="3.2mm tempered, 2278x1134",
            declared_unit="007",
            first_legal_unit="035",
            first_legal_factor=Decimal("20.6"),
            second_legal_unit="032",
            second_legal_factor=Decimal("2.583252"),
        )
    )
    md.register_item(
        BookItemIn(
            book_no=book_no,
            item_no=MODULE,
            part_no="MOD-VTX-550",
            hs_code="8541430000",
            name="光伏组件",
            specification="Vertex 550W",
            declared_unit="007",
            first_legal_unit="007",
            first_legal_factor=Decimal(1),
            is_finished_good=True,
        )
    )
    md.register_norm(
        ConsumptionNormIn(
            book_no=book_no,
            finished_item_no=MODULE,
            material_item_no=CELLS,
            version=1,
            net_consumption=Decimal(144),
            loss_rate=Decimal("0.02"),
            effective_from=dt.date(2026, 1, 1),
        )
    )
    for code, name, kind in (
        (WAREHOUSE, "保税仓库一号", "warehouse"),
        (LINE, "组件生产线", "warehouse"),
    ):
        md.add_location(LocationIn(code=code, name=name, kind=kind))
    return Zone(db=db, md=md, book_no=book_no)


# make_zone's master data, for fixtures that start from it and add their own lots and
# postings (tests/support/states.py): written once per worker and backend, not per test.
ZONE = DatabaseState("zone", make_zone)


def stock(lot_no: str, location: str = WAREHOUSE, status: str = "bonded") -> StockRef:
    return StockRef(lot_no=lot_no, location=location, status=CustomsStatus(status))


def outside(party: str) -> OutsideRef:
    return OutsideRef(party=OutsideKind(party))


def leg(
    quantity: str | Decimal,
    source: StockRef | OutsideRef,
    destination: StockRef | OutsideRef,
    *,
    item_no: int = CELLS,
    book_no: str = BOOK,
    unit: str = "007",
) -> Leg:
    return Leg(
        book_no=book_no,
        item_no=item_no,
        unit=unit,
        quantity=Decimal(quantity),
        source=source,
        destination=destination,
    )


def request(
    client_id: str,
    *legs: Leg,
    reserve: bool = False,
    document: str = "QD960126I000000001",
    doc_type: DocumentType = DocumentType.BONDED_LIST,
    lineage: tuple[LineageInput, ...] = (),
) -> MovementRequest:
    return MovementRequest(
        client_id=client_id,
        operation="reserve" if reserve else "post",
        document=DocumentRef(type=doc_type, number=document),
        legs=legs,
        lineage=lineage,
        actor="test",
        reason="test",
        occurred_at=now(),
    )


def resolve(client_id: str, reservation: str, *, post: bool = True) -> ResolveRequest:
    return ResolveRequest(
        client_id=client_id,
        operation="post_pending" if post else "void_pending",
        reservation_client_id=reservation,
        actor="test",
        reason="test",
        occurred_at=now(),
    )


def consumed(output_lot: str, input_lot: str, quantity: str, book_no: str = BOOK) -> LineageInput:
    return LineageInput(
        output=LotRef(book_no=book_no, lot_no=output_lot),
        input=LotRef(book_no=book_no, lot_no=input_lot),
        quantity=Decimal(quantity),
    )
