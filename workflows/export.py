"""First-line exit, export (一线出境): goods leave the zone for abroad by rail.

An outbound list (E) with its generated export filing list, release, the gate pass
for the wagon, posting when the gate is passed (the book is deducted), and the
departure confirmation (结关, DEC_RESULT R) when the China-Europe train has left.
The lifecycle itself is ``workflows.bonded_list.BondedListLifecycle``.
"""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from schemas.lifecycle import EntryResult, ExportInput, Lifecycle, NextStep

from workflows.bonded_list import BondedListLifecycle
from workflows.steps import list_steps


@workflow.defn(name="Export")
class ExportWorkflow(BondedListLifecycle):
    STEPS = list_steps("export")
    POSTED = "the goods have left for abroad"
    POSTED_STEP = NextStep.NOTHING_LEFT_FOR_ABROAD
    LIFECYCLE = Lifecycle.EXPORT
    CLOSES = True

    @workflow.run
    async def run(self, data: ExportInput) -> EntryResult:
        return await self._list_lifecycle(data)
