"""Bonded processing work orders on the dev server: the norm decides, the liaison
approves deviations, and one posting moves materials, outputs and lineage."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from temporalio.client import WorkflowHandle, WorkflowUpdateFailedError

from demo import ids
from ledger import LedgerQueries
from schemas.lifecycle import (
    Decision,
    EntryResult,
    MaterialUse,
    OutputLot,
    Role,
    Stage,
    WorkOrderDraft,
    WorkOrderInput,
)
from tests.workflows.conftest import Zone, keep_history

pytestmark = pytest.mark.asyncio(loop_scope="session")

# What 10 modules take by the norms in force (144 cells at 0.3 % loss, and so on).
BY_NORM = {
    ids.CELLS: (ids.CELL_LOT_1, "1444.333"),
    ids.GLASS: (ids.GLASS_LOT, "10.02004"),
    ids.EVA: (ids.EVA_LOT, "23.71134"),
    ids.FRAMES: (ids.FRAME_LOT, "10.01001"),
    ids.BACKSHEET: (ids.BACKSHEET_LOT, "9.28571"),
    ids.JUNCTION_BOX: (ids.JUNCTION_BOX_LOT, "10"),
}


def work_order(number: str, *, cells: str | None = None) -> WorkOrderDraft:
    materials = []
    for item_no, (lot, quantity) in BY_NORM.items():
        used = cells if (item_no == ids.CELLS and cells is not None) else quantity
        materials.append(
            MaterialUse(item_no=item_no, lot_no=lot, location=ids.RAW_BIN, quantity=Decimal(used))
        )
    return WorkOrderDraft(
        work_order_no=number,
        book_no=ids.SOLAR_BOOK,
        produced_on=dt.date(2026, 11, 20),
        finished=OutputLot(
            item_no=ids.MODULE,
            lot_no=f"{number}-M",
            location=ids.FINISHED_GOODS,
            quantity=Decimal(9),
        ),
        defective=OutputLot(
            item_no=ids.MODULE, lot_no=f"{number}-D", location=ids.PLANT, quantity=Decimal(1)
        ),
        offcuts=(
            OutputLot(
                item_no=ids.GLASS_CULLET,
                lot_no=f"{number}-GC",
                location=ids.PLANT,
                quantity=Decimal("5.2"),
                from_material=ids.GLASS,
            ),
        ),
        materials=tuple(materials),
        filed_by="planner-zhao",
    )


async def _start(zone: Zone, draft: WorkOrderDraft) -> WorkflowHandle[Any, EntryResult]:
    return await zone.client.start_workflow(
        "WorkOrder",
        WorkOrderInput(draft=draft),
        id=f"work-order-{draft.work_order_no}-{zone.task_queue}",
        task_queue=zone.task_queue,
        result_type=EntryResult,
    )


def _posted(zone: Zone, lot_no: str) -> Decimal:
    rows = LedgerQueries(zone.db).balances(book_no=ids.SOLAR_BOOK, lot_no=lot_no)
    return sum((row.posted for row in rows), Decimal(0))


async def test_a_run_within_the_norm_posts_outputs_with_their_lineage(zone: Zone) -> None:
    """Given 10 modules made with exactly the norms' materials, then without anyone's
    approval the materials leave their lots, 9 good and 1 defective module and 5.2 kg
    of cullet appear, and the good lot traces back to every material lot."""
    cells_before = _posted(zone, ids.CELL_LOT_1)
    handle = await _start(zone, work_order("WO-2611-001"))

    result = await handle.result()
    await keep_history(handle, "work_order_completed")

    assert result.stage is Stage.COMPLETED
    assert _posted(zone, "WO-2611-001-M") == Decimal(9)
    assert _posted(zone, "WO-2611-001-D") == Decimal(1)
    assert _posted(zone, "WO-2611-001-GC") == Decimal("5.2")
    assert _posted(zone, ids.CELL_LOT_1) == cells_before - Decimal("1444.333")
    trace = LedgerQueries(zone.db).trace_backward(ids.SOLAR_BOOK, "WO-2611-001-M")
    inputs = {link.lot.lot_no: link.quantity for link in trace.links}
    assert set(inputs) == {lot for lot, _ in BY_NORM.values()}
    # One module in ten was defective: it took the norm's share of each material.
    assert inputs[ids.JUNCTION_BOX_LOT] == Decimal(9)
    # ... and each material lot traces back to the entry list that brought it in.
    cells = next(link.lot for link in trace.links if link.lot.lot_no == ids.CELL_LOT_1)
    assert any(step.document is not None for step in cells.steps)


async def test_consumption_outside_the_norm_waits_for_the_liaisons_approval(zone: Zone) -> None:
    handle = await _start(zone, work_order("WO-2611-002", cells="1600"))
    status = await zone.reach(handle, Stage.NORM_DEVIATION)
    assert status.waiting_for is Role.LIAISON
    assert any("used 1600" in entry.note for entry in status.timeline)
    assert _posted(zone, "WO-2611-002-M") == 0

    with pytest.raises(WorkflowUpdateFailedError):
        await handle.execute_update(
            "approve_deviation", Decision(actor="planner-zhao", role=Role.FILER, reason="ok")
        )
    await handle.execute_update(
        "approve_deviation",
        Decision(actor="liaison-wang", role=Role.LIAISON, reason="新批次电池片碎片率偏高，已核实"),
    )
    result = await handle.result()
    await keep_history(handle, "work_order_deviation_approved")

    assert result.stage is Stage.COMPLETED
    assert _posted(zone, "WO-2611-002-M") == Decimal(9)
    notes = [entry.note for entry in (await zone.status(handle)).timeline]
    assert "approved: 新批次电池片碎片率偏高，已核实" in notes


async def test_a_work_order_drawing_more_than_a_lot_holds_is_returned_and_can_be_cancelled(
    zone: Zone,
) -> None:
    handle = await _start(zone, work_order("WO-2611-003", cells="99999"))
    status = await zone.reach(handle, Stage.RETURNED)
    assert any("99999 used" in entry.note for entry in status.timeline)

    await handle.execute_update(
        "cancel", Decision(actor="planner-zhao", role=Role.FILER, reason="wrong figures")
    )
    result = await handle.result()
    await keep_history(handle, "work_order_cancelled")

    assert result.stage is Stage.CANCELLED
    assert result.posted_transaction is None
    assert _posted(zone, "WO-2611-003-M") == 0
