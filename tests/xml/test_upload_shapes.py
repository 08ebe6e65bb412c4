"""INV101 and SAS121 as real clients write them: the BeeCustom 2019 order (InvtType fifth,
the declaration block, OperCusRegCode before SysId), the loop 2018 order (SysId first),
the empty elements every real client writes, and the canonical order bondflow writes."""

from __future__ import annotations

from decimal import Decimal

import pytest
from lxml import etree

from adapters.xml import codec
from adapters.xml.binding import local_name
from adapters.xml.errors import XmlMessageError
from schemas.messages.bonded_list import BondedListUpload, InvtDecHead, InvtDecLine, InvtHead
from schemas.messages.codes import DeclarationRoute, DeclareFlag
from schemas.messages.gate_pass import GatePassUpload, PassportHead
from tests.support import messages

BEE_HEAD = """
<InvtHeadType><SeqNo></SeqNo><BondInvtNo/><ChgTmsCnt/><PutrecNo>H96012600001</PutrecNo>
<InvtType>0</InvtType><EtpsInnerInvtNo>QDI96012026112800001</EtpsInnerInvtNo>
<BizopEtpsno>9601346001</BizopEtpsno><BizopEtpsSccd>91630100MA7XN0A17G</BizopEtpsSccd>
<BizopEtpsNm>青海高原光伏科技有限公司</BizopEtpsNm><RcvgdEtpsno>9601346001</RcvgdEtpsno>
<RvsngdEtpsSccd>91630100MA7XN0A17G</RvsngdEtpsSccd><RcvgdEtpsNm>青海高原光伏科技有限公司</RcvgdEtpsNm>
<DclEtpsno>9601980003</DclEtpsno><DclEtpsSccd>{dcl_sccd}</DclEtpsSccd>
<DclEtpsNm>西宁综保区报关服务有限公司</DclEtpsNm><InputCode>9601980003</InputCode>
<InputCreditCode/><InputName>西宁综保区报关服务有限公司</InputName><InputTime/><RltInvtNo/>
<RltPutrecNo/><CorrEntryDclEtpsNo>9601980003</CorrEntryDclEtpsNo>
<CorrEntryDclEtpsSccd>91630100MA7XN0C36T</CorrEntryDclEtpsSccd>
<CorrEntryDclEtpsNm>西宁综保区报关服务有限公司</CorrEntryDclEtpsNm><RltEntryBizopEtpsno/>
<RltEntryBizopEtpsSccd/><RltEntryBizopEtpsNm/><RltEntryRcvgdEtpsno/><RltEntryRvsngdEtpsSccd/>
<RltEntryRcvgdEtpsNm/><RltEntryDclEtpsno/><RltEntryDclEtpsSccd/><RltEntryDclEtpsNm/>
<ImpexpPortcd>9601</ImpexpPortcd><DclPlcCuscd>9601</DclPlcCuscd><ImpexpMarkcd>I</ImpexpMarkcd>
<MtpckEndprdMarkcd>I</MtpckEndprdMarkcd><SupvModecd>0654</SupvModecd><TrspModecd>9</TrspModecd>
<ApplyNo>S520819A1479</ApplyNo><ListType>A</ListType><DclcusFlag>1</DclcusFlag>
<DclcusTypecd>2</DclcusTypecd><IcCardNo>8930000083638</IcCardNo><DecType>1</DecType><Rmk/>
<StshipTrsarvNatcd>142</StshipTrsarvNatcd><EntryNo/><RltEntryNo/><DclTypecd>1</DclTypecd>
<GenDecFlag>1</GenDecFlag></InvtHeadType>"""

BEE_LINE = """
<InvtListType><SeqNo/><GdsSeqno>{number}</GdsSeqno><PutrecSeqno>26</PutrecSeqno>
<GdsMtno>26</GdsMtno><Gdecd>4811410000</Gdecd><GdsNm><![CDATA[不干胶纸]]></GdsNm>
<GdsSpcfModelDesc><![CDATA[涂布/漂白]]></GdsSpcfModelDesc><DclUnitcd>035</DclUnitcd>
<LawfUnitcd>035</LawfUnitcd><SecdLawfUnitcd/><Natcd>142</Natcd><DclUprcAmt>2.3800</DclUprcAmt>
<DclTotalAmt>2370.48</DclTotalAmt><UsdStatTotalAmt>0.00000</UsdStatTotalAmt>
<DclCurrcd>502</DclCurrcd><LawfQty>996.00000</LawfQty><SecdLawfQty>{second}</SecdLawfQty>
<WtSfVal/><FstSfVal/><SecdSfVal/><DclQty>996.00000</DclQty><GrossWt/><NetWt/><UseCd/>
<LvyrlfModecd>3</LvyrlfModecd><UcnsVerno/><ClyMarkcd/><EntryGdsSeqno>0</EntryGdsSeqno>
<ApplyTbSeqno>{number}</ApplyTbSeqno><DestinationNatcd>142</DestinationNatcd>
<ModfMarkcd>3</ModfMarkcd><Rmk/></InvtListType>"""

EMPTY_DECLARATION = (
    "<InvtDecHeadType>"
    + "".join(f"<{name}></{name}>" for name in ("SeqNo", "DecSeqNo", "PutrecNo", "Type"))
    + "<PromiseItems/><EntryPortCode/></InvtDecHeadType>"
)


def inv101(
    message: str, *, tail: str = "<OperCusRegCode>9601980003</OperCusRegCode><SysId>B1</SysId>"
) -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Signature xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><Object><Package>
<EnvelopInfo><version>1.0</version><message_id>QDI96012026112800001</message_id>
<file_name>QDI96012026112800001.xml</file_name><message_type>INV101</message_type>
<sender_id>DXPESW0000003241</sender_id><receiver_id>DXPEDCNEMS000001</receiver_id>
<send_time>2026-11-28T11:21:27</send_time></EnvelopInfo><DataInfo><BussinessData>
<InvtMessage>{message}{tail}</InvtMessage><DelcareFlag>0</DelcareFlag>
</BussinessData></DataInfo></Package></Object></Signature>""".encode()


def bee_list(*, dcl_sccd: str = "91630100MA7XN0C36T", second: str = "") -> bytes:
    lines = "".join(BEE_LINE.format(number=n, second=second) for n in (1, 2))
    return inv101(BEE_HEAD.format(dcl_sccd=dcl_sccd) + lines + EMPTY_DECLARATION)


def read_list(data: bytes) -> BondedListUpload:
    message = codec.parse(data, source="bee.xml")
    assert isinstance(message, BondedListUpload)
    return message


def children(root: etree._Element, name: str) -> list[str]:
    found = next(element for element in root.iter() if local_name(element) == name)
    return [local_name(child) for child in found]


# --- reading ----------------------------------------------------------------------------


def test_a_list_in_the_bee_order_with_its_declaration_block_reads_every_value() -> None:
    upload = read_list(bee_list())

    head = upload.message.head
    assert upload.declare_flag is DeclareFlag.SAVE
    assert (head.invt_type, head.etps_inner_invt_no) == ("0", "QDI96012026112800001")
    assert head.chg_tms_cnt == 0  # <ChgTmsCnt/>: a first filing
    assert (head.apply_no, head.list_type, head.ic_card_no) == (
        "S520819A1479",
        "A",
        "8930000083638",
    )
    assert head.dclcus_typecd is DeclarationRoute.GENERATED
    assert (head.dec_type, head.gen_dec_flag) == ("1", "1")
    assert (head.corr_entry_dcl_etps_no, head.corr_entry_dcl_etps_nm) == (
        "9601980003",
        "西宁综保区报关服务有限公司",
    )
    assert head.input_credit_code is None  # optional in the SDK, empty here
    assert (upload.message.oper_cus_reg_code, upload.message.sys_id) == ("9601980003", "B1")


def test_kept_texts_of_a_bee_line_are_exactly_as_written() -> None:
    first, _ = read_list(bee_list()).message.lines

    assert first.usd_stat_total_amt == "0.00000"
    assert (first.entry_gds_seqno, first.apply_tb_seqno) == ("0", "1")  # 0: not yet known
    assert first.gds_spcf_model_desc == "涂布/漂白"  # CDATA is text
    assert (first.lawf_qty, first.dcl_qty) == (Decimal("996"), Decimal("996"))
    assert (first.wt_sf_val, first.cly_markcd, first.rmk) == (None, None, None)


def test_an_empty_generated_declaration_block_is_kept_as_a_block() -> None:
    upload = read_list(bee_list())

    assert upload.message.dec_head == InvtDecHead()
    assert upload.message.dec_lines == ()


def test_a_list_in_the_loop_order_has_sysid_before_the_operator() -> None:
    lines = "".join(BEE_LINE.format(number=n, second="") for n in (1, 2))
    loop = inv101(
        "<SysId>Z8</SysId><OperCusRegCode>9601980003</OperCusRegCode>"
        + BEE_HEAD.format(dcl_sccd="91630100MA7XN0C36T")
        + lines,
        tail="",
    )

    upload = read_list(loop)

    assert (upload.message.sys_id, upload.message.oper_cus_reg_code) == ("Z8", "9601980003")
    assert upload.message.dec_head is None


def test_a_zero_second_quantity_without_a_second_unit_is_what_real_clients_write() -> None:
    lines = read_list(bee_list(second="0.00000")).message.lines

    assert [line.secd_lawf_qty for line in lines] == [Decimal("0"), Decimal("0")]


def test_a_second_quantity_without_its_unit_is_refused() -> None:
    with pytest.raises(XmlMessageError) as refused:
        read_list(bee_list(second="12.5"))

    assert refused.value.path == "InvtMessage/InvtListType[1]"
    assert "SecdLawfUnitcd is missing" in refused.value.reason


def test_a_credit_code_of_17_characters_is_refused_naming_the_element() -> None:
    with pytest.raises(XmlMessageError) as refused:
        read_list(bee_list(dcl_sccd="14419007962277606"))

    assert refused.value.path == "InvtMessage/InvtHeadType/DclEtpsSccd"


def test_a_declared_list_says_what_declaration_it_is() -> None:
    head = messages.bonded_list().message.head

    with pytest.raises(ValueError, match="DecType is required when DclcusFlag is 1"):
        InvtHead.model_validate(head.model_dump() | {"dec_type": None})


# --- writing ----------------------------------------------------------------------------


def test_bondflow_writes_the_head_in_the_specification_order_and_the_message_in_bee_order() -> None:
    upload = read_list(bee_list())

    root = etree.fromstring(codec.render(upload))

    head = children(root, "InvtHeadType")
    assert head[:6] == [
        "ChgTmsCnt",
        "PutrecNo",
        "EtpsInnerInvtNo",
        "BizopEtpsSccd",
        "BizopEtpsno",
        "BizopEtpsNm",
    ]
    assert head.index("InvtType") > head.index("StshipTrsarvNatcd")
    assert head[-2:] == ["DclTypecd", "GenDecFlag"]
    assert children(root, "InvtMessage") == [
        "InvtHeadType",
        "InvtListType",
        "InvtListType",
        "InvtDecHeadType",
        "OperCusRegCode",
        "SysId",
    ]


def test_a_list_with_its_generated_declaration_survives_a_round_trip() -> None:
    sample = messages.bonded_list(lines=1)
    upload = sample.model_copy(
        update={
            "message": sample.message.model_copy(
                update={
                    "dec_head": InvtDecHead(dec_type="3", type="ML", promise_items="000"),
                    "dec_lines": (
                        InvtDecLine(
                            gds_nm="单晶硅光伏电池片", dcl_curr_cd="502", mnufctr_regno="X1"
                        ),
                    ),
                }
            )
        }
    )

    document = codec.render(upload)  # valid against INV101.xsd

    assert b"<DclCurrCd>502</DclCurrCd>" in document
    assert b"<MnufctrRegno>X1</MnufctrRegno>" in document
    assert codec.parse(document) == upload


# --- SAS121 -----------------------------------------------------------------------------


def test_a_gate_pass_reads_the_loop_template_elements_and_writes_passport_with_a_capital_p() -> (
    None
):
    text = codec.render(messages.gate_pass()).decode()
    real = text.replace("<DclEtpsno>", "<DclTime>20261128</DclTime><DclEtpsno>", 1).replace(
        "</PassportHead>", "<Col1>1</Col1><Col3/></PassportHead>"
    )

    upload = codec.parse(real.encode())

    assert isinstance(upload, GatePassUpload)
    assert (upload.message.head.dcl_time, upload.message.head.col1) == ("20261128", "1")
    assert upload.message.head.col3 is None
    numbered = upload.message.documents[0].model_copy(update={"passport_no": "HF960126I000000001"})
    message = upload.message.model_copy(update={"documents": (numbered,)})
    rendered = codec.render(upload.model_copy(update={"message": message}))
    assert b"<PassPortNo>HF960126I000000001</PassPortNo>" in rendered


def test_a_loaded_vehicle_may_name_its_lists_in_the_head_alone() -> None:
    sample = messages.gate_pass()

    message = sample.message.model_validate(sample.message.model_dump() | {"documents": ()})

    assert message.head.rlt_no == ("QD960126I000000123",)


def test_a_truck_without_a_frame_or_container_weighs_vehicle_and_goods() -> None:
    head = messages.gate_pass().message.head.model_dump()
    head |= {"vehicle_frame_wt": None, "container_wt": None, "total_wt": Decimal("10161.5")}

    assert PassportHead.model_validate(head).total_wt == Decimal("9800") + Decimal("361.5")


def test_a_gate_pass_names_who_to_contact() -> None:
    head = messages.gate_pass().message.head.model_dump() | {"dcl_er_conc": None}

    with pytest.raises(ValueError, match="dcl_er_conc"):
        PassportHead.model_validate(head)
