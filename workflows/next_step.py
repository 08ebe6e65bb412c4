"""The next step of a lifecycle and who it waits for, from its stage (pure): each
workflow's table (stage -> the step's code and who takes it), the English words of each
code, and the one rule on top of it: customs' silence past the receipt timeout, or a
stage past its deadline (a stocktake's counts or payment), makes the wait the
liaison's. The status query and the work queue (which reads the stage from
visibility) both say it this way."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from schemas.lifecycle import NextStep, Role, Stage

NextSteps = Mapping[Stage, tuple[NextStep, Role | None]]

# The API's words for each step (the console translates the code itself).
NEXT_STEP_WORDS: Final[Mapping[NextStep, str]] = {
    NextStep.CHECK_DRAFT: "checking the draft against the book",
    NextStep.CHECK_WORK_ORDER: "checking the work order against the norms",
    NextStep.CHECK_BOTH_BOOKS: "checking both books",
    NextStep.SIGN_OFF: "liaison sign-off",
    NextStep.RESERVE: "reserving the incoming stock",
    NextStep.RESERVE_BOTH: "reserving both sides",
    NextStep.FILE_LIST: "filing the list through the single window",
    NextStep.FILE_LISTS: "filing the lists",
    NextStep.CUSTOMS_REVIEW: "customs review of the list",
    NextStep.CUSTOMS_REVIEW_BOTH: "customs review of the lists",
    NextStep.CUSTOMS_MANUAL_REVIEW: "customs manual review",
    NextStep.CORRECT_OR_CANCEL: "correct the draft and file it again, or cancel",
    NextStep.CUSTOMS_RELEASE: "customs release of the filing list",
    NextStep.RECORD_INSPECTION: "record the inspection result",
    NextStep.PAY: "pay the duties and taxes, then confirm the payment",
    NextStep.GATE_AND_POSTING: "the vehicle through the gate and the book posted",
    NextStep.CORRECT_VEHICLE_OR_CANCEL: "correct the vehicle and file the gate pass again,"
    " or cancel",
    NextStep.DECIDE_WEIGHT: "decide on the weight mismatch",
    NextStep.APPROVE_DEVIATION: "approve the deviation from the norm, or return it",
    NextStep.POST: "posting the stock",
    NextStep.POST_WORK_ORDER: "posting materials, outputs and lineage",
    NextStep.POST_BOTH: "posting both books",
    NextStep.DEPARTURE: "departure of the train (结关)",
    NextStep.NOTHING_BONDED_STOCK: "nothing: the goods are bonded stock",
    NextStep.NOTHING_ZONE_STOCK: "nothing: the goods are zone stock, not bonded",
    NextStep.NOTHING_LEFT_FOR_ABROAD: "nothing: the goods have left for abroad",
    NextStep.NOTHING_DOMESTIC_MARKET: "nothing: the goods are cleared into the domestic"
    " market, duties paid",
    NextStep.NOTHING_POSTED: "nothing: posted",
    NextStep.NOTHING_CANCELLED: "nothing: cancelled, nothing posted",
    NextStep.READ_EXPECTED: "reading what the book holds as of the count",
    NextStep.CORRECT_STOCKTAKE_OR_CANCEL: "correct the stocktake, or cancel",
    NextStep.ENTER_COUNTS: "enter the counts per lot and location",
    NextStep.REVIEW_DIFFERENCES: "accept each difference with its cause, or send it back"
    " for a recount",
    NextStep.PAY_STOCKTAKE_DUTY: "pay the duty and taxes on the losses, then confirm the payment",
    NextStep.POST_DIFFERENCES: "posting the differences to the adjustment account",
    NextStep.NOTHING_BOOK_MATCHES_COUNT: "nothing: the book matches the count",
    NextStep.PREPARE_STATEMENT: "preparing the write-off statement",
    NextStep.CORRECT_WRITE_OFF_OR_CANCEL: "correct the write-off, or cancel",
    NextStep.REVIEW_STATEMENT: "review the write-off statement: approve it, or return it"
    " with reasons",
    NextStep.CLOSE_PERIOD: "closing the period with the approved balances",
    NextStep.NOTHING_PERIOD_CLOSED: "nothing: written off, the period is closed",
}


class Escalation(StrEnum):
    """Why a wait became the liaison's."""

    NO_RECEIPT = "no_receipt"  # customs silent past the receipt timeout
    PAST_DEADLINE = "past_deadline"  # a stage past its deadline (a stocktake's)


ESCALATION_WORDS: Final[Mapping[Escalation, str]] = {
    Escalation.NO_RECEIPT: "no receipt in time",
    Escalation.PAST_DEADLINE: "past the deadline",
}


@dataclass(frozen=True)
class Next:
    """The next step, who it waits for, and why the liaison took it over, if it did."""

    step: NextStep
    waiting_for: Role | None
    escalated: Escalation | None = None

    @property
    def words(self) -> str:
        """The step in the API's words."""
        if self.escalated is not None:
            why = ESCALATION_WORDS[self.escalated]
            return f"{NEXT_STEP_WORDS[self.step]} (escalated: {why})"
        return NEXT_STEP_WORDS[self.step]


def next_step(
    table: NextSteps, stage: Stage, escalated: bool, overdue: Collection[Stage] = ()
) -> Next:
    """The stage's next step; the liaison's once customs was silent too long, or once
    a stage of ``overdue`` (whose escalation means its deadline passed) escalated."""
    step, waiting_for = table[stage]
    if escalated and waiting_for is Role.CUSTOMS:
        return Next(step, Role.LIAISON, escalated=Escalation.NO_RECEIPT)
    if escalated and stage in overdue:
        return Next(step, Role.LIAISON, escalated=Escalation.PAST_DEADLINE)
    return Next(step, waiting_for)
