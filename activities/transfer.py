"""Activities of an in-zone transfer (区内流转) between two enterprises' books.

One reservation holds both sides (pending out on the giving lots, pending in on the
receiving lots, through the zone_transfer accounts of each book), so posting it
moves both at once or neither. Both sides carry the transfer's number as their
document, and the posting records a lineage link from each receiving lot to its
giving lot, which is how a trace crosses from one enterprise's book to the other's.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from activities.checking import check_transfer, draft_and_day
from activities.dependencies import Dependencies
from activities.reservations import resolve_reservation
from customs.drafting import BookFacts, transfer_list
from masterdata.snapshot import item_records, party
from rules.declared_values import expected_total
from schemas.codes import DocumentType, OutsideKind
from schemas.ledger import (
    DocumentRef,
    Leg,
    MovementRequest,
    OutsideRef,
    StockRef,
)
from schemas.lifecycle import (
    ResolveInput,
    Submitted,
    TransferDraft,
    TransferReserveInput,
    TransferSideInput,
    TransferValidateInput,
    ValidationReport,
)
from schemas.masterdata import LotIn
from schemas.messages.codes import DeclarationKind


class TransferActivities:
    def __init__(self, deps: Dependencies) -> None:
        self.deps = deps

    def _book(self, book_no: str) -> tuple[BookFacts, dict[int, Any]]:
        md = self.deps.masterdata
        book = md.book(book_no)
        owner = md.owner_of(book_no)
        facts = BookFacts(
            book_no=book.book_no,
            district=book.customs_district,
            owner=party(owner),
        )
        return facts, {item.item_no: item for item in md.items(book_no)}

    def validate(self, data: TransferValidateInput | TransferDraft) -> ValidationReport:
        """Both books, from one snapshot, on the workflow's business day
        (``checks.transfers``): two enterprises, the same items (unit, HS code) on both
        sides, the giving lots' stock, the receiving locations, both books valid.
        (Histories recorded before the day was passed send the bare draft.)"""
        draft, on = draft_and_day(data)
        return self._validation(draft, on)

    def _validation(self, draft: TransferDraft, on: dt.date) -> ValidationReport:
        """Validation's logic, in one place for the family."""
        return check_transfer(self.deps.database, draft, on)

    def reserve(self, data: TransferReserveInput) -> str:
        draft = data.draft
        _, giving_items = self._book(draft.from_book_no)
        self.deps.masterdata.create_lots(
            [
                LotIn(
                    book_no=draft.to_book_no,
                    item_no=line.to_item_no,
                    lot_no=line.to_lot_no,
                    origin=f"transfer {draft.transfer_no} from {draft.from_book_no}",
                )
                for line in draft.lines
            ]
        )
        legs: list[Leg] = []
        for line in draft.lines:
            unit = giving_items[line.from_item_no].declared_unit
            amount = expected_total(line.unit_price, line.quantity)
            legs.append(
                Leg(
                    book_no=draft.from_book_no,
                    item_no=line.from_item_no,
                    unit=unit,
                    quantity=line.quantity,
                    source=StockRef(lot_no=line.from_lot_no, location=line.from_location),
                    destination=OutsideRef(party=OutsideKind.ZONE_TRANSFER),
                    amount=amount,
                    currency=line.currency,
                )
            )
            legs.append(
                Leg(
                    book_no=draft.to_book_no,
                    item_no=line.to_item_no,
                    unit=unit,
                    quantity=line.quantity,
                    source=OutsideRef(party=OutsideKind.ZONE_TRANSFER),
                    destination=StockRef(lot_no=line.to_lot_no, location=line.to_location),
                    amount=amount,
                    currency=line.currency,
                )
            )
        client_id = f"{data.workflow_id}/reserve"
        if data.change_count:
            client_id = f"{client_id}/{data.change_count}"
        self.deps.ledger.execute(
            MovementRequest(
                client_id=client_id,
                operation="reserve",
                document=DocumentRef(type=DocumentType.BONDED_LIST, number=draft.transfer_no),
                legs=tuple(legs),
                actor=data.actor,
                reason=f"in-zone transfer {draft.transfer_no}: both lists filed",
                occurred_at=data.at,
            )
        )
        return client_id

    def resolve(self, data: ResolveInput) -> str:
        return resolve_reservation(self.deps.ledger, data)

    def submit_list(self, data: TransferSideInput) -> Submitted:
        draft = data.draft
        outbound = data.side == "out"
        book_no = draft.from_book_no if outbound else draft.to_book_no
        partner_no = draft.to_book_no if outbound else draft.from_book_no
        book, _ = self._book(book_no)
        partner, _ = self._book(partner_no)
        declarant = self.deps.masterdata.enterprise(draft.declarant_code)
        facts = item_records(self.deps.masterdata.items(book_no))
        upload = transfer_list(
            draft,
            side=data.side,
            book=book,
            partner=partner,
            declarant=party(declarant),
            items=facts,
            at=data.at,
            related_list_no=data.related_list_no,
            change_count=data.change_count,
            kind=DeclarationKind.DELETE if data.delete else DeclarationKind.FILE,
            seq_no=data.seq_no,
            list_no=data.list_no,
        )
        submitted = self.deps.gateway.submit(upload, workflow_id=data.workflow_id)
        return Submitted(file_name=submitted.file_name, again=submitted.again)
