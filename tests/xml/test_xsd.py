"""The project's own XSDs in ``adapters/xml/xsd/``, written by hand.

One schema per message type and envelope style: ``INV101.xsd`` describes the bare
Package with no namespace, and ``INV101.xmldsig.xsd`` the Signature/Object/Package
wrapper in the xmldsig namespace, which includes the first as a chameleon include so
that both styles share one set of definitions. ``common.xsd`` holds the shared types.
``codec.render`` checks every document against them before it leaves.

What these tests pin down:

- every message the codec renders from a valid model validates, in both envelope styles;
- the schemas mirror the models: the same elements in the same order, optional where the
  model is, repeated where the model is, and the same patterns, lengths, bounds, code
  sets and number formats;
- broken documents are refused with the element path, the line and the reason;
- every message type finds its schema in every namespace it is written in, and every
  file in the folder compiles.
"""

from __future__ import annotations

import types
from collections.abc import Callable, Iterator
from copy import deepcopy
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import Enum
from functools import cache
from pathlib import Path
from typing import Annotated, Any, TypeVar, Union, get_args, get_origin

import annotated_types
import pytest
from lxml import etree
from pydantic import BaseModel, StringConstraints
from pydantic.fields import FieldInfo

from adapters.xml import codec
from adapters.xml.binding import FieldPlan, plan_of
from adapters.xml.errors import SchemaViolation
from adapters.xml.xsd import (
    XMLDSIG_NAMESPACE,
    check_against_schema,
    load_schema,
    schema_directory,
    schema_file,
)
from schemas.identifiers import Identifier
from schemas.messages.base import EnvelopeStyle
from schemas.messages.bonded_list import (
    BondedListUpload,
    InvtDecHead,
    InvtDecLine,
    InvtHead,
    InvtLine,
    InvtMessage,
)
from schemas.messages.codes import BindingKind, DealFlag, DeductionMark, MessageType
from schemas.messages.declaration import (
    DecContainer,
    DecCopLimit,
    DecCopPromise,
    DecFreeTxt,
    DecGoodsLimit,
    DecGoodsLimitVin,
    DecHead,
    DeclarationMessage,
    DecLicenseDocu,
    DecList,
    DecMarkLob,
    DecOtherPack,
    DecRequestCert,
    DecRisk,
    DecRoyaltyFee,
    DecSign,
    DecUser,
    EcoRelation,
    EdocRealation,
)
from schemas.messages.envelope import EnvelopInfo
from schemas.messages.fields import FixedPlaces, Joined, TimeStyle, UpToPlaces
from schemas.messages.gate_pass import (
    GatePassUpload,
    PassportAcmp,
    PassportHead,
    PassportList,
    PassPortMessage,
)
from schemas.messages.receipts import (
    BondInvtBsc,
    BondInvtDt,
    BondInvtDtSimple,
    BwsDt,
    CheckInfo,
    EmsPutrecDt,
    HdeApprResult,
    Inv201,
    Inv202,
    Inv211,
    InvApprResult,
    Sas2stepPassportBsc,
    Sas221,
    Sas223,
    Sas224,
    Sas253,
    SasCentDclStock,
    SasPassportBsc,
    SasPassportDt,
    SasPassportRlt,
)
from schemas.messages.responses import (
    CommonResponeMessage,
    DecImportResponse,
    DecResult,
    DecResultMessage,
)
from tests.support import messages, receipts

M = TypeVar("M", bound=BaseModel)

XS = "http://www.w3.org/2001/XMLSchema"


# --- samples -----------------------------------------------------------------------------


def filled(model: M, **values: Any) -> M:
    """``model`` with more fields set, validated again like any new model."""
    return type(model).model_validate({**model.model_dump(), **values})


def in_style(message: M, style: EnvelopeStyle) -> M:
    return message.model_copy(update={"style": style})


def every_text(model_type: type[M], **values: Any) -> M:
    """``model_type`` with ``values`` and every other element it keeps as plain text
    filled with a one-character code (it fits every published maximum)."""
    kept = {
        name: "1"
        for name, info in model_type.model_fields.items()
        if name not in values and not info.is_required() and info.default is None
    }
    return model_type.model_validate({**kept, **values})


def complete_bonded_list() -> BondedListUpload:
    """INV101 with every optional element of the head and of the first line filled in,
    and the declaration the list generates (InvtDecHeadType, InvtDecListType)."""
    sample = messages.bonded_list(lines=2)
    head = filled(
        sample.message.head,
        seq_no=receipts.LIST_SEQ_NO,
        bond_invt_no=receipts.LIST_NO,
        chg_tms_cnt=1,
        ic_card_no="2100090037154",
        rlt_invt_no="QD960126E000000321",
        rlt_putrec_no="T96012600002",
        entry_stucd="0",
        input_time=date(2026, 11, 27),
        entry_dcl_time="20261128",
        entry_no=receipts.ENTRY_ID,
        corr_entry_dcl_etps_sccd=messages.AGENT_SCC,
        corr_entry_dcl_etps_no=messages.AGENT_CODE,
        corr_entry_dcl_etps_nm=messages.AGENT_NAME,
        rlt_entry_no=receipts.ENTRY_ID,
        rlt_entry_bizop_etps_sccd=messages.MAKER_SCC,
        rlt_entry_bizop_etpsno=messages.MAKER_CODE,
        rlt_entry_bizop_etps_nm=messages.MAKER_NAME,
        rlt_entry_rvsngd_etps_sccd=messages.MAKER_SCC,
        rlt_entry_rcvgd_etpsno=messages.MAKER_CODE,
        rlt_entry_rcvgd_etps_nm=messages.MAKER_NAME,
        rlt_entry_dcl_etps_sccd=messages.AGENT_SCC,
        rlt_entry_dcl_etpsno=messages.AGENT_CODE,
        rlt_entry_dcl_etps_nm=messages.AGENT_NAME,
        apply_no="S960126A0001",
        list_type="A",
        prevd_time="20261128",
        formal_vrfded_time="20261129",
        invt_iochkpt_stucd="0",
        vrfded_markcd=DeductionMark.NOT_DEDUCTED,
        list_stat="0",
        passport_used_type_cd="1",
        need_entry_modified="0",
        levy_bl_amt="9750.00",
        add_time="2026-11-27 16:02:11",
    )
    first = filled(
        sample.message.lines[0],
        seq_no=receipts.LIST_SEQ_NO,
        destination_natcd="142",
        usd_stat_total_amt="1364.25",
        wt_sf_val="0.00804",
        fst_sf_val="1",
        secd_sf_val="0.00804",
        use_cd="11",
        ucns_verno="0",
        cly_markcd="0",
        entry_gds_seqno="1",
        apply_tb_seqno="1",
        modf_markcd="1",
        param1="2",
        rmk="单价按合同更正",
        add_time="2026-11-27 16:02:11",
    )
    return filled(
        sample,
        envelope=filled(sample.envelope, business_id="SOLAR-IN-0001", ic_card="2100090037154"),
        message=filled(
            sample.message,
            head=head,
            lines=(first, sample.message.lines[1]),
            dec_head=every_text(InvtDecHead, dec_type="3", type="ML"),
            dec_lines=(every_text(InvtDecLine, gds_nm="单晶硅光伏电池片"),),
        ),
    )


def complete_gate_pass() -> GatePassUpload:
    """SAS121 binding one vehicle to two lists, every optional element filled in."""
    sample = messages.gate_pass()
    head = filled(
        sample.message.head,
        seq_no="960120261000045678",
        passport_no=receipts.PASS_NO,
        bind_typecd=BindingKind.ONE_VEHICLE_MANY_LISTS,
        rlt_no=(receipts.LIST_NO, "QD960126I000000124"),
        vehicle_ic_no="QH-E-0042",
        container_no="TGHU1234567",
        vehicle_frame_no="LZZ5BLSJ8KD123456",
        container_type="45G1",
        dcl_er_conc="马晓燕 0971-5551234",
        dcl_time="20261128",
        rmk="中欧班列 X8024 到站转关",
        col1="1",
        col2="备用",
        col3="备用",
        col4="备用",
    )
    first = filled(
        sample.message.lines[0],
        seq_no="960120261000045678",
        passport_no=receipts.PASS_NO,
        rmk="第一托",
        col1="1",
        col2="备用",
        col3="备用",
        col4="备用",
    )
    documents = tuple(
        filled(document, seq_no="960120261000045678", passport_no=receipts.PASS_NO)
        for document in sample.message.documents
    )
    return filled(
        sample,
        message=filled(
            sample.message,
            head=head,
            lines=(first, *sample.message.lines[1:]),
            documents=documents,
        ),
    )


def every_text_filled(model: M) -> M:
    """``model`` with every element it keeps as plain text and leaves empty filled in."""
    values = {
        name: f"{info.alias}-1"
        for name, info in type(model).model_fields.items()
        if info.alias
        and getattr(model, name) is None
        and unwrapped(info.annotation)[0] is str
        and text_content(*unwrapped(info.annotation)) == ""
    }
    return filled(model, **values)


def complete_declaration() -> DeclarationMessage:
    """DecMessage with every optional element and block filled in."""
    sample = messages.declaration(lines=2)
    head = filled(
        sample.head,
        seq_no="960120261000067890",
        cut_mode="503",
        entry_id=receipts.ENTRY_ID,
        insur_curr="142",
        other_mark="3",
        other_rate=Decimal("350"),
        other_curr="142",
        ie_date=date(2026, 11, 28),
        note_s="光伏组件出口，中欧班列",
        p_date="20261128",
        trade_area_code="304",
        desp_port_code="630101",
        inputer_name="马晓燕",
    )
    first = filled(
        sample.lines[0],
        class_mark="0",
        exg_no="TSM-DE19-550",
        exg_version="1",
        goods_limits=(
            every_text_filled(DecGoodsLimit(vins=(every_text_filled(DecGoodsLimitVin()),))),
        ),
    )
    return filled(
        sample,
        head=every_text_filled(head),
        lines=(every_text_filled(first), sample.lines[1]),
        containers=(
            filled(
                sample.containers[0],
                lcl_flag="0",
                goods_conta_wt=Decimal("24680.5"),
                container_wt=Decimal("3900"),
            ),
        ),
        free_text=every_text_filled(DecFreeTxt()),
        sign=every_text_filled(
            filled(sample.sign, sign="MIIBszCCAVmgAwIBAgIQ", sign_date="20261128103000")
        ),
        request_certs=(every_text_filled(DecRequestCert()),),
        other_packs=(every_text_filled(DecOtherPack()),),
        cop_limits=(every_text_filled(DecCopLimit()),),
        users=(every_text_filled(DecUser()),),
        mark_lobs=(every_text_filled(DecMarkLob()),),
        edoc_realations=(every_text_filled(EdocRealation()), every_text_filled(EdocRealation())),
        eco_relations=(every_text_filled(EcoRelation()),),
        risk=every_text_filled(DecRisk()),
        royalty_fee=every_text_filled(DecRoyaltyFee()),
    )


ENVELOPED_SAMPLES: dict[str, Callable[[], codec.CustomsMessage]] = {
    "INV101": messages.bonded_list,
    "INV101 every element": complete_bonded_list,
    "SAS121": messages.gate_pass,
    "SAS121 every element": complete_gate_pass,
    "INV201": messages.review_receipt,
    "INV202": receipts.declaration_generated,
    "INV211": receipts.list_posted,
    "SAS221": receipts.pass_review,
    "SAS223": receipts.gate_passage,
    "SAS224": receipts.gate_inspection,
}
ROOT_SAMPLES: dict[str, Callable[[], codec.CustomsMessage]] = {
    "DecMessage": messages.declaration,
    "DecMessage every element": complete_declaration,
    "DecImportResponse": receipts.declaration_imported,
    "DEC_RESULT": receipts.declaration_released,
    "DEC_RESULT old form": receipts.declaration_released_old_form,
    "CommonResponeMessage": messages.import_result,
    "CommonResponeMessage failed": lambda: messages.import_result(DealFlag.FAILED),
}


# SAS253 has its model and schema here; registering it in the codec is the codec's
# owner's part of the work. Until then these tests are expected to fail (strictly: the
# day the codec knows SAS253, the marks go quiet and the tests simply run).
SAS253_REGISTERED = MessageType.SAS253 in codec.BY_TYPE
awaits_sas253_in_the_codec = pytest.mark.xfail(
    not SAS253_REGISTERED, reason="the codec does not register SAS253 yet", strict=True
)


@awaits_sas253_in_the_codec
def test_there_is_a_sample_of_every_message_type() -> None:
    samples: list[Callable[[], Any]] = [
        *ENVELOPED_SAMPLES.values(),
        *ROOT_SAMPLES.values(),
        receipts.two_step_passage,
    ]
    assert {codec.message_type_of(make()) for make in samples} == set(MessageType)


@awaits_sas253_in_the_codec
@pytest.mark.parametrize("style", list(EnvelopeStyle), ids=str)
def test_a_two_step_passage_renders_valid_in_both_styles(style: EnvelopeStyle) -> None:
    message: Any = receipts.two_step_passage(style)

    root = etree.fromstring(codec.render(message))  # checks against the XSD

    assert etree.QName(root).localname == (
        "Signature" if style is EnvelopeStyle.XMLDSIG else "Package"
    )


@pytest.mark.parametrize("style", list(EnvelopeStyle), ids=str)
@pytest.mark.parametrize("name", list(ENVELOPED_SAMPLES))
def test_an_enveloped_message_renders_valid_in_both_styles(name: str, style: EnvelopeStyle) -> None:
    message = in_style(ENVELOPED_SAMPLES[name](), style)

    document = codec.render(message)  # checks against the XSD before returning

    root = etree.fromstring(document)
    if style is EnvelopeStyle.XMLDSIG:
        assert root.tag == f"{{{XMLDSIG_NAMESPACE}}}Signature"
    elif style is EnvelopeStyle.XMLDSIG_PACKAGE:
        assert root.tag == f"{{{XMLDSIG_NAMESPACE}}}Package"
    else:
        assert root.tag == "Package"


@pytest.mark.parametrize("name", list(ROOT_SAMPLES))
def test_a_document_element_message_renders_valid(name: str) -> None:
    codec.render(ROOT_SAMPLES[name]())  # checks against the XSD before returning


def test_render_refuses_a_document_the_schema_refuses() -> None:
    sample = in_style(messages.bonded_list(), EnvelopeStyle.BARE)
    # model_copy does not validate: the only way past the model to a bad SysId.
    broken = sample.model_copy(
        update={"message": sample.message.model_copy(update={"sys_id": "z8"})}
    )

    with pytest.raises(SchemaViolation) as refused:
        codec.render(broken)

    assert refused.value.path == "Package/DataInfo/BussinessData/InvtMessage/SysId"
    assert "'z8'" in refused.value.reason
    assert b"<SysId>z8</SysId>" in codec.render(broken, validate=False)


# --- broken documents ---------------------------------------------------------------------


@dataclass(frozen=True)
class Refusal:
    error: SchemaViolation
    document: str

    def line_of(self, snippet: str) -> int:
        """The line of the document on which ``snippet`` starts (it must be unique)."""
        assert self.document.count(snippet) == 1, snippet
        return self.document[: self.document.index(snippet)].count("\n") + 1


def rendered(message: codec.CustomsMessage) -> etree._Element:
    return etree.fromstring(codec.render(message, validate=False))


def refusal(root: etree._Element, message_type: MessageType) -> Refusal:
    """Check ``root`` as it would arrive: serialized and parsed again, so lines count."""
    document = etree.tostring(root, encoding="unicode")
    with pytest.raises(SchemaViolation) as refused:
        check_against_schema(etree.fromstring(document), message_type)
    return Refusal(refused.value, document)


def accepted(root: etree._Element, message_type: MessageType) -> None:
    check_against_schema(etree.fromstring(etree.tostring(root)), message_type)


def bare_list() -> etree._Element:
    """A three-line INV101 in the bare Package: paths read as local names."""
    return rendered(in_style(messages.bonded_list(), EnvelopeStyle.BARE))


def on_line(root: etree._Element, number: int, name: str) -> etree._Element:
    """Element ``name`` of goods line ``number`` (1-based) of a bare INV101."""
    found = root.findall("DataInfo/BussinessData/InvtMessage/InvtListType")[number - 1].find(name)
    assert found is not None
    return found


def only(root: etree._Element, name: str) -> etree._Element:
    (found,) = root.iter(name)
    return found


def remove(element: etree._Element) -> None:
    parent = element.getparent()
    assert parent is not None
    parent.remove(element)


HEAD = "Package/DataInfo/BussinessData/InvtMessage/InvtHeadType"
LINE_2 = "Package/DataInfo/BussinessData/InvtMessage/InvtListType[2]"


@pytest.mark.parametrize("price", ["0.812", "0.81250", "1", ".8125", "-1.0000"])
def test_a_unit_price_without_exactly_four_places_is_refused(price: str) -> None:
    root = bare_list()
    on_line(root, 2, "DclUprcAmt").text = price

    refused = refusal(root, MessageType.INV101)

    assert refused.error.path == f"{LINE_2}/DclUprcAmt"
    assert refused.error.line == refused.line_of(f"<DclUprcAmt>{price}</DclUprcAmt>")
    assert refused.error.reason.startswith("Element 'DclUprcAmt': [facet ")
    assert f"'{price}'" in refused.error.reason


@pytest.mark.parametrize("price", ["0.8125", "12000.0000", "0.0000"])
def test_a_unit_price_with_four_places_is_accepted(price: str) -> None:
    root = bare_list()
    on_line(root, 2, "DclUprcAmt").text = price

    accepted(root, MessageType.INV101)


@pytest.mark.parametrize("total", ["9750.0", "9750", "9750.000"])
def test_a_total_without_exactly_two_places_is_refused(total: str) -> None:
    root = bare_list()
    on_line(root, 2, "DclTotalAmt").text = total

    refused = refusal(root, MessageType.INV101)

    assert refused.error.path == f"{LINE_2}/DclTotalAmt"
    assert refused.error.line == refused.line_of(f"<DclTotalAmt>{total}</DclTotalAmt>")


@pytest.mark.parametrize("quantity", ["1.2E4", "12000.000001", "-5", "1,200", "12000.", ""])
def test_a_quantity_is_a_plain_decimal_with_at_most_five_places(quantity: str) -> None:
    root = bare_list()
    on_line(root, 2, "DclQty").text = quantity

    refused = refusal(root, MessageType.INV101)

    assert refused.error.path == f"{LINE_2}/DclQty"


@pytest.mark.parametrize("quantity", ["12000", "0.00001", "96.5", "0"])
def test_a_plain_quantity_with_up_to_five_places_is_accepted(quantity: str) -> None:
    root = bare_list()
    on_line(root, 2, "DclQty").text = quantity

    accepted(root, MessageType.INV101)


def test_a_missing_required_element_is_named_where_it_should_be() -> None:
    root = bare_list()
    remove(on_line(root, 2, "GdsNm"))

    refused = refusal(root, MessageType.INV101)

    # libxml2 stops at the element found in its place.
    assert refused.error.path == f"{LINE_2}/GdsSpcfModelDesc"
    assert "Expected is ( GdsNm )" in refused.error.reason


def test_a_missing_last_element_is_named_at_its_parent() -> None:
    root = bare_list()
    remove(only(root, "DelcareFlag"))

    refused = refusal(root, MessageType.INV101)

    assert refused.error.path == "Package/DataInfo/BussinessData"
    assert refused.error.line == refused.line_of("<BussinessData>")
    assert "Missing child element(s). Expected is ( DelcareFlag )" in refused.error.reason


def test_elements_out_of_order_are_refused() -> None:
    root = bare_list()
    hs_code = on_line(root, 2, "Gdecd")
    on_line(root, 2, "GdsNm").addnext(hs_code)  # moves Gdecd after GdsNm

    refused = refusal(root, MessageType.INV101)

    assert refused.error.path == f"{LINE_2}/GdsNm"
    assert "Expected is ( Gdecd )" in refused.error.reason


def test_an_unknown_element_is_refused() -> None:
    root = bare_list()
    colour = etree.Element("Colour")
    colour.text = "深蓝"
    on_line(root, 2, "GdsNm").addnext(colour)

    refused = refusal(root, MessageType.INV101)

    assert refused.error.path == f"{LINE_2}/Colour"
    assert refused.error.line == refused.line_of("<Colour>")
    assert "Element 'Colour': This element is not expected" in refused.error.reason


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (f"{HEAD}/DclTypecd", "7"),
        (f"{HEAD}/ImpexpMarkcd", "X"),
        (f"{HEAD}/DclcusFlag", "0"),
        (f"{HEAD}/GenDecFlag", "3"),
        (f"{HEAD}/SupvModecd", "501"),
        (f"{HEAD}/PutrecNo", "h96012600001"),
        (f"{HEAD}/BizopEtpsno", "960134600"),
        (f"{HEAD}/BizopEtpsSccd", "91630100MA7XN0A17O"),  # no O in a credit code
        (f"{HEAD}/ImpexpPortcd", "٩٦٠١"),  # Arabic-Indic digits are not digits here
        (f"{HEAD}/InvtDclTime", "20261328"),
        ("Package/DataInfo/BussinessData/DelcareFlag", "2"),
        ("Package/DataInfo/BussinessData/InvtMessage/SysId", "Z"),
    ],
)
def test_a_bad_code_is_refused(path: str, value: str) -> None:
    root = bare_list()
    element = root.find(path.removeprefix("Package/"))
    assert element is not None
    element.text = value

    refused = refusal(root, MessageType.INV101)

    assert refused.error.path == path
    name = path.rpartition("/")[2]
    assert refused.error.line == refused.line_of(f"<{name}>{value}</{name}>")


def test_an_envelope_of_another_message_type_is_refused() -> None:
    root = bare_list()
    only(root, "message_type").text = "INV201"

    refused = refusal(root, MessageType.INV101)

    assert refused.error.path == "Package/EnvelopInfo/message_type"
    assert "does not match the fixed value constraint 'INV101'" in refused.error.reason


@pytest.mark.parametrize(
    ("name", "value"),
    [("ChgTmsCnt", "100"), ("ChgTmsCnt", "-1"), ("GdsSeqno", "0"), ("PutrecSeqno", "1.5")],
)
def test_counts_and_line_numbers_keep_the_models_bounds(name: str, value: str) -> None:
    root = bare_list()
    next(root.iter(name)).text = value

    refused = refusal(root, MessageType.INV101)

    assert refused.error.path is not None
    assert refused.error.path.endswith(name)


def test_a_name_is_at_most_512_characters_of_any_script() -> None:
    root = bare_list()
    only(root, "BizopEtpsNm").text = "光" * 512
    accepted(root, MessageType.INV101)

    only(root, "BizopEtpsNm").text = "光" * 513
    refused = refusal(root, MessageType.INV101)

    assert refused.error.path == f"{HEAD}/BizopEtpsNm"
    assert "exceeds the allowed maximum length of '512'" in refused.error.reason


@pytest.mark.parametrize(
    "send_time", ["2026-11-28T10:30+08:00", "2026-11-28T10:30:00.5+08:00", "2026-11-28 10:30:00"]
)
def test_the_envelope_time_is_iso_to_the_second(send_time: str) -> None:
    root = bare_list()
    only(root, "send_time").text = send_time

    refused = refusal(root, MessageType.INV101)

    assert refused.error.path == "Package/EnvelopInfo/send_time"


@pytest.mark.parametrize("version", ["3.1", "4.8", None], ids=str)
def test_a_declaration_of_any_version_or_none_is_valid(version: str | None) -> None:
    # Given a declaration as bondflow writes it
    root = rendered(messages.declaration())
    # When its root says another version, or none
    if version is None:
        del root.attrib["version"]
    else:
        root.set("version", version)

    # Then our schema accepts it: the version is whatever the deployment writes
    accepted(root, MessageType.DEC_MESSAGE)


def test_a_declaration_price_is_checked_in_the_declaration_namespace() -> None:
    root = rendered(messages.declaration())
    price = root.find(".//{*}DeclPrice")
    assert price is not None
    price.text = "68.450"

    refused = refusal(root, MessageType.DEC_MESSAGE)

    assert refused.error.line == refused.line_of("<DeclPrice>68.450</DeclPrice>")
    assert "Element 'DeclPrice'" in refused.error.reason


def test_a_declaration_holds_at_most_fifty_goods_lines() -> None:
    root = rendered(messages.declaration(lines=50))
    accepted(root, MessageType.DEC_MESSAGE)
    goods = root.find("{*}DecLists")
    assert goods is not None
    goods.append(deepcopy(goods[-1]))

    refused = refusal(root, MessageType.DEC_MESSAGE)

    assert "Element 'DecList': This element is not expected" in refused.error.reason
    as_read = etree.fromstring(refused.document).find("{*}DecLists")
    assert as_read is not None
    assert refused.error.line == as_read[50].sourceline  # the 51st line of goods


def test_a_declaration_without_its_namespace_is_refused() -> None:
    document = codec.render(messages.declaration()).decode()
    without = document.replace(' xmlns="http://www.chinaport.gov.cn/dec"', "", 1)

    with pytest.raises(SchemaViolation) as refused:
        check_against_schema(etree.fromstring(without.encode()), MessageType.DEC_MESSAGE)

    assert refused.value.path == "DecMessage"
    assert "No matching global declaration" in refused.value.reason


def test_a_signature_wrapper_without_the_xmldsig_namespace_is_refused() -> None:
    document = codec.render(messages.bonded_list()).decode()
    without = document.replace(f' xmlns="{XMLDSIG_NAMESPACE}"', "", 1)

    with pytest.raises(SchemaViolation) as refused:
        check_against_schema(etree.fromstring(without.encode()), MessageType.INV101)

    assert refused.value.path == "Signature"
    assert "No matching global declaration" in refused.value.reason


def test_a_bare_package_inside_the_signature_wrapper_is_refused() -> None:
    # The chameleon include puts Package and all below it in the xmldsig namespace.
    document = codec.render(messages.bonded_list()).decode()
    mixed = document.replace("<Package>", '<Package xmlns="">', 1)

    refused = refusal(etree.fromstring(mixed.encode()), MessageType.INV101)

    assert refused.error.line == refused.line_of('<Package xmlns="">')
    assert "Element 'Package': This element is not expected" in refused.error.reason


# How adapters/xml/xsd.py reports a refusal: element names, facets as written.


@pytest.mark.parametrize(
    ("make", "message_type", "name", "path"),
    [
        (
            messages.declaration,
            MessageType.DEC_MESSAGE,
            "DeclPrice",
            "DecMessage/DecLists/DecList[1]/DeclPrice",
        ),
        (
            messages.bonded_list,
            MessageType.INV101,
            "DclUprcAmt",
            "Signature/Object/Package/DataInfo/BussinessData/InvtMessage/InvtListType[1]/DclUprcAmt",
        ),
    ],
    ids=["DecMessage", "INV101 xmldsig"],
)
def test_a_refusal_in_a_namespaced_document_names_the_element_path(
    make: Callable[[], codec.CustomsMessage], message_type: MessageType, name: str, path: str
) -> None:
    root = rendered(make())
    price = root.find(f".//{{*}}{name}")
    assert price is not None
    price.text = "1.5"

    assert refusal(root, message_type).error.path == path


@pytest.mark.parametrize(
    ("name", "value", "quoted"),
    [("DclTypecd", "7", "{'1', '2', '3'}"), ("DclUprcAmt", "0.812", r"'-?[0-9]+\.[0-9]{4}'")],
)
def test_a_refusal_quotes_the_facet_as_the_schema_writes_it(
    name: str, value: str, quoted: str
) -> None:
    root = bare_list()
    next(root.iter(name)).text = value

    assert quoted in refusal(root, MessageType.INV101).error.reason


# --- the schemas mirror the models ---------------------------------------------------------

# Each model's complex type, by schema file; the type is named after the model class but
# for the upload's BussinessData (no model of its own) and DecMessage's anonymous type.
MIRRORS: dict[type[BaseModel], tuple[str, str | None]] = {
    EnvelopInfo: ("common.xsd", "EnvelopInfo"),
    # Receipt blocks shared by several receipts are declared in each receipt's own
    # schema (written from the same models); the first file that holds one is checked.
    HdeApprResult: ("INV201.xsd", "HdeApprResult"),
    CheckInfo: ("INV201.xsd", "CheckInfo"),
    BondInvtBsc: ("INV201.xsd", "BondInvtBsc"),
    BondInvtDt: ("INV201.xsd", "BondInvtDt"),
    SasCentDclStock: ("INV201.xsd", "SasCentDclStock"),
    BondInvtDtSimple: ("INV201.xsd", "BondInvtDtSimple"),
    EmsPutrecDt: ("INV211.xsd", "EmsPutrecDt"),
    BwsDt: ("INV211.xsd", "BwsDt"),
    SasPassportBsc: ("SAS221.xsd", "SasPassportBsc"),
    SasPassportDt: ("SAS221.xsd", "SasPassportDt"),
    SasPassportRlt: ("SAS221.xsd", "SasPassportRlt"),
    Sas253: ("SAS253.xsd", "Sas253"),
    Sas2stepPassportBsc: ("SAS253.xsd", "Sas2stepPassportBsc"),
    BondedListUpload: ("INV101.xsd", "Inv101BussinessData"),
    InvtMessage: ("INV101.xsd", "InvtMessage"),
    InvtHead: ("INV101.xsd", "InvtHead"),
    InvtLine: ("INV101.xsd", "InvtLine"),
    InvtDecHead: ("INV101.xsd", "InvtDecHead"),
    InvtDecLine: ("INV101.xsd", "InvtDecLine"),
    GatePassUpload: ("SAS121.xsd", "Sas121BussinessData"),
    PassPortMessage: ("SAS121.xsd", "PassPortMessage"),
    PassportHead: ("SAS121.xsd", "PassportHead"),
    PassportList: ("SAS121.xsd", "PassportList"),
    PassportAcmp: ("SAS121.xsd", "PassportAcmp"),
    Inv201: ("INV201.xsd", "Inv201"),
    Inv202: ("INV202.xsd", "Inv202"),
    InvApprResult: ("INV202.xsd", "InvApprResult"),
    Inv211: ("INV211.xsd", "Inv211"),
    Sas221: ("SAS221.xsd", "Sas221"),
    Sas223: ("SAS223.xsd", "Sas223"),
    Sas224: ("SAS224.xsd", "Sas224"),
    DeclarationMessage: ("DecMessage.xsd", None),
    DecHead: ("DecMessage.xsd", "DecHead"),
    DecList: ("DecMessage.xsd", "DecList"),
    DecContainer: ("DecMessage.xsd", "DecContainer"),
    DecLicenseDocu: ("DecMessage.xsd", "DecLicenseDocu"),
    DecFreeTxt: ("DecMessage.xsd", "DecFreeTxt"),
    DecSign: ("DecMessage.xsd", "DecSign"),
    DecGoodsLimit: ("DecMessage.xsd", "DecGoodsLimit"),
    DecGoodsLimitVin: ("DecMessage.xsd", "DecGoodsLimitVin"),
    DecRequestCert: ("DecMessage.xsd", "DecRequestCert"),
    DecOtherPack: ("DecMessage.xsd", "DecOtherPack"),
    DecCopLimit: ("DecMessage.xsd", "DecCopLimit"),
    DecUser: ("DecMessage.xsd", "DecUser"),
    DecCopPromise: ("DecMessage.xsd", "DecCopPromise"),
    DecMarkLob: ("DecMessage.xsd", "DecMarkLob"),
    EdocRealation: ("DecMessage.xsd", "EdocRealation"),
    EcoRelation: ("DecMessage.xsd", "EcoRelation"),
    DecRisk: ("DecMessage.xsd", "DecRisk"),
    DecRoyaltyFee: ("DecMessage.xsd", "DecRoyaltyFee"),
    CommonResponeMessage: ("CommonResponeMessage.xsd", "CommonResponeMessage"),
    DecImportResponse: ("DecImportResponse.xsd", "DecImportResponse"),
    DecResultMessage: ("DEC_RESULT.xsd", "DecResultMessage"),
    DecResult: ("DEC_RESULT.xsd", "DecResult"),
}

# Text formats that are named types of common.xsd rather than facets of their own.
FORMATS: dict[Any, str] = {
    FixedPlaces(4): "Price4",
    FixedPlaces(2): "Amount2",
    UpToPlaces(5): "Qty5",
    TimeStyle.COMPACT_DATE: "CompactDate",
    TimeStyle.RECEIPT: "ReceiptTime",
    TimeStyle.ISO: "IsoTime",
}


@dataclass(frozen=True)
class Shape:
    """One element as both sides describe it."""

    element: str
    optional: bool
    repeated: bool
    content: str  # a complex type, a format type, or the facets of the text


def xs(name: str) -> str:
    return f"{{{XS}}}{name}"


@cache
def schema_root(file_name: str) -> etree._Element:
    return etree.parse(str(schema_directory() / file_name)).getroot()


def named(file_name: str, kind: str, name: str) -> etree._Element | None:
    """The top-level xs:<kind> called ``name`` in ``file_name`` or in common.xsd."""
    for source in (file_name, "common.xsd"):
        for node in schema_root(source).iterchildren(xs(kind)):
            if node.get("name") == name:
                return node
    return None


def content_model(model: type[BaseModel]) -> tuple[str, etree._Element]:
    file_name, type_name = MIRRORS[model]
    if type_name is None:
        element = named(file_name, "element", "DecMessage")
        assert element is not None
        node = element.find(xs("complexType"))
    else:
        node = named(file_name, "complexType", type_name)
    assert node is not None, f"{file_name} has no complex type {type_name}"
    return file_name, node


def declared(file_name: str, node: etree._Element) -> Iterator[etree._Element]:
    """The xs:element declarations of a content model, in order, groups expanded."""
    for child in node.iterchildren(
        xs("sequence"), xs("complexContent"), xs("restriction"), xs("element"), xs("group")
    ):
        if child.tag == xs("element"):
            yield child
        elif child.tag == xs("group"):
            group = named(file_name, "group", child.get("ref", ""))
            assert group is not None
            yield from declared(file_name, group)
        else:
            yield from declared(file_name, child)


def facets(simple_type: etree._Element) -> str:
    restriction = simple_type.find(xs("restriction"))
    assert restriction is not None
    values = [node.get("value", "") for node in restriction.iterchildren(xs("enumeration"))]
    if values:
        return "one of " + "|".join(values)
    described = {
        etree.QName(node).localname: node.get("value", "")
        for node in restriction
        if isinstance(node.tag, str) and node.tag != xs("annotation")
    }
    order = ("pattern", "minLength", "maxLength", "minInclusive", "maxInclusive")
    return " ".join(f"{name} {described[name]}" for name in order if name in described)


def schema_shape(file_name: str, element: etree._Element) -> Shape:
    repeated = element.get("maxOccurs", "1") != "1"
    type_name = element.get("type")
    if type_name is None:
        wrapper = element.find(xs("complexType"))
        if wrapper is not None:  # <DecLists><DecList/>...</DecLists>
            (item,) = declared(file_name, wrapper)
            repeated = item.get("maxOccurs", "1") != "1"
            content = f"{item.get('name')}: {item.get('type')}"
        else:
            inline = element.find(xs("simpleType"))
            assert inline is not None
            content = facets(inline)
    elif type_name.startswith("xs:"):
        content = ""  # a built-in type with no facets of its own (xs:string)
    elif type_name in FORMATS.values() or named(file_name, "complexType", type_name) is not None:
        content = type_name
    else:
        simple = named(file_name, "simpleType", type_name)
        assert simple is not None, f"{file_name} has no type {type_name}"
        content = facets(simple)
    return Shape(
        element=element.get("name", ""),
        optional=element.get("minOccurs", "1") == "0",
        repeated=repeated,
        content=content,
    )


def unwrapped(annotation: Any) -> tuple[Any, list[Any]]:
    """The type under Optional and Annotated, and every mark met on the way."""
    marks: list[Any] = []
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation, *extra = get_args(annotation)
            for mark in extra:
                marks.extend(mark.metadata if isinstance(mark, FieldInfo) else [mark])
        elif origin in (Union, types.UnionType):
            annotation = next(arg for arg in get_args(annotation) if arg is not type(None))
        else:
            return annotation, marks


def text_content(base: Any, marks: list[Any]) -> str:
    """What the schema must say about a value's text, from the model's own constraints."""
    for mark in marks:
        if mark in FORMATS:
            return FORMATS[mark]
    if isinstance(base, type) and issubclass(base, Enum):
        return "one of " + "|".join(str(member.value) for member in base)
    joined = any(isinstance(mark, Joined) for mark in marks)
    if joined:
        base, marks = unwrapped(get_args(base)[0])
    described: dict[str, Any] = {}
    for mark in marks:
        if isinstance(mark, Identifier):  # an identifier type: its rule's pattern
            described["pattern"] = mark.pattern.removeprefix("^").removesuffix("$")
        elif isinstance(mark, StringConstraints):
            if mark.pattern is not None:
                described["pattern"] = str(mark.pattern).removeprefix("^").removesuffix("$")
            described["minLength"] = mark.min_length
            described["maxLength"] = mark.max_length
        elif isinstance(mark, annotated_types.Ge):
            described["minInclusive"] = mark.ge
        elif isinstance(mark, annotated_types.Le):
            described["maxInclusive"] = mark.le
    if joined:
        item = described["pattern"]
        described["pattern"] = f"{item}(\\\\{item})*"  # joined by a backslash
    order = ("pattern", "minLength", "maxLength", "minInclusive", "maxInclusive")
    return " ".join(
        f"{name} {described[name]}" for name in order if described.get(name) is not None
    )


def model_shape(model: type[BaseModel], plan: FieldPlan) -> Shape:
    info = model.model_fields[plan.name]
    if plan.model is not None:
        type_name = MIRRORS[plan.model][1]
        content = f"{plan.wrapper_item}: {type_name}" if plan.wrapper_item else str(type_name)
    else:
        base, marks = unwrapped(info.annotation)
        content = text_content(base, [*info.metadata, *marks])
    return Shape(
        element=plan.element,
        optional=not plan.required,
        repeated=plan.repeated,
        content=content,
    )


@pytest.mark.parametrize("model", list(MIRRORS), ids=lambda model: model.__name__)
def test_the_schema_declares_what_the_model_holds_in_the_models_order(
    model: type[BaseModel],
) -> None:
    file_name, node = content_model(model)
    # An upload's envelope sits beside BussinessData, not inside it.
    plans = [plan for plan in plan_of(model) if plan.name != "envelope"]

    in_schema = [schema_shape(file_name, element) for element in declared(file_name, node)]

    assert in_schema == [model_shape(model, plan) for plan in plans]


@awaits_sas253_in_the_codec
def test_every_model_of_a_message_has_its_complex_type() -> None:
    def parts(model: type[BaseModel]) -> set[type[BaseModel]]:
        found = {model}
        for plan in plan_of(model):
            if plan.model is not None:
                found |= parts(plan.model)
        return found

    everything: set[type[BaseModel]] = set()
    for kind in codec.KINDS:
        everything |= parts(kind.model)
    receipt_wrappers = {
        kind.model for kind in codec.KINDS if kind.layout is codec.Layout.RECEIPT
    }  # their body is the BussinessData child, checked by rendering

    assert everything - receipt_wrappers == set(MIRRORS)


# --- finding and compiling the schemas -------------------------------------------------------


NAMESPACE_NAMES = {None: "no namespace", XMLDSIG_NAMESPACE: "xmldsig"}


def namespaces_of(kind: codec.MessageKind) -> tuple[str | None, ...]:
    if kind.layout is codec.Layout.ROOT:
        return (kind.namespace,)
    return (None, XMLDSIG_NAMESPACE)


SCHEMA_CASES = [
    pytest.param(
        kind,
        namespace,
        id=f"{kind.type.value} in {NAMESPACE_NAMES.get(namespace, namespace)}",
    )
    for kind in codec.KINDS
    for namespace in namespaces_of(kind)
]


@pytest.mark.parametrize(("kind", "namespace"), SCHEMA_CASES)
def test_every_message_type_has_a_schema_for_each_namespace_it_is_written_in(
    kind: codec.MessageKind, namespace: str | None
) -> None:
    path = schema_file(kind.type, namespace)

    root = etree.parse(str(path)).getroot()
    if kind.layout is codec.Layout.ROOT:
        document_element = kind.element
    else:
        document_element = "Signature" if namespace == XMLDSIG_NAMESPACE else "Package"
    assert root.get("targetNamespace") == namespace
    assert document_element in {node.get("name") for node in root.iterchildren(xs("element"))}
    load_schema(path)  # compiles


@pytest.mark.parametrize(
    "path", sorted(schema_directory().glob("*.xsd")), ids=lambda path: path.name
)
def test_every_schema_in_the_folder_compiles(path: Path) -> None:
    load_schema(path)


@awaits_sas253_in_the_codec
def test_the_folder_holds_only_schemas_of_message_types_and_their_common_types() -> None:
    used = {
        schema_file(kind.type, namespace).name
        for kind in codec.KINDS
        for namespace in namespaces_of(kind)
    }

    assert {path.name for path in schema_directory().glob("*.xsd")} == used | {"common.xsd"}


@pytest.mark.parametrize(
    "path", sorted(schema_directory().glob("*.xmldsig.xsd")), ids=lambda path: path.name
)
def test_an_xmldsig_schema_only_wraps_the_bare_one(path: Path) -> None:
    """One set of definitions: the wrapper includes the bare schema and adds Signature."""
    root = etree.parse(str(path)).getroot()
    bare = path.name.replace(".xmldsig.xsd", ".xsd")

    children = [
        (etree.QName(node).localname, node.get("schemaLocation") or node.get("name"))
        for node in root
        if isinstance(node.tag, str)
    ]

    assert root.get("targetNamespace") == XMLDSIG_NAMESPACE
    assert root.get("elementFormDefault") == "qualified"
    assert children == [("include", bare), ("element", "Signature")]
