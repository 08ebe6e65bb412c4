"""Domestic sale with elective duty on the dev server: both bills shown, the choice on
the list, the duties paid before release, the modules gone to the domestic market."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from temporalio.client import WorkflowHandle, WorkflowUpdateFailedError

from customs.routing import Number
from demo import ids
from ledger import LedgerQueries
from schemas.lifecycle import (
    Decision,
    DomesticSaleDraft,
    DomesticSaleInput,
    EntryLine,
    EntryResult,
    MaterialValue,
    PaymentConfirmation,
    Role,
    Stage,
    Vehicle,
)
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

    with pytest.raises(WorkflowUpdateFailedError):
        await handle.execute_update(
            "confirm_payment",
            PaymentConfirmation(
                actor="filer-li", role=Role.FILER, reference="ICBC-1", amount=Decimal("1.00")
            ),
        )
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
