"""Second-line entry (二线入区): goods from the domestic market into the zone.

The domestic party files its declaration itself; the list refers to it (关联报关) and
generates none, so the list's approval releases the goods: a second-line gate pass,
the vehicle through the gate, the book posted, and the goods are zone stock that is
not bonded. The lifecycle itself is ``workflows.bonded_list.BondedListLifecycle``.
"""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from schemas.lifecycle import EntryResult, Lifecycle, NextStep, SecondLineEntryInput

from workflows.bonded_list import BondedListLifecycle
from workflows.steps import list_steps


@workflow.defn(name="SecondLineEntry")
class SecondLineEntryWorkflow(BondedListLifecycle):
    STEPS = list_steps("second_line_entry")
    POSTED = "the goods are zone stock, not bonded"
    POSTED_STEP = NextStep.NOTHING_ZONE_STOCK
    LIFECYCLE = Lifecycle.SECOND_LINE_ENTRY
    GENERATES_DECLARATION = False

    @workflow.run
    async def run(self, data: SecondLineEntryInput) -> EntryResult:
        return await self._list_lifecycle(data)
