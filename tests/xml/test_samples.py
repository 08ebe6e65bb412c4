"""Hand-written customs messages, as filers and customs write them, read by the codec.

Every file in ``samples/`` was written by hand the way the single-window client, a
filer's software or customs produce it, not rendered by our codec: indentation with
spaces, tabs or none, CRLF line ends, comments, PocketInfo blocks, empty optional
elements in both forms (``<Rmk/>`` and ``<Rmk></Rmk>``), both receipt envelopes (the
xmldsig wrapper and a bare Package), a signed receipt, GB18030 and GBK files and a
prefixed DecMessage. The story is the Xining comprehensive bonded zone (district 9601):
a PV module maker on book H96012600001 importing cells by China-Europe train and
exporting modules the same way.

Some samples follow receipts and uploads seen from the real single window that the
models cannot read yet; they are listed in ``NOT_YET`` with the reason and expected to
fail (strictly: the day they parse, the marks must go).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

import pytest
from pydantic import BaseModel

from adapters.xml import codec
from adapters.xml.errors import UnsupportedMessage, XmlMessageError
from customs import receipt_facts as facts
from schemas.messages.base import EnvelopeStyle
from schemas.messages.bonded_list import BondedListUpload
from schemas.messages.codes import (
    BindingKind,
    DealFlag,
    DeclarationChannel,
    DeclarationRoute,
    DeclareFlag,
    DeductionMark,
    GatePassKind,
    GatePassStatus,
    GateResult,
    GenerationResult,
    ImpExp,
    ListStatus,
    MaterialOrProduct,
    MessageType,
    RelatedDocumentKind,
    ReviewResult,
)
from schemas.messages.declaration import DeclarationMessage
from schemas.messages.fields import DOCUMENT_ZONE
from schemas.messages.gate_pass import GatePassUpload
from schemas.messages.receipts import (
    Inv201Receipt,
    Inv202Receipt,
    Inv211Receipt,
    Sas221Receipt,
    Sas223Receipt,
    Sas224Receipt,
)
from schemas.messages.responses import (
    CommonResponeMessage,
    DecImportResponse,
    DecResultMessage,
)

SAMPLES = Path(__file__).parent / "samples"

M = TypeVar("M", bound=BaseModel)

MAKER_CODE = "9601346001"
MAKER_SCC = "91630100MA7XN0A17G"  # build_credit_code("91", "630100", "MA7XN0A1")
MAKER_NAME = "青海高原光伏科技有限公司"
AGENT_CODE = "9601980003"
AGENT_SCC = "91630100MA7XN0C36T"  # build_credit_code("91", "630100", "MA7XN0C3")
AGENT_NAME = "西宁综保区报关服务有限公司"
BOOK = "H96012600001"
IMPORT_LIST = "QD960126I000000123"
SECOND_IMPORT_LIST = "QD960126I000000124"
EXPORT_LIST = "QD960126E000000321"
LIST_SEQ_NO = "960120261000012345"
GATE_PASS = "HF960126I000000045"
ENTRY_ID = "960120261000098765"


def beijing(year: int, month: int, day: int, hour: int, minute: int, second: int) -> datetime:
    """A time as the documents write it: Beijing time."""
    return datetime(year, month, day, hour, minute, second, tzinfo=DOCUMENT_ZONE)


# --- the catalogue --------------------------------------------------------------------

EXPECTED: dict[str, type[BaseModel]] = {
    "INV101_import_cells_xmldsig.xml": BondedListUpload,
    "INV101_export_modules_draft_crlf.xml": BondedListUpload,
    "INV101_corr_entry_declarant_and_empty_spec_fields.xml": BondedListUpload,
    "SAS121_one_vehicle_two_lists_xmldsig.xml": GatePassUpload,
    "INV201_stored_Y_bare.xml": Inv201Receipt,
    "INV201_approved_xmldsig.xml": Inv201Receipt,
    "INV201_returned_bare.xml": Inv201Receipt,
    "INV201_manual_review_gb18030.xml": Inv201Receipt,
    "INV201_prededucted_4_bare.xml": Inv201Receipt,
    "INV201_approved_full_list_echo_bare.xml": Inv201Receipt,
    "INV202_declaration_generated_xmldsig.xml": Inv202Receipt,
    "INV202_create_date_reason_bare.xml": Inv202Receipt,
    "INV211_posted_signed_xmldsig.xml": Inv211Receipt,
    "INV211_bws_dt_without_result_bare.xml": Inv211Receipt,
    "SAS221_approved_bare.xml": Sas221Receipt,
    "SAS223_passed_two_lists_xmldsig.xml": Sas223Receipt,
    "SAS223_sas_passport_bsc_bare.xml": Sas223Receipt,
    "SAS224_released_after_inspection_bare.xml": Sas224Receipt,
    "DecMessage_export_filing_list_default_ns.xml": DeclarationMessage,
    "DecMessage_export_filing_list_prefixed.xml": DeclarationMessage,
    "DecMessage_export_alpha_country_currency.xml": DeclarationMessage,
    "DecMessage_head_decl_trn_rel_and_cop.xml": DeclarationMessage,
    "DecMessage_2019_client_order_cdata.xml": DeclarationMessage,
    "DecMessage_2018_template_order_trade_code_scc.xml": DeclarationMessage,
    "DecImportResponse_accepted.xml": DecImportResponse,
    "DecImportResponse_refused.xml": DecImportResponse,
    "DEC_RESULT_P_released.xml": DecResultMessage,
    "DEC_RESULT_C_inspection_gbk.xml": DecResultMessage,
    "DEC_RESULT_root_iso_notice_date.xml": DecResultMessage,
    "CommonResponeMessage_Successed_INV101_DealFlag0.xml": CommonResponeMessage,
    "CommonResponeMessage_Failed_SAS121_DealFlag-1.xml": CommonResponeMessage,
    "CommonResponeMessage_Failed_plate_as_inner_no.xml": CommonResponeMessage,
}
"""Every sample file and the model it must parse into."""

NOT_YET: dict[str, str] = {}
"""Samples that follow the real format where the models cannot follow yet: why each fails."""


def not_yet(reason: str) -> Any:
    """Expected to be refused (not to crash) until the models follow the real format."""
    return pytest.mark.xfail(strict=True, raises=XmlMessageError, reason=reason)


def sample_names() -> list[str]:
    return sorted(path.name for path in SAMPLES.glob("*.xml"))


def sample_params() -> list[Any]:
    return [
        pytest.param(
            name,
            id=name.removesuffix(".xml"),
            marks=[not_yet(NOT_YET[name])] if name in NOT_YET else [],
        )
        for name in sample_names()
    ]


def read(name: str) -> codec.CustomsMessage:
    path = SAMPLES / name
    return codec.parse(path.read_bytes(), source=str(path))


def load(name: str, model: type[M]) -> M:
    message = read(name)
    assert isinstance(message, model), f"{name} parsed as {type(message).__name__}"
    return message


def line_of(document: str, needle: str, occurrence: int = 1) -> int:
    """The 1-based line of the ``occurrence``-th line of ``document`` containing ``needle``."""
    found = [number for number, text in enumerate(document.splitlines(), 1) if needle in text]
    return found[occurrence - 1]


# --- every sample ---------------------------------------------------------------------


def test_every_sample_file_is_catalogued() -> None:
    assert sample_names() == sorted(EXPECTED)
    assert set(NOT_YET) <= set(EXPECTED)


@pytest.mark.parametrize("name", sample_params())
def test_sample_parses_into_its_model(name: str) -> None:
    assert type(read(name)) is EXPECTED[name]


@pytest.mark.parametrize("name", sample_params())
def test_a_rerendered_sample_is_the_same_message(name: str) -> None:
    """The model is the identity across a re-render, though the bytes are not."""
    message = read(name)
    rendered = codec.render(message, validate=False)
    assert rendered != (SAMPLES / name).read_bytes()
    assert codec.parse(rendered, source=f"{name} re-rendered") == message


# --- INV101 ---------------------------------------------------------------------------


def test_inv101_import_is_a_declared_first_line_entry_of_three_lines() -> None:
    upload = load("INV101_import_cells_xmldsig.xml", BondedListUpload)
    head = upload.message.head
    assert upload.style is EnvelopeStyle.XMLDSIG
    assert upload.envelope.message_type is MessageType.INV101
    assert upload.envelope.send_time == beijing(2026, 11, 28, 10, 30, 0)
    assert upload.envelope.business_id == "QHGF-I-20261128-0001"
    assert upload.envelope.ic_card == "2100090037154"
    assert upload.declare_flag is DeclareFlag.DECLARE
    assert upload.message.sys_id == "Z8"
    assert upload.message.oper_cus_reg_code == AGENT_CODE
    assert (head.putrec_no, head.etps_inner_invt_no) == (BOOK, "QHGF-I-20261128-0001")
    assert (head.bizop_etpsno, head.bizop_etps_sccd, head.bizop_etps_nm) == (
        MAKER_CODE,
        MAKER_SCC,
        MAKER_NAME,
    )
    assert (head.dcl_etpsno, head.dcl_etps_sccd, head.dcl_etps_nm) == (
        AGENT_CODE,
        AGENT_SCC,
        AGENT_NAME,
    )
    assert head.impexp_markcd is ImpExp.IMPORT
    assert head.mtpck_endprd_markcd is MaterialOrProduct.MATERIAL
    assert (head.supv_modecd, head.trsp_modecd, head.stship_trsarv_natcd) == ("5015", "3", "304")
    assert head.dclcus_typecd is DeclarationRoute.GENERATED
    assert (head.gen_dec_flag, head.dec_type) == ("1", "3")
    assert head.vrfded_markcd is DeductionMark.NOT_DEDUCTED  # <VrfdedMarkcd>0</VrfdedMarkcd>
    assert head.invt_dcl_time == date(2026, 11, 28)
    assert head.rmk == "中欧班列（杜伊斯堡—西宁）回程 X8024，铁路运单 CIM 24112800731"
    assert [line.gds_seqno for line in upload.message.lines] == [1, 2, 3]
    assert [line.gds_nm for line in upload.message.lines] == [
        "单晶硅光伏电池片",
        "EVA封装胶膜",
        "光伏组件接线盒",
    ]


def test_inv101_empty_elements_in_both_forms_are_absent() -> None:
    upload = load("INV101_import_cells_xmldsig.xml", BondedListUpload)
    head = upload.message.head
    cells, film, _ = upload.message.lines
    assert head.seq_no is None  # <SeqNo/>
    assert head.bond_invt_no is None  # <BondInvtNo></BondInvtNo>
    assert head.entry_stucd is None  # <EntryStucd></EntryStucd>
    assert head.rlt_invt_no is None
    assert film.secd_lawf_unitcd is None  # <SecdLawfUnitcd/>
    assert film.secd_lawf_qty is None  # <SecdLawfQty></SecdLawfQty>
    assert film.rmk is None  # <Rmk></Rmk>
    assert cells.rmk is None  # <Rmk/>
    assert cells.ucns_verno is None


def test_inv101_quantities_and_amounts_are_exact_decimals() -> None:
    cells, film, box = load("INV101_import_cells_xmldsig.xml", BondedListUpload).message.lines
    assert (cells.dcl_qty, cells.dcl_uprc_amt, cells.dcl_total_amt) == (
        Decimal("12000"),
        Decimal("0.8125"),
        Decimal("9750.00"),
    )
    assert (cells.secd_lawf_unitcd, cells.secd_lawf_qty) == ("035", Decimal("640"))
    assert (film.dcl_unitcd, film.dcl_qty, film.dcl_total_amt) == (
        "035",
        Decimal("2500.5"),
        Decimal("3375.68"),
    )
    assert box.secd_lawf_qty == Decimal("480.24")
    assert all(line.dcl_currcd == "300" and line.natcd == "304" for line in (cells, film, box))


def test_inv101_draft_with_tabs_and_crlf_reads_clean_values() -> None:
    """Windows line ends and tab indentation never leak into the values."""
    assert b"\r\n" in (SAMPLES / "INV101_export_modules_draft_crlf.xml").read_bytes()
    upload = load("INV101_export_modules_draft_crlf.xml", BondedListUpload)
    head = upload.message.head
    first, second = upload.message.lines
    assert upload.declare_flag is DeclareFlag.SAVE
    # a send_time without an offset is Beijing time
    assert upload.envelope.send_time == beijing(2026, 12, 2, 16, 45, 10)
    assert head.impexp_markcd is ImpExp.EXPORT
    assert head.mtpck_endprd_markcd is MaterialOrProduct.PRODUCT
    assert head.dec_type == "4"
    assert head.rmk is None
    assert first.gds_spcf_model_desc == "已组装|单晶硅|550W|72片|TSM-DE19"
    assert first.dcl_uprc_amt == Decimal("68.4500")  # written "68.45" by the filer
    assert first.rmk is None
    assert second.rmk == "双玻组件，木托盘包装"
    assert (second.dcl_qty, second.dcl_total_amt) == (Decimal("310"), Decimal("25954.75"))
    assert [line.ucns_verno for line in upload.message.lines] == ["1", "1"]


# --- SAS121 ---------------------------------------------------------------------------


def test_sas121_binds_one_vehicle_to_two_lists() -> None:
    upload = load("SAS121_one_vehicle_two_lists_xmldsig.xml", GatePassUpload)
    head = upload.message.head
    assert upload.declare_flag is DeclareFlag.DECLARE
    assert head.passport_no is None
    assert head.passport_typecd is GatePassKind.FIRST_LINE
    assert head.bind_typecd is BindingKind.ONE_VEHICLE_MANY_LISTS
    assert head.rlt_tb_typecd is RelatedDocumentKind.BONDED_LIST
    assert head.rlt_no == (IMPORT_LIST, SECOND_IMPORT_LIST)
    assert [document.rtl_bill_no for document in upload.message.documents] == [
        IMPORT_LIST,
        SECOND_IMPORT_LIST,
    ]
    assert head.vehicle_no == "青AD2468"
    assert head.areain_etps_nm == MAKER_NAME
    assert head.dcl_er_conc == "马晓燕 0971-8123456"
    assert [line.passport_seqno for line in upload.message.lines] == [1, 2, 3, 4]
    assert upload.message.lines[3].rmk == "另一票：QD960126I000000124 第1项"


def test_sas121_total_weight_is_vehicle_and_frame_and_goods() -> None:
    message = load("SAS121_one_vehicle_two_lists_xmldsig.xml", GatePassUpload).message
    head, lines = message.head, message.lines
    assert head.container_wt is None  # <ContainerWt></ContainerWt>: no container on the truck
    assert head.container_no is None
    assert head.vehicle_frame_wt is not None
    assert head.total_wt == head.vehicle_wt + head.vehicle_frame_wt + head.total_gross_wt
    assert head.total_wt == Decimal("18256.5")
    assert sum(line.gross_wt for line in lines) == head.total_gross_wt
    assert sum(line.net_wt for line in lines) == head.total_net_wt == Decimal("4940.74")


# --- INV201 ---------------------------------------------------------------------------


def test_inv201_stored_receipt_says_y_with_its_note() -> None:
    receipt = load("INV201_stored_Y_bare.xml", Inv201Receipt)
    result = receipt.body.result
    assert receipt.style is EnvelopeStyle.BARE
    assert result is not None
    assert facts.review_of(result) is ReviewResult.STORED
    assert result.rmk is None  # <rmk/>
    assert result.typecd == "1"
    assert receipt.body.list_state is None
    assert [check.note for check in receipt.body.checks] == ["报文入库成功"]
    # the receipt's etpsPreentNo carries the pre-entry number customs gave the list
    assert result.etps_preent_no == LIST_SEQ_NO
    assert receipt.envelope.send_time == beijing(2026, 11, 28, 10, 31, 22)


def test_inv201_approved_receipt_in_the_xmldsig_wrapper() -> None:
    receipt = load("INV201_approved_xmldsig.xml", Inv201Receipt)
    result = receipt.body.result
    assert receipt.style is EnvelopeStyle.XMLDSIG
    assert facts.review_of(result) is ReviewResult.APPROVED
    assert result is not None
    assert facts.customs_time(result.manage_date) == beijing(2026, 11, 28, 11, 5, 7)
    assert result.rmk is None  # <rmk></rmk>
    assert receipt.body.checks == ()
    state = receipt.body.list_state
    assert state is not None
    assert (state.invt_preent_no, state.bond_invt_no) == (LIST_SEQ_NO, IMPORT_LIST)
    assert facts.code_in(ListStatus, state.invt_stucd) is ListStatus.APPROVED
    assert facts.code_in(DeductionMark, state.vrfded_markcd) is DeductionMark.NOT_DEDUCTED


def test_inv201_full_echo_keeps_every_head_and_line_element() -> None:
    receipt = load("INV201_approved_full_list_echo_bare.xml", Inv201Receipt)
    head = receipt.body.list_state
    assert head is not None
    assert head.etps_inner_invt_no == "QHGF-I-20261128-0001"
    assert (head.passport_used_typecd, head.dcl_typecd) == ("1", "1")
    assert head.need_entry_modified is None  # <needEntryModified></needEntryModified>
    (line,) = receipt.body.lines
    assert (line.gds_seqno, line.gds_mtno, line.destination_natcd) == ("1", "CELL-M10-182", "142")
    assert (line.usd_stat_total_amt, line.modf_markcd) == ("10579.38", "3")
    numbers = facts.list_numbers_of(receipt.body.result, head)
    assert (numbers.inner_no, numbers.pre_entry_no, numbers.list_no) == (
        "QHGF-I-20261128-0001",
        LIST_SEQ_NO,
        IMPORT_LIST,
    )


def test_inv201_returned_keeps_both_reasons_in_order() -> None:
    receipt = load("INV201_returned_bare.xml", Inv201Receipt)
    result = receipt.body.result
    assert result is not None
    assert facts.review_of(result) is ReviewResult.RETURNED
    assert result.rmk == "退单"
    assert result.business_id == SECOND_IMPORT_LIST
    assert receipt.body.list_state is not None
    assert receipt.body.list_state.invt_stucd == ListStatus.RETURNED
    assert facts.reasons_of(receipt.body.checks, result.rmk) == (
        "第1项商品“钢化镀膜光伏玻璃”申报单价与同期进口均价偏差超过30%，请核实后重新申报。",
        "随附单证缺少中欧班列铁路运单（CIM）扫描件，请补充上传。",
    )


def test_inv201_gb18030_receipt_reads_its_chinese_reason() -> None:
    raw = (SAMPLES / "INV201_manual_review_gb18030.xml").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")  # the file really is GB18030, as its declaration says
    receipt = load("INV201_manual_review_gb18030.xml", Inv201Receipt)
    result = receipt.body.result
    # a Package in the xmldsig namespace without the Signature wrapper, as INV20x come
    assert receipt.style is EnvelopeStyle.XMLDSIG_PACKAGE
    assert facts.review_of(result) is ReviewResult.MANUAL_REVIEW
    assert result is not None
    assert result.rmk == "转人工审核"
    assert facts.change_count_of(result, receipt.body.list_state) == 1
    assert [check.note for check in receipt.body.checks] == [
        "命中风险布控参数（光伏玻璃·价格类），已转人工审核，请留意后续回执。"
    ]
    assert receipt.body.list_state is not None
    assert receipt.body.list_state.invt_stucd == ListStatus.DECLARED


def test_inv201_pre_deducted_receipt_has_a_review_result() -> None:
    receipt = load("INV201_prededucted_4_bare.xml", Inv201Receipt)
    assert receipt.body.result is not None
    assert receipt.body.result.manage_result == "4"
    assert receipt.body.list_state is not None
    assert receipt.body.list_state.vrfded_markcd == DeductionMark.PRE_DEDUCTED
    assert facts.review_of(receipt.body.result) is ReviewResult.PRE_DEDUCTED


# --- INV202, INV211 -------------------------------------------------------------------


def test_inv202_names_the_generated_filing_list() -> None:
    receipt = load("INV202_declaration_generated_xmldsig.xml", Inv202Receipt)
    result = receipt.body.result
    assert result is not None
    assert receipt.envelope.business_id == IMPORT_LIST  # business_id before message_id
    assert (result.inv_preent_no, result.business_id) == (LIST_SEQ_NO, IMPORT_LIST)
    assert result.entry_seq_no == "I20260001000056789"
    assert facts.generation_of(result) is GenerationResult.GENERATED
    assert result.reason == "已生成进境备案清单，请在单一窗口货物申报中查看并申报"


def test_inv202_real_shape_has_create_date_and_an_empty_reason() -> None:
    receipt = load("INV202_create_date_reason_bare.xml", Inv202Receipt)
    result = receipt.body.result
    assert result is not None
    assert receipt.envelope.sender_id == "DXPEDCINVT000001"
    assert facts.customs_time(result.create_date) == beijing(2026, 11, 28, 11, 6, 2)
    assert result.reason is None  # <reason></reason>
    assert facts.generation_of(result) is GenerationResult.GENERATED


def test_inv211_signed_receipt_skips_the_signature_and_says_deducted() -> None:
    """SignedInfo, SignatureValue and KeyInfo before Object are not part of the message."""
    receipt = load("INV211_posted_signed_xmldsig.xml", Inv211Receipt)
    assert receipt.style is EnvelopeStyle.XMLDSIG
    assert receipt.body.result is not None
    assert receipt.body.result.rmk == "核注清单已记账"
    state = receipt.body.list_state
    assert state is not None
    assert state.bond_invt_no == IMPORT_LIST
    assert state.vrfded_markcd == DeductionMark.DEDUCTED
    assert state.entry_stucd == "1"


def test_inv211_without_a_result_carries_the_head_and_the_warehouse_lines() -> None:
    receipt = load("INV211_bws_dt_without_result_bare.xml", Inv211Receipt)
    assert receipt.body.result is None
    head = receipt.body.list_state
    assert head is not None
    numbers = facts.list_numbers_of(None, head)
    assert (numbers.inner_no, numbers.list_no) == ("QHLL-I-20261129-0012", "QD960126I000000130")
    assert facts.customs_time(head.formal_vrfded_time) == beijing(2026, 12, 1, 7, 41, 3)
    (line,) = receipt.body.warehouse_lines
    assert (line.bws_no, line.gds_seqno, line.in_qty, line.invt_g_no) == (
        "T96012600002",
        "37",
        "1200",
        "1",
    )
    assert line.in_secd_lawf_qty is None  # <inSecdLawfQty></inSecdLawfQty>


# --- SAS22x ---------------------------------------------------------------------------


def test_sas221_approves_the_gate_pass() -> None:
    receipt = load("SAS221_approved_bare.xml", Sas221Receipt)
    result = receipt.body.result
    assert facts.review_of(result) is ReviewResult.APPROVED
    assert result is not None
    assert result.business_id == GATE_PASS
    (head,) = receipt.body.passes
    assert head.passport_no == GATE_PASS
    assert facts.code_in(GatePassStatus, head.stucd) is GatePassStatus.APPROVED


def test_sas223_measured_weight_and_the_two_lists_it_carried() -> None:
    receipt = load("SAS223_passed_two_lists_xmldsig.xml", Sas223Receipt)
    assert receipt.body.result is not None
    assert receipt.body.result.typecd is None  # <typecd/>
    (head,) = receipt.body.passes
    passage = facts.gate_passage_of(receipt.body.result, head)
    assert passage.outcome is GateResult.PASSED
    assert passage.passed
    assert passage.measured_weight == Decimal("18240.5")  # passCollectWt, not totalWt
    assert passage.list_numbers == (IMPORT_LIST, SECOND_IMPORT_LIST)
    assert (passage.pass_no, head.vehicle_no, head.io_typecd) == (GATE_PASS, "青AD2468", "I")
    assert passage.passed_at == beijing(2026, 11, 30, 9, 31, 58)
    assert head.pass_id == "960101"


def test_sas223_measured_weight_is_within_five_percent_of_the_declared() -> None:
    declared = load("SAS121_one_vehicle_two_lists_xmldsig.xml", GatePassUpload).message.head
    (head,) = load("SAS223_passed_two_lists_xmldsig.xml", Sas223Receipt).body.passes
    measured = facts.measured_weight(head)
    assert measured is not None
    assert abs(measured - declared.total_wt) / declared.total_wt < Decimal("0.05")


def test_sas223_real_shape_echoes_the_whole_pass() -> None:
    receipt = load("SAS223_sas_passport_bsc_bare.xml", Sas223Receipt)
    (head,) = receipt.body.passes
    passage = facts.gate_passage_of(receipt.body.result, head)
    assert passage.pass_no == "Z9601I261130000000000045"
    assert passage.pass_status is GatePassStatus.THROUGH_GATE
    assert passage.measured_weight == Decimal("18240.5")
    assert passage.list_numbers == (IMPORT_LIST, SECOND_IMPORT_LIST)
    assert (head.pass_id, head.secd_pass_id, head.col1) == ("960101", None, None)
    assert head.sas_passport_preent_no == "960120261000023456"


def test_sas224_keeps_the_disposal_and_the_pass() -> None:
    receipt = load("SAS224_released_after_inspection_bare.xml", Sas224Receipt)
    result = receipt.body.result
    assert result is not None
    assert result.manage_result == "1"
    assert result.business_id == "HF960126E000000052"
    assert result.rmk is None
    (head,) = receipt.body.passes
    assert head.rmk == "卡口查验完毕：冷链集装箱内牦牛肉制品与申报相符，准予放行。"
    assert facts.measured_weight(head) is None  # the scale collected nothing (0)


# --- DecMessage -----------------------------------------------------------------------


def test_decmessage_is_an_export_filing_list_from_the_bonded_list() -> None:
    message = load("DecMessage_export_filing_list_default_ns.xml", DeclarationMessage)
    head = message.head
    assert message.version == "3.1"
    assert head.ie_flag is ImpExp.EXPORT
    assert (head.trade_mode, head.traf_mode, head.trans_mode) == ("5015", "3", "3")
    assert (head.manual_no, head.trade_code, head.trade_name) == (BOOK, MAKER_CODE, MAKER_NAME)
    assert (head.agent_code_scc, head.owner_code_scc) == (AGENT_SCC, MAKER_SCC)
    assert (head.gross_wet, head.net_wt, head.pack_no) == (
        Decimal("31420.8"),
        Decimal("29295.8"),
        62,
    )
    assert head.note_s == "中欧班列X8157 西宁—杜伊斯堡；木托盘包装"
    assert message.sign.bill_seq_no == EXPORT_LIST
    assert message.sign.client_seq_no == "QHGFDEC20261203001"
    assert message.sign.sign_date == "20261203101530123"
    assert message.free_text is not None
    assert (message.free_text.voy_no, message.free_text.bon_no) == ("X8157", BOOK)
    assert message.free_text.rel_id is None


def test_decmessage_empty_head_elements_are_absent() -> None:
    head = load("DecMessage_export_filing_list_default_ns.xml", DeclarationMessage).head
    # FOB export: no freight, insurance or other charges, in both empty forms
    charges = [
        head.fee_mark,
        head.fee_rate,
        head.fee_curr,
        head.insur_mark,
        head.insur_rate,
        head.insur_curr,
        head.other_mark,
        head.other_rate,
        head.other_curr,
    ]
    assert charges == [None] * 9
    assert (head.seq_no, head.entry_id, head.ie_date, head.p_date) == (None, None, None, None)
    assert (head.cut_mode, head.promise_itmes, head.desp_port_code) == (None, None, None)


def test_decmessage_lines_containers_and_documents_keep_their_order() -> None:
    message = load("DecMessage_export_filing_list_default_ns.xml", DeclarationMessage)
    assert [line.g_no for line in message.lines] == [1, 2, 3]
    assert [line.contr_item for line in message.lines] == [10, 11, 12]
    assert [line.decl_total for line in message.lines] == [
        Decimal("42439.00"),
        Decimal("25954.75"),
        Decimal("840.00"),
    ]
    assert sum(line.decl_total for line in message.lines) == Decimal("69233.75")
    assert [(box.container_id, box.goods_no) for box in message.containers] == [
        ("TGHU8857420", "1,3"),
        ("CSNU6153728", "2"),
    ]
    assert sum(box.goods_conta_wt or 0 for box in message.containers) == message.head.gross_wet
    assert [(doc.docu_code, doc.cert_code) for doc in message.licenses] == [
        ("a", EXPORT_LIST),
        ("Y", "CCPIT-QH-2026-04417"),
    ]
    assert all(line.class_mark is None for line in message.lines)


def test_decmessage_cdata_goods_model_reads_as_text() -> None:
    line = load("DecMessage_export_filing_list_default_ns.xml", DeclarationMessage).lines[2]
    assert line.g_model == "0|0|光伏连接器|额定电压1500V DC|额定电流<=30A|天合牌|TS4"


def test_prefixed_decmessage_parses_like_a_default_namespace_one() -> None:
    prefixed = load("DecMessage_export_filing_list_prefixed.xml", DeclarationMessage)
    default = load("DecMessage_export_filing_list_default_ns.xml", DeclarationMessage)
    assert (
        b"<dec:DecMessage" in (SAMPLES / "DecMessage_export_filing_list_prefixed.xml").read_bytes()
    )
    assert prefixed == default


# --- responses ------------------------------------------------------------------------


def test_dec_import_response_accepted_gives_the_declaration_its_seq_no() -> None:
    response = load("DecImportResponse_accepted.xml", DecImportResponse)
    assert facts.import_accepted(response)
    assert (response.client_seq_no, response.seq_no) == (
        "QHGFDEC20261203001",
        "E20260001000061234",
    )
    assert response.error_message == "导入成功"
    assert response.trn_pre_id is None


def test_dec_import_response_refused_says_why() -> None:
    response = load("DecImportResponse_refused.xml", DecImportResponse)
    assert not facts.import_accepted(response)
    assert response.response_code == "1"
    assert response.seq_no is None  # <SeqNo/>
    assert response.error_message == (
        "备案清单表头[运输方式]与核注清单QD960126E000000321表头[运输方式]不一致，请修改后重新导入"
    )


def test_dec_result_channel_p_is_released() -> None:
    message = load("DEC_RESULT_P_released.xml", DecResultMessage)
    result = message.result
    assert facts.channel_of(result) is DeclarationChannel.RELEASED
    assert (result.cus_ciq_no, result.entry_id) == ("E20260001000061234", ENTRY_ID)
    assert facts.customs_time(result.notice_date) == beijing(2026, 12, 3, 15, 20, 11)
    assert result.note == "海关已放行"
    assert (result.bonded_no, result.voyage_no, result.traf_mode) == (BOOK, "X8157", "3")
    assert (result.pack_no, result.gross_wt) == ("62", "31420.8")
    assert result.i_e_date is None
    assert facts.customs_time(result.d_date) == beijing(2026, 12, 3, 0, 0, 0)
    assert message.info == "E20260001000061234：海关已放行，请办理货物装车出区手续"


def test_dec_result_channel_c_gbk_notice_reads_correctly() -> None:
    raw = (SAMPLES / "DEC_RESULT_C_inspection_gbk.xml").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")  # the file really is GBK, as its declaration says
    message = load("DEC_RESULT_C_inspection_gbk.xml", DecResultMessage)
    assert message.result.channel == "C"
    assert message.result.note == "查验通知：请于2026年11月30日到西宁综保区查验场地配合海关查验"
    assert message.result.entry_id == "960120261000098766"
    assert message.result.customs_field is None  # <CUSTOMS_FIELD/>
    assert facts.customs_time(message.result.i_e_date) == beijing(2026, 11, 28, 0, 0, 0)
    assert message.info == "查验通知"


def test_common_response_successed_deal_flag_0() -> None:
    response = load("CommonResponeMessage_Successed_INV101_DealFlag0.xml", CommonResponeMessage)
    assert facts.deal_flag_of(response) is DealFlag.OK
    assert (response.seq_no, response.etps_preent_no) == (LIST_SEQ_NO, "QHGF-I-20261128-0001")
    assert response.check_info == "保税核注清单申报服务调用成功"


def test_common_response_failed_deal_flag_minus_1_keeps_the_whole_reason() -> None:
    response = load("CommonResponeMessage_Failed_SAS121_DealFlag-1.xml", CommonResponeMessage)
    assert facts.deal_flag_of(response) is DealFlag.FAILED
    assert response.seq_no is None  # <SeqNo></SeqNo>
    assert response.check_info is not None
    assert response.check_info.startswith("报文类型为SAS121,\n")
    assert response.check_info.endswith("请修改后重新导入。")
    assert "【960120261000023456】" in response.check_info


# --- refusals -------------------------------------------------------------------------

INV101_TWO_LINES = """<?xml version="1.0" encoding="UTF-8"?>
<Signature xmlns="http://www.w3.org/2000/09/xmldsig#">
  <Object>
    <Package>
      <EnvelopInfo>
        <version>1.0</version>
        <message_id>INV101-0001</message_id>
        <file_name>INV101_QHGF-I-0001.xml</file_name>
        <message_type>INV101</message_type>
        <sender_id>DXPENT0000960001</sender_id>
        <receiver_id>DXPEDCSAS0000001</receiver_id>
        <send_time>2026-11-28T10:30:00+08:00</send_time>
      </EnvelopInfo>
      <DataInfo>
        <BussinessData>
          <InvtMessage>
            <SysId>Z8</SysId>
            <OperCusRegCode>9601980003</OperCusRegCode>
            <InvtHeadType>
              <PutrecNo>H96012600001</PutrecNo>
              <EtpsInnerInvtNo>QHGF-I-0001</EtpsInnerInvtNo>
              <BizopEtpsno>9601346001</BizopEtpsno>
              <BizopEtpsSccd>91630100MA7XN0A17G</BizopEtpsSccd>
              <BizopEtpsNm>青海高原光伏科技有限公司</BizopEtpsNm>
              <RcvgdEtpsno>9601346001</RcvgdEtpsno>
              <RvsngdEtpsSccd>91630100MA7XN0A17G</RvsngdEtpsSccd>
              <RcvgdEtpsNm>青海高原光伏科技有限公司</RcvgdEtpsNm>
              <DclEtpsno>9601980003</DclEtpsno>
              <DclEtpsSccd>91630100MA7XN0C36T</DclEtpsSccd>
              <DclEtpsNm>西宁综保区报关服务有限公司</DclEtpsNm>
              <InputCode>9601980003</InputCode>
              <InputCreditCode>91630100MA7XN0C36T</InputCreditCode>
              <InputName>西宁综保区报关服务有限公司</InputName>
              <ImpexpPortcd>9601</ImpexpPortcd>
              <DclPlcCuscd>9601</DclPlcCuscd>
              <ImpexpMarkcd>I</ImpexpMarkcd>
              <MtpckEndprdMarkcd>I</MtpckEndprdMarkcd>
              <SupvModecd>5015</SupvModecd>
              <TrspModecd>3</TrspModecd>
              <DclcusFlag>2</DclcusFlag>
              <StshipTrsarvNatcd>304</StshipTrsarvNatcd>
              <InvtType>0</InvtType>
              <DclTypecd>1</DclTypecd>
              <GenDecFlag>2</GenDecFlag>
            </InvtHeadType>
            <InvtListType>
              <GdsSeqno>1</GdsSeqno>
              <PutrecSeqno>1</PutrecSeqno>
              <GdsMtno>CELL-M10-182</GdsMtno>
              <Gdecd>8541420000</Gdecd>
              <GdsNm>单晶硅光伏电池片</GdsNm>
              <DclUnitcd>007</DclUnitcd>
              <LawfUnitcd>007</LawfUnitcd>
              <Natcd>304</Natcd>
              <DclUprcAmt>0.8125</DclUprcAmt>
              <DclTotalAmt>9750.00</DclTotalAmt>
              <DclCurrcd>300</DclCurrcd>
              <DclQty>12000</DclQty>
              <LawfQty>12000</LawfQty>
              <LvyrlfModecd>3</LvyrlfModecd>
            </InvtListType>
            <InvtListType>
              <GdsSeqno>2</GdsSeqno>
              <PutrecSeqno>2</PutrecSeqno>
              <GdsMtno>EVA-F806-0.45</GdsMtno>
              <Gdecd>3920109090</Gdecd>
              <GdsNm>EVA封装胶膜</GdsNm>
              <DclUnitcd>035</DclUnitcd>
              <LawfUnitcd>035</LawfUnitcd>
              <Natcd>304</Natcd>
              <DclUprcAmt>1.3500</DclUprcAmt>
              <DclTotalAmt>3375.68</DclTotalAmt>
              <DclCurrcd>300</DclCurrcd>
              <DclQty>2500.5</DclQty>
              <LawfQty>2500.5</LawfQty>
              <LvyrlfModecd>3</LvyrlfModecd>
            </InvtListType>
          </InvtMessage>
          <DelcareFlag>1</DelcareFlag>
        </BussinessData>
      </DataInfo>
    </Package>
  </Object>
</Signature>
"""

INV201_RETURNED = """<?xml version="1.0" encoding="UTF-8"?>
<Package>
  <EnvelopInfo>
    <version>1.0</version>
    <message_id>CUS0000E0100002026112811220400877649233</message_id>
    <file_name>CUS0000E0100002026112811220400877649233.INV</file_name>
    <message_type>INV201</message_type>
    <sender_id>CUS0000</sender_id>
    <receiver_id>E010000</receiver_id>
    <send_time>2026-11-28T11:22:04</send_time>
  </EnvelopInfo>
  <DataInfo>
    <BussinessData>
      <INV201>
        <HdeApprResult>
          <etpsPreentNo>960120261000012346</etpsPreentNo>
          <businessId>QD960126I000000124</businessId>
          <manageResult>3</manageResult>
          <manageDate>2026-11-28 11:22:01</manageDate>
        </HdeApprResult>
        <CheckInfo>
          <note>第1项申报单价偏高，请核实</note>
        </CheckInfo>
      </INV201>
    </BussinessData>
  </DataInfo>
</Package>
"""


def names(path: str | None, element_path: str) -> bool:
    """Does a refusal's path end at ``element_path`` (whatever it is counted from)?"""
    return path is not None and (path == element_path or path.endswith("/" + element_path))


def parse_text(document: str) -> codec.CustomsMessage:
    return codec.parse(document.encode("utf-8"), source="inline.xml")


def test_the_inline_documents_are_valid_as_written() -> None:
    assert isinstance(parse_text(INV101_TWO_LINES), BondedListUpload)
    assert isinstance(parse_text(INV201_RETURNED), Inv201Receipt)


def test_a_misspelled_known_element_is_refused_at_its_line() -> None:
    """DeclareFlag is how one would spell it; the real format says DelcareFlag."""
    document = INV101_TWO_LINES.replace("DelcareFlag", "DeclareFlag")
    with pytest.raises(XmlMessageError) as refused:
        parse_text(document)
    assert names(refused.value.path, "DeclareFlag")
    assert refused.value.line == line_of(document, "<DeclareFlag>")
    assert refused.value.source == "inline.xml"
    assert "DeclareFlag" in str(refused.value)


def test_a_quantity_with_six_decimal_places_names_the_line_and_element() -> None:
    document = INV101_TWO_LINES.replace("<DclQty>2500.5</DclQty>", "<DclQty>2500.512345</DclQty>")
    with pytest.raises(XmlMessageError) as refused:
        parse_text(document)
    assert names(refused.value.path, "InvtMessage/InvtListType[2]/DclQty")
    assert refused.value.line == line_of(document, "<DclQty>2500.512345</DclQty>")
    assert "more than 5 decimal places" in refused.value.reason


def test_an_unsupported_root_element_is_named() -> None:
    document = """<?xml version="1.0" encoding="UTF-8"?>
<CEB311Message xmlns="http://www.chinaport.gov.cn/ceb" version="1.0">
  <Order>
    <OrderHead><orderNo>QHTB20261128000123</orderNo></OrderHead>
  </Order>
</CEB311Message>
"""
    with pytest.raises(UnsupportedMessage) as refused:
        parse_text(document)
    assert refused.value.path == "CEB311Message"
    assert refused.value.line == 2
    assert "CEB311Message" in str(refused.value)


def test_an_envelope_type_that_disagrees_with_the_body_is_refused() -> None:
    document = INV201_RETURNED.replace(
        "<message_type>INV201</message_type>", "<message_type>INV202</message_type>"
    )
    with pytest.raises(XmlMessageError) as refused:
        parse_text(document)
    assert names(refused.value.path, "EnvelopInfo/message_type")
    assert "INV202" in refused.value.reason
    assert "INV201" in refused.value.reason
    # the refusal points into the envelope, between its start tag and message_type
    assert refused.value.line is not None
    assert line_of(document, "<EnvelopInfo>") <= refused.value.line
    assert refused.value.line <= line_of(document, "<message_type>")


def test_a_comment_inside_a_value_does_not_cut_the_value() -> None:
    document = INV201_RETURNED.replace(
        "<note>第1项申报单价偏高，请核实</note>",
        "<note>第1项<!-- 审核员批注 -->申报单价偏高，请核实</note>",
    )
    receipt = parse_text(document)
    assert isinstance(receipt, Inv201Receipt)
    assert [check.note for check in receipt.body.checks] == ["第1项申报单价偏高，请核实"]
