"""The declaration (filing list) a bonded list generates, as bondflow writes it.

Given the INV101 of the solar story's cells entry (three lines, book H96012600001), the
DecMessage carries what the list says, what a real single-window client fills (Type,
DeclTrnRel, the entering enterprise CopCode/CopName/CopCodeScc, EntryType M, the
promises) and the root version the deployment chose.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from lxml import etree

from adapters.xml import codec
from bondflow.settings import Settings
from customs.drafting import Operator, declaration
from schemas.messages.codes import ImpExp
from schemas.messages.declaration import DeclarationMessage
from tests.support import messages

OPERATOR = Operator(ic_card_no="2100090037154", name="马晓燕")


def drafted(**changes: object) -> DeclarationMessage:
    arguments: dict[str, object] = {
        "client_seq_no": "SOLARDEC0000000007",
        "operator": OPERATOR,
        "trans_mode": "1",
        "packages": 18,
        "wrap_type": "22",
        "promises": "000",
    } | changes
    return declaration(messages.bonded_list(), **arguments)  # type: ignore[arg-type]


def test_the_head_carries_the_lists_enterprises_and_what_a_client_fills() -> None:
    # Given the cells entry list, when its declaration is drafted
    upload = messages.bonded_list()
    head = drafted().head
    list_head = upload.message.head

    # Then the list's parties, customs and modes are the declaration's
    assert head.ie_flag is ImpExp.IMPORT
    assert (head.trade_code, head.trade_name, head.trade_co_scc) == (
        list_head.bizop_etpsno,
        list_head.bizop_etps_nm,
        list_head.bizop_etps_sccd,
    )
    assert (head.owner_code, head.owner_code_scc) == (
        list_head.rcvgd_etpsno,
        list_head.rvsngd_etps_sccd,
    )
    assert (head.agent_code, head.agent_code_scc) == (list_head.dcl_etpsno, list_head.dcl_etps_sccd)
    assert (head.custom_master, head.ie_port, head.manual_no) == ("9601", "9601", "H96012600001")
    assert (head.trade_mode, head.traf_mode, head.trade_country) == ("5015", "3", "304")
    # and what a real client fills: the entering enterprise, an ordinary paperless declaration
    assert (head.cop_code, head.cop_name, head.cop_code_scc) == (
        list_head.input_code,
        list_head.input_name,
        list_head.input_credit_code,
    )
    assert (head.decl_trn_rel, head.entry_type, head.promise_itmes) == ("0", "M", "000")
    assert (head.typist_no, head.inputer_name, head.declare_name) == (
        "2100090037154",
        "马晓燕",
        "马晓燕",
    )
    assert (head.trans_mode, head.pack_no, head.wrap_type) == ("1", 18, "22")
    assert head.type is None  # no 业务事项 unless the filer ticks them


def test_the_ticked_business_items_are_the_heads_type() -> None:
    assert drafted(business_items="Z").head.type == "Z"


def test_lines_and_weights_come_from_the_list() -> None:
    upload = messages.bonded_list()
    message = drafted()

    assert [line.g_no for line in message.lines] == [1, 2, 3]
    for line, listed in zip(message.lines, upload.message.lines, strict=True):
        assert (line.code_ts, line.contr_item, line.g_name) == (
            listed.gdecd,
            listed.putrec_seqno,
            listed.gds_nm,
        )
        assert (line.decl_price, line.decl_total, line.g_qty) == (
            listed.dcl_uprc_amt,
            listed.dcl_total_amt,
            listed.dcl_qty,
        )
        assert (line.first_qty, line.second_qty) == (listed.lawf_qty, listed.secd_lawf_qty)
    gross = sum((line.gross_wt or Decimal(0) for line in upload.message.lines), Decimal(0))
    assert message.head.gross_wet == gross
    assert message.sign.bill_seq_no == upload.message.head.bond_invt_no
    assert (message.sign.oper_type, message.sign.cop_code) == ("G", "9601980003")


def test_a_drafted_declaration_is_valid_and_reads_back() -> None:
    message = drafted()

    document = codec.render(message)  # checked against DecMessage.xsd first

    assert codec.parse(document) == message


def test_the_root_version_is_3_1_unless_the_deployment_says_otherwise(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert drafted().version == Settings().dec_message_version == "3.1"

    monkeypatch.setenv("BONDFLOW_DEC_MESSAGE_VERSION", "3.2")
    version = Settings().dec_message_version
    written = codec.render(drafted(version=version), validate=True)

    assert etree.fromstring(written).get("version") == "3.2"
