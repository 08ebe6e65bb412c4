"""A lot's trace (追溯) drawn as a graph: lots and the documents that moved their goods
as boxes, movements and lineage links as arrows with their exact quantities, one band
per account book so that an in-zone transfer visibly crosses from one book to another.

Input is the trace as the reader may see it (`api.audit.schemas.TraceReport`, links
into books out of the reader's scope already redacted); the words are passed in
already translated (`TraceLabels`), so the drawing is language-neutral. The layout is
layered and deterministic: goods flow left to right, one column per depth (backward:
the entry lists on the left and the lot on the right; forward: the lot on the left and
its exits on the right), each column ordered by first appearance.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from lxml import etree

from api.audit.schemas import Direction, TraceLot, TraceReport, TraceStep
from console.drawings.svg import (
    beijing,
    canvas,
    element,
    fitted,
    rendered,
    text,
    text_width,
    tooltip,
)
from schemas.codes import DocumentType
from schemas.quantities import plain

NODE_W, NODE_H = 220.0, 76.0
COLUMN_GAP, ROW_GAP = 180.0, 22.0
BAND_HEAD, MARGIN, LEGEND_H = 26.0, 16.0, 30.0
LINE_SIZE = 12.0

CSS = """
.band rect { fill: #f4f6f8; stroke: #c9d1d9; }
.band:nth-of-type(even) rect { fill: #eef3ee; }
.band text { fill: #3b4754; font-weight: bold; }
.node rect { stroke: #4a5a6a; stroke-width: 1; }
.lot rect { fill: #dceefb; }
.lot.root rect { stroke: #0b4f8a; stroke-width: 3; }
.document rect { fill: #fff4d6; }
.hidden rect { fill: #ffffff; stroke-dasharray: 4 3; }
.node text { fill: #1b2733; }
.edge path { fill: none; stroke: #52606d; stroke-width: 1.5; }
.edge.lineage path { stroke: #0b4f8a; stroke-dasharray: 6 3; }
.edge.crossing path { stroke: #c0392b; stroke-width: 3; stroke-dasharray: none; }
.edge rect { fill: #ffffff; opacity: 0.9; }
.edge text { fill: #1b2733; font-size: 12px; }
"""


@dataclass(frozen=True)
class TraceLabels:
    """The drawing's words, already in the reader's language."""

    title: str  # the whole drawing, e.g. "批次 CELL-01 的来源" (also its aria-label)
    document_type: Callable[[DocumentType], str]  # bonded_list -> 核注清单
    outside: Callable[[str], str]  # an outside account kind: abroad -> 境外
    unit: Callable[[str, int], str]  # (book, item) -> its unit's name: 千克
    book: str  # 账册
    lot: str  # 批次
    item: str  # 项号
    out_of_scope: str  # 不在您权限内的账册
    no_document: str  # 无单证
    movement: str  # legend: 进出 (a document's movement)
    lineage: str  # legend: 批次关联 (a lineage link)
    crossing: str  # legend: 跨账册 (a link between books)


@dataclass
class _Node:
    key: tuple[object, ...]
    kind: str  # lot | document | hidden
    book: str | None  # None: out of the reader's scope
    depth: int
    lines: list[str]
    about: list[str]
    root: bool = False
    x: float = 0.0
    y: float = 0.0


@dataclass(frozen=True)
class _Edge:
    source: tuple[object, ...]
    target: tuple[object, ...]
    quantity: Decimal
    unit: str | None
    lineage: bool
    crossing: bool


@dataclass
class _Graph:
    labels: TraceLabels
    backward: bool
    nodes: dict[tuple[object, ...], _Node] = field(default_factory=dict)
    edges: list[_Edge] = field(default_factory=list)
    hidden: int = 0

    def node(self, key: tuple[object, ...], depth: int, make: Callable[[], _Node]) -> _Node:
        found = self.nodes.get(key)
        if found is None:
            found = self.nodes[key] = make()
        found.depth = max(found.depth, depth)
        return found

    def flow(
        self,
        near: _Node,
        far: _Node,
        quantity: Decimal,
        unit: str | None,
        *,
        lineage: bool,
    ) -> None:
        """An arrow in the goods' direction: from far to near backward, else near to far."""
        source, target = (far, near) if self.backward else (near, far)
        crossing = lineage and near.book != far.book
        edge = _Edge(source.key, target.key, quantity, unit, lineage, crossing)
        if edge not in self.edges:
            self.edges.append(edge)

    def lot(self, lot: TraceLot, depth: int) -> _Node:
        labels = self.labels
        node = self.node(
            ("lot", lot.book_no, lot.lot_no),
            depth,
            lambda: _Node(
                key=("lot", lot.book_no, lot.lot_no),
                kind="lot",
                book=lot.book_no,
                depth=depth,
                lines=[
                    f"{labels.lot} {lot.lot_no}",
                    f"{labels.book} {lot.book_no}",
                    f"{labels.item} {lot.item_no}",
                ],
                about=[
                    f"{labels.lot} {lot.lot_no}",
                    f"{labels.book} {lot.book_no}",
                    f"{labels.item} {lot.item_no}",
                ],
            ),
        )
        unit = labels.unit(lot.book_no, lot.item_no)
        for step in lot.steps:
            self.flow(
                node,
                self.document(lot.book_no, step, depth + 1),
                step.quantity,
                unit,
                lineage=False,
            )
        for link in lot.links:
            if link.lot is None:
                self.hidden += 1
                hidden = self.node(
                    ("hidden", self.hidden),
                    depth + 1,
                    lambda: _Node(
                        key=("hidden", self.hidden),
                        kind="hidden",
                        book=None,
                        depth=depth + 1,
                        lines=[labels.out_of_scope],
                        about=[labels.out_of_scope],
                    ),
                )
                # A redacted input lot's unit is not the reader's to know.
                self.flow(
                    node, hidden, link.quantity, None if self.backward else unit, lineage=True
                )
                continue
            other = self.lot(link.lot, depth + 1)
            # A lineage link counts the input lot's goods.
            input_unit = labels.unit(link.lot.book_no, link.lot.item_no) if self.backward else unit
            self.flow(node, other, link.quantity, input_unit, lineage=True)
        return node

    def document(self, book_no: str, step: TraceStep, depth: int) -> _Node:
        labels = self.labels
        ref = step.document
        key: tuple[object, ...] = (
            ("document", book_no, ref.type, ref.number, step.outside)
            if ref is not None
            else ("document", book_no, None, len(self.nodes), step.outside)
        )

        def make() -> _Node:
            number = ref.number if ref is not None else labels.no_document
            kind = labels.document_type(ref.type) if ref is not None else labels.no_document
            lines = [number, f"{kind} · {labels.outside(step.outside)}", beijing(step.recorded_at)]
            about = [*lines]
            if step.actor:  # who and why, as the ledger recorded the movement
                lines.append(f"{step.actor}: {step.reason}")
                about.append(f"{step.actor}: {step.reason}")
            return _Node(key, "document", book_no, depth, lines, about)

        return self.node(key, depth, make)


def _layout(graph: _Graph) -> tuple[float, float, list[tuple[str, float, float]]]:
    """Place the nodes: a column per depth, a band per book (the root's first, then by
    first appearance, the out-of-scope band last). Returns the drawing's width and
    height and the bands (label, top, height)."""
    deepest = max(node.depth for node in graph.nodes.values())
    column = {
        key: (deepest - node.depth if graph.backward else node.depth)
        for key, node in graph.nodes.items()
    }
    books: list[str | None] = []
    for node in graph.nodes.values():
        if node.book not in books:
            books.append(node.book)
    if None in books:
        books.remove(None)
        books.append(None)
    bands: list[tuple[str, float, float]] = []
    top = MARGIN
    for book in books:
        rows: dict[int, int] = {}
        for key, node in graph.nodes.items():
            if node.book != book:
                continue
            row = rows.get(column[key], 0)
            rows[column[key]] = row + 1
            node.x = MARGIN + column[key] * (NODE_W + COLUMN_GAP)
            node.y = top + BAND_HEAD + row * (NODE_H + ROW_GAP)
        height = BAND_HEAD + max(rows.values()) * (NODE_H + ROW_GAP)
        label = graph.labels.out_of_scope if book is None else f"{graph.labels.book} {book}"
        bands.append((label, top, height))
        top += height + ROW_GAP / 2
    width = 2 * MARGIN + (deepest + 1) * NODE_W + deepest * COLUMN_GAP
    return width, top + LEGEND_H, bands


def trace_graph_svg(report: TraceReport, labels: TraceLabels) -> str:
    """The trace as an SVG string (role="img", a viewBox, tooltips on every box and
    arrow). Lots and documents appear once each, however many paths reach them."""
    graph = _Graph(labels, backward=report.direction is Direction.BACKWARD)
    root = graph.lot(report.trace, 0)
    root.root = True
    width, height, bands = _layout(graph)
    svg = canvas(width, height, labels.title, css=CSS)
    for label, top, band_height in bands:
        group = element(svg, "g", class_="band")
        element(group, "rect", x=MARGIN / 2, y=top, width=width - MARGIN, height=band_height, rx=6)
        text(group, MARGIN, top + 17, label)
    for edge in graph.edges:
        _draw_edge(svg, graph, edge)
    for node in graph.nodes.values():
        _draw_node(svg, node)
    _legend(svg, labels, height)
    return rendered(svg)


def _draw_node(svg: etree._Element, node: _Node) -> None:
    classes = f"node {node.kind}" + (" root" if node.root else "")
    group = element(svg, "g", class_=classes)
    tooltip(group, "\n".join(node.about))
    element(group, "rect", x=node.x, y=node.y, width=NODE_W, height=NODE_H, rx=5)
    for i, line in enumerate(node.lines[:4]):
        weight = "bold" if i == 0 else "normal"
        text(
            group,
            node.x + 8,
            node.y + 17 + i * 17,
            fitted(line, NODE_W - 16, LINE_SIZE),
            font_size=LINE_SIZE,
            font_weight=weight,
        )


def _draw_edge(svg: etree._Element, graph: _Graph, edge: _Edge) -> None:
    source, target = graph.nodes[edge.source], graph.nodes[edge.target]
    x1, y1 = source.x + NODE_W, source.y + NODE_H / 2
    x2, y2 = target.x, target.y + NODE_H / 2
    bend = (x2 - x1) / 2
    kind = "crossing" if edge.crossing else "lineage" if edge.lineage else "movement"
    group = element(svg, "g", class_=f"edge {kind}")
    amount = plain(edge.quantity) if edge.unit is None else f"{plain(edge.quantity)} {edge.unit}"
    words = {"crossing": graph.labels.crossing, "lineage": graph.labels.lineage}
    what = words.get(kind, graph.labels.movement)
    tooltip(group, f"{what}: {amount}\n{_name(source)} → {_name(target)}")
    element(
        group,
        "path",
        d=f"M{x1:.1f},{y1:.1f} C{x1 + bend:.1f},{y1:.1f} "
        f"{x2 - bend:.1f},{y2:.1f} {x2 - 6:.1f},{y2:.1f}",
        marker_end="url(#arrow)",
    )
    # The label sits on the arrow's uncrowded end: near the source when several arrows
    # meet at the target, near the target when several leave the source.
    fanning_in = sum(e.target == edge.target for e in graph.edges)
    fanning_out = sum(e.source == edge.source for e in graph.edges)
    t = 0.3 if fanning_in > fanning_out else 0.7 if fanning_out > fanning_in else 0.5
    mid_x, mid_y = _bezier(t, (x1, y1), (x1 + bend, y1), (x2 - bend, y2), (x2, y2))
    box = text_width(amount, 12) + 16
    element(group, "rect", x=mid_x - box / 2, y=mid_y - 9, width=box, height=16, rx=3)
    text(group, mid_x, mid_y + 4, amount, text_anchor="middle")


def _bezier(t: float, *points: tuple[float, float]) -> tuple[float, float]:
    """The point at t of a cubic Bézier curve."""
    (ax, ay), (bx, by), (cx, cy), (dx, dy) = points
    u = 1 - t
    weights = (u**3, 3 * u * u * t, 3 * u * t * t, t**3)
    return (
        sum(w * p for w, p in zip(weights, (ax, bx, cx, dx), strict=True)),
        sum(w * p for w, p in zip(weights, (ay, by, cy, dy), strict=True)),
    )


def _name(node: _Node) -> str:
    return node.lines[0]


def _legend(svg: etree._Element, labels: TraceLabels, height: float) -> None:
    defs = element(svg, "defs")
    marker = element(
        defs,
        "marker",
        id="arrow",
        viewBox="0 0 10 10",
        refX=1,
        refY=5,
        markerWidth=9,
        markerHeight=9,
        markerUnits="userSpaceOnUse",
        orient="auto",
    )
    element(marker, "path", d="M0,0 L10,5 L0,10 z", fill="#52606d")
    y = height - LEGEND_H / 2
    x = MARGIN
    for kind, word in (
        ("movement", labels.movement),
        ("lineage", labels.lineage),
        ("crossing", labels.crossing),
    ):
        group = element(svg, "g", class_=f"edge legend {kind}")
        element(group, "path", d=f"M{x:.1f},{y:.1f} h36")
        text(group, x + 44, y + 4, word)
        x += 44 + text_width(word, 13) + 30
