"""Bonded processing (保税加工): a work order turns materials into finished goods.

Filed when the run is done, with what it used and what it yielded: finished goods,
defective goods (残次品) and offcuts (边角料). The materials are checked against the
consumption norm versions in force on the day of the run; consumption outside the
tolerance waits for a liaison's approval with a reason (or a correction). Then one
linked posting moves everything at once, with the lineage of every output lot
back to the material lots: all of it or nothing, exactly once.
"""

from __future__ import annotations

from typing import Any

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from schemas.lifecycle import (
        Decision,
        EntryResult,
        Lifecycle,
        LifecycleStatus,
        Role,
        Stage,
        TimelineEntry,
        WorkOrderCheck,
        WorkOrderCheckInput,
        WorkOrderCorrection,
        WorkOrderDraft,
        WorkOrderInput,
        WorkOrderPostInput,
    )
    from workflows import search

from workflows.record import LifecycleRecord, refused

NEXT_STEP: dict[Stage, tuple[str, Role | None]] = {
    Stage.VALIDATING: ("checking the work order against the norms", Role.SYSTEM),
    Stage.RETURNED: ("correct the work order, or cancel", Role.FILER),
    Stage.NORM_DEVIATION: ("approve the deviation from the norm, or return it", Role.LIAISON),
    Stage.POSTING: ("posting materials, outputs and lineage", Role.SYSTEM),
    Stage.COMPLETED: ("nothing: posted", None),
    Stage.CANCELLED: ("nothing: cancelled, nothing was posted", None),
}


@workflow.defn(name="WorkOrder")
class WorkOrderWorkflow(LifecycleRecord):
    LIFECYCLE = Lifecycle.PROCESSING
    NEXT_STEP = NEXT_STEP
    CANCELLABLE = frozenset({Stage.RETURNED, Stage.NORM_DEVIATION})

    def __init__(self) -> None:
        self._input: WorkOrderInput | None = None
        self._draft: WorkOrderDraft | None = None
        self._stage = Stage.VALIDATING
        self._timeline: list[TimelineEntry] = []
        self._enterprise: str | None = None
        self._correction: WorkOrderCorrection | None = None
        self._approval: Decision | None = None
        self._returned: Decision | None = None
        self._cancel: Decision | None = None
        self._posting: str | None = None

    @workflow.run
    async def run(self, data: WorkOrderInput) -> EntryResult:
        self._input = data
        self._draft = data.draft
        self._upsert()
        self._note(Stage.VALIDATING, data.draft.filed_by, Role.FILER, "work order filed")
        while True:
            check = await self._activity(
                "processing.check",
                WorkOrderCheckInput(draft=self.draft, tolerance=data.norm_tolerance),
                WorkOrderCheck,
            )
            if check.enterprise_code and check.enterprise_code != self._enterprise:
                self._enterprise = check.enterprise_code
                self._upsert()
            if not check.ok:
                self._note(Stage.RETURNED, "bondflow", Role.SYSTEM, check.described())
                if await self._corrected():
                    continue
                break
            if check.deviations:
                described = "; ".join(
                    f"item {d.material_item_no}: used {d.actual}, norm {d.required}"
                    f" ({d.deviation:+.2%})"
                    for d in check.deviations
                )
                self._note(Stage.NORM_DEVIATION, "bondflow", Role.SYSTEM, described)
                await workflow.wait_condition(
                    lambda: bool(self._approval or self._returned or self._cancel)
                )
                if self._cancel is not None:
                    break
                if self._returned is not None:
                    decision, self._returned = self._returned, None
                    self._note(Stage.RETURNED, decision.actor, decision.role, decision.reason)
                    if await self._corrected():
                        continue
                    break
                approval = self._approval
                assert approval is not None
                self._note(
                    Stage.NORM_DEVIATION,
                    approval.actor,
                    approval.role,
                    f"approved: {approval.reason}",
                )
            self._set(Stage.POSTING)
            self._posting = await self._activity(
                "processing.post",
                WorkOrderPostInput(
                    workflow_id=workflow.info().workflow_id,
                    draft=self.draft,
                    at=workflow.now(),
                    actor=self._approval.actor if self._approval else self.draft.filed_by,
                    reason=(
                        f"work order {self.draft.work_order_no}: run of {self.draft.produced_on}"
                    ),
                ),
                str,
            )
            self._note(Stage.COMPLETED, "bondflow", Role.SYSTEM, "posted with lineage")
            break
        if self._cancel is not None and self._stage is not Stage.COMPLETED:
            self._note(Stage.CANCELLED, self._cancel.actor, self._cancel.role, self._cancel.reason)
        await workflow.wait_condition(workflow.all_handlers_finished)
        return EntryResult(
            workflow_id=workflow.info().workflow_id,
            stage=self._stage,
            list_no=None,
            pass_no=None,
            posted_transaction=self._posting,
        )

    async def _corrected(self) -> bool:
        """Wait for the filer's correction (True) or a cancellation (False)."""
        self._set(Stage.RETURNED)
        await workflow.wait_condition(lambda: bool(self._correction or self._cancel))
        if self._cancel is not None:
            return False
        correction = self._correction
        assert correction is not None
        self._correction = None
        self._approval = None
        self._draft = correction.draft
        self._note(Stage.VALIDATING, correction.actor, correction.role, correction.reason)
        return True

    # --- people -----------------------------------------------------------------------

    @workflow.update(name="approve_deviation")
    def approve_deviation(self, decision: Decision) -> LifecycleStatus:
        self._approval = decision
        return self.status()

    @approve_deviation.validator
    def _can_approve(self, decision: Decision) -> None:
        self._require(decision.role, {Role.LIAISON}, "approve a deviation", {Stage.NORM_DEVIATION})

    @workflow.update(name="return_draft")
    def return_draft(self, decision: Decision) -> LifecycleStatus:
        self._returned = decision
        return self.status()

    @return_draft.validator
    def _can_return(self, decision: Decision) -> None:
        self._require(
            decision.role, {Role.LIAISON}, "return the work order", {Stage.NORM_DEVIATION}
        )

    @workflow.update(name="correct")
    def correct(self, correction: WorkOrderCorrection) -> LifecycleStatus:
        self._correction = correction
        return self.status()

    @correct.validator
    def _can_correct(self, correction: WorkOrderCorrection) -> None:
        self._require(correction.role, {Role.FILER}, "correct", {Stage.RETURNED})
        if correction.draft.work_order_no != self.draft.work_order_no:
            raise refused("draft.work_order_no", f"a correction keeps {self.draft.work_order_no}")

    @workflow.query(name="status")
    def status(self) -> LifecycleStatus:
        next_step, waiting_for = NEXT_STEP[self._stage]
        return LifecycleStatus(
            workflow_id=workflow.info().workflow_id,
            lifecycle=Lifecycle.PROCESSING,
            stage=self._stage,
            next_step=next_step,
            waiting_for=waiting_for,
            change_count=0,
            escalated=False,
            pre_entry_no=None,
            list_no=None,
            pass_no=None,
            declaration_seq_no=None,
            entry_id=None,
            cif_cny=0,
            late_fee=None,
            measured_weight=None,
            timeline=tuple(self._timeline),
        )

    # --- helpers ----------------------------------------------------------------------

    @property
    def draft(self) -> WorkOrderDraft:
        assert self._draft is not None
        return self._draft

    def _indexed(self) -> bool:
        return self._input is not None and self._input.indexed

    def _search_values(self) -> list[Any]:
        updates: list[Any] = [
            search.BOOK.value_set(self.draft.book_no),
            search.DOCUMENT_NO.value_set(self.draft.work_order_no),
            search.STATUS.value_set(self._stage.value),
            search.LIFECYCLE.value_set(Lifecycle.PROCESSING.value),
        ]
        if self._enterprise:
            updates.append(search.ENTERPRISE.value_set(self._enterprise))
        return updates
