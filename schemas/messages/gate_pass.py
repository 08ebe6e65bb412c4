"""SAS121: the gate pass upload (核放单申报): PassPortMessage (sic: capital P).

A gate pass is the vehicle that crosses the gate, bound to one or more bonded lists
through PassportAcmp (随附单证) lines; the gate weighs it against TotalWt.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Self

from pydantic import Field, StringConstraints, model_validator

from schemas.identifiers import (
    BookNo,
    CreditCode,
    CustomsCode,
    CustomsDistrict,
    GatePassNo,
    HsCode,
    PreEntryNo,
)
from schemas.messages.base import EnvelopeStyle, MessageModel, el
from schemas.messages.bonded_list import InnerNo, SeqNumber
from schemas.messages.codes import (
    BindingKind,
    DeclarationKind,
    DeclareFlag,
    GatePassKind,
    ImpExp,
    RelatedDocumentKind,
)
from schemas.messages.envelope import EnvelopInfo
from schemas.messages.fields import (
    Joined,
    Name,
    Quantity,
    Unit,
    Weight,
)

VehicleNo = Annotated[str, StringConstraints(min_length=1, max_length=32)]
"""Plate number (青A12345) or wagon number of a China-Europe train."""
RelatedNo = Annotated[str, StringConstraints(pattern=r"^[0-9A-Za-z]{1,64}$")]


class PassportHead(MessageModel):
    seq_no: PreEntryNo | None = el("SeqNo", None)
    passport_no: GatePassNo | None = el("PassportNo", None)
    passport_typecd: GatePassKind = el("PassportTypecd")
    master_cuscd: CustomsDistrict = el("MasterCuscd")
    dcl_typecd: DeclarationKind = el("DclTypecd")
    io_typecd: ImpExp = el("IoTypecd")
    bind_typecd: BindingKind = el("BindTypecd")
    rlt_tb_typecd: RelatedDocumentKind | None = el("RltTbTypecd", None)
    rlt_no: Annotated[tuple[RelatedNo, ...], Joined("\\")] = el("RltNo", ())
    areain_oriact_no: BookNo | None = el("AreainOriactNo", None)  # 区内账册号
    areain_etpsno: CustomsCode = el("AreainEtpsno")
    areain_etps_nm: Name = el("AreainEtpsNm")
    areain_etps_sccd: CreditCode = el("AreainEtpsSccd")
    vehicle_no: VehicleNo = el("VehicleNo")
    vehicle_ic_no: VehicleNo | None = el("VehicleIcNo", None)
    container_no: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)] | None
    ) = el("ContainerNo", None)
    vehicle_wt: Weight = el("VehicleWt")  # 车自重
    vehicle_frame_no: VehicleNo | None = el("VehicleFrameNo", None)
    vehicle_frame_wt: Weight = el("VehicleFrameWt")  # 车架重
    container_type: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=8)] | None
    ) = el("ContainerType", None)
    container_wt: Weight | None = el("ContainerWt", None)  # 集装箱重
    total_wt: Weight = el("TotalWt")  # 总重量: what the gate scale should read
    total_gross_wt: Weight = el("TotalGrossWt")
    total_net_wt: Weight = el("TotalNetWt")
    dcl_er_conc: Name | None = el("DclErConc", None)  # 申请人及联系方式
    dcl_etpsno: CustomsCode = el("DclEtpsno")
    dcl_etps_nm: Name = el("DclEtpsNm")
    dcl_etps_sccd: CreditCode = el("DclEtpsSccd")
    input_code: CustomsCode = el("InputCode")
    input_sccd: CreditCode = el("InputSccd")
    input_name: Name = el("InputName")
    etps_preent_no: InnerNo = el("EtpsPreentNo")  # 企业内部编号
    rmk: Name | None = el("Rmk", None)

    @model_validator(mode="after")
    def _total_is_vehicle_plus_goods(self) -> Self:
        tare = self.vehicle_wt + self.vehicle_frame_wt + (self.container_wt or Decimal(0))
        if self.total_wt != tare + self.total_gross_wt:
            raise ValueError(
                f"TotalWt {self.total_wt} is not VehicleWt + VehicleFrameWt + ContainerWt"
                f" + TotalGrossWt = {tare + self.total_gross_wt}"
            )
        if self.total_net_wt > self.total_gross_wt:
            raise ValueError("TotalNetWt is more than TotalGrossWt")
        return self


class PassportList(MessageModel):
    """A goods line on the vehicle, pointing at a line of a bound list (RltGdsSeqno)."""

    seq_no: PreEntryNo | None = el("SeqNo", None)
    passport_no: GatePassNo | None = el("PassportNo", None)
    passport_seqno: SeqNumber = el("PassportSeqNo")
    rlt_gds_seqno: SeqNumber = el("RltGdsSeqno")
    gds_mtno: Annotated[str, StringConstraints(min_length=1, max_length=32)] | None = el(
        "GdsMtno", None
    )
    gdecd: HsCode | None = el("Gdecd", None)
    gds_nm: Name = el("GdsNm")
    dcl_unitcd: Unit = el("DclUnitcd")
    dcl_qty: Quantity = el("DclQty")
    gross_wt: Weight = el("GrossWt")
    net_wt: Weight = el("NetWt")
    rmk: Name | None = el("Rmk", None)


class PassportAcmp(MessageModel):
    """A document the vehicle carries (随附单证): RtlBill* (sic) is the real spelling."""

    seq_no: PreEntryNo | None = el("SeqNo", None)
    passport_no: GatePassNo | None = el("PassportNo", None)
    rtl_bill_typecd: RelatedDocumentKind = el("RtlBillTypecd")
    rtl_bill_no: RelatedNo = el("RtlBillNo")


class PassPortMessage(MessageModel):
    head: PassportHead = el("PassportHead")
    lines: tuple[PassportList, ...] = el("PassportList", ())
    documents: tuple[PassportAcmp, ...] = el("PassportAcmp", ())
    oper_cus_reg_code: CustomsCode = el("OperCusRegCode")

    @model_validator(mode="after")
    def _vehicle_carries_what_it_binds(self) -> Self:
        numbers = [line.passport_seqno for line in self.lines]
        if len(numbers) != len(set(numbers)):
            raise ValueError("PassportSeqNo repeats")
        if self.head.passport_typecd is not GatePassKind.EMPTY_VEHICLE and not self.documents:
            raise ValueError("a loaded vehicle's gate pass binds at least one document")
        return self


class GatePassUpload(MessageModel):
    """SAS121 as a whole."""

    style: EnvelopeStyle = Field(EnvelopeStyle.XMLDSIG)
    envelope: EnvelopInfo = el("EnvelopInfo")
    message: PassPortMessage = el("PassPortMessage")
    declare_flag: DeclareFlag = el("DelcareFlag")
