"""A bonded list's check is a pure function of (draft, snapshot, business day): given a
draft and what the database holds, then exactly these refusals. No database, no clock."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from checks.lists import list_refusals, list_report, positions
from schemas.lifecycle import (
    EntryDraft,
    EntryLine,
    ExportDraft,
    ListDraft,
    Refusal,
    SecondLineEntryDraft,
    Vehicle,
)
from schemas.snapshots import (
    BookSnapshot,
    ItemRecord,
    ListSnapshot,
    LocationRecord,
    LotRecord,
    PartyRecord,
    Position,
)

BOOK = "H9601W000001"
OWNER = PartyRecord("6301640001", "91630100MA7XN2B35K", "青海光伏组件有限公司")
AGENT = PartyRecord("6301980002", "91630100MA7XN2C12A", "西宁报关行")
DAY = dt.date(2026, 11, 28)
CELLS, MODULES, GLASS = 1, 2, 3


def _item(item_no: int, *, finished: bool = False, factor: str = "1") -> ItemRecord:
    return ItemRecord(
        item_no=item_no,
        part_no=f"P-{item_no}",
        hs_code="8541420000",
        name=f"item {item_no}",
        specification="",
        declared_unit="007",
        first_legal_unit="007",
        first_legal_factor=Decimal(factor),
        second_legal_unit=None,
        second_legal_factor=None,
        is_finished_good=finished,
    )


def _book(
    *,
    lots: dict[str, int] | None = None,
    locations: tuple[LocationRecord, ...] = (LocationRecord("RAW-1", False, None),),
    valid_to: dt.date = dt.date(2030, 12, 31),
) -> BookSnapshot:
    return BookSnapshot(
        book_no=BOOK,
        valid_from=dt.date(2024, 1, 1),
        valid_to=valid_to,
        district="9601",
        owner=OWNER,
        items={
            CELLS: _item(CELLS),
            MODULES: _item(MODULES, finished=True),
            GLASS: _item(GLASS, factor="0.333333"),
        },
        lots={lot_no: LotRecord(lot_no, item_no) for lot_no, item_no in (lots or {}).items()},
        locations={location.code: location for location in locations},
    )


def _line(
    item_no: int = CELLS, lot_no: str = "L1", quantity: str = "100", **more: str
) -> EntryLine:
    return EntryLine(
        item_no=item_no,
        lot_no=lot_no,
        location=more.get("location", "RAW-1"),
        quantity=Decimal(quantity),
        unit_price=Decimal("0.8125"),
        currency="502",
        origin_country="304",
        gross_weight=Decimal("1"),
        net_weight=Decimal("1"),
    )


VEHICLE = Vehicle(vehicle_no="青A·D2468", vehicle_weight=Decimal("9800"))


def _entry(*lines: EntryLine, arrival: dt.date = DAY) -> EntryDraft:
    return EntryDraft(
        inner_no="IN-1",
        book_no=BOOK,
        declarant_code=AGENT.customs_code,
        supervision_mode="5015",
        departure_country="304",
        arrival_date=arrival,
        exchange_rate=Decimal("7.123400"),
        lines=lines or (_line(),),
        vehicle=VEHICLE,
        filed_by="filer",
    )


def _export(*lines: EntryLine) -> ExportDraft:
    return ExportDraft(
        inner_no="EX-1",
        book_no=BOOK,
        declarant_code=AGENT.customs_code,
        supervision_mode="5015",
        destination_country="304",
        train="X8001",
        exchange_rate=Decimal("7.123400"),
        lines=lines or (_line(MODULES),),
        vehicle=VEHICLE,
        filed_by="filer",
    )


def _second_line(*lines: EntryLine) -> SecondLineEntryDraft:
    return SecondLineEntryDraft(
        inner_no="SL-1",
        book_no=BOOK,
        declarant_code=AGENT.customs_code,
        supplier="SUPPLIER",
        linked_entry_id="960120261000000001",
        exchange_rate=Decimal("1"),
        lines=lines or (_line(),),
        vehicle=VEHICLE,
        filed_by="filer",
    )


def _held(lot_no: str, item_no: int, quantity: str) -> dict[Position, Decimal]:
    return {Position(BOOK, item_no, lot_no, "RAW-1"): Decimal(quantity)}


CASES: list[tuple[str, ListDraft, ListSnapshot, list[Refusal]]] = [
    ("an entry that fits", _entry(), ListSnapshot(_book(), AGENT), []),
    (
        "an unknown declarant",
        _entry(),
        ListSnapshot(_book(), None),
        [Refusal(field="declarant_code", reason=f"no enterprise {AGENT.customs_code}")],
    ),
    (
        "a book expired before the arrival",
        _entry(arrival=dt.date(2031, 1, 2)),
        ListSnapshot(_book(), AGENT),
        [
            Refusal(
                field="book_no",
                reason=f"book {BOOK} is valid 2024-01-01 to 2030-12-31, not on 2031-01-02",
            )
        ],
    ),
    (
        "an item the book lacks: its other checks are skipped",
        _entry(_line(item_no=9, location="NOWHERE")),
        ListSnapshot(_book(), AGENT),
        [Refusal(field="lines[1].item_no", reason=f"book {BOOK} has no item 9")],
    ),
    (
        "a first-line entry of a finished good",
        _entry(_line(item_no=MODULES)),
        ListSnapshot(_book(), AGENT),
        [Refusal(field="lines[1].item_no", reason="item 2 is a finished good, not a material")],
    ),
    (
        "a legal quantity with more than 5 places",
        _entry(_line(item_no=GLASS, quantity="0.5")),
        ListSnapshot(_book(), AGENT),
        [
            Refusal(
                field="lines[1].quantity",
                reason="the legal quantity 0.1666665 has more than 5 places;"
                " declare a quantity that converts exactly",
            )
        ],
    ),
    (
        "a missing, a retired and another enterprise's location, line by line",
        _entry(
            _line(lot_no="L1", location="NOWHERE"),
            _line(lot_no="L2", location="OLD-1"),
            _line(lot_no="L3", location="COLD-1"),
        ),
        ListSnapshot(
            _book(
                locations=(
                    LocationRecord("OLD-1", True, None),
                    LocationRecord("COLD-1", False, "6301000009"),
                )
            ),
            AGENT,
        ),
        [
            Refusal(field="lines[1].location", reason="no location NOWHERE"),
            Refusal(
                field="lines[2].location",
                reason="location OLD-1 is retired and takes no new stock",
            ),
            Refusal(
                field="lines[3].location",
                reason=f"location COLD-1 belongs to enterprise 6301000009, not to"
                f" {OWNER.customs_code} (book {BOOK})",
            ),
        ],
    ),
    (
        "an entry into an existing lot of another item",
        _entry(_line(lot_no="L-GLASS")),
        ListSnapshot(_book(lots={"L-GLASS": GLASS}), AGENT),
        [Refusal(field="lines[1].lot_no", reason="lot L-GLASS belongs to another item")],
    ),
    (
        "a second-line entry into a new lot, the day being the workflow's",
        _second_line(_line(lot_no="NEW")),
        ListSnapshot(_book(), AGENT),
        [],
    ),
    (
        "an export from a lot that holds the goods",
        _export(_line(MODULES, "M1", "100")),
        ListSnapshot(_book(lots={"M1": MODULES}), AGENT, _held("M1", MODULES, "100")),
        [],
    ),
    (
        "an export of more than the lot holds, and from a lot that does not exist",
        _export(_line(MODULES, "M1", "100.5"), _line(MODULES, "M9", "1")),
        ListSnapshot(_book(lots={"M1": MODULES}), AGENT, _held("M1", MODULES, "100")),
        [
            Refusal(field="lines[2].lot_no", reason=f"no lot M9 in book {BOOK}"),
            Refusal(
                field="lines[1].quantity",
                reason="lot M1 at RAW-1 holds 100 available, 100.5 asked",
            ),
            Refusal(field="lines[2].quantity", reason="lot M9 at RAW-1 holds 0 available, 1 asked"),
        ],
    ),
]


@pytest.mark.parametrize(
    ("draft", "snapshot", "expected"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_given_a_draft_and_a_snapshot_then_these_refusals(
    draft: ListDraft, snapshot: ListSnapshot, expected: list[Refusal]
) -> None:
    assert list(list_refusals(draft, snapshot, DAY)) == expected


def test_the_day_is_the_one_passed_in_not_the_clock() -> None:
    """Given a second-line entry on the book's last valid day, when it is checked on
    that day it fits; when a retry is checked on the next day, the book has expired."""
    book = _book(valid_to=DAY)
    draft = _second_line()
    assert list_refusals(draft, ListSnapshot(book, AGENT), DAY) == ()
    assert list_refusals(draft, ListSnapshot(book, AGENT), DAY + dt.timedelta(days=1)) == (
        Refusal(
            field="book_no",
            reason=f"book {BOOK} is valid 2024-01-01 to {DAY}, not on {DAY + dt.timedelta(days=1)}",
        ),
    )


def test_the_report_carries_the_cif_and_the_owner() -> None:
    """Given two lines, then the CIF is their value at the draft's rate, to the fen."""
    report = list_report(
        _entry(_line(quantity="100"), _line(lot_no="L2", quantity="20")),
        ListSnapshot(_book(), AGENT),
        DAY,
    )
    assert report.ok
    assert report.cif_cny == Decimal("694.53")  # 120 x 0.8125 = 97.50 USD x 7.1234
    assert report.enterprise_code == OWNER.customs_code


def test_only_an_outbound_list_reads_stock_positions() -> None:
    assert positions(_entry()) == set()
    assert positions(_export(_line(MODULES, "M1"), _line(MODULES, "M1"))) == {
        Position(BOOK, MODULES, "M1", "RAW-1")
    }
