"""Reading through the text tree: real files vary, and none of them is lost on a value.

Given the ways real producers write the same message (element order, spelling, case,
empty elements, wrappers, a BOM, no XML declaration), when bondflow reads them, then
every element is kept as written, the message is the same, and whatever breaks a rule
is a finding with its element and line rather than an exception.
"""

from __future__ import annotations

import base64
from decimal import Decimal
from typing import Annotated

import pytest
from lxml import etree

from adapters.xml import codec
from adapters.xml.errors import UnsafeDocument, XmlMessageError
from adapters.xml.tree import Reading, read_tree, to_model, tree_of
from schemas.messages.base import MessageModel, el
from schemas.messages.codes import MessageType
from schemas.messages.fields import AlsoRead, Quantity, Text
from tests.support import messages

# --- a small model to show the reading rules on their own -----------------------------


class Line(MessageModel):
    qty: Quantity = el("DclQty", zh="申报数量")
    rmk: Text | None = el("Rmk", None)


class Head(MessageModel):
    receiver: Annotated[str, AlsoRead("RltEntryRcvgdEtpsNo")] = el("RltEntryRcvgdEtpsno")
    pass_id: Text | None = el("passID", None)
    lines: tuple[Line, ...] = el("InvtListType", ())


def read(xml: str) -> tuple[dict[str, object], Reading]:
    reading = Reading()
    return read_tree(etree.fromstring(xml.encode()), Head, "Head", reading), reading


def test_another_spelling_and_another_case_read_as_the_same_element() -> None:
    written, _ = read("<H><RltEntryRcvgdEtpsno>A</RltEntryRcvgdEtpsno><passID>1</passID></H>")
    other, reading = read("<H><passId>1</passId><RltEntryRcvgdEtpsNo>A</RltEntryRcvgdEtpsNo></H>")

    assert other == written == {"RltEntryRcvgdEtpsno": "A", "passID": "1"}
    assert reading.findings == []


def test_an_unknown_element_is_kept_and_reported_with_its_line() -> None:
    tree, reading = read(
        '<H>\n<RltEntryRcvgdEtpsno>A</RltEntryRcvgdEtpsno>\n<Param1 a="x">3</Param1>\n</H>'
    )

    assert tree["Param1"] == {"@a": "x", "#text": "3"}
    [finding] = reading.findings
    assert (finding.path, finding.line, finding.unknown) == ("Head/Param1", 3, True)
    assert "unexpected element Param1" in finding.reason


def test_every_broken_rule_is_a_finding_with_its_element_and_line() -> None:
    tree, reading = read(
        "<H>\n<InvtListType><DclQty>1.1234567</DclQty></InvtListType>\n"
        "<InvtListType><DclQty>abc</DclQty></InvtListType>\n</H>"
    )

    assert to_model(tree, Head, reading, path="Head") is None

    found = {(finding.path, finding.line) for finding in reading.findings}
    assert found == {
        ("Head/InvtListType[1]/DclQty", 2),
        ("Head/InvtListType[2]/DclQty", 3),
        ("Head/RltEntryRcvgdEtpsno", 1),  # required, and absent
    }


def test_an_empty_element_is_kept_as_empty_and_means_no_value() -> None:
    tree, reading = read(
        "<H><RltEntryRcvgdEtpsno>A</RltEntryRcvgdEtpsno><passID/>"
        "<InvtListType><DclQty>2</DclQty><Rmk></Rmk></InvtListType></H>"
    )

    head = to_model(tree, Head, reading)

    assert tree["passID"] == ""
    assert head is not None
    assert head.pass_id is None
    assert head.lines[0].rmk is None
    assert head.lines[0].qty == Decimal("2")


def test_a_repeated_single_element_is_a_finding_not_a_silent_overwrite() -> None:
    _, reading = read(
        "<H><RltEntryRcvgdEtpsno>A</RltEntryRcvgdEtpsno>"
        "<RltEntryRcvgdEtpsno>B</RltEntryRcvgdEtpsno></H>"
    )

    assert [finding.reason for finding in reading.findings] == [
        "RltEntryRcvgdEtpsno appears more than once"
    ]


def test_a_typed_model_writes_the_text_it_is_read_from() -> None:
    line = Line(qty=Decimal("12000.5"), rmk="中欧班列")

    assert tree_of(line) == {"DclQty": "12000.5", "Rmk": "中欧班列"}
    assert tree_of(Line(qty=Decimal(1)), empty_elements=True) == {"DclQty": "1", "Rmk": ""}


# --- whole messages ---------------------------------------------------------------------


def listing() -> bytes:
    return codec.render(messages.bonded_list())


def test_a_list_in_the_other_real_order_is_the_same_message() -> None:
    text = listing().decode()
    # loop/PHP write SysId before OperCusRegCode, bee after (REAL-FORMATS 8).
    moved = text.replace("<SysId>Z8</SysId>", "").replace(
        "</InvtMessage>", "<SysId>Z8</SysId></InvtMessage>"
    )

    assert codec.parse(moved.encode()) == codec.parse(text.encode())


def test_a_bom_and_no_xml_declaration_are_read() -> None:
    text = listing().decode()
    bare = text.split("?>", 1)[1].lstrip()

    assert codec.parse(b"\xef\xbb\xbf" + bare.encode()) == codec.parse(listing())


def test_an_upload_with_a_broken_value_is_shown_whole_and_refused_with_every_problem() -> None:
    text = listing().decode().replace("<DclQty>12000</DclQty>", "<DclQty>x</DclQty>", 1)
    text = text.replace("<SysId>Z8</SysId>", "<SysId>Z8</SysId><Extra>1</Extra>")

    document = codec.read_document(text.encode(), source="list.xml")

    assert document.tree["InvtMessage"]["InvtListType"][0]["DclQty"] == "x"
    assert [finding.path for finding in document.findings] == [
        "InvtMessage/Extra",
        "InvtMessage/InvtListType[1]/DclQty",
    ]
    with pytest.raises(XmlMessageError) as refused:
        document.message()
    assert refused.value.path == "InvtMessage/Extra"
    assert "(and 1 more problem)" in refused.value.reason
    assert [problem["field"] for problem in refused.value.problems] == [
        "InvtMessage/Extra",
        "InvtMessage/InvtListType[1]/DclQty",
    ]


def test_a_receipt_keeps_what_bondflow_does_not_know_and_is_still_read() -> None:
    receipt = codec.render(messages.review_receipt()).decode()
    extended = receipt.replace("</INV201>", "<FutureBlock><x>1</x></FutureBlock></INV201>")

    document = codec.read_document(extended.encode())

    assert document.message() == codec.parse(receipt.encode())
    assert document.tree["INV201"]["FutureBlock"] == {"x": "1"}
    assert document.findings == []  # customs may send more than we use
    assert "FutureBlock" in codec.render_document(document).decode()


def test_inspect_render_inspect_is_the_identity_on_the_text_tree() -> None:
    text = listing().decode().replace("<SysId>Z8</SysId>", "<SysId>Z8</SysId>\n<Rmk2/>", 1)
    document = codec.read_document(text.encode().replace(b"<Rmk2/>", b""))
    as_json = document.as_json()

    again = codec.read_document(
        codec.render_document(codec.document_from_json(as_json, document.kind))
    )

    assert again.as_json() == as_json


# --- transport wrappers -------------------------------------------------------------------


def dxp(payload: bytes, *, data: str | None = None) -> bytes:
    encoded = data if data is not None else base64.b64encode(payload).decode()
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<DxpMsg xmlns="http://www.chinaport.gov.cn/dxp" ver="1.0" Id="ID01">\n'
        "  <TransInfo><CopMsgId>a1b2</CopMsgId><SenderId>DXPEDCDEC0000001</SenderId>"
        "<ReceiverIds><ReceiverId>DXPENT0000960001</ReceiverId></ReceiverIds>"
        "<CreatTime>2026-11-30T09:32:03</CreatTime><MsgType>DECCUS001</MsgType></TransInfo>\n"
        f"  <Data>\n{encoded}\n  </Data>\n"
        "  <AddInfo><FileName>r.xml</FileName><IcCard>2100090037154</IcCard></AddInfo>\n"
        "</DxpMsg>\n"
    ).encode()


def test_a_receipt_inside_dxpmsg_is_read_as_its_payload_and_written_back_inside_it() -> None:
    payload = codec.render(messages.import_result())

    document = codec.read_document(dxp(payload), source="inbox.xml")

    assert document.kind.type is MessageType.COMMON_RESPONSE
    assert document.message() == codec.parse(payload)
    assert document.transport is not None
    assert document.transport.tree["TransInfo"]["MsgType"] == "DECCUS001"
    again = codec.read_document(codec.render_document(document))
    assert again.as_json() == document.as_json()


def test_a_dxpmsg_whose_data_is_not_base64_is_refused_with_its_line() -> None:
    with pytest.raises(XmlMessageError) as refused:
        codec.read_document(dxp(b"", data="not base64!"), source="inbox.xml")

    assert refused.value.path == "DxpMsg/Data"
    assert refused.value.line == 4


def test_a_hostile_payload_inside_dxpmsg_is_refused_like_any_other() -> None:
    hostile = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>'

    with pytest.raises(UnsafeDocument):
        codec.read_document(dxp(hostile))


def test_a_declaration_inside_importmessage_without_its_namespace_is_read() -> None:
    inner = codec.render(messages.declaration()).decode().split("?>", 1)[1]
    inner = inner.replace(' xmlns="http://www.chinaport.gov.cn/dec"', "")
    wrapped = (
        "<ImportMessage><SWImpHead><CopMsgId>1</CopMsgId><MsgType>SWDEC001</MsgType>"
        f"</SWImpHead><SWImpData>{inner}</SWImpData></ImportMessage>"
    )

    document = codec.read_document(wrapped.encode())

    assert document.message() == messages.declaration()
    assert document.transport is not None
    assert document.transport.wrapper == "ImportMessage"
    again = codec.read_document(codec.render_document(document))
    assert again.as_json() == document.as_json()


def test_an_upload_is_written_with_the_signature_parts_real_senders_write() -> None:
    """The single-window client signs an INV101 on import; before that, real senders
    write SignedInfo with the algorithms and empty values, then Object/Package."""
    root = etree.fromstring(listing())

    names = [etree.QName(child).localname for child in root]
    assert names == ["SignedInfo", "SignatureValue", "KeyInfo", "Object"]
    method = root.find("{*}SignedInfo/{*}SignatureMethod")
    assert method is not None
    assert method.get("Algorithm") == "http://www.w3.org/2000/09/xmldsig#rsa-sha1"
    assert codec.parse(etree.tostring(root)) == messages.bonded_list()


def test_files_with_ever_new_namespaces_do_not_grow_what_the_reader_remembers() -> None:
    """A watcher reads files for months: a thousand files, each with its own namespace
    on a known element, leave a bounded memory of tags behind."""
    from adapters.xml.tree import _TAG_PLANS

    for number in range(1000):
        read(f'<H xmlns:x="urn:n{number}"><x:RltEntryRcvgdEtpsno>A</x:RltEntryRcvgdEtpsno></H>')

    assert len(_TAG_PLANS[Head]) <= 8 * 3
