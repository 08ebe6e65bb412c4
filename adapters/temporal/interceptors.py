"""Domain refusals are final, and quiet: an activity that raises one fails at once,
logged as one line.

Temporal retries an activity that raises anything; a BondflowError (bad input, too
little stock, an unknown code) or a pydantic ValidationError will not get better
by trying again, and retrying it forever would hide it. This interceptor turns
them into non-retryable ApplicationErrors that keep the reason and the type name,
so the workflow sees the refusal at once; what was refused is data in the error's
details (``Refusal``: field and reason), never text to split. Other errors (the
database or a folder unavailable) keep their retries.

A refusal is expected (200 exports racing for a 100-unit lot are refused 100 times,
each back to its filer as designed), so it is logged as one INFO line with the
reason, and the ApplicationError is marked BENIGN: temporalio then logs its own
"Completing activity as failed" record with the traceback at DEBUG instead of
WARNING. Faults (any other exception) keep temporalio's WARNING with the traceback.
"""

from __future__ import annotations

import logging
from typing import Any

from pydantic import ValidationError
from temporalio import activity
from temporalio.exceptions import ApplicationError, ApplicationErrorCategory
from temporalio.worker import (
    ActivityInboundInterceptor,
    ExecuteActivityInput,
    Interceptor,
)

from schemas.errors import BondflowError, field_path
from schemas.lifecycle import WHOLE_DRAFT, Refusal
from schemas.wording import plain_reason

log = logging.getLogger("bondflow.worker.refusals")


class _FinalRefusals(ActivityInboundInterceptor):
    async def execute_activity(self, input: ExecuteActivityInput) -> Any:
        try:
            return await super().execute_activity(input)
        except (BondflowError, ValidationError) as error:
            kind = type(error).__name__
            info = activity.info()
            log.info(
                "activity %s of %s refused (%s): %s",
                info.activity_type,
                info.workflow_id,
                kind,
                " ".join(str(error).split()),  # one line, even for a ValidationError
            )
            raise ApplicationError(
                str(error),
                *(refusal.model_dump() for refusal in refusals_of(error)),
                type=kind,
                non_retryable=True,
                category=ApplicationErrorCategory.BENIGN,
            ) from error


def refusals_of(error: BondflowError | ValidationError) -> tuple[Refusal, ...]:
    """What was refused, as data (the error's details): the field and the reason; a
    refusal naming no field is of the whole input (``draft``)."""
    if isinstance(error, BondflowError):
        return (Refusal(field=error.field or WHOLE_DRAFT, reason=error.reason),)
    return tuple(
        Refusal(
            field=field_path(problem["loc"]) or WHOLE_DRAFT,
            reason=plain_reason(problem["msg"]),
        )
        for problem in error.errors()
    )


class RefusalsAreFinal(Interceptor):
    def intercept_activity(self, next: ActivityInboundInterceptor) -> ActivityInboundInterceptor:
        return _FinalRefusals(next)
