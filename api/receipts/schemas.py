"""Bodies of the decisions on a receipt's delivery; the API adds who (the token's user)."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints

from customs.deliveries import MAX_REASON

# Blank is no reason: surrounding spaces are dropped before the length is checked.
DeliveryReason = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_REASON)
]


class _Body(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class RedeliverIn(_Body):
    reason: DeliveryReason | None = None


class DismissIn(_Body):
    reason: DeliveryReason
