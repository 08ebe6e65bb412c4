"""Bonded processing (保税加工): a work order turns materials into finished goods.

Filed when the run is done, with what it used and what it yielded: finished goods,
defective goods (残次品) and offcuts (边角料). The materials are checked against the
consumption norm versions in force on the day of the run; consumption outside the
tolerance waits for a liaison's approval with a reason (or a correction). Then one
linked posting moves everything at once, with the lineage of every output lot
back to the material lots: all of it or nothing, exactly once.
"""

from __future__ import annotations

from dataclasses import dataclass

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from schemas.lifecycle import (
        Decision,
        EntryResult,
        Lifecycle,
        LifecycleStatus,
        NextStep,
        Role,
        Stage,
        TimelineEvent,
        WorkOrderCheckInput,
        WorkOrderCorrection,
        WorkOrderDraft,
        WorkOrderInput,
        WorkOrderPostInput,
    )
    from workflows.steps import PROCESSING

from workflows.record import Checked, LifecycleRecord, Record, refused

NEXT_STEP: dict[Stage, tuple[NextStep, Role | None]] = {
    Stage.VALIDATING: (NextStep.CHECK_WORK_ORDER, Role.SYSTEM),
    Stage.RETURNED: (NextStep.CORRECT_OR_CANCEL, Role.FILER),
    Stage.NORM_DEVIATION: (NextStep.APPROVE_DEVIATION, Role.LIAISON),
    Stage.POSTING: (NextStep.POST_WORK_ORDER, Role.SYSTEM),
    Stage.COMPLETED: (NextStep.NOTHING_POSTED, None),
    Stage.CANCELLED: (NextStep.NOTHING_CANCELLED, None),
}


@dataclass
class WorkOrderRecord(Record[WorkOrderDraft, WorkOrderCorrection]):
    """A work order's state: the core's (its approval is the core's sign-off)."""


@workflow.defn(name="WorkOrder")
class WorkOrderWorkflow(LifecycleRecord[WorkOrderDraft, WorkOrderCorrection, WorkOrderInput]):
    LIFECYCLE = Lifecycle.PROCESSING
    NEXT_STEP = NEXT_STEP
    CANCELLABLE = frozenset({Stage.RETURNED, Stage.NORM_DEVIATION})
    SIGN_OFF_STAGE = Stage.NORM_DEVIATION
    RETURN_WHAT = "the work order"

    def __init__(self) -> None:
        self._r: WorkOrderRecord = WorkOrderRecord()
        self._input: WorkOrderInput | None = None

    @workflow.run
    async def run(self, data: WorkOrderInput) -> EntryResult:
        return await self._lifecycle(data, data.draft, "work order filed")

    async def _check(self) -> Checked:
        """The materials against the norms: problems go back to the filer; a deviation
        outside the tolerance waits for the liaison's approval."""
        assert self._input is not None
        check = await self._run(
            PROCESSING.check,
            WorkOrderCheckInput(draft=self.draft, tolerance=self._input.norm_tolerance),
        )
        self._learn_enterprise(check.enterprise_code)
        if not check.ok:
            return Checked(problems=check.described())
        if not check.deviations:
            return Checked()
        described = "; ".join(
            f"item {d.material_item_no}: used {d.actual}, norm {d.required} ({d.deviation:+.2%})"
            for d in check.deviations
        )
        return Checked(sign_off=(Stage.NORM_DEVIATION, described))

    async def _carry_out(self) -> None:
        """One linked posting: materials, outputs and lineage, exactly once."""
        self._set(Stage.POSTING)
        self._r.posting = await self._run(
            PROCESSING.post,
            WorkOrderPostInput(
                workflow_id=workflow.info().workflow_id,
                draft=self.draft,
                at=workflow.now(),
                actor=self._approver(),
                reason=f"work order {self.draft.work_order_no}: run of {self.draft.produced_on}",
            ),
        )
        self._system(Stage.COMPLETED, "posted with lineage", TimelineEvent.POSTED)

    def _correction_note(self, correction: WorkOrderCorrection) -> tuple[Stage, str]:
        return Stage.VALIDATING, correction.reason

    def _identity(self) -> tuple[str, str, str | None, str]:
        number = self.draft.work_order_no
        return self.draft.book_no, number, None, number

    # --- people -----------------------------------------------------------------------

    @workflow.update(name="approve_deviation")
    def approve_deviation(self, decision: Decision) -> LifecycleStatus:
        self._r.signed_off = decision
        self._note(
            Stage.NORM_DEVIATION,
            decision.actor,
            decision.role,
            f"approved: {decision.reason}",
            TimelineEvent.DEVIATION_APPROVED,
            decision.reason,
        )
        return self.status()

    @approve_deviation.validator
    def _can_approve(self, decision: Decision) -> None:
        self._require(decision.role, {Role.LIAISON}, "approve a deviation", {Stage.NORM_DEVIATION})

    @workflow.update(name="correct")
    def correct(self, correction: WorkOrderCorrection) -> LifecycleStatus:
        self._r.correction = correction
        return self.status()

    @correct.validator
    def _can_correct(self, correction: WorkOrderCorrection) -> None:
        self._require_correction(correction)
        if correction.draft.work_order_no != self.draft.work_order_no:
            raise refused("draft.work_order_no", f"a correction keeps {self.draft.work_order_no}")
