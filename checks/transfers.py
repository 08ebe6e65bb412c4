"""An in-zone transfer's draft against both books: two enterprises, the same item
(unit and HS code) on both sides, the giving lots holding the goods, receiving
locations that may take them, both books valid on the day."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from checks.lists import location_refusal
from schemas.lifecycle import Refusal, TransferDraft, ValidationReport
from schemas.snapshots import Position, TransferSnapshot


def positions(draft: TransferDraft) -> set[Position]:
    """The giving positions (bonded stock of the giving book)."""
    return {
        Position(draft.from_book_no, line.from_item_no, line.from_lot_no, line.from_location)
        for line in draft.lines
    }


def transfer_refusals(
    draft: TransferDraft, snapshot: TransferSnapshot, on: dt.date
) -> tuple[Refusal, ...]:
    giving, receiving = snapshot.giving, snapshot.receiving
    refusals: list[Refusal] = []
    if giving.owner.customs_code == receiving.owner.customs_code:
        refusals.append(
            Refusal(field="to_book_no", reason="an in-zone transfer is between two enterprises")
        )
    for field, book in (("from_book_no", giving), ("to_book_no", receiving)):
        if not book.valid_from <= on <= book.valid_to:
            refusals.append(
                Refusal(
                    field=field,
                    reason=f"book {book.book_no} is valid {book.valid_from} to {book.valid_to},"
                    f" not on {on}",
                )
            )
    for number, line in enumerate(draft.lines, start=1):
        where = f"lines[{number}]"
        source = giving.items.get(line.from_item_no)
        target = receiving.items.get(line.to_item_no)
        if source is None or target is None:
            refusals.append(Refusal(field=where, reason="both books must have the items named"))
            continue
        if source.declared_unit != target.declared_unit:
            refusals.append(
                Refusal(
                    field=where,
                    reason=f"units differ ({source.declared_unit} and {target.declared_unit})",
                )
            )
        if source.hs_code != target.hs_code:
            refusals.append(
                Refusal(field=where, reason=f"HS codes differ ({source.hs_code}, {target.hs_code})")
            )
        position = Position(
            draft.from_book_no, line.from_item_no, line.from_lot_no, line.from_location
        )
        available = snapshot.available.get(position, Decimal(0))
        if available < line.quantity:
            refusals.append(
                Refusal(
                    field=f"{where}.quantity",
                    reason=f"lot {line.from_lot_no} holds {available} available,"
                    f" {line.quantity} asked",
                )
            )
        refusal = location_refusal(receiving, line.to_location)
        if refusal is not None:
            refusals.append(Refusal(field=f"{where}.to_location", reason=refusal))
    return tuple(refusals)


def transfer_report(
    draft: TransferDraft, snapshot: TransferSnapshot, on: dt.date
) -> ValidationReport:
    refusals = transfer_refusals(draft, snapshot, on)
    return ValidationReport(
        ok=not refusals,
        problems=refusals,
        enterprise_code=snapshot.giving.owner.customs_code,
    )
