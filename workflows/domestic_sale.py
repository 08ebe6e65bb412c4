"""Second-line exit for domestic sale (二线出区内销): zone-made goods sold into China.

An outbound list that generates its import declaration (transport mode Y), with the
duties and import VAT computed at validation (elective duty: on the materials the
goods consumed or on the finished goods, both shown, the enterprise's choice on
the list); customs' duties-payable notice (T) waits for the filer's payment
confirmation before the release counts; a second-line gate pass (type 3); the
stock leaves the book towards the domestic market. The lifecycle itself is
``workflows.bonded_list.BondedListLifecycle``.
"""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from schemas.lifecycle import DomesticSaleInput, EntryResult, Lifecycle, NextStep

from workflows.bonded_list import BondedListLifecycle
from workflows.steps import list_steps


@workflow.defn(name="DomesticSale")
class DomesticSaleWorkflow(BondedListLifecycle):
    STEPS = list_steps("domestic_sale")
    POSTED = "the goods are cleared into the domestic market, duties paid"
    POSTED_STEP = NextStep.NOTHING_DOMESTIC_MARKET
    LIFECYCLE = Lifecycle.DOMESTIC_SALE
    PAYS = True

    @workflow.run
    async def run(self, data: DomesticSaleInput) -> EntryResult:
        return await self._list_lifecycle(data)
