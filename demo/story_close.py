"""The end of the solar story: the period's stocktake (盘点) and write-off (核销).

The filer counts every location of the solar book as of the last minute of the period
(yesterday, Beijing): one piece of glass is missing (a loss: its duty is paid) and two
frame sets turn up in a lot the book never had (found goods). Then the filer prepares
the write-off of the period with that stocktake and the liaison approves it, closing
the period. A second run on the same data finds the period closed and says so."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from demo import ids
from schemas.codes import DifferenceCause
from schemas.lifecycle import LifecycleStatus, StocktakeDraft, WriteOffDraft
from schemas.messages.fields import DOCUMENT_ZONE

LOCATIONS = (ids.RAW_BIN, ids.PLANT, ids.FINISHED_GOODS)
GLASS_PRICE = Decimal("18.4000")  # USD per piece: the missing glass's customs value
USD = "502"
RATE = Decimal("7.123400")  # CNY per USD on the count's day
FOUND_FRAMES = Decimal(2)


def period(today: dt.date) -> tuple[dt.date, dt.date]:
    """The period written off: this month up to yesterday (the previous month's last
    days on the 1st), as Beijing days [start, end)."""
    return (today - dt.timedelta(days=1)).replace(day=1), today


def found_frames_lot(tag: str) -> str:
    return f"FRM-FOUND-{tag}"


def stocktake(tag: str, end: dt.date) -> StocktakeDraft:
    """Every location of the solar book, counted as of the period's last minute."""
    counted_at = dt.datetime.combine(end, dt.time(0), DOCUMENT_ZONE) - dt.timedelta(minutes=1)
    return StocktakeDraft(
        stocktake_no=f"ST-{tag}",
        book_no=ids.SOLAR_BOOK,
        locations=LOCATIONS,
        counted_at=counted_at,
        filed_by="demo-solar-filer",
        remark="period-end count",
    )


def counts(status: LifecycleStatus, tag: str) -> dict[str, Any]:
    """What the warehouse finds: every position as the book says, but one piece of glass
    missing from the first glass lot holding any, and a lot of frames nobody booked."""
    view = status.stocktake
    assert view is not None
    lines: list[dict[str, Any]] = []
    short = False
    for position in view.expected:
        line: dict[str, Any] = {
            "item_no": position.item_no,
            "lot_no": position.lot_no,
            "location": position.location,
            "status": position.status.value,
            "quantity": str(position.quantity),
        }
        if not short and position.item_no == ids.GLASS and position.quantity >= 1:
            short = True
            line |= {
                "quantity": str(position.quantity - 1),
                "unit_price": str(GLASS_PRICE),
                "currency": USD,
            }
        lines.append(line)
    lines.append(
        {
            "item_no": ids.FRAMES,
            "lot_no": found_frames_lot(tag),
            "location": ids.RAW_BIN,
            "quantity": str(FOUND_FRAMES),
        }
    )
    return {"lines": lines, "exchange_rate": str(RATE), "reason": "月末盘点"}


def review(status: LifecycleStatus) -> dict[str, Any]:
    """The liaison's word on each open difference: a shortage lost, a surplus found."""
    view = status.stocktake
    assert view is not None
    decisions = [
        {
            "item_no": d.item_no,
            "lot_no": d.lot_no,
            "location": d.location,
            "status": d.status.value,
            "cause": (
                DifferenceCause.LOSS if d.difference < 0 else DifferenceCause.FOUND_GOODS
            ).value,
        }
        for d in view.differences
        if d.state == "open"
    ]
    return {"decisions": decisions, "reason": "现场复核：玻璃破损遗失一片，边框为未入账到货"}


def write_off(tag: str, start: dt.date, end: dt.date, stocktake_id: str) -> WriteOffDraft:
    return WriteOffDraft(
        write_off_no=f"HX-{tag}",
        book_no=ids.SOLAR_BOOK,
        start=start,
        end=end,
        stocktake_id=stocktake_id,
        explanation="盘点差异已作盘盈盘亏调整，丢失玻璃已补税",
        filed_by="demo-solar-filer",
    )
