"""Domestic sale with elective duty on the dev server: both bills shown, the choice on
the list, the duties paid before release, the modules gone to the domestic market."""

from __future__ import annotations

import asyncio
import threading
from decimal import Decimal
from typing import Any

import pytest
from temporalio.client import WorkflowHandle, WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError

from adapters.gateway.watcher import ReceiptSink
from adapters.simulator.behaviour import SimulatorBehaviour
from customs.routing import Answer, Number
from demo import ids
from ledger import LedgerQueries
from schemas.customs import ReceiptView
from schemas.errors import NotFound
from schemas.lifecycle import (
    Correction,
    Decision,
    DomesticSaleDraft,
    DomesticSaleInput,
    EntryLine,
    EntryResult,
    InspectionResult,
    LifecyclePolicy,
    MaterialValue,
    PaymentConfirmation,
    Role,
    Stage,
    Vehicle,
    WeightDecision,
)
from tests.workflows.checks import assert_ledger_invariants, assert_timeline, filed
from tests.workflows.conftest import Zone, keep_history

pytestmark = pytest.mark.asyncio(loop_scope="session")

LIAISON = Decision(actor="liaison-wang", role=Role.LIAISON, reason="documents complete")


def sale(inner_no: str, basis: str = "finished_goods") -> DomesticSaleDraft:
    return DomesticSaleDraft(
        inner_no=inner_no,
        book_no=ids.SOLAR_BOOK,
        declarant_code=ids.AGENT_CUSTOMS_CODE,
        buyer="青海光伏电站建设有限公司",
        exchange_rate=Decimal("7.123400"),
        lines=(
            EntryLine(
                item_no=ids.MODULE,
                lot_no=ids.MODULE_LOT,
                location=ids.FINISHED_GOODS,
                quantity=Decimal(50),
                unit_price=Decimal("72.5000"),
                currency="502",
                origin_country="142",
                gross_weight=Decimal("1525"),
                net_weight=Decimal("1375"),
            ),
        ),
        material_values=(
            MaterialValue(item_no=ids.CELLS, unit_price=Decimal("0.0812"), currency="502"),
            MaterialValue(item_no=ids.GLASS, unit_price=Decimal("18.4000"), currency="502"),
            MaterialValue(item_no=ids.EVA, unit_price=Decimal("2.1000"), currency="502"),
            MaterialValue(item_no=ids.FRAMES, unit_price=Decimal("9.5000"), currency="502"),
            MaterialValue(item_no=ids.BACKSHEET, unit_price=Decimal("3.2000"), currency="502"),
            MaterialValue(item_no=ids.JUNCTION_BOX, unit_price=Decimal("2.6000"), currency="502"),
        ),
        duty_basis=basis,
        vehicle=Vehicle(vehicle_no="青A·K7310", vehicle_weight=Decimal("8600")),
        filed_by="filer-li",
    )


async def _start(zone: Zone, draft: DomesticSaleDraft) -> WorkflowHandle[Any, EntryResult]:
    return await zone.client.start_workflow(
        "DomesticSale",
        DomesticSaleInput(draft=draft),
        id=f"sale-{draft.inner_no}-{zone.task_queue}",
        task_queue=zone.task_queue,
        result_type=EntryResult,
    )


# The module lot in the finished-goods store: (posted, pending out). The demo holds 250
# modules, 100 of them reserved for another exit; each sale here is of 50.
BEFORE = (Decimal(250), Decimal(100))
RESERVED = (Decimal(250), Decimal(150))
SOLD = (Decimal(200), Decimal(100))
# The scale should read the empty vehicle and the modules' gross weight.
DECLARED_KG = Decimal("8600") + Decimal("1525")


def _modules(zone: Zone) -> tuple[Decimal, Decimal]:
    (row,) = LedgerQueries(zone.db).balances(
        book_no=ids.SOLAR_BOOK, lot_no=ids.MODULE_LOT, location=ids.FINISHED_GOODS
    )
    return row.posted, row.pending_out


async def _signed_off(
    zone: Zone, draft: DomesticSaleDraft, policy: LifecyclePolicy | None = None
) -> WorkflowHandle[Any, EntryResult]:
    handle = await zone.client.start_workflow(
        "DomesticSale",
        DomesticSaleInput(draft=draft, policy=policy or LifecyclePolicy()),
        id=f"sale-{draft.inner_no}-{zone.task_queue}",
        task_queue=zone.task_queue,
        result_type=EntryResult,
    )
    await zone.reach(handle, Stage.AWAITING_SIGN_OFF)
    await handle.execute_update("sign_off", LIAISON)
    return handle


async def _pay(zone: Zone, handle: WorkflowHandle[Any, EntryResult]) -> Decimal:
    """Wait for customs' duties-payable notice and confirm the payment of the bill."""
    owed = await zone.reach(handle, Stage.AWAITING_PAYMENT)
    assert owed.waiting_for is Role.FILER
    assert owed.taxes is not None
    amount = owed.taxes.payable.total
    await handle.execute_update(
        "confirm_payment",
        PaymentConfirmation(
            actor="filer-li", role=Role.FILER, reference="ICBC-20261128-0107", amount=amount
        ),
    )
    return amount


class CustomsReleasesLater:
    """The receipt watcher's sink, holding back customs' duties-payable notice (T) and
    release (P) until the test lets them go: in the zone they come hours after the
    inspection, not in the same breath. (Delivered together, a release would count
    over the inspection notice, as it does when customs has already released.)"""

    def __init__(self, zone: Zone) -> None:
        assert zone.watcher.sink is not None
        self.sink: ReceiptSink = zone.watcher.sink
        self.held: list[tuple[ReceiptView, Answer]] = []
        self.released = False
        self.lock = threading.Lock()
        zone.watcher.sink = self

    def deliver(self, receipt: ReceiptView, message: Answer) -> None:
        with self.lock:
            release = receipt.message_type == "DEC_RESULT" and receipt.result in ("T", "P")
            if release and not self.released:
                self.held.append((receipt, message))
                return
        self.sink.deliver(receipt, message)

    async def release(self) -> None:
        with self.lock:
            self.released = True
            held, self.held = self.held, []
        for receipt, message in held:
            await asyncio.to_thread(self.sink.deliver, receipt, message)


async def test_a_domestic_sale_shows_both_duty_bases_and_waits_for_payment_before_release(
    zone: Zone,
) -> None:
    """Given 50 modules sold into China, then the document shows the taxes on both
    bases (modules are duty-free, their glass and frames are not, so duty on the
    finished goods is cheaper); customs' duties-payable notice waits for the filer's
    payment of exactly the chosen bill; then the modules leave for the domestic
    market."""
    handle = await _start(zone, sale("DS-2611-01"))
    status = await zone.reach(handle, Stage.AWAITING_SIGN_OFF)
    taxes = status.taxes
    assert taxes is not None
    # 50 x 72.50 USD x 7.1234 = 25,822.33 CNY; modules: duty 0, VAT 13 %.
    assert taxes.on_finished_goods.cif == Decimal("25822.33")
    assert taxes.on_finished_goods.duty == Decimal("0.00")
    assert taxes.on_finished_goods.vat == Decimal("3356.90")
    assert taxes.on_materials.duty > 0
    assert taxes.cheaper == "finished_goods"
    assert taxes.saving == taxes.on_materials.total - taxes.on_finished_goods.total

    await handle.execute_update("sign_off", LIAISON)
    owed = await zone.reach(handle, Stage.AWAITING_PAYMENT)
    assert owed.waiting_for is Role.FILER
    # The query's answer (read back through the converter) names what to pay.
    assert owed.taxes is not None
    assert owed.taxes.payable == owed.taxes.on_finished_goods
    assert owed.duties_payable == taxes.on_finished_goods.total

    # A payment of another amount than the bill is refused, and says why.
    with pytest.raises(WorkflowUpdateFailedError) as wrong_amount:
        await handle.execute_update(
            "confirm_payment",
            PaymentConfirmation(
                actor="filer-li", role=Role.FILER, reference="ICBC-1", amount=Decimal("1.00")
            ),
        )
    refusal = wrong_amount.value.cause
    assert isinstance(refusal, ApplicationError)
    assert refusal.type == "Refused"
    assert refusal.message == f"amount: 1.00 paid, {taxes.on_finished_goods.total} payable"
    assert (await zone.status(handle)).paid is None
    await handle.execute_update(
        "confirm_payment",
        PaymentConfirmation(
            actor="filer-li",
            role=Role.FILER,
            reference="ICBC-20261128-0042",
            amount=taxes.on_finished_goods.total,
        ),
    )
    result = await handle.result()
    await keep_history(handle, "domestic_sale_completed")

    assert result.stage is Stage.COMPLETED
    (row,) = LedgerQueries(zone.db).balances(
        book_no=ids.SOLAR_BOOK, lot_no=ids.MODULE_LOT, location=ids.FINISHED_GOODS
    )
    assert (row.posted, row.pending_out) == (Decimal(200), Decimal(100))
    final = await zone.status(handle)
    assert final.paid is not None
    assert final.paid.reference == "ICBC-20261128-0042"
    sent = zone.deps.records.submissions(
        zone.deps.records.document(Number.INNER_NO, "DS-2611-01").id
    )
    filed = zone.deps.records.submission_payload(sent[0].file_name).decode("utf-8")
    assert "选择性征税：按成品征收关税" in filed
    assert_ledger_invariants(zone.db)


async def test_the_enterprise_may_choose_the_dearer_basis(zone: Zone) -> None:
    handle = await _start(zone, sale("DS-2611-02", basis="materials"))
    status = await zone.reach(handle, Stage.AWAITING_SIGN_OFF)
    assert status.taxes is not None
    assert status.taxes.chosen == "materials"
    assert status.taxes.payable == status.taxes.on_materials

    await handle.execute_update(
        "cancel", Decision(actor="filer-li", role=Role.FILER, reason="buyer withdrew")
    )
    result = await handle.result()
    assert result.stage is Stage.CANCELLED
    assert _modules(zone) == BEFORE
    assert_ledger_invariants(zone.db)


async def test_a_failed_inspection_deletes_the_list_and_gives_the_modules_back(
    zone: Zone,
) -> None:
    """Given customs sends the sale's declaration to inspection (查验, channels C and S),
    when the liaison records that the goods failed it, then the list's deletion is
    filed, the 50 reserved modules are free again, nothing was paid or posted, no
    vehicle was sent to the gate, and the sale is cancelled."""
    zone.simulator.behaviour = SimulatorBehaviour.always_approve().model_copy(
        update={"inspection_rate": 1.0}
    )
    CustomsReleasesLater(zone)
    handle = await _signed_off(zone, sale("DS-INSPECT-1"))
    inspection = await zone.reach(handle, Stage.INSPECTION)
    assert inspection.waiting_for is Role.LIAISON
    assert _modules(zone) == RESERVED

    await handle.execute_update(
        "record_inspection",
        InspectionResult(
            actor="liaison-wang", role=Role.LIAISON, passed=False, reason="查验：货证不符"
        ),
    )
    result = await handle.result()

    assert result.stage is Stage.CANCELLED
    assert result.posted_transaction is None
    assert _modules(zone) == BEFORE
    final = await zone.status(handle)
    assert final.paid is None
    assert_timeline(final, "approved: ", "查验：货证不符", "deletion filed: ")
    assert filed(zone, "DS-INSPECT-1") == [("INV101", 0, "file"), ("INV101", 0, "delete")]
    with pytest.raises(NotFound):
        zone.deps.records.document(Number.INNER_NO, "DS-INSPECT-1-GP")
    assert_ledger_invariants(zone.db)


async def test_a_passed_inspection_goes_on_to_payment_release_and_posting(zone: Zone) -> None:
    """Given the declaration goes to inspection, when the liaison records that it
    passed and customs then asks for the duties and releases, then the filer pays
    exactly the bill, the modules go through the gate and leave the book: 200 on the
    lot, the other exit's 100 still reserved."""
    zone.simulator.behaviour = SimulatorBehaviour.always_approve().model_copy(
        update={"inspection_rate": 1.0}
    )
    customs = CustomsReleasesLater(zone)
    handle = await _signed_off(zone, sale("DS-INSPECT-2"))
    await zone.reach(handle, Stage.INSPECTION)
    await handle.execute_update(
        "record_inspection",
        InspectionResult(actor="liaison-wang", role=Role.LIAISON, passed=True, reason="货证相符"),
    )
    waiting = await zone.reach(handle, Stage.AWAITING_RELEASE)
    assert waiting.waiting_for is Role.CUSTOMS
    assert waiting.paid is None

    await customs.release()
    paid = await _pay(zone, handle)
    result = await handle.result()

    assert result.stage is Stage.COMPLETED
    assert result.posted_transaction is not None
    assert _modules(zone) == SOLD
    final = await zone.status(handle)
    assert_timeline(
        final,
        "货证相符",
        f"duties payable: {paid} CNY",
        f"paid {paid} CNY, reference ICBC-20261128-0107",
        "released (P)",
    )
    assert filed(zone, "DS-INSPECT-2") == [("INV101", 0, "file")]
    assert_ledger_invariants(zone.db)


async def test_a_weight_mismatch_refused_by_the_liaison_deletes_the_list(zone: Zone) -> None:
    """Given the duties are paid and the list released, when the gate's scale
    disagrees with the declared weight and the liaison refuses the vehicle, then the
    list's deletion is filed and the 50 modules are back on the lot, unreserved."""
    zone.simulator.behaviour = SimulatorBehaviour.always_approve().model_copy(
        update={"weight_noise_kg": Decimal("5000")}
    )
    # No tolerance: any difference on the scale holds the vehicle.
    handle = await _signed_off(
        zone, sale("DS-WEIGHT-1"), LifecyclePolicy(weight_tolerance=Decimal(0))
    )
    await _pay(zone, handle)
    hold = await zone.reach(handle, Stage.WEIGHT_HOLD)
    assert hold.waiting_for is Role.LIAISON
    assert hold.measured_weight is not None
    assert hold.measured_weight != DECLARED_KG
    assert _modules(zone) == RESERVED

    await handle.execute_update(
        "decide_weight",
        WeightDecision(
            actor="liaison-wang", role=Role.LIAISON, accept=False, reason="复磅不符，不予放行"
        ),
    )
    result = await handle.result()

    assert result.stage is Stage.CANCELLED
    assert result.posted_transaction is None
    assert _modules(zone) == BEFORE
    final = await zone.status(handle)
    assert_timeline(final, "released (P)", "scale read ", "复磅不符，不予放行", "deletion filed: ")
    assert filed(zone, "DS-WEIGHT-1") == [("INV101", 0, "file"), ("INV101", 0, "delete")]
    assert filed(zone, "DS-WEIGHT-1-GP") == [("SAS121", 0, "")]
    assert_ledger_invariants(zone.db)


async def test_a_weight_mismatch_accepted_by_the_liaison_posts_the_sale(zone: Zone) -> None:
    """Given the scale disagrees with the declared weight, when the liaison lets the
    vehicle through as weighed, then the sale is posted: 200 modules on the lot."""
    zone.simulator.behaviour = SimulatorBehaviour.always_approve().model_copy(
        update={"weight_noise_kg": Decimal("5000")}
    )
    handle = await _signed_off(
        zone, sale("DS-WEIGHT-2"), LifecyclePolicy(weight_tolerance=Decimal(0))
    )
    await _pay(zone, handle)
    hold = await zone.reach(handle, Stage.WEIGHT_HOLD)
    assert hold.measured_weight is not None
    assert hold.measured_weight != DECLARED_KG

    await handle.execute_update(
        "decide_weight",
        WeightDecision(
            actor="liaison-wang", role=Role.LIAISON, accept=True, reason="皮重差异，已核实"
        ),
    )
    result = await handle.result()

    assert result.stage is Stage.COMPLETED
    assert result.posted_transaction is not None
    assert _modules(zone) == SOLD
    final = await zone.status(handle)
    assert final.measured_weight == hold.measured_weight
    assert_timeline(final, "scale read ", "皮重差异，已核实")
    assert filed(zone, "DS-WEIGHT-2") == [("INV101", 0, "file")]
    assert_ledger_invariants(zone.db)


async def test_a_returned_sale_is_corrected_and_declared_again_with_the_next_change_count(
    zone: Zone,
) -> None:
    """Given customs returns the list (退单), the 50 modules stay reserved while the
    filer corrects it; the correction is filed with ChgTmsCnt 1, approved, paid for
    and posted, and the first reservation is voided: 200 on the lot, 100 reserved."""
    zone.simulator.behaviour = SimulatorBehaviour.always_approve().model_copy(
        update={"return_rate": 1.0}
    )
    draft = sale("DS-RETURN-1")
    handle = await _signed_off(zone, draft)
    returned = await zone.reach(handle, Stage.RETURNED)
    assert returned.waiting_for is Role.FILER
    assert_timeline(returned, "list filed (ChgTmsCnt 0): ", "returned: ")
    assert _modules(zone) == RESERVED

    zone.simulator.behaviour = SimulatorBehaviour.always_approve()
    await handle.execute_update(
        "correct",
        Correction(
            actor="filer-li",
            role=Role.FILER,
            reason="单价已核实",
            draft=draft.model_copy(update={"remark": "单价已核实"}),
        ),
    )
    await _pay(zone, handle)
    result = await handle.result()

    assert result.stage is Stage.COMPLETED
    final = await zone.status(handle)
    assert final.change_count == 1
    assert_timeline(
        final,
        "list filed (ChgTmsCnt 0): ",
        "returned: ",
        "corrected: 单价已核实",
        "list filed (ChgTmsCnt 1): ",
        "approved: ",
    )
    assert filed(zone, "DS-RETURN-1") == [("INV101", 0, "file"), ("INV101", 1, "file")]
    assert _modules(zone) == SOLD
    assert_ledger_invariants(zone.db)
