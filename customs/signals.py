"""What a workflow is told about a receipt: the facts it acts on, without the XML (pure).

The facts come from ``customs.receipt_facts``, the one place that reads meaning into
what customs sent.
"""

from __future__ import annotations

from customs import receipt_facts as facts
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
    Sas253Receipt,
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
        result = message.body.result
        head = message.body.list_state
        numbers = facts.list_numbers_of(result, head)
        checks = message.body.checks if isinstance(message, Inv201Receipt) else ()
        return ReceiptSignal(
            **base,
            change_count=facts.change_count_of(result, head),
            pre_entry_no=numbers.pre_entry_no,
            list_no=numbers.list_no,
            reasons=facts.reasons_of(checks, result.rmk if result else None)
            if isinstance(message, Inv201Receipt)
            else (),
        )
    if isinstance(message, Inv202Receipt):
        generated = message.body.result
        reason = facts.clean(generated.reason) if generated else None
        return ReceiptSignal(
            **base,
            pre_entry_no=facts.clean(generated.inv_preent_no) if generated else None,
            list_no=facts.clean(generated.business_id) if generated else None,
            declaration_seq_no=facts.clean(generated.entry_seq_no) if generated else None,
            reasons=(reason,) if reason else (),
        )
    if isinstance(message, Sas221Receipt | Sas224Receipt):
        reviewed = message.body.result
        pass_head = message.body.passes[0] if message.body.passes else None
        pass_checks = message.body.checks if isinstance(message, Sas221Receipt) else ()
        return ReceiptSignal(
            **base,
            pass_no=facts.pass_numbers_of(reviewed, pass_head).pass_no,
            reasons=facts.reasons_of(pass_checks, reviewed.rmk if reviewed else None),
        )
    if isinstance(message, Sas223Receipt):
        gate_head = message.body.passes[0] if message.body.passes else None
        passage = facts.gate_passage_of(message.body.result, gate_head)
        return ReceiptSignal(
            **base, pass_no=passage.pass_no, measured_weight=passage.measured_weight
        )
    if isinstance(message, Sas253Receipt):
        passage = facts.gate_passage_of(message.body.result, message.body.two_step_pass)
        return ReceiptSignal(**base, pass_no=passage.pass_no)
    if isinstance(message, CommonResponeMessage):
        reason = facts.clean(message.check_info)
        return ReceiptSignal(
            **base, pre_entry_no=facts.clean(message.seq_no), reasons=(reason,) if reason else ()
        )
    if isinstance(message, DecImportResponse):
        reason = facts.clean(message.error_message)
        return ReceiptSignal(
            **base,
            declaration_seq_no=facts.clean(message.seq_no),
            reasons=(reason,) if reason else (),
        )
    assert isinstance(message, DecResultMessage)
    decision = message.result
    return ReceiptSignal(
        **base,
        declaration_seq_no=facts.declaration_seq_no_of(decision),
        entry_id=facts.clean(decision.entry_id),
        reasons=facts.channel_reasons(decision, message.info),
    )
