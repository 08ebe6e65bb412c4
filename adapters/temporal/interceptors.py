"""Domain refusals are final: an activity that raises one fails without retrying.

Temporal retries an activity that raises anything; a BondflowError (bad input, too
little stock, an unknown code) or a pydantic ValidationError will not get better
by trying again, and retrying it forever would hide it. This interceptor turns
them into non-retryable ApplicationErrors that keep the reason and the type name,
so the workflow sees the refusal at once. Other errors (the database or a folder
unavailable) keep their retries.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from temporalio.exceptions import ApplicationError
from temporalio.worker import (
    ActivityInboundInterceptor,
    ExecuteActivityInput,
    Interceptor,
)

from schemas.errors import BondflowError


class _FinalRefusals(ActivityInboundInterceptor):
    async def execute_activity(self, input: ExecuteActivityInput) -> Any:
        try:
            return await super().execute_activity(input)
        except (BondflowError, ValidationError) as error:
            raise ApplicationError(
                str(error), type=type(error).__name__, non_retryable=True
            ) from error


class RefusalsAreFinal(Interceptor):
    def intercept_activity(self, next: ActivityInboundInterceptor) -> ActivityInboundInterceptor:
        return _FinalRefusals(next)
