"""Which document a message belongs to, and what it teaches us about that document.

Pure functions over the parsed models. A receipt names its document by one or more
numbers; we look them up in a fixed order, the enterprise's own number first
because it is the only one we know from the start. What a receipt means (its
numbers, result and time) comes from ``customs.receipt_facts``; ``result`` keeps the
code customs sent, stripped, so an unknown code is recorded as it came.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

from customs import receipt_facts as facts
from schemas.messages.bonded_list import BondedListUpload
from schemas.messages.codes import DealFlag, MessageType
from schemas.messages.declaration import DeclarationMessage
from schemas.messages.gate_pass import GatePassUpload
from schemas.messages.receipts import (
    HdeApprResult,
    Inv201Receipt,
    Inv202Receipt,
    Inv211Receipt,
    Sas221Receipt,
    Sas223Receipt,
    Sas224Receipt,
    Sas253Receipt,
)
from schemas.messages.responses import (
    CommonResponeMessage,
    DecImportResponse,
    DecResultMessage,
)

Upload = BondedListUpload | GatePassUpload | DeclarationMessage
Answer = (
    Inv201Receipt
    | Inv202Receipt
    | Inv211Receipt
    | Sas221Receipt
    | Sas223Receipt
    | Sas224Receipt
    | Sas253Receipt
    | CommonResponeMessage
    | DecImportResponse
    | DecResultMessage
)


class DocumentKind(StrEnum):
    BONDED_LIST = "bonded_list"  # 核注清单
    GATE_PASS = "gate_pass"  # 核放单
    DECLARATION = "declaration"  # 报关单 / 备案清单


class Number(StrEnum):
    """The columns a document can be found by."""

    INNER_NO = "inner_no"  # 企业内部编号 / ClientSeqNo
    PRE_ENTRY_NO = "pre_entry_no"  # 预录入编号 (SeqNo)
    BUSINESS_NO = "business_no"  # 清单编号 / 核放单编号
    DECLARATION_SEQ_NO = "declaration_seq_no"  # 生成的报关单统一编号
    ENTRY_ID = "entry_id"  # 报关单号


@dataclass(frozen=True)
class Identity:
    """An upload's document: its kind, owner and the enterprise's own number."""

    kind: DocumentKind
    enterprise_code: str
    inner_no: str
    change_count: int


@dataclass(frozen=True)
class Route:
    """How to find an answer's document, most reliable number first."""

    candidates: tuple[tuple[Number, str], ...]
    learned: dict[Number, str] = field(default_factory=dict)  # numbers customs gave it
    key: str = ""  # the receipt's identity, the same however often it is re-sent
    result: str | None = None
    business_time: dt.datetime | None = None


def identity_of(message: Upload) -> Identity:
    if isinstance(message, BondedListUpload):
        head = message.message.head
        return Identity(
            DocumentKind.BONDED_LIST, head.bizop_etpsno, head.etps_inner_invt_no, head.chg_tms_cnt
        )
    if isinstance(message, GatePassUpload):
        head_ = message.message.head
        return Identity(DocumentKind.GATE_PASS, head_.areain_etpsno, head_.etps_preent_no, 0)
    return Identity(
        DocumentKind.DECLARATION,
        message.head.trade_code,
        message.sign.client_seq_no,
        0,
    )


def _present(*pairs: tuple[Number, str | None]) -> tuple[tuple[Number, str], ...]:
    return tuple((number, value) for number, value in pairs if value)


def route_of(message: Answer) -> Route:
    if isinstance(message, CommonResponeMessage):
        seq_no = facts.clean(message.seq_no)
        inner_no = facts.clean(message.etps_preent_no)
        flag = facts.deal_flag_of(message)
        result = flag.value if isinstance(flag, DealFlag) else None
        return Route(
            _present((Number.INNER_NO, inner_no), (Number.PRE_ENTRY_NO, seq_no)),
            learned=dict(_present((Number.PRE_ENTRY_NO, seq_no))),
            key=_key(
                MessageType.COMMON_RESPONSE,
                inner_no or seq_no,
                facts.clean(message.deal_flag),
                facts.clean(message.check_info),
            ),
            result=result,
        )
    if isinstance(message, Inv201Receipt | Inv211Receipt):
        kind = MessageType.INV201 if isinstance(message, Inv201Receipt) else MessageType.INV211
        result_block = message.body.result
        head = message.body.list_state
        numbers = facts.list_numbers_of(result_block, head)
        found: tuple[tuple[Number, str | None], ...] = (
            (Number.INNER_NO, numbers.inner_no),
            (Number.PRE_ENTRY_NO, numbers.pre_entry_no),
            (Number.BUSINESS_NO, numbers.list_no),
        )
        # Without a result block (a real INV211, an INV201 echoing the list) the
        # head's times order it: posted (formalVrfdedTime), else pre-deducted.
        when = facts.customs_time(result_block.manage_date) if result_block else None
        if when is None and head is not None:
            when = facts.customs_time(head.formal_vrfded_time) or facts.customs_time(
                head.prevd_time
            )
        change = facts.change_count_of(result_block, head)
        return _reviewed(kind, result_block, numbers.echoed, found, when, change)
    if isinstance(message, Inv202Receipt):
        appr = message.body.result
        pre_entry_no = facts.clean(appr.inv_preent_no) if appr else None
        list_no = facts.clean(appr.business_id) if appr else None
        created = facts.customs_time(appr.create_date) if appr else None
        manage_result = facts.clean(appr.manage_result) if appr else None
        return Route(
            _present((Number.PRE_ENTRY_NO, pre_entry_no), (Number.BUSINESS_NO, list_no)),
            learned=dict(
                _present(
                    (Number.PRE_ENTRY_NO, pre_entry_no),
                    (Number.BUSINESS_NO, list_no),
                    (Number.DECLARATION_SEQ_NO, facts.clean(appr.entry_seq_no) if appr else None),
                )
            ),
            key=_key(
                MessageType.INV202,
                pre_entry_no or list_no,
                manage_result,
                facts.clean(appr.create_date) if appr else None,
            ),
            result=manage_result,
            business_time=created,
        )
    if isinstance(message, Sas221Receipt | Sas223Receipt | Sas224Receipt):
        kind = {
            Sas221Receipt: MessageType.SAS221,
            Sas223Receipt: MessageType.SAS223,
            Sas224Receipt: MessageType.SAS224,
        }[type(message)]
        result_block = message.body.result
        pass_head = message.body.passes[0] if message.body.passes else None
        pass_numbers = facts.pass_numbers_of(result_block, pass_head)
        when = facts.customs_time(result_block.manage_date) if result_block else None
        if isinstance(message, Sas223Receipt):
            # The gate's own time orders a passage, not the time the receipt was made.
            when = facts.gate_passage_of(result_block, pass_head).passed_at
        found = (
            (Number.BUSINESS_NO, pass_numbers.pass_no),
            (Number.PRE_ENTRY_NO, pass_numbers.pre_entry_no),
        )
        return _reviewed(kind, result_block, pass_numbers.echoed, found, when, None)
    if isinstance(message, Sas253Receipt):
        result_block = message.body.result
        two_step = message.body.two_step_pass
        passage = facts.gate_passage_of(result_block, two_step)
        pass_numbers = facts.pass_numbers_of(result_block, two_step)
        found = (
            (Number.BUSINESS_NO, pass_numbers.pass_no),
            (Number.PRE_ENTRY_NO, pass_numbers.pre_entry_no),
        )
        return _reviewed(
            MessageType.SAS253, result_block, pass_numbers.echoed, found, passage.passed_at, None
        )
    if isinstance(message, DecImportResponse):
        client_seq_no = facts.clean(message.client_seq_no)
        seq_no = facts.clean(message.seq_no)
        return Route(
            _present((Number.INNER_NO, client_seq_no), (Number.PRE_ENTRY_NO, seq_no)),
            learned=dict(_present((Number.PRE_ENTRY_NO, seq_no))),
            key=_key(
                MessageType.DEC_IMPORT_RESPONSE,
                client_seq_no or seq_no,
                facts.clean(message.response_code),
                facts.clean(message.error_message),
            ),
            result=facts.clean(message.response_code),
        )
    decision = message.result
    seq_no = facts.declaration_seq_no_of(decision)
    entry_id = facts.clean(decision.entry_id)
    # A declaration we filed ourselves has it as pre-entry number; one generated from a
    # bonded list is known to that list as its declaration number (INV202).
    return Route(
        _present(
            (Number.PRE_ENTRY_NO, seq_no),
            (Number.DECLARATION_SEQ_NO, seq_no),
            (Number.ENTRY_ID, entry_id),
        ),
        learned=dict(_present((Number.ENTRY_ID, entry_id))),
        key=_key(
            MessageType.DEC_RESULT,
            seq_no,
            facts.clean(decision.channel),
            facts.clean(decision.notice_date),
        ),
        result=facts.clean(decision.channel),
        business_time=facts.customs_time(decision.notice_date),
    )


def _reviewed(
    kind: MessageType,
    result: HdeApprResult | None,
    echoed: str | None,
    numbers: tuple[tuple[Number, str | None], ...],
    when: dt.datetime | None,
    change_count: int | None,
) -> Route:
    """The route of a Phase II receipt (INV201/211, SAS221/223/224/253).

    ``echoed`` is HdeApprResult/etpsPreentNo: real receipts put customs' pre-entry
    number there, some clients the enterprise's own number, so it is tried as both.
    """
    manage_result = facts.clean(result.manage_result) if result else None
    return Route(
        _present(
            (Number.INNER_NO, echoed),
            *numbers,
            (Number.PRE_ENTRY_NO, echoed),
        ),
        learned=dict(_present(*(pair for pair in numbers if pair[0] is not Number.INNER_NO))),
        key=_key(
            kind,
            echoed or next((value for _, value in numbers if value), None),
            change_count,
            manage_result,
            when.isoformat() if when else None,
        ),
        result=manage_result,
        business_time=when,
    )


def _key(*parts: object) -> str:
    return "|".join("" if part is None else str(part) for part in parts)[:300]
