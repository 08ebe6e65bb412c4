"""Builders of the messages the simulated customs sends back, in the real shapes.

Receipts are written as the 2024 real ones are (REAL-FORMATS.md sections 3, 4, 7):
every element of a block present, empty ones as ``""`` (written ``<x></x>``);
INV201 echoes the list's head and lines (BondInvtBsc + BondInvtDt), INV202 carries
createDate and reason, INV211 the head and the posted book lines (BwsDt), sometimes
without a result block; SAS221/223/224 echo the pass as SasPassportBsc; DEC_RESULT is
the current bare 8-element form. The envelope is customs': sender CUS0000, the file
named ``<message_id>.INV`` / ``.SAS`` (INV202: DXPEDCINVT000001 and ``.INVT``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import Enum

from schemas.messages.base import EnvelopeStyle
from schemas.messages.bonded_list import BondedListUpload
from schemas.messages.codes import (
    DealFlag,
    DeclarationChannel,
    GatePassStatus,
    GenerationResult,
    ImportResponseCode,
    MessageType,
    ReviewResult,
)
from schemas.messages.envelope import EnvelopInfo
from schemas.messages.fields import DOCUMENT_ZONE
from schemas.messages.gate_pass import GatePassUpload
from schemas.messages.receipts import (
    BondInvtBsc,
    BondInvtDt,
    BwsDt,
    CheckInfo,
    HdeApprResult,
    Inv201,
    Inv201Receipt,
    Inv202,
    Inv202Receipt,
    Inv211,
    Inv211Receipt,
    InvApprResult,
    Sas221,
    Sas221Receipt,
    Sas223,
    Sas223Receipt,
    Sas224,
    Sas224Receipt,
    SasPassportBsc,
    SasPassportDt,
    SasPassportRlt,
)
from schemas.messages.responses import (
    CommonResponeMessage,
    DecImportResponse,
    DecResult,
    DecResultMessage,
)
from schemas.quantities import plain

#: Who writes the generated-declaration receipt (the others: the behaviour's sender, CUS0000).
DECLARATION_CENTRE_SENDER = "DXPEDCINVT000001"

_SUFFIXES = {
    MessageType.INV201: ".INV",
    MessageType.INV211: ".INV",
    MessageType.INV202: ".INVT",
    MessageType.SAS221: ".SAS",
    MessageType.SAS223: ".SAS",
    MessageType.SAS224: ".SAS",
    MessageType.SAS253: ".SAS",
}


def text(value: object) -> str:
    """An element's text as customs writes it: "" for nothing, codes by value,
    numbers without trailing zeros, dates as ``yyyy-MM-dd HH:mm:ss``."""
    if value is None:
        return ""
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, Decimal):
        return plain(value)
    if isinstance(value, dt.datetime):
        return value.astimezone(DOCUMENT_ZONE).strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.strftime("%Y-%m-%d 00:00:00")
    if isinstance(value, tuple):
        return "\\".join(text(part) for part in value)
    return str(value)


def _checks(reasons: tuple[str, ...]) -> tuple[CheckInfo, ...]:
    return tuple(CheckInfo(note=reason[:255]) for reason in reasons)


def envelope(
    message_type: MessageType,
    *,
    serial: int,
    sender_id: str,
    receiver_id: str,
    at: dt.datetime,
    business_id: str | None = None,
) -> EnvelopInfo:
    """Customs' envelope: message_id = sender, receiver, time and a serial; the file
    name is the message id with the message family's suffix. INV202 comes from the
    declaration centre (DXPEDCINVT000001) and names the list in business_id."""
    sender = DECLARATION_CENTRE_SENDER if message_type is MessageType.INV202 else sender_id
    stamp = at.astimezone(DOCUMENT_ZONE).strftime("%Y%m%d%H%M%S")
    message_id = f"{sender}{receiver_id}{stamp}{serial:011d}"[:100]
    return EnvelopInfo(
        message_id=message_id,
        file_name=f"{message_id[:94]}{_SUFFIXES[message_type]}",
        message_type=message_type,
        sender_id=sender,
        receiver_id=receiver_id,
        send_time=at,
        business_id=business_id,
    )


def import_result(
    *, seq_no: str | None, inner_no: str | None, ok: bool, reason: str
) -> CommonResponeMessage:
    return CommonResponeMessage(
        seq_no=seq_no,
        etps_preent_no=inner_no,
        check_info=reason[:4000] or None,
        deal_flag=(DealFlag.OK if ok else DealFlag.FAILED).value,
    )


# --- the echoed blocks ------------------------------------------------------------------


def list_head(
    upload: BondedListUpload,
    *,
    seq_no: str,
    list_no: str | None,
    status: str,
    deduction: str,
    prededucted_at: dt.datetime | None = None,
    posted_at: dt.datetime | None = None,
) -> BondInvtBsc:
    """BondInvtBsc: the list's head as customs holds it, all 51 elements."""
    head = upload.message.head
    return BondInvtBsc(
        bond_invt_no=text(list_no),
        chg_tms_cnt=text(head.chg_tms_cnt),
        invt_preent_no=seq_no,
        putrec_no=text(head.putrec_no),
        etps_inner_invt_no=text(head.etps_inner_invt_no),
        bizop_etps_sccd=text(head.bizop_etps_sccd),
        bizop_etpsno=text(head.bizop_etpsno),
        bizop_etps_nm=text(head.bizop_etps_nm),
        rvsngd_etps_sccd=text(head.rvsngd_etps_sccd),
        rcvgd_etpsno=text(head.rcvgd_etpsno),
        rcvgd_etps_nm=text(head.rcvgd_etps_nm),
        dcl_etps_sccd=text(head.dcl_etps_sccd),
        dcl_etpsno=text(head.dcl_etpsno),
        dcl_etps_nm=text(head.dcl_etps_nm),
        invt_dcl_time=text(head.invt_dcl_time),
        rlt_invt_no=text(head.rlt_invt_no),
        rlt_putrec_no=text(head.rlt_putrec_no),
        impexp_portcd=text(head.impexp_portcd),
        dcl_plc_cuscd=text(head.dcl_plc_cuscd),
        impexp_markcd=text(head.impexp_markcd),
        mtpck_endprd_markcd=text(head.mtpck_endprd_markcd),
        supv_modecd=text(head.supv_modecd),
        trsp_modecd=text(head.trsp_modecd),
        stship_trsarv_natcd=text(head.stship_trsarv_natcd),
        dclcus_flag=text(head.dclcus_flag),
        dclcus_typecd=text(head.dclcus_typecd),
        prevd_time=text(prededucted_at),
        formal_vrfded_time=text(posted_at),
        invt_iochkpt_stucd="3" if posted_at else "0",
        vrfded_markcd=deduction,
        invt_stucd=status,
        rmk=text(head.rmk),
        bond_invt_typecd=text(head.invt_type),
        entry_stucd=text(head.entry_stucd),
        dcl_typecd=text(head.dcl_typecd),
    )


def list_lines(upload: BondedListUpload, *, list_no: str | None) -> tuple[BondInvtDt, ...]:
    """BondInvtDt: every goods line as customs holds it, all 39 elements."""
    head = upload.message.head
    return tuple(
        BondInvtDt(
            bond_invt_no=text(list_no),
            chg_tms_cnt=text(head.chg_tms_cnt),
            gds_seqno=text(line.gds_seqno),
            putrec_seqno=text(line.putrec_seqno),
            gds_mtno=text(line.gds_mtno),
            gdecd=text(line.gdecd),
            gds_nm=text(line.gds_nm),
            gds_spcf_model_desc=text(line.gds_spcf_model_desc),
            dcl_unitcd=text(line.dcl_unitcd),
            lawf_unitcd=text(line.lawf_unitcd),
            secd_lawf_unitcd=text(line.secd_lawf_unitcd),
            natcd=text(line.natcd),
            dcl_uprc_amt=text(line.dcl_uprc_amt),
            dcl_total_amt=text(line.dcl_total_amt),
            dcl_currcd=text(line.dcl_currcd),
            lawf_qty=text(line.lawf_qty),
            secd_lawf_qty=text(line.secd_lawf_qty),
            dcl_qty=text(line.dcl_qty),
            gross_wt=text(line.gross_wt),
            net_wt=text(line.net_wt),
            lvyrlf_modecd=text(line.lvyrlf_modecd),
            ucns_verno=text(line.ucns_verno),
            entry_gds_seqno=text(line.entry_gds_seqno),
            rmk=text(line.rmk),
            actl_pass_qty="0",
            passport_used_qty="0",
            destination_natcd=text(line.destination_natcd),
            modf_markcd=text(line.modf_markcd),
        )
        for line in upload.message.lines
    )


def warehouse_lines(
    head: BondInvtBsc, lines: tuple[BondInvtDt, ...], at: dt.datetime
) -> tuple[BwsDt, ...]:
    """BwsDt: the book lines a posted list moved, all 31 elements."""
    inbound = head.impexp_markcd == "I"
    return tuple(
        BwsDt(
            bws_no=head.putrec_no,
            chg_tms_cnt="0",
            gds_seqno=line.putrec_seqno,
            in_date=text(at) if inbound else "",
            gds_mtno=line.gds_mtno,
            gdecd=line.gdecd,
            gds_nm=line.gds_nm,
            gds_spcf_model_desc=line.gds_spcf_model_desc,
            natcd=line.natcd,
            dcl_unitcd=line.dcl_unitcd,
            lawf_unitcd=line.lawf_unitcd,
            secd_lawf_unitcd=line.secd_lawf_unitcd,
            dcl_uprc_amt=line.dcl_uprc_amt,
            dcl_currcd=line.dcl_currcd,
            in_qty=line.dcl_qty if inbound else "",
            in_lawf_qty=line.lawf_qty if inbound else "",
            in_secd_lawf_qty=line.secd_lawf_qty if inbound else "",
            actl_inc_qty=line.dcl_qty if inbound else "0",
            actl_redc_qty="0" if inbound else line.dcl_qty,
            prevd_inc_qty="0",
            prevd_redc_qty="0",
            out_date="" if inbound else text(at),
            invt_no=head.bond_invt_no,
            invt_g_no=line.gds_seqno,
            cusm_exe_markcd="1",
            modf_markcd="3",
        )
        for line in lines
    )


def pass_head(
    upload: GatePassUpload,
    *,
    seq_no: str,
    pass_no: str | None,
    status: GatePassStatus | None,
    applied_at: dt.datetime,
    passed_at: dt.datetime | None = None,
    measured: Decimal | None = None,
    gate_id: str = "",
) -> SasPassportBsc:
    """SasPassportBsc: the pass as customs holds it, the 38 elements real receipts
    carry (col2-col4, which only the XSD declares, are left out)."""
    head = upload.message.head
    error = "" if measured is None else text(abs(measured - head.total_wt))
    return SasPassportBsc(
        passport_no=text(pass_no),
        chg_tms_cnt="0",
        passport_typecd=text(head.passport_typecd),
        sas_passport_preent_no=seq_no,
        dcl_typecd=text(head.dcl_typecd),
        io_typecd=text(head.io_typecd),
        bind_typecd=text(head.bind_typecd),
        master_cuscd=text(head.master_cuscd),
        rlt_tb_typecd=text(head.rlt_tb_typecd),
        rlt_no=text(head.rlt_no),
        areain_etpsno=text(head.areain_etpsno),
        areain_etps_nm=text(head.areain_etps_nm),
        areain_etps_sccd=text(head.areain_etps_sccd),
        vehicle_no=text(head.vehicle_no),
        vehicle_ic_no=text(head.vehicle_ic_no),
        container_no=text(head.container_no),
        vehicle_wt=text(head.vehicle_wt),
        vehicle_frame_no=text(head.vehicle_frame_no),
        vehicle_frame_wt=text(head.vehicle_frame_wt),
        container_type=text(head.container_type),
        container_wt=text(head.container_wt),
        total_wt=text(head.total_wt),
        pass_collect_wt=text(measured),
        wt_error=error,
        total_gross_wt=text(head.total_gross_wt),
        total_net_wt=text(head.total_net_wt),
        dcl_er_conc=text(head.dcl_er_conc),
        dcl_time=text(applied_at),
        pass_id=gate_id,
        pass_time=text(passed_at),
        stucd=text(status),
        emapv_markcd="" if status is None else "1",
        logistics_stucd="0",
        owner_system="1",
        rmk=text(head.rmk),
    )


def pass_lines(upload: GatePassUpload, *, pass_no: str | None) -> tuple[SasPassportDt, ...]:
    """SasPassportDt: the pass's goods lines, the 12 elements real receipts carry."""
    return tuple(
        SasPassportDt(
            passport_no=text(pass_no),
            chg_tms_cnt="0",
            passport_seqno=text(line.passport_seqno),
            gds_mtno=text(line.gds_mtno),
            gdecd=text(line.gdecd),
            gds_nm=text(line.gds_nm),
            gross_wt=text(line.gross_wt),
            net_wt=text(line.net_wt),
            rlt_gds_seqno=text(line.rlt_gds_seqno),
            dcl_unitcd=text(line.dcl_unitcd),
            dcl_qty=text(line.dcl_qty),
            rmk=text(line.rmk),
        )
        for line in upload.message.lines
    )


def _result(
    *,
    seq_no: str,
    business_id: str | None,
    change_count: int,
    typecd: str | None = None,
    result: str,
    at: dt.datetime,
    remark: str = "",
) -> HdeApprResult:
    return HdeApprResult(
        etps_preent_no=seq_no,  # real receipts carry customs' pre-entry number here
        business_id=text(business_id),
        tms_cnt=text(change_count),
        typecd=typecd,
        manage_result=result,
        manage_date=text(at),
        rmk=remark,
    )


# --- the receipts -------------------------------------------------------------------------


def list_review(
    envelope_info: EnvelopInfo,
    style: EnvelopeStyle,
    *,
    seq_no: str,
    list_no: str | None,
    change_count: int,
    result: ReviewResult,
    head: BondInvtBsc | None,
    lines: tuple[BondInvtDt, ...] = (),
    at: dt.datetime,
    reasons: tuple[str, ...] = (),
) -> Inv201Receipt:
    """INV201: stored (Y) with the result only; the others echo the list's head, an
    approval its lines too; a return gives its reasons as CheckInfo."""
    return Inv201Receipt(
        style=style,
        envelope=envelope_info,
        body=Inv201(
            result=_result(
                seq_no=seq_no,
                business_id=list_no,
                change_count=change_count,
                typecd="1",
                result=result.value,
                at=at,
                remark=_REVIEW_REMARKS.get(result, ""),
            ),
            checks=_checks(reasons),
            list_state=head,
            lines=lines,
        ),
    )


_REVIEW_REMARKS = {
    ReviewResult.STORED: "入库成功",
    ReviewResult.STORAGE_FAILED: "入库失败",
    ReviewResult.APPROVED: "审核通过",
    ReviewResult.MANUAL_REVIEW: "转人工审核",
    ReviewResult.RETURNED: "退单",
}


def declaration_generated(
    envelope_info: EnvelopInfo,
    style: EnvelopeStyle,
    *,
    seq_no: str,
    list_no: str,
    declaration_seq_no: str,
    at: dt.datetime,
) -> Inv202Receipt:
    """INV202: the declaration generated from the list (createDate, empty reason)."""
    return Inv202Receipt(
        style=style,
        envelope=envelope_info,
        body=Inv202(
            result=InvApprResult(
                inv_preent_no=seq_no,
                business_id=list_no,
                entry_seq_no=declaration_seq_no,
                manage_result=GenerationResult.GENERATED.value,
                create_date=text(at),
            )
        ),
    )


def list_posted(
    envelope_info: EnvelopInfo,
    style: EnvelopeStyle,
    *,
    seq_no: str,
    change_count: int,
    head: BondInvtBsc,
    lines: tuple[BondInvtDt, ...],
    at: dt.datetime,
    with_result: bool,
) -> Inv211Receipt:
    """INV211: the head as posted (已核扣) and the book lines; real ones carry no
    result block, some producers add one (``with_result``)."""
    posted = head.model_copy(
        update={"vrfded_markcd": "2", "formal_vrfded_time": text(at), "invt_iochkpt_stucd": "3"}
    )
    return Inv211Receipt(
        style=style,
        envelope=envelope_info,
        body=Inv211(
            result=_result(
                seq_no=seq_no,
                business_id=head.bond_invt_no,
                change_count=change_count,
                typecd="1",
                result=ReviewResult.APPROVED.value,
                at=at,
                remark="记账成功",
            )
            if with_result
            else None,
            list_state=posted,
            warehouse_lines=warehouse_lines(posted, lines, at),
        ),
    )


def pass_review(
    envelope_info: EnvelopInfo,
    style: EnvelopeStyle,
    *,
    seq_no: str,
    pass_no: str | None,
    result: ReviewResult,
    head: SasPassportBsc,
    lines: tuple[SasPassportDt, ...],
    at: dt.datetime,
    reasons: tuple[str, ...] = (),
) -> Sas221Receipt:
    """SAS221: the pass's head, lines and relation echoed; a return's reasons as
    CheckInfo."""
    return Sas221Receipt(
        style=style,
        envelope=envelope_info,
        body=Sas221(
            result=_result(
                seq_no=seq_no,
                business_id=pass_no,
                change_count=0,
                result=result.value,
                at=at,
                remark=_REVIEW_REMARKS.get(result, ""),
            ),
            passes=(head,),
            lines=lines,
            related=SasPassportRlt(
                passport_no=head.passport_no, rlt_tb_typecd=head.rlt_tb_typecd, rlt_no=head.rlt_no
            ),
            checks=_checks(reasons),
        ),
    )


def gate_passage(
    envelope_info: EnvelopInfo,
    style: EnvelopeStyle,
    *,
    seq_no: str,
    pass_no: str,
    head: SasPassportBsc,
    at: dt.datetime,
) -> Sas223Receipt:
    """SAS223: the pass through the gate, with the gate's time and the scale's reading."""
    return Sas223Receipt(
        style=style,
        envelope=envelope_info,
        body=Sas223(
            result=_result(seq_no=seq_no, business_id=pass_no, change_count=0, result="1", at=at),
            passes=(head,),
        ),
    )


#: SAS224's manageResult in the one real receipt found (a disposal after inspection).
INSPECTION_DISPOSAL = "3"


def gate_inspection(
    envelope_info: EnvelopInfo,
    style: EnvelopeStyle,
    *,
    seq_no: str,
    pass_no: str,
    head: SasPassportBsc,
    at: dt.datetime,
) -> Sas224Receipt:
    """SAS224: customs' disposal of the pass it inspected at the gate."""
    return Sas224Receipt(
        style=style,
        envelope=envelope_info,
        body=Sas224(
            result=_result(
                seq_no=seq_no,
                business_id=pass_no,
                change_count=0,
                result=INSPECTION_DISPOSAL,
                at=at,
                remark="卡口查验完毕，准予放行",
            ),
            passes=(head,),
        ),
    )


def declaration_import(
    *, client_seq_no: str | None, seq_no: str | None, ok: bool, reason: str
) -> DecImportResponse:
    code = ImportResponseCode.ACCEPTED if ok else ImportResponseCode.REFUSED
    return DecImportResponse(
        response_code=code.value,
        error_message=None if ok else reason[:4000],
        client_seq_no=client_seq_no,
        seq_no=seq_no,
    )


_CHANNEL_NOTES = {
    DeclarationChannel.STORED: "海关入库成功",
    DeclarationChannel.RETURNED: "退单",
    DeclarationChannel.CLEARED_FOR_PAYMENT: "审结",
    DeclarationChannel.DUTIES_PAYABLE: "缴款通知：请缴纳税款",
    DeclarationChannel.INSPECTION_NOTICE: "查验通知",
    DeclarationChannel.INSPECTING: "查验中",
    DeclarationChannel.RELEASED: "海关放行",
    DeclarationChannel.CLOSED: "结关",
    DeclarationChannel.DELETED: "删单",
    DeclarationChannel.RETURNED_FOR_CORRECTION: "退回修改",
}


def declaration_status(
    *,
    seq_no: str,
    entry_id: str | None,
    channel: DeclarationChannel,
    at: dt.datetime,
    port: str,
    reasons: tuple[str, ...] = (),
) -> DecResultMessage:
    """DEC_RESULT in its current bare form: all 8 elements, empty ones present."""
    note = "；".join(reasons) if reasons else _CHANNEL_NOTES.get(channel, channel.value)
    return DecResultMessage(
        wrapped=False,
        result=DecResult(
            cus_ciq_no=seq_no,
            entry_id=text(entry_id),
            notice_date=at.astimezone(DOCUMENT_ZONE).strftime("%Y-%m-%dT%H:%M:%S"),
            channel=channel.value,
            note=note[:4000],
            custom_master=port,
            d_date=at.astimezone(DOCUMENT_ZONE).strftime("%Y-%m-%dT%H:%M:%S"),
        ),
    )
