"""Bodies of the decisions people send; the API adds who (the token's user) and the
role the workflow knows them by."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from schemas.lifecycle import Reason, Vehicle
from schemas.quantities import Amount


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


class CorrectionIn(_Body):
    """The corrected draft of the same kind as the lifecycle's."""

    draft: dict[str, Any]
    reason: Reason
