"""What a document's receipts say: tables of receipts in, verdicts and channels out.

Each row is a set of receipts as a lifecycle keeps them (by id, in any order of
arrival); the verdict is derived from the whole set, so shuffling or repeating a
receipt never changes it.
"""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import pytest

from rules.receipts import (
    Review,
    Verdict,
    clearance,
    closed,
    first_pre_entry_no,
    gate_pass,
    posted,
    review,
    side_review,
)
from schemas.lifecycle import ReceiptSignal
from schemas.messages.codes import DeclarationChannel

NOW = dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC)


def at(minutes: int) -> dt.datetime:
    return NOW - dt.timedelta(hours=2) + dt.timedelta(minutes=minutes)


def receipt(
    receipt_id: int,
    message_type: str,
    result: str | None,
    *,
    minute: int | None = None,
    change_count: int | None = None,
    reasons: tuple[str, ...] = (),
    inner_no: str | None = None,
    list_no: str | None = None,
    pre_entry_no: str | None = None,
    weight: str | None = None,
) -> ReceiptSignal:
    return ReceiptSignal(
        receipt_id=receipt_id,
        inner_no=inner_no,
        message_type=message_type,
        result=result,
        business_time=at(minute if minute is not None else receipt_id),
        change_count=change_count,
        reasons=reasons,
        list_no=list_no,
        pre_entry_no=pre_entry_no,
        measured_weight=Decimal(weight) if weight else None,
    )


STORED = receipt(1, "INV201", "Y")
MANUAL = receipt(2, "INV201", "2")
APPROVED = receipt(3, "INV201", "1", list_no="QD460124E000001")
PRE_DEDUCTED = receipt(3, "INV201", "4")
NOT_DEDUCTED = receipt(3, "INV201", "5")
RETURNED = receipt(3, "INV201", "3", reasons=("商品编码不符",))
RETURNED_BARE = receipt(3, "INV201", "3")
CLIENT_REFUSED = receipt(2, "CommonResponeMessage", "-1", reasons=("报文格式错误",))
CLIENT_ACCEPTED = receipt(2, "CommonResponeMessage", "0")
UNKNOWN_CODE = receipt(4, "INV201", "9")


@pytest.mark.parametrize(
    ("receipts", "expected"),
    [
        ((), Review(Verdict.PENDING)),
        ((STORED,), Review(Verdict.PENDING)),
        ((STORED, CLIENT_ACCEPTED), Review(Verdict.PENDING)),
        ((STORED, MANUAL), Review(Verdict.MANUAL)),
        ((STORED, MANUAL, APPROVED), Review(Verdict.APPROVED, list_no="QD460124E000001")),
        ((PRE_DEDUCTED,), Review(Verdict.APPROVED)),
        ((NOT_DEDUCTED,), Review(Verdict.APPROVED)),
        ((STORED, RETURNED), Review(Verdict.RETURNED, ("商品编码不符",))),
        ((RETURNED_BARE,), Review(Verdict.RETURNED, ("returned without a reason",))),
        ((CLIENT_REFUSED,), Review(Verdict.RETURNED, ("报文格式错误",))),
        (
            (receipt(2, "CommonResponeMessage", "-1"),),
            Review(Verdict.RETURNED, ("the client refused the file",)),
        ),
        # A code customs never published leaves the verdict where it was.
        ((MANUAL, UNKNOWN_CODE), Review(Verdict.MANUAL)),
    ],
    ids=[
        "nothing yet",
        "stored",
        "the client accepted",
        "manual review",
        "approved after manual review",
        "pre-deducted is approved",
        "approved not deducted is approved",
        "returned with reasons",
        "returned without reasons",
        "the client refused the file",
        "the client refused without reasons",
        "an unknown code",
    ],
)
def test_the_review_of_a_list(receipts: tuple[ReceiptSignal, ...], expected: Review) -> None:
    for order in itertools.permutations(receipts):
        for doubled in (order, order + order):
            assert review(doubled, since=0, change_count=0, now=NOW) == expected


def test_the_latest_by_customs_time_decides_not_the_latest_to_arrive() -> None:
    """Given customs' approval (10:05) delivered after a later manual review (10:30)
    arrived, the review stands at manual: customs' own order counts."""
    late_approval = receipt(9, "INV201", "1", minute=5)
    manual = receipt(8, "INV201", "2", minute=30)
    assert review([manual, late_approval], since=0, change_count=0, now=NOW).verdict is (
        Verdict.MANUAL
    )


def test_a_receipt_without_customs_time_counts_at_the_workflows_time() -> None:
    untimed = ReceiptSignal(
        receipt_id=1, message_type="INV201", result="3", business_time=None, reasons=("x",)
    )
    earlier_approval = receipt(2, "INV201", "1", minute=1)
    assert review([untimed, earlier_approval], since=0, change_count=0, now=NOW).verdict is (
        Verdict.RETURNED
    )


def test_receipts_of_an_earlier_filing_or_change_are_history() -> None:
    """Given the first filing returned and the correction filed with ChgTmsCnt 1, the
    old return no longer decides: only the new filing's receipts count."""
    old_return = receipt(3, "INV201", "3", change_count=0, reasons=("old",))
    new_stored = receipt(5, "INV201", "Y", change_count=1)
    assert review([old_return, new_stored], since=4, change_count=1, now=NOW) == Review(
        Verdict.PENDING
    )
    other_change = receipt(6, "INV201", "1", change_count=0)
    assert review([other_change], since=4, change_count=1, now=NOW).verdict is Verdict.PENDING


def test_each_side_of_a_transfer_is_reviewed_by_its_own_inner_number() -> None:
    out_ok = receipt(1, "INV201", "1", inner_no="T1-OUT", list_no="QD1")
    in_back = receipt(2, "INV201", "3", inner_no="T1-IN", reasons=("料号不符",))
    in_stored = receipt(3, "INV201", "Y", inner_no="T1-IN")
    kept = [in_stored, in_back, out_ok, out_ok]
    assert side_review(kept, inner_no="T1-OUT", since=0, change_count=0, now=NOW) == Review(
        Verdict.APPROVED, list_no="QD1"
    )
    assert side_review(kept, inner_no="T1-IN", since=0, change_count=0, now=NOW) == Review(
        Verdict.RETURNED, ("料号不符",)
    )
    assert side_review([in_stored], inner_no="T1-IN", since=0, change_count=0, now=NOW) == (
        Review(Verdict.PENDING)
    )


def test_the_pre_entry_number_is_the_first_one_customs_gave() -> None:
    kept = [
        receipt(4, "INV201", "1", inner_no="T1-IN", pre_entry_no="P2"),
        receipt(2, "INV201", "Y", inner_no="T1-IN", pre_entry_no="P1"),
        receipt(1, "INV201", "Y", inner_no="T1-OUT", pre_entry_no="P0"),
    ]
    assert first_pre_entry_no(kept, "T1-IN") == "P1"
    assert first_pre_entry_no(kept, "T9-IN") is None


def dec(receipt_id: int, channel: str, minute: int | None = None) -> ReceiptSignal:
    return receipt(receipt_id, "DEC_RESULT", channel, minute=minute)


@pytest.mark.parametrize(
    ("channels", "expected"),
    [
        ((), None),
        (("7", "L"), DeclarationChannel.STORED),
        (("L", "T"), DeclarationChannel.DUTIES_PAYABLE),
        (("L", "C"), DeclarationChannel.INSPECTION_NOTICE),
        (("C", "S"), DeclarationChannel.INSPECTING),
        (("C", "P"), DeclarationChannel.RELEASED),
        # A release wins over an inspection notice that arrived after it.
        (("P", "C"), DeclarationChannel.RELEASED),
        (("L", "E"), DeclarationChannel.RETURNED),
        (("L", "Z"), DeclarationChannel.RETURNED_FOR_CORRECTION),
        (("L", "D"), DeclarationChannel.DELETED),
        # A code not known means still waiting, never a guess.
        (("C", "Q"), None),
    ],
)
def test_the_declarations_channel(
    channels: tuple[str, ...], expected: DeclarationChannel | None
) -> None:
    kept = [dec(number, code) for number, code in enumerate(channels, start=1)]
    assert clearance(kept + kept, now=NOW).channel == expected
    assert clearance(list(reversed(kept)), now=NOW).channel == expected


def test_what_each_channel_means() -> None:
    def of(code: str) -> set[str]:
        found = clearance([dec(1, code)], now=NOW)
        meanings = {
            "released": found.released,
            "duties payable": found.duties_payable,
            "inspection": found.inspection,
            "ended": found.ended,
            "deleted": found.deleted,
        }
        return {name for name, holds in meanings.items() if holds}

    assert of("P") == {"released", "duties payable"}
    assert of("T") == {"duties payable"}
    assert of("C") == of("S") == {"inspection"}
    assert of("E") == of("Z") == {"ended"}
    assert of("D") == {"ended", "deleted"}
    assert of("L") == of("R") == set()


def test_a_declaration_is_closed_by_its_r_whenever_it_arrives() -> None:
    assert closed([dec(2, "R", minute=1), dec(1, "P", minute=50)])
    assert not closed([dec(1, "P")])


@pytest.mark.parametrize(
    ("receipts", "since", "passed", "returned", "reasons"),
    [
        ((), 0, False, False, ()),
        ((receipt(1, "SAS221", "1"),), 0, False, False, ()),
        ((receipt(1, "SAS221", "3", reasons=("车牌不符",)),), 0, False, True, ("车牌不符",)),
        # The return of an earlier filing of the pass is history.
        ((receipt(1, "SAS221", "3", reasons=("车牌不符",)),), 2, False, False, ()),
        (
            (
                receipt(1, "SAS221", "3", reasons=("first",)),
                receipt(3, "SAS221", "3", reasons=("second",)),
            ),
            0,
            False,
            True,
            ("second",),
        ),
        # Through the gate wins, whatever came before or after it.
        (
            (receipt(1, "SAS221", "3"), receipt(2, "SAS223", "1", weight="12010.5")),
            0,
            True,
            False,
            (),
        ),
    ],
)
def test_the_gate_pass(
    receipts: tuple[ReceiptSignal, ...],
    since: int,
    passed: bool,
    returned: bool,
    reasons: tuple[str, ...],
) -> None:
    for order in itertools.permutations(receipts):
        found = gate_pass(order + order, since=since)
        assert (found.passed, found.returned, found.reasons) == (passed, returned, reasons)


def test_the_scale_reading_of_the_latest_passage() -> None:
    kept = [receipt(2, "SAS223", "1", weight="100"), receipt(5, "SAS223", "1", weight="101")]
    assert gate_pass(kept, since=0).measured_weight == Decimal("101")


def test_the_list_is_posted_by_its_inv211() -> None:
    assert posted([receipt(1, "INV201", "1"), receipt(2, "INV211", "1")])
    assert not posted([receipt(1, "INV201", "1")])
