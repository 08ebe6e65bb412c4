"""A bonded list's draft against its book (entries, exports, domestic sales): items
registered (a first-line entry brings materials, not finished goods), legal
quantities exact, lots of the right item (and, for goods leaving stock, existing and
holding the goods), locations that may take the goods, the book valid on the day,
the declarant registered; and the CIF value in CNY.

Lines are numbered from 1 in refusals (``lines[1].quantity`` is the first line), as
the timeline has always shown them."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal, Inexact

from rules.declared_values import expected_total
from rules.locations import stock_location_refusal
from rules.units import legal_quantities
from schemas.lifecycle import (
    DomesticSaleDraft,
    EntryDraft,
    ExportDraft,
    ListDraft,
    Refusal,
    SecondLineEntryDraft,
    ValidationReport,
)
from schemas.quantities import places_of
from schemas.snapshots import BookSnapshot, ListSnapshot, Position


def location_refusal(book: BookSnapshot, code: str) -> str | None:
    """Why the book's goods may not be put at ``code`` (one rule: rules.locations)."""
    location = book.locations.get(code)
    return stock_location_refusal(
        code,
        exists=location is not None,
        retired=location is not None and location.retired,
        location_enterprise=None if location is None else location.enterprise_code,
        book_no=book.book_no,
        book_owner=book.owner.customs_code,
    )


def outbound(draft: ListDraft) -> bool:
    """Goods leave bonded stock (the lots must hold them)."""
    return isinstance(draft, ExportDraft | DomesticSaleDraft)


def positions(draft: ListDraft) -> set[Position]:
    """The stock positions an outbound list takes goods from (none for an inbound one)."""
    if not outbound(draft):
        return set()
    return {
        Position(draft.book_no, line.item_no, line.lot_no, line.location) for line in draft.lines
    }


def list_refusals(draft: ListDraft, snapshot: ListSnapshot, on: dt.date) -> tuple[Refusal, ...]:
    """Every refusal of the draft, in the order of its fields and lines. ``on`` is the
    business day the workflow names; a first-line entry is checked on its arrival."""
    book = snapshot.book
    refusals: list[Refusal] = []
    if snapshot.declarant is None:
        refusals.append(
            Refusal(field="declarant_code", reason=f"no enterprise {draft.declarant_code}")
        )
    first_line_entry = isinstance(draft, EntryDraft)
    inbound = isinstance(draft, EntryDraft | SecondLineEntryDraft)
    day = draft.arrival_date if isinstance(draft, EntryDraft) else on
    if not book.valid_from <= day <= book.valid_to:
        refusals.append(
            Refusal(
                field="book_no",
                reason=f"book {book.book_no} is valid {book.valid_from} to {book.valid_to},"
                f" not on {day}",
            )
        )
    for number, line in enumerate(draft.lines, start=1):
        where = f"lines[{number}]"
        item = book.items.get(line.item_no)
        if item is None:
            refusals.append(
                Refusal(
                    field=f"{where}.item_no",
                    reason=f"book {book.book_no} has no item {line.item_no}",
                )
            )
            continue
        if first_line_entry and item.is_finished_good:
            refusals.append(
                Refusal(
                    field=f"{where}.item_no",
                    reason=f"item {line.item_no} is a finished good, not a material",
                )
            )
        try:
            first, second = legal_quantities(
                line.quantity, item.first_legal_factor, item.second_legal_factor
            )
            for legal in (first, second):
                if legal is not None and places_of(legal) > 5:
                    refusals.append(
                        Refusal(
                            field=f"{where}.quantity",
                            reason=f"the legal quantity {legal} has more than 5 places;"
                            " declare a quantity that converts exactly",
                        )
                    )
        except Inexact:
            refusals.append(
                Refusal(
                    field=f"{where}.quantity",
                    reason="the legal quantity cannot be computed exactly",
                )
            )
        refusal = location_refusal(book, line.location)
        if refusal is not None:
            refusals.append(Refusal(field=f"{where}.location", reason=refusal))
        lot = book.lots.get(line.lot_no)
        if lot is not None and lot.item_no != line.item_no:
            refusals.append(
                Refusal(
                    field=f"{where}.lot_no", reason=f"lot {line.lot_no} belongs to another item"
                )
            )
        if lot is None and not inbound:
            refusals.append(
                Refusal(
                    field=f"{where}.lot_no",
                    reason=f"no lot {line.lot_no} in book {draft.book_no}",
                )
            )
    if outbound(draft):
        for number, line in enumerate(draft.lines, start=1):
            position = Position(draft.book_no, line.item_no, line.lot_no, line.location)
            available = snapshot.available.get(position, Decimal(0))
            if available < line.quantity:
                refusals.append(
                    Refusal(
                        field=f"lines[{number}].quantity",
                        reason=f"lot {line.lot_no} at {line.location} holds {available}"
                        f" available, {line.quantity} asked",
                    )
                )
    return tuple(refusals)


def cif_cny(draft: ListDraft, book: BookSnapshot) -> Decimal:
    """The lines' value (of registered items) in CNY at the draft's rate, to the fen."""
    value = sum(
        (
            expected_total(line.unit_price, line.quantity)
            for line in draft.lines
            if line.item_no in book.items
        ),
        Decimal(0),
    )
    return (value * draft.exchange_rate).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def list_report(draft: ListDraft, snapshot: ListSnapshot, on: dt.date) -> ValidationReport:
    """The check's refusals, the CIF value and the book's owner (经营企业)."""
    refusals = list_refusals(draft, snapshot, on)
    return ValidationReport(
        ok=not refusals,
        problems=refusals,
        cif_cny=cif_cny(draft, snapshot.book),
        enterprise_code=snapshot.book.owner.customs_code,
    )
