"""DecMessage: the single-window customs declaration or filing list (报关单 / 备案清单).

Namespace http://www.chinaport.gov.cn/dec. The root carries a lower-case ``version``
attribute: every public instance says ``3.1`` (a real 2019 file from a Dongguan broker,
the 2018 templates of a Shenzhen client), many generated files carry none; bondflow
keeps whatever a file says (or that it says nothing) and writes ``3.1`` unless a
deployment says otherwise (``Settings.dec_message_version``).

Every element real files carry is a field (REAL-FORMATS.md section 6), with its Chinese
label where a source gives one:

- DecHead: the 91 elements of the real 2019 file in its order, then the 12 that only
  the 2018 v3.1 template has (``PayWay``, ``DistrictCode``, the contact fields...);
  ``TradeCodeScc`` (2018) is read as ``TradeCoScc`` (2019).
- DecList: the 48 elements of the real 2019 file in its order, with the nested
  product qualifications (产品资质) ``DecGoodsLimits/DecGoodsLimit/DecGoodsLimitVin``.
- The blocks under DecMessage: the real 2019 order for the blocks it has, then the
  others in the order of the 2018 full template (``DecMarkLobs``, ``EdocRealation``,
  ``EcoRelation``, ``DecRisk``), then ``DecRoyaltyFee`` (特许权使用费, known from a
  message checker's mapping only).

The spellings are the real ones, quirks included: ``GrossWet``, ``PromiseItmes``,
``EntyPortCode``, ``TaxAaminMark``, ``DeclaratioMaterialCode``, ``EdocRealation``,
``EdocFomatType``, ``ExtendFiled``, ``Statment``.

Fields bondflow reads or has a rule for are typed (the head's CIF charges with their
marks, weights, codes; a line's prices with 4 places, totals with 2, quantities, units,
GNo running 1, 2, 3..., at most 50 lines); required are only those a declaration cannot
do without and that the real files fill. Everything else is kept as text, exactly as
written: no published lengths exist for this message. Drafts that bondflow writes fill
more (``customs.drafting.declaration``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Final, Self

from pydantic import StringConstraints, model_validator

from schemas.identifiers import (
    BookNo,
    CreditCode,
    CustomsCode,
    CustomsDistrict,
    EntryId,
    HsCode,
    PreEntryNo,
)
from schemas.messages.base import MessageModel, el
from schemas.messages.bonded_list import Digit, SeqNumber
from schemas.messages.codes import DEFAULT_DEC_VERSION, ImpExp
from schemas.messages.fields import (
    AlsoRead,
    CompactDate,
    Country,
    Currency,
    Name,
    Quantity,
    Rate,
    SupervisionMode,
    Text,
    Total,
    TransportMode,
    Unit,
    UnitPrice,
    Weight,
    Wrapped,
)

DEC_NAMESPACE = "http://www.chinaport.gov.cn/dec"

MAX_DECLARATION_LINES: Final = 50

Short = Annotated[str, StringConstraints(min_length=1, max_length=32)]
Mark = Annotated[str, StringConstraints(pattern=r"^[123]$")]
"""Fee/insurance/other mark: 1 rate, 2 per unit (per ton), 3 total amount."""

ClientSeqNo = Annotated[str, StringConstraints(pattern=r"^[0-9A-Za-z]{1,32}$")]
"""The enterprise's own key of a declaration (18 characters from bondflow, 21 in a
real 2019 file)."""


class DecHead(MessageModel):
    """报关单表头: the 2019 real order (91), then the 2018 template's own fields."""

    seq_no: PreEntryNo | None = el("SeqNo", None, zh="数据中心统一编号")  # on import
    ie_flag: ImpExp = el("IEFlag", zh="进出口标识")
    type: Text | None = el("Type", None, zh="单据类型")  # Z, ML, SD...: up to 4 codes
    agent_code: CustomsCode = el("AgentCode", zh="申报单位代码")
    agent_name: Name = el("AgentName", zh="申报单位名称")
    appr_no: Text | None = el("ApprNo", None, zh="批准文号")
    bill_no: Text | None = el("BillNo", None, zh="提运单号")
    contr_no: Text | None = el("ContrNo", None, zh="合同号")
    custom_master: CustomsDistrict = el("CustomMaster", zh="申报地海关")
    cut_mode: Annotated[str, StringConstraints(pattern=r"^[0-9]{3}$")] | None = el(
        "CutMode", None, zh="征免性质"
    )
    distinate_port: Text | None = el("DistinatePort", None, zh="经停港/指运港")
    fee_curr: Currency | None = el("FeeCurr", None, zh="运费币制")
    fee_mark: Mark | None = el("FeeMark", None, zh="运费标记")
    fee_rate: Rate | None = el("FeeRate", None, zh="运费/率")
    gross_wet: Weight = el("GrossWet", zh="毛重")  # sic: GrossWet
    ie_date: CompactDate | None = el("IEDate", None, zh="进出口日期")
    ie_port: CustomsDistrict = el("IEPort", zh="进出口岸")
    insur_curr: Currency | None = el("InsurCurr", None, zh="保险费币制")
    insur_mark: Mark | None = el("InsurMark", None, zh="保险费标记")
    insur_rate: Rate | None = el("InsurRate", None, zh="保险费/率")
    license_no: Text | None = el("LicenseNo", None, zh="许可证编号")
    manual_no: BookNo | None = el("ManualNo", None, zh="备案号")  # the account book
    net_wt: Weight = el("NetWt", zh="净重")
    note_s: Text | None = el("NoteS", None, zh="备注")
    other_curr: Currency | None = el("OtherCurr", None, zh="杂费币制")
    other_mark: Mark | None = el("OtherMark", None, zh="杂费标记")
    other_rate: Rate | None = el("OtherRate", None, zh="杂费/率")
    owner_code: CustomsCode = el("OwnerCode", zh="消费使用单位代码")
    owner_name: Name = el("OwnerName", zh="消费使用单位名称")
    pack_no: int = el("PackNo", ge=0, le=99999999, zh="件数")
    trade_code: CustomsCode = el("TradeCode", zh="经营单位统一编码")  # 境内收发货人
    trade_country: Country = el("TradeCountry", zh="起运国/运抵国")
    trade_mode: SupervisionMode = el("TradeMode", zh="贸易方式")  # 监管方式
    trade_name: Name = el("TradeName", zh="收发货人名称")
    traf_mode: TransportMode = el("TrafMode", zh="运输方式")
    traf_name: Text | None = el("TrafName", None, zh="运输工具代码及名称")
    trans_mode: Digit = el("TransMode", zh="成交方式")
    wrap_type: Annotated[str, StringConstraints(pattern=r"^[0-9]{2}$")] | None = el(
        "WrapType", None, zh="包装种类"
    )
    entry_id: EntryId | None = el("EntryId", None, zh="海关编号")  # assigned by customs
    pre_entry_id: Text | None = el("PreEntryId", None, zh="报关单号(预录入号)")
    edi_id: Text | None = el("EdiId", None)
    risk: Text | None = el("Risk", None)
    cop_name: Text | None = el("CopName", None, zh="录入单位名称")
    cop_code: CustomsCode | None = el("CopCode", None, zh="录入单位编码")
    entry_type: Annotated[str, StringConstraints(pattern=r"^[0-9A-Z]$")] = el(
        "EntryType", zh="报关单类型"
    )  # 0 普通, L 带清单, W 无纸, D 既无纸又带清单, M 无纸化通关
    p_date: Text | None = el("PDate", None, zh="打印日期")
    typist_no: Text | None = el("TypistNo", None, zh="录入员IC卡号")
    inputer_name: Text | None = el("InputerName", None, zh="录入员姓名")
    partener_id: Text | None = el("PartenerID", None)
    tgd_no: Text | None = el("TgdNo", None)
    data_source: Text | None = el("DataSource", None)
    decl_trn_rel: Annotated[str, StringConstraints(pattern=r"^[01]$")] | None = el(
        "DeclTrnRel", None, zh="报关/转关关系标志"
    )  # 0 一般报关单, 1 转关提前报关单
    chk_surety: Text | None = el("ChkSurety", None)
    bill_type: Text | None = el("BillType", None, zh="备案清单类型")
    cop_code_scc: CreditCode | None = el("CopCodeScc", None, zh="录入单位统一社会信用代码")
    owner_code_scc: CreditCode | None = el("OwnerCodeScc", None, zh="货主单位统一编码")
    agent_code_scc: CreditCode | None = el("AgentCodeScc", None, zh="申报代码统一编码")
    trade_co_scc: Annotated[CreditCode, AlsoRead("TradeCodeScc")] | None = el(
        "TradeCoScc", None, zh="经营单位统一编码"
    )
    promise_itmes: Annotated[str, StringConstraints(pattern=r"^[0-9]{1,9}$")] | None = el(
        "PromiseItmes", None, zh="承诺事项"
    )  # sic; one digit per confirmation: 1 yes, 0 no, 9 not applicable
    trade_area_code: Country | None = el("TradeAreaCode", None, zh="贸易国别")
    check_flow: Text | None = el("CheckFlow", None, zh="查验分流")
    tax_aamin_mark: Text | None = el("TaxAaminMark", None, zh="税收征管标记")  # sic
    mark_no: Text | None = el("MarkNo", None, zh="标记唛码")
    desp_port_code: Annotated[str, StringConstraints(pattern=r"^[0-9A-Z]{6}$")] | None = el(
        "DespPortCode", None, zh="启运口岸代码"
    )
    enty_port_code: Text | None = el("EntyPortCode", None, zh="入境口岸代码")  # sic
    goods_place: Text | None = el("GoodsPlace", None, zh="存放地点")
    bl_no: Text | None = el("BLNo", None, zh="B/L号")
    insp_org_code: Text | None = el("InspOrgCode", None, zh="口岸检验检疫机关")
    spec_decl_flag: Text | None = el("SpecDeclFlag", None, zh="特种业务标识")
    purp_org_code: Text | None = el("PurpOrgCode", None, zh="目的地检验检疫机关")
    desp_date: Text | None = el("DespDate", None, zh="启运日期")
    cmpl_dschrg_dt: Text | None = el("CmplDschrgDt", None, zh="卸毕日期")
    correlation_reason_flag: Text | None = el("CorrelationReasonFlag", None, zh="关联理由")
    vsa_org_code: Text | None = el("VsaOrgCode", None, zh="领证机关")
    orig_box_flag: Text | None = el("OrigBoxFlag", None, zh="原集装箱标识")
    declare_name: Text | None = el("DeclareName", None, zh="报关员姓名")
    no_other_pack: Text | None = el("NoOtherPack", None, zh="无其他包装")
    org_code: Text | None = el("OrgCode", None, zh="检验检疫受理机关")
    overseas_consignor_code: Text | None = el("OverseasConsignorCode", None, zh="境外发货人代码")
    overseas_consignor_cname: Text | None = el("OverseasConsignorCname", None, zh="境外发货人名称")
    overseas_consignor_ename: Text | None = el(
        "OverseasConsignorEname", None, zh="境外发货人名称（外文）"
    )
    overseas_consignor_addr: Text | None = el("OverseasConsignorAddr", None, zh="境外发货人地址")
    overseas_consignee_code: Text | None = el("OverseasConsigneeCode", None, zh="境外收货人编码")
    overseas_consignee_ename: Text | None = el(
        "OverseasConsigneeEname", None, zh="境外收货人名称(外文)"
    )
    domestic_consignee_ename: Text | None = el(
        "DomesticConsigneeEname", None, zh="境内收货人名称（外文）"
    )
    correlation_no: Text | None = el("CorrelationNo", None, zh="关联号码")
    edi_remark: Text | None = el("EdiRemark", None)
    edi_remark2: Text | None = el("EdiRemark2", None, zh="EDI申报备注2")
    trade_ciq_code: Text | None = el("TradeCiqCode", None, zh="境内收发货人检验检疫编码")
    owner_ciq_code: Text | None = el("OwnerCiqCode", None, zh="消费使用/生产销售单位检验检疫编码")
    decl_ciq_code: Text | None = el("DeclCiqCode", None, zh="申报单位检验检疫编码")
    # Only in the 2018 v3.1 template (after the 2019 real file's elements):
    pay_way: Text | None = el("PayWay", None)
    district_code: Text | None = el("DistrictCode", None, zh="境内目的地/境内货源地")
    payment_mark: Text | None = el("PaymentMark", None)
    in_ratio: Text | None = el("InRatio", None)
    agent_link_man: Text | None = el("AgentLinkMan", None)
    agent_link_mail: Text | None = el("AgentLinkMAIL", None)
    agent_link_phone: Text | None = el("AgentLinkPHONE", None)
    owner_link_man: Text | None = el("OwnerLinkMan", None)
    owner_link_mail: Text | None = el("OwnerLinkMAIL", None)
    owner_link_phone: Text | None = el("OwnerLinkPHONE", None)
    inputer_name_mail: Text | None = el("InputerNameMAIL", None)
    inputer_name_phone: Text | None = el("InputerNamePHONE", None)

    @model_validator(mode="after")
    def _charges_have_their_parts(self) -> Self:
        for charge in ("fee", "insur", "other"):
            mark = getattr(self, f"{charge}_mark")
            rate: Decimal | None = getattr(self, f"{charge}_rate")
            currency = getattr(self, f"{charge}_curr")
            # Real files write an unused charge as a zero rate without a mark.
            if mark is not None and rate is None:
                raise ValueError(f"a {charge} mark needs its rate")
            if mark is None and rate:
                raise ValueError(f"a {charge} rate other than 0 needs its mark")
            if mark in ("2", "3") and currency is None:
                raise ValueError(f"a {charge} charge given as an amount needs its currency")
        if self.net_wt > self.gross_wet:
            raise ValueError("NetWt is more than GrossWet")
        return self


class DecGoodsLimitVin(MessageModel):
    """产品资质 VIN 信息: one vehicle of a line under a licence."""

    licence_no: Text | None = el("LicenceNo", None, zh="许可证编号")
    lic_type_code: Text | None = el("LicTypeCode", None, zh="许可证类别代码")
    vin_no: Text | None = el("VinNo", None, zh="VIN序号")
    bill_lad_date: Text | None = el("BillLadDate", None, zh="提/运单日期")
    quality_qgp: Text | None = el("QualityQgp", None, zh="质量保质期")
    motor_no: Text | None = el("MotorNo", None, zh="发动机号或电机号")
    vin_code: Text | None = el("VinCode", None, zh="车辆识别代码")
    chassis_no: Text | None = el("ChassisNo", None, zh="底盘(车架)号")
    invoice_num: Text | None = el("InvoiceNum", None, zh="发票所列数量")
    prod_cnnm: Text | None = el("ProdCnnm", None, zh="品名(中文)")
    prod_ennm: Text | None = el("ProdEnnm", None, zh="品名(英文)")
    model_en: Text | None = el("ModelEn", None, zh="型号(英文)")
    price_per_unit: Text | None = el("PricePerUnit", None, zh="单价")
    invoice_no: Text | None = el("InvoiceNo", None, zh="发票号")


class DecGoodsLimit(MessageModel):
    """产品资质: a licence the goods of a line need (许可证)."""

    goods_no: Text | None = el("GoodsNo", None, zh="商品序号")
    lic_type_code: Text | None = el("LicTypeCode", None, zh="许可证类别代码")
    licence_no: Text | None = el("LicenceNo", None, zh="许可证编号")
    lic_wrtof_detail_no: Text | None = el("LicWrtofDetailNo", None, zh="许可证核销明细序号")
    lic_wrtof_qty: Text | None = el("LicWrtofQty", None, zh="许可证核销数量")
    lic_wrtof_qty_unit: Text | None = el("LicWrtofQtyUnit", None, zh="许可证核销数量单位")
    vins: tuple[DecGoodsLimitVin, ...] = el("DecGoodsLimitVin", (), zh="产品资质VIN信息")


class DecList(MessageModel):
    """报关单表体: one goods line, the 2019 real order (48)."""

    class_mark: Text | None = el("ClassMark", None, zh="归类标志")
    code_ts: HsCode = el("CodeTS", zh="HS编码")
    contr_item: SeqNumber | None = el("ContrItem", None, zh="备案序号")  # 新贸序号
    decl_price: UnitPrice = el("DeclPrice", zh="申报单价")
    duty_mode: Digit = el("DutyMode", zh="征减免税方式")
    factor: Rate | None = el("Factor", None, zh="比例因子")  # a number: 0.000 in real files
    g_model: Name = el("GModel", zh="规格型号")
    g_name: Name = el("GName", zh="商品名称")
    g_no: SeqNumber = el("GNo", zh="商品序号")
    origin_country: Country = el("OriginCountry", zh="原产/目的国")
    trade_curr: Currency = el("TradeCurr", zh="成交币制")
    decl_total: Total = el("DeclTotal", zh="申报总价")
    g_qty: Quantity = el("GQty", zh="申报数量")
    first_qty: Quantity = el("FirstQty", zh="法定第一数量")
    second_qty: Quantity | None = el("SecondQty", None, zh="法定第二数量")
    g_unit: Unit = el("GUnit", zh="申报计量单位")
    first_unit: Unit = el("FirstUnit", zh="法定第一计量单位")
    second_unit: Unit | None = el("SecondUnit", None, zh="法定第二计量单位")
    use_to: Text | None = el("UseTo", None, zh="用途")
    work_usd: Text | None = el("WorkUsd", None, zh="工缴费")
    exg_no: Text | None = el("ExgNo", None, zh="成品料号")  # processing
    exg_version: Text | None = el("ExgVersion", None, zh="单耗版本号")
    destination_country: Country = el("DestinationCountry", zh="目的国")
    ciq_code: Text | None = el("CiqCode", None, zh="检验检疫编码")
    decl_goods_ename: Text | None = el("DeclGoodsEname", None, zh="商品英文名称")
    orig_place_code: Text | None = el("OrigPlaceCode", None, zh="原产地区代码")
    purpose: Text | None = el("Purpose", None, zh="用途代码")
    prod_valid_dt: Text | None = el("ProdValidDt", None, zh="产品有效期")
    prod_qgp: Text | None = el("ProdQgp", None, zh="产品保质期")
    goods_attr: Text | None = el("GoodsAttr", None, zh="货物属性代码")
    stuff: Text | None = el("Stuff", None, zh="成份/原料/组份")
    uncode: Text | None = el("Uncode", None, zh="UN编码")
    dang_name: Text | None = el("DangName", None, zh="危险货物名称")
    dang_pack_type: Text | None = el("DangPackType", None, zh="危包类别")
    dang_pack_spec: Text | None = el("DangPackSpec", None, zh="危包规格")
    eng_man_ent_cnm: Text | None = el("EngManEntCnm", None, zh="境外生产企业名称")
    no_dang_flag: Text | None = el("NoDangFlag", None)
    dest_code: Text | None = el("DestCode", None, zh="目的地代码")
    goods_spec: Text | None = el("GoodsSpec", None, zh="检验检疫货物规格")
    goods_model: Text | None = el("GoodsModel", None, zh="货物型号")
    goods_brand: Text | None = el("GoodsBrand", None, zh="货物品牌")
    produce_date: Text | None = el("ProduceDate", None, zh="生产日期")
    prod_batch_no: Text | None = el("ProdBatchNo", None, zh="生产批号")
    district_code: Annotated[str, StringConstraints(pattern=r"^[0-9]{5}$")] | None = el(
        "DistrictCode", None, zh="境内目的地/境内货源地"
    )
    ciq_name: Text | None = el("CiqName", None, zh="检验检疫名称")
    goods_limits: Annotated[tuple[DecGoodsLimit, ...], Wrapped("DecGoodsLimit")] = el(
        "DecGoodsLimits", (), zh="产品资质"
    )
    mnufctr_reg_no: Annotated[Text, AlsoRead("MnufctrRegno")] | None = el(
        "MnufctrRegNo", None, zh="生产单位注册号"
    )
    mnufctr_reg_name: Text | None = el("MnufctrRegName", None, zh="生产单位名称")

    @model_validator(mode="after")
    def _second_unit_needs_its_quantity(self) -> Self:
        if self.second_unit is not None and self.second_qty is None:
            raise ValueError("SecondUnit needs its SecondQty")
        if self.second_unit is None and self.second_qty:
            raise ValueError("a SecondQty other than 0 needs its SecondUnit")
        return self


class DecLicenseDocu(MessageModel):
    """随附单证: a document that goes with the declaration."""

    docu_code: Annotated[str, StringConstraints(pattern=r"^[0-9A-Za-z]{1,3}$")] = el(
        "DocuCode", zh="单证代码"
    )
    cert_code: Text = el("CertCode", zh="单证编号")


class DecContainer(MessageModel):
    """集装箱: one container, the order of the 2018 full template."""

    container_id: Annotated[str, StringConstraints(pattern=r"^[A-Z]{4}[0-9]{7}$")] = el(
        "ContainerId", zh="集装箱号"
    )
    container_md: Text | None = el("ContainerMd", None, zh="集装箱规格")  # 标准码
    goods_no: Annotated[str, StringConstraints(pattern=r"^[0-9]+(,[0-9]+)*$")] | None = el(
        "GoodsNo", None, zh="商品项号"
    )
    lcl_flag: Annotated[str, StringConstraints(pattern=r"^[01]$")] | None = el(
        "LclFlag", None, zh="拼箱标识"
    )
    goods_conta_wt: Weight | None = el("GoodsContaWt", None)
    container_wt: Weight | None = el("ContainerWt", None, zh="集装箱自重")


class DecSign(MessageModel):
    """报关单签名信息: the 12 elements of the real 2019 file, in its order."""

    oper_type: Annotated[str, StringConstraints(pattern=r"^[A-Z]$")] = el(
        "OperType", zh="操作类型"
    )  # A 上载, C 申报, G 暂存...
    ic_code: Text = el("ICCode", zh="操作员IC卡号")
    cop_code: CustomsCode = el("CopCode", zh="操作企业代码")
    oper_name: Name = el("OperName", zh="操作员姓名")
    client_seq_no: ClientSeqNo = el("ClientSeqNo", zh="客户端报关单编号")
    sign: Text | None = el("Sign", None, zh="数字签名信息")
    sign_date: Annotated[str, StringConstraints(pattern=r"^[0-9]{14,17}$")] | None = el(
        "SignDate", None, zh="签名日期"
    )  # yyyyMMddHHmmss and up to 3 more digits
    certificate: Text | None = el("Certificate", None)
    host_id: Text | None = el("HostId", None, zh="主机编号")
    bill_seq_no: Text | None = el("BillSeqNo", None, zh="清单编号")
    domain_id: Text | None = el("DomainId", None)
    note: Text | None = el("Note", None, zh="备注")


class DecFreeTxt(MessageModel):
    """自由文本: the real 2019 order (the 2018 template put VoyNo last)."""

    rel_id: Text | None = el("RelId", None, zh="关联报关单号")
    rel_man_no: Text | None = el("RelManNo", None, zh="关联备案号")
    bon_no: Text | None = el("BonNo", None, zh="监管仓号")
    voy_no: Text | None = el("VoyNo", None, zh="航次号")  # the train number
    dec_bp_no: Text | None = el("DecBpNo", None, zh="报关员联系方式")
    cus_fie: Text | None = el("CusFie", None, zh="货场代码")
    dec_no: Text | None = el("DecNo", None, zh="报关员号")


class DecRequestCert(MessageModel):
    """申请单证: a certificate asked of the inspection authority."""

    app_cert_code: Text | None = el("AppCertCode", None, zh="申请单证代码")
    appl_ori: Text | None = el("ApplOri", None, zh="正本数")
    appl_copy_quan: Text | None = el("ApplCopyQuan", None, zh="副本数")


class DecOtherPack(MessageModel):
    """其他包装."""

    pack_qty: Text | None = el("PackQty", None, zh="包装件数")
    pack_type: Text | None = el("PackType", None, zh="包装材料种类")


class DecCopLimit(MessageModel):
    """企业资质."""

    ent_qualif_no: Text | None = el("EntQualifNo", None, zh="企业资质编号")
    ent_qualif_type_code: Text | None = el("EntQualifTypeCode", None, zh="企业资质类别代码")


class DecUser(MessageModel):
    """使用人."""

    use_org_person_code: Text | None = el("UseOrgPersonCode", None)
    use_org_person_tel: Text | None = el("UseOrgPersonTel", None)


class DecCopPromise(MessageModel):
    """企业承诺: a declared supporting material."""

    declaratio_material_code: Text | None = el(
        "DeclaratioMaterialCode", None, zh="证明/声明材料代码"
    )  # sic


class DecMarkLob(MessageModel):
    """标记唛码附件."""

    attach_name: Text | None = el("AttachName", None)
    attach_type: Text | None = el("AttachType", None)
    attachment: Text | None = el("Attachment", None)


class EdocRealation(MessageModel):
    """随附单据 (sic: Realation): one attached electronic document, no wrapper."""

    edoc_id: Text | None = el("EdocID", None)
    edoc_code: Text | None = el("EdocCode", None)
    edoc_fomat_type: Text | None = el("EdocFomatType", None)  # sic
    op_note: Text | None = el("OpNote", None)
    edoc_cop_id: Text | None = el("EdocCopId", None)
    edoc_owner_code: Text | None = el("EdocOwnerCode", None)
    sign_unit: Text | None = el("SignUnit", None)
    sign_time: Text | None = el("SignTime", None)
    edoc_owner_name: Text | None = el("EdocOwnerName", None)
    edoc_size: Text | None = el("EdocSize", None)


class EcoRelation(MessageModel):
    """原产地证明对应关系 (the 2018 templates), no wrapper."""

    cert_type: Text | None = el("CertType", None)
    eco_cert_no: Text | None = el("EcoCertNo", None)
    dec_g_no: Text | None = el("DecGNo", None)
    eco_g_no: Text | None = el("EcoGNo", None)
    extend_filed: Text | None = el("ExtendFiled", None)  # sic


class DecRisk(MessageModel):
    """The risk block of the dec_3_1 template."""

    risk: Text | None = el("Risk", None)
    sign: Text | None = el("Sign", None)
    sign_date: Text | None = el("SignDate", None)
    note: Text | None = el("Note", None)


class DecRoyaltyFee(MessageModel):
    """特许权使用费 (known from a message checker's mapping, in its order)."""

    price_pre_determin_no: Text | None = el("PricePreDeterminNo", None, zh="价格预裁定编号")
    tax_royalty_decl_type: Text | None = el(
        "TaxRoyaltyDeclType", None, zh="应税特许权使用费申报情形"
    )
    contract_no: Text | None = el("ContractNo", None, zh="合同/协议号")
    authorizer: Text | None = el("Authorizer", None, zh="授权方")
    authorized_person: Text | None = el("AuthorizedPerson", None, zh="被授权方")
    pay_type: Text | None = el("PayType", None, zh="支付方式")
    pay_time: Text | None = el("PayTime", None, zh="支付时间")
    pay_period: Text | None = el("PayPeriod", None, zh="支付计提周期")
    effective_date_time: Text | None = el("EffectiveDateTime", None, zh="合同起始执行时间")
    expiration_date_time: Text | None = el("ExpirationDateTime", None, zh="合同终止时间")
    royalty_amount: Text | None = el("RoyaltyAmount", None, zh="金额")
    curr: Text | None = el("Curr", None, zh="币制")
    royalty_fee_type: Text | None = el("RoyaltyFeeType", None, zh="类型")
    edoc_type: Text | None = el("EdocType", None, zh="随附材料清单类型")
    statment: Text | None = el("Statment", None, zh="说明")  # sic
    is_secret: Text | None = el("IsSecret", None, zh="是否保密")
    is_cus_audit: Text | None = el("IsCusAudit", None, zh="是否经海关审核认定")
    is_cus_price_pre_determin: Text | None = el(
        "IsCusPricePreDetermin", None, zh="是否经价格预裁定"
    )
    issue_date_time: Text | None = el("IssueDateTime", None, zh="签约时间")
    period_start_date: Text | None = el("PeriodStartDate", None, zh="本次支付对应计提周期起")
    period_end_date: Text | None = el("PeriodEndDate", None, zh="本次支付对应计提周期止")


class DeclarationMessage(MessageModel):
    """DecMessage as a whole: the real 2019 block order, then the template-only blocks.

    ``version`` is the root's attribute, not an element: any text, or None when the
    file carries none. The codec reads and writes it.
    """

    version: str | None = DEFAULT_DEC_VERSION
    head: DecHead = el("DecHead", zh="报关单表头")
    lines: Annotated[tuple[DecList, ...], Wrapped("DecList")] = el(
        "DecLists", min_length=1, zh="报关单表体"
    )
    licenses: Annotated[tuple[DecLicenseDocu, ...], Wrapped("LicenseDocu")] = el(
        "DecLicenseDocus", (), zh="随附单证"
    )
    containers: Annotated[tuple[DecContainer, ...], Wrapped("Container")] = el(
        "DecContainers", (), zh="集装箱信息"
    )
    sign: DecSign = el("DecSign", zh="报关单签名信息")
    free_text: DecFreeTxt | None = el("DecFreeTxt", None, zh="报关单自由文本")
    request_certs: Annotated[tuple[DecRequestCert, ...], Wrapped("DecRequestCert")] = el(
        "DecRequestCerts", (), zh="申请单证信息"
    )
    other_packs: Annotated[tuple[DecOtherPack, ...], Wrapped("DecOtherPack")] = el(
        "DecOtherPacks", (), zh="其他包装信息"
    )
    cop_limits: Annotated[tuple[DecCopLimit, ...], Wrapped("DecCopLimit")] = el(
        "DecCopLimits", (), zh="企业资质信息"
    )
    users: Annotated[tuple[DecUser, ...], Wrapped("DecUser")] = el("DecUsers", (), zh="使用人信息")
    cop_promises: Annotated[tuple[DecCopPromise, ...], Wrapped("DecCopPromise")] = el(
        "DecCopPromises", (), zh="企业承诺信息"
    )
    mark_lobs: Annotated[tuple[DecMarkLob, ...], Wrapped("DecMarkLob")] = el(
        "DecMarkLobs", (), zh="标记唛码附件"
    )
    edoc_realations: tuple[EdocRealation, ...] = el("EdocRealation", (), zh="随附单据")
    eco_relations: tuple[EcoRelation, ...] = el("EcoRelation", ())
    risk: DecRisk | None = el("DecRisk", None)
    royalty_fee: DecRoyaltyFee | None = el("DecRoyaltyFee", None, zh="特许权使用费")

    @model_validator(mode="after")
    def _line_numbers_run_from_one(self) -> Self:
        numbers = [line.g_no for line in self.lines]
        if numbers != list(range(1, len(numbers) + 1)):
            raise ValueError(f"GNo must run 1, 2, 3... in order; got {numbers[:10]}")
        if len(numbers) > MAX_DECLARATION_LINES:
            raise ValueError(f"a declaration holds at most {MAX_DECLARATION_LINES} goods lines")
        return self
