"""Second-line entry on the dev server: domestic goods become non-bonded zone stock,
released by the list's approval (the declaration is the domestic party's)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from temporalio.client import WorkflowHandle

from adapters.simulator.behaviour import SimulatorBehaviour
from demo import ids
from ledger import LedgerQueries
from schemas.lifecycle import (
    Correction,
    Decision,
    EntryLine,
    EntryResult,
    Role,
    SecondLineEntryDraft,
    SecondLineEntryInput,
    Stage,
    Vehicle,
)
from tests.workflows.conftest import Zone, keep_history

pytestmark = pytest.mark.asyncio(loop_scope="session")


LIAISON = Decision(actor="liaison-wang", role=Role.LIAISON, reason="关联报关单已核")


def _draft(inner_no: str, lot_no: str | None = None) -> SecondLineEntryDraft:
    return SecondLineEntryDraft(
        inner_no=inner_no,
        book_no=ids.SOLAR_BOOK,
        declarant_code=ids.AGENT_CUSTOMS_CODE,
        supplier="西宁本地接线盒供应商",
        linked_entry_id="960120261000076543",
        exchange_rate=Decimal("1.000000"),
        lines=(
            EntryLine(
                item_no=ids.JUNCTION_BOX,
                lot_no=lot_no or f"{inner_no}-J",
                location=ids.RAW_BIN,
                quantity=Decimal(400),
                unit_price=Decimal("16.5000"),
                currency="142",
                origin_country="142",
                gross_weight=Decimal("180"),
                net_weight=Decimal("160"),
            ),
        ),
        vehicle=Vehicle(vehicle_no="青A·F0921", vehicle_weight=Decimal("4300")),
        filed_by="filer-li",
    )


async def _start(zone: Zone, draft: SecondLineEntryDraft) -> WorkflowHandle[Any, EntryResult]:
    return await zone.client.start_workflow(
        "SecondLineEntry",
        SecondLineEntryInput(draft=draft),
        id=f"second-line-{draft.inner_no}-{zone.task_queue}",
        task_queue=zone.task_queue,
        result_type=EntryResult,
    )


async def test_domestic_packaging_enters_the_zone_as_non_bonded_stock(zone: Zone) -> None:
    draft = _draft("SL-2611-01", "JBX-DOM-2611")
    handle = await _start(zone, draft)
    status = await zone.reach(handle, Stage.AWAITING_SIGN_OFF)
    assert status.late_fee is None
    await handle.execute_update(
        "sign_off", Decision(actor="liaison-wang", role=Role.LIAISON, reason="关联报关单已核")
    )
    result = await handle.result()
    await keep_history(handle, "second_line_entry_completed")

    assert result.stage is Stage.COMPLETED
    (row,) = LedgerQueries(zone.db).balances(book_no=ids.SOLAR_BOOK, lot_no="JBX-DOM-2611")
    assert row.status == "non_bonded"
    assert (row.posted, row.pending_in) == (Decimal(400), Decimal(0))
    final = await zone.status(handle)
    assert final.declaration_seq_no is None  # the list generated no declaration
    assert final.pass_no is not None


async def test_a_returned_second_line_list_is_corrected_and_posted(zone: Zone) -> None:
    zone.simulator.behaviour = SimulatorBehaviour.always_approve().model_copy(
        update={"return_rate": 1.0}
    )
    draft = _draft("SL-2611-02")
    handle = await _start(zone, draft)
    await zone.reach(handle, Stage.AWAITING_SIGN_OFF)
    await handle.execute_update("sign_off", LIAISON)
    await zone.reach(handle, Stage.RETURNED)
    zone.simulator.behaviour = SimulatorBehaviour.always_approve()

    await handle.execute_update(
        "correct",
        Correction(actor="filer-li", role=Role.FILER, reason="quantity confirmed", draft=draft),
    )
    result = await handle.result()

    assert result.stage is Stage.COMPLETED
    assert (await zone.status(handle)).change_count == 1
    (row,) = LedgerQueries(zone.db).balances(book_no=ids.SOLAR_BOOK, lot_no="SL-2611-02-J")
    assert (row.posted, row.pending_in) == (Decimal(400), Decimal(0))
