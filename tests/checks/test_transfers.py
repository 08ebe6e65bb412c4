"""An in-zone transfer's check is a pure function of (draft, snapshot, business day)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

from checks.transfers import transfer_refusals
from schemas.lifecycle import Refusal, TransferDraft, TransferLine
from schemas.snapshots import LocationRecord, PartyRecord, Position, TransferSnapshot
from tests.checks.test_lists import BOOK, CELLS, DAY, GLASS, OWNER, _book, _item

OTHER_BOOK = "T9601W000002"
OTHER = PartyRecord("6301640009", "91630100MA7XN00996", "另一家")


def _draft(*lines: TransferLine) -> TransferDraft:
    return TransferDraft(
        transfer_no="TR-1",
        from_book_no=BOOK,
        to_book_no=OTHER_BOOK,
        declarant_code=OWNER.customs_code,
        lines=lines,
        filed_by="filer",
    )


def _line(to_item_no: int = CELLS, quantity: str = "5", to_location: str = "IN-1") -> TransferLine:
    return TransferLine(
        from_item_no=CELLS,
        from_lot_no="L1",
        from_location="RAW-1",
        to_item_no=to_item_no,
        to_lot_no="R1",
        to_location=to_location,
        quantity=Decimal(quantity),
        unit_price=Decimal("1.0000"),
        currency="142",
    )


def _snapshot(*, receiving_owner: PartyRecord = OTHER, held: str = "10") -> TransferSnapshot:
    receiving = replace(
        _book(locations=(LocationRecord("IN-1", False, None),)),
        book_no=OTHER_BOOK,
        owner=receiving_owner,
        items={
            CELLS: _item(CELLS),
            GLASS: _item(GLASS).model_copy(update={"declared_unit": "035"}),
        },
    )
    return TransferSnapshot(
        giving=_book(),
        receiving=receiving,
        available={Position(BOOK, CELLS, "L1", "RAW-1"): Decimal(held)},
    )


def test_a_transfer_that_fits_is_not_refused() -> None:
    assert transfer_refusals(_draft(_line()), _snapshot(), DAY) == ()


def test_a_transfer_within_one_enterprise_is_refused_on_the_receiving_book() -> None:
    assert transfer_refusals(_draft(_line()), _snapshot(receiving_owner=OWNER), DAY) == (
        Refusal(field="to_book_no", reason="an in-zone transfer is between two enterprises"),
    )


def test_each_line_names_what_does_not_fit() -> None:
    """Given a line to an item of another unit and HS code, more than the lot holds,
    into an unknown location, then each is a refusal of that line."""
    draft = _draft(_line(to_item_no=GLASS, quantity="11", to_location="NOWHERE"))
    assert transfer_refusals(draft, _snapshot(), DAY) == (
        Refusal(field="lines[1]", reason="units differ (007 and 035)"),
        Refusal(field="lines[1].quantity", reason="lot L1 holds 10 available, 11 asked"),
        Refusal(field="lines[1].to_location", reason="no location NOWHERE"),
    )


def test_the_books_must_be_valid_on_the_day_passed_in() -> None:
    late = dt.date(2031, 1, 1)
    assert [r.field for r in transfer_refusals(_draft(_line()), _snapshot(), late)] == [
        "from_book_no",
        "to_book_no",
    ]
