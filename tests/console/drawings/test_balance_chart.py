"""A lot's balance over time drawn as steps: one per transaction, at the lot's exact
balance after it, in time order."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from console.drawings.balance_chart import BalanceLabels, balance_chart_svg, balance_points
from schemas.codes import DocumentType, Operation
from schemas.inventory import LotMovement
from schemas.ledger import DocumentRef
from tests.console.drawings.support import groups, parsed, texts, title

LABELS = BalanceLabels(
    title="批次 CELL-1 的结存", unit="千克", balance="结存", time="时间", empty="无"
)


def _movement(entry: int, day: int, tx: str, delta: str, lot_after: str) -> LotMovement:
    at = dt.datetime(2026, 3, day, 2, tzinfo=dt.UTC)  # 10:00 in Beijing
    return LotMovement(
        entry_id=entry,
        recorded_at=at,
        occurred_at=at,
        transaction_client_id=tx,
        operation=Operation.POST,
        document=DocumentRef(type=DocumentType.BONDED_LIST, number=f"QD-{tx}"),
        actor="张伟",
        reason="<b>出区</b>",
        location="A1",
        status="bonded",
        counterparty="abroad|H9601W104420|1",
        delta_posted=Decimal(delta),
        delta_pending_out=Decimal(0),
        delta_pending_in=Decimal(0),
        posted_after=Decimal(lot_after),
        available_after=Decimal(lot_after),
        lot_posted_after=Decimal(lot_after),
        lot_available_after=Decimal(lot_after),
    )


MOVEMENTS = [
    _movement(1, 2, "t1", "360000", "360000"),
    _movement(2, 10, "t2", "-347336.68342", "12663.31658"),
    # A move between two locations of the lot: two entries, one transaction, no change.
    _movement(3, 11, "t3", "-1000", "11663.31658"),
    _movement(4, 11, "t3", "1000", "12663.31658"),
    _movement(5, 25, "t4", "-663.31658", "12000"),
]


def test_each_transaction_is_one_step_at_the_lots_exact_balance_after_it() -> None:
    points = balance_points(MOVEMENTS)
    assert [p.balance for p in points] == [
        Decimal("360000"),
        Decimal("12663.31658"),
        Decimal("12663.31658"),
        Decimal("12000"),
    ]
    assert [p.change for p in points] == [
        Decimal("360000"),
        Decimal("-347336.68342"),
        Decimal(0),
        Decimal("-663.31658"),
    ]
    assert [p.x for p in points] == sorted(p.x for p in points)
    assert points[0].y < points[1].y < points[3].y  # higher balance, higher on the chart


def test_the_chart_draws_a_point_per_step_with_its_balance_and_beijing_times() -> None:
    """Given four transactions, when drawn, then there are four step points carrying the
    exact balances, the first labelled, the tooltips in Beijing time with the document
    and the reason as text, and the axis names the unit."""
    drawn = balance_chart_svg(MOVEMENTS, LABELS)
    svg = parsed(drawn)
    assert svg.get("role") == "img"
    assert svg.get("aria-label") == "批次 CELL-1 的结存"
    steps = groups(svg, "step")
    assert [s.get("data-balance") for s in steps] == [
        "360000",
        "12663.31658",
        "12663.31658",
        "12000",
    ]
    assert texts(steps[0]) == ["360000"]
    assert title(steps[1]).splitlines() == [
        "2026-03-10 10:00:00",
        "结存: 12663.31658 千克 (-347336.68342)",
        "QD-t2 张伟: <b>出区</b>",
    ]
    tick_texts = [t for tick in groups(svg, "tick") for t in texts(tick)]
    assert {"2026-03-02", "10:00", "0", "360000"} <= set(tick_texts)
    assert "结存 (千克)" in texts(svg)
    assert "<b>" not in drawn


def test_a_lot_without_movements_says_so() -> None:
    svg = parsed(balance_chart_svg([], LABELS))
    assert groups(svg, "step") == []
    assert "无" in texts(svg)
