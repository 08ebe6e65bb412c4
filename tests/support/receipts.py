"""Realistic answers from customs in the Xining solar story, for tests.

The counterparts of ``tests.support.messages`` for what comes back: the Phase II
receipts INV202, INV211, SAS221, SAS223, SAS224 and SAS253 (INV201 is
``messages.review_receipt``) and the declaration system's DecImportResponse and
DEC_RESULT in both forms. Every element is filled in, so that a schema or codec test
that renders them sees every element at least once.
"""

from __future__ import annotations

from datetime import datetime

from adapters.simulator import receipts as build
from schemas.messages.base import EnvelopeStyle
from schemas.messages.codes import GatePassStatus, MessageType
from schemas.messages.fields import DOCUMENT_ZONE
from schemas.messages.receipts import (
    BondInvtBsc,
    BondInvtDt,
    CheckInfo,
    EmsPutrecDt,
    HdeApprResult,
    Inv202,
    Inv202Receipt,
    Inv211,
    Inv211Receipt,
    InvApprResult,
    Sas2stepPassportBsc,
    Sas221,
    Sas221Receipt,
    Sas223,
    Sas223Receipt,
    Sas224,
    Sas224Receipt,
    Sas253,
    Sas253Receipt,
    SasPassportBsc,
    SasPassportDt,
    SasPassportRlt,
)
from schemas.messages.responses import DecImportResponse, DecResult, DecResultMessage
from tests.support.messages import AGENT_CODE, AGENT_NAME, BOOK, DISTRICT, envelope

LIST_NO = "QD960126I000000123"
LIST_SEQ_NO = "960120261000012345"
DECLARATION_SEQ_NO = "960120261000067890"
ENTRY_ID = "960120261000004321"
PASS_NO = "HF960126I000000456"
PASS_SEQ_NO = "960120261000045678"
PASS_INNER_NO = "SOLAR-GP-0001"
LIST_INNER_NO = "SOLAR-IN-0001"
CLIENT_SEQ_NO = "SOLARDEC0000000001"


def _at(hour: int, minute: int, second: int = 0) -> str:
    return f"2026-11-28 {hour:02d}:{minute:02d}:{second:02d}"


def _result(typecd: str, business_id: str, result: str, at: str, remark: str) -> HdeApprResult:
    return HdeApprResult(
        etps_preent_no=PASS_SEQ_NO if business_id == PASS_NO else LIST_SEQ_NO,
        business_id=business_id,
        tms_cnt="0",
        typecd=typecd,
        manage_result=result,
        manage_date=at,
        rmk=remark,
    )


def list_head() -> BondInvtBsc:
    """The list's head as customs echoes it, every one of the 51 elements filled in."""
    values = {name: f"v{index}" for index, name in enumerate(BondInvtBsc.model_fields)}
    return BondInvtBsc.model_validate(
        values
        | {
            "bond_invt_no": LIST_NO,
            "invt_preent_no": LIST_SEQ_NO,
            "putrec_no": BOOK,
            "etps_inner_invt_no": LIST_INNER_NO,
            "vrfded_markcd": "2",
            "formal_vrfded_time": _at(15, 42, 13),
        }
    )


def pass_head(status: GatePassStatus = GatePassStatus.THROUGH_GATE) -> SasPassportBsc:
    """The pass as customs echoes it, all 41 elements filled in (col2-col4 too)."""
    values = {name: f"v{index}" for index, name in enumerate(SasPassportBsc.model_fields)}
    return SasPassportBsc.model_validate(
        values
        | {
            "passport_no": PASS_NO,
            "sas_passport_preent_no": PASS_SEQ_NO,
            "rlt_no": f"{LIST_NO}\\QD960126I000000124",
            "vehicle_no": "青A·D2468",
            "total_wt": "18156.5",
            "pass_collect_wt": "18161.5",
            "wt_error": "5",
            "pass_time": _at(14, 2, 41),
            "stucd": status.value,
        }
    )


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
                manage_result="1",
                create_date=_at(11, 20, 5),
                reason="报关单已生成，请在单一窗口补充申报要素后申报",
            )
        ),
    )


def list_posted(style: EnvelopeStyle = EnvelopeStyle.XMLDSIG) -> Inv211Receipt:
    """INV211: the list was posted to the account book (已核扣), with a result block
    (which real ones leave out), a processing-book line and a warehouse-book line."""
    head = list_head()
    lines = (
        BondInvtDt.model_validate(
            {name: f"d{index}" for index, name in enumerate(BondInvtDt.model_fields)}
            | {"gds_seqno": "1", "putrec_seqno": "7", "dcl_qty": "1200"}
        ),
    )
    book_line = EmsPutrecDt.model_validate(
        {name: f"e{index}" for index, name in enumerate(EmsPutrecDt.model_fields)}
    )
    return Inv211Receipt(
        style=style,
        envelope=envelope(MessageType.INV211, "INV211_solar_0001.xml"),
        body=Inv211(
            result=_result("1", LIST_NO, "1", _at(15, 42, 17), "记账成功"),
            list_state=head,
            book_lines=(book_line,),
            warehouse_lines=build.warehouse_lines(
                head, lines, datetime(2026, 11, 28, 15, 42, 13, tzinfo=DOCUMENT_ZONE)
            ),
        ),
    )


def pass_review(style: EnvelopeStyle = EnvelopeStyle.XMLDSIG) -> Sas221Receipt:
    """SAS221: the gate pass was approved."""
    head = pass_head(GatePassStatus.APPROVED)
    line = SasPassportDt.model_validate(
        {name: f"d{index}" for index, name in enumerate(SasPassportDt.model_fields)}
    )
    return Sas221Receipt(
        style=style,
        envelope=envelope(MessageType.SAS221, "SAS221_solar_0001.xml"),
        body=Sas221(
            result=_result("", PASS_NO, "1", _at(12, 3, 0), "审核通过"),
            passes=(head,),
            lines=(line,),
            related=SasPassportRlt(passport_no=PASS_NO, rlt_tb_typecd="1", rlt_no=LIST_NO),
            checks=(CheckInfo(note="请于当日18:00前过卡"),),
        ),
    )


def gate_passage(style: EnvelopeStyle = EnvelopeStyle.XMLDSIG) -> Sas223Receipt:
    """SAS223: the vehicle passed the gate; the scale read 18161.5 kg."""
    return Sas223Receipt(
        style=style,
        envelope=envelope(MessageType.SAS223, "SAS223_solar_0001.xml"),
        body=Sas223(
            result=_result("", PASS_NO, "1", _at(14, 3, 0), "已过卡"),
            passes=(pass_head(),),
        ),
    )


def gate_inspection(style: EnvelopeStyle = EnvelopeStyle.XMLDSIG) -> Sas224Receipt:
    """SAS224: customs' disposal of the pass it inspected at the gate."""
    return Sas224Receipt(
        style=style,
        envelope=envelope(MessageType.SAS224, "SAS224_solar_0001.xml"),
        body=Sas224(
            result=_result("", PASS_NO, "3", _at(14, 35, 12), "卡口查验完毕，准予放行"),
            passes=(pass_head(GatePassStatus.APPROVED),),
        ),
    )


def two_step_passage(style: EnvelopeStyle = EnvelopeStyle.BARE) -> Sas253Receipt:
    """SAS253: a two-step declaration passport passed the gate."""
    head = Sas2stepPassportBsc.model_validate(
        {name: f"t{index}" for index, name in enumerate(Sas2stepPassportBsc.model_fields)}
        | {"passport_no": PASS_NO, "pass_time": _at(15, 40, 55), "stucd": "2"}
    )
    return Sas253Receipt(
        style=style,
        envelope=envelope(MessageType.SAS253, "SAS253_solar_0001.xml"),
        body=Sas253(result=_result("", PASS_NO, "1", _at(15, 41, 1), ""), two_step_pass=head),
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
    """DEC_RESULT (current form): the declaration was released (channel P)."""
    return DecResultMessage(
        wrapped=False,
        result=DecResult(
            cus_ciq_no=DECLARATION_SEQ_NO,
            entry_id=ENTRY_ID,
            notice_date="2026-11-28T16:10:00",
            channel="P",
            note="海关放行",
            custom_master=DISTRICT,
            i_e_date="20261128",
            d_date="2026-11-28T09:30:00",
        ),
    )


def declaration_released_old_form() -> DecResultMessage:
    """DEC_DATA (the pre-2018 form): all 19 elements, RESULT_INFO and INTERFACE_VERSION."""
    return DecResultMessage(
        interface_version="1.0",
        result=DecResult(
            seq_no=DECLARATION_SEQ_NO,
            entry_id=ENTRY_ID,
            notice_date="20261128T16100000",
            channel="P",
            note="海关放行",
            decl_port=DISTRICT,
            agent_name=AGENT_NAME,
            declare_no="63000000001",
            trade_co=AGENT_CODE,
            customs_field="9601A",
            bonded_no=BOOK,
            i_e_date="20261128",
            pack_no="52",
            bill_no="X8157-20261128-01",
            traf_mode="3",
            voyage_no="X8157",
            net_wt="21950",
            gross_wt="24680.5",
            d_date="20261128",
        ),
        info="海关已放行",
    )
