"""Activities of a bonded processing work order: check against the norms, post once."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from activities.checking import check_work_order
from activities.dependencies import Dependencies
from rules.norms import material_required
from schemas.codes import DocumentType, OutsideKind
from schemas.ledger import (
    DocumentRef,
    Leg,
    LineageInput,
    LotRef,
    MovementRequest,
    OutsideRef,
    StockRef,
)
from schemas.lifecycle import (
    OutputLot,
    WorkOrderCheck,
    WorkOrderCheckInput,
    WorkOrderDraft,
    WorkOrderPostInput,
)
from schemas.masterdata import LotIn


def posting_id(workflow_id: str) -> str:
    return f"{workflow_id}/post"


class ProcessingActivities:
    def __init__(self, deps: Dependencies) -> None:
        self.deps = deps

    def _items(self, book_no: str) -> dict[int, Any]:
        return {item.item_no: item for item in self.deps.masterdata.items(book_no)}

    def check(self, data: WorkOrderCheckInput) -> WorkOrderCheck:
        """The work order against one snapshot of its book on the run's day: items,
        output locations, the material lots' available stock, the norms in force
        (``checks.work_orders``)."""
        return check_work_order(self.deps.database, data.draft, data.tolerance)

    @staticmethod
    def _outputs(draft: WorkOrderDraft) -> list[OutputLot]:
        return [draft.finished, *([draft.defective] if draft.defective else []), *draft.offcuts]

    def post(self, data: WorkOrderPostInput) -> str:
        """One linked posting: materials into processing, outputs out of it, with the
        lineage of every output lot back to the material lots (exactly once)."""
        draft = data.draft
        items = self._items(draft.book_no)
        for output in self._outputs(draft):
            self.deps.masterdata.create_lot(
                LotIn(
                    book_no=draft.book_no,
                    item_no=output.item_no,
                    lot_no=output.lot_no,
                    origin=f"work order {draft.work_order_no}",
                )
            )
        processing = OutsideRef(party=OutsideKind.PROCESSING)
        legs = [
            Leg(
                book_no=draft.book_no,
                item_no=use.item_no,
                unit=items[use.item_no].declared_unit,
                quantity=use.quantity,
                source=StockRef(lot_no=use.lot_no, location=use.location),
                destination=processing,
            )
            for use in draft.materials
        ]
        legs += [
            Leg(
                book_no=draft.book_no,
                item_no=output.item_no,
                unit=items[output.item_no].declared_unit,
                quantity=output.quantity,
                source=processing,
                destination=StockRef(lot_no=output.lot_no, location=output.location),
            )
            for output in self._outputs(draft)
        ]
        self.deps.ledger.execute(
            MovementRequest(
                client_id=posting_id(data.workflow_id),
                document=DocumentRef(type=DocumentType.WORK_ORDER, number=draft.work_order_no),
                legs=tuple(legs),
                lineage=tuple(self._lineage(draft)),
                actor=data.actor,
                reason=data.reason,
                occurred_at=data.at,
            )
        )
        return posting_id(data.workflow_id)

    def _lineage(self, draft: WorkOrderDraft) -> list[LineageInput]:
        """Each output lot names the material lots it used and how much.

        Defective goods take the norm's share of each material, lot by lot in order;
        the finished lot takes the rest. An offcut names the lots of the material it
        was cut from, with their whole consumption.
        """
        book = draft.book_no
        links: list[LineageInput] = []
        defective_share: dict[int, Decimal] = {}
        if draft.defective is not None:
            items_by_id = {i.id: i for i in self.deps.masterdata.items(book)}
            for norm in self.deps.masterdata.norms_in_force(
                book, draft.finished.item_no, draft.produced_on
            ):
                material = items_by_id[norm.material_item_id]
                defective_share[material.item_no] = material_required(
                    draft.defective.quantity, norm.net_consumption, norm.loss_rate
                )
        for use in draft.materials:
            to_defective = min(use.quantity, defective_share.get(use.item_no, Decimal(0)))
            if to_defective:
                defective_share[use.item_no] -= to_defective
                assert draft.defective is not None
                links.append(_link(book, draft.defective.lot_no, use.lot_no, to_defective))
            if use.quantity - to_defective > 0:
                links.append(
                    _link(book, draft.finished.lot_no, use.lot_no, use.quantity - to_defective)
                )
        for offcut in draft.offcuts:
            for use in draft.materials:
                if use.item_no == offcut.from_material:
                    links.append(_link(book, offcut.lot_no, use.lot_no, use.quantity))
        return links


def _link(book_no: str, output: str, input_: str, quantity: Decimal) -> LineageInput:
    return LineageInput(
        output=LotRef(book_no=book_no, lot_no=output),
        input=LotRef(book_no=book_no, lot_no=input_),
        quantity=quantity,
    )
