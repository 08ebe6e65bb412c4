"""First-line exit (export) on the dev server: PV modules leave the zone on a
China-Europe train. The lots hold exactly what is left after the exits."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from temporalio.client import WorkflowHandle

from adapters.simulator.behaviour import SimulatorBehaviour
from customs.routing import Number
from demo import ids
from ledger import LedgerQueries
from schemas.lifecycle import (
    Correction,
    Decision,
    EntryLine,
    EntryResult,
    ExportDraft,
    ExportInput,
    Role,
    Stage,
    Vehicle,
)
from tests.workflows.conftest import Zone, keep_history

pytestmark = pytest.mark.asyncio(loop_scope="session")

LIAISON = Decision(actor="liaison-wang", role=Role.LIAISON, reason="documents complete")


def export_draft(inner_no: str, modules: str) -> ExportDraft:
    return ExportDraft(
        inner_no=inner_no,
        book_no=ids.SOLAR_BOOK,
        declarant_code=ids.AGENT_CUSTOMS_CODE,
        supervision_mode="5015",
        destination_country="304",
        train="中欧班列 X8157 西宁—杜伊斯堡",
        exchange_rate=Decimal("7.123400"),
        lines=(
            EntryLine(
                item_no=ids.MODULE,
                lot_no=ids.MODULE_LOT,
                location=ids.FINISHED_GOODS,
                quantity=Decimal(modules),
                unit_price=Decimal("68.4500"),
                currency="502",
                origin_country="142",
                gross_weight=Decimal(modules) * Decimal("30.5"),
                net_weight=Decimal(modules) * Decimal("27.5"),
            ),
        ),
        vehicle=Vehicle(
            vehicle_no="X8157-W12",
            vehicle_weight=Decimal("23000"),
            container_weight=Decimal("3900"),
        ),
        filed_by="filer-li",
    )


async def _start(zone: Zone, draft: ExportDraft) -> WorkflowHandle[Any, EntryResult]:
    return await zone.client.start_workflow(
        "Export",
        ExportInput(draft=draft),
        id=f"export-{draft.inner_no}-{zone.task_queue}",
        task_queue=zone.task_queue,
        result_type=EntryResult,
    )


def _modules(zone: Zone) -> tuple[Decimal, Decimal]:
    (row,) = LedgerQueries(zone.db).balances(
        book_no=ids.SOLAR_BOOK, lot_no=ids.MODULE_LOT, location=ids.FINISHED_GOODS
    )
    return row.posted, row.pending_out


async def test_modules_exported_by_train_leave_the_book_when_the_train_has_left(
    zone: Zone,
) -> None:
    """Given 250 modules on the lot (100 already reserved for another exit), when 120
    are exported, signed off, released, weighed through the gate and posted, then the
    lot holds 130 with the same 100 reserved, and the export is closed (结关)."""
    assert _modules(zone) == (Decimal(250), Decimal(100))
    handle = await _start(zone, export_draft("EX-TRAIN-1", "120"))
    status = await zone.reach(handle, Stage.AWAITING_SIGN_OFF)
    assert status.late_fee is None  # no declaration deadline for an exit

    await handle.execute_update("sign_off", LIAISON)
    result = await handle.result()
    await keep_history(handle, "export_completed")

    assert result.stage is Stage.COMPLETED
    assert result.list_no is not None
    assert result.list_no[8] == "E"  # QD + district + year + E
    final = await zone.status(handle)
    notes = [entry.note for entry in final.timeline]
    assert "closed (结关): the train has left" in notes
    assert _modules(zone) == (Decimal(130), Decimal(100))


async def test_an_export_of_more_than_the_lot_holds_goes_back_to_the_filer(zone: Zone) -> None:
    """Given 150 modules available, when 200 are drafted for export, then the draft is
    returned with the reason before anything is reserved or filed; corrected to 150,
    it goes through."""
    draft = export_draft("EX-SHORT-1", "200")
    handle = await _start(zone, draft)
    status = await zone.reach(handle, Stage.RETURNED)

    assert status.waiting_for is Role.FILER
    assert any("holds 150.00000 available, 200 asked" in e.note for e in status.timeline)
    assert _modules(zone) == (Decimal(250), Decimal(100))

    await handle.execute_update(
        "correct",
        Correction(
            actor="filer-li",
            role=Role.FILER,
            reason="export what is available",
            draft=export_draft("EX-SHORT-1", "150"),
        ),
    )
    await zone.reach(handle, Stage.AWAITING_SIGN_OFF)
    await handle.execute_update("sign_off", LIAISON)
    result = await handle.result()

    assert result.stage is Stage.COMPLETED
    assert _modules(zone) == (Decimal(100), Decimal(100))


async def test_a_returned_export_cancelled_gives_the_modules_back(zone: Zone) -> None:
    """Given customs returns the export list, when the filer cancels, then the deletion
    is filed and the 120 reserved modules are available again."""
    zone.simulator.behaviour = SimulatorBehaviour.always_approve().model_copy(
        update={"return_rate": 1.0}
    )
    handle = await _start(zone, export_draft("EX-RETURN-1", "120"))
    await zone.reach(handle, Stage.AWAITING_SIGN_OFF)
    await handle.execute_update("sign_off", LIAISON)
    await zone.reach(handle, Stage.RETURNED)
    assert _modules(zone) == (Decimal(250), Decimal(220))

    await handle.execute_update(
        "cancel", Decision(actor="filer-li", role=Role.FILER, reason="the buyer cancelled")
    )
    result = await handle.result()

    assert result.stage is Stage.CANCELLED
    assert _modules(zone) == (Decimal(250), Decimal(100))
    document = zone.deps.records.document(Number.INNER_NO, "EX-RETURN-1")
    assert len(zone.deps.records.submissions(document.id)) == 2  # the list and its deletion


async def test_a_returned_export_corrected_holds_its_modules_only_once(zone: Zone) -> None:
    """Given 150 modules available and an export of 120 that customs returns, when the
    filer corrects it, then the corrected list is checked and reserved in place of
    the first (not on top of it: 2 × 120 would not fit), filed with ChgTmsCnt 1 and
    posted; 30 modules stay in the lot."""
    zone.simulator.behaviour = SimulatorBehaviour.always_approve().model_copy(
        update={"return_rate": 1.0}
    )
    draft = export_draft("EX-RETURN-2", "120")
    handle = await _start(zone, draft)
    await zone.reach(handle, Stage.AWAITING_SIGN_OFF)
    await handle.execute_update("sign_off", LIAISON)
    await zone.reach(handle, Stage.RETURNED)
    assert _modules(zone) == (Decimal(250), Decimal(220))

    zone.simulator.behaviour = SimulatorBehaviour.always_approve()
    await handle.execute_update(
        "correct",
        Correction(
            actor="filer-li",
            role=Role.FILER,
            reason="运抵国更正",
            draft=draft.model_copy(update={"destination_country": "305"}),
        ),
    )
    result = await handle.result()
    await keep_history(handle, "export_returned_corrected")

    assert result.stage is Stage.COMPLETED, (await zone.status(handle)).timeline
    assert (await zone.status(handle)).change_count == 1
    assert _modules(zone) == (Decimal(130), Decimal(100))


async def test_stock_taken_between_the_check_and_the_sign_off_goes_back_to_the_filer(
    zone: Zone,
) -> None:
    """Given two exports of 120 of the 150 available modules, both checked, when the
    first is signed off and goes, then the second's sign-off finds the stock gone:
    it is returned to the filer with the reason (not failed), and corrected to the 30
    left, checked and signed off again, it goes through."""
    first = await _start(zone, export_draft("EX-RACE-1", "120"))
    second = await _start(zone, export_draft("EX-RACE-2", "120"))
    await zone.reach(first, Stage.AWAITING_SIGN_OFF)
    await zone.reach(second, Stage.AWAITING_SIGN_OFF)
    await first.execute_update("sign_off", LIAISON)
    assert (await first.result()).stage is Stage.COMPLETED

    await second.execute_update("sign_off", LIAISON)
    status = await zone.reach(second, Stage.RETURNED)
    assert any("could not be reserved" in e.note for e in status.timeline)
    await second.execute_update(
        "correct",
        Correction(
            actor="filer-li",
            role=Role.FILER,
            reason="只出剩余的30块",
            draft=export_draft("EX-RACE-2", "30"),
        ),
    )
    await zone.reach(second, Stage.AWAITING_SIGN_OFF)
    await second.execute_update("sign_off", LIAISON)

    assert (await second.result()).stage is Stage.COMPLETED
    assert _modules(zone) == (Decimal(100), Decimal(100))
