"""What people do to a running lifecycle: one table of actions, each a route under
``/lifecycles/{workflow_id}/``, the workflow update it sends, the body people send, the
decision the workflow receives (the body signed with who and in which role), who the
workflow lets decide and the stages the work queue offers it in (pure).

The API's action routes and the work queue's suggestions are both made from
``ACTIONS``; each lifecycle's ``Kind.actions`` says which of them its workflow takes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from schemas.lifecycle import (
    CountLine,
    Counts,
    Decision,
    DifferenceDecision,
    DifferenceReview,
    ExchangeRate,
    InspectionResult,
    PaymentConfirmation,
    Reason,
    Role,
    Stage,
    Vehicle,
    VehicleCorrection,
    WeightDecision,
)
from schemas.quantities import Amount

# --- the bodies people send (the API adds who: the token's user and their role) -------


class _Body(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class DecisionIn(_Body):
    reason: Reason


class InspectionIn(_Body):
    passed: bool
    reason: Reason


class PaymentIn(_Body):
    reference: Annotated[str, Field(min_length=1, max_length=64)]
    amount: Amount
    reason: Reason = "duties and taxes paid"


class WeightDecisionIn(_Body):
    accept: bool
    reason: Reason


class VehicleCorrectionIn(_Body):
    vehicle: Vehicle
    reason: Reason


class CountsIn(_Body):
    """A stocktake's counts (or recounts), one line per lot and location."""

    lines: Annotated[tuple[CountLine, ...], Field(min_length=1, max_length=10_000)]
    exchange_rate: ExchangeRate | None = None
    reason: Reason = "counted"


class DifferenceReviewIn(_Body):
    """The liaison's decision on each open difference: a cause, or recount: true."""

    decisions: Annotated[tuple[DifferenceDecision, ...], Field(min_length=1, max_length=10_000)]
    reason: Reason


class CorrectionIn(_Body):
    """The corrected draft of the same kind as the lifecycle's."""

    draft: dict[str, Any]
    reason: Reason


# --- the table ------------------------------------------------------------------------


@dataclass(frozen=True)
class Action:
    path: str  # the route under /lifecycles/{workflow_id}/ (and the queue's name for it)
    update: str  # the workflow update it sends (also the route's name in the OpenAPI)
    body: type[BaseModel]
    # The model the workflow receives: the body plus actor and role. None: the
    # lifecycle's own correction model (``Kind.correction``), its draft read from the body.
    decision: type[BaseModel] | None
    by: tuple[Role, ...]  # who the workflow lets decide
    stages: tuple[Stage, ...]  # where the work queue offers it
    summary: str
    description: str

    @property
    def who(self) -> str:
        """Who may decide, in words ("the liaison", "a filer or the liaison")."""
        return " or ".join(_PEOPLE[role] for role in self.by)


_PEOPLE = {Role.FILER: "the enterprise's filer", Role.LIAISON: "the liaison"}


def _action(
    path: str,
    update: str,
    body: type[BaseModel],
    decision: type[BaseModel] | None,
    by: tuple[Role, ...],
    stages: tuple[Stage, ...],
    description: str,
) -> Action:
    # The summary FastAPI would make of the route's name ("sign_off" -> "Sign Off").
    summary = update.replace("_", " ").title()
    return Action(path, update, body, decision, by, stages, summary, description)


# In the order the work queue lists them for a stage: the step forward first, then
# sending back, then withdrawing.
SIGN_OFF = _action(
    "sign-off",
    "sign_off",
    DecisionIn,
    Decision,
    (Role.LIAISON,),
    (Stage.AWAITING_SIGN_OFF,),
    "The liaison signs the draft off (待审批 → reserved and filed).",
)
INSPECTION = _action(
    "inspection",
    "record_inspection",
    InspectionIn,
    InspectionResult,
    (Role.LIAISON,),
    (Stage.INSPECTION,),
    "The liaison records customs' inspection (查验) result.",
)
PAYMENT = _action(
    "payment",
    "confirm_payment",
    PaymentIn,
    PaymentConfirmation,
    (Role.FILER, Role.LIAISON),
    (Stage.AWAITING_PAYMENT,),
    "Confirm the duties and taxes were paid (the exact amount payable).",
)
WEIGHT_DECISION = _action(
    "weight-decision",
    "decide_weight",
    WeightDecisionIn,
    WeightDecision,
    (Role.LIAISON,),
    (Stage.WEIGHT_HOLD,),
    "The liaison lets a vehicle whose weight disagrees through, or refuses it.",
)
DEVIATION_APPROVAL = _action(
    "deviation-approval",
    "approve_deviation",
    DecisionIn,
    Decision,
    (Role.LIAISON,),
    (Stage.NORM_DEVIATION,),
    "The liaison approves consumption outside the norm's tolerance, with a reason.",
)
COUNTS = _action(
    "counts",
    "enter_counts",
    CountsIn,
    Counts,
    (Role.FILER,),
    (Stage.COUNTING,),
    "A stocktake's counts per lot and location (盘点数量); after a recount, the positions"
    " sent back. A shortage of bonded goods carries its customs value (unit price and"
    " currency, with the exchange rate). A count sheet (CSV or XLSX) is uploaded to"
    " `count-sheet` instead.",
)
DIFFERENCE_REVIEW = _action(
    "difference-review",
    "review_differences",
    DifferenceReviewIn,
    DifferenceReview,
    (Role.LIAISON,),
    (Stage.DIFFERENCE_REVIEW,),
    "The liaison accepts each open difference of a stocktake with its cause"
    " (measurement, damage, loss, found_goods) or sends it back for a recount.",
)
VEHICLE_CORRECTION = _action(
    "vehicle-correction",
    "correct_vehicle",
    VehicleCorrectionIn,
    VehicleCorrection,
    (Role.FILER,),
    (Stage.GATE_PASS_RETURNED,),
    "After customs returned the gate pass: the vehicle as it really is.",
)
CORRECTION = _action(
    "correction",
    "correct",
    CorrectionIn,
    None,
    (Role.FILER,),
    (Stage.RETURNED,),
    "The corrected draft after a return; re-declared with ChgTmsCnt + 1. The draft is"
    " of the lifecycle's own kind, without `filed_by`.",
)
RETURN = _action(
    "return",
    "return_draft",
    DecisionIn,
    Decision,
    (Role.LIAISON,),
    (Stage.AWAITING_SIGN_OFF, Stage.NORM_DEVIATION),
    "The liaison returns the draft (or a work order's deviation) with a reason.",
)
CANCEL = _action(
    "cancel",
    "cancel",
    DecisionIn,
    Decision,
    (Role.FILER, Role.LIAISON),
    (
        Stage.AWAITING_SIGN_OFF,
        Stage.INSPECTION,
        Stage.NORM_DEVIATION,
        Stage.RETURNED,
        Stage.GATE_PASS_RETURNED,
        Stage.COUNTING,
        Stage.DIFFERENCE_REVIEW,
    ),
    "Withdraw: a filed list's deletion is asked of customs, the reservation voided.",
)

ACTIONS: tuple[Action, ...] = (
    SIGN_OFF,
    INSPECTION,
    PAYMENT,
    WEIGHT_DECISION,
    DEVIATION_APPROVAL,
    COUNTS,
    DIFFERENCE_REVIEW,
    VEHICLE_CORRECTION,
    CORRECTION,
    RETURN,
    CANCEL,
)


def described(action: Action) -> str:
    """The route's description: what it does and who decides."""
    return f"{action.description}\n\nDecided by {action.who}."
