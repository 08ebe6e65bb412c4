"""What bondflow draws from what customs sends back (pure).

The receipt models keep every element as the text customs wrote; these rules give
it meaning, and never refuse: a code bondflow does not know is an ``UnknownCode``
carrying the text, a time that does not parse is ``None`` (the caller falls back
to the time the receipt arrived), a weight that is not a plain number is ``None``.

- **review** (INV201, SAS221 审核结果): manageResult as a ``ReviewResult``.
- **gate passage** (SAS223 过卡, SAS253 两步申报核放单过卡): manageResult as a
  ``GateResult``, the pass, the gate's time, the scale's reading, the lists it carried.
- **inspection disposal** (SAS224 查验处置): customs' disposal of a pass it inspected
  at the gate. Its manageResult codes are published nowhere we found (a real one
  says 3 for a pass whose status is 2 已过卡), so the code is kept as sent and
  bondflow acts on none of it.
- **numbers**: list, pass, pre-entry, declaration and entry numbers; the change count.
- **customs' time**: manageDate, createDate, passTime, NOTICE_DATE in every format
  real files use.
- **reasons**: CheckInfo notes, else the remark (rmk); INV202 reason; DEC_RESULT NOTE;
  DecImportResponse ErrorMessage; CommonResponeMessage CheckInfo.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import TypeVar

from schemas.messages.codes import (
    DealFlag,
    DeclarationChannel,
    GatePassStatus,
    GateResult,
    GenerationResult,
    ImportResponseCode,
    ReviewResult,
)
from schemas.messages.fields import DOCUMENT_ZONE
from schemas.messages.receipts import (
    BondInvtBsc,
    CheckInfo,
    HdeApprResult,
    InvApprResult,
    Sas2stepPassportBsc,
    SasPassportBsc,
)
from schemas.messages.responses import (
    CommonResponeMessage,
    DecImportResponse,
    DecResult,
)

E = TypeVar("E", bound=StrEnum)


@dataclass(frozen=True)
class UnknownCode:
    """A code bondflow does not know, or none at all (``code`` is then None)."""

    code: str | None


def clean(text: str | None) -> str | None:
    """The text without surrounding white space; an empty element is no value."""
    if text is None:
        return None
    stripped = text.strip()
    return stripped or None


def code_in(codes: type[E], text: str | None) -> E | UnknownCode:
    """``text`` as a member of ``codes``, or an UnknownCode that keeps it."""
    value = clean(text)
    if value is None:
        return UnknownCode(None)
    try:
        return codes(value)
    except ValueError:
        return UnknownCode(value)


# --- times ------------------------------------------------------------------------------

_TIME_FORMATS = (
    # (pattern, strptime format): receipts 2026-11-28 14:03:00, DEC_RESULT 2026-11-28T14:03:00,
    # the old DEC_RESULT 20180208T15032200 (hundredths), compact times and bare days.
    (re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}", re.ASCII), "%Y-%m-%d %H:%M:%S"),
    (re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}", re.ASCII), "%Y-%m-%dT%H:%M:%S"),
    (re.compile(r"\d{8}T\d{6}", re.ASCII), "%Y%m%dT%H%M%S"),
    (re.compile(r"\d{14}", re.ASCII), "%Y%m%d%H%M%S"),
    (re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII), "%Y-%m-%d"),
    (re.compile(r"\d{8}", re.ASCII), "%Y%m%d"),
)
_FRACTION = re.compile(r"[.,]\d{1,6}$|(?<=T\d{6})\d{1,3}$", re.ASCII)
_OFFSET = re.compile(r"(Z|[+-]\d{2}:?\d{2})$", re.ASCII)


def customs_time(text: str | None) -> dt.datetime | None:
    """A time customs wrote, aware (Beijing time unless it names an offset), to the
    second; None when it is absent or in no format real files use."""
    value = clean(text)
    if value is None:
        return None
    offset = _OFFSET.search(value) if "T" in value else None
    zone: dt.tzinfo = DOCUMENT_ZONE
    if offset is not None:
        value = value[: offset.start()]
        zone = _zone_of(offset.group(1))
    value = _FRACTION.sub("", value)
    for pattern, layout in _TIME_FORMATS:
        if pattern.fullmatch(value):
            try:
                return dt.datetime.strptime(value, layout).replace(tzinfo=zone)
            except ValueError:
                return None  # the right shape, an impossible date (2026-02-30)
    return None


def _zone_of(offset: str) -> dt.tzinfo:
    if offset == "Z":
        return dt.UTC
    sign = -1 if offset[0] == "-" else 1
    digits = offset[1:].replace(":", "")
    return dt.timezone(sign * dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))


# --- numbers ----------------------------------------------------------------------------

_PLAIN_DECIMAL = re.compile(r"\d{1,20}(\.\d{1,10})?", re.ASCII)
_WHOLE = re.compile(r"\d{1,9}", re.ASCII)


def weight(text: str | None) -> Decimal | None:
    """Kilograms as customs wrote them: a plain non-negative decimal, else None."""
    value = clean(text)
    if value is None or not _PLAIN_DECIMAL.fullmatch(value):
        return None
    try:
        return Decimal(value)
    except InvalidOperation:  # pragma: no cover - the pattern already guards
        return None


def whole_number(text: str | None) -> int | None:
    """A count customs wrote (变更次数): digits only, else None. ``1.0`` reads as 1
    (the SAS XSD types chgTmsCnt as a double)."""
    value = clean(text)
    if value is None:
        return None
    if value.endswith(".0"):
        value = value[:-2]
    return int(value) if _WHOLE.fullmatch(value) else None


def joined_numbers(text: str | None) -> tuple[str, ...]:
    """rltNo: several numbers joined by a backslash (some producers use a comma)."""
    value = clean(text)
    if value is None:
        return ()
    return tuple(part.strip() for part in re.split(r"[\\,;]", value) if part.strip())


# --- review (INV201, SAS221) --------------------------------------------------------------


def review_of(result: HdeApprResult | None) -> ReviewResult | UnknownCode:
    """处理结果 of a review: Y stored, 1 approved, 2 manual review, 3 returned... ; a
    receipt without a result block, or with a code not in ReviewResult, is unknown."""
    return code_in(ReviewResult, result.manage_result if result else None)


def change_count_of(result: HdeApprResult | None, head: BondInvtBsc | None) -> int | None:
    """The change count (ChgTmsCnt) a list receipt answers: tmsCnt, else the head's."""
    counted = whole_number(result.tms_cnt) if result else None
    if counted is None and head is not None:
        counted = whole_number(head.chg_tms_cnt)
    return counted


@dataclass(frozen=True)
class ListNumbers:
    """The numbers a bonded-list receipt names its list by."""

    inner_no: str | None  # 企业内部清单编号 (BondInvtBsc only)
    pre_entry_no: str | None  # 清单预录入编号 (BondInvtBsc only)
    list_no: str | None  # 保税清单编号
    echoed: str | None  # HdeApprResult/etpsPreentNo: customs' pre-entry no, or ours


def list_numbers_of(result: HdeApprResult | None, head: BondInvtBsc | None) -> ListNumbers:
    echoed = clean(result.etps_preent_no) if result else None
    return ListNumbers(
        inner_no=clean(head.etps_inner_invt_no) if head else None,
        pre_entry_no=clean(head.invt_preent_no) if head else None,
        list_no=(clean(head.bond_invt_no) if head else None)
        or (clean(result.business_id) if result else None),
        echoed=echoed,
    )


def reasons_of(checks: Iterable[CheckInfo], remark: str | None = None) -> tuple[str, ...]:
    """The reasons customs gives: its CheckInfo notes, else the result's remark."""
    notes = tuple(note for check in checks if (note := clean(check.note)) is not None)
    if notes:
        return notes
    fallback = clean(remark)
    return (fallback,) if fallback else ()


# --- gate passes (SAS221, SAS223, SAS224, SAS253) -----------------------------------------


@dataclass(frozen=True)
class PassNumbers:
    pass_no: str | None  # 核放单编号
    pre_entry_no: str | None  # 核放单预录入编号 (customs' SeqNo of the SAS121; head only)
    echoed: str | None  # HdeApprResult/etpsPreentNo


def pass_numbers_of(
    result: HdeApprResult | None, head: SasPassportBsc | Sas2stepPassportBsc | None
) -> PassNumbers:
    echoed = clean(result.etps_preent_no) if result else None
    return PassNumbers(
        pass_no=(clean(head.passport_no) if head else None)
        or (clean(result.business_id) if result else None),
        pre_entry_no=clean(head.sas_passport_preent_no) if head else None,
        echoed=echoed,
    )


def measured_weight(head: SasPassportBsc | None) -> Decimal | None:
    """What the gate weighed: the scale's reading (passCollectWt), else the pass's
    total weight (totalWt). A reading of 0 is a scale that collected nothing (a
    real SAS224 has passCollectWt 0 and wtError equal to totalWt)."""
    if head is None:
        return None
    collected = weight(head.pass_collect_wt)
    if collected:
        return collected
    return weight(head.total_wt)


@dataclass(frozen=True)
class GatePassage:
    """A vehicle at the gate (SAS223, SAS253)."""

    outcome: GateResult | UnknownCode  # manageResult: 1 passed, 2 not passed
    pass_no: str | None
    pass_status: GatePassStatus | UnknownCode  # stucd: 2 已过卡, 3/4 one of two gates
    passed_at: dt.datetime | None  # passTime (the first gate), else manageDate
    measured_weight: Decimal | None  # SAS223 only: SAS253's pass has no weights
    list_numbers: tuple[str, ...]  # rltNo: the lists the vehicle carried (SAS223)

    @property
    def passed(self) -> bool:
        """Through the gate: customs says so, or the pass's status does."""
        return self.outcome is GateResult.PASSED or self.pass_status in (
            GatePassStatus.THROUGH_GATE,
            GatePassStatus.THROUGH_FIRST_GATE,
            GatePassStatus.THROUGH_SECOND_GATE,
        )


def gate_passage_of(
    result: HdeApprResult | None, head: SasPassportBsc | Sas2stepPassportBsc | None
) -> GatePassage:
    passed_at = customs_time(head.pass_time) if head else None
    return GatePassage(
        outcome=code_in(GateResult, result.manage_result if result else None),
        pass_no=pass_numbers_of(result, head).pass_no,
        pass_status=code_in(GatePassStatus, head.stucd if head else None),
        passed_at=passed_at or (customs_time(result.manage_date) if result else None),
        measured_weight=measured_weight(head) if isinstance(head, SasPassportBsc) else None,
        list_numbers=joined_numbers(head.rlt_no) if isinstance(head, SasPassportBsc) else (),
    )


# --- INV202 -------------------------------------------------------------------------------


def generation_of(result: InvApprResult | None) -> GenerationResult | UnknownCode:
    """INV202: was the declaration generated from the list (1) or not (2)."""
    return code_in(GenerationResult, result.manage_result if result else None)


# --- the declaration system's answers ---------------------------------------------------


def import_accepted(response: DecImportResponse) -> bool:
    """DecImportResponse: imported only when ResponseCode says 0."""
    return code_in(ImportResponseCode, response.response_code) is ImportResponseCode.ACCEPTED


def deal_flag_of(response: CommonResponeMessage) -> DealFlag | UnknownCode:
    """CommonResponeMessage DealFlag: 0 imported; any other value is a failure (-1 in
    real files); none at all is unknown."""
    value = clean(response.deal_flag)
    if value is None:
        return UnknownCode(None)
    return DealFlag.OK if value == DealFlag.OK.value else DealFlag.FAILED


def channel_of(result: DecResult) -> DeclarationChannel | UnknownCode:
    return code_in(DeclarationChannel, result.channel)


def declaration_seq_no_of(result: DecResult) -> str | None:
    """数据中心统一编号: CUS_CIQ_NO in the current form, SEQ_NO in the old one."""
    return clean(result.cus_ciq_no) or clean(result.seq_no)


CHANNELS_WITH_REASONS = frozenset(
    {
        DeclarationChannel.RETURNED,
        DeclarationChannel.RETURNED_FOR_CORRECTION,
        DeclarationChannel.DELETED,
    }
)


def channel_reasons(result: DecResult, info: str | None = None) -> tuple[str, ...]:
    """Why a declaration was returned or deleted: NOTE, else RESULT_INFO."""
    if channel_of(result) not in CHANNELS_WITH_REASONS:
        return ()
    reason = clean(result.note) or clean(info)
    return (reason,) if reason else ()
