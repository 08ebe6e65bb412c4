"""What a workflow is told about a receipt: the facts it acts on, without the XML (pure)."""

from __future__ import annotations

from customs.routing import Answer
from schemas.customs import ReceiptView
from schemas.lifecycle import ReceiptSignal
from schemas.messages.receipts import (
    Inv201Receipt,
    Inv202Receipt,
    Inv211Receipt,
    Sas221Receipt,
    Sas223Receipt,
    Sas224Receipt,
)
from schemas.messages.responses import CommonResponeMessage, DecImportResponse, DecResultMessage


def signal_of(receipt: ReceiptView, message: Answer) -> ReceiptSignal:
    base = {
        "receipt_id": receipt.id,
        "message_type": receipt.message_type,
        "result": receipt.result,
        "business_time": receipt.business_time,
    }
    if isinstance(message, Inv201Receipt | Inv211Receipt):
        state = message.body.list_state
        reasons = (
            tuple(c.note for c in message.body.checks) if isinstance(message, Inv201Receipt) else ()
        )
        return ReceiptSignal(
            **base,
            change_count=message.body.result.tms_cnt,
            pre_entry_no=state.seq_no if state else None,
            list_no=(state.bond_invt_no if state else None) or message.body.result.business_id,
            reasons=reasons,
        )
    if isinstance(message, Inv202Receipt):
        result = message.body.result
        return ReceiptSignal(
            **base,
            change_count=result.change_times,
            pre_entry_no=result.inv_preent_no,
            list_no=result.business_id,
            declaration_seq_no=result.entry_seq_no,
        )
    if isinstance(message, Sas221Receipt):
        pass_no = message.body.result.business_id
        if message.body.pass_state is not None:
            pass_no = message.body.pass_state.passport_no or pass_no
        return ReceiptSignal(
            **base, pass_no=pass_no, reasons=tuple(c.note for c in message.body.checks)
        )
    if isinstance(message, Sas224Receipt):
        return ReceiptSignal(
            **base,
            pass_no=message.body.result.business_id,
            reasons=tuple(c.note for c in message.body.checks),
        )
    if isinstance(message, Sas223Receipt):
        return ReceiptSignal(
            **base,
            pass_no=message.body.gate.passport_no,
            measured_weight=message.body.gate.total_wt,
        )
    if isinstance(message, CommonResponeMessage):
        reasons = (message.check_info,) if message.check_info else ()
        return ReceiptSignal(**base, pre_entry_no=message.seq_no, reasons=reasons)
    if isinstance(message, DecImportResponse):
        reasons = (message.error_message,) if message.error_message else ()
        return ReceiptSignal(**base, declaration_seq_no=message.seq_no, reasons=reasons)
    assert isinstance(message, DecResultMessage)
    result_ = message.result
    return ReceiptSignal(
        **base,
        declaration_seq_no=result_.cus_ciq_no,
        entry_id=result_.entry_id,
        reasons=(result_.note,) if result_.note and result_.channel in ("E", "Z", "D") else (),
    )
