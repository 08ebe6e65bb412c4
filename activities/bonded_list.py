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
from decimal import ROUND_HALF_UP, Decimal, Inexact

from activities.dependencies import Dependencies
from activities.reservations import reservation_id, resolve_reservation
from activities.taxes import assess, tax_remark
from customs.drafting import (
    BookFacts,
    Draft,
    ItemFacts,
    Party,
    entry_gate_pass,
    entry_list,
)
from ledger import LedgerQueries
from ledger.keys import stock_key
from masterdata import MasterData
from rules.declared_values import expected_total
from rules.units import legal_quantities
from schemas.codes import DocumentType
from schemas.errors import BondflowError, NotFound
from schemas.ledger import DocumentRef, Leg, MovementRequest, OutsideRef, StockRef
from schemas.lifecycle import (
    DomesticSaleDraft,
    EntryDraft,
    ListDraft,
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
from schemas.quantities import places_of
from tariff.rates import TariffTable


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

    # --- validation -----------------------------------------------------------------

    def validate(self, data: ValidateInput | ListDraft) -> ValidationReport:
        """Check the draft against the book on the workflow's business day: registered
        items, units, lots, locations, exact legal quantities, the lots' stock for an
        exit; the CIF value in CNY and, for a domestic sale, both tax bills. (Histories
        recorded before the day was passed send the bare draft: today, then.)"""
        if isinstance(data, ValidateInput):
            return self._validation(data.draft, data.on)
        return self._validation(data, business_day(dt.datetime.now(DOCUMENT_ZONE)))

    def _validation(self, draft: Draft, on: dt.date) -> ValidationReport:
        """Validation's logic, in one place for the family."""
        report = self._check(draft, on)
        if self.policy.checks_stock:
            report = self._check_available(draft, report)
        if self.policy.assesses_taxes:
            assert isinstance(draft, DomesticSaleDraft)
            try:
                taxes = assess(self.deps.masterdata, draft, on, self.tariff)
            except (BondflowError, ValueError) as error:
                problems = (*report.problems, str(error))
                return report.model_copy(update={"ok": False, "problems": problems})
            report = report.model_copy(update={"taxes": taxes})
        return report

    def _check(self, draft: Draft, today: dt.date) -> ValidationReport:
        problems: list[str] = []
        try:
            book, _, items = self._facts(draft)
        except BondflowError as error:
            return ValidationReport(ok=False, problems=(str(error),))
        md = self.deps.masterdata
        first_line_entry = isinstance(draft, EntryDraft)
        inbound = self.policy.direction is Direction.IN
        on = draft.arrival_date if isinstance(draft, EntryDraft) else today
        book_row = md.book(draft.book_no)
        if not book_row.valid_from <= on <= book_row.valid_to:
            problems.append(
                f"book {draft.book_no} is valid {book_row.valid_from} to {book_row.valid_to},"
                f" not on {on}"
            )
        value = Decimal(0)
        for number, line in enumerate(draft.lines, start=1):
            where = f"lines[{number}]"
            item = items.get(line.item_no)
            if item is None:
                problems.append(f"{where}.item_no: book {book.book_no} has no item {line.item_no}")
                continue
            if first_line_entry and item.is_finished_good:
                problems.append(
                    f"{where}.item_no: item {line.item_no} is a finished good, not a material"
                )
            try:
                first, second = legal_quantities(
                    line.quantity, item.first_legal_factor, item.second_legal_factor
                )
                for legal in (first, second):
                    if legal is not None and places_of(legal) > 5:
                        problems.append(
                            f"{where}.quantity: the legal quantity {legal} has more than 5"
                            " places; declare a quantity that converts exactly"
                        )
            except Inexact:
                problems.append(f"{where}.quantity: the legal quantity cannot be computed exactly")
            refusal = md.stock_location_refusal(line.location, draft.book_no)
            if refusal is not None:
                problems.append(f"{where}.location: {refusal}")
            lot = md.lot(draft.book_no, line.lot_no)
            if lot is not None and lot.item_id != self._item_id(draft.book_no, line.item_no):
                problems.append(f"{where}.lot_no: lot {line.lot_no} belongs to another item")
            if lot is None and not inbound:
                problems.append(f"{where}.lot_no: no lot {line.lot_no} in book {draft.book_no}")
            value += expected_total(line.unit_price, line.quantity)
        cif = (value * draft.exchange_rate).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        return ValidationReport(
            ok=not problems,
            problems=tuple(problems),
            cif_cny=cif,
            enterprise_code=book.owner.customs_code,
        )

    def _item_id(self, book_no: str, item_no: int) -> int:
        return next(i.id for i in self.deps.masterdata.items(book_no) if i.item_no == item_no)

    def _check_available(self, draft: Draft, report: ValidationReport) -> ValidationReport:
        """Add a problem for every line whose lot does not hold the goods."""
        problems = list(report.problems)
        queries = LedgerQueries(self.deps.database)
        for number, line in enumerate(draft.lines, start=1):
            key = stock_key(draft.book_no, line.item_no, line.lot_no, line.location, "bonded")
            try:
                available = queries.balance(key).available
            except NotFound:
                available = Decimal(0)
            if available < line.quantity:
                problems.append(
                    f"lines[{number}].quantity: lot {line.lot_no} at {line.location} holds"
                    f" {available} available, {line.quantity} asked"
                )
        return report.model_copy(update={"ok": not problems, "problems": tuple(problems)})

    # --- stock ----------------------------------------------------------------------

    def reserve(self, data: ReserveInput) -> str:
        """Reserve the goods, in full: pending in (待入库) on their lots, created on
        first sight, or pending out (待出库) from them; returns the reservation's
        client id."""
        draft = data.draft
        policy = self.policy
        _, _, items = self._facts(draft)
        if policy.direction is Direction.IN:
            for line in draft.lines:
                self.deps.masterdata.create_lot(
                    LotIn(
                        book_no=draft.book_no,
                        item_no=line.item_no,
                        lot_no=line.lot_no,
                        origin=f"entry {draft.inner_no}",
                    )
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
