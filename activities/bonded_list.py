"""Activities of the bonded-list lifecycles (first-line entry, second-line entry,
export, domestic sale): validate, reserve, resolve, file the list, file the gate pass.

One class, one instance per lifecycle: its ``ListActivityPolicy`` (from the
lifecycle's ``KINDS`` entry) says which way the goods go, to or from whom, whether
the lots must hold them and whether duties are assessed. ``activities.registry``
registers each instance's methods under the lifecycle's names (``entry.reserve``,
``export.reserve``...), the names recorded histories hold.

Idempotency keys are derived from the workflow id (the business id) and the step,
never from run ids: a retried workflow means the same movements.
"""

from __future__ import annotations

import datetime as dt

from activities.checking import check_list, draft_and_day, refused
from activities.dependencies import Dependencies
from activities.reservations import reservation_id, resolve_reservation
from activities.taxes import assess, tax_remark
from customs.drafting import BookFacts, Draft, entry_gate_pass, entry_list
from masterdata.snapshot import book_items, filing_facts
from rules.declared_values import expected_total
from schemas.codes import DocumentType
from schemas.errors import BondflowError
from schemas.ledger import DocumentRef, Leg, MovementRequest, OutsideRef, StockRef
from schemas.lifecycle import (
    WHOLE_DRAFT,
    DomesticSaleDraft,
    ListDraft,
    Refusal,
    ReserveInput,
    ResolveInput,
    SubmitGatePassInput,
    SubmitListInput,
    Submitted,
    ValidateInput,
    ValidationReport,
)
from schemas.list_policy import Direction, ListActivityPolicy
from schemas.masterdata import LotIn
from schemas.messages.codes import DeclarationKind
from schemas.messages.fields import DOCUMENT_ZONE
from schemas.snapshots import ItemRecord, PartyRecord
from tariff.rates import TariffTable


def _item_nos(draft: Draft) -> set[int]:
    return {line.item_no for line in draft.lines}


def business_day(at: dt.datetime) -> dt.date:
    """The Beijing date of a moment: the day documents are dated."""
    return at.astimezone(DOCUMENT_ZONE).date()


class BondedListActivities:
    """Bound to the worker's dependencies and one lifecycle's policy."""

    def __init__(
        self, deps: Dependencies, policy: ListActivityPolicy, tariff: TariffTable | None = None
    ) -> None:
        self.deps = deps
        self.policy = policy
        self.tariff = tariff  # domestic sales: the packaged tariff unless given

    # --- facts ----------------------------------------------------------------------

    def _facts(self, draft: Draft) -> tuple[BookFacts, PartyRecord, dict[int, ItemRecord]]:
        """The book, its owner, the declarant and the items the lines name: one read."""
        with self.deps.database.reading() as session:
            found = filing_facts(session, draft.book_no, draft.declarant_code, _item_nos(draft))
        facts = BookFacts(book_no=found.book_no, district=found.district, owner=found.owner)
        return facts, found.declarant, found.items

    def _items(self, draft: Draft) -> dict[int, ItemRecord]:
        """The items the lines name."""
        with self.deps.database.reading() as session:
            return book_items(session, draft.book_no, _item_nos(draft))

    # --- validation -----------------------------------------------------------------

    def validate(self, data: ValidateInput | ListDraft) -> ValidationReport:
        """Check the draft against one snapshot of its book on the workflow's business
        day (``checks.lists``): registered items, units, lots, locations, exact legal
        quantities, the lots' stock for an exit; the CIF value in CNY and, for a
        domestic sale, both tax bills on the same day. (Histories recorded before the
        day was passed send the bare draft: the day of the activity's scheduling.)"""
        draft, on = draft_and_day(data)
        return self._validation(draft, on)  # type: ignore[arg-type]

    def _validation(self, draft: Draft, on: dt.date) -> ValidationReport:
        """Validation's logic, in one place for the family."""
        report = check_list(self.deps.database, draft, on)
        if not self.policy.assesses_taxes:
            return report
        assert isinstance(draft, DomesticSaleDraft)
        try:
            taxes = assess(self.deps.masterdata, draft, on, self.tariff)
        except BondflowError as error:
            problems = (*report.problems, refused(error))
            return report.model_copy(update={"ok": False, "problems": problems})
        except ValueError as error:
            problems = (*report.problems, Refusal(field=WHOLE_DRAFT, reason=str(error)))
            return report.model_copy(update={"ok": False, "problems": problems})
        return report.model_copy(update={"taxes": taxes})

    def reserve(self, data: ReserveInput) -> str:
        """Reserve the goods, in full: pending in (待入库) on their lots, created on
        first sight, or pending out (待出库) from them; returns the reservation's
        client id."""
        draft = data.draft
        policy = self.policy
        items = self._items(draft)
        if policy.direction is Direction.IN:
            # The filing's lots in one transaction: all of them or none.
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
        outside = OutsideRef(party=policy.outside)
        legs = []
        for line in draft.lines:
            stock = StockRef(lot_no=line.lot_no, location=line.location, status=policy.status)
            inbound = policy.direction is Direction.IN
            legs.append(
                Leg(
                    book_no=draft.book_no,
                    item_no=line.item_no,
                    unit=items[line.item_no].declared_unit,
                    quantity=line.quantity,
                    source=outside if inbound else stock,
                    destination=stock if inbound else outside,
                    amount=expected_total(line.unit_price, line.quantity),
                    currency=line.currency,
                )
            )
        client_id = reservation_id(data.workflow_id, data.change_count)
        self.deps.ledger.execute(
            MovementRequest(
                client_id=client_id,
                operation="reserve",
                document=DocumentRef(type=DocumentType.BONDED_LIST, number=draft.inner_no),
                legs=tuple(legs),
                actor=data.actor,
                reason=policy.reserve_why(draft.inner_no),
                occurred_at=data.at,
            )
        )
        return client_id

    def resolve(self, data: ResolveInput) -> str:
        """Post (through the gate and on the book) or void (deleted, refused) the
        reservation, in full; returns the resolution's client id."""
        return resolve_reservation(self.deps.ledger, data)

    # --- filing ---------------------------------------------------------------------

    def submit_list(self, data: SubmitListInput) -> Submitted:
        """The INV101 (a deletion with DclTypecd 3); a domestic sale's carries the tax
        bill of the day it is filed in its remark."""
        draft = data.draft
        book, declarant, items = self._facts(draft)
        remark = None
        if self.policy.assesses_taxes:
            assert isinstance(draft, DomesticSaleDraft)
            taxes = assess(self.deps.masterdata, draft, business_day(data.at), self.tariff)
            remark = tax_remark(taxes, draft.buyer)
        upload = entry_list(
            draft,
            book=book,
            declarant=declarant,
            items=items,
            change_count=data.change_count,
            kind=DeclarationKind.DELETE if data.delete else DeclarationKind.FILE,
            at=data.at,
            seq_no=data.seq_no,
            list_no=data.list_no,
            remark=remark,
        )
        submitted = self.deps.gateway.submit(upload, workflow_id=data.workflow_id)
        return Submitted(file_name=submitted.file_name, again=submitted.again)

    def submit_gate_pass(self, data: SubmitGatePassInput) -> Submitted:
        """The SAS121 for the vehicle: one list, one vehicle."""
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
