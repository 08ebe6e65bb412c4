"""How lifecycles end, counted by the worker: a worker interceptor sees what a
lifecycle's workflow returned (its ``EntryResult``, whose stage is ``completed`` or
``cancelled``) and hands it out of the sandbox through an extern function, the way
the SDK's own tracing interceptor records workflow spans. Nothing is recorded while
a history is replayed, and nothing here issues a command, so the workflows stay
deterministic and their code untouched."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from temporalio import workflow
from temporalio.worker import (
    ExecuteWorkflowInput,
    Interceptor,
    WorkflowInboundInterceptor,
    WorkflowInterceptorClassInput,
)

from observability.metrics import lifecycle_ended

EXTERN = "bondflow_lifecycle_ended"


class LifecycleOutcomes(Interceptor):
    """``lifecycles`` names each workflow type's lifecycle (``FirstLineEntry`` ->
    ``first_line_entry``)."""

    def __init__(self, lifecycles: Mapping[str, str]) -> None:
        self.lifecycles = dict(lifecycles)

    def workflow_interceptor_class(
        self, input: WorkflowInterceptorClassInput
    ) -> type[WorkflowInboundInterceptor]:
        input.unsafe_extern_functions[EXTERN] = self._ended
        return _RecordsOutcome

    def _ended(self, workflow_type: str, stage: str) -> None:
        lifecycle_ended(self.lifecycles.get(workflow_type, workflow_type), stage)


class _RecordsOutcome(WorkflowInboundInterceptor):
    async def execute_workflow(self, input: ExecuteWorkflowInput) -> Any:
        result = await super().execute_workflow(input)
        stage = getattr(result, "stage", None)
        if stage is not None and not workflow.unsafe.is_replaying():
            ended = workflow.extern_functions()[EXTERN]
            ended(workflow.info().workflow_type, str(getattr(stage, "value", stage)))
        return result
