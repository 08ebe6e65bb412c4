"""A lot's balance over time (批次结存): a step chart of the whole lot's posted balance
after each transaction of its movements (`LedgerQueries.lot_movements`:
`lot_posted_after`), by the time each was recorded, with the exact quantity at each
step and the time in Beijing time on the axis.

Decimal throughout; floats only for pixel coordinates. Several entries of one
transaction (a move between two positions of the lot) are one step.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from lxml import etree

from console.drawings.svg import (
    beijing_seconds,
    canvas,
    element,
    rendered,
    text,
    text_width,
    tooltip,
)
from schemas.inventory import LotMovement
from schemas.quantities import plain

WIDTH, HEIGHT = 760.0, 320.0
LEFT, RIGHT, TOP, BOTTOM = 110.0, 40.0, 30.0, 70.0
LABEL_SIZE = 11.0

CSS = """
.axis { stroke: #52606d; stroke-width: 1; }
.grid { stroke: #e4e7eb; stroke-width: 1; }
.balance { fill: none; stroke: #0b4f8a; stroke-width: 2.5; }
.step circle { fill: #0b4f8a; }
.step text { fill: #1b2733; font-size: 11px; }
.tick text { fill: #52606d; font-size: 11px; }
"""


@dataclass(frozen=True)
class BalanceLabels:
    """The chart's words, already in the reader's language."""

    title: str  # the whole chart (also its aria-label), e.g. "批次 CELL-01 的结存"
    unit: str  # the lot's item's unit: 千克
    balance: str  # 结存
    time: str  # 时间 (Beijing)
    empty: str  # 尚无进出


@dataclass(frozen=True)
class BalancePoint:
    """The lot's posted balance after one transaction, and what caused it."""

    at: str  # Beijing time, to the second
    balance: Decimal
    change: Decimal
    what: str  # the document, who and why
    x: float
    y: float


def _steps(movements: Sequence[LotMovement]) -> list[LotMovement]:
    """The last entry of each transaction (the lot's balance after it), in order."""
    steps: list[LotMovement] = []
    for movement in movements:
        if steps and steps[-1].transaction_client_id == movement.transaction_client_id:
            steps[-1] = movement
        else:
            steps.append(movement)
    return steps


def balance_points(movements: Sequence[LotMovement]) -> list[BalancePoint]:
    """Where each step of the chart is drawn, and what it says (exact Decimal): the
    lot's balance after each transaction and the transaction's change of it."""
    steps = _steps(movements)
    if not steps:
        return []
    change: dict[str, Decimal] = {}
    for movement in movements:
        key = movement.transaction_client_id
        change[key] = change.get(key, Decimal(0)) + movement.delta_posted
    # Business time: the movements come in business order (ledger/timeline.py).
    first, last = steps[0].occurred_at, steps[-1].occurred_at
    span = (last - first).total_seconds() or 1.0
    opening = steps[0].lot_posted_after - change[steps[0].transaction_client_id]
    top = max([opening, *(s.lot_posted_after for s in steps)]) or Decimal(1)
    plot_w = WIDTH - LEFT - RIGHT - 40  # room for the last step's label
    points: list[BalancePoint] = []
    for step in steps:
        fraction = (step.occurred_at - first).total_seconds() / span
        document = step.document.number if step.document is not None else ""
        points.append(
            BalancePoint(
                at=beijing_seconds(step.occurred_at),
                balance=step.lot_posted_after,
                change=change[step.transaction_client_id],
                what=f"{document} {step.actor}: {step.reason}".strip(),
                x=LEFT + fraction * plot_w,
                y=_y(step.lot_posted_after, top),
            )
        )
    return points


def _y(value: Decimal, top: Decimal) -> float:
    return TOP + (1 - float(value / top)) * (HEIGHT - TOP - BOTTOM)


def balance_chart_svg(movements: Sequence[LotMovement], labels: BalanceLabels) -> str:
    """The chart as an SVG string (role="img", a viewBox, a tooltip on every step).

    `movements` are a lot's, oldest first, as `LedgerQueries.lot_movements` gives them
    (the whole history, or a page of it: the chart starts at the first one given)."""
    svg = canvas(WIDTH, HEIGHT, labels.title, css=CSS)
    x0, y0, x1 = LEFT, HEIGHT - BOTTOM, WIDTH - RIGHT
    element(svg, "line", class_="axis", x1=x0, y1=TOP, x2=x0, y2=y0)
    element(svg, "line", class_="axis", x1=x0, y1=y0, x2=x1, y2=y0)
    text(svg, 8, TOP - 12, f"{labels.balance} ({labels.unit})", font_size=LABEL_SIZE)
    text(svg, x1, HEIGHT - 12, labels.time, text_anchor="end", font_size=LABEL_SIZE)
    points = balance_points(movements)
    if not points:
        text(svg, (x0 + x1) / 2, (TOP + y0) / 2, labels.empty, text_anchor="middle")
        return rendered(svg)
    _y_ticks(svg, points)
    _x_ticks(svg, points)
    # Before the first step the lot held its balance less that step's change.
    first = points[0]
    start_y = first.y + (HEIGHT - TOP - BOTTOM) * float(first.change / _top(points))
    path = [f"M{x0:.1f},{start_y:.1f}"]
    for i, point in enumerate(points):
        following = points[i + 1].x if i + 1 < len(points) else x1
        path.append(f"H{point.x:.1f} V{point.y:.1f} H{following:.1f}")
    element(svg, "path", class_="balance", d=" ".join(path))
    labelled_until = -1e9
    for point in points:
        group = element(svg, "g", class_="step")
        group.set("data-balance", plain(point.balance))
        change = plain(point.change)
        sign = "+" if point.change > 0 else ""
        tooltip(
            group,
            f"{point.at}\n{labels.balance}: {plain(point.balance)} {labels.unit} "
            f"({sign}{change})\n{point.what}",
        )
        element(group, "circle", cx=point.x, cy=point.y, r=3.5)
        label = plain(point.balance)
        if point.x >= labelled_until:  # a label only where it does not cover the last
            text(group, point.x + 4, point.y - 6, label)
            labelled_until = point.x + text_width(label, LABEL_SIZE) + 8
    return rendered(svg)


def _top(points: list[BalancePoint]) -> Decimal:
    opening = points[0].balance - points[0].change
    return max([opening, *(p.balance for p in points)]) or Decimal(1)


def _y_ticks(svg: etree._Element, points: list[BalancePoint]) -> None:
    """0 and every distinct balance the lot held (exact), where they do not crowd."""
    top = _top(points)
    opening = points[0].balance - points[0].change
    values = sorted({Decimal(0), opening, *(p.balance for p in points)})
    shown: list[float] = []
    for value in values:
        y = _y(value, top)
        if any(abs(y - other) < 14 for other in shown):
            continue
        shown.append(y)
        group = element(svg, "g", class_="tick")
        element(group, "line", class_="grid", x1=LEFT, y1=y, x2=WIDTH - RIGHT, y2=y)
        text(group, LEFT - 6, y + 4, plain(value), text_anchor="end")


def _x_ticks(svg: etree._Element, points: list[BalancePoint]) -> None:
    """The Beijing date and time of the steps, where they do not crowd."""
    base_y = HEIGHT - BOTTOM
    last_x = -1e9
    for point in points:
        if point.x - last_x < 90:
            continue
        group = element(svg, "g", class_="tick")
        element(group, "line", class_="axis", x1=point.x, y1=base_y, x2=point.x, y2=base_y + 5)
        text(group, point.x, base_y + 18, point.at[:10], text_anchor="middle")
        text(group, point.x, base_y + 32, point.at[11:16], text_anchor="middle")
        last_x = point.x
