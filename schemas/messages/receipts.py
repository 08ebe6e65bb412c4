"""Receipts of the Golden Customs Phase II system: INV201/202/211 and SAS221/223/224/253.

Each arrives as Package/EnvelopInfo + DataInfo/BussinessData/<message type>, with or
without the xmldsig wrapper. Element names are the HDE tables' lower camel case.

Customs is the authority on what it sends: every element is kept as the text customs
wrote (``Text | None``), in the real order of the most complete real receipt
(REAL-FORMATS.md section 3, the 2024 Ningbo receipts), and every block is optional
where a real receipt leaves it out. What bondflow draws from a receipt (the review
result, the gate passage, weights, times and numbers) is ``customs.receipt_facts``:
pure rules that tolerate odd values, never field types that could refuse a receipt.
"""

from __future__ import annotations

from pydantic import Field

from schemas.messages.base import EnvelopeStyle, MessageModel, el
from schemas.messages.envelope import EnvelopInfo
from schemas.messages.fields import SchemaOnlyText, Text

# --- blocks shared by the receipts ----------------------------------------------------


class HdeApprResult(MessageModel):
    """处理结果: the common result block (7 elements, real order = bssp XSD order).

    Real receipts put customs' 18-digit pre-entry number in etpsPreentNo and the
    list or pass number in businessId; manageDate is ``yyyy-MM-dd HH:mm:ss``.
    """

    etps_preent_no: Text | None = el("etpsPreentNo", None, zh="企业预录入编号")
    business_id: Text | None = el("businessId", None, zh="单证编号")
    tms_cnt: Text | None = el("tmsCnt", None, zh="变更/报核次数")
    typecd: Text | None = el("typecd", None, zh="业务类型代码")
    manage_result: Text | None = el("manageResult", None, zh="处理结果")
    manage_date: Text | None = el("manageDate", None, zh="处理日期")
    rmk: Text | None = el("rmk", None, zh="备注")


class CheckInfo(MessageModel):
    """检查信息: one reason customs gives (bssp XSD; repeated in INV201)."""

    note: Text | None = el("note", None, zh="检查信息")


# --- bonded lists (INV201, INV211) ----------------------------------------------------


class BondInvtBsc(MessageModel):
    """保税清单表头: the list's head as customs holds it (51 elements, real order of the
    2024 INV201/INV211 receipts; the 2017 XSD has the first 48)."""

    bond_invt_no: Text | None = el("bondInvtNo", None, zh="保税清单编号")
    chg_tms_cnt: Text | None = el("chgTmsCnt", None, zh="变更次数")
    invt_preent_no: Text | None = el("invtPreentNo", None, zh="清单预录入编号")
    putrec_no: Text | None = el("putrecNo", None, zh="备案编号")
    etps_inner_invt_no: Text | None = el("etpsInnerInvtNo", None, zh="企业内部清单编号")
    bizop_etps_sccd: Text | None = el("bizopEtpsSccd", None, zh="经营企业社会信用代码")
    bizop_etpsno: Text | None = el("bizopEtpsno", None, zh="经营企业编号")
    bizop_etps_nm: Text | None = el("bizopEtpsNm", None, zh="经营企业名称")
    rvsngd_etps_sccd: Text | None = el("rvsngdEtpsSccd", None, zh="收发货企业社会信用代码")
    rcvgd_etpsno: Text | None = el("rcvgdEtpsno", None, zh="收货企业编号")
    rcvgd_etps_nm: Text | None = el("rcvgdEtpsNm", None, zh="收货企业名称")
    dcl_etps_sccd: Text | None = el("dclEtpsSccd", None, zh="申报企业社会信用代码")
    dcl_etpsno: Text | None = el("dclEtpsno", None, zh="申报企业编号")
    dcl_etps_nm: Text | None = el("dclEtpsNm", None, zh="申报企业名称")
    invt_dcl_time: Text | None = el("invtDclTime", None, zh="清单申报日期")
    entry_dcl_time: Text | None = el("entryDclTime", None, zh="报关单申报时间")
    entry_no: Text | None = el("entryNo", None, zh="报关单编号")
    rlt_invt_no: Text | None = el("rltInvtNo", None, zh="关联清单编号")
    rlt_putrec_no: Text | None = el("rltPutrecNo", None, zh="关联备案编号")
    rlt_entry_no: Text | None = el("rltEntryNo", None, zh="关联报关单编号")
    rlt_entry_bizop_etps_sccd: Text | None = el(
        "rltEntryBizopEtpsSccd", None, zh="关联报关单经营企业社会信用代码"
    )
    rlt_entry_bizop_etpsno: Text | None = el(
        "rltEntryBizopEtpsno", None, zh="关联报关单经营企业编号"
    )
    rlt_entry_bizop_etps_nm: Text | None = el(
        "rltEntryBizopEtpsNm", None, zh="关联报关单经营企业名称"
    )
    impexp_portcd: Text | None = el("impexpPortcd", None, zh="进出口口岸代码")
    dcl_plc_cuscd: Text | None = el("dclPlcCuscd", None, zh="申报地关区代码")
    impexp_markcd: Text | None = el("impexpMarkcd", None, zh="进出口标记代码")
    mtpck_endprd_markcd: Text | None = el("mtpckEndprdMarkcd", None, zh="料件成品标记代码")
    supv_modecd: Text | None = el("supvModecd", None, zh="监管方式代码")
    trsp_modecd: Text | None = el("trspModecd", None, zh="运输方式代码")
    stship_trsarv_natcd: Text | None = el("stshipTrsarvNatcd", None, zh="起运运抵国别代码")
    apply_no: Text | None = el("applyNo", None, zh="申请编号")
    dclcus_flag: Text | None = el("dclcusFlag", None, zh="是否报关标志")
    dclcus_typecd: Text | None = el("dclcusTypecd", None, zh="报关类型代码")
    prevd_time: Text | None = el("prevdTime", None, zh="预核扣时间")
    formal_vrfded_time: Text | None = el("formalVrfdedTime", None, zh="正式核扣时间")
    invt_iochkpt_stucd: Text | None = el("invtIochkptStucd", None, zh="清单进出卡口状态代码")
    vrfded_markcd: Text | None = el("vrfdedMarkcd", None, zh="核扣标记代码")
    invt_stucd: Text | None = el("invtStucd", None, zh="清单状态代码")
    vrfded_modecd: Text | None = el("vrfdedModecd", None, zh="核扣方式代码")
    du_code: Text | None = el("duCode", None, zh="核算代码")
    rmk: Text | None = el("rmk", None, zh="备注")
    bond_invt_typecd: Text | None = el("bondInvtTypecd", None, zh="清单类型")
    entry_stucd: Text | None = el("entryStucd", None, zh="报关状态")
    passport_used_typecd: Text | None = el("passportUsedTypecd", None, zh="核放单生成标志代码")
    param1: Text | None = el("param1", None, zh="备用1")
    param2: Text | None = el("param2", None, zh="备用2")
    param3: Text | None = el("param3", None, zh="备用3")
    param4: Text | None = el("param4", None, zh="备用4")
    need_entry_modified: Text | None = el("needEntryModified", None)
    levy_bl_amt: Text | None = el("levyBlAmt", None)
    dcl_typecd: Text | None = el("dclTypecd", None, zh="申报类型代码")


class BondInvtDtSimple(MessageModel):
    """保税清单表体(简): BondInvtDt without destinationNatcd and modfMarkcd (37 elements,
    bssp XSD only; no real instance found)."""

    bond_invt_no: Text | None = el("bondInvtNo", None, zh="保税清单编号")
    chg_tms_cnt: Text | None = el("chgTmsCnt", None, zh="变更次数")
    gds_seqno: Text | None = el("gdsSeqno", None, zh="商品序号")
    putrec_seqno: Text | None = el("putrecSeqno", None, zh="备案序号")
    gds_mtno: Text | None = el("gdsMtno", None, zh="商品料号")
    gdecd: Text | None = el("gdecd", None, zh="商品编码")
    gds_nm: Text | None = el("gdsNm", None, zh="商品名称")
    gds_spcf_model_desc: Text | None = el("gdsSpcfModelDesc", None, zh="商品规格型号描述")
    dcl_unitcd: Text | None = el("dclUnitcd", None, zh="申报计量单位")
    lawf_unitcd: Text | None = el("lawfUnitcd", None, zh="法定计量单位")
    secd_lawf_unitcd: Text | None = el("secdLawfUnitcd", None, zh="法定第二计量")
    natcd: Text | None = el("natcd", None, zh="国别代码")
    dcl_uprc_amt: Text | None = el("dclUprcAmt", None, zh="申报单价金额")
    dcl_total_amt: Text | None = el("dclTotalAmt", None, zh="申报总金额")
    usd_stat_total_amt: Text | None = el("usdStatTotalAmt", None, zh="美元统计总金额")
    dcl_currcd: Text | None = el("dclCurrcd", None, zh="申报币制代码")
    lawf_qty: Text | None = el("lawfQty", None, zh="法定数量")
    secd_lawf_qty: Text | None = el("secdLawfQty", None, zh="第二法定数量")
    wt_sf_val: Text | None = el("wtSfVal", None, zh="重量比例因子值")
    fst_sf_val: Text | None = el("fstSfVal", None, zh="第一比例因子")
    secd_sf_val: Text | None = el("secdSfVal", None, zh="第二比例因子")
    dcl_qty: Text | None = el("dclQty", None, zh="申报数量")
    gross_wt: Text | None = el("grossWt", None, zh="毛重量")
    net_wt: Text | None = el("netWt", None, zh="净重量")
    use_cd: Text | None = el("useCd", None, zh="用途代码")
    lvyrlf_modecd: Text | None = el("lvyrlfModecd", None, zh="征减免方式代码")
    ucns_verno: Text | None = el("ucnsVerno", None, zh="账册备案单耗明细版本号")
    entry_gds_seqno: Text | None = el("entryGdsSeqno", None, zh="报关单商品序号")
    apply_tb_seqno: Text | None = el("applyTbSeqno", None, zh="申请表序号")
    cly_markcd: Text | None = el("clyMarkcd", None, zh="归类标记代码")
    rmk: Text | None = el("rmk", None, zh="备注")
    actl_pass_qty: Text | None = el("actlPassQty", None, zh="实际过卡数量")
    passport_used_qty: Text | None = el("passportUsedQty", None, zh="核放单已用数量")
    param1: Text | None = el("param1", None, zh="备用1")
    param2: Text | None = el("param2", None, zh="备用2")
    param3: Text | None = el("param3", None, zh="备用3")
    param4: Text | None = el("param4", None, zh="备用4")


class BondInvtDt(BondInvtDtSimple):
    """保税清单表体: one goods line as customs holds it (39 elements, real order of the
    2024 INV201 receipt: the 37 of the 2017 XSD, then these two)."""

    destination_natcd: Text | None = el("destinationNatcd", None, zh="最终目的国")
    modf_markcd: Text | None = el("modfMarkcd", None, zh="修改标记代码")


class SasCentDclStock(MessageModel):
    """集中申报出入库单: a stock document bound to the list (bssp XSD only)."""

    bond_invt_no: Text | None = el("bondInvtNo", None, zh="保税清单编号")
    sas_stock_no: Text | None = el("sasStockNo", None, zh="出入库单编号")


class EmsPutrecDt(MessageModel):
    """账册备案表体: a book line posted by the list (27 elements, bssp XSD order; no
    real instance found)."""

    ems_no: Text | None = el("emsNo", None, zh="帐册编号")
    chg_tms_cnt: Text | None = el("chgTmsCnt", None, zh="变更次数")
    gds_seqno: Text | None = el("gdsSeqno", None, zh="商品序号")
    mtpck_endprd_typecd: Text | None = el("mtpckEndprdTypecd", None, zh="料件成品类型代码")
    gds_mtno: Text | None = el("gdsMtno", None, zh="商品料号")
    gdecd: Text | None = el("gdecd", None, zh="商品编码")
    gds_nm: Text | None = el("gdsNm", None, zh="商品名称")
    endprd_gds_spcf_model_desc: Text | None = el(
        "endprdGdsSpcfModelDesc", None, zh="成品商品规格型号描述"
    )
    dcl_unitcd: Text | None = el("dclUnitcd", None, zh="申报计量单位代码")
    lawf_unitcd: Text | None = el("lawfUnitcd", None, zh="法定计量单位代码")
    secd_lawf_unitcd: Text | None = el("secdLawfUnitcd", None, zh="第二法定计量单位代码")
    dcl_uprc_amt: Text | None = el("dclUprcAmt", None, zh="申报单价金额")
    dcl_currcd: Text | None = el("dclCurrcd", None, zh="申报币制代码")
    dcl_qty: Text | None = el("dclQty", None, zh="申报数量")
    lvyrlf_modecd: Text | None = el("lvyrlfModecd", None, zh="征减免方式代码")
    qty_cntr_markcd: Text | None = el("qtyCntrMarkcd", None, zh="数量控制标记代码")
    adjmtr_markcd: Text | None = el("adjmtrMarkcd", None, zh="辅料标记代码")
    modf_markcd: Text | None = el("modfMarkcd", None, zh="修改标记代码")
    etps_exe_markcd: Text | None = el("etpsExeMarkcd", None, zh="企业执行标记代码")
    cusm_exe_markcd: Text | None = el("cusmExeMarkcd", None, zh="海关执行标记代码")
    appr_max_surp_qty: Text | None = el("apprMaxSurpQty", None, zh="批准最大余数量")
    vclr_prid_init_qty: Text | None = el("vclrPridInitQty", None, zh="核销周期初始数量")
    ucns_tqsn_flag: Text | None = el("ucnsTqsnFlag", None, zh="单耗质疑标志")
    csttn_flag: Text | None = el("csttnFlag", None, zh="磋商标志")
    rmk: Text | None = el("rmk", None, zh="备注")
    invt_no: Text | None = el("invtNo", None, zh="记账清单编号")
    invt_g_no: Text | None = el("invtGNo", None, zh="记账清单商品序号")


class BwsDt(MessageModel):
    """仓库账册表体: a bonded-warehouse (logistics) book line after posting (31 elements,
    real order = bssp XSD order)."""

    bws_no: Text | None = el("bwsNo", None, zh="仓库账册号")
    chg_tms_cnt: Text | None = el("chgTmsCnt", None, zh="变更次数")
    gds_seqno: Text | None = el("gdsSeqno", None, zh="商品序号")
    in_date: Text | None = el("inDate", None, zh="最近入仓(核增)日期")
    gds_mtno: Text | None = el("gdsMtno", None, zh="商品料号")
    gdecd: Text | None = el("gdecd", None, zh="商品编码")
    gds_nm: Text | None = el("gdsNm", None, zh="商品名称")
    gds_spcf_model_desc: Text | None = el("gdsSpcfModelDesc", None, zh="商品规格型号")
    natcd: Text | None = el("natcd", None, zh="国别")
    dcl_unitcd: Text | None = el("dclUnitcd", None, zh="申报计量单位")
    lawf_unitcd: Text | None = el("lawfUnitcd", None, zh="法定计量单位")
    secd_lawf_unitcd: Text | None = el("secdLawfUnitcd", None, zh="第二法定计量单位")
    dcl_uprc_amt: Text | None = el("dclUprcAmt", None, zh="申报单价金额")
    dcl_currcd: Text | None = el("dclCurrcd", None, zh="申报币制")
    avg_price: Text | None = el("avgPrice", None, zh="平均美元单价")
    total_amt: Text | None = el("totalAmt", None, zh="库存美元总价")
    in_qty: Text | None = el("inQty", None, zh="入仓数量")
    in_lawf_qty: Text | None = el("inLawfQty", None, zh="入仓法定数量")
    in_secd_lawf_qty: Text | None = el("inSecdLawfQty", None, zh="第二入仓法定数量")
    actl_inc_qty: Text | None = el("actlIncQty", None, zh="实增数量")
    actl_redc_qty: Text | None = el("actlRedcQty", None, zh="实减数量")
    prevd_inc_qty: Text | None = el("prevdIncQty", None, zh="预增数量")
    prevd_redc_qty: Text | None = el("prevdRedcQty", None, zh="预减数量")
    out_date: Text | None = el("outDate", None, zh="最近出仓(区)日期")
    limit_date: Text | None = el("limitDate", None, zh="存储(监管)期限")
    in_type: Text | None = el("inType", None, zh="设备入区方式")
    invt_no: Text | None = el("invtNo", None, zh="记账清单编号")
    invt_g_no: Text | None = el("invtGNo", None, zh="记账清单商品序号")
    cusm_exe_markcd: Text | None = el("cusmExeMarkcd", None, zh="海关执行标记")
    rmk: Text | None = el("rmk", None, zh="备注")
    modf_markcd: Text | None = el("modfMarkcd", None, zh="修改标记")


# --- gate passes (SAS221, SAS223, SAS224, SAS253) -------------------------------------


class SasPassportBsc(MessageModel):
    """核放单表头: the gate pass as customs holds it (38 elements in the real order of the
    2024 SAS221/223/224 receipts, then col2-col4, which only the bssp XSD declares).

    rltNo joins several numbers with a backslash; real receipts write ``passID``
    (the XSD ``passId``: matching is case-insensitive).
    """

    passport_no: Text | None = el("passportNo", None, zh="核放单编号")
    chg_tms_cnt: Text | None = el("chgTmsCnt", None, zh="变更次数")
    passport_typecd: Text | None = el("passportTypecd", None, zh="核放单类型代码")
    sas_passport_preent_no: Text | None = el("sasPassportPreentNo", None, zh="核放单预录入编号")
    dcl_typecd: Text | None = el("dclTypecd", None, zh="申报类型代码")
    io_typecd: Text | None = el("ioTypecd", None, zh="进出标志代码")
    bind_typecd: Text | None = el("bindTypecd", None, zh="绑定类型代码")
    master_cuscd: Text | None = el("masterCuscd", None, zh="主管关区代码")
    rlt_tb_typecd: Text | None = el("rltTbTypecd", None, zh="关联单证类型代码")
    rlt_no: Text | None = el("rltNo", None, zh="关联单证编号")
    areain_etpsno: Text | None = el("areainEtpsno", None, zh="区内企业编号")
    areain_etps_nm: Text | None = el("areainEtpsNm", None, zh="区内企业名称")
    areain_etps_sccd: Text | None = el("areainEtpsSccd", None, zh="区内企业社会信用代码")
    vehicle_no: Text | None = el("vehicleNo", None, zh="承运车牌号")
    vehicle_ic_no: Text | None = el("vehicleIcNo", None, zh="IC卡号(电子车牌)")
    container_no: Text | None = el("containerNo", None, zh="集装箱号")
    vehicle_wt: Text | None = el("vehicleWt", None, zh="车自重")
    vehicle_frame_no: Text | None = el("vehicleFrameNo", None, zh="车架号")
    vehicle_frame_wt: Text | None = el("vehicleFrameWt", None, zh="车架重")
    container_type: Text | None = el("containerType", None, zh="集装箱箱型")
    container_wt: Text | None = el("containerWt", None, zh="集装箱自重")
    total_wt: Text | None = el("totalWt", None, zh="总重量")
    pass_collect_wt: Text | None = el("passCollectWt", None, zh="卡口地磅采集重量")
    wt_error: Text | None = el("wtError", None, zh="重量比对误差")
    total_gross_wt: Text | None = el("totalGrossWt", None, zh="货物总毛重")
    total_net_wt: Text | None = el("totalNetWt", None, zh="货物总净重")
    dcl_er_conc: Text | None = el("dclErConc", None, zh="申请人及联系方式")
    dcl_time: Text | None = el("dclTime", None, zh="申报时间")
    pass_id: Text | None = el("passID", None, zh="卡口ID1")
    secd_pass_id: Text | None = el("secdPassId", None, zh="卡口ID2")
    pass_time: Text | None = el("passTime", None, zh="过卡时间1")
    secd_pass_time: Text | None = el("secdPassTime", None, zh="过卡时间2")
    stucd: Text | None = el("stucd", None, zh="状态代码")
    emapv_markcd: Text | None = el("emapvMarkcd", None, zh="审批标志代码")
    logistics_stucd: Text | None = el("logisticsStucd", None, zh="到检状态")
    owner_system: Text | None = el("ownerSystem", None, zh="所属系统")
    rmk: Text | None = el("rmk", None, zh="备注")
    col1: Text | None = el("col1", None, zh="到货确认标志")
    col2: SchemaOnlyText | None = el("col2", None, zh="备用2")
    col3: SchemaOnlyText | None = el("col3", None, zh="备用3")
    col4: SchemaOnlyText | None = el("col4", None, zh="备用4")


class SasPassportDt(MessageModel):
    """核放单表体: one goods line of the pass (12 elements in the real order of the 2024
    SAS221 receipt, then col1-col4 from the bssp XSD)."""

    passport_no: Text | None = el("passportNo", None, zh="核放单编号")
    chg_tms_cnt: Text | None = el("chgTmsCnt", None, zh="变更次数")
    passport_seqno: Text | None = el("passportSeqno", None, zh="序号")
    gds_mtno: Text | None = el("gdsMtno", None, zh="商品料号")
    gdecd: Text | None = el("gdecd", None, zh="商品编码")
    gds_nm: Text | None = el("gdsNm", None, zh="商品名称")
    gross_wt: Text | None = el("grossWt", None, zh="货物毛重")
    net_wt: Text | None = el("netWt", None, zh="货物净重")
    rlt_gds_seqno: Text | None = el("rltGdsSeqno", None, zh="关联商品序号")
    dcl_unitcd: Text | None = el("dclUnitcd", None, zh="申报计量单位")
    dcl_qty: Text | None = el("dclQty", None, zh="申报数量")
    rmk: Text | None = el("rmk", None, zh="备注")
    col1: SchemaOnlyText | None = el("col1", None, zh="备用1")
    col2: SchemaOnlyText | None = el("col2", None, zh="备用2")
    col3: SchemaOnlyText | None = el("col3", None, zh="备用3")
    col4: SchemaOnlyText | None = el("col4", None, zh="备用4")


class SasPassportRlt(MessageModel):
    """核放单关联单证 (3 elements, real order of the 2024 SAS221 receipt)."""

    passport_no: Text | None = el("passportNo", None, zh="核放单编号")
    rlt_tb_typecd: Text | None = el("rltTbTypecd", None, zh="关联单证类型代码")
    rlt_no: Text | None = el("rltNo", None, zh="关联单证编号")


class Sas2stepPassportBsc(MessageModel):
    """两步申报核放单表头: the two-step passport of a SAS253 (26 elements, real order of
    the 2024 Ningbo SAS253 receipt; it writes ``passId``)."""

    passport_no: Text | None = el("passportNo", None, zh="核放单编号")
    sas_passport_preent_no: Text | None = el("sasPassportPreentNo", None, zh="核放单预录入统一编号")
    chg_tms_cnt: Text | None = el("chgTmsCnt", None, zh="变更次数")
    dcl_typecd: Text | None = el("dclTypecd", None, zh="申报类型代码")
    master_cuscd: Text | None = el("masterCuscd", None, zh="主管关区代码")
    areain_etpsno: Text | None = el("areainEtpsno", None, zh="区内企业编号")
    areain_etps_nm: Text | None = el("areainEtpsNm", None, zh="区内企业名称")
    areain_etps_sccd: Text | None = el("areainEtpsSccd", None, zh="区内企业社会信用代码")
    vehicle_no: Text | None = el("vehicleNo", None, zh="承运车牌号")
    vehicle_ic_no: Text | None = el("vehicleIcNo", None, zh="IC卡号(电子车牌)")
    container_no: Text | None = el("containerNo", None, zh="集装箱号")
    dcl_er_conc: Text | None = el("dclErConc", None, zh="申请人及联系方式")
    dcl_time: Text | None = el("dclTime", None, zh="申报时间")
    logistics_stucd: Text | None = el("logisticsStucd", None, zh="到检状态")
    pass_id: Text | None = el("passId", None, zh="卡口ID1")
    secd_pass_id: Text | None = el("secdPassId", None, zh="卡口ID2")
    pass_time: Text | None = el("passTime", None, zh="过卡时间1")
    secd_pass_time: Text | None = el("secdPassTime", None, zh="过卡时间2")
    stucd: Text | None = el("stucd", None, zh="状态代码")
    emapv_markcd: Text | None = el("emapvMarkcd", None, zh="审批标志代码")
    rmk: Text | None = el("rmk", None, zh="备注")
    owner_system: Text | None = el("ownerSystem", None, zh="所属系统")
    col1: Text | None = el("col1", None, zh="备用1")
    col2: Text | None = el("col2", None, zh="备用2")
    col3: Text | None = el("col3", None, zh="备用3")
    col4: Text | None = el("col4", None, zh="备用4")


# --- the receipts' bodies ---------------------------------------------------------------


class Inv201(MessageModel):
    """INV201 核注清单审核回执: review of a bonded list (stored, approved, manual review,
    returned). Real receipts carry HdeApprResult + BondInvtBsc, or BondInvtBsc +
    BondInvtDt without a result (bssp XSD content model)."""

    result: HdeApprResult | None = el("HdeApprResult", None, zh="清单审批回执")
    checks: tuple[CheckInfo, ...] = el("CheckInfo", (), zh="检查信息")
    list_state: BondInvtBsc | None = el("BondInvtBsc", None, zh="保税清单表头")
    lines: tuple[BondInvtDt, ...] = el("BondInvtDt", (), zh="保税清单表体")
    stock_documents: tuple[SasCentDclStock, ...] = el("SasCentDclStock", (), zh="出入库单")
    simple_lines: tuple[BondInvtDtSimple, ...] = el("BondInvtDtSimple", (), zh="保税清单表体(简)")


class InvApprResult(MessageModel):
    """INV202's block: the declaration generated from a list (报关单生成), 6 elements
    in the order of both real receipts (2019 Dongguan, 2024 Ningbo)."""

    inv_preent_no: Text | None = el("invPreentNo", None, zh="核注清单预录入统一编号")
    business_id: Text | None = el("businessId", None, zh="核注清单编号")
    entry_seq_no: Text | None = el("entrySeqNo", None, zh="报关单统一编号")
    manage_result: Text | None = el("manageResult", None, zh="处理结果")
    create_date: Text | None = el("createDate", None, zh="生成日期")
    reason: Text | None = el("reason", None, zh="生成失败原因")


class Inv202(MessageModel):
    """INV202 核注清单生成报关单回执."""

    result: InvApprResult | None = el("InvApprResult", None, zh="生成报关单结果")


class Inv211(MessageModel):
    """INV211 核注清单记账回执: the list was posted to the account book. Real receipts
    carry BondInvtBsc + BwsDt and no HdeApprResult (bssp XSD: BondInvtBsc?,
    EmsPutrecDt*, BwsDt*); the result block is kept where a producer sends one."""

    result: HdeApprResult | None = el("HdeApprResult", None, zh="处理结果")
    list_state: BondInvtBsc | None = el("BondInvtBsc", None, zh="保税清单表头")
    book_lines: tuple[EmsPutrecDt, ...] = el("EmsPutrecDt", (), zh="账册备案表体")
    warehouse_lines: tuple[BwsDt, ...] = el("BwsDt", (), zh="仓库账册表体")


class Sas221(MessageModel):
    """SAS221 核放单审核回执: review of a gate pass."""

    result: HdeApprResult | None = el("HdeApprResult", None, zh="处理结果")
    passes: tuple[SasPassportBsc, ...] = el("SasPassportBsc", (), zh="核放单表头")
    lines: tuple[SasPassportDt, ...] = el("SasPassportDt", (), zh="核放单表体")
    related: SasPassportRlt | None = el("SasPassportRlt", None, zh="核放单关联单证")
    checks: tuple[CheckInfo, ...] = el("CheckInfo", (), zh="检查信息")


class Sas223(MessageModel):
    """SAS223 核放单过卡回执: the vehicle passed the gate; the pass comes back with the
    gate's time and the scale's reading."""

    result: HdeApprResult | None = el("HdeApprResult", None, zh="处理结果")
    passes: tuple[SasPassportBsc, ...] = el("SasPassportBsc", (), zh="核放单表头")


class Sas224(MessageModel):
    """SAS224 核放单查验处置回执: customs' disposal of a pass it inspected at the gate
    (same blocks as SAS223 in the real receipt)."""

    result: HdeApprResult | None = el("HdeApprResult", None, zh="处理结果")
    passes: tuple[SasPassportBsc, ...] = el("SasPassportBsc", (), zh="核放单表头")


class Sas253(MessageModel):
    """SAS253 两步申报核放单过卡回执: a two-step declaration passport passed the gate."""

    result: HdeApprResult | None = el("HdeApprResult", None, zh="处理结果")
    two_step_pass: Sas2stepPassportBsc | None = el(
        "Sas2stepPassportBsc", None, zh="两步申报核放单表头"
    )


# --- whole receipts -----------------------------------------------------------------------


class _Receipt(MessageModel):
    style: EnvelopeStyle = Field(EnvelopeStyle.XMLDSIG)
    envelope: EnvelopInfo = el("EnvelopInfo")


class Inv201Receipt(_Receipt):
    body: Inv201 = el("INV201")


class Inv202Receipt(_Receipt):
    body: Inv202 = el("INV202")


class Inv211Receipt(_Receipt):
    body: Inv211 = el("INV211")


class Sas221Receipt(_Receipt):
    body: Sas221 = el("SAS221")


class Sas223Receipt(_Receipt):
    body: Sas223 = el("SAS223")


class Sas224Receipt(_Receipt):
    body: Sas224 = el("SAS224")


class Sas253Receipt(_Receipt):
    body: Sas253 = el("SAS253")


ReceiptBody = Inv201 | Inv202 | Inv211 | Sas221 | Sas223 | Sas224 | Sas253
Receipt = (
    Inv201Receipt
    | Inv202Receipt
    | Inv211Receipt
    | Sas221Receipt
    | Sas223Receipt
    | Sas224Receipt
    | Sas253Receipt
)
