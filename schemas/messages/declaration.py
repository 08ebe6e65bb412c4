"""DecMessage 4.8: the customs declaration or filing list (报关单 / 备案清单).

Namespace http://www.chinaport.gov.cn/dec. The head carries the CIF elements (freight,
insurance and other charges with their marks, rates and currencies); lines carry the
goods with prices (4 places) and totals (2 places). PromiseItmes (sic) is the real
element name of the price-influence confirmations.
"""

from __future__ import annotations

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
from schemas.messages.codes import ImpExp
from schemas.messages.fields import (
    CompactDate,
    Country,
    Currency,
    Name,
    Quantity,
    Rate,
    SupervisionMode,
    Total,
    TransportMode,
    Unit,
    UnitPrice,
    Weight,
    Wrapped,
)

DEC_NAMESPACE = "http://www.chinaport.gov.cn/dec"
DEC_VERSION: Final = "3.1"  # what every public instance carries (REAL-FORMATS 6)

Short = Annotated[str, StringConstraints(min_length=1, max_length=32)]
Mark = Annotated[str, StringConstraints(pattern=r"^[123]$")]
"""Fee/insurance/other mark: 1 rate, 2 per unit (per ton), 3 total amount."""


class DecHead(MessageModel):
    seq_no: PreEntryNo | None = el("SeqNo", None)  # 统一编号, assigned on import
    ie_flag: ImpExp = el("IEFlag")
    agent_code: CustomsCode = el("AgentCode")  # 申报单位
    agent_name: Name = el("AgentName")
    agent_code_scc: CreditCode = el("AgentCodeScc")
    bill_no: Short | None = el("BillNo", None)  # 提运单号 (rail waybill)
    contr_no: Short | None = el("ContrNo", None)  # 合同协议号
    custom_master: CustomsDistrict = el("CustomMaster")  # 申报地海关
    cut_mode: Annotated[str, StringConstraints(pattern=r"^[0-9]{3}$")] | None = el(
        "CutMode", None
    )  # 征免性质
    entry_id: EntryId | None = el("EntryId", None)  # 海关编号, assigned by customs
    entry_type: Annotated[str, StringConstraints(pattern=r"^[0-9A-Z]$")] = el("EntryType")
    fee_mark: Mark | None = el("FeeMark", None)
    fee_rate: Rate | None = el("FeeRate", None)
    fee_curr: Currency | None = el("FeeCurr", None)
    insur_mark: Mark | None = el("InsurMark", None)
    insur_rate: Rate | None = el("InsurRate", None)
    insur_curr: Currency | None = el("InsurCurr", None)
    other_mark: Mark | None = el("OtherMark", None)
    other_rate: Rate | None = el("OtherRate", None)
    other_curr: Currency | None = el("OtherCurr", None)
    gross_wet: Weight = el("GrossWet")  # sic: GrossWet
    net_wt: Weight = el("NetWt")
    ie_date: CompactDate | None = el("IEDate", None)
    ie_port: CustomsDistrict = el("IEPort")
    manual_no: BookNo | None = el("ManualNo", None)  # 备案号: the account book
    note_s: Name | None = el("NoteS", None)
    owner_code: CustomsCode = el("OwnerCode")  # 消费使用/生产销售单位
    owner_name: Name = el("OwnerName")
    owner_code_scc: CreditCode = el("OwnerCodeScc")
    pack_no: int = el("PackNo", ge=0, le=99999999)
    wrap_type: Annotated[str, StringConstraints(pattern=r"^[0-9]{2}$")] | None = el(
        "WrapType", None
    )
    p_date: CompactDate | None = el("PDate", None)
    promise_itmes: Annotated[str, StringConstraints(pattern=r"^[0-9]{1,9}$")] | None = el(
        "PromiseItmes", None
    )
    trade_code: CustomsCode = el("TradeCode")  # 境内收发货人
    trade_name: Name = el("TradeName")
    trade_co_scc: CreditCode = el("TradeCoScc")
    trade_country: Country = el("TradeCountry")  # 贸易国
    trade_area_code: Country | None = el("TradeAreaCode", None)
    trade_mode: SupervisionMode = el("TradeMode")  # 监管方式
    traf_mode: TransportMode = el("TrafMode")
    traf_name: Name | None = el("TrafName", None)  # conveyance: train name
    trans_mode: Digit = el("TransMode")  # 成交方式 (incoterm code)
    desp_port_code: Annotated[str, StringConstraints(pattern=r"^[0-9A-Z]{6}$")] | None = el(
        "DespPortCode", None
    )
    goods_place: Name | None = el("GoodsPlace", None)
    inputer_name: Name | None = el("InputerName", None)

    @model_validator(mode="after")
    def _charges_have_their_parts(self) -> Self:
        for charge in ("fee", "insur", "other"):
            mark = getattr(self, f"{charge}_mark")
            rate = getattr(self, f"{charge}_rate")
            currency = getattr(self, f"{charge}_curr")
            if (mark is None) != (rate is None):
                raise ValueError(f"{charge} mark and rate come together")
            if mark in ("2", "3") and currency is None:
                raise ValueError(f"{charge} charge given as an amount needs its currency")
        if self.net_wt > self.gross_wet:
            raise ValueError("NetWt is more than GrossWet")
        return self


class DecList(MessageModel):
    g_no: SeqNumber = el("GNo")
    class_mark: Short | None = el("ClassMark", None)
    code_ts: HsCode = el("CodeTS")
    contr_item: SeqNumber | None = el("ContrItem", None)  # 备案序号
    decl_price: UnitPrice = el("DeclPrice")
    duty_mode: Digit = el("DutyMode")  # 征免方式
    g_model: Name = el("GModel")
    g_name: Name = el("GName")
    origin_country: Country = el("OriginCountry")
    destination_country: Country = el("DestinationCountry")
    trade_curr: Currency = el("TradeCurr")
    decl_total: Total = el("DeclTotal")
    g_qty: Quantity = el("GQty")
    g_unit: Unit = el("GUnit")
    first_qty: Quantity = el("FirstQty")
    first_unit: Unit = el("FirstUnit")
    second_qty: Quantity | None = el("SecondQty", None)
    second_unit: Unit | None = el("SecondUnit", None)
    exg_no: Short | None = el("ExgNo", None)  # 成品料号 (processing)
    exg_version: Short | None = el("ExgVersion", None)  # 单耗版本号
    district_code: Annotated[str, StringConstraints(pattern=r"^[0-9]{5}$")] | None = el(
        "DistrictCode", None
    )  # 境内目的地/货源地

    @model_validator(mode="after")
    def _second_unit_needs_its_quantity(self) -> Self:
        if (self.second_qty is None) != (self.second_unit is None):
            raise ValueError("SecondQty and SecondUnit come together or not at all")
        return self


class DecContainer(MessageModel):
    container_id: Annotated[str, StringConstraints(pattern=r"^[A-Z]{4}[0-9]{7}$")] = el(
        "ContainerId"
    )
    container_md: Short = el("ContainerMd")  # 规格 (e.g. 22 / 45 code)
    goods_no: Annotated[str, StringConstraints(pattern=r"^[0-9]+(,[0-9]+)*$")] | None = el(
        "GoodsNo", None
    )
    lcl_flag: Annotated[str, StringConstraints(pattern=r"^[01]$")] | None = el("LclFlag", None)
    goods_conta_wt: Weight | None = el("GoodsContaWt", None)


class DecLicenseDocu(MessageModel):
    docu_code: Annotated[str, StringConstraints(pattern=r"^[0-9A-Za-z]{1,3}$")] = el("DocuCode")
    cert_code: Short = el("CertCode")


class DecFreeTxt(MessageModel):
    rel_id: Short | None = el("RelId", None)
    rel_man_no: Short | None = el("RelManNo", None)
    bon_no: Short | None = el("BonNo", None)  # 监管场所/账册
    voy_no: Short | None = el("VoyNo", None)  # 航次号: train number
    dec_bp_no: Short | None = el("DecBpNo", None)
    cus_fie: Short | None = el("CusFie", None)
    dec_no: Short | None = el("DecNo", None)


class DecSign(MessageModel):
    oper_type: Annotated[str, StringConstraints(pattern=r"^[A-Z]$")] = el("OperType")
    ic_code: Short = el("ICCode")
    cop_code: CustomsCode = el("CopCode")
    oper_name: Name = el("OperName")
    client_seq_no: Annotated[str, StringConstraints(pattern=r"^[0-9A-Za-z]{18}$")] = el(
        "ClientSeqNo"
    )  # the enterprise's unique key for this declaration
    sign: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4096)]
        | None
    ) = el("Sign", None)
    sign_date: Annotated[str, StringConstraints(pattern=r"^[0-9]{14,17}$")] | None = el(
        "SignDate", None
    )
    host_id: Short | None = el("HostId", None)
    bill_seq_no: Short | None = el("BillSeqNo", None)  # the bonded list it came from
    note: Name | None = el("Note", None)


class DeclarationMessage(MessageModel):
    """DecMessage (version 4.8) as a whole."""

    version: str | None = DEC_VERSION  # the root attribute, any value real files carry
    head: DecHead = el("DecHead")
    lines: Annotated[tuple[DecList, ...], Wrapped("DecList")] = el("DecLists", min_length=1)
    containers: Annotated[tuple[DecContainer, ...], Wrapped("Container")] = el("DecContainers", ())
    licenses: Annotated[tuple[DecLicenseDocu, ...], Wrapped("LicenseDocu")] = el(
        "DecLicenseDocus", ()
    )
    free_text: DecFreeTxt | None = el("DecFreeTxt", None)
    sign: DecSign = el("DecSign")

    @model_validator(mode="after")
    def _line_numbers_run_from_one(self) -> Self:
        numbers = [line.g_no for line in self.lines]
        if numbers != list(range(1, len(numbers) + 1)):
            raise ValueError(f"GNo must run 1, 2, 3... in order; got {numbers[:10]}")
        if len(numbers) > 50:
            raise ValueError("a declaration holds at most 50 goods lines")
        return self
