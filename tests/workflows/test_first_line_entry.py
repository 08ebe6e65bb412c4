"""First-line entry on the dev server: the customs simulator on real folders, the
ledger on a real database. After each lifecycle the balances are exactly what the
documents say and nothing is left reserved."""

from __future__ import annotations

import asyncio
from decimal import Decimal

import pytest
from temporalio.client import WorkflowUpdateFailedError

from adapters.simulator.behaviour import SimulatorBehaviour
from customs.routing import Number
from demo import ids
from ledger import LedgerQueries
from schemas.customs import SubmissionView
from schemas.lifecycle import (
    Correction,
    Decision,
    EntryPolicy,
    InspectionResult,
    Role,
    Stage,
    VehicleCorrection,
    WeightDecision,
)
from tests.workflows.conftest import Zone, entry_draft, keep_history

pytestmark = pytest.mark.asyncio(loop_scope="session")

LIAISON = Decision(actor="liaison-wang", role=Role.LIAISON, reason="documents complete")


def _stock(zone: Zone, lot_no: str) -> tuple[Decimal, Decimal]:
    """(posted, pending in) of a lot in the raw-material bin, bonded."""
    rows = LedgerQueries(zone.db).balances(
        book_no=ids.SOLAR_BOOK, lot_no=lot_no, location=ids.RAW_BIN
    )
    if not rows:
        return Decimal(0), Decimal(0)
    (row,) = rows
    return row.posted, row.pending_in


def _submissions(zone: Zone, inner_no: str) -> list[SubmissionView]:
    document = zone.deps.records.document(Number.INNER_NO, inner_no)
    return zone.deps.records.submissions(document.id)


async def test_an_entry_signed_off_and_approved_ends_as_bonded_stock(zone: Zone) -> None:
    """Given a valid draft, when the liaison signs it off and customs approves,
    releases and posts it, then the cells and glass are posted bonded stock on their
    lots, and the timeline says who did what."""
    draft = entry_draft("IN-HAPPY-1")
    handle = await zone.start(draft)
    status = await zone.reach(handle, Stage.AWAITING_SIGN_OFF)
    assert status.waiting_for is Role.LIAISON
    # (12,000 x 0.8125 + 500 x 18.4000) USD x 7.1234 = 18,950.00 x 7.1234
    assert status.cif_cny == Decimal("134988.43")

    await handle.execute_update("sign_off", LIAISON)
    result = await handle.result()
    await keep_history(handle, "entry_completed")

    assert result.stage is Stage.COMPLETED
    assert result.list_no is not None
    assert result.list_no.startswith("QD9601")
    assert result.pass_no is not None
    final = await zone.status(handle)
    assert final.waiting_for is None
    assert final.pre_entry_no is not None
    assert final.declaration_seq_no is not None
    assert final.entry_id is not None
    actors = {(entry.actor, entry.role) for entry in final.timeline}
    assert ("liaison-wang", Role.LIAISON) in actors
    assert ("filer-li", Role.FILER) in actors
    assert _stock(zone, "IN-HAPPY-1-C") == (Decimal("12000"), Decimal(0))
    assert _stock(zone, "IN-HAPPY-1-G") == (Decimal("500"), Decimal(0))


async def test_a_decision_in_the_wrong_role_or_stage_is_refused_with_a_reason(
    zone: Zone,
) -> None:
    handle = await zone.start(entry_draft("IN-REFUSE-1"))
    await zone.reach(handle, Stage.AWAITING_SIGN_OFF)

    with pytest.raises(WorkflowUpdateFailedError) as by_filer:
        await handle.execute_update(
            "sign_off", Decision(actor="filer-li", role=Role.FILER, reason="please")
        )
    assert "only a liaison may sign off" in str(by_filer.value.cause)

    with pytest.raises(WorkflowUpdateFailedError) as too_early:
        await handle.execute_update(
            "record_inspection",
            InspectionResult(actor="liaison-wang", role=Role.LIAISON, passed=True, reason="ok"),
        )
    assert "cannot record an inspection while awaiting_sign_off" in str(too_early.value.cause)

    await handle.execute_update(
        "cancel", Decision(actor="filer-li", role=Role.FILER, reason="wrong train")
    )
    result = await handle.result()
    await keep_history(handle, "entry_cancelled_before_filing")
    assert result.stage is Stage.CANCELLED
    notes = [entry.note for entry in (await zone.status(handle)).timeline]
    assert "wrong train" in notes


async def test_a_returned_list_is_corrected_and_re_declared_with_the_next_change_count(
    zone: Zone,
) -> None:
    """Given customs returns the list, when the filer corrects it, then it is filed
    again with ChgTmsCnt 1, approved and posted; the first reservation is voided."""
    zone.simulator.behaviour = SimulatorBehaviour.always_approve().model_copy(
        update={"return_rate": 1.0}
    )
    draft = entry_draft("IN-RETURN-1")
    handle = await zone.start(draft)
    await zone.reach(handle, Stage.AWAITING_SIGN_OFF)
    await handle.execute_update("sign_off", LIAISON)

    returned = await zone.reach(handle, Stage.RETURNED)
    assert returned.waiting_for is Role.FILER
    assert any("returned" in entry.note for entry in returned.timeline)

    zone.simulator.behaviour = SimulatorBehaviour.always_approve()
    corrected = draft.model_copy(update={"remark": "单价已核实"})
    await handle.execute_update(
        "correct",
        Correction(actor="filer-li", role=Role.FILER, reason="price confirmed", draft=corrected),
    )
    result = await handle.result()
    await keep_history(handle, "entry_returned_corrected_v2")

    assert result.stage is Stage.COMPLETED
    assert (await zone.status(handle)).change_count == 1
    assert _stock(zone, "IN-RETURN-1-C") == (Decimal("12000"), Decimal(0))


async def test_cancelling_a_returned_list_voids_its_reservation_and_asks_for_deletion(
    zone: Zone,
) -> None:
    zone.simulator.behaviour = SimulatorBehaviour.always_approve().model_copy(
        update={"return_rate": 1.0}
    )
    handle = await zone.start(entry_draft("IN-CANCEL-1"))
    await zone.reach(handle, Stage.AWAITING_SIGN_OFF)
    await handle.execute_update("sign_off", LIAISON)
    await zone.reach(handle, Stage.RETURNED)

    await handle.execute_update(
        "cancel", Decision(actor="filer-li", role=Role.FILER, reason="order cancelled")
    )
    result = await handle.result()
    await keep_history(handle, "entry_returned_cancelled")

    assert result.stage is Stage.CANCELLED
    assert _stock(zone, "IN-CANCEL-1-C") == (Decimal(0), Decimal(0))
    filed = _submissions(zone, "IN-CANCEL-1")
    assert len(filed) == 2  # the filing and the request to delete it
    assert "c0" in filed[1].file_name


async def test_an_inspection_waits_for_the_liaisons_result(zone: Zone) -> None:
    # Customs releases two seconds after its inspection notice: the watcher takes the
    # notice and the release in separate passes, as it would days apart.
    zone.simulator.behaviour = SimulatorBehaviour.always_approve().model_copy(
        update={"inspection_rate": 1.0, "inspection_seconds": 2.0}
    )
    handle = await zone.start(entry_draft("IN-INSPECT-1"))
    await zone.reach(handle, Stage.AWAITING_SIGN_OFF)
    await handle.execute_update("sign_off", LIAISON)
    status = await zone.reach(handle, Stage.INSPECTION)
    assert status.waiting_for is Role.LIAISON
    await handle.execute_update(
        "record_inspection",
        InspectionResult(actor="liaison-wang", role=Role.LIAISON, passed=True, reason="货证相符"),
    )
    result = await handle.result()
    await keep_history(handle, "entry_inspected")
    assert result.stage is Stage.COMPLETED
    notes = [entry.note for entry in (await zone.status(handle)).timeline]
    assert "货证相符" in notes


async def test_a_weight_mismatch_holds_the_vehicle_until_the_liaison_decides(
    zone: Zone,
) -> None:
    zone.simulator.behaviour = SimulatorBehaviour.always_approve().model_copy(
        update={"weight_noise_kg": Decimal("5000")}
    )
    # No tolerance: any difference on the scale holds the vehicle.
    handle = await zone.start(entry_draft("IN-WEIGHT-1"), EntryPolicy(weight_tolerance=Decimal(0)))
    await zone.reach(handle, Stage.AWAITING_SIGN_OFF)
    await handle.execute_update("sign_off", LIAISON)
    status = await zone.reach(handle, Stage.WEIGHT_HOLD, timeout=40)
    assert status.measured_weight is not None
    assert status.waiting_for is Role.LIAISON
    assert any("scale read" in entry.note for entry in status.timeline)

    with pytest.raises(WorkflowUpdateFailedError, match="update failed"):
        await handle.execute_update(
            "decide_weight",
            WeightDecision(actor="filer-li", role=Role.FILER, accept=True, reason="fine"),
        )
    await handle.execute_update(
        "decide_weight",
        WeightDecision(
            actor="liaison-wang",
            role=Role.LIAISON,
            accept=False,
            reason="复磅差异超出允许范围，退运",
        ),
    )
    result = await handle.result()
    await keep_history(handle, "entry_weight_refused")

    assert result.stage is Stage.CANCELLED
    assert _stock(zone, "IN-WEIGHT-1-C") == (Decimal(0), Decimal(0))
    # The list, then the request to delete it; and the vehicle's gate pass.
    assert [s.message_type for s in _submissions(zone, "IN-WEIGHT-1")] == ["INV101", "INV101"]
    assert [s.message_type for s in _submissions(zone, "IN-WEIGHT-1-GP")] == ["SAS121"]


async def test_a_correction_that_does_not_fit_the_book_goes_back_to_the_filer(
    zone: Zone,
) -> None:
    """Given a returned list, when the filer's correction names an item the book does
    not have, then it is not filed: it comes back with the reason, and the next,
    valid correction is filed and posted."""
    zone.simulator.behaviour = SimulatorBehaviour.always_approve().model_copy(
        update={"return_rate": 1.0}
    )
    draft = entry_draft("IN-RECHECK-1")
    handle = await zone.start(draft)
    await zone.reach(handle, Stage.AWAITING_SIGN_OFF)
    await handle.execute_update("sign_off", LIAISON)
    await zone.reach(handle, Stage.RETURNED)
    zone.simulator.behaviour = SimulatorBehaviour.always_approve()

    wrong_line = draft.lines[0].model_copy(update={"item_no": 99})
    wrong = draft.model_copy(update={"lines": (wrong_line, draft.lines[1])})
    await handle.execute_update(
        "correct", Correction(actor="filer-li", role=Role.FILER, reason="fix", draft=wrong)
    )
    for _ in range(100):
        status = await zone.status(handle)
        if any("does not fit the book" in entry.note for entry in status.timeline):
            break
        await asyncio.sleep(0.1)
    assert status.stage is Stage.RETURNED
    assert any("has no item 99" in entry.note for entry in status.timeline)
    assert len(_submissions(zone, "IN-RECHECK-1")) == 1  # the wrong draft was not filed

    await handle.execute_update(
        "correct", Correction(actor="filer-li", role=Role.FILER, reason="fixed", draft=draft)
    )
    result = await handle.result()
    assert result.stage is Stage.COMPLETED
    assert _stock(zone, "IN-RECHECK-1-C") == (Decimal("12000"), Decimal(0))


async def test_a_returned_gate_pass_is_filed_again_with_the_corrected_vehicle(
    zone: Zone,
) -> None:
    """Given an approved list, when customs returns its gate pass (SAS221 3: the
    vehicle does not match the gate's registration), then the filer corrects the
    vehicle, the pass is filed again, and the entry goes through and is posted once."""
    zone.simulator.behaviour = SimulatorBehaviour.always_approve().model_copy(
        update={"gate_return_rate": 1.0}
    )
    draft = entry_draft("IN-GATE-1")
    handle = await zone.start(draft)
    await zone.reach(handle, Stage.AWAITING_SIGN_OFF)
    await handle.execute_update("sign_off", LIAISON)
    status = await zone.reach(handle, Stage.GATE_PASS_RETURNED)
    assert status.waiting_for is Role.FILER
    assert any("与卡口备案信息不符" in entry.note for entry in status.timeline)

    corrected = draft.vehicle.model_copy(update={"vehicle_no": "青A·D5678"})
    # The same vehicle again would be the same file, which customs never answers.
    with pytest.raises(WorkflowUpdateFailedError, match="update failed"):
        await handle.execute_update(
            "correct_vehicle",
            VehicleCorrection(
                actor="filer-li", role=Role.FILER, reason="再报", vehicle=draft.vehicle
            ),
        )
    with pytest.raises(WorkflowUpdateFailedError):
        await handle.execute_update(
            "correct_vehicle",
            VehicleCorrection(
                actor="liaison-wang", role=Role.LIAISON, reason="换车", vehicle=corrected
            ),
        )
    await handle.execute_update(
        "correct_vehicle",
        VehicleCorrection(
            actor="filer-li", role=Role.FILER, reason="实际承运车辆为青A·D5678", vehicle=corrected
        ),
    )
    result = await handle.result()
    await keep_history(handle, "entry_gate_pass_returned")

    assert result.stage is Stage.COMPLETED
    assert _stock(zone, "IN-GATE-1-C") == (Decimal("12000"), Decimal(0))
    passes = _submissions(zone, "IN-GATE-1-GP")
    assert [s.message_type for s in passes] == ["SAS121", "SAS121"]
    assert [s.message_type for s in _submissions(zone, "IN-GATE-1")] == ["INV101"]


async def test_cancelling_after_a_returned_gate_pass_deletes_the_approved_list(
    zone: Zone,
) -> None:
    """Given an approved list whose gate pass was returned, when the filer cancels
    instead of correcting, then the list's deletion is filed and nothing stays
    reserved: the goods never entered."""
    zone.simulator.behaviour = SimulatorBehaviour.always_approve().model_copy(
        update={"gate_return_rate": 1.0}
    )
    handle = await zone.start(entry_draft("IN-GATE-2"))
    await zone.reach(handle, Stage.AWAITING_SIGN_OFF)
    await handle.execute_update("sign_off", LIAISON)
    await zone.reach(handle, Stage.GATE_PASS_RETURNED)
    await handle.execute_update(
        "cancel", Decision(actor="filer-li", role=Role.FILER, reason="合同取消，货物退运")
    )
    result = await handle.result()

    assert result.stage is Stage.CANCELLED
    assert _stock(zone, "IN-GATE-2-C") == (Decimal(0), Decimal(0))
    assert [s.message_type for s in _submissions(zone, "IN-GATE-2")] == ["INV101", "INV101"]
