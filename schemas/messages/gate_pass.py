"""SAS121: the gate pass upload (核放单申报): PassPortMessage (sic: capital P).

A gate pass is the vehicle that crosses the gate, bound to one or more bonded lists
through its head's RltNo and its PassportAcmp (随附单证) lines; the gate weighs it
against TotalWt. Every element the real formats carry is a field (REAL-FORMATS.md
section 5). Required-ness follows the PHP "GoldPortSecondClient" SDK's validator and
lengths its ``max`` rules, with two exceptions stated where they apply: a vehicle's
plate (VehicleNo), which a gate pass cannot do without, and the container's type and
weight, which a truck without a container leaves empty.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Self

from pydantic import AfterValidator, Field, StringConstraints, model_validator

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
from schemas.messages.bonded_list import InnerNo, InputName, SeqNumber
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
    Text,
    Text1,
    Text128,
    Text256,
    Text512,
    Unit,
    Weight,
    no_control_characters,
)

VehicleNo = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=128),
    AfterValidator(no_control_characters),
]
"""Plate number (青A12345) or wagon number of a China-Europe train: at most 128."""
RelatedNo = Annotated[str, StringConstraints(pattern=r"^[0-9A-Za-z]{1,64}$")]


class PassportHead(MessageModel):
    """PassportHead: the gate pass head (核放单表头), 38 elements in the loop 2018
    template's order (the PHP SDK's, which leaves out Col2-Col4).

    Note InputSccd here where INV101 writes InputCreditCode.
    """

    seq_no: PreEntryNo | None = el("SeqNo", None, zh="预录入统一编号")
    passport_no: GatePassNo | None = el("PassportNo", None, zh="核放单编号")
    passport_typecd: GatePassKind = el("PassportTypecd", zh="核放单类型代码")
    master_cuscd: CustomsDistrict = el("MasterCuscd", zh="主管关区代码")
    dcl_typecd: DeclarationKind = el("DclTypecd", zh="申报类型代码")  # 1 备案, 3 作废
    io_typecd: ImpExp = el("IoTypecd", zh="进出标志代码")
    bind_typecd: BindingKind | None = el("BindTypecd", None, zh="绑定类型代码")
    rlt_tb_typecd: RelatedDocumentKind | None = el("RltTbTypecd", None, zh="关联单证类型代码")
    rlt_no: Annotated[tuple[RelatedNo, ...], Joined("\\")] = el("RltNo", (), zh="关联单证编号")
    areain_oriact_no: BookNo | None = el("AreainOriactNo", None, zh="区内账册号")
    areain_etpsno: CustomsCode = el("AreainEtpsno", zh="区内企业编码")
    areain_etps_nm: Name = el("AreainEtpsNm", zh="区内企业名称")
    areain_etps_sccd: CreditCode | None = el("AreainEtpsSccd", None, zh="区内企业社会信用代码")
    # Not required by the SDK; a gate pass is a vehicle crossing the gate, so it is here.
    vehicle_no: VehicleNo = el("VehicleNo", zh="承运车车牌号")
    vehicle_ic_no: Text128 | None = el("VehicleIcNo", None, zh="IC卡号(电子车牌)")
    container_no: Text128 | None = el("ContainerNo", None, zh="集装箱号")
    vehicle_wt: Weight = el("VehicleWt", zh="车自重")
    vehicle_frame_no: Text256 | None = el("VehicleFrameNo", None, zh="车架号")
    vehicle_frame_wt: Weight | None = el("VehicleFrameWt", None, zh="车架重")
    # The SDK requires the container's type and weight; a truck without one has neither.
    container_type: Text256 | None = el("ContainerType", None, zh="集装箱箱型")
    container_wt: Weight | None = el("ContainerWt", None, zh="集装箱重")
    total_wt: Weight = el("TotalWt", zh="总重量")  # what the gate scale should read
    total_gross_wt: Weight = el("TotalGrossWt", zh="货物总毛重")
    total_net_wt: Weight = el("TotalNetWt", zh="货物总净重")
    dcl_er_conc: Name = el("DclErConc", zh="申请人及联系方式")
    # No published form: bondflow writes yyyyMMdd, as the INV101 head's dates.
    dcl_time: Text | None = el("DclTime", None, zh="申报日期")
    dcl_etpsno: CustomsCode = el("DclEtpsno", zh="申报企业编号")
    dcl_etps_nm: Name = el("DclEtpsNm", zh="申报企业名称")
    dcl_etps_sccd: CreditCode | None = el("DclEtpsSccd", None, zh="申报企业社会信用代码")
    input_code: CustomsCode = el("InputCode", zh="录入单位代码")
    input_sccd: CreditCode | None = el("InputSccd", None, zh="录入单位社会信用代码")
    input_name: InputName = el("InputName", zh="录入单位名称")
    etps_preent_no: InnerNo = el("EtpsPreentNo", zh="企业内部编号")
    rmk: Text512 | None = el("Rmk", None, zh="备注")
    col1: Text1 | None = el("Col1", None, zh="到货确认标志")  # 备用1
    col2: Text | None = el("Col2", None, zh="备用2")
    col3: Text | None = el("Col3", None, zh="备用3")
    col4: Text | None = el("Col4", None, zh="备用4")

    @model_validator(mode="after")
    def _total_is_vehicle_plus_goods(self) -> Self:
        tare = (
            self.vehicle_wt
            + (self.vehicle_frame_wt or Decimal(0))
            + (self.container_wt or Decimal(0))
        )
        if self.total_wt != tare + self.total_gross_wt:
            raise ValueError(
                f"TotalWt {self.total_wt} is not VehicleWt + VehicleFrameWt + ContainerWt"
                f" + TotalGrossWt = {tare + self.total_gross_wt}"
            )
        if self.total_net_wt > self.total_gross_wt:
            raise ValueError("TotalNetWt is more than TotalGrossWt")
        return self


class PassportList(MessageModel):
    """PassportList: a goods line on the vehicle (核放单表体), pointing at a line of a
    bound list (RltGdsSeqno). No instance was found: the field set is the gxcb Go
    model's, 16 elements in its order."""

    seq_no: PreEntryNo | None = el("SeqNo", None, zh="预录入统一编号")
    passport_no: GatePassNo | None = el("PassportNo", None, zh="核放单编号")
    passport_seqno: SeqNumber = el("PassportSeqNo", zh="自然序号")
    rlt_gds_seqno: SeqNumber = el("RltGdsSeqno", zh="关联商品序号")
    gds_mtno: Annotated[str, StringConstraints(min_length=1, max_length=32)] | None = el(
        "GdsMtno", None, zh="商品料号"
    )
    gdecd: HsCode | None = el("Gdecd", None, zh="商品编码")
    gds_nm: Name = el("GdsNm", zh="商品名称")
    dcl_unitcd: Unit = el("DclUnitcd", zh="申报计量单位")
    dcl_qty: Quantity = el("DclQty", zh="申报数量")
    gross_wt: Weight = el("GrossWt", zh="货物毛重")
    net_wt: Weight = el("NetWt", zh="货物净重")
    rmk: Name | None = el("Rmk", None, zh="备注")
    col1: Text | None = el("Col1", None, zh="备用1")
    col2: Text | None = el("Col2", None, zh="备用2")
    col3: Text | None = el("Col3", None, zh="备用3")
    col4: Text | None = el("Col4", None, zh="备用4")


class PassportAcmp(MessageModel):
    """PassportAcmp: a document the vehicle carries (随附单证), in the real order.

    PassPortNo (capital P in "Port") and RtlBill* (sic, not "Rlt") are the real spellings.
    """

    seq_no: PreEntryNo | None = el("SeqNo", None, zh="预录入统一编号")
    passport_no: GatePassNo | None = el("PassPortNo", None, zh="核放单编号")
    rtl_bill_typecd: RelatedDocumentKind = el("RtlBillTypecd", zh="关联单证类型代码")
    rtl_bill_no: RelatedNo = el("RtlBillNo", zh="关联单证编号")


class PassPortMessage(MessageModel):
    head: PassportHead = el("PassportHead", zh="核放单表头")
    lines: tuple[PassportList, ...] = el("PassportList", (), zh="核放单表体")
    documents: tuple[PassportAcmp, ...] = el("PassportAcmp", (), zh="关联单证")
    oper_cus_reg_code: CustomsCode = el("OperCusRegCode", zh="操作企业海关编码")

    @model_validator(mode="after")
    def _vehicle_carries_what_it_binds(self) -> Self:
        numbers = [line.passport_seqno for line in self.lines]
        if len(numbers) != len(set(numbers)):
            raise ValueError("PassportSeqNo repeats")
        loaded = self.head.passport_typecd is not GatePassKind.EMPTY_VEHICLE
        if loaded and not self.documents and not self.head.rlt_no:
            raise ValueError(
                "a loaded vehicle's gate pass binds at least one document (RltNo or PassportAcmp)"
            )
        return self


class GatePassUpload(MessageModel):
    """SAS121 as a whole."""

    style: EnvelopeStyle = Field(EnvelopeStyle.XMLDSIG)
    envelope: EnvelopInfo = el("EnvelopInfo", zh="报文头")
    message: PassPortMessage = el("PassPortMessage", zh="核放单")
    declare_flag: DeclareFlag = el("DelcareFlag", zh="申报标志")
