"""INV101: the bonded verification list upload (保税核注清单申报).

Signature/Object/Package: EnvelopInfo, then DataInfo/BussinessData (sic) holding the
InvtMessage and DelcareFlag (sic). Every element the real formats carry is a field
(REAL-FORMATS.md section 2): the list head (InvtHeadType), its goods lines
(InvtListType), and the declaration a list generates with it (InvtDecHeadType,
InvtDecListType, 随清单生成的报关单).

Required-ness follows the PHP "GoldPortSecondClient" SDK's validator (its ``require``
rules) and lengths follow its ``max`` rules, but where real files the client accepted
leave an element empty (ChgTmsCnt, ListType, UsdStatTotalAmt, SecdLawfQty,
GdsSpcfModelDesc in the BeeCustom 2019 lists and the loop 2018 template): those are
optional here. DecType, which the SDK requires always, is required of a declared list
(DclcusFlag 1): a list that is not declared has no declaration to type. One deliberate
addition: EtpsInnerInvtNo, which every real list carries
and by which the client's CommonResponeMessage and bondflow's records find the list.
Elements bondflow does not interpret are kept as text of at most the published length.
"""

from __future__ import annotations

from decimal import Decimal
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
    AlsoRead,
    CompactDate,
    Country,
    Currency,
    Name,
    Quantity,
    SupervisionMode,
    Text,
    Text1,
    Text4,
    Text8,
    Text10,
    Text18,
    Text19,
    Text20,
    Text25,
    Text64,
    Text512,
    Text4000,
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
InputName = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=255),
    AfterValidator(no_control_characters),
]
"""录入单位名称: at most 255 characters (the SDK's rule; other names take 512)."""
PartNo = Annotated[str, StringConstraints(min_length=1, max_length=32)]
Digit = Annotated[str, StringConstraints(pattern=r"^[0-9]$")]
OneOrTwo = Annotated[str, StringConstraints(pattern=r"^[12]$")]
SeqNumber = Annotated[int, Field(ge=1, le=999999999)]


class InvtHead(MessageModel):
    """InvtHeadType: the list head (清单表头), 62 elements and the 2018 template's AddTime.

    Written in the order of the AutoIt builder (column A of the fact sheet), which lists
    every field with its Chinese label and matches the loop 2018 template but for two
    adjacent swaps: the most complete order found, probably the specification's.
    """

    seq_no: PreEntryNo | None = el("SeqNo", None, zh="预录入统一编号")  # assigned on storage
    bond_invt_no: BondedListNo | None = el("BondInvtNo", None, zh="清单编号")  # on approval
    chg_tms_cnt: int = el("ChgTmsCnt", 0, ge=0, le=99, zh="变更次数")  # empty on a first filing
    putrec_no: BookNo = el("PutrecNo", zh="备案编号")  # the book (账册号)
    etps_inner_invt_no: InnerNo = el("EtpsInnerInvtNo", zh="企业内部清单编号")
    bizop_etps_sccd: CreditCode | None = el("BizopEtpsSccd", None, zh="经营企业社会信用代码")
    bizop_etpsno: CustomsCode = el("BizopEtpsno", zh="经营企业编号")
    bizop_etps_nm: Name = el("BizopEtpsNm", zh="经营企业名称")
    # sic: RvsngdEtpsSccd is the real element's spelling
    rvsngd_etps_sccd: CreditCode | None = el("RvsngdEtpsSccd", None, zh="收发货企业社会信用代码")
    rcvgd_etpsno: CustomsCode = el("RcvgdEtpsno", zh="收发货企业编号")
    rcvgd_etps_nm: Name = el("RcvgdEtpsNm", zh="收发货企业名称")
    dcl_etps_sccd: CreditCode | None = el("DclEtpsSccd", None, zh="申报企业社会信用代码")
    dcl_etpsno: CustomsCode = el("DclEtpsno", zh="申报企业编号")
    dcl_etps_nm: Name = el("DclEtpsNm", zh="申报企业名称")
    input_credit_code: CreditCode | None = el("InputCreditCode", None, zh="录入单位社会信用代码")
    input_code: CustomsCode = el("InputCode", zh="录入单位代码")
    input_name: InputName = el("InputName", zh="录入单位名称")
    input_time: CompactDate | None = el("InputTime", None, zh="录入日期")
    invt_dcl_time: CompactDate | None = el("InvtDclTime", None, zh="清单申报日期")
    entry_dcl_time: Text18 | None = el("EntryDclTime", None, zh="报关单申报日期")  # 系统返填
    entry_no: Text64 | None = el("EntryNo", None, zh="对应报关单编号")
    corr_entry_dcl_etps_sccd: Text18 | None = el(
        "CorrEntryDclEtpsSccd", None, zh="对应报关单申报单位社会信用代码"
    )
    corr_entry_dcl_etps_no: Text10 | None = el(
        "CorrEntryDclEtpsNo", None, zh="对应报关单申报单位代码"
    )
    corr_entry_dcl_etps_nm: Text512 | None = el(
        "CorrEntryDclEtpsNm", None, zh="对应报关单申报单位名称"
    )
    rlt_invt_no: BondedListNo | None = el("RltInvtNo", None, zh="关联清单编号")  # 区内流转
    rlt_putrec_no: BookNo | None = el("RltPutrecNo", None, zh="关联备案编号")
    rlt_entry_no: Text64 | None = el("RltEntryNo", None, zh="关联报关单编号")
    rlt_entry_bizop_etps_sccd: Text18 | None = el(
        "RltEntryBizopEtpsSccd", None, zh="关联报关单境内收发货人社会信用代码"
    )
    rlt_entry_bizop_etpsno: Text10 | None = el(
        "RltEntryBizopEtpsno", None, zh="关联报关单境内收发货人编号"
    )
    rlt_entry_bizop_etps_nm: Text512 | None = el(
        "RltEntryBizopEtpsNm", None, zh="关联报关单境内收发货人名称"
    )
    rlt_entry_rvsngd_etps_sccd: Text18 | None = el(
        "RltEntryRvsngdEtpsSccd", None, zh="关联报关单收发货单位社会信用代码"
    )
    # loop's database column (and JSON key) spells it RltEntryRcvgdEtpsNo
    rlt_entry_rcvgd_etpsno: Annotated[Text10, AlsoRead("RltEntryRcvgdEtpsNo")] | None = el(
        "RltEntryRcvgdEtpsno", None, zh="关联报关单收发货单位编码"
    )
    rlt_entry_rcvgd_etps_nm: Annotated[Text512, AlsoRead("RltEntryRcvgdetpsNm")] | None = el(
        "RltEntryRcvgdEtpsNm", None, zh="关联报关单收发货单位名称"
    )
    rlt_entry_dcl_etps_sccd: Text18 | None = el(
        "RltEntryDclEtpsSccd", None, zh="关联报关单申报单位社会信用代码"
    )
    rlt_entry_dcl_etpsno: Text10 | None = el("RltEntryDclEtpsno", None, zh="关联报关单申报单位编码")
    rlt_entry_dcl_etps_nm: Text512 | None = el(
        "RltEntryDclEtpsNm", None, zh="关联报关单申报单位名称"
    )
    impexp_portcd: CustomsDistrict = el("ImpexpPortcd", zh="进出境关别")
    dcl_plc_cuscd: CustomsDistrict = el("DclPlcCuscd", zh="申报地关区代码")  # 主管海关
    impexp_markcd: ImpExp = el("ImpexpMarkcd", zh="进出口标记代码")
    mtpck_endprd_markcd: MaterialOrProduct = el("MtpckEndprdMarkcd", zh="料件成品标记代码")
    supv_modecd: SupervisionMode = el("SupvModecd", zh="监管方式代码")
    trsp_modecd: TransportMode = el("TrspModecd", zh="运输方式代码")
    apply_no: Text64 | None = el("ApplyNo", None, zh="申请表编号")
    list_type: Text1 | None = el("ListType", None, zh="流转类型")
    dclcus_flag: DeclarationFlag = el("DclcusFlag", zh="是否报关标志")
    dclcus_typecd: DeclarationRoute | None = el("DclcusTypecd", None, zh="报关类型代码")
    prevd_time: Text | None = el("PrevdTime", None, zh="预核扣时间")
    formal_vrfded_time: Text | None = el("FormalVrfdedTime", None, zh="正式核扣时间")
    invt_iochkpt_stucd: Text4 | None = el("InvtIochkptStucd", None, zh="清单进出卡口状态代码")
    vrfded_markcd: DeductionMark | None = el("VrfdedMarkcd", None, zh="核扣标记代码")
    ic_card_no: Text20 | None = el("IcCardNo", None, zh="申报人IC卡号")
    list_stat: Text | None = el("ListStat", None, zh="清单状态")
    # 1 import, 2 export declaration, 3 inbound, 4 outbound filing list...
    dec_type: Annotated[str, StringConstraints(pattern=r"^[0-9A-Z]$")] | None = el(
        "DecType", None, zh="报关单类型"
    )
    rmk: Text4000 | None = el("Rmk", None, zh="备注")
    stship_trsarv_natcd: Country = el("StshipTrsarvNatcd", zh="起运/运抵国(地区)")
    invt_type: Digit = el("InvtType", zh="清单类型")  # 0 ordinary, 6 in-zone transfer...
    entry_stucd: Annotated[str, StringConstraints(pattern=r"^[01]$")] | None = el(
        "EntryStucd", None, zh="报关状态"
    )  # 0 not released, 1 released
    passport_used_type_cd: Text1 | None = el("PassportUsedTypeCd", None, zh="核放单生成标志代码")
    need_entry_modified: Text1 | None = el("NeedEntryModified", None, zh="报关单同步修改标志")
    levy_bl_amt: Text25 | None = el("LevyBlAmt", None, zh="计征金额")
    dcl_typecd: DeclarationKind = el("DclTypecd", zh="申报类型代码")
    gen_dec_flag: OneOrTwo = el("GenDecFlag", zh="是否生成报关单")  # 1 generate, 2 do not
    add_time: Text | None = el("AddTime", None, zh="添加时间")  # the 2018 template only

    @model_validator(mode="after")
    def _declared_lists_say_how(self) -> Self:
        if self.dclcus_flag is DeclarationFlag.DECLARED and self.dclcus_typecd is None:
            raise ValueError("DclcusTypecd is required when DclcusFlag is 1 (declared)")
        if self.dclcus_flag is DeclarationFlag.DECLARED and self.dec_type is None:
            raise ValueError("DecType is required when DclcusFlag is 1 (declared)")
        return self


class InvtLine(MessageModel):
    """InvtListType: one goods line (清单表体), in the order of the BeeCustom 2019 real
    lists (32 elements), then Param1 (来源标识, gxcb) and the 2018 template's AddTime."""

    seq_no: PreEntryNo | None = el("SeqNo", None, zh="预录入统一编号")
    gds_seqno: SeqNumber = el("GdsSeqno", zh="商品序号")
    putrec_seqno: SeqNumber = el("PutrecSeqno", zh="备案序号")  # the book item
    gds_mtno: PartNo = el("GdsMtno", zh="商品料号")
    gdecd: HsCode = el("Gdecd", zh="商品编码")
    gds_nm: Name = el("GdsNm", zh="商品名称")
    gds_spcf_model_desc: Name | None = el("GdsSpcfModelDesc", None, zh="商品规格型号")
    dcl_unitcd: Unit = el("DclUnitcd", zh="申报计量单位")
    lawf_unitcd: Unit | None = el("LawfUnitcd", None, zh="法定计量单位")
    secd_lawf_unitcd: Unit | None = el("SecdLawfUnitcd", None, zh="法定第二计量单位")
    natcd: Country = el("Natcd", zh="原产国(地区)")
    dcl_uprc_amt: UnitPrice = el("DclUprcAmt", zh="企业申报单价")
    dcl_total_amt: Total = el("DclTotalAmt", zh="企业申报总价")
    usd_stat_total_amt: Text25 | None = el("UsdStatTotalAmt", None, zh="美元统计总金额")
    dcl_currcd: Currency = el("DclCurrcd", zh="币制")
    lawf_qty: Quantity = el("LawfQty", zh="法定数量")
    secd_lawf_qty: Quantity | None = el("SecdLawfQty", None, zh="第二法定数量")
    wt_sf_val: Text19 | None = el("WtSfVal", None, zh="重量比例因子")
    fst_sf_val: Text19 | None = el("FstSfVal", None, zh="第一比例因子")
    secd_sf_val: Text19 | None = el("SecdSfVal", None, zh="第二比例因子")
    dcl_qty: Quantity = el("DclQty", zh="申报数量")
    gross_wt: Weight | None = el("GrossWt", None, zh="毛重")
    net_wt: Weight | None = el("NetWt", None, zh="净重")
    use_cd: Text4 | None = el("UseCd", None, zh="用途代码")
    lvyrlf_modecd: Digit = el("LvyrlfModecd", zh="征免方式")
    ucns_verno: Text8 | None = el("UcnsVerno", None, zh="单耗版本号")
    cly_markcd: Text4 | None = el("ClyMarkcd", None, zh="归类标记")
    # Real lists write 0 on lines no declaration line is known for yet.
    entry_gds_seqno: Text19 | None = el("EntryGdsSeqno", None, zh="报关单商品序号")
    apply_tb_seqno: Text19 | None = el("ApplyTbSeqno", None, zh="申请表序号")
    destination_natcd: Country | None = el("DestinationNatcd", None, zh="最终目的国(地区)")
    modf_markcd: Annotated[str, StringConstraints(pattern=r"^[0-3]$")] | None = el(
        "ModfMarkcd", None, zh="修改标志"
    )  # 0 unchanged, 1 changed, 2 deleted, 3 added
    param1: Text1 | None = el("Param1", None, zh="来源标识")  # 1-4: where the material came from
    rmk: Text4000 | None = el("Rmk", None, zh="备注")
    add_time: Text | None = el("AddTime", None, zh="添加时间")  # the 2018 template only

    @model_validator(mode="after")
    def _second_unit_needs_its_quantity(self) -> Self:
        if self.secd_lawf_unitcd is not None and self.secd_lawf_qty is None:
            raise ValueError("SecdLawfQty is required when SecdLawfUnitcd is given")
        if self.secd_lawf_unitcd is None and self.secd_lawf_qty not in (None, Decimal(0)):
            # Real clients write 0 where an item has no second unit; a quantity is not 0.
            raise ValueError("SecdLawfQty has no unit: SecdLawfUnitcd is missing")
        return self


class InvtDecHead(MessageModel):
    """InvtDecHeadType: the head of the declaration the list generates (随清单生成的报关单
    表头, with GenDecFlag 1), 56 elements in the order of the BeeCustom 2019 real lists.

    No lengths are published; bondflow keeps the texts and does not interpret them.
    Note the spellings PromiseItems and EntryPortCode (DecHead's are PromiseItmes and
    EntyPortCode).
    """

    seq_no: Text | None = el("SeqNo", None, zh="清单中心统一编号")
    dec_seq_no: Text | None = el("DecSeqNo", None, zh="报关单统一编号")
    putrec_no: Text | None = el("PutrecNo", None, zh="备案编号")
    bizop_etps_sccd: Text | None = el("BizopEtpsSccd", None, zh="境内收发货人社会信用代码")
    bizop_etpsno: Text | None = el("BizopEtpsno", None, zh="境内收发货人编号")
    bizop_etps_nm: Text | None = el("BizopEtpsNm", None, zh="境内收发货人名称")
    rvsngd_etps_sccd: Text | None = el("RvsngdEtpsSccd", None, zh="收发货企业社会信用代码")
    rcvgd_etpsno: Text | None = el("RcvgdEtpsno", None, zh="收发货企业编号")
    rcvgd_etps_nm: Text | None = el("RcvgdEtpsNm", None, zh="收发货企业名称")
    dcl_etps_sccd: Text | None = el("DclEtpsSccd", None, zh="申报企业社会信用代码")
    dcl_etpsno: Text | None = el("DclEtpsno", None, zh="申报企业编号")
    dcl_etps_nm: Text | None = el("DclEtpsNm", None, zh="申报企业名称")
    input_code: Text | None = el("InputCode", None, zh="录入单位代码")
    input_credit_code: Text | None = el("InputCreditCode", None, zh="录入单位社会信用代码")
    input_name: Text | None = el("InputName", None, zh="录入单位名称")
    impexp_portcd: Text | None = el("ImpexpPortcd", None, zh="进出境关别")
    dcl_plc_cuscd: Text | None = el("DclPlcCuscd", None, zh="申报地关区代码")
    impexp_markcd: Text | None = el("ImpexpMarkcd", None, zh="进出口标记代码")
    supv_modecd: Text | None = el("SupvModecd", None, zh="监管方式")
    trsp_modecd: Text | None = el("TrspModecd", None, zh="运输方式")
    trade_country: Text | None = el("TradeCountry", None, zh="起运/运抵国(地区)")
    dec_type: Text | None = el("DecType", None, zh="报关单类型")
    rmk: Text | None = el("Rmk", None, zh="备注")
    create_flag: Text | None = el("CreateFlag", None, zh="是否已生成报关单")
    bill_no: Text | None = el("BillNo", None, zh="提运单号")
    contr_no: Text | None = el("ContrNo", None, zh="合同协议号")
    cut_mode: Text | None = el("CutMode", None, zh="征免性质")
    distinate_port: Text | None = el("DistinatePort", None, zh="经停港/指运港")
    fee_curr: Text | None = el("FeeCurr", None, zh="运费币制")
    fee_mark: Text | None = el("FeeMark", None, zh="运费标记")
    fee_rate: Text | None = el("FeeRate", None, zh="运费/率")
    gross_wet: Text | None = el("GrossWet", None, zh="毛重")
    insur_curr: Text | None = el("InsurCurr", None, zh="保险费币制")
    insur_mark: Text | None = el("InsurMark", None, zh="保险费标记")
    insur_rate: Text | None = el("InsurRate", None, zh="保险费/率")
    license_no: Text | None = el("LicenseNo", None, zh="许可证号")
    net_wt: Text | None = el("NetWt", None, zh="净重")
    other_curr: Text | None = el("OtherCurr", None, zh="杂费币制")
    other_mark: Text | None = el("OtherMark", None, zh="杂费标记")
    other_rate: Text | None = el("OtherRate", None, zh="杂费/率")
    pack_no: Text | None = el("PackNo", None, zh="件数")
    traf_name: Text | None = el("TrafName", None, zh="运输工具名称")
    trans_mode: Text | None = el("TransMode", None, zh="成交方式")
    # SD 属地报关, ML 备案清单, LY 两单一审备案清单, CL 汇总征税, SS 属地申报属地验放,
    # MT 多式联运, Z 自报自缴
    type: Text | None = el("Type", None, zh="单据类型")
    wrap_type: Text | None = el("WrapType", None, zh="包装种类")
    promise_items: Text | None = el("PromiseItems", None, zh="特殊关系确认/价格影响确认")
    trade_area_code: Text | None = el("TradeAreaCode", None, zh="贸易国别(地区)")
    desp_port_code: Text | None = el("DespPortCode", None, zh="启运港")
    entry_port_code: Text | None = el("EntryPortCode", None, zh="入境口岸")
    goods_place: Text | None = el("GoodsPlace", None, zh="货物存放地点")
    overseas_consignor_code: Text | None = el("OverseasConsignorCode", None, zh="境外发货人代码")
    overseas_consignor_cname: Text | None = el(
        "OverseasConsignorCname", None, zh="境外发货人名称(中文)"
    )
    overseas_consignor_ename: Text | None = el(
        "OverseasConsignorEname", None, zh="境外发货人名称(外文)"
    )
    overseas_consignor_addr: Text | None = el("OverseasConsignorAddr", None, zh="境外发货人地址")
    overseas_consignee_code: Text | None = el("OverseasConsigneeCode", None, zh="境外收货人代码")
    overseas_consignee_ename: Text | None = el(
        "OverseasConsigneeEname", None, zh="境外收货人名称(外文)"
    )


class InvtDecLine(MessageModel):
    """InvtDecListType: a line of the generated declaration (随清单生成的报关单表体),
    45 elements in the order of the BeeCustom Go model (no instance was found).

    DclCurrCd, NatCd and UnCode are that model's case; other producers' case is read too.
    """

    seq_no: Text | None = el("SeqNo", None, zh="清单中心统一编号")
    dec_seq_no: Text | None = el("DecSeqNo", None, zh="报关单统一编号")
    entry_gds_seqno: Text | None = el("EntryGdsSeqno", None, zh="报关单商品序号")
    putrec_seqno: Text | None = el("PutrecSeqno", None, zh="备案序号")
    gdecd: Text | None = el("Gdecd", None, zh="商品编码")
    gds_nm: Text | None = el("GdsNm", None, zh="商品名称")
    gds_spcf_model_desc: Text | None = el("GdsSpcfModelDesc", None, zh="规格型号")
    dcl_unitcd: Text | None = el("DclUnitcd", None, zh="申报计量单位")
    lawf_unitcd: Text | None = el("LawfUnitcd", None, zh="法定计量单位")
    secd_lawf_unitcd: Text | None = el("SecdLawfUnitcd", None, zh="法定第二计量单位")
    dcl_uprc_amt: Text | None = el("DclUprcAmt", None, zh="申报单价")
    dcl_total_amt: Text | None = el("DclTotalAmt", None, zh="申报总价")
    dcl_curr_cd: Text | None = el("DclCurrCd", None, zh="币制")
    nat_cd: Text | None = el("NatCd", None, zh="原产国(地区)")
    destination_natcd: Text | None = el("DestinationNatcd", None, zh="最终目的国(地区)")
    lawf_qty: Text | None = el("LawfQty", None, zh="法定数量")
    secd_lawf_qty: Text | None = el("SecdLawfQty", None, zh="第二法定数量")
    dcl_qty: Text | None = el("DclQty", None, zh="申报数量")
    use_cd: Text | None = el("UseCd", None, zh="用途代码")
    rmk: Text | None = el("Rmk", None, zh="备注")
    lvyrlf_modecd: Text | None = el("LvyrlfModecd", None, zh="征免方式")
    ciq_code: Text | None = el("CiqCode", None, zh="检验检疫编码")
    decl_goods_ename: Text | None = el("DeclGoodsEname", None, zh="商品英文名称")
    orig_place_code: Text | None = el("OrigPlaceCode", None, zh="原产地区代码")
    purpose: Text | None = el("Purpose", None, zh="用途")
    prod_valid_dt: Text | None = el("ProdValidDt", None, zh="产品有效期")
    prod_qgp: Text | None = el("ProdQgp", None, zh="产品保质期")
    goods_attr: Text | None = el("GoodsAttr", None, zh="货物属性代码")
    stuff: Text | None = el("Stuff", None, zh="成分/原料/组份")
    un_code: Text | None = el("UnCode", None, zh="UN编码")
    dang_name: Text | None = el("DangName", None, zh="危险货物名称")
    dang_pack_type: Text | None = el("DangPackType", None, zh="危包类别")
    dang_pack_spec: Text | None = el("DangPackSpec", None, zh="危包规格")
    eng_man_ent_cnm: Text | None = el("EngManEntCnm", None, zh="境外生产企业名称")
    no_dang_flag: Text | None = el("NoDangFlag", None, zh="非危险化学品")
    dest_code: Text | None = el("DestCode", None, zh="目的地代码")
    goods_spec: Text | None = el("GoodsSpec", None, zh="检验检疫货物规格")
    goods_model: Text | None = el("GoodsModel", None, zh="货物型号")
    goods_brand: Text | None = el("GoodsBrand", None, zh="货物品牌")
    produce_date: Text | None = el("ProduceDate", None, zh="生产日期")
    prod_batch_no: Text | None = el("ProdBatchNo", None, zh="生产批号")
    district_code: Text | None = el("DistrictCode", None, zh="境内目的地/境内货源地")
    ciq_name: Text | None = el("CiqName", None, zh="检验检疫名称")
    # DecList in the 2019 real declaration spells it MnufctrRegNo
    mnufctr_regno: Annotated[Text, AlsoRead("MnufctrRegNo")] | None = el(
        "MnufctrRegno", None, zh="生产单位注册号"
    )
    mnufctr_reg_name: Text | None = el("MnufctrRegName", None, zh="生产单位名称")


class InvtMessage(MessageModel):
    """The list, the declaration it generates, and who sends it, in the BeeCustom 2019
    order (its real lists and its Go model agree); loop and the PHP SDK write SysId
    before OperCusRegCode."""

    head: InvtHead = el("InvtHeadType", zh="清单表头")
    lines: tuple[InvtLine, ...] = el("InvtListType", min_length=1, zh="清单表体")
    dec_head: InvtDecHead | None = el("InvtDecHeadType", None, zh="报关单表头")
    dec_lines: tuple[InvtDecLine, ...] = el("InvtDecListType", (), zh="报关单表体")
    oper_cus_reg_code: CustomsCode = el("OperCusRegCode", zh="操作企业海关编码")
    # 95, Z7, Z8, B1...: the bonded-area system the list goes to
    sys_id: Annotated[str, StringConstraints(pattern=r"^[0-9A-Z]{2}$")] = el(
        "SysId", zh="子系统代码"
    )

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
    envelope: EnvelopInfo = el("EnvelopInfo", zh="报文头")
    message: InvtMessage = el("InvtMessage", zh="核注清单")
    declare_flag: DeclareFlag = el("DelcareFlag", zh="申报标志")
