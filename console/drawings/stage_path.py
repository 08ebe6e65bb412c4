"""A lifecycle's path (流程) drawn as a timeline of stages: every stage the lifecycle
has, in its workflow's order, as stops on a line; the stages its timeline visited
filled, with when each was last entered (Beijing time) and who noted what in a
tooltip; the path actually taken drawn as arcs from stop to stop in time order (a
return to the filer and the correction back are arcs too); the current stage marked.

The stages of a lifecycle come from its workflow's own next-step table
(`KINDS[lifecycle].next_steps`, written in the order a document moves through it,
with its detours: returned, manual review, inspection... beside the stage they leave
from), not from a second hand-written list. Words are passed in translated
(`StageLabels`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import pairwise

from lxml import etree

from console.drawings.svg import (
    beijing,
    beijing_seconds,
    canvas,
    element,
    fitted,
    rendered,
    text,
    tooltip,
)
from lifecycles.kinds import KINDS
from schemas.lifecycle import Lifecycle, Role, Stage, TimelineEntry

PITCH, MARGIN, LINE_Y = 112.0, 28.0, 120.0
RADIUS, CURRENT_RADIUS = 8.0, 12.0
LABEL_SIZE = 12.0

CSS = """
.line { stroke: #c9d1d9; stroke-width: 2; }
.stop circle { fill: #ffffff; stroke: #9aa5b1; stroke-width: 2; }
.stop text { fill: #7b8794; }
.stop.visited circle { fill: #2f80c4; stroke: #0b4f8a; }
.stop.visited text { fill: #1b2733; }
.stop.current circle { fill: #f0a30a; stroke: #8a5a00; stroke-width: 3; }
.stop.current text { fill: #1b2733; font-weight: bold; }
.stop .when { font-size: 11px; fill: #52606d; font-weight: normal; }
.current-mark { fill: #8a5a00; font-weight: bold; }
.path { fill: none; stroke: #0b4f8a; stroke-width: 2.5; }
.path.back { stroke: #c0392b; stroke-dasharray: 5 3; }
"""


def lifecycle_stages(lifecycle: Lifecycle) -> tuple[Stage, ...]:
    """A lifecycle's stages in its workflow's order: the keys of its next-step table."""
    return tuple(KINDS[lifecycle].next_steps)


@dataclass(frozen=True)
class StageLabels:
    """The drawing's words, already in the reader's language."""

    title: str  # the whole drawing (also its aria-label), e.g. "核注清单 E-0301 的流程"
    stage: Callable[[Stage], str]  # awaiting_sign_off -> 待审批
    role: Callable[[Role], str]  # liaison -> 关务
    current: str  # 当前


def visits(timeline: Sequence[TimelineEntry], current: Stage) -> list[Stage]:
    """The stages in the order the lifecycle went through them (by the time of the
    timeline's entries, a stage noted twice in a row once), ending at the current one."""
    path: list[Stage] = []
    for entry in sorted(timeline, key=lambda e: e.at):
        if not path or path[-1] is not entry.stage:
            path.append(entry.stage)
    if not path or path[-1] is not current:
        path.append(current)
    return path


def stage_path_svg(
    stages: Sequence[Stage],
    timeline: Sequence[TimelineEntry],
    current: Stage,
    labels: StageLabels,
) -> str:
    """The path as an SVG string (role="img", a viewBox, a tooltip on every stop).

    `stages` is the lifecycle's order (`lifecycle_stages`); `timeline` and `current`
    come from its status. A stage the timeline names but `stages` lacks (an older
    history) is added at the end rather than dropped."""
    order = list(dict.fromkeys([*stages, *(e.stage for e in timeline), current]))
    x_of = {stage: MARGIN + RADIUS + i * PITCH for i, stage in enumerate(order)}
    width = 2 * (MARGIN + RADIUS) + (len(order) - 1) * PITCH + PITCH / 2
    height = LINE_Y + 110.0
    title = f"{labels.title} · {labels.current}: {labels.stage(current)}"
    svg = canvas(width, height, title, css=CSS)
    element(svg, "line", class_="line", x1=x_of[order[0]], y1=LINE_Y, x2=x_of[order[-1]], y2=LINE_Y)
    _path(svg, visits(timeline, current), x_of)
    entered: dict[Stage, list[TimelineEntry]] = {}
    for entry in sorted(timeline, key=lambda e: e.at):
        entered.setdefault(entry.stage, []).append(entry)
    for i, stage in enumerate(order):
        _stop(svg, stage, x_of[stage], i, entered.get(stage, []), stage is current, labels)
    return rendered(svg)


def _path(svg: etree._Element, path: list[Stage], x_of: dict[Stage, float]) -> None:
    """Arcs above the line from each visited stage to the next, higher the farther they
    reach; a move back (a return) is dashed."""
    for here, there in pairwise(path):
        x1, x2 = x_of[here], x_of[there]
        back = x2 < x1
        rise = min(90.0, 22.0 + abs(x2 - x1) / 8)
        group = element(svg, "g")
        element(
            group,
            "path",
            class_="path back" if back else "path",
            d=f"M{x1:.1f},{LINE_Y - RADIUS:.1f} C{x1:.1f},{LINE_Y - rise:.1f} "
            f"{x2:.1f},{LINE_Y - rise:.1f} {x2:.1f},{LINE_Y - RADIUS:.1f}",
        )


def _stop(
    svg: etree._Element,
    stage: Stage,
    x: float,
    index: int,
    entries: list[TimelineEntry],
    is_current: bool,
    labels: StageLabels,
) -> None:
    state = "current" if is_current else "visited" if entries else "not-visited"
    group = element(svg, "g", class_=f"stop {state}")
    group.set("data-stage", stage.value)
    if is_current:
        group.set("aria-current", "step")
    name = labels.stage(stage)
    about = [name, *(_described(entry, labels) for entry in entries)]
    tooltip(group, "\n".join(about))
    element(group, "circle", cx=x, cy=LINE_Y, r=CURRENT_RADIUS if is_current else RADIUS)
    # Labels alternate between two rows below the line, so neighbours never overlap.
    y = LINE_Y + 30 + (index % 2) * 36
    text(
        group,
        x,
        y,
        fitted(name, 2 * PITCH - 16, LABEL_SIZE),
        text_anchor="middle",
        font_size=LABEL_SIZE,
    )
    if entries:
        text(group, x, y + 14, beijing(entries[-1].at)[5:], class_="when", text_anchor="middle")
    if is_current:
        text(
            group,
            x,
            y + (28 if entries else 14),
            labels.current,
            class_="current-mark",
            text_anchor="middle",
        )


def _described(entry: TimelineEntry, labels: StageLabels) -> str:
    return f"{beijing_seconds(entry.at)} {entry.actor} ({labels.role(entry.role)}): {entry.note}"
