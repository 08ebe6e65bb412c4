"""Which document a message belongs to, and what it teaches us about that document.

Pure functions over the parsed models. A receipt names its document by one or more
numbers; we look them up in a fixed order, the enterprise's own number first
because it is the only one we know from the start.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

from schemas.messages.bonded_list import BondedListUpload
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
        return Route(
            _present(
                (Number.INNER_NO, message.etps_preent_no), (Number.PRE_ENTRY_NO, message.seq_no)
            ),
            learned=dict(_present((Number.PRE_ENTRY_NO, message.seq_no))),
            key=_key(
                "CommonResponeMessage",
                message.etps_preent_no or message.seq_no,
                message.deal_flag.value,
                message.check_info,
            ),
            result=message.deal_flag.value,
        )
    if isinstance(message, Inv201Receipt | Inv211Receipt):
        state = message.body.list_state
        seq_no = state.seq_no if state else None
        list_no = (state.bond_invt_no if state else None) or message.body.result.business_id
        numbers: tuple[tuple[Number, str | None], ...] = (
            (Number.PRE_ENTRY_NO, seq_no),
            (Number.BUSINESS_NO, list_no),
        )
        kind = "INV201" if isinstance(message, Inv201Receipt) else "INV211"
        return _reviewed(kind, message.body.result, numbers, numbers)
    if isinstance(message, Inv202Receipt):
        appr = message.body.result
        return Route(
            _present(
                (Number.PRE_ENTRY_NO, appr.inv_preent_no), (Number.BUSINESS_NO, appr.business_id)
            ),
            learned=dict(
                _present(
                    (Number.PRE_ENTRY_NO, appr.inv_preent_no),
                    (Number.BUSINESS_NO, appr.business_id),
                    (Number.DECLARATION_SEQ_NO, appr.entry_seq_no),
                )
            ),
            key=_key(
                "INV202",
                appr.inv_preent_no,
                appr.change_times,
                appr.manage_result,
                appr.manage_date.isoformat(),
            ),
            result=appr.manage_result,
            business_time=appr.manage_date,
        )
    if isinstance(message, Sas221Receipt | Sas224Receipt):
        result = message.body.result
        pass_no = result.business_id
        if isinstance(message, Sas221Receipt) and message.body.pass_state is not None:
            pass_no = message.body.pass_state.passport_no or pass_no
        numbers = ((Number.BUSINESS_NO, pass_no),)
        kind = "SAS221" if isinstance(message, Sas221Receipt) else "SAS224"
        return _reviewed(kind, result, numbers, numbers)
    if isinstance(message, Sas223Receipt):
        gate = message.body.gate
        numbers = ((Number.BUSINESS_NO, gate.passport_no),)
        # The gate's own time orders a passage, not the time the receipt was made.
        return _reviewed("SAS223", message.body.result, numbers, numbers, gate.pass_time)
    if isinstance(message, DecImportResponse):
        return Route(
            _present(
                (Number.INNER_NO, message.client_seq_no), (Number.PRE_ENTRY_NO, message.seq_no)
            ),
            learned=dict(_present((Number.PRE_ENTRY_NO, message.seq_no))),
            key=_key(
                "DecImportResponse",
                message.client_seq_no or message.seq_no,
                message.response_code,
                message.error_message,
            ),
            result=message.response_code,
        )
    decision = message.result
    # A declaration we filed ourselves has it as pre-entry number; one generated from a
    # bonded list is known to that list as its declaration number (INV202).
    return Route(
        _present(
            (Number.PRE_ENTRY_NO, decision.cus_ciq_no),
            (Number.DECLARATION_SEQ_NO, decision.cus_ciq_no),
            (Number.ENTRY_ID, decision.entry_id),
        ),
        learned=dict(_present((Number.ENTRY_ID, decision.entry_id))),
        key=_key(
            "DEC_RESULT", decision.cus_ciq_no, decision.channel, decision.notice_date.isoformat()
        ),
        result=decision.channel,
        business_time=decision.notice_date,
    )


def _reviewed(
    kind: str,
    result: HdeApprResult,
    numbers: tuple[tuple[Number, str | None], ...],
    learned: tuple[tuple[Number, str | None], ...],
    at: dt.datetime | None = None,
) -> Route:
    """The route of a receipt with an HdeApprResult block (INV201/211, SAS221/223/224)."""
    when = at or result.manage_date
    return Route(
        _present(
            (Number.INNER_NO, result.etps_preent_no),
            *numbers,
            # Real receipts put customs' pre-entry number in etpsPreentNo.
            (Number.PRE_ENTRY_NO, result.etps_preent_no),
        ),
        learned=dict(_present(*learned)),
        key=_key(
            kind, result.etps_preent_no, result.tms_cnt, result.manage_result, when.isoformat()
        ),
        result=result.manage_result,
        business_time=when,
    )


def _key(*parts: object) -> str:
    return "|".join("" if part is None else str(part) for part in parts)[:300]
