"""What customs' receipts of a document say, as verdicts and channels (pure).

A lifecycle keeps every receipt it was sent by id; these functions read the whole
set, so a receipt delivered twice or out of order changes nothing:

- **review** of a list (INV201 审核结果, or the client's CommonResponeMessage refusing
  the file): pending, manual review, approved or returned with customs' reasons;
  the latest by customs' time decides (``review``; a transfer's side: ``side_review``);
- **the declaration's channel** (DEC_RESULT 报关单状态): released (P), duties payable
  (T), inspection (C, S), ended (E, Z, D), closed (结关, R) (``clearance``);
- **the gate pass**: returned (SAS221 3) with its reasons, through the gate (SAS223)
  with the scale's reading (``gate_pass``).

The codes are the enums of ``schemas.messages.codes``; a code customs sends that is
not known there means nothing here (still waiting), never a guess. Workflows import
this module (pure: no I/O, no clock; the workflow passes its own time for receipts
without one).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Protocol, TypeVar

from schemas.messages.codes import DealFlag, DeclarationChannel, MessageType, ReviewResult

APPROVALS = frozenset(
    {ReviewResult.APPROVED, ReviewResult.PRE_DEDUCTED, ReviewResult.APPROVED_NOT_DEDUCTED}
)
RELEASED = DeclarationChannel.RELEASED
DUTIES_PAYABLE = frozenset({DeclarationChannel.DUTIES_PAYABLE, DeclarationChannel.RELEASED})
INSPECTIONS = frozenset({DeclarationChannel.INSPECTION_NOTICE, DeclarationChannel.INSPECTING})
ENDINGS = frozenset(
    {
        DeclarationChannel.RETURNED,
        DeclarationChannel.RETURNED_FOR_CORRECTION,
        DeclarationChannel.DELETED,
    }
)


class Receipt(Protocol):
    """A receipt as a lifecycle keeps it (``schemas.lifecycle.ReceiptSignal``)."""

    @property
    def receipt_id(self) -> int: ...
    @property
    def inner_no(self) -> str | None: ...
    @property
    def message_type(self) -> str: ...
    @property
    def result(self) -> str | None: ...
    @property
    def business_time(self) -> dt.datetime | None: ...
    @property
    def change_count(self) -> int | None: ...
    @property
    def list_no(self) -> str | None: ...
    @property
    def pre_entry_no(self) -> str | None: ...
    @property
    def measured_weight(self) -> Decimal | None: ...
    @property
    def reasons(self) -> tuple[str, ...]: ...


class Verdict(StrEnum):
    """Where customs' review of a filed list stands."""

    PENDING = "pending"  # nothing final yet (stored, generated, unknown codes)
    MANUAL = "manual"  # 转人工
    APPROVED = "approved"  # 通过 (and pre-deducted or not)
    RETURNED = "returned"  # 退单, or the client refused the file


@dataclass(frozen=True)
class Review:
    verdict: Verdict
    reasons: tuple[str, ...] = ()  # customs' reasons for a return
    list_no: str | None = None  # the list's number, from the deciding receipt


PENDING = Review(Verdict.PENDING)
R = TypeVar("R", bound=Receipt)


def _in_customs_order(receipts: Iterable[R], now: dt.datetime) -> list[R]:
    """By customs' time (the workflow's own time for a receipt without one), then id."""
    return sorted(receipts, key=lambda r: (r.business_time or now, r.receipt_id))


def _review_result(text: str | None) -> ReviewResult | None:
    try:
        return ReviewResult(text) if text is not None else None
    except ValueError:
        return None


def review(
    receipts: Iterable[Receipt], *, since: int, change_count: int, now: dt.datetime
) -> Review:
    """The review of a list's current filing: receipts from ``since`` on (earlier
    filings' are history), INV201 of this ChgTmsCnt (or none named) and the client's
    refusals of the file; the latest by customs' time decides, except that a receipt
    saying nothing final (stored, generated) leaves the verdict before it standing."""
    current = [
        r
        for r in receipts
        if r.receipt_id >= since
        and (
            (r.message_type == MessageType.INV201 and r.change_count in (None, change_count))
            or (r.message_type == MessageType.COMMON_RESPONSE and r.result == DealFlag.FAILED)
        )
    ]
    verdict = PENDING
    for receipt in _in_customs_order(current, now):
        if receipt.message_type == MessageType.COMMON_RESPONSE:
            verdict = Review(Verdict.RETURNED, receipt.reasons or ("the client refused the file",))
            continue
        result = _review_result(receipt.result)
        if result in APPROVALS:
            verdict = Review(Verdict.APPROVED, verdict.reasons, receipt.list_no)
        elif result is ReviewResult.RETURNED:
            verdict = Review(Verdict.RETURNED, receipt.reasons or ("returned without a reason",))
        elif result is ReviewResult.MANUAL_REVIEW:
            verdict = Review(Verdict.MANUAL, verdict.reasons)
    return verdict


def side_review(
    receipts: Iterable[Receipt],
    *,
    inner_no: str,
    since: int,
    change_count: int,
    now: dt.datetime,
) -> Review:
    """The review of one side of a transfer (its own inner number): the latest final
    INV201 (approved or returned) of its current filing; pending until there is one."""
    finals = [
        r
        for r in receipts
        if r.inner_no == inner_no
        and r.receipt_id >= since
        and r.message_type == MessageType.INV201
        and r.change_count in (None, change_count)
        and (
            _review_result(r.result) in APPROVALS
            or _review_result(r.result) is ReviewResult.RETURNED
        )
    ]
    if not finals:
        return PENDING
    final = _in_customs_order(finals, now)[-1]
    if _review_result(final.result) is ReviewResult.RETURNED:
        return Review(Verdict.RETURNED, final.reasons)
    return Review(Verdict.APPROVED, list_no=final.list_no)


def first_pre_entry_no(receipts: Iterable[Receipt], inner_no: str) -> str | None:
    """Customs' pre-entry number (预录入号) of a document: the first receipt giving it."""
    for receipt in sorted(receipts, key=lambda r: r.receipt_id):
        if receipt.inner_no == inner_no and receipt.pre_entry_no:
            return receipt.pre_entry_no
    return None


# --- the declaration's channel (DEC_RESULT) ---------------------------------------------


@dataclass(frozen=True)
class Clearance:
    """The declaration's channel now: the latest DEC_RESULT by customs' time, except
    that a release wins over a late inspection notice (customs releases only after
    it). ``None`` while there is none, or the latest is a code not known."""

    channel: DeclarationChannel | None

    @property
    def released(self) -> bool:
        return self.channel is RELEASED

    @property
    def duties_payable(self) -> bool:
        """Duties are (or were) payable: the notice (T), or the release after it (P)."""
        return self.channel in DUTIES_PAYABLE

    @property
    def inspection(self) -> bool:
        return self.channel in INSPECTIONS

    @property
    def ended(self) -> bool:
        """Returned, sent back for correction or deleted: the declaration is over."""
        return self.channel in ENDINGS

    @property
    def deleted(self) -> bool:
        """Deleted by customs: nothing is left for bondflow to ask to delete."""
        return self.channel is DeclarationChannel.DELETED


def _channel(text: str | None) -> DeclarationChannel | None:
    try:
        return DeclarationChannel(text) if text is not None else None
    except ValueError:
        return None


def clearance(receipts: Iterable[Receipt], *, now: dt.datetime) -> Clearance:
    results = _in_customs_order(
        (r for r in receipts if r.message_type == MessageType.DEC_RESULT), now
    )
    if any(r.result == RELEASED for r in results):
        return Clearance(RELEASED)
    return Clearance(_channel(results[-1].result) if results else None)


def closed(receipts: Iterable[Receipt]) -> bool:
    """结关: customs closed the declaration (DEC_RESULT R), the train has left."""
    return any(
        r.message_type == MessageType.DEC_RESULT and r.result == DeclarationChannel.CLOSED
        for r in receipts
    )


# --- the gate pass (SAS221, SAS223) and the book (INV211) -------------------------------


def latest(receipts: Iterable[Receipt], message_type: MessageType) -> Receipt | None:
    """The last receipt of a type, by arrival."""
    found = [r for r in receipts if r.message_type == message_type]
    return max(found, key=lambda r: r.receipt_id) if found else None


@dataclass(frozen=True)
class GatePass:
    """The gate pass's current filing: through the gate (SAS223) with the scale's
    reading, or returned (SAS221 3) with the reasons of the latest return."""

    passed: bool
    measured_weight: Decimal | None = None
    returned: bool = False
    reasons: tuple[str, ...] = ()


def gate_pass(receipts: Iterable[Receipt], *, since: int) -> GatePass:
    kept = list(receipts)
    passage = latest(kept, MessageType.SAS223)
    if passage is not None:
        return GatePass(passed=True, measured_weight=passage.measured_weight)
    returns = [
        r
        for r in kept
        if r.message_type == MessageType.SAS221
        and _review_result(r.result) is ReviewResult.RETURNED
        and r.receipt_id >= since
    ]
    if not returns:
        return GatePass(passed=False)
    last = max(returns, key=lambda r: r.receipt_id)
    return GatePass(passed=False, returned=True, reasons=last.reasons)


def posted(receipts: Iterable[Receipt]) -> bool:
    """The list is posted on the book (INV211 记账回执)."""
    return latest(receipts, MessageType.INV211) is not None
