"""Activities of a first-line exit (export): the same steps as an entry, outbound.

Validation also checks that the lots hold the goods (available = posted - pending
out); the reservation takes them out (pending out, 待出库) towards abroad.
"""

from __future__ import annotations

from temporalio import activity

from activities.checking import draft_and_day
from activities.entry import EntryActivities, reservation_id
from rules.declared_values import expected_total
from schemas.codes import CustomsStatus, DocumentType, OutsideKind
from schemas.ledger import DocumentRef, Leg, MovementRequest, OutsideRef, StockRef
from schemas.lifecycle import (
    ExportDraft,
    ReserveInput,
    ResolveInput,
    SubmitGatePassInput,
    SubmitListInput,
    Submitted,
    ValidateInput,
    ValidationReport,
)


class ExportActivities(EntryActivities):
    @activity.defn(name="export.validate")
    def validate(self, data: ValidateInput | ExportDraft) -> ValidationReport:  # type: ignore[override]
        """The entry's checks, and that every line's lot holds the goods (available =
        posted - pending out), read with the rest in one snapshot."""
        return self._check(*draft_and_day(data))

    @activity.defn(name="export.reserve")
    def reserve(self, data: ReserveInput) -> str:
        return self._reserve_out(data, OutsideKind.ABROAD, "goods declared for export")

    def _reserve_out(self, data: ReserveInput, party: OutsideKind, why: str) -> str:
        draft = data.draft
        _, _, items = self._facts(draft)
        client_id = reservation_id(data.workflow_id, data.change_count)
        legs = tuple(
            Leg(
                book_no=draft.book_no,
                item_no=line.item_no,
                unit=items[line.item_no].declared_unit,
                quantity=line.quantity,
                source=StockRef(
                    lot_no=line.lot_no, location=line.location, status=CustomsStatus.BONDED
                ),
                destination=OutsideRef(party=party),
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
                reason=f"{draft.inner_no}: {why}",
                occurred_at=data.at,
            )
        )
        return client_id

    @activity.defn(name="export.resolve")
    def resolve(self, data: ResolveInput) -> str:
        return super().resolve(data)

    @activity.defn(name="export.submit_list")
    def submit_list(self, data: SubmitListInput) -> Submitted:
        return super().submit_list(data)

    @activity.defn(name="export.submit_gate_pass")
    def submit_gate_pass(self, data: SubmitGatePassInput) -> Submitted:
        return super().submit_gate_pass(data)
