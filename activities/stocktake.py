"""Activities of a stocktake (盘点): open it (what the book expects, as of the count's
instant), assess the duty its losses owe, post the accepted differences once."""

from __future__ import annotations

from activities.dependencies import Dependencies
from activities.taxes import GoodsLine, assess_goods
from ledger import LedgerQueries
from rules.stocktake import owes_duty
from schemas.codes import AccountKind, CustomsStatus, DocumentType, OutsideKind
from schemas.errors import BondflowError
from schemas.ledger import DocumentRef, Leg, MovementRequest, OutsideRef, StockRef
from schemas.lifecycle import (
    ExpectedPosition,
    Refusal,
    StockPosition,
    StocktakeAssessInput,
    StocktakeDuty,
    StocktakeOpened,
    StocktakeOpenInput,
    StocktakePostInput,
)
from schemas.masterdata import LotIn

PAGE = 1000  # balances read per call while opening


def posting_id(workflow_id: str) -> str:
    return f"{workflow_id}/post"


class StocktakeActivities:
    def __init__(self, deps: Dependencies) -> None:
        self.deps = deps

    def open(self, data: StocktakeOpenInput) -> StocktakeOpened:
        """The book and its locations checked (the book must exist; each location must
        be one the book's goods may be at, and named once); then what the book holds
        at each, position by position, as of the count's instant (the ledger's
        ``as_of``): the expected quantities."""
        draft = data.draft
        md = self.deps.masterdata
        try:
            owner = md.owner_of(draft.book_no).customs_code
        except BondflowError as error:
            return StocktakeOpened(
                ok=False, problems=(Refusal(field="book_no", reason=error.reason),)
            )
        problems: list[Refusal] = []
        seen: set[str] = set()
        for index, location in enumerate(draft.locations):
            if location in seen:
                problems.append(
                    Refusal(field=f"locations[{index}]", reason=f"{location} is named twice")
                )
                continue
            seen.add(location)
            refusal = md.stock_location_refusal(location, draft.book_no)
            if refusal is not None:
                problems.append(Refusal(field=f"locations[{index}]", reason=refusal))
        if problems:
            return StocktakeOpened(ok=False, problems=tuple(problems), enterprise_code=owner)
        units = {item.item_no: item.declared_unit for item in md.items(draft.book_no)}
        queries = LedgerQueries(self.deps.database)
        expected: list[ExpectedPosition] = []
        for location in draft.locations:
            offset = 0
            while True:
                page = queries.balances(
                    book_no=draft.book_no,
                    location=location,
                    as_of=draft.counted_at,
                    limit=PAGE,
                    offset=offset,
                )
                expected += [
                    ExpectedPosition(
                        item_no=balance.item_no,
                        lot_no=balance.lot_no,
                        location=balance.location,
                        status=CustomsStatus(balance.status or CustomsStatus.BONDED),
                        quantity=balance.posted,
                        unit=units[balance.item_no],
                    )
                    for balance in page
                    if balance.kind == AccountKind.STOCK.value
                    and balance.posted != 0
                    and balance.lot_no is not None
                    and balance.location is not None
                    and balance.status is not None
                ]
                if len(page) < PAGE:
                    break
                offset += PAGE
        expected.sort(key=lambda position: position.key())
        return StocktakeOpened(
            ok=True, enterprise_code=owner, expected=tuple(expected), items=tuple(sorted(units))
        )

    def assess(self, data: StocktakeAssessInput) -> StocktakeDuty:
        """The shortages of bonded goods whose cause customs does not waive owe duty
        and taxes as goods sold into China would (``activities.taxes.assess_goods``,
        the tariff in force on the day): which ones, and the bill (None: nothing owed)."""
        waived = self.deps.waived_causes
        owing = [d for d in data.differences if owes_duty(d.status, d.difference, d.cause, waived)]
        if not owing:
            return StocktakeDuty()
        if data.exchange_rate is None:
            raise BondflowError(
                "a loss that owes duty needs the exchange rate", field="exchange_rate"
            )
        lines = []
        for difference in owing:
            if difference.unit_price is None:
                raise BondflowError(
                    f"{difference.label()} owes duty and has no customs value", field="unit_price"
                )
            lines.append(
                GoodsLine(difference.item_no, -difference.difference, difference.unit_price)
            )
        bill = assess_goods(
            self.deps.masterdata, data.book_no, lines, data.exchange_rate, data.on, field="owing"
        )
        positions = tuple(
            StockPosition(item_no=d.item_no, lot_no=d.lot_no, location=d.location, status=d.status)
            for d in owing
        )
        return StocktakeDuty(owing=positions, bill=bill)

    def post(self, data: StocktakePostInput) -> str:
        """One linked posting of every accepted difference, exactly once: a shortage
        from the position to the adjustment account (盘亏), a gain from it into the
        position (盘盈; a lot found that the book never had is created), the stocktake
        the causing document, at the count's instant."""
        draft = data.draft
        md = self.deps.masterdata
        units = {item.item_no: item.declared_unit for item in md.items(draft.book_no)}
        adjustment = OutsideRef(party=OutsideKind.ADJUSTMENT)
        legs = []
        for difference in data.differences:
            if difference.difference > 0 and md.lot(draft.book_no, difference.lot_no) is None:
                md.create_lot(
                    LotIn(
                        book_no=draft.book_no,
                        item_no=difference.item_no,
                        lot_no=difference.lot_no,
                        origin=f"stocktake {draft.stocktake_no}: found goods",
                    )
                )
            position = StockRef(
                lot_no=difference.lot_no, location=difference.location, status=difference.status
            )
            shortage = difference.difference < 0
            legs.append(
                Leg(
                    book_no=draft.book_no,
                    item_no=difference.item_no,
                    unit=units[difference.item_no],
                    quantity=abs(difference.difference),
                    source=position if shortage else adjustment,
                    destination=adjustment if shortage else position,
                )
            )
        self.deps.ledger.execute(
            MovementRequest(
                client_id=posting_id(data.workflow_id),
                document=DocumentRef(type=DocumentType.STOCKTAKE, number=draft.stocktake_no),
                legs=tuple(legs),
                actor=data.actor,
                reason=data.reason,
                occurred_at=draft.counted_at,
            )
        )
        return posting_id(data.workflow_id)
