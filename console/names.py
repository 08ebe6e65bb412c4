"""The words people read for the engine's codes: lifecycles, stages and the roles
people act in (工作流类型, 阶段, 角色), one table each, translated where shown. Every
page that names one of them takes it from here."""

from __future__ import annotations

from typing import Final

from console.i18n import N_
from schemas.codes import CustomsStatus, DifferenceCause
from schemas.lifecycle import Lifecycle, NextStep, Role, Stage, TimelineEvent
from workflows.next_step import Escalation

LIFECYCLE_NAMES: Final[dict[Lifecycle, str]] = {
    Lifecycle.FIRST_LINE_ENTRY: N_("first-line entry"),
    Lifecycle.SECOND_LINE_ENTRY: N_("second-line entry"),
    Lifecycle.EXPORT: N_("export"),
    Lifecycle.DOMESTIC_SALE: N_("domestic sale"),
    Lifecycle.PROCESSING: N_("processing"),
    Lifecycle.TRANSFER: N_("in-zone transfer"),
    Lifecycle.STOCKTAKE: N_("stocktake"),
    Lifecycle.WRITE_OFF: N_("write-off"),
}

STAGE_NAMES: Final[dict[Stage, str]] = {
    Stage.VALIDATING: N_("validating"),
    Stage.AWAITING_SIGN_OFF: N_("awaiting sign-off"),
    Stage.RESERVING: N_("reserving"),
    Stage.DECLARING: N_("declaring"),
    Stage.AWAITING_REVIEW: N_("awaiting customs' review"),
    Stage.MANUAL_REVIEW: N_("manual review"),
    Stage.RETURNED: N_("returned"),
    Stage.AWAITING_RELEASE: N_("awaiting release"),
    Stage.INSPECTION: N_("inspection"),
    Stage.AWAITING_GATE: N_("awaiting the gate"),
    Stage.GATE_PASS_RETURNED: N_("gate pass returned"),
    Stage.AWAITING_PAYMENT: N_("awaiting payment"),
    Stage.WEIGHT_HOLD: N_("weight hold"),
    Stage.NORM_DEVIATION: N_("norm deviation"),
    Stage.COUNTING: N_("counting"),
    Stage.DIFFERENCE_REVIEW: N_("difference review"),
    Stage.POSTING: N_("posting"),
    Stage.AWAITING_DEPARTURE: N_("awaiting departure"),
    Stage.COMPLETED: N_("completed"),
    Stage.CANCELLED: N_("cancelled"),
}

# A stocktake's causes of a difference (盘盈盘亏原因), its differences' states and the
# customs status of a position.
CAUSE_NAMES: Final[dict[DifferenceCause, str]] = {
    DifferenceCause.MEASUREMENT: N_("measurement error"),
    DifferenceCause.DAMAGE: N_("damage"),
    DifferenceCause.LOSS: N_("loss"),
    DifferenceCause.FOUND_GOODS: N_("found goods"),
}
DIFFERENCE_STATE_NAMES: Final[dict[str, str]] = {
    "open": N_("open"),
    "accepted": N_("accepted"),
    "recount": N_("sent back for a recount"),
}
CUSTOMS_STATUS_NAMES: Final[dict[CustomsStatus, str]] = {
    CustomsStatus.BONDED: N_("bonded"),
    CustomsStatus.NON_BONDED: N_("non-bonded"),
    CustomsStatus.DUTY_PAID: N_("duty paid"),
    CustomsStatus.HELD: N_("held"),
}

ACTOR_ROLE_NAMES: Final[dict[Role, str]] = {
    Role.FILER: N_("filer"),
    Role.LIAISON: N_("liaison"),
    Role.AUDITOR: N_("auditor"),
    Role.SYSTEM: N_("system"),
    Role.CUSTOMS: N_("customs"),
}

NEXT_STEP_NAMES: Final[dict[NextStep, str]] = {
    NextStep.CHECK_DRAFT: N_("checking the draft against the book"),
    NextStep.CHECK_WORK_ORDER: N_("checking the work order against the norms"),
    NextStep.CHECK_BOTH_BOOKS: N_("checking both books"),
    NextStep.SIGN_OFF: N_("the liaison's sign-off"),
    NextStep.RESERVE: N_("reserving the stock"),
    NextStep.RESERVE_BOTH: N_("reserving both sides"),
    NextStep.FILE_LIST: N_("filing the list through the single window"),
    NextStep.FILE_LISTS: N_("filing the lists"),
    NextStep.CUSTOMS_REVIEW: N_("customs' review of the list"),
    NextStep.CUSTOMS_REVIEW_BOTH: N_("customs' review of the lists"),
    NextStep.CUSTOMS_MANUAL_REVIEW: N_("customs' manual review"),
    NextStep.CORRECT_OR_CANCEL: N_("correct the draft and file it again, or cancel"),
    NextStep.CUSTOMS_RELEASE: N_("customs' release"),
    NextStep.RECORD_INSPECTION: N_("record the inspection result"),
    NextStep.PAY: N_("pay the duties and taxes, then confirm the payment"),
    NextStep.GATE_AND_POSTING: N_("the vehicle through the gate, then the book posted"),
    NextStep.CORRECT_VEHICLE_OR_CANCEL: N_(
        "correct the vehicle and file the gate pass again, or cancel"
    ),
    NextStep.DECIDE_WEIGHT: N_("decide on the weight mismatch"),
    NextStep.APPROVE_DEVIATION: N_("approve the deviation from the norm, or return it"),
    NextStep.POST: N_("posting the stock"),
    NextStep.POST_WORK_ORDER: N_("posting materials, outputs and lineage"),
    NextStep.POST_BOTH: N_("posting both books"),
    NextStep.DEPARTURE: N_("the train's departure (closing the declaration)"),
    NextStep.NOTHING_BONDED_STOCK: N_("nothing: the goods are bonded stock"),
    NextStep.NOTHING_ZONE_STOCK: N_("nothing: the goods are zone stock, not bonded"),
    NextStep.NOTHING_LEFT_FOR_ABROAD: N_("nothing: the goods have left for abroad"),
    NextStep.NOTHING_DOMESTIC_MARKET: N_(
        "nothing: the goods are cleared into the domestic market, duties paid"
    ),
    NextStep.NOTHING_POSTED: N_("nothing: posted"),
    NextStep.NOTHING_CANCELLED: N_("nothing: cancelled, nothing posted"),
    NextStep.READ_EXPECTED: N_("reading what the book holds as of the count"),
    NextStep.CORRECT_STOCKTAKE_OR_CANCEL: N_("correct the stocktake, or cancel"),
    NextStep.ENTER_COUNTS: N_("enter the counts per lot and location"),
    NextStep.REVIEW_DIFFERENCES: N_(
        "accept each difference with its cause, or send it back for a recount"
    ),
    NextStep.PAY_STOCKTAKE_DUTY: N_(
        "pay the duty and taxes on the losses, then confirm the payment"
    ),
    NextStep.POST_DIFFERENCES: N_("posting the differences to the adjustment account"),
    NextStep.NOTHING_BOOK_MATCHES_COUNT: N_("nothing: the book matches the count"),
    NextStep.PREPARE_STATEMENT: N_("preparing the write-off statement"),
    NextStep.CORRECT_WRITE_OFF_OR_CANCEL: N_("correct the write-off, or cancel"),
    NextStep.REVIEW_STATEMENT: N_(
        "review the write-off statement: approve it, or return it with reasons"
    ),
    NextStep.CLOSE_PERIOD: N_("closing the period with the approved balances"),
    NextStep.NOTHING_PERIOD_CLOSED: N_("nothing: written off, the period is closed"),
}

ESCALATED_STEPS: Final[dict[Escalation, str]] = {
    Escalation.NO_RECEIPT: N_("%(step)s (escalated to the liaison: no receipt in time)"),
    Escalation.PAST_DEADLINE: N_("%(step)s (escalated to the liaison: past the deadline)"),
}

TIMELINE_EVENT_NAMES: Final[dict[TimelineEvent, str]] = {
    TimelineEvent.FILED: N_("filed"),
    TimelineEvent.CHECK_FAILED: N_("does not fit the book or the norms"),
    TimelineEvent.CHECKED: N_("checked: fits the book"),
    TimelineEvent.DEVIATION_FOUND: N_("consumption outside the norm's tolerance"),
    TimelineEvent.SIGNED_OFF: N_("signed off"),
    TimelineEvent.RETURNED: N_("returned to the filer"),
    TimelineEvent.CORRECTED: N_("corrected"),
    TimelineEvent.CANCELLED: N_("cancelled"),
    TimelineEvent.NOT_RESERVED: N_("the stock could not be reserved"),
    TimelineEvent.ESCALATED: N_("no receipt in time: escalated to the liaison"),
    TimelineEvent.DEADLINE_PASSED: N_("declaration deadline passed: a late fee accrues"),
    TimelineEvent.LIST_FILED: N_("list filed with customs"),
    TimelineEvent.DELETION_FILED: N_("deletion of the list filed with customs"),
    TimelineEvent.RECEIPT: N_("receipt from customs"),
    TimelineEvent.CUSTOMS_APPROVED: N_("approved by customs"),
    TimelineEvent.CUSTOMS_RETURNED: N_("returned by customs"),
    TimelineEvent.MANUAL_REVIEW: N_("sent to customs' manual review"),
    TimelineEvent.DUTIES_PAYABLE: N_("duties and taxes payable"),
    TimelineEvent.PAID: N_("payment confirmed"),
    TimelineEvent.RELEASED: N_("released by customs"),
    TimelineEvent.DECLARATION_ENDED: N_("declaration ended by customs"),
    TimelineEvent.INSPECTION_PASSED: N_("inspection passed"),
    TimelineEvent.INSPECTION_FAILED: N_("inspection failed"),
    TimelineEvent.GATE_PASS_FILED: N_("gate pass filed"),
    TimelineEvent.GATE_PASS_RETURNED: N_("gate pass returned by customs"),
    TimelineEvent.VEHICLE_CORRECTED: N_("vehicle corrected"),
    TimelineEvent.WEIGHT_MISMATCH: N_("the scale disagrees with the declared weight"),
    TimelineEvent.WEIGHT_ACCEPTED: N_("weight accepted: the vehicle may pass"),
    TimelineEvent.WEIGHT_REFUSED: N_("weight refused: the vehicle is sent back"),
    TimelineEvent.DEVIATION_APPROVED: N_("deviation approved"),
    TimelineEvent.POSTED: N_("stock posted"),
    TimelineEvent.POSTED_AWAITING_DEPARTURE: N_("stock posted: waiting for the departure"),
    TimelineEvent.CLOSED: N_("declaration closed: the train has left"),
    TimelineEvent.EXPECTED_READ: N_("what the book holds as of the count read"),
    TimelineEvent.COUNTED: N_("counts entered"),
    TimelineEvent.DIFFERENCES_FOUND: N_("differences for the liaison's review"),
    TimelineEvent.DIFFERENCES_REVIEWED: N_("differences reviewed"),
    TimelineEvent.NOTHING_TO_POST: N_("the count agrees with the book: nothing to post"),
    TimelineEvent.DIFFERENCES_POSTED: N_("differences posted to the adjustment account"),
    TimelineEvent.POSTING_REFUSED: N_("the ledger refused the posting: nothing posted"),
    TimelineEvent.OVERDUE: N_("past the deadline: escalated to the liaison"),
    TimelineEvent.PERIOD_CLOSED: N_("period closed: its approved balances open the next"),
    TimelineEvent.STATEMENT_CHANGED: N_(
        "approval refused: the statement changed since its review; review it again"
    ),
}
