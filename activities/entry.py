"""Activities of a first-line entry: validate, reserve, file, post or void.

Idempotency keys are derived from the workflow id (the business id) and the step,
never from run ids: a retried workflow means the same movements.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from temporalio import activity

from activities.checking import check_list, draft_and_day
from activities.dependencies import Dependencies
from customs.drafting import (
    BookFacts,
    Draft,
    ItemFacts,
    Party,
    entry_gate_pass,
    entry_list,
)
from masterdata import MasterData
from rules.declared_values import expected_total
from schemas.codes import CustomsStatus, DocumentType, OutsideKind
from schemas.ledger import DocumentRef, Leg, MovementRequest, OutsideRef, ResolveRequest, StockRef
from schemas.lifecycle import (
    EntryDraft,
    ReserveInput,
    ResolveInput,
    SubmitGatePassInput,
    SubmitListInput,
    Submitted,
    ValidateInput,
    ValidationReport,
)
from schemas.masterdata import LotIn
from schemas.messages.codes import DeclarationKind


def item_facts(md: MasterData, book_no: str) -> dict[int, ItemFacts]:
    """The book's registered items as the messages need them, by item number."""
    return {
        item.item_no: ItemFacts(
            item_no=item.item_no,
            part_no=item.part_no,
            hs_code=item.hs_code,
            name=item.name,
            specification=item.specification,
            declared_unit=item.declared_unit,
            first_legal_unit=item.first_legal_unit,
            first_legal_factor=item.first_legal_factor,
            second_legal_unit=item.second_legal_unit,
            second_legal_factor=item.second_legal_factor,
            is_finished_good=item.is_finished_good,
        )
        for item in md.items(book_no)
    }


def reservation_id(workflow_id: str, change_count: int) -> str:
    return f"{workflow_id}/reserve/c{change_count}"


class EntryActivities:
    """Bound to the worker's dependencies; registered as activities by method."""

    def __init__(self, deps: Dependencies) -> None:
        self.deps = deps

    # --- facts ----------------------------------------------------------------------

    def _facts(self, draft: Draft) -> tuple[BookFacts, Party, dict[int, ItemFacts]]:
        md = self.deps.masterdata
        book = md.book(draft.book_no)
        owner = md.owner_of(draft.book_no)
        declarant = md.enterprise(draft.declarant_code)
        items = item_facts(md, draft.book_no)
        facts = BookFacts(
            book_no=book.book_no,
            district=book.customs_district,
            owner=Party(owner.customs_code, owner.credit_code, owner.name),
        )
        return facts, Party(declarant.customs_code, declarant.credit_code, declarant.name), items

    @activity.defn(name="entry.validate")
    def validate(self, data: ValidateInput | EntryDraft) -> ValidationReport:
        """Check the draft against the book: registered items, units, lots, locations,
        exact legal quantities; and compute the CIF value in CNY."""
        return self._check(*draft_and_day(data))

    def _check(self, draft: Draft, on: dt.date) -> ValidationReport:
        """The draft against one snapshot of its book on the business day ``on``."""
        return check_list(self.deps.database, draft, on)

    # --- stock ----------------------------------------------------------------------

    @activity.defn(name="entry.reserve")
    def reserve(self, data: ReserveInput) -> str:
        """Reserve the incoming goods (pending in, 待入库) on their lots; returns the
        reservation's client id. Lots are created on first sight."""
        return self._reserve_in(
            data,
            OutsideKind.ABROAD,
            CustomsStatus.BONDED,
            f"first-line entry {data.draft.inner_no}: goods declared, awaiting the gate",
        )

    def _reserve_in(
        self, data: ReserveInput, party: OutsideKind, status: CustomsStatus, why: str
    ) -> str:
        draft = data.draft
        _, _, items = self._facts(draft)
        self.deps.masterdata.create_lots(
            [
                LotIn(
                    book_no=draft.book_no,
                    item_no=line.item_no,
                    lot_no=line.lot_no,
                    origin=f"entry {draft.inner_no}",
                )
                for line in draft.lines
            ]
        )
        client_id = reservation_id(data.workflow_id, data.change_count)
        legs = tuple(
            Leg(
                book_no=draft.book_no,
                item_no=line.item_no,
                unit=items[line.item_no].declared_unit,
                quantity=line.quantity,
                source=OutsideRef(party=party),
                destination=StockRef(lot_no=line.lot_no, location=line.location, status=status),
                amount=expected_total(line.unit_price, line.quantity),
                currency=line.currency,
            )
            for line in draft.lines
        )
        self.deps.ledger.execute(
            MovementRequest(
                client_id=client_id,
                operation="reserve",
                document=DocumentRef(type=DocumentType.BONDED_LIST, number=draft.inner_no),
                legs=legs,
                actor=data.actor,
                reason=why,
                occurred_at=data.at,
            )
        )
        return client_id

    @activity.defn(name="entry.resolve")
    def resolve(self, data: ResolveInput) -> str:
        """Post (through the gate and on the book) or void (deleted, refused) a
        reservation, in full; returns the resolution's client id."""
        verb = "post" if data.post else "void"
        client_id = f"{data.reservation_client_id}/{verb}"
        self.deps.ledger.resolve(
            ResolveRequest(
                client_id=client_id,
                operation="post_pending" if data.post else "void_pending",
                reservation_client_id=data.reservation_client_id,
                actor=data.actor,
                reason=data.reason,
                occurred_at=data.at,
                lineage=data.lineage,
            )
        )
        return client_id

    # --- filing ---------------------------------------------------------------------

    @activity.defn(name="entry.submit_list")
    def submit_list(self, data: SubmitListInput) -> Submitted:
        book, declarant, items = self._facts(data.draft)
        upload = entry_list(
            data.draft,
            book=book,
            declarant=declarant,
            items=items,
            change_count=data.change_count,
            kind=DeclarationKind.DELETE if data.delete else DeclarationKind.FILE,
            at=data.at,
            seq_no=data.seq_no,
            list_no=data.list_no,
        )
        submitted = self.deps.gateway.submit(upload, workflow_id=data.workflow_id)
        return Submitted(file_name=submitted.file_name, again=submitted.again)

    @activity.defn(name="entry.submit_gate_pass")
    def submit_gate_pass(self, data: SubmitGatePassInput) -> Submitted:
        book, declarant, items = self._facts(data.draft)
        upload = entry_gate_pass(
            data.draft,
            book=book,
            declarant=declarant,
            items=items,
            list_no=data.list_no,
            at=data.at,
        )
        submitted = self.deps.gateway.submit(upload, workflow_id=data.workflow_id)
        return Submitted(file_name=submitted.file_name, again=submitted.again)

    def all(self) -> list[Callable[..., Any]]:
        return [
            self.validate,
            self.reserve,
            self.resolve,
            self.submit_list,
            self.submit_gate_pass,
        ]
