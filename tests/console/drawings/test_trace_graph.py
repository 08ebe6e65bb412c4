"""A lot's trace drawn: one box per lot and document, one arrow per movement and
lineage link with its exact quantity and unit, a band per book, every text escaped."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from api.audit.schemas import Direction, TraceLink, TraceLot, TraceReport, TraceStep
from console.drawings.trace_graph import TraceLabels, trace_graph_svg
from schemas.codes import DocumentType
from schemas.ledger import DocumentRef
from tests.console.drawings.support import groups, parsed, texts, title

SOLAR, RECYCLER = "H9601W104420", "T9601W000004"
ENTRY, TRANSFER = "QD960126I000000001", "QD960126E000000301"
AT = dt.datetime(2026, 3, 2, 1, 30, tzinfo=dt.UTC)  # 09:30 in Beijing
EVIL = "<script>alert(1)</script>"


def _step(number: str, outside: str, quantity: str) -> TraceStep:
    document = DocumentRef(type=DocumentType.BONDED_LIST, number=number)
    # Who and why come with the step (the ledger transaction's actor and reason).
    actor, reason = ("张伟", f"{EVIL} 一线进境") if number == ENTRY else ("", "")
    return TraceStep(
        document=document,
        outside=outside,
        quantity=Decimal(quantity),
        recorded_at=AT,
        actor=actor,
        reason=reason,
        occurred_at=AT,
    )


def _lot(book: str, lot: str, item: int, steps=(), links=()) -> TraceLot:  # type: ignore[no-untyped-def]
    return TraceLot(book_no=book, lot_no=lot, item_no=item, steps=list(steps), links=list(links))


CELLS = _lot(SOLAR, "CELL-1", 1, [_step(ENTRY, "abroad", "360000")])
GLASS = _lot(SOLAR, "GLASS-1", 2, [_step(ENTRY, "abroad", "2600")])
MODULES = _lot(
    SOLAR,
    "MOD-1",
    10,
    links=[
        TraceLink(quantity=Decimal("347336.68342"), out_of_scope=False, lot=CELLS),
        TraceLink(quantity=Decimal("2404.80962"), out_of_scope=False, lot=GLASS),
        TraceLink(quantity=Decimal("12"), out_of_scope=True, lot=None),
    ],
)
RECYCLED = _lot(
    RECYCLER,
    "RCY-1",
    1,
    [_step(TRANSFER, "zone_transfer", "96.5")],
    [TraceLink(quantity=Decimal("96.50000"), out_of_scope=False, lot=MODULES)],
)
LABELS = TraceLabels(
    title="批次 RCY-1 的来源",
    document_type=lambda kind: {"bonded_list": "核注清单"}.get(kind.value, kind.value),
    outside=lambda kind: {"abroad": "境外", "zone_transfer": "区内流转"}.get(kind, kind),
    unit=lambda book, item: "个" if item == 10 else "千克",
    book="账册",
    lot="批次",
    item="项号",
    out_of_scope="不在您权限内的账册",
    no_document="无单证",
    movement="进出区",
    lineage="批次关联",
    crossing="跨账册",
)


def _drawn(report: TraceReport) -> str:
    return trace_graph_svg(report, LABELS)


def test_a_backward_trace_draws_each_lot_and_document_once_and_each_flow_as_an_arrow() -> None:
    """Given a recycled lot that came by transfer from a module lot made of cells and
    glass (both on one entry list) and of a lot out of the reader's scope, when drawn
    backward, then there are four lots, two documents (the shared entry list once) and
    the hidden lot, and six arrows: two from the entry list, three lineage links into
    the modules and one into the recycled lot, with the transfer document's movement."""
    svg = parsed(_drawn(TraceReport(direction=Direction.BACKWARD, redacted=1, trace=RECYCLED)))
    assert svg.get("role") == "img"
    assert svg.get("aria-label") == "批次 RCY-1 的来源"
    assert svg.get("viewBox", "").startswith("0 0 ")
    assert "Noto Sans CJK SC" in svg.get("font-family", "")
    assert len(groups(svg, "lot")) == 4
    assert len(groups(svg, "document")) == 2
    assert len(groups(svg, "hidden")) == 1
    arrows = [g for g in groups(svg, "edge") if "legend" not in (g.get("class") or "")]
    assert sorted(texts(a)[0] for a in arrows) == [
        "12",  # a redacted input lot's unit is not the reader's to know
        "2404.80962 千克",
        "2600 千克",
        "347336.68342 千克",
        "360000 千克",
        "96.5 个",
        "96.5 千克",
    ]


def test_the_link_between_two_books_is_drawn_as_a_crossing_and_each_book_has_a_band() -> None:
    svg = parsed(_drawn(TraceReport(direction=Direction.BACKWARD, redacted=1, trace=RECYCLED)))
    bands = [texts(band)[0] for band in groups(svg, "band")]
    assert bands == [f"账册 {RECYCLER}", f"账册 {SOLAR}", "不在您权限内的账册"]
    crossing = [g for g in groups(svg, "crossing") if "legend" not in (g.get("class") or "")]
    assert sorted(texts(g)[0] for g in crossing) == ["12", "96.5 个"]
    assert "MOD-1" in title(crossing[-1]) or "MOD-1" in title(crossing[0])


def test_a_document_shows_its_number_kind_beijing_date_and_who_and_why_as_text() -> None:
    """Given a reason containing <script>, when drawn, then it is text in the box and
    its tooltip, and the SVG has no script element."""
    drawn = _drawn(TraceReport(direction=Direction.BACKWARD, redacted=1, trace=RECYCLED))
    svg = parsed(drawn)
    [entry] = [g for g in groups(svg, "document") if texts(g)[0] == ENTRY]
    assert texts(entry)[1:3] == ["核注清单 · 境外", "2026-03-02 09:30"]
    assert texts(entry)[3].startswith("张伟: <script>")
    assert f"张伟: {EVIL} 一线进境" in title(entry)
    assert svg.xpath("//*[local-name()='script']") == []
    assert "<script>" not in drawn


def test_a_forward_trace_puts_the_lot_first_and_its_exits_after_it() -> None:
    """Given the cell lot traced forward to its exit, when drawn, then the lot's box is
    left of the exit list's and the arrow goes from the lot to the list."""
    exits = _lot(SOLAR, "CELL-1", 1, [_step("QD960126E000000009", "abroad", "1000")])
    svg = parsed(_drawn(TraceReport(direction=Direction.FORWARD, redacted=0, trace=exits)))
    [lot] = groups(svg, "lot")
    [document] = groups(svg, "document")
    lot_x = float(lot.xpath("./*[local-name()='rect']")[0].get("x"))
    document_x = float(document.xpath("./*[local-name()='rect']")[0].get("x"))
    assert lot_x < document_x
    [arrow] = [g for g in groups(svg, "movement") if "legend" not in (g.get("class") or "")]
    assert title(arrow).endswith("批次 CELL-1 → QD960126E000000009")
