"""In-zone transfer on the dev server: both books move at once, or neither does."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from temporalio.client import WorkflowHandle

from adapters.simulator.behaviour import SimulatorBehaviour
from customs.routing import Number
from demo import ids
from ledger import ChainAuditor, LedgerQueries
from schemas.lifecycle import (
    Decision,
    EntryResult,
    Role,
    Stage,
    TransferCorrection,
    TransferDraft,
    TransferInput,
    TransferLine,
)
from schemas.masterdata import BookItemIn
from tests.workflows.conftest import Zone, keep_history

pytestmark = pytest.mark.asyncio(loop_scope="session")

GLASS_AT_WAREHOUSE = 7  # the logistics book's item for the same tempered glass


def _register_glass(zone: Zone) -> None:
    zone.deps.masterdata.register_item(
        BookItemIn(
            book_no=ids.COLD_CHAIN_BOOK,
            item_no=GLASS_AT_WAREHOUSE,
            part_no="GLS-32-2278",
            hs_code="7007190000",
            name="光伏钢化玻璃",
            specification="3.2mm 2278x1134",
            declared_unit="007",
            first_legal_unit="035",
            first_legal_factor=Decimal("20.6"),
        )
    )


def transfer(number: str, panes: str = "20") -> TransferDraft:
    return TransferDraft(
        transfer_no=number,
        from_book_no=ids.SOLAR_BOOK,
        to_book_no=ids.COLD_CHAIN_BOOK,
        declarant_code=ids.AGENT_CUSTOMS_CODE,
        lines=(
            TransferLine(
                from_item_no=ids.GLASS,
                from_lot_no=ids.GLASS_LOT,
                from_location=ids.RAW_BIN,
                to_item_no=GLASS_AT_WAREHOUSE,
                to_lot_no=f"{number}-GLS",
                to_location=ids.COLD_BIN,
                quantity=Decimal(panes),
                unit_price=Decimal("18.4000"),
                currency="502",
            ),
        ),
        filed_by="filer-li",
    )


async def _start(zone: Zone, draft: TransferDraft) -> WorkflowHandle[Any, EntryResult]:
    return await zone.client.start_workflow(
        "Transfer",
        TransferInput(draft=draft),
        id=f"transfer-{draft.transfer_no}-{zone.task_queue}",
        task_queue=zone.task_queue,
        result_type=EntryResult,
    )


def _posted(zone: Zone, book_no: str, lot_no: str) -> tuple[Decimal, Decimal, Decimal]:
    rows = LedgerQueries(zone.db).balances(book_no=book_no, lot_no=lot_no)
    return (
        sum((r.posted for r in rows), Decimal(0)),
        sum((r.pending_out for r in rows), Decimal(0)),
        sum((r.pending_in for r in rows), Decimal(0)),
    )


async def test_a_transfer_moves_both_books_at_once_with_lineage(zone: Zone) -> None:
    _register_glass(zone)
    giving_before = _posted(zone, ids.SOLAR_BOOK, ids.GLASS_LOT)[0]
    handle = await _start(zone, transfer("TR-2611-01"))
    await zone.reach(handle, Stage.AWAITING_SIGN_OFF)
    await handle.execute_update(
        "sign_off", Decision(actor="liaison-wang", role=Role.LIAISON, reason="双方账册已核")
    )
    result = await handle.result()
    await keep_history(handle, "transfer_completed")

    assert result.stage is Stage.COMPLETED
    zero = Decimal(0)
    assert _posted(zone, ids.SOLAR_BOOK, ids.GLASS_LOT) == (giving_before - 20, zero, zero)
    assert _posted(zone, ids.COLD_CHAIN_BOOK, "TR-2611-01-GLS") == (Decimal(20), zero, zero)
    # The receiving lot came from the zone_transfer account by the transfer's number,
    # the same number the giving lot's movement carries.
    trace = LedgerQueries(zone.db).trace_backward(ids.COLD_CHAIN_BOOK, "TR-2611-01-GLS")
    assert [(step.outside, step.document and step.document.number) for step in trace.steps] == [
        ("zone_transfer", "TR-2611-01")
    ]
    # And the posting linked it to the giving lot in the other enterprise's book, so a
    # trace goes on from there to the glass's own entry documents.
    assert [(link.quantity, link.lot.book_no, link.lot.lot_no) for link in trace.links] == [
        (Decimal(20), ids.SOLAR_BOOK, ids.GLASS_LOT)
    ]
    assert trace.links[0].lot.steps, "the giving lot's own receipts are in the trace"
    forward = LedgerQueries(zone.db).trace_forward(ids.SOLAR_BOOK, ids.GLASS_LOT)
    assert (ids.COLD_CHAIN_BOOK, "TR-2611-01-GLS") in {
        (link.lot.book_no, link.lot.lot_no) for link in forward.links
    }
    records = zone.deps.records
    filed = [
        records.document(Number.INNER_NO, f"TR-2611-01-{side}").business_no
        for side in ("OUT", "IN")
    ]
    assert all(number is not None for number in filed)
    assert ChainAuditor(zone.db).verify().ok


async def test_a_returned_side_leaves_both_books_as_they_were(zone: Zone) -> None:
    _register_glass(zone)
    giving_before = _posted(zone, ids.SOLAR_BOOK, ids.GLASS_LOT)
    zone.simulator.behaviour = SimulatorBehaviour.always_approve().model_copy(
        update={"return_rate": 1.0}
    )
    handle = await _start(zone, transfer("TR-2611-02"))
    await zone.reach(handle, Stage.AWAITING_SIGN_OFF)
    await handle.execute_update(
        "sign_off", Decision(actor="liaison-wang", role=Role.LIAISON, reason="ok")
    )
    result = await handle.result()

    assert result.stage is Stage.CANCELLED
    assert _posted(zone, ids.SOLAR_BOOK, ids.GLASS_LOT) == giving_before
    assert _posted(zone, ids.COLD_CHAIN_BOOK, "TR-2611-02-GLS") == (Decimal(0),) * 3


async def test_a_transfer_beyond_the_stock_is_returned_and_corrected(zone: Zone) -> None:
    _register_glass(zone)
    handle = await _start(zone, transfer("TR-2611-03", panes="100000"))
    status = await zone.reach(handle, Stage.RETURNED)
    notes = " ".join(entry.note for entry in status.timeline)
    assert "100000 asked" in notes

    await handle.execute_update(
        "correct",
        TransferCorrection(
            actor="filer-li", role=Role.FILER, reason="20 panes", draft=transfer("TR-2611-03")
        ),
    )
    await zone.reach(handle, Stage.AWAITING_SIGN_OFF)
    await handle.execute_update(
        "sign_off", Decision(actor="liaison-wang", role=Role.LIAISON, reason="ok")
    )
    assert (await handle.result()).stage is Stage.COMPLETED


async def test_a_transfer_within_one_enterprise_is_refused_until_cancelled(zone: Zone) -> None:
    same = transfer("TR-2611-04").model_copy(update={"to_book_no": ids.SOLAR_BOOK})
    handle = await _start(zone, same)
    status = await zone.reach(handle, Stage.RETURNED)
    notes = " ".join(entry.note for entry in status.timeline)
    assert "between two enterprises" in notes
    await handle.execute_update(
        "cancel", Decision(actor="filer-li", role=Role.FILER, reason="wrong book")
    )
    assert (await handle.result()).stage is Stage.CANCELLED
