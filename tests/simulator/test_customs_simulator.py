"""The customs simulator, specified by what an enterprise sees in its exchange folders.

Each specification reads: given an exchange and what the enterprise put in its OutBox,
when the simulated customs runs once on a fixed clock, then the InBox holds customs'
answers in customs' order (modification-time order), and the OutBox file has moved
to SentBox or FailBox. Rates of 0 or 1 force each path; the seed makes the rest
reproducible.
"""

from __future__ import annotations

import base64
import os
import re
import shutil
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

import pytest
from lxml import etree
from pydantic import BaseModel

from adapters.db.engine import Database
from adapters.gateway.watcher import Disposition, ReceiptWatcher
from adapters.simulator.behaviour import SimulatorBehaviour
from adapters.simulator.office import RANDOM_RETURN_REASONS
from adapters.simulator.state import SimulatorState, StateStore
from adapters.xml.binding import local_name
from adapters.xml.codec import message_type_of, render
from adapters.xml.safe import parse_untrusted
from adapters.xml.xsd import check_against_schema
from customs import receipt_facts as facts
from customs.routing import Number
from customs.service import CustomsRecords
from rules.gate_weight import DEFAULT_TOLERANCE, check_weight
from schemas.messages.bonded_list import BondedListUpload
from schemas.messages.codes import (
    DealFlag,
    DeductionMark,
    ImpExp,
    ListStatus,
    MaterialOrProduct,
)
from schemas.messages.declaration import DeclarationMessage
from schemas.messages.gate_pass import GatePassUpload
from schemas.messages.receipts import (
    Inv201Receipt,
    Inv202Receipt,
    Inv211Receipt,
    Sas221Receipt,
    Sas223Receipt,
)
from schemas.messages.responses import (
    CommonResponeMessage,
    DecImportResponse,
    DecResultMessage,
)
from tests.simulator.conftest import START, Clock, Exchange, ExchangeFactory, Received
from tests.support import messages

YEAR = f"{START:%y}"
LIST_NO = re.compile(rf"^QD9601{YEAR}I[0-9]{{9}}$")
EXPORT_LIST_NO = re.compile(rf"^QD9601{YEAR}E[0-9]{{9}}$")
PASS_NO = re.compile(rf"^HF9601{YEAR}[IE][0-9]{{9}}$")
EIGHTEEN_DIGITS = re.compile(r"^[0-9]{18}$")
PRE_ENTRY_NO = re.compile(r"^[0-9A-Z]{18}$")
CHINESE = re.compile(r"[\u4e00-\u9fff]")

LIST_ANSWERS = [
    "CommonResponeMessage 0",
    "INV201 Y",
    "INV201 1",
    "INV202 1",
    "DEC_RESULT L",
    "DEC_RESULT P",
]

M = TypeVar("M", bound=BaseModel)


# --- reading the InBox ------------------------------------------------------------------


def summaries(received: Iterable[Received]) -> list[str]:
    return [item.summary for item in received]


def one(received: Iterable[Received], kind: type[M], result: str | None = None) -> M:
    """The single message of this kind (and result) among the files."""
    found: list[M] = []
    for item in received:
        message = item.message
        if isinstance(message, kind) and (result is None or item.summary.endswith(f" {result}")):
            found.append(message)
    assert len(found) == 1, f"expected one {kind.__name__} {result or ''}: {summaries(received)}"
    return found[0]


def channel(received: Iterable[Received], code: str) -> DecResultMessage:
    return one(received, DecResultMessage, code)


def approved_list_no(received: Iterable[Received]) -> str:
    """The list number customs gave in the INV201 approval (manageResult 1)."""
    approval = one(received, Inv201Receipt, "1")
    assert approval.body.list_state is not None
    list_no = approval.body.list_state.bond_invt_no
    assert list_no is not None
    return list_no


def measured(passage: Sas223Receipt) -> Decimal:
    """What the gate's scale read, as bondflow draws it from the SAS223."""
    (head,) = passage.body.passes
    weight = facts.measured_weight(head)
    assert weight is not None
    return weight


def notes(review: Inv201Receipt | Sas221Receipt) -> list[str]:
    return [check.note for check in review.body.checks if check.note is not None]


def names_in(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


# --- documents: the sample models, varied level by level ------------------------------------


def with_head(upload: BondedListUpload, **changes: Any) -> BondedListUpload:
    message = upload.message
    head = message.head.model_copy(update=changes)
    return upload.model_copy(update={"message": message.model_copy(update={"head": head})})


def with_line(upload: BondedListUpload, number: int, **changes: Any) -> BondedListUpload:
    message = upload.message
    lines = tuple(
        line.model_copy(update=changes) if line.gds_seqno == number else line
        for line in message.lines
    )
    return upload.model_copy(update={"message": message.model_copy(update={"lines": lines})})


def export_list(inner_no: str = "SOLAR-EX-0001") -> BondedListUpload:
    """PV modules leaving by China-Europe train: an outbound list generating its filing list."""
    upload = with_head(
        messages.bonded_list(2, inner_no=inner_no),
        impexp_markcd=ImpExp.EXPORT,
        mtpck_endprd_markcd=MaterialOrProduct.PRODUCT,
        supv_modecd="5015",
        dec_type="4",
        stship_trsarv_natcd="304",
        rmk="中欧班列 X8157 西宁—杜伊斯堡",
    )
    for number in (1, 2):
        upload = with_line(
            upload,
            number,
            putrec_seqno=10 + number,
            gds_mtno=f"MOD-550W-{number:04d}",
            gdecd="8541430000",
            gds_nm="光伏组件",
            gds_spcf_model_desc="组件|单晶|550W|72片|TSM-DE19",
            natcd="142",
            destination_natcd="304",
            dcl_qty=Decimal("600"),
            lawf_qty=Decimal("600"),
            secd_lawf_qty=Decimal("16500"),
            dcl_uprc_amt=Decimal("68.4500"),
            dcl_total_amt=Decimal("41070.00"),
            dcl_currcd="502",
        )
    return upload


def gate_pass(list_no: str, inner_no: str = "SOLAR-GP-0001", **changes: Any) -> GatePassUpload:
    """The sample vehicle bound to this list, under the enterprise's own number."""
    upload = messages.gate_pass(list_no=list_no)
    head = upload.message.head.model_copy(update={"etps_preent_no": inner_no, **changes})
    message = upload.message.model_copy(update={"head": head})
    return upload.model_copy(update={"message": message})


def export_gate_pass(list_no: str) -> GatePassUpload:
    return gate_pass(list_no, "SOLAR-GP-E001", io_typecd=ImpExp.EXPORT)


def declaration_with_head(declaration: DeclarationMessage, **changes: Any) -> DeclarationMessage:
    return declaration.model_copy(update={"head": declaration.head.model_copy(update=changes)})


def import_declaration(*, dutiable_line: int = 2) -> DeclarationMessage:
    """Cells from Germany under general trade; one line pays duty as per tariff (DutyMode 1)."""
    declaration = declaration_with_head(
        messages.declaration(client_seq_no="SOLARDEC0000000002"),
        ie_flag=ImpExp.IMPORT,
        trade_mode="0110",
        trade_country="304",
    )
    lines = tuple(
        line.model_copy(
            update={
                "origin_country": "304",
                "destination_country": "142",
                "duty_mode": "1" if line.g_no == dutiable_line else "3",
            }
        )
        for line in declaration.lines
    )
    return declaration.model_copy(update={"lines": lines})


def without_element(payload: bytes, name: str) -> bytes:
    """The same XML with every element of this local name removed."""
    root = etree.fromstring(payload)
    for element in [element for element in root.iter() if local_name(element) == name]:
        parent = element.getparent()
        assert parent is not None
        parent.remove(element)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def behaviour(**changes: Any) -> SimulatorBehaviour:
    """Always approve and post with the real INV211 (no result block), except for what
    the test changes."""
    return SimulatorBehaviour.model_validate(
        {
            **SimulatorBehaviour.always_approve().model_dump(),
            "posting_result_share": 0,
            **changes,
        }
    )


def file_an_approved_list(exchange: Exchange) -> tuple[list[Received], str]:
    exchange.submit(messages.bonded_list())
    received = exchange.run()
    return received, approved_list_no(received)


# --- 1. a valid list -----------------------------------------------------------------------


def test_a_valid_list_is_stored_approved_and_its_generated_declaration_released(
    make_exchange: ExchangeFactory,
) -> None:
    # Given customs that approves everything
    exchange = make_exchange(SimulatorBehaviour.always_approve())
    # When the enterprise files an inbound list that generates its filing list
    sent = exchange.submit(messages.bonded_list())
    received = exchange.run()

    # Then the InBox shows, by modification time, the import result and customs' receipts
    assert summaries(exchange.inbox()) == LIST_ANSWERS
    assert [item.name for item in exchange.inbox()] == [item.name for item in received]
    assert received[0].name == f"Successed_{sent}"
    imported = one(received, CommonResponeMessage)
    assert imported.deal_flag == DealFlag.OK
    assert imported.etps_preent_no == "SOLAR-IN-0001"
    assert imported.seq_no is not None
    assert PRE_ENTRY_NO.match(imported.seq_no)

    # customs' receipts carry its pre-entry number where the enterprise's would be
    stored = one(received, Inv201Receipt, "Y").body.result
    assert stored is not None
    assert stored.etps_preent_no == imported.seq_no

    list_no = approved_list_no(received)
    assert LIST_NO.match(list_no), list_no
    approval = one(received, Inv201Receipt, "1")
    assert approval.body.result is not None
    assert approval.body.result.business_id == list_no
    assert approval.body.list_state is not None
    assert approval.body.list_state.invt_stucd == ListStatus.APPROVED
    # an approval echoes the list as customs holds it: its head and every line
    assert approval.body.list_state.etps_inner_invt_no == "SOLAR-IN-0001"
    assert len(approval.body.lines) == len(messages.bonded_list().message.lines)

    generated = one(received, Inv202Receipt).body.result
    assert generated is not None
    assert generated.create_date is not None
    assert (generated.inv_preent_no, generated.business_id) == (imported.seq_no, list_no)
    assert generated.entry_seq_no is not None

    accepted, released = channel(received, "L").result, channel(received, "P").result
    assert accepted.cus_ciq_no == released.cus_ciq_no == generated.entry_seq_no
    assert accepted.entry_id is not None
    assert EIGHTEEN_DIGITS.match(accepted.entry_id)
    assert released.entry_id == accepted.entry_id

    # And the OutBox file was imported: it now lies in SentBox
    assert names_in(exchange.folders.outbox) == []
    assert names_in(exchange.folders.sentbox) == [sent]
    assert names_in(exchange.folders.failbox) == []


# --- 2. lists customs returns ------------------------------------------------------------


def test_a_unit_code_not_in_the_code_tables_is_stored_then_returned_naming_path_and_table(
    make_exchange: ExchangeFactory,
) -> None:
    # Given a list whose second line is declared in unit 999, which no table knows
    # (the gateway would refuse it, so the bytes go into the OutBox directly)
    exchange = make_exchange()
    upload = with_line(messages.bonded_list(), 2, dcl_unitcd="999")
    exchange.drop("INV101__SOLAR-IN-0001__c0__unit999.xml", render(upload))

    # When customs reads it
    received = exchange.run()

    # Then it is stored, then returned with a note naming the element and the table
    assert summaries(received) == ["CommonResponeMessage 0", "INV201 Y", "INV201 3"]
    returned = one(received, Inv201Receipt, "3")
    assert any(
        "InvtMessage/InvtListType[2]/DclUnitcd" in note and "[unit]" in note and "999" in note
        for note in notes(returned)
    ), notes(returned)
    assert returned.body.list_state is not None
    assert returned.body.list_state.invt_stucd == ListStatus.RETURNED
    assert returned.body.list_state.bond_invt_no is None


@pytest.mark.parametrize(
    ("difference", "returned"),
    [
        pytest.param("5.00", True, id="five yuan off: returned"),
        pytest.param("1.01", True, id="just beyond one yuan: returned"),
        pytest.param("1.00", False, id="one yuan off: within the tolerance"),
    ],
)
def test_a_line_whose_total_is_not_price_times_quantity_is_returned_naming_that_line(
    make_exchange: ExchangeFactory, difference: str, returned: bool
) -> None:
    # Given a list whose third line's total differs from unit price x quantity
    exchange = make_exchange()
    upload = messages.bonded_list()
    third = upload.message.lines[2]
    upload = with_line(upload, 3, dcl_total_amt=third.dcl_total_amt + Decimal(difference))
    exchange.submit(upload)

    # When customs reviews it
    received = exchange.run()

    # Then beyond one yuan it is returned naming that line, and only that line
    if not returned:
        assert summaries(received) == LIST_ANSWERS
        return
    assert summaries(received) == ["CommonResponeMessage 0", "INV201 Y", "INV201 3"]
    reasons = notes(one(received, Inv201Receipt, "3"))
    assert len(reasons) == 1
    assert "InvtMessage/InvtListType[3]/DclTotalAmt" in reasons[0]
    assert str(third.dcl_total_amt + Decimal(difference)) in reasons[0]


# --- 3. files the client refuses ---------------------------------------------------------


def test_garbage_bytes_get_a_failed_import_result_and_go_to_failbox(
    make_exchange: ExchangeFactory,
) -> None:
    exchange = make_exchange()
    name = exchange.drop("INV101__SOLAR-IN-0001__c0__garbage.xml", b"\x00\x17PK not XML at all")

    received = exchange.run()

    assert [item.name for item in received] == [f"Failed_{name}"]
    refusal = one(received, CommonResponeMessage)
    assert refusal.deal_flag == DealFlag.FAILED
    assert refusal.check_info is not None
    assert "解析失败" in refusal.check_info
    assert names_in(exchange.folders.failbox) == [name]
    assert names_in(exchange.folders.sentbox) == []
    assert names_in(exchange.folders.outbox) == []


def test_well_formed_xml_missing_a_required_element_is_refused_naming_it(
    make_exchange: ExchangeFactory,
) -> None:
    # Given an INV101 without its account book number (PutrecNo is required)
    exchange = make_exchange()
    payload = without_element(render(messages.bonded_list()), "PutrecNo")
    name = exchange.drop("INV101__SOLAR-IN-0001__c0__noputrec.xml", payload)

    received = exchange.run()

    assert [item.name for item in received] == [f"Failed_{name}"]
    refusal = one(received, CommonResponeMessage)
    assert refusal.deal_flag == DealFlag.FAILED
    assert refusal.check_info is not None
    assert "InvtMessage/InvtHeadType/PutrecNo" in refusal.check_info
    assert names_in(exchange.folders.failbox) == [name]


def test_a_receipt_put_into_the_outbox_is_refused_as_not_an_upload(
    make_exchange: ExchangeFactory,
) -> None:
    exchange = make_exchange()
    name = exchange.drop("INV201__wrong_box.xml", render(messages.review_receipt()))

    received = exchange.run()

    refusal = one(received, CommonResponeMessage)
    assert refusal.deal_flag == DealFlag.FAILED
    assert refusal.check_info is not None
    assert "INV201" in refusal.check_info
    assert names_in(exchange.folders.failbox) == [name]


def test_a_broken_declaration_gets_a_dec_import_response_with_an_error(
    make_exchange: ExchangeFactory,
) -> None:
    # Given a DecMessage without its declaring customs (CustomMaster is required)
    exchange = make_exchange()
    payload = without_element(render(messages.declaration()), "CustomMaster")
    name = exchange.drop("DecMessage__SOLARDEC0000000001__c0__broken.xml", payload)

    received = exchange.run()

    assert [item.name for item in received] == [f"Failed_{name}"]
    response = one(received, DecImportResponse)
    assert response.response_code != "0"
    assert response.error_message is not None
    assert "CustomMaster" in response.error_message
    assert names_in(exchange.folders.failbox) == [name]


# --- 4. the behaviour's rates --------------------------------------------------------------


def test_manual_review_comes_before_the_approval(make_exchange: ExchangeFactory) -> None:
    exchange = make_exchange(behaviour(manual_review_rate=1))
    exchange.submit(messages.bonded_list())

    received = exchange.run()

    assert summaries(received) == [
        "CommonResponeMessage 0",
        "INV201 Y",
        "INV201 2",
        "INV201 1",
        "INV202 1",
        "DEC_RESULT L",
        "DEC_RESULT P",
    ]
    assert LIST_NO.match(approved_list_no(received))


def test_a_valid_list_drawn_for_return_gets_a_realistic_chinese_reason(
    make_exchange: ExchangeFactory,
) -> None:
    exchange = make_exchange(behaviour(return_rate=1))
    exchange.submit(messages.bonded_list())

    received = exchange.run()

    assert summaries(received) == ["CommonResponeMessage 0", "INV201 Y", "INV201 3"]
    returned = one(received, Inv201Receipt, "3")
    [reason] = notes(returned)
    assert CHINESE.search(reason)
    assert reason in {
        template.format(line=line) for template in RANDOM_RETURN_REASONS for line in (1, 2, 3)
    }
    assert returned.body.list_state is not None
    assert returned.body.list_state.invt_stucd == ListStatus.RETURNED


def test_an_inspected_declaration_gets_c_and_s_before_release(
    make_exchange: ExchangeFactory,
) -> None:
    exchange = make_exchange(behaviour(inspection_rate=1))
    exchange.submit(messages.bonded_list())

    received = exchange.run()

    assert summaries(received) == [
        "CommonResponeMessage 0",
        "INV201 Y",
        "INV201 1",
        "INV202 1",
        "DEC_RESULT L",
        "DEC_RESULT C",
        "DEC_RESULT S",
        "DEC_RESULT P",
    ]


def test_customs_releases_an_inspected_declaration_only_when_its_inspection_is_over(
    make_exchange: ExchangeFactory, clock: Clock
) -> None:
    # Given customs whose inspections take an hour
    exchange = make_exchange(behaviour(inspection_rate=1, inspection_seconds=3600))
    exchange.submit(messages.bonded_list())
    # When it answers, everything up to the inspection is written at once...
    assert summaries(exchange.run())[-2:] == ["DEC_RESULT C", "DEC_RESULT S"]
    assert exchange.simulator.pending() == 1
    # ...and the release an hour later, not before
    clock.advance(3599)
    assert exchange.simulator.run_once() == ([], [])
    clock.advance(1)
    _, released = exchange.simulator.run_once()
    assert summaries(exchange.read(exchange.folders.inbox / name) for name in released) == [
        "DEC_RESULT P"
    ]


# --- 5. reproducible -----------------------------------------------------------------------

HALF_RATES = {"manual_review_rate": 0.5, "return_rate": 0.5, "inspection_rate": 0.5}


def ten_lists_answered(exchange: Exchange) -> list[Received]:
    for number in range(1, 11):
        exchange.submit(messages.bonded_list(inner_no=f"SOLAR-IN-{number:04d}"))
    exchange.run()
    return exchange.inbox()


def test_the_same_seed_clock_and_documents_give_byte_identical_inboxes(
    make_exchange: ExchangeFactory,
) -> None:
    # Given two separate exchanges with the same seed, rates of one half and one clock
    settings = SimulatorBehaviour(seed=20261128, **HALF_RATES)
    first = make_exchange(settings, name="first")
    second = make_exchange(settings, name="second")

    # When each files the same ten lists
    answers = ten_lists_answered(first), ten_lists_answered(second)

    # Then both InBoxes hold the same files, byte for byte, in the same order
    assert [(item.name, item.payload) for item in answers[0]] == [
        (item.name, item.payload) for item in answers[1]
    ]
    # And the rates were really drawn: some reviews, returns and inspections occurred
    drawn = set(summaries(answers[0]))
    assert {"INV201 1", "INV201 2", "INV201 3", "DEC_RESULT C"} <= drawn


def test_a_different_seed_changes_at_least_one_decision(make_exchange: ExchangeFactory) -> None:
    first = make_exchange(SimulatorBehaviour(seed=1, **HALF_RATES), name="first")
    second = make_exchange(SimulatorBehaviour(seed=2, **HALF_RATES), name="second")

    answers = ten_lists_answered(first), ten_lists_answered(second)

    decisions = [[(item.name, item.summary) for item in answer] for answer in answers]
    assert decisions[0] != decisions[1]


# --- 6. the gate pass ----------------------------------------------------------------------


def test_a_gate_pass_for_an_approved_list_is_approved_weighed_and_posts_the_list(
    make_exchange: ExchangeFactory, clock: Clock
) -> None:
    # Given an inbound list customs approved (its number learned from INV201 1)
    exchange = make_exchange(SimulatorBehaviour.always_approve())
    _, list_no = file_an_approved_list(exchange)
    clock.advance(3600)

    # When the vehicle's gate pass, bound to that list, is filed
    upload = messages.gate_pass(list_no=list_no)
    exchange.submit(upload)
    received = exchange.run()

    # Then it is approved with a pass number, through the gate, and the list is posted
    assert summaries(received) == [
        "CommonResponeMessage 0",
        "SAS221 1",
        "SAS223 1",
        "INV211 -",
    ]
    review = one(received, Sas221Receipt, "1").body
    (pass_head,) = review.passes
    pass_no = pass_head.passport_no
    assert pass_no is not None
    assert PASS_NO.match(pass_no), pass_no
    # every element real receipts carry is written, the empty ones as <x></x>
    written = next(item for item in received if isinstance(item.message, Sas221Receipt))
    (echoed,) = parse_untrusted(written.payload).xpath("//*[local-name()='SasPassportBsc']")
    assert len(echoed) == 38
    assert b"<containerNo></containerNo>" in written.payload

    gate = one(received, Sas223Receipt).body
    (head,) = gate.passes
    passage = facts.gate_passage_of(gate.result, head)
    assert passage.pass_no == pass_no
    assert passage.list_numbers == (list_no,)
    assert head.vehicle_no == upload.message.head.vehicle_no
    # no noise: the exact reading
    assert passage.measured_weight == upload.message.head.total_wt

    posted = one(received, Inv211Receipt).body
    assert posted.list_state is not None
    assert posted.list_state.etps_inner_invt_no == "SOLAR-IN-0001"
    assert posted.list_state.bond_invt_no == list_no
    assert posted.list_state.vrfded_markcd == DeductionMark.DEDUCTED
    assert len(posted.warehouse_lines) == len(messages.bonded_list().message.lines)


def test_the_gate_scale_reads_within_the_weight_noise(make_exchange: ExchangeFactory) -> None:
    # Given customs whose scale is off by up to 20 kg, under four seeds
    declared = messages.gate_pass().message.head.total_wt
    readings = []
    for seed in (1, 2, 3, 4):
        exchange = make_exchange(
            behaviour(seed=seed, weight_noise_kg=Decimal("20")), name=f"seed-{seed}"
        )
        _, list_no = file_an_approved_list(exchange)
        # When the vehicle crosses the gate
        exchange.submit(messages.gate_pass(list_no=list_no))
        readings.append(measured(one(exchange.run(), Sas223Receipt)))

    # Then every reading is within 20 kg of the declared total weight, and not all exact
    assert all(abs(reading - declared) <= Decimal("20") for reading in readings), readings
    assert any(reading != declared for reading in readings), readings


def test_a_weight_hold_reads_the_scale_beyond_the_tolerance(
    make_exchange: ExchangeFactory,
) -> None:
    # Given customs that holds every vehicle on the scale (and otherwise exact weights)
    exchange = make_exchange(behaviour(weight_hold_rate=1))
    _, list_no = file_an_approved_list(exchange)
    declared = messages.gate_pass().message.head.total_wt

    # When the vehicle crosses the gate
    exchange.submit(messages.gate_pass(list_no=list_no))
    received = exchange.run()

    # Then it still goes through, but the scale reads outside the zone's usual tolerance,
    # so the engine holds it for the liaison
    assert summaries(received) == ["CommonResponeMessage 0", "SAS221 1", "SAS223 1", "INV211 -"]
    reading = measured(one(received, Sas223Receipt))
    assert reading > declared
    assert not check_weight(declared, reading, DEFAULT_TOLERANCE).within


def test_a_vehicle_not_held_reads_the_scale_as_without_holds(
    make_exchange: ExchangeFactory,
) -> None:
    """The weight-hold draw is a draw of its own: under each seed a vehicle is either
    held or weighed exactly as it would be with no holds at all."""
    declared = messages.gate_pass().message.head.total_wt
    held, same = 0, 0
    for seed in range(1, 7):
        readings = []
        for rate in (0.0, 0.5):
            exchange = make_exchange(
                behaviour(seed=seed, weight_noise_kg=Decimal("20"), weight_hold_rate=rate),
                name=f"seed-{seed}-{rate}",
            )
            _, list_no = file_an_approved_list(exchange)
            exchange.submit(messages.gate_pass(list_no=list_no))
            readings.append(measured(one(exchange.run(), Sas223Receipt)))
        without, with_holds = readings
        if with_holds == without:
            same += 1
        else:
            assert not check_weight(declared, with_holds, DEFAULT_TOLERANCE).within
            held += 1
    assert held > 0, (held, same)
    assert same > 0, (held, same)


def test_a_gate_pass_bound_to_an_unknown_list_is_returned_naming_the_list(
    make_exchange: ExchangeFactory,
) -> None:
    exchange = make_exchange()
    exchange.submit(messages.gate_pass(list_no="QD960126I000000999"))

    received = exchange.run()

    assert summaries(received) == ["CommonResponeMessage 0", "SAS221 3"]
    returned = one(received, Sas221Receipt, "3")
    assert any("QD960126I000000999" in note for note in notes(returned)), notes(returned)


def test_a_gate_inspection_adds_sas224_before_sas223(make_exchange: ExchangeFactory) -> None:
    exchange = make_exchange(behaviour(gate_inspection_rate=1))
    _, list_no = file_an_approved_list(exchange)
    exchange.submit(messages.gate_pass(list_no=list_no))

    received = exchange.run()

    # the disposal carries the code of the one real SAS224 found (3), and the pass
    assert summaries(received) == [
        "CommonResponeMessage 0",
        "SAS221 1",
        "SAS224 3",
        "SAS223 1",
        "INV211 -",
    ]


def test_a_gate_pass_returned_for_its_vehicle_is_approved_when_filed_again(
    make_exchange: ExchangeFactory,
) -> None:
    # Given an approved list and a gate whose registration disagrees with the vehicle
    exchange = make_exchange(behaviour(gate_return_rate=1))
    _, list_no = file_an_approved_list(exchange)

    # When the gate pass is filed, it is returned with the reason
    exchange.submit(gate_pass(list_no))
    returned = exchange.run()
    assert summaries(returned) == ["CommonResponeMessage 0", "SAS221 3"]
    assert any("青A" in note or "车辆" in note for note in notes(one(returned, Sas221Receipt, "3")))

    # Then filed again with the corrected vehicle, it is approved and goes through
    exchange.submit(gate_pass(list_no, vehicle_no="青A·D5678"))
    assert summaries(exchange.run()) == [
        "CommonResponeMessage 0",
        "SAS221 1",
        "SAS223 1",
        "INV211 -",
    ]


# --- 7. an export ------------------------------------------------------------------------


def test_an_export_list_is_closed_after_its_vehicle_leaves(
    make_exchange: ExchangeFactory, clock: Clock
) -> None:
    # Given an outbound list of PV modules (5015, outbound filing list) customs approved
    exchange = make_exchange()
    exchange.submit(export_list())
    listed = exchange.run()
    assert summaries(listed) == LIST_ANSWERS
    list_no = approved_list_no(listed)
    assert EXPORT_LIST_NO.match(list_no), list_no
    approval = one(listed, Inv201Receipt, "1").body.list_state
    assert approval is not None
    assert approval.vrfded_markcd == DeductionMark.PRE_DEDUCTED
    generated = one(listed, Inv202Receipt).body.result
    assert generated is not None
    declaration_no = generated.entry_seq_no
    entry_id = channel(listed, "L").result.entry_id

    # When the vehicle taking it to the railhead leaves on a gate pass bound to it
    clock.advance(7200)
    exchange.submit(export_gate_pass(list_no))
    received = exchange.run()

    # Then the list is posted and the declaration closed (结关), in that order
    assert summaries(received) == [
        "CommonResponeMessage 0",
        "SAS221 1",
        "SAS223 1",
        "INV211 -",
        "DEC_RESULT R",
    ]
    closed = channel(received, "R").result
    assert (closed.cus_ciq_no, closed.entry_id) == (declaration_no, entry_id)


# --- 8. re-declaration after a return -----------------------------------------------------


def file_a_returned_list(exchange: Exchange) -> list[Received]:
    """A list returned because its second line's total is 50 yuan off."""
    upload = messages.bonded_list()
    second = upload.message.lines[1]
    exchange.submit(with_line(upload, 2, dcl_total_amt=second.dcl_total_amt + 50))
    received = exchange.run()
    assert summaries(received) == ["CommonResponeMessage 0", "INV201 Y", "INV201 3"]
    return received


def test_a_corrected_list_with_the_next_change_count_keeps_its_seq_no_and_is_approved(
    make_exchange: ExchangeFactory, clock: Clock
) -> None:
    exchange = make_exchange()
    returned = file_a_returned_list(exchange)
    seq_no = one(returned, CommonResponeMessage).seq_no
    clock.advance(600)

    # When the corrected list is declared again with ChgTmsCnt 1
    exchange.submit(with_head(messages.bonded_list(), chg_tms_cnt=1))
    received = exchange.run()

    # Then customs keeps its pre-entry number and approves it
    assert summaries(received) == LIST_ANSWERS
    assert one(received, CommonResponeMessage).seq_no == seq_no
    approval = one(received, Inv201Receipt, "1")
    assert approval.body.list_state is not None
    assert approval.body.list_state.invt_preent_no == seq_no
    assert approval.body.result is not None
    assert approval.body.result.tms_cnt == "1"
    assert LIST_NO.match(approved_list_no(received))


def test_a_re_declaration_without_raising_the_change_count_is_returned(
    make_exchange: ExchangeFactory, clock: Clock
) -> None:
    exchange = make_exchange()
    file_a_returned_list(exchange)
    clock.advance(600)

    # When the corrected list is declared again with ChgTmsCnt still 0
    exchange.submit(messages.bonded_list())
    received = exchange.run()

    # Then it is returned again, with a reason about the change count
    assert summaries(received) == ["CommonResponeMessage 0", "INV201 Y", "INV201 3"]
    reasons = notes(one(received, Inv201Receipt, "3"))
    assert any("ChgTmsCnt" in reason and "变更次数应为1" in reason for reason in reasons), reasons


def test_declaring_again_with_the_same_change_count_keeps_the_first_answers_receipts(
    make_exchange: ExchangeFactory, clock: Clock
) -> None:
    # Given a returned list whose receipts the enterprise has not read yet
    exchange = make_exchange()
    file_a_returned_list(exchange)
    clock.advance(600)

    # When it is declared again with the same change count (and returned again)
    exchange.submit(messages.bonded_list())
    exchange.run()

    # Then the InBox still holds both answers: two stored, two returned, both reasons
    inbox = exchange.inbox()
    assert summaries(inbox).count("INV201 Y") == 2
    returns = [
        item.message
        for item in inbox
        if isinstance(item.message, Inv201Receipt) and item.summary == "INV201 3"
    ]
    reasons = [note for review in returns for note in notes(review)]
    assert any("DclTotalAmt" in reason for reason in reasons), reasons
    assert any("ChgTmsCnt" in reason for reason in reasons), reasons


# --- 9. a declaration filed directly -------------------------------------------------------


def test_an_export_declaration_filed_directly_is_accepted_released_and_closed(
    make_exchange: ExchangeFactory,
) -> None:
    exchange = make_exchange()
    sent = exchange.submit(messages.declaration())

    received = exchange.run()

    assert summaries(received) == [
        "DecImportResponse 0",
        "DEC_RESULT L",
        "DEC_RESULT G",
        "DEC_RESULT P",
        "DEC_RESULT R",
    ]
    assert received[0].name == f"Successed_{sent}"
    response = one(received, DecImportResponse)
    assert response.client_seq_no == "SOLARDEC0000000001"
    assert response.seq_no is not None
    statuses = [item.message for item in received[1:]]
    assert all(isinstance(status, DecResultMessage) for status in statuses)
    results = [status.result for status in statuses if isinstance(status, DecResultMessage)]
    assert {result.cus_ciq_no for result in results} == {response.seq_no}
    entry_ids = {result.entry_id for result in results}
    assert len(entry_ids) == 1
    [entry_id] = entry_ids
    assert entry_id is not None
    assert EIGHTEEN_DIGITS.match(entry_id)


def test_an_import_with_duty_payable_on_a_line_gets_t_before_release(
    make_exchange: ExchangeFactory,
) -> None:
    exchange = make_exchange()
    exchange.submit(import_declaration(dutiable_line=2))

    received = exchange.run()

    assert summaries(received) == [
        "DecImportResponse 0",
        "DEC_RESULT L",
        "DEC_RESULT G",
        "DEC_RESULT T",
        "DEC_RESULT P",
    ]


def test_a_declaration_with_an_unknown_country_code_is_returned_with_reasons(
    make_exchange: ExchangeFactory,
) -> None:
    exchange = make_exchange()
    declaration = declaration_with_head(messages.declaration(), trade_country="999")
    exchange.drop("DecMessage__SOLARDEC0000000001__c0__country999.xml", render(declaration))

    received = exchange.run()

    assert summaries(received) == ["DecImportResponse 0", "DEC_RESULT E"]
    returned = channel(received, "E").result
    assert returned.note is not None
    assert "DecMessage/DecHead/TradeCountry" in returned.note
    assert "999" in returned.note
    assert returned.entry_id is None


# --- 10. restart safety --------------------------------------------------------------------


def test_a_restarted_simulator_does_not_answer_a_file_twice(
    make_exchange: ExchangeFactory,
) -> None:
    # Given a list customs has answered
    exchange = make_exchange()
    sent = exchange.submit(messages.bonded_list())
    exchange.run()
    before = [(item.name, item.payload) for item in exchange.inbox()]

    # When the same file shows up in the OutBox again and a new simulator starts
    shutil.copy2(exchange.folders.sentbox / sent, exchange.folders.outbox / sent)
    answered, released = exchange.new_simulator().run_once()

    # Then it is moved to SentBox without a new answer
    assert (answered, released) == ([], [])
    assert names_in(exchange.folders.outbox) == []
    assert len(names_in(exchange.folders.sentbox)) == 2
    assert [(item.name, item.payload) for item in exchange.inbox()] == before


def test_a_torn_journal_line_from_a_crash_is_dropped_and_the_file_answered_again_the_same(
    make_exchange: ExchangeFactory,
) -> None:
    """Given two lists answered one after the other (one journal line each), when the
    simulator dies while appending the second answer's line (a torn line) and the
    second file is back in the OutBox, then a new simulator answers it again with
    the same receipts, and the state it folds into the snapshot knows both lists."""
    exchange = make_exchange()
    exchange.submit(messages.bonded_list(inner_no="SOLAR-IN-0001"))
    exchange.run()
    second = exchange.submit(messages.bonded_list(inner_no="SOLAR-IN-0002"))
    exchange.run()
    before = [(item.name, item.payload) for item in exchange.inbox()]
    journal = exchange.workdir / "state.journal"
    first_line, second_line, _ = journal.read_bytes().split(b"\n")
    journal.write_bytes(first_line + b"\n" + second_line[: len(second_line) // 2])
    os.replace(exchange.folders.sentbox / second, exchange.folders.outbox / second)
    for path in exchange.folders.inbox.iterdir():
        if "SOLAR-IN-0002" in path.name or path.name.endswith(second):
            path.unlink()

    restarted = exchange.new_simulator()
    answered, _ = restarted.run_once()

    assert [item.file_name for item in answered] == [second]
    assert sorted((item.name, item.payload) for item in exchange.inbox()) == sorted(before)
    # The snapshot holds the first answer (folded at the restart), the journal the second.
    assert sorted(SimulatorState.load(exchange.workdir / "state.json").lists) == ["SOLAR-IN-0001"]
    state = StateStore(exchange.workdir / "state.json").load()
    assert sorted(state.lists) == ["SOLAR-IN-0001", "SOLAR-IN-0002"]
    assert state.was_answered(second)


def test_a_damaged_committed_journal_line_is_refused_by_line_and_nothing_is_folded(
    make_exchange: ExchangeFactory,
) -> None:
    """Given two answers journalled, when the first committed line is damaged (not a
    crash: a crash tears only the last), then loading names the journal's line, and
    neither the snapshot nor the journal is rewritten."""
    exchange = make_exchange()
    exchange.submit(messages.bonded_list(inner_no="SOLAR-IN-0001"))
    exchange.run()
    exchange.submit(messages.bonded_list(inner_no="SOLAR-IN-0002"))
    exchange.run()
    journal = exchange.workdir / "state.journal"
    _, second_line, _ = journal.read_bytes().split(b"\n")
    damaged = b'{"lists": ' + b"\n" + second_line + b"\n"
    journal.write_bytes(damaged)

    with pytest.raises(ValueError, match=r"state\.journal:1: not a journal line"):
        StateStore(exchange.workdir / "state.json").load()
    assert journal.read_bytes() == damaged


def test_receipts_not_yet_due_are_released_in_order_by_a_new_simulator_when_the_clock_advances(
    make_exchange: ExchangeFactory, clock: Clock
) -> None:
    # Given customs that spaces one document's receipts a minute apart
    exchange = make_exchange(behaviour(receipt_delay_seconds=60))
    exchange.submit(messages.bonded_list())

    # When it answers at once, only the import result is due
    assert summaries(exchange.run()) == ["CommonResponeMessage 0"]
    assert exchange.simulator.pending() == 5

    # Then a new simulator releases nothing before its time...
    restarted = exchange.new_simulator()
    clock.advance(59)
    assert restarted.run_once() == ([], [])
    # ...the stored receipt after one minute...
    clock.advance(1)
    _, released = restarted.run_once()
    assert summaries(exchange.read(exchange.folders.inbox / name) for name in released) == [
        "INV201 Y"
    ]
    # ...and the rest, in customs' order, once they are all due
    clock.advance(240)
    _, released = exchange.new_simulator().run_once()
    assert (
        summaries(exchange.read(exchange.folders.inbox / name) for name in released)
        == (LIST_ANSWERS[2:])
    )
    assert summaries(exchange.inbox()) == LIST_ANSWERS
    assert exchange.simulator.pending() == 0


def test_a_refused_file_found_again_after_a_crash_still_ends_in_failbox(
    make_exchange: ExchangeFactory,
) -> None:
    # Given a garbage file customs refused, found again in the OutBox (a crash between
    # saving the state and moving the file leaves it there)
    exchange = make_exchange()
    name = exchange.drop("INV101__SOLAR-IN-0001__c0__garbage.xml", b"garbage")
    exchange.run()
    shutil.copy2(exchange.folders.failbox / name, exchange.folders.outbox / name)

    # When a new simulator starts
    assert exchange.new_simulator().run_once() == ([], [])

    # Then the file joins its first copy in FailBox, not SentBox
    assert names_in(exchange.folders.outbox) == []
    assert names_in(exchange.folders.sentbox) == []
    assert len(names_in(exchange.folders.failbox)) == 2


# --- 11. every file validates against the project's XSDs ----------------------------------


ENVELOPED = {"INV201", "INV202", "INV211", "SAS221", "SAS223", "SAS224"}


@pytest.mark.parametrize(
    ("xmldsig_share", "envelope_root"),
    [pytest.param(0.0, "Package", id="bare"), pytest.param(1.0, "Signature", id="xmldsig")],
)
def test_every_file_the_simulator_writes_validates_against_the_xsd(
    make_exchange: ExchangeFactory, xmldsig_share: float, envelope_root: str
) -> None:
    # Given customs that inspects at the gate and writes every receipt in one envelope style
    exchange = make_exchange(behaviour(gate_inspection_rate=1, xmldsig_share=xmldsig_share))

    # When it answers every kind of file: lists, gate passes, declarations, good and bad
    _, list_no = file_an_approved_list(exchange)
    exchange.submit(messages.gate_pass(list_no=list_no))
    returned = with_line(messages.bonded_list(inner_no="SOLAR-IN-0002"), 1, dcl_qty=Decimal(1))
    exchange.submit(returned)
    exchange.submit(gate_pass("QD960126I000000999", "SOLAR-GP-0002"))
    exchange.submit(messages.declaration())
    bad_country = declaration_with_head(
        messages.declaration(client_seq_no="SOLARDEC0000000003"), trade_country="999"
    )
    exchange.drop("DecMessage__bad_country.xml", render(bad_country))
    exchange.drop("DecMessage__broken.xml", b"<DecMessage version='4.8'/>")
    exchange.drop("INV101__garbage.xml", b"garbage")
    exchange.run()

    # Then every InBox file passes its XSD, enveloped ones in the chosen style
    inbox = exchange.inbox()
    seen = set()
    wrapped = 0
    for item in inbox:
        message_type = message_type_of(item.message)
        root = parse_untrusted(item.payload, source=item.name)
        if local_name(root) == "DxpMsg":  # a declaration receipt in the DXP envelope
            wrapped += 1
            (data,) = [child for child in root if local_name(child) == "Data"]
            root = parse_untrusted(base64.b64decode(data.text or ""), source=item.name)
        check_against_schema(root, message_type, source=item.name)
        if message_type.value in ENVELOPED:
            assert local_name(root) == envelope_root, item.name
        seen.add(message_type.value)
    assert seen == ENVELOPED | {"CommonResponeMessage", "DecImportResponse", "DEC_RESULT"}
    assert {"INV201 3", "SAS221 3", "DEC_RESULT E", "DecImportResponse 1"} <= set(summaries(inbox))
    # and a share of the declaration receipts came inside DxpMsg, as the DXP node sends them
    assert wrapped >= 1


# --- 12. end to end with the receipt watcher --------------------------------------------


def test_the_receipt_watcher_records_every_receipt_against_its_document(
    db: Database, make_exchange: ExchangeFactory, clock: Clock
) -> None:
    # Given the engine's records on a real database, the gateway, customs and the watcher
    records = CustomsRecords(db, clock=clock)
    exchange = make_exchange(records=records)
    watcher = ReceiptWatcher(exchange.folders, records, clock=clock)

    # When a list is filed and answered, and then its vehicle's gate pass
    exchange.submit(messages.bonded_list())
    listed = exchange.run()
    taken = watcher.scan_once()
    list_no = records.document(Number.INNER_NO, "SOLAR-IN-0001").business_no
    assert list_no is not None
    clock.advance(3600)
    exchange.submit(messages.gate_pass(list_no=list_no))
    passed = exchange.run()
    taken += watcher.scan_once()

    # Then every receipt was recorded once, against the right document, in customs' order
    assert [item.disposition for item in taken] == [Disposition.RECORDED] * 10
    bonded_list = records.document(Number.INNER_NO, "SOLAR-IN-0001")
    gate_pass = records.document(Number.INNER_NO, "SOLAR-GP-0001")
    assert [(r.message_type, r.result) for r in records.receipts(bonded_list.id)] == [
        ("CommonResponeMessage", "0"),
        ("INV201", "Y"),
        ("INV201", "1"),
        ("INV202", "1"),
        ("DEC_RESULT", "L"),
        ("DEC_RESULT", "P"),
        ("INV211", None),
    ]
    assert [(r.message_type, r.result) for r in records.receipts(gate_pass.id)] == [
        ("CommonResponeMessage", "0"),
        ("SAS221", "1"),
        ("SAS223", "1"),
    ]

    # And the documents learned the numbers customs gave them
    assert bonded_list.pre_entry_no == one(listed, CommonResponeMessage).seq_no
    assert bonded_list.business_no == approved_list_no(listed)
    generated = one(listed, Inv202Receipt).body.result
    assert generated is not None
    assert bonded_list.declaration_seq_no == generated.entry_seq_no
    assert bonded_list.entry_id == channel(listed, "L").result.entry_id
    assert bonded_list.entry_id is not None
    (pass_state,) = one(passed, Sas221Receipt).body.passes
    assert gate_pass.business_no == pass_state.passport_no
    assert gate_pass.pre_entry_no == one(passed, CommonResponeMessage).seq_no

    # And nothing is left in the InBox, nothing was quarantined
    assert names_in(exchange.folders.inbox) == []
    assert names_in(exchange.folders.quarantine) == []


def test_some_producers_add_a_result_block_to_the_posting_receipt(
    make_exchange: ExchangeFactory,
) -> None:
    # Given customs that writes INV211 with a result block, as some producers do
    exchange = make_exchange(behaviour(posting_result_share=1))
    _, list_no = file_an_approved_list(exchange)

    # When the vehicle passes the gate and the list is posted
    exchange.submit(messages.gate_pass(list_no=list_no))
    posted = one(exchange.run(), Inv211Receipt).body

    # Then the receipt says 1 and still echoes the posted head and its book lines
    assert posted.result is not None
    assert posted.result.manage_result == "1"
    assert posted.list_state is not None
    assert posted.list_state.bond_invt_no == list_no
    assert posted.warehouse_lines
