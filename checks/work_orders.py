"""A bonded processing work order (保税加工工单) against its book on the run's day: the
finished item a finished good of the book, defective goods (残次品) of that same item,
offcuts (边角料) registered items, every output at a location that may take the
book's goods, every material lot holding what the run used, every material under a
norm (单耗) in force; then each material's consumption against its norm, a deviation
beyond the tolerance being for a liaison to approve (not a refusal).

Offcuts and materials are numbered from 1 in refusals (``offcuts[1].item_no``), as the
lists' lines are."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from checks.lists import location_refusal
from rules.consumption import check_consumption
from schemas.lifecycle import NormDeviationView, Refusal, WorkOrderCheck, WorkOrderDraft
from schemas.snapshots import Position, WorkOrderSnapshot


def positions(draft: WorkOrderDraft) -> set[Position]:
    """The stock positions the run's materials are taken from (bonded stock)."""
    return {
        Position(draft.book_no, use.item_no, use.lot_no, use.location) for use in draft.materials
    }


def made(draft: WorkOrderDraft) -> Decimal:
    """What the run made of the finished item, good and defective alike."""
    return draft.finished.quantity + (draft.defective.quantity if draft.defective else 0)


def _output_refusals(draft: WorkOrderDraft, snapshot: WorkOrderSnapshot) -> list[Refusal]:
    """The finished item, the defective goods and offcuts, and where each output goes."""
    book = snapshot.book
    refusals: list[Refusal] = []
    finished = book.items.get(draft.finished.item_no)
    if finished is None:
        refusals.append(
            Refusal(
                field="finished.item_no",
                reason=f"book {book.book_no} has no item {draft.finished.item_no}",
            )
        )
    elif not finished.is_finished_good:
        refusals.append(
            Refusal(
                field="finished.item_no",
                reason=f"item {draft.finished.item_no} is not a finished good",
            )
        )
    outputs = [("finished", draft.finished)]
    if draft.defective is not None:
        outputs.append(("defective", draft.defective))
        if draft.defective.item_no != draft.finished.item_no:
            refusals.append(
                Refusal(
                    field="defective.item_no",
                    reason="defective goods are the finished item"
                    f" ({draft.finished.item_no}), not item {draft.defective.item_no}",
                )
            )
    for number, offcut in enumerate(draft.offcuts, start=1):
        where = f"offcuts[{number}]"
        outputs.append((where, offcut))
        if offcut.item_no not in book.items:
            refusals.append(
                Refusal(
                    field=f"{where}.item_no",
                    reason=f"book {book.book_no} has no item {offcut.item_no}",
                )
            )
    for where, output in outputs:
        refusal = location_refusal(book, output.location)
        if refusal is not None:
            refusals.append(Refusal(field=f"{where}.location", reason=refusal))
    return refusals


def _material_refusals(draft: WorkOrderDraft, snapshot: WorkOrderSnapshot) -> list[Refusal]:
    """Each material line: an item under a norm in force, a lot holding what it used."""
    book = snapshot.book
    refusals: list[Refusal] = []
    named: set[int] = set()
    for number, use in enumerate(draft.materials, start=1):
        where = f"materials[{number}]"
        if use.item_no not in named:  # one refusal per item, on its first line
            named.add(use.item_no)
            if use.item_no not in book.items:
                refusals.append(
                    Refusal(
                        field=f"{where}.item_no",
                        reason=f"book {book.book_no} has no item {use.item_no}",
                    )
                )
            elif use.item_no not in snapshot.norms:
                refusals.append(
                    Refusal(
                        field=f"{where}.item_no",
                        reason=f"item {use.item_no} has no norm for item"
                        f" {snapshot.finished_item_no} in force on {snapshot.norms_on}",
                    )
                )
        position = Position(draft.book_no, use.item_no, use.lot_no, use.location)
        available = snapshot.available.get(position, Decimal(0))
        if available < use.quantity:
            refusals.append(
                Refusal(
                    field=f"{where}.quantity",
                    reason=f"lot {use.lot_no} at {use.location} holds {available}"
                    f" available, {use.quantity} used",
                )
            )
    return refusals


def work_order_refusals(draft: WorkOrderDraft, snapshot: WorkOrderSnapshot) -> tuple[Refusal, ...]:
    """Every refusal of the draft, outputs first, then the materials in order. The
    materials are held to norms only when the finished item is one."""
    refusals = _output_refusals(draft, snapshot)
    finished = snapshot.book.items.get(draft.finished.item_no)
    if finished is not None and finished.is_finished_good:
        refusals += _material_refusals(draft, snapshot)
    return tuple(refusals)


def norm_deviations(
    draft: WorkOrderDraft, snapshot: WorkOrderSnapshot, tolerance: Decimal
) -> tuple[NormDeviationView, ...]:
    """Each material whose consumption lies outside its norm by more than the
    tolerance, either way (a material under a norm that the run did not use at all
    included), by material item number."""
    used: dict[int, Decimal] = defaultdict(Decimal)
    for use in draft.materials:
        used[use.item_no] += use.quantity
    deviations = []
    for material_item_no, norm in sorted(snapshot.norms.items()):
        result = check_consumption(
            material_item_no,
            made(draft),
            norm.net_consumption,
            norm.loss_rate,
            used.get(material_item_no, Decimal(0)),
            tolerance,
        )
        if not result.within:
            deviations.append(
                NormDeviationView(
                    material_item_no=result.material_item_no,
                    required=result.required,
                    actual=result.actual,
                    deviation=result.deviation,
                )
            )
    return tuple(deviations)


def work_order_check(
    draft: WorkOrderDraft, snapshot: WorkOrderSnapshot, tolerance: Decimal
) -> WorkOrderCheck:
    """The refusals, the deviations from the norms (the workflow weighs them only when
    nothing is refused) and the book's owner (经营企业)."""
    refusals = work_order_refusals(draft, snapshot)
    return WorkOrderCheck(
        ok=not refusals,
        problems=refusals,
        deviations=norm_deviations(draft, snapshot, tolerance),
        enterprise_code=snapshot.book.owner.customs_code,
    )
