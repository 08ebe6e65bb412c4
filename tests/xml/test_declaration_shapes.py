"""DecMessage as real single-window clients write it (REAL-FORMATS.md section 6).

Two samples in ``samples/`` follow real producers' shapes with the Xining story's values:
``DecMessage_2019_client_order_cdata.xml`` has the element set and order of a real 2019
client file (DecHead 91, DecList 48, DecSign 12, empty elements and blocks, CDATA),
``DecMessage_2018_template_order_trade_code_scc.xml`` the order and extra fields of the
2018 v3.1 template. What these tests pin down: every element is kept, empty ones are
absent, text in CDATA is plain text, the order bondflow writes is the 2019 client's,
either order reads the same, nested product qualifications and repeated attached
documents survive a round trip, and the root's version is what the message says.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree

from adapters.xml import codec
from adapters.xml.binding import local_name, plan_of
from adapters.xml.errors import XmlMessageError
from schemas.messages.codes import DEFAULT_DEC_VERSION
from schemas.messages.declaration import (
    DecGoodsLimit,
    DecGoodsLimitVin,
    DecHead,
    DeclarationMessage,
    DecList,
    DecSign,
)
from tests.support import messages

SAMPLES = Path(__file__).parent / "samples"
CLIENT_2019 = SAMPLES / "DecMessage_2019_client_order_cdata.xml"
TEMPLATE_2018 = SAMPLES / "DecMessage_2018_template_order_trade_code_scc.xml"
DEC = "{http://www.chinaport.gov.cn/dec}"


def parsed(document: bytes) -> DeclarationMessage:
    message = codec.parse(document)
    assert isinstance(message, DeclarationMessage)
    return message


def children(element: etree._Element) -> list[str]:
    return [local_name(child) for child in element.iterchildren(etree.Element)]


def client_2019() -> DeclarationMessage:
    return parsed(CLIENT_2019.read_bytes())


def template_2018_as_2019_spelling() -> bytes:
    """The 2018 template with TradeCodeScc spelt the 2019 way (TradeCoScc): its order and
    fields, read by the binding of today."""
    return TEMPLATE_2018.read_bytes().replace(b"TradeCodeScc>", b"TradeCoScc>")


# --- the 2019 client file -----------------------------------------------------------------


def test_the_models_follow_the_2019_client_order() -> None:
    # Given the element order of a real 2019 client file (the sample keeps it)
    root = etree.parse(str(CLIENT_2019)).getroot()
    head, lists, *_ = root.iterchildren(etree.Element)
    first_line = next(lists.iterchildren(etree.Element))
    sign = root.find(f"{DEC}DecSign")
    assert sign is not None

    # Then the models declare the same elements in the same order (the head has the 2018
    # template's own fields after them)
    head_elements = [plan.element for plan in plan_of(DecHead)]
    assert head_elements[:91] == children(head)
    assert head_elements[91:] == [
        "PayWay",
        "DistrictCode",
        "PaymentMark",
        "InRatio",
        "AgentLinkMan",
        "AgentLinkMAIL",
        "AgentLinkPHONE",
        "OwnerLinkMan",
        "OwnerLinkMAIL",
        "OwnerLinkPHONE",
        "InputerNameMAIL",
        "InputerNamePHONE",
    ]
    assert [plan.element for plan in plan_of(DecList)] == children(first_line)
    assert [plan.element for plan in plan_of(DecSign)] == children(sign)
    blocks = [plan.element for plan in plan_of(DeclarationMessage)]
    assert blocks[: len(children(root))] == children(root)
    assert blocks[len(children(root)) :] == [
        "DecMarkLobs",
        "EdocRealation",
        "EcoRelation",
        "DecRisk",
        "DecRoyaltyFee",
    ]


def test_a_2019_client_file_keeps_the_head_elements_a_client_fills() -> None:
    # When the 2019 client file is read
    head = client_2019().head

    # Then the elements bondflow had no field for are kept
    assert (head.type, head.decl_trn_rel, head.entry_type) == ("Z", "0", "M")
    assert (head.cop_code, head.cop_name, head.cop_code_scc) == (
        "9601980003",
        "西宁综保区报关服务有限公司",
        "91630100MA7XN0C36T",
    )
    assert (head.typist_no, head.edi_id, head.chk_surety) == ("2100090037154", "1", "0")
    assert (head.mark_no, head.enty_port_code, head.distinate_port) == ("N/M", "630101", "DEDUI")
    assert head.overseas_consignee_ename == "SOLARTRADE EUROPE GMBH"
    assert (head.declare_name, head.decl_ciq_code) == ("马晓燕", "6300600031")
    assert (head.trade_co_scc, head.promise_itmes) == ("91630100MA7XN0A17G", "000")
    # and the empty ones, dates included, are absent
    assert (head.ie_date, head.p_date, head.desp_date, head.cmpl_dschrg_dt) == (None,) * 4
    assert (head.seq_no, head.entry_id, head.pre_entry_id, head.fee_rate) == (None,) * 4


def test_cdata_text_reads_as_plain_text() -> None:
    message = client_2019()

    assert message.lines[0].g_name == "光伏组件<单晶>"
    assert message.lines[1].g_model == "0|0|光伏连接器|额定电压1500V DC|额定电流<=30A|天合牌|TS4"
    assert message.head.note_s is not None
    assert message.head.note_s.startswith("[中欧班列] X8157")
    assert message.lines[0].ciq_name is None  # <![CDATA[]]>: empty


def test_empty_blocks_read_as_empty_and_the_sign_keeps_its_twelve() -> None:
    message = client_2019()

    empty = (
        message.containers,
        message.licenses,
        message.request_certs,
        message.other_packs,
        message.cop_limits,
        message.users,
    )
    assert all(block == () for block in empty)
    assert [line.goods_limits for line in message.lines] == [(), ()]
    assert [promise.declaratio_material_code for promise in message.cop_promises] == ["102053"]
    sign = message.sign
    assert sign.client_seq_no == "E96012026120310153012"  # 21 characters, as clients write
    assert (sign.sign_date, sign.bill_seq_no) == ("2026120310153012", "QD960126E000000321")
    assert (sign.sign, sign.certificate, sign.domain_id, sign.note) == (None,) * 4
    assert message.free_text is not None
    assert (message.free_text.cus_fie, message.free_text.voy_no) == ("9601A", "X8157")


def test_rendering_writes_the_filled_elements_in_the_2019_client_order() -> None:
    # Given the 2019 client file
    original = etree.parse(str(CLIENT_2019)).getroot()
    filled_head = [
        local_name(child)
        for child in original.find(f"{DEC}DecHead").iterchildren(etree.Element)  # type: ignore[union-attr]
        if (child.text or "").strip()
    ]

    # When bondflow writes it again
    written = etree.fromstring(codec.render(client_2019()))

    # Then the filled elements come in the client's order, the empty ones are left out
    head = written.find(f"{DEC}DecHead")
    assert head is not None
    assert children(head) == filled_head
    assert children(written) == ["DecHead", "DecLists", "DecSign", "DecFreeTxt", "DecCopPromises"]
    assert written.get("version") == "3.1"
    assert parsed(etree.tostring(written)) == client_2019()


# --- the 2018 template -------------------------------------------------------------------


def test_the_2018_template_order_reads_like_the_2019_order() -> None:
    # When a declaration in the 2018 template's order is read
    message = parsed(template_2018_as_2019_spelling())

    # Then every element lands on its field whatever its place
    head = message.head
    assert (head.ie_flag.value, head.entry_type, head.decl_trn_rel) == ("E", "M", "0")
    assert head.trade_co_scc == "91630100MA7XN0A17G"
    # and the template's own fields are kept
    assert (head.agent_link_man, head.agent_link_phone) == ("马晓燕", "0971-5551234")
    assert (head.district_code, head.p_date) == ("63019", "20261203")
    assert head.pay_way is head.in_ratio is head.owner_link_man is None
    # an unused charge is a zero rate without a mark; a zero second quantity has no unit
    assert (head.fee_mark, head.fee_rate, head.insur_rate) == (None, Decimal("0"), Decimal("0"))
    assert (message.lines[0].second_qty, message.lines[0].second_unit) == (Decimal("0"), None)
    assert [(box.container_id, box.container_wt) for box in message.containers] == [
        ("TGHU8857420", Decimal("3900"))
    ]
    assert message.free_text is not None
    assert message.free_text.voy_no == "X8157"
    assert (message.sign.sign_date, message.sign.client_seq_no) == (
        "20261203101530",
        "QHGFDEC20261203005",
    )


def test_attached_documents_repeat_without_a_wrapper_and_come_back() -> None:
    message = parsed(template_2018_as_2019_spelling())

    assert [(doc.edoc_id, doc.edoc_size) for doc in message.edoc_realations] == [
        ("QHGF2026120300001", "183204"),
        ("QHGF2026120300002", "90112"),
    ]
    written = etree.fromstring(codec.render(message))
    assert children(written).count("EdocRealation") == 2
    assert parsed(etree.tostring(written)) == message


def test_a_charge_rate_without_its_mark_is_refused_unless_zero() -> None:
    document = template_2018_as_2019_spelling().replace(
        b"<FeeRate>0.0000</FeeRate>", b"<FeeRate>18500</FeeRate>"
    )

    with pytest.raises(XmlMessageError) as refused:
        parsed(document)

    assert "fee rate other than 0 needs its mark" in str(refused.value)


# --- nested product qualifications -------------------------------------------------------

GOODS_LIMITS = """<DecGoodsLimits>
        <DecGoodsLimit>
          <GoodsNo>1</GoodsNo>
          <LicTypeCode>411</LicTypeCode>
          <LicenceNo>CCC2026000123</LicenceNo>
          <LicWrtofDetailNo>1</LicWrtofDetailNo>
          <LicWrtofQty>620</LicWrtofQty>
          <DecGoodsLimitVin>
            <LicenceNo>CCC2026000123</LicenceNo>
            <LicTypeCode>411</LicTypeCode>
            <VinNo>1</VinNo>
            <BillLadDate>20261203</BillLadDate>
            <VinCode>LSVAA4182E2000001</VinCode>
          </DecGoodsLimitVin>
          <DecGoodsLimitVin>
            <VinNo>2</VinNo>
            <VinCode>LSVAA4182E2000002</VinCode>
          </DecGoodsLimitVin>
        </DecGoodsLimit>
      </DecGoodsLimits>"""


def test_product_qualifications_nest_with_their_vehicles_and_come_back() -> None:
    # Given a line whose goods need a licence with two vehicles under it
    document = CLIENT_2019.read_bytes().replace(b"<DecGoodsLimits/>", GOODS_LIMITS.encode(), 1)

    # When it is read
    message = parsed(document)

    # Then the licence and its vehicles are on the line
    (limit,) = message.lines[0].goods_limits
    assert (limit.goods_no, limit.lic_type_code, limit.licence_no) == (
        "1",
        "411",
        "CCC2026000123",
    )
    assert [(vin.vin_no, vin.vin_code) for vin in limit.vins] == [
        ("1", "LSVAA4182E2000001"),
        ("2", "LSVAA4182E2000002"),
    ]
    assert limit.vins[0].bill_lad_date == "20261203"
    # and writing it again gives the same declaration
    written = codec.render(message)
    assert b"<DecGoodsLimitVin>" in written
    assert parsed(written) == message


def test_goods_limits_are_written_inside_their_container() -> None:
    line = messages.declaration(lines=1).lines[0]
    limit = DecGoodsLimit(goods_no="1", vins=(DecGoodsLimitVin(vin_no="1"),))
    message = messages.declaration(lines=1).model_copy(
        update={"lines": (line.model_copy(update={"goods_limits": (limit,)}),)}
    )

    written = etree.fromstring(codec.render(message))

    names = [local_name(node) for node in written.iter(etree.Element)]
    index = names.index("DecGoodsLimits")
    assert names[index : index + 4] == [
        "DecGoodsLimits",
        "DecGoodsLimit",
        "GoodsNo",
        "DecGoodsLimitVin",
    ]


# --- the root's version ------------------------------------------------------------------


def test_bondflow_writes_version_3_1_unless_the_message_says_otherwise() -> None:
    default = messages.declaration()
    other = default.model_copy(update={"version": "3.2"})

    assert DEFAULT_DEC_VERSION == default.version == "3.1"
    assert etree.fromstring(codec.render(default)).get("version") == "3.1"
    assert etree.fromstring(codec.render(other)).get("version") == "3.2"


def test_the_version_is_an_attribute_not_an_element() -> None:
    assert "version" not in {plan.name for plan in plan_of(DeclarationMessage)}
    assert b"<version" not in codec.render(messages.declaration())
