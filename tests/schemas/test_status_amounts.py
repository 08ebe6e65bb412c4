"""The amounts a client needs are in the status JSON, computed once, and the JSON reads
back into the same model (as Temporal's converter and FastAPI read it)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from pydantic import ValidationError
from temporalio.contrib.pydantic import pydantic_data_converter

from schemas.lifecycle import (
    LateFeeView,
    Lifecycle,
    LifecycleStatus,
    Stage,
    TaxAssessment,
    TaxBillView,
)

ON_MATERIALS = TaxBillView(
    cif=Decimal("25822.33"),
    duty=Decimal("1210.40"),
    consumption_tax=Decimal("0.00"),
    vat=Decimal("3514.25"),
    total=Decimal("4724.65"),
)
ON_FINISHED_GOODS = TaxBillView(
    cif=Decimal("25822.33"),
    duty=Decimal("0.00"),
    consumption_tax=Decimal("0.00"),
    vat=Decimal("3356.90"),
    total=Decimal("3356.90"),
)


def taxes(chosen: str) -> TaxAssessment:
    return TaxAssessment.model_validate(
        {
            "on_materials": ON_MATERIALS,
            "on_finished_goods": ON_FINISHED_GOODS,
            "chosen": chosen,
            "cheaper": "finished_goods",
            "saving": Decimal("1367.75"),
        }
    )


def status(
    assessment: TaxAssessment | None = None, late_fee: LateFeeView | None = None
) -> LifecycleStatus:
    return LifecycleStatus(
        workflow_id="sale-DS-1",
        lifecycle=Lifecycle.DOMESTIC_SALE,
        stage=Stage.AWAITING_PAYMENT,
        next_step="confirm the payment of the duties",
        waiting_for=None,
        change_count=0,
        escalated=False,
        pre_entry_no=None,
        list_no=None,
        pass_no=None,
        declaration_seq_no=None,
        entry_id=None,
        cif_cny=Decimal("25822.33"),
        late_fee=late_fee,
        measured_weight=None,
        timeline=(),
        taxes=assessment,
    )


@pytest.mark.parametrize(
    ("chosen", "bill"), [("materials", ON_MATERIALS), ("finished_goods", ON_FINISHED_GOODS)]
)
def test_the_status_json_carries_the_chosen_bill_and_its_total(
    chosen: str, bill: TaxBillView
) -> None:
    """Given a domestic sale whose enterprise chose a basis, then its status JSON names
    the bill to pay and the amount, with no arithmetic left to the client."""
    data = status(taxes(chosen)).model_dump(mode="json")
    assert data["taxes"]["payable"] == bill.model_dump(mode="json")
    assert data["duties_payable"] == str(bill.total)
    assert data["late_fee_payable"] is None


def test_the_late_fee_says_what_is_charged_and_whether_it_was_waived() -> None:
    below_minimum = LateFeeView(
        deadline=dt.date(2026, 3, 15),
        days_late=2,
        amount=Decimal("25.82"),
        charged=Decimal("0.00"),
    )
    data = status(late_fee=below_minimum).model_dump(mode="json")
    assert data["late_fee"]["waived"] is True
    assert data["late_fee_payable"] == "0.00"
    assert data["duties_payable"] is None


def test_a_status_read_back_through_the_temporal_converter_is_the_same_status() -> None:
    """Given a status with computed fields in its JSON, when Temporal's pydantic
    converter reads it back (as a query answer is), then it validates (the computed
    fields are not refused as extra inputs) and equals the original."""
    original = status(
        taxes("materials"),
        LateFeeView(
            deadline=dt.date(2026, 3, 15), days_late=0, amount=Decimal(0), charged=Decimal(0)
        ),
    )
    converter = pydantic_data_converter.payload_converter
    (payload,) = converter.to_payloads([original])
    assert b'"duties_payable":"4724.65"' in payload.data
    (read,) = converter.from_payloads([payload], [LifecycleStatus])
    assert read == original


def test_a_computed_value_changed_on_the_way_is_refused() -> None:
    """Given status JSON whose payable amount disagrees with its bills, when it is read
    back, then it is refused naming the field: the bills are the truth."""
    data = status(taxes("materials")).model_dump(mode="json")
    data["duties_payable"] = "1.00"
    with pytest.raises(ValidationError, match="duties_payable"):
        LifecycleStatus.model_validate(data)


def test_an_unknown_field_is_still_refused() -> None:
    """Only the computed fields are let back in: any other field is refused as before."""
    data = status().model_dump(mode="json") | {"payable_soon": "1.00"}
    with pytest.raises(ValidationError, match="payable_soon"):
        LifecycleStatus.model_validate(data)
