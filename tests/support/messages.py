"""Realistic customs messages of the Xining solar story, for tests and benchmarks.

A PV module maker in the Xining comprehensive bonded zone (district 9601, book
H96012600001) imports cells from Germany by China-Europe train (transport mode 3,
supervision mode 5015) and exports modules the same way.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from rules.credit_code import build_credit_code
from schemas.messages.base import EnvelopeStyle
from schemas.messages.bonded_list import BondedListUpload, InvtHead, InvtLine, InvtMessage
from schemas.messages.codes import (
    BindingKind,
    DealFlag,
    DeclarationFlag,
    DeclarationKind,
    DeclarationRoute,
    DeclareFlag,
    GatePassKind,
    ImpExp,
    MaterialOrProduct,
    MessageType,
    RelatedDocumentKind,
)
from schemas.messages.declaration import (
    DecContainer,
    DecCopPromise,
    DecFreeTxt,
    DecHead,
    DeclarationMessage,
    DecLicenseDocu,
    DecList,
    DecSign,
)
from schemas.messages.envelope import EnvelopInfo
from schemas.messages.fields import DOCUMENT_ZONE
from schemas.messages.gate_pass import (
    GatePassUpload,
    PassportAcmp,
    PassportHead,
    PassportList,
    PassPortMessage,
)
from schemas.messages.receipts import (
    BondInvtBsc,
    CheckInfo,
    HdeApprResult,
    Inv201,
    Inv201Receipt,
)
from schemas.messages.responses import CommonResponeMessage

MAKER_CODE = "9601346001"
MAKER_SCC = build_credit_code("91", "630100", "MA7XN0A1")
MAKER_NAME = "青海光伏组件制造有限公司"
AGENT_CODE = "9601980003"
AGENT_SCC = build_credit_code("91", "630100", "MA7XN0C3")
AGENT_NAME = "西宁综保区报关服务有限公司"
BOOK = "H96012600001"
DISTRICT = "9601"
SENT_AT = datetime(2026, 11, 28, 10, 30, 0, tzinfo=DOCUMENT_ZONE)


def envelope(message_type: MessageType, file_name: str = "INV101_solar_0001.xml") -> EnvelopInfo:
    return EnvelopInfo(
        message_id=f"{message_type.value}-0001",
        file_name=file_name,
        message_type=message_type,
        sender_id="DXPENT0000460001",
        receiver_id="DXPEDCCEB0000002",
        send_time=SENT_AT,
    )


def cell_line(number: int, *, qty: str = "12000", price: str = "0.8125") -> InvtLine:
    quantity = Decimal(qty)
    unit_price = Decimal(price)
    return InvtLine(
        gds_seqno=number,
        putrec_seqno=1 + (number - 1) % 5,
        gds_mtno=f"CELL-M10-{number:04d}",
        gdecd="8541420000",
        gds_nm="单晶硅光伏电池片",
        gds_spcf_model_desc="M10 182mm 单晶PERC 23.2%",
        dcl_unitcd="007",
        lawf_unitcd="007",
        secd_lawf_unitcd="035",
        natcd="304",
        dcl_uprc_amt=unit_price,
        dcl_total_amt=(quantity * unit_price).quantize(Decimal("0.01")),
        dcl_currcd="300",
        dcl_qty=quantity,
        lawf_qty=quantity,
        secd_lawf_qty=Decimal("96.5"),
        gross_wt=Decimal("120.5"),
        net_wt=Decimal("96.5"),
        lvyrlf_modecd="3",
    )


def bonded_list(lines: int = 3, *, inner_no: str = "SOLAR-IN-0001") -> BondedListUpload:
    head = InvtHead(
        putrec_no=BOOK,
        etps_inner_invt_no=inner_no,
        bizop_etpsno=MAKER_CODE,
        bizop_etps_sccd=MAKER_SCC,
        bizop_etps_nm=MAKER_NAME,
        rcvgd_etpsno=MAKER_CODE,
        rvsngd_etps_sccd=MAKER_SCC,
        rcvgd_etps_nm=MAKER_NAME,
        dcl_etpsno=AGENT_CODE,
        dcl_etps_sccd=AGENT_SCC,
        dcl_etps_nm=AGENT_NAME,
        input_code=AGENT_CODE,
        input_credit_code=AGENT_SCC,
        input_name=AGENT_NAME,
        impexp_portcd=DISTRICT,
        dcl_plc_cuscd=DISTRICT,
        impexp_markcd=ImpExp.IMPORT,
        mtpck_endprd_markcd=MaterialOrProduct.MATERIAL,
        supv_modecd="5015",
        trsp_modecd="3",
        dclcus_flag=DeclarationFlag.DECLARED,
        dclcus_typecd=DeclarationRoute.GENERATED,
        gen_dec_flag="1",
        dec_type="3",
        stship_trsarv_natcd="304",
        invt_type="0",
        dcl_typecd=DeclarationKind.FILE,
        invt_dcl_time=date(2026, 11, 28),
        rmk="中欧班列 X8024 杜伊斯堡—西宁 回程",
    )
    message = InvtMessage(
        sys_id="Z8",
        oper_cus_reg_code=AGENT_CODE,
        head=head,
        lines=tuple(cell_line(number) for number in range(1, lines + 1)),
    )
    return BondedListUpload(
        envelope=envelope(MessageType.INV101),
        message=message,
        declare_flag=DeclareFlag.DECLARE,
    )


def gate_pass(*, list_no: str = "QD960126I000000123") -> GatePassUpload:
    head = PassportHead(
        passport_typecd=GatePassKind.FIRST_LINE,
        master_cuscd=DISTRICT,
        dcl_typecd=DeclarationKind.FILE,
        io_typecd=ImpExp.IMPORT,
        bind_typecd=BindingKind.ONE_LIST_ONE_VEHICLE,
        rlt_tb_typecd=RelatedDocumentKind.BONDED_LIST,
        rlt_no=(list_no,),
        areain_oriact_no=BOOK,
        areain_etpsno=MAKER_CODE,
        areain_etps_nm=MAKER_NAME,
        areain_etps_sccd=MAKER_SCC,
        vehicle_no="青A·D2468",
        vehicle_wt=Decimal("9800"),
        vehicle_frame_wt=Decimal("4200"),
        container_wt=Decimal("3800"),
        total_wt=Decimal("18161.5"),
        total_gross_wt=Decimal("361.5"),
        total_net_wt=Decimal("289.5"),
        dcl_er_conc=AGENT_NAME,
        dcl_etpsno=AGENT_CODE,
        dcl_etps_nm=AGENT_NAME,
        dcl_etps_sccd=AGENT_SCC,
        input_code=AGENT_CODE,
        input_sccd=AGENT_SCC,
        input_name=AGENT_NAME,
        etps_preent_no="SOLAR-GP-0001",
    )
    lines = tuple(
        PassportList(
            passport_seqno=number,
            rlt_gds_seqno=number,
            gds_mtno=f"CELL-M10-{number:04d}",
            gdecd="8541420000",
            gds_nm="单晶硅光伏电池片",
            dcl_unitcd="007",
            dcl_qty=Decimal("12000"),
            gross_wt=Decimal("120.5"),
            net_wt=Decimal("96.5"),
        )
        for number in range(1, 4)
    )
    return GatePassUpload(
        envelope=envelope(MessageType.SAS121, "SAS121_solar_0001.xml"),
        message=PassPortMessage(
            head=head,
            lines=lines,
            documents=(
                PassportAcmp(rtl_bill_typecd=RelatedDocumentKind.BONDED_LIST, rtl_bill_no=list_no),
            ),
            oper_cus_reg_code=AGENT_CODE,
        ),
        declare_flag=DeclareFlag.DECLARE,
    )


def declaration(lines: int = 3, *, client_seq_no: str = "SOLARDEC0000000001") -> DeclarationMessage:
    head = DecHead(
        ie_flag=ImpExp.EXPORT,
        agent_code=AGENT_CODE,
        agent_name=AGENT_NAME,
        agent_code_scc=AGENT_SCC,
        bill_no="X8157-20261128-01",
        contr_no="TSE-EU-2026-118",
        custom_master=DISTRICT,
        entry_type="0",
        fee_mark="3",
        fee_rate=Decimal("18500"),
        fee_curr="142",
        insur_mark="1",
        insur_rate=Decimal("0.3"),
        gross_wet=Decimal("24680.5"),
        net_wt=Decimal("21950"),
        ie_port=DISTRICT,
        manual_no=BOOK,
        owner_code=MAKER_CODE,
        owner_name=MAKER_NAME,
        owner_code_scc=MAKER_SCC,
        pack_no=52,
        wrap_type="22",
        promise_itmes="000",
        trade_code=MAKER_CODE,
        trade_name=MAKER_NAME,
        trade_co_scc=MAKER_SCC,
        trade_country="304",
        trade_mode="5015",
        traf_mode="3",
        traf_name="中欧班列X8157",
        trans_mode="3",
        goods_place="西宁综合保税区光伏产业园",
        cop_code=AGENT_CODE,
        cop_name=AGENT_NAME,
        cop_code_scc=AGENT_SCC,
        typist_no="2100090037154",
        inputer_name="马晓燕",
        decl_trn_rel="0",
    )
    goods = tuple(
        DecList(
            g_no=number,
            code_ts="8541430000",
            contr_item=10,
            decl_price=Decimal("68.4500"),
            duty_mode="3",
            g_model="组件|单晶|550W|72片|TSM-DE19",
            g_name="光伏组件",
            origin_country="142",
            destination_country="304",
            trade_curr="502",
            decl_total=Decimal("41070.00"),
            g_qty=Decimal("600"),
            g_unit="007",
            first_qty=Decimal("600"),
            first_unit="007",
            second_qty=Decimal("16500"),
            second_unit="035",
            district_code="63019",
        )
        for number in range(1, lines + 1)
    )
    return DeclarationMessage(
        head=head,
        lines=goods,
        containers=(DecContainer(container_id="TGHU1234567", container_md="45", goods_no="1"),),
        licenses=(DecLicenseDocu(docu_code="a", cert_code="QD960126E000000321"),),
        free_text=DecFreeTxt(voy_no="X8157", bon_no=BOOK),
        cop_promises=(DecCopPromise(declaratio_material_code="102053"),),
        sign=DecSign(
            oper_type="G",
            ic_code="2100090037154",
            cop_code=AGENT_CODE,
            oper_name="马晓燕",
            client_seq_no=client_seq_no,
            bill_seq_no="QD960126E000000321",
        ),
    )


def review_receipt(
    *, style: EnvelopeStyle = EnvelopeStyle.BARE, result: str = "3"
) -> Inv201Receipt:
    return Inv201Receipt(
        style=style,
        envelope=envelope(MessageType.INV201, "INV201_solar_0001.xml"),
        body=Inv201(
            result=HdeApprResult(
                etps_preent_no="960120261000012345",
                business_id="QD960126I000000123",
                tms_cnt="0",
                typecd="1",
                manage_result=result,
                manage_date="2026-11-28 11:05:09",
                rmk="退单",
            ),
            checks=(CheckInfo(note="第2项商品申报单价与历史价格差异较大，请核实"),),
            list_state=BondInvtBsc(
                invt_preent_no="960120261000012345",
                etps_inner_invt_no="SOLAR-IN-0001",
                invt_stucd="2",
            ),
        ),
    )


def import_result(deal_flag: DealFlag = DealFlag.OK) -> CommonResponeMessage:
    return CommonResponeMessage(
        seq_no="960120261000012345",
        etps_preent_no="SOLAR-IN-0001",
        check_info="导入成功" if deal_flag is DealFlag.OK else "报文格式错误",
        deal_flag=deal_flag.value,
    )
