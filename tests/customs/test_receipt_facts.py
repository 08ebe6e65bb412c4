"""What bondflow draws from customs' receipts: the rules tolerate whatever customs writes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from customs import receipt_facts as facts
from customs.receipt_facts import UnknownCode
from customs.routing import Number, route_of
from customs.signals import signal_of
from schemas.customs import ReceiptView
from schemas.messages.base import EnvelopeStyle
from schemas.messages.codes import (
    DealFlag,
    DeclarationChannel,
    GatePassStatus,
    GateResult,
    GenerationResult,
    MessageType,
    ReviewResult,
)
from schemas.messages.fields import DOCUMENT_ZONE
from schemas.messages.receipts import (
    BondInvtBsc,
    CheckInfo,
    HdeApprResult,
    Inv201,
    Inv201Receipt,
    Inv211,
    Inv211Receipt,
    InvApprResult,
    Sas2stepPassportBsc,
    Sas223,
    Sas223Receipt,
    SasPassportBsc,
)
from schemas.messages.responses import (
    CommonResponeMessage,
    DecImportResponse,
    DecResult,
    DecResultMessage,
)
from tests.support import receipts
from tests.support.messages import envelope


def beijing(year: int, month: int, day: int, hour: int, minute: int, second: int) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=DOCUMENT_ZONE)


def result(**values: str) -> HdeApprResult:
    return HdeApprResult.model_validate(values)


# --- codes ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1", ReviewResult.APPROVED),
        (" 3 ", ReviewResult.RETURNED),
        ("Y", ReviewResult.STORED),
        ("4", ReviewResult.PRE_DEDUCTED),
    ],
)
def test_a_known_manage_result_is_its_review(text: str, expected: ReviewResult) -> None:
    assert facts.review_of(result(manage_result=text)) is expected


@pytest.mark.parametrize("text", ["9", "y", "通过", "1 3"])
def test_an_unknown_manage_result_is_unknown_and_keeps_the_code(text: str) -> None:
    assert facts.review_of(result(manage_result=text)) == UnknownCode(text)


@pytest.mark.parametrize("block", [None, HdeApprResult(), HdeApprResult(manage_result="  ")])
def test_no_manage_result_is_unknown_without_a_code(block: HdeApprResult | None) -> None:
    assert facts.review_of(block) == UnknownCode(None)


def test_inv202_generation_result() -> None:
    assert facts.generation_of(InvApprResult(manage_result="2")) is GenerationResult.FAILED
    assert facts.generation_of(None) == UnknownCode(None)


@pytest.mark.parametrize(
    ("flag", "expected"),
    [("0", DealFlag.OK), ("-1", DealFlag.FAILED), ("1", DealFlag.FAILED), ("-2", DealFlag.FAILED)],
)
def test_any_deal_flag_but_0_is_a_failed_import(flag: str, expected: DealFlag) -> None:
    assert facts.deal_flag_of(CommonResponeMessage(deal_flag=flag)) is expected


def test_a_missing_deal_flag_is_unknown() -> None:
    assert facts.deal_flag_of(CommonResponeMessage(deal_flag="")) == UnknownCode(None)


@pytest.mark.parametrize(
    ("code", "accepted"), [("0", True), (" 0", True), ("1", False), (None, False)]
)
def test_a_declaration_import_is_accepted_only_with_code_0(
    code: str | None, accepted: bool
) -> None:
    assert facts.import_accepted(DecImportResponse(response_code=code)) is accepted


@pytest.mark.parametrize(
    ("channel", "expected"),
    [
        ("7", DeclarationChannel.DECLARED),
        ("K", DeclarationChannel.GUARANTEE_RELEASE),
        ("P", DeclarationChannel.RELEASED),
        ("X", UnknownCode("X")),
    ],
)
def test_channels(channel: str, expected: object) -> None:
    assert facts.channel_of(DecResult(channel=channel)) == expected


# --- times ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-07-30 11:48:02", beijing(2024, 7, 30, 11, 48, 2)),  # receipts
        ("2019-11-26T16:04:34", beijing(2019, 11, 26, 16, 4, 34)),  # DEC_RESULT
        ("20180208T15032200", beijing(2018, 2, 8, 15, 3, 22)),  # old DEC_RESULT
        ("2026-11-28T14:03:00+08:00", beijing(2026, 11, 28, 14, 3, 0)),
        ("2026-11-28T06:03:00Z", beijing(2026, 11, 28, 14, 3, 0)),
        ("20241030", beijing(2024, 10, 30, 0, 0, 0)),  # I_E_DATE
        ("2024-07-19 00:00:00.0", beijing(2024, 7, 19, 0, 0, 0)),
    ],
)
def test_customs_times_in_every_real_format(text: str, expected: dt.datetime) -> None:
    assert facts.customs_time(text) == expected


@pytest.mark.parametrize(
    "text", [None, "", "   ", "2026-02-30 10:00:00", "yesterday", "2026/11/28 10:00", "0"]
)
def test_an_unparseable_time_is_none(text: str | None) -> None:
    assert facts.customs_time(text) is None


# --- numbers and weights --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"), [("0", 0), ("3", 3), ("1.0", 1), ("", None), ("-1", None), ("a", None)]
)
def test_change_counts(text: str, expected: int | None) -> None:
    assert facts.whole_number(text) == expected


def test_the_change_count_comes_from_the_result_else_the_head() -> None:
    head = BondInvtBsc(chg_tms_cnt="2")
    assert facts.change_count_of(result(tms_cnt="1"), head) == 1
    assert facts.change_count_of(result(tms_cnt=""), head) == 2
    assert facts.change_count_of(None, None) is None


@pytest.mark.parametrize(
    ("collected", "total", "expected"),
    [
        ("18240.5", "18256.5", Decimal("18240.5")),  # the scale's reading wins
        ("0", "16674.08", Decimal("16674.08")),  # a scale that collected nothing
        ("", "16674.08", Decimal("16674.08")),
        ("None", "1.5e3", None),  # not plain numbers
        ("", "", None),
    ],
)
def test_the_measured_weight(collected: str, total: str, expected: Decimal | None) -> None:
    head = SasPassportBsc(pass_collect_wt=collected, total_wt=total)
    assert facts.measured_weight(head) == expected


def test_joined_list_numbers() -> None:
    assert facts.joined_numbers("QD1\\QD2\\") == ("QD1", "QD2")
    assert facts.joined_numbers(" QD1 ") == ("QD1",)
    assert facts.joined_numbers(None) == ()


def test_list_numbers_prefer_the_head_and_fall_back_to_the_result() -> None:
    head = BondInvtBsc(bond_invt_no="QD2", invt_preent_no="P2", etps_inner_invt_no="IN-1")
    numbers = facts.list_numbers_of(result(etps_preent_no="P1", business_id="QD1"), head)
    assert (numbers.inner_no, numbers.pre_entry_no, numbers.list_no) == ("IN-1", "P2", "QD2")
    only_result = facts.list_numbers_of(result(etps_preent_no="P1", business_id="QD1"), None)
    assert (only_result.list_no, only_result.pre_entry_no, only_result.echoed) == (
        "QD1",
        None,
        "P1",
    )


# --- reasons --------------------------------------------------------------------------------


def test_reasons_are_the_check_notes_else_the_remark() -> None:
    notes = (CheckInfo(note="a"), CheckInfo(note=" "), CheckInfo(), CheckInfo(note="b"))
    assert facts.reasons_of(notes, "退单") == ("a", "b")
    assert facts.reasons_of((), "退单") == ("退单",)
    assert facts.reasons_of((), "  ") == ()


def test_a_returned_declaration_gives_its_note_else_the_result_info() -> None:
    returned = DecResult(channel="E", note="")
    assert facts.channel_reasons(returned, "退单：单价不符") == ("退单：单价不符",)
    assert facts.channel_reasons(DecResult(channel="P", note="放行")) == ()


# --- gate passage ---------------------------------------------------------------------------


def test_a_sas223_passage_uses_the_gate_time_and_the_scale() -> None:
    head = SasPassportBsc(
        passport_no="Z9601I261130000000000045",
        rlt_no="QD1\\QD2",
        total_wt="18256.5",
        pass_collect_wt="18240.5",
        pass_time="2026-11-30 09:31:58",
        stucd="2",
    )
    passage = facts.gate_passage_of(
        result(manage_result="1", manage_date="2026-11-30 09:31:59"), head
    )
    assert passage.outcome is GateResult.PASSED
    assert passage.pass_status is GatePassStatus.THROUGH_GATE
    assert passage.passed
    assert passage.passed_at == beijing(2026, 11, 30, 9, 31, 58)
    assert passage.measured_weight == Decimal("18240.5")
    assert passage.list_numbers == ("QD1", "QD2")


def test_a_passage_without_a_pass_time_falls_back_to_the_result_time() -> None:
    passage = facts.gate_passage_of(
        result(manage_result="", manage_date="2026-11-30 09:31:59"),
        SasPassportBsc(pass_time="not a time", stucd="3"),
    )
    assert passage.outcome == UnknownCode(None)
    assert passage.passed  # the pass's status says it went through the first gate
    assert passage.passed_at == beijing(2026, 11, 30, 9, 31, 59)


def test_a_two_step_passage_has_no_weight() -> None:
    head = Sas2stepPassportBsc(
        passport_no="Z3105I241030T00000000075", pass_time="2024-10-30 15:40:55", stucd="2"
    )
    passage = facts.gate_passage_of(result(manage_result="1"), head)
    assert (passage.pass_no, passage.measured_weight, passage.list_numbers) == (
        "Z3105I241030T00000000075",
        None,
        (),
    )
    assert passage.passed_at == beijing(2024, 10, 30, 15, 40, 55)


# --- routing and signals on real shapes -----------------------------------------------------


def view(message_type: MessageType, result_code: str | None) -> ReceiptView:
    now = beijing(2026, 12, 1, 8, 0, 0)
    return ReceiptView(
        id=7,
        document_id=1,
        message_type=message_type.value,
        receipt_key="k",
        file_name="f.xml",
        result=result_code,
        business_time=now,
        received_at=now,
        summary={},
    )


def test_an_inv211_without_a_result_routes_by_the_enterprise_number_in_its_head() -> None:
    receipt = Inv211Receipt(
        style=EnvelopeStyle.BARE,
        envelope=envelope(MessageType.INV211, "INV211.xml"),
        body=Inv211(list_state=receipts.list_head()),
    )
    route = route_of(receipt)
    assert route.candidates[0] == (Number.INNER_NO, receipts.LIST_INNER_NO)
    assert route.result is None
    assert route.business_time == beijing(2026, 11, 28, 15, 42, 13)  # formalVrfdedTime
    assert route.learned[Number.BUSINESS_NO] == receipts.LIST_NO
    signal = signal_of(view(MessageType.INV211, route.result), receipt)
    assert (signal.list_no, signal.pre_entry_no) == (receipts.LIST_NO, receipts.LIST_SEQ_NO)


def test_an_inv201_with_an_unknown_code_records_the_code_as_sent() -> None:
    receipt = Inv201Receipt(
        style=EnvelopeStyle.BARE,
        envelope=envelope(MessageType.INV201, "INV201.xml"),
        body=Inv201(result=result(etps_preent_no="P1", manage_result=" 8 ", manage_date="garbled")),
    )
    route = route_of(receipt)
    assert route.result == "8"
    assert route.business_time is None  # the caller falls back to the time received


def test_a_sas223_signal_carries_the_scale_reading_and_the_pass() -> None:
    receipt = receipts.gate_passage()
    route = route_of(receipt)
    assert route.business_time == beijing(2026, 11, 28, 14, 2, 41)  # passTime
    assert (Number.BUSINESS_NO, receipts.PASS_NO) in route.candidates
    signal = signal_of(view(MessageType.SAS223, route.result), receipt)
    assert (signal.pass_no, signal.measured_weight) == (receipts.PASS_NO, Decimal("18161.5"))


def test_a_sas223_without_its_pass_block_still_routes_by_the_result() -> None:
    receipt = Sas223Receipt(
        style=EnvelopeStyle.BARE,
        envelope=envelope(MessageType.SAS223, "SAS223.xml"),
        body=Sas223(result=result(etps_preent_no="P9", business_id="HF1", manage_result="1")),
    )
    route = route_of(receipt)
    assert (Number.BUSINESS_NO, "HF1") in route.candidates
    assert signal_of(view(MessageType.SAS223, "1"), receipt).measured_weight is None


def test_a_sas253_routes_like_a_gate_passage() -> None:
    receipt = receipts.two_step_passage()
    route = route_of(receipt)
    assert (Number.BUSINESS_NO, receipts.PASS_NO) in route.candidates
    assert route.business_time == beijing(2026, 11, 28, 15, 40, 55)
    assert signal_of(view(MessageType.SAS253, route.result), receipt).pass_no == receipts.PASS_NO


def test_an_old_form_dec_result_routes_by_seq_no_and_its_compact_time() -> None:
    message = receipts.declaration_released_old_form()
    route = route_of(message)
    assert (Number.PRE_ENTRY_NO, receipts.DECLARATION_SEQ_NO) in route.candidates
    assert route.business_time == beijing(2026, 11, 28, 16, 10, 0)
    assert route.result == "P"


def test_a_returned_declaration_signal_gives_the_reason() -> None:
    message = DecResultMessage(
        wrapped=False,
        result=DecResult(cus_ciq_no="960120261000067890", channel="E", note="单价不符"),
    )
    signal = signal_of(view(MessageType.DEC_RESULT, "E"), message)
    assert signal.reasons == ("单价不符",)
