"""Builders of the messages the simulated customs sends back."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from schemas.messages.base import EnvelopeStyle
from schemas.messages.codes import DealFlag, ImpExp, MessageType
from schemas.messages.envelope import EnvelopInfo
from schemas.messages.receipts import (
    BondInvtBsc,
    CheckInfo,
    HdeApprResult,
    Inv201,
    Inv201Receipt,
    Inv202,
    Inv202Receipt,
    Inv211,
    Inv211Receipt,
    InvApprResult,
    PassportBsc,
    PassportGate,
    Sas221,
    Sas221Receipt,
    Sas223,
    Sas223Receipt,
    Sas224,
    Sas224Receipt,
)
from schemas.messages.responses import (
    CommonResponeMessage,
    DecImportResponse,
    DecResult,
    DecResultMessage,
)


def _checks(reasons: tuple[str, ...]) -> tuple[CheckInfo, ...]:
    return tuple(CheckInfo(note=reason[:4000]) for reason in reasons)


def envelope(
    message_type: MessageType,
    *,
    file_name: str,
    sender_id: str,
    receiver_id: str,
    at: dt.datetime,
) -> EnvelopInfo:
    stem = file_name.removesuffix(".xml")
    return EnvelopInfo(
        message_id=stem[:100],
        file_name=file_name[:100],
        message_type=message_type,
        sender_id=sender_id,
        receiver_id=receiver_id,
        send_time=at,
    )


def import_result(
    *, seq_no: str | None, inner_no: str | None, ok: bool, reason: str
) -> CommonResponeMessage:
    return CommonResponeMessage(
        seq_no=seq_no,
        etps_preent_no=inner_no,
        check_info=reason[:4000] or None,
        deal_flag=DealFlag.OK if ok else DealFlag.FAILED,
    )


def list_review(
    envelope_info: EnvelopInfo,
    style: EnvelopeStyle,
    *,
    inner_no: str,
    seq_no: str,
    list_no: str | None,
    change_count: int,
    result: str,
    list_status: str | None,
    deduction: str | None,
    at: dt.datetime,
    reasons: tuple[str, ...] = (),
) -> Inv201Receipt:
    return Inv201Receipt(
        style=style,
        envelope=envelope_info,
        body=Inv201(
            result=HdeApprResult(
                etps_preent_no=inner_no,
                business_id=list_no,
                tms_cnt=change_count,
                typecd="INV201",
                manage_result=result,
                manage_date=at,
                rmk=_REVIEW_REMARKS.get(result),
            ),
            list_state=BondInvtBsc(
                seq_no=seq_no, bond_invt_no=list_no, invt_stucd=list_status, vrfded_markcd=deduction
            ),
            checks=_checks(reasons),
        ),
    )


_REVIEW_REMARKS = {
    "Y": "入库成功",
    "Z": "入库失败",
    "1": "审核通过",
    "2": "转人工审核",
    "3": "退单",
}


def declaration_generated(
    envelope_info: EnvelopInfo,
    style: EnvelopeStyle,
    *,
    seq_no: str,
    list_no: str,
    declaration_seq_no: str,
    change_count: int,
    at: dt.datetime,
) -> Inv202Receipt:
    return Inv202Receipt(
        style=style,
        envelope=envelope_info,
        body=Inv202(
            result=InvApprResult(
                inv_preent_no=seq_no,
                business_id=list_no,
                entry_seq_no=declaration_seq_no,
                change_times=change_count,
                manage_result="1",
                manage_date=at,
                rmk="报关单生成成功",
            )
        ),
    )


def list_posted(
    envelope_info: EnvelopInfo,
    style: EnvelopeStyle,
    *,
    inner_no: str,
    seq_no: str,
    list_no: str,
    change_count: int,
    at: dt.datetime,
) -> Inv211Receipt:
    return Inv211Receipt(
        style=style,
        envelope=envelope_info,
        body=Inv211(
            result=HdeApprResult(
                etps_preent_no=inner_no,
                business_id=list_no,
                tms_cnt=change_count,
                typecd="INV211",
                manage_result="1",
                manage_date=at,
                rmk="记账成功",
            ),
            list_state=BondInvtBsc(
                seq_no=seq_no, bond_invt_no=list_no, invt_stucd="0", vrfded_markcd="2"
            ),
        ),
    )


def pass_review(
    envelope_info: EnvelopInfo,
    style: EnvelopeStyle,
    *,
    inner_no: str,
    pass_no: str | None,
    result: str,
    status: str | None,
    at: dt.datetime,
    reasons: tuple[str, ...] = (),
) -> Sas221Receipt:
    return Sas221Receipt(
        style=style,
        envelope=envelope_info,
        body=Sas221(
            result=HdeApprResult(
                etps_preent_no=inner_no,
                business_id=pass_no,
                tms_cnt=0,
                typecd="SAS221",
                manage_result=result,
                manage_date=at,
                rmk=_REVIEW_REMARKS.get(result),
            ),
            pass_state=PassportBsc(passport_no=pass_no, stucd=status),
            checks=_checks(reasons),
        ),
    )


def gate_passage(
    envelope_info: EnvelopInfo,
    style: EnvelopeStyle,
    *,
    inner_no: str,
    pass_no: str,
    vehicle_no: str,
    io: ImpExp,
    measured: Decimal,
    list_numbers: tuple[str, ...],
    at: dt.datetime,
) -> Sas223Receipt:
    return Sas223Receipt(
        style=style,
        envelope=envelope_info,
        body=Sas223(
            result=HdeApprResult(
                etps_preent_no=inner_no,
                business_id=pass_no,
                typecd="SAS223",
                manage_result="1",
                manage_date=at,
                rmk="已过卡",
            ),
            gate=PassportGate(
                passport_no=pass_no,
                vehicle_no=vehicle_no,
                io_typecd=io,
                gate_no="XN-G01",
                pass_time=at,
                total_wt=measured,
                rlt_no=list_numbers,
            ),
        ),
    )


def gate_inspection(
    envelope_info: EnvelopInfo,
    style: EnvelopeStyle,
    *,
    inner_no: str,
    pass_no: str,
    at: dt.datetime,
) -> Sas224Receipt:
    return Sas224Receipt(
        style=style,
        envelope=envelope_info,
        body=Sas224(
            result=HdeApprResult(
                etps_preent_no=inner_no,
                business_id=pass_no,
                typecd="SAS224",
                manage_result="1",
                manage_date=at,
                rmk="卡口查验完毕，准予放行",
            ),
            checks=_checks(("卡口布控查验：开箱查验，货证相符",)),
        ),
    )


def declaration_import(
    *, client_seq_no: str | None, seq_no: str | None, ok: bool, reason: str
) -> DecImportResponse:
    return DecImportResponse(
        response_code="0" if ok else "1",
        error_message=None if ok else reason[:4000],
        client_seq_no=client_seq_no,
        seq_no=seq_no,
    )


_CHANNEL_NOTES = {
    "L": "海关入库成功",
    "E": "退单",
    "G": "审结",
    "T": "缴款通知：请缴纳税款",
    "C": "查验通知",
    "S": "查验中",
    "P": "海关放行",
    "R": "结关",
    "D": "删单",
    "Z": "退回修改",
}


def declaration_status(
    *,
    seq_no: str,
    entry_id: str | None,
    channel: str,
    at: dt.datetime,
    port: str,
    reasons: tuple[str, ...] = (),
) -> DecResultMessage:
    note = "；".join(reasons) if reasons else _CHANNEL_NOTES.get(channel, channel)
    return DecResultMessage(
        result=DecResult(
            cus_ciq_no=seq_no,
            entry_id=entry_id,
            notice_date=at,
            channel=channel,
            note=note[:4000],
            decl_port=port,
        ),
        info=_CHANNEL_NOTES.get(channel),
    )
