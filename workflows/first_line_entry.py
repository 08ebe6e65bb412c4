"""First-line entry (一线进境): goods from abroad into the zone's bonded stock.

Supervision modes 5034 (zone logistics), 5015 (imported materials), 5014 (supplied
materials); the list generates its inbound filing list (备案清单). The 14-day
declaration deadline runs from the conveyance's arrival. The lifecycle itself is
``workflows.bonded_list.BondedListLifecycle``.
"""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from schemas.lifecycle import EntryInput, EntryResult, Lifecycle

from workflows.bonded_list import BondedListLifecycle
from workflows.steps import list_steps


@workflow.defn(name="FirstLineEntry")
class FirstLineEntryWorkflow(BondedListLifecycle):
    STEPS = list_steps("entry")
    LIFECYCLE = Lifecycle.FIRST_LINE_ENTRY
    DEADLINE = True

    @workflow.run
    async def run(self, data: EntryInput) -> EntryResult:
        return await self._list_lifecycle(data)
