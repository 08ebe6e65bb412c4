"""Realistic answers from customs in the Xining solar story, for tests.

The counterparts of ``tests.support.messages`` for what comes back: the Phase II
receipts INV202, INV211, SAS221, SAS223 and SAS224 (INV201 is
``messages.review_receipt``) and the declaration system's DecImportResponse and
DEC_DATA. Every optional element is filled in, so that a schema or codec test
that renders them sees every element at least once.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from schemas.messages.base import EnvelopeStyle
from schemas.messages.codes import (
    DeductionMark,
    GatePassStatus,
    ImpExp,
    ListStatus,
    MessageType,
)
from schemas.messages.fields import DOCUMENT_ZONE
from schemas.messages.receipts import (
    BondInvtBsc,
    CheckInfo,
    HdeApprResult,
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
from schemas.messages.responses import DecImportResponse, DecResult, DecResultMessage
from tests.support.messages import AGENT_CODE, AGENT_NAME, BOOK, DISTRICT, envelope

LIST_NO = "QD960126I000000123"
LIST_SEQ_NO = "960120261000012345"
DECLARATION_SEQ_NO = "960120261000067890"
ENTRY_ID = "960120261000004321"
PASS_NO = "HF960126I000000456"
PASS_INNER_NO = "SOLAR-GP-0001"
LIST_INNER_NO = "SOLAR-IN-0001"
CLIENT_SEQ_NO = "SOLARDEC0000000001"


def _at(hour: int, minute: int, second: int = 0) -> datetime:
    return datetime(2026, 11, 28, hour, minute, second, tzinfo=DOCUMENT_ZONE)


def declaration_generated(style: EnvelopeStyle = EnvelopeStyle.XMLDSIG) -> Inv202Receipt:
    """INV202: customs generated the declaration from the approved list."""
    return Inv202Receipt(
        style=style,
        envelope=envelope(MessageType.INV202, "INV202_solar_0001.xml"),
        body=Inv202(
            result=InvApprResult(
                inv_preent_no=LIST_SEQ_NO,
                business_id=LIST_NO,
                entry_seq_no=DECLARATION_SEQ_NO,
                change_times=0,
                manage_result="1",
                manage_date=_at(11, 20, 5),
                rmk="报关单生成成功",
            ),
            checks=(CheckInfo(note="报关单已生成，请在单一窗口补充申报要素后申报"),),
        ),
    )


def list_posted(style: EnvelopeStyle = EnvelopeStyle.XMLDSIG) -> Inv211Receipt:
    """INV211: the list was posted to the account book (已核扣)."""
    return Inv211Receipt(
        style=style,
        envelope=envelope(MessageType.INV211, "INV211_solar_0001.xml"),
        body=Inv211(
            result=HdeApprResult(
                etps_preent_no=LIST_INNER_NO,
                business_id=LIST_NO,
                tms_cnt=0,
                typecd="INV211",
                manage_result="1",
                manage_date=_at(15, 42, 17),
                rmk="记账成功",
            ),
            list_state=BondInvtBsc(
                seq_no=LIST_SEQ_NO,
                bond_invt_no=LIST_NO,
                invt_stucd=ListStatus.APPROVED,
                vrfded_markcd=DeductionMark.DEDUCTED,
                entry_stucd="1",
            ),
        ),
    )


def pass_review(style: EnvelopeStyle = EnvelopeStyle.XMLDSIG) -> Sas221Receipt:
    """SAS221: the gate pass was approved."""
    return Sas221Receipt(
        style=style,
        envelope=envelope(MessageType.SAS221, "SAS221_solar_0001.xml"),
        body=Sas221(
            result=HdeApprResult(
                etps_preent_no=PASS_INNER_NO,
                business_id=PASS_NO,
                tms_cnt=0,
                typecd="SAS221",
                manage_result="1",
                manage_date=_at(12, 3, 0),
                rmk="审核通过",
            ),
            pass_state=PassportBsc(passport_no=PASS_NO, stucd=GatePassStatus.APPROVED),
            checks=(CheckInfo(note="请于当日18:00前过卡"),),
        ),
    )


def gate_passage(style: EnvelopeStyle = EnvelopeStyle.XMLDSIG) -> Sas223Receipt:
    """SAS223: the vehicle passed the gate; the scale read 18161.5 kg."""
    return Sas223Receipt(
        style=style,
        envelope=envelope(MessageType.SAS223, "SAS223_solar_0001.xml"),
        body=Sas223(
            result=HdeApprResult(
                etps_preent_no=PASS_INNER_NO,
                business_id=PASS_NO,
                tms_cnt=0,
                typecd="SAS223",
                manage_result="1",
                manage_date=_at(14, 3, 0),
                rmk="已过卡",
            ),
            gate=PassportGate(
                passport_no=PASS_NO,
                vehicle_no="青A·D2468",
                io_typecd=ImpExp.IMPORT,
                gate_no="XN-G01",
                pass_time=_at(14, 2, 41),
                total_wt=Decimal("18161.5"),
                rlt_no=(LIST_NO, "QD960126I000000124"),
            ),
        ),
    )


def gate_inspection(style: EnvelopeStyle = EnvelopeStyle.XMLDSIG) -> Sas224Receipt:
    """SAS224: held for inspection at the gate, then released."""
    return Sas224Receipt(
        style=style,
        envelope=envelope(MessageType.SAS224, "SAS224_solar_0001.xml"),
        body=Sas224(
            result=HdeApprResult(
                etps_preent_no=PASS_INNER_NO,
                business_id=PASS_NO,
                tms_cnt=0,
                typecd="SAS224",
                manage_result="1",
                manage_date=_at(14, 35, 12),
                rmk="卡口查验完毕，准予放行",
            ),
            checks=(
                CheckInfo(note="卡口布控查验：开箱查验"),
                CheckInfo(note="货证相符"),
            ),
        ),
    )


def declaration_imported() -> DecImportResponse:
    """DecImportResponse: the declaration was imported and got its SeqNo."""
    return DecImportResponse(
        response_code="0",
        error_message="导入成功",
        client_seq_no=CLIENT_SEQ_NO,
        seq_no=DECLARATION_SEQ_NO,
        trn_pre_id="TRN0000001",
    )


def declaration_released() -> DecResultMessage:
    """DEC_DATA: the declaration was released (channel P)."""
    return DecResultMessage(
        result=DecResult(
            cus_ciq_no=DECLARATION_SEQ_NO,
            entry_id=ENTRY_ID,
            notice_date=_at(16, 10, 0),
            channel="P",
            note="海关放行",
            decl_port=DISTRICT,
            agent_name=AGENT_NAME,
            declare_no="63000000001",
            trade_co=AGENT_CODE,
            customs_field="9601A",
            bonded_no=BOOK,
            i_e_date=date(2026, 11, 28),
            pack_no=52,
            bill_no="X8157-20261128-01",
            traf_mode="3",
            voyage_no="X8157",
            net_wt=Decimal("21950"),
            gross_wt=Decimal("24680.5"),
            d_date=date(2026, 11, 28),
        ),
        info="海关已放行",
    )
