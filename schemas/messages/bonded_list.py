"""INV101: the bonded verification list upload (保税核注清单申报).

Signature/Object/Package: EnvelopInfo, then DataInfo/BussinessData (sic) holding the
InvtMessage (InvtHeadType + InvtListType*) and DelcareFlag (sic).
"""

from __future__ import annotations

from typing import Annotated, Self

from pydantic import AfterValidator, Field, StringConstraints, model_validator

from schemas.identifiers import (
    BondedListNo,
    BookNo,
    CreditCode,
    CustomsCode,
    CustomsDistrict,
    HsCode,
    PreEntryNo,
)
from schemas.messages.base import EnvelopeStyle, MessageModel, el
from schemas.messages.codes import (
    DeclarationFlag,
    DeclarationKind,
    DeclarationRoute,
    DeclareFlag,
    DeductionMark,
    ImpExp,
    MaterialOrProduct,
)
from schemas.messages.envelope import EnvelopInfo
from schemas.messages.fields import (
    CompactDate,
    Country,
    Currency,
    Name,
    Quantity,
    SupervisionMode,
    Total,
    TransportMode,
    Unit,
    UnitPrice,
    Weight,
    no_control_characters,
)

InnerNo = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=64),
    AfterValidator(no_control_characters),
]
"""The enterprise's own number for a document (企业内部编号): free text in practice
(plate numbers such as 浙B2M765 occur), at most 64 characters."""
PartNo = Annotated[str, StringConstraints(min_length=1, max_length=32)]
Digit = Annotated[str, StringConstraints(pattern=r"^[0-9]$")]
SeqNumber = Annotated[int, Field(ge=1, le=999999999)]


class InvtHead(MessageModel):
    """InvtHeadType: the list head (表头)."""

    seq_no: PreEntryNo | None = el("SeqNo", None)  # assigned by customs on storage
    bond_invt_no: BondedListNo | None = el("BondInvtNo", None)  # assigned on approval
    chg_tms_cnt: int = el("ChgTmsCnt", 0, ge=0, le=99)  # 变更次数: + 1 per re-declaration
    putrec_no: BookNo = el("PutrecNo")
    etps_inner_invt_no: InnerNo = el("EtpsInnerInvtNo")
    bizop_etpsno: CustomsCode = el("BizopEtpsno")  # 经营企业
    bizop_etps_sccd: CreditCode = el("BizopEtpsSccd")
    bizop_etps_nm: Name = el("BizopEtpsNm")
    rcvgd_etpsno: CustomsCode = el("RcvgdEtpsno")  # 收发货企业
    rvsngd_etps_sccd: CreditCode = el("RvsngdEtpsSccd")  # sic: the real element's spelling
    rcvgd_etps_nm: Name = el("RcvgdEtpsNm")
    dcl_etpsno: CustomsCode = el("DclEtpsno")  # 申报企业
    dcl_etps_sccd: CreditCode = el("DclEtpsSccd")
    dcl_etps_nm: Name = el("DclEtpsNm")
    input_code: CustomsCode = el("InputCode")  # 录入单位
    input_credit_code: CreditCode = el("InputCreditCode")
    input_name: Name = el("InputName")
    ic_card_no: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20)] | None
    ) = el("IcCardNo", None)
    rlt_invt_no: BondedListNo | None = el("RltInvtNo", None)  # paired list (区内流转)
    rlt_putrec_no: BookNo | None = el("RltPutrecNo", None)
    impexp_portcd: CustomsDistrict = el("ImpexpPortcd")  # 进出境关别
    dcl_plc_cuscd: CustomsDistrict = el("DclPlcCuscd")  # 主管海关
    impexp_markcd: ImpExp = el("ImpexpMarkcd")
    mtpck_endprd_markcd: MaterialOrProduct = el("MtpckEndprdMarkcd")
    supv_modecd: SupervisionMode = el("SupvModecd")
    trsp_modecd: TransportMode = el("TrspModecd")
    dclcus_flag: DeclarationFlag = el("DclcusFlag")
    dclcus_typecd: DeclarationRoute | None = el("DclcusTypecd", None)
    gen_dec_flag: Annotated[str, StringConstraints(pattern=r"^[12]$")] | None = el(
        "GenDecFlag", None
    )  # 1 generate a declaration, 2 do not
    dec_type: Annotated[str, StringConstraints(pattern=r"^[0-9A-Z]$")] | None = el(
        "DecType", None
    )  # 1 import, 2 export, 3 inbound filing list, 4 outbound filing list...
    vrfded_markcd: DeductionMark = el("VrfdedMarkcd", DeductionMark.NOT_DEDUCTED)
    entry_stucd: Annotated[str, StringConstraints(pattern=r"^[01]$")] | None = el(
        "EntryStucd", None
    )
    stship_trsarv_natcd: Country = el("StshipTrsarvNatcd")  # 起运/运抵国
    invt_type: Digit = el("InvtType")  # 0 ordinary, 1 consolidated, 6 in-zone transfer...
    dcl_typecd: DeclarationKind = el("DclTypecd")
    invt_dcl_time: CompactDate | None = el("InvtDclTime", None)
    input_time: CompactDate | None = el("InputTime", None)
    rmk: Name | None = el("Rmk", None)

    @model_validator(mode="after")
    def _declared_lists_say_how(self) -> Self:
        if self.dclcus_flag is DeclarationFlag.DECLARED and self.dclcus_typecd is None:
            raise ValueError("DclcusTypecd is required when DclcusFlag is 1 (declared)")
        return self


class InvtLine(MessageModel):
    """InvtListType: one goods line (表体)."""

    seq_no: PreEntryNo | None = el("SeqNo", None)
    gds_seqno: SeqNumber = el("GdsSeqno")  # 商品序号
    putrec_seqno: SeqNumber = el("PutrecSeqno")  # 备案序号: the book item
    gds_mtno: PartNo = el("GdsMtno")  # 料号
    gdecd: HsCode = el("Gdecd")
    gds_nm: Name = el("GdsNm")
    gds_spcf_model_desc: Name | None = el("GdsSpcfModelDesc", None)
    dcl_unitcd: Unit = el("DclUnitcd")
    lawf_unitcd: Unit = el("LawfUnitcd")
    secd_lawf_unitcd: Unit | None = el("SecdLawfUnitcd", None)
    natcd: Country = el("Natcd")  # 原产国
    destination_natcd: Country | None = el("DestinationNatcd", None)
    dcl_uprc_amt: UnitPrice = el("DclUprcAmt")
    dcl_total_amt: Total = el("DclTotalAmt")
    dcl_currcd: Currency = el("DclCurrcd")
    dcl_qty: Quantity = el("DclQty")
    lawf_qty: Quantity = el("LawfQty")
    secd_lawf_qty: Quantity | None = el("SecdLawfQty", None)
    gross_wt: Weight | None = el("GrossWt", None)
    net_wt: Weight | None = el("NetWt", None)
    lvyrlf_modecd: Digit = el("LvyrlfModecd")  # 征免方式
    ucns_verno: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=8)] | None
    ) = el("UcnsVerno", None)
    entry_gds_seqno: SeqNumber | None = el("EntryGdsSeqno", None)
    modf_markcd: Annotated[str, StringConstraints(pattern=r"^[0-3]$")] | None = el(
        "ModfMarkcd", None
    )  # 0 unchanged, 1 changed, 2 deleted, 3 added
    rmk: Name | None = el("Rmk", None)

    @model_validator(mode="after")
    def _second_unit_needs_its_quantity(self) -> Self:
        if (self.secd_lawf_unitcd is None) != (self.secd_lawf_qty is None):
            raise ValueError("SecdLawfUnitcd and SecdLawfQty come together or not at all")
        return self


class InvtMessage(MessageModel):
    sys_id: Annotated[str, StringConstraints(pattern=r"^[0-9A-Z]{2}$")] = el("SysId")
    oper_cus_reg_code: CustomsCode = el("OperCusRegCode")
    head: InvtHead = el("InvtHeadType")
    lines: tuple[InvtLine, ...] = el("InvtListType", min_length=1)

    @model_validator(mode="after")
    def _line_numbers_unique(self) -> Self:
        seen: set[int] = set()
        for line in self.lines:
            if line.gds_seqno in seen:
                raise ValueError(f"GdsSeqno {line.gds_seqno} appears twice")
            seen.add(line.gds_seqno)
        return self


class BondedListUpload(MessageModel):
    """INV101 as a whole: envelope, the list and whether to declare it."""

    style: EnvelopeStyle = Field(EnvelopeStyle.XMLDSIG, exclude=False)
    envelope: EnvelopInfo = el("EnvelopInfo")
    message: InvtMessage = el("InvtMessage")
    declare_flag: DeclareFlag = el("DelcareFlag")
