"""The end of `bondflow demo`: what the books hold, one exported module lot traced back
to the entry lists that brought its materials in, the audit chain's verification,
and where to look next. Everything is read through the API as the auditor.

The readers are lenient about the shapes they receive (a page or a plain list,
extra fields): a route that is missing or answers otherwise is reported as such in
the report instead of ending the demo.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError
from rich.console import Console, Group
from rich.markup import escape
from rich.table import Table
from rich.tree import Tree

from demo import ids
from demo.story import ApiError, StoryApi, StoryError, StoryResult
from demo.story_drafts import MATERIAL_BY_ITEM, MATERIALS
from schemas.quantities import plain


class _Lenient(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class BalanceRow(_Lenient):
    book_no: str
    item_no: int
    lot_no: str | None = None
    location: str | None = None
    status: str | None = None
    posted: Decimal
    pending_out: Decimal = Decimal(0)
    pending_in: Decimal = Decimal(0)
    available: Decimal


class TraceDocument(_Lenient):
    type: str
    number: str


class TraceStep(_Lenient):
    document: TraceDocument | None = None
    outside: str
    quantity: Decimal


class TraceLink(_Lenient):
    quantity: Decimal
    out_of_scope: bool = False  # a lot of a book the reader may not see: ``lot`` is None
    lot: TraceNode | None = None


class TraceNode(_Lenient):
    book_no: str
    lot_no: str
    item_no: int
    steps: tuple[TraceStep, ...] = ()
    links: tuple[TraceLink, ...] = ()

    def documents(self) -> set[tuple[str, str]]:
        """(type, number) of every document anywhere in the trace."""
        found = {(s.document.type, s.document.number) for s in self.steps if s.document}
        for link in self.links:
            if link.lot is not None:
                found |= link.lot.documents()
        return found


TraceLink.model_rebuild()


class Verification(_Lenient):
    ok: bool
    events_checked: int | None = None
    head_seq: int | None = None
    head_hash: str | None = None
    broken_seq: int | None = None
    problem: str | None = None


@dataclass(frozen=True)
class Urls:
    api: str
    temporal_ui: str
    namespace: str = "default"


@dataclass(frozen=True)
class Report:
    """What the API answered; a string where it could not (the reason)."""

    balances: dict[str, list[BalanceRow] | str]
    trace: TraceNode | str
    verification: Verification | str

    @property
    def complete(self) -> bool:
        parts: list[object] = [*self.balances.values(), self.trace, self.verification]
        return not any(isinstance(part, str) for part in parts)


def _rows(data: Any) -> tuple[list[Any], int | None]:
    """A list's rows and, for a page, the total."""
    if isinstance(data, list):
        return data, None
    if isinstance(data, dict):
        for key in ("items", "balances", "rows"):
            if isinstance(data.get(key), list):
                total = data.get("total")
                return data[key], total if isinstance(total, int) else None
    raise ValueError(f"not a list of balances: {str(data)[:120]}")


def _unavailable(what: str, error: Exception) -> str:
    if isinstance(error, ApiError):
        return f"{what}: the API answered {error.status} ({error.detail})"
    return f"{what}: {error}"


async def balances(api: StoryApi, token: str, book_no: str) -> list[BalanceRow]:
    rows: list[BalanceRow] = []
    while True:
        page = await api.get(
            "/inventory/balances", token, book_no=book_no, limit=500, offset=len(rows)
        )
        found, total = _rows(page)
        rows.extend(BalanceRow.model_validate(row) for row in found)
        if total is None or not found or len(rows) >= total:
            return rows


async def trace_backward(api: StoryApi, token: str, book_no: str, lot_no: str) -> TraceNode:
    data = await api.get(f"/audit/lots/{book_no}/{lot_no}/trace", token, direction="backward")
    return TraceNode.model_validate(data.get("trace", data) if isinstance(data, dict) else data)


async def verification(api: StoryApi, token: str) -> Verification:
    data = await api.get("/audit/ledger/verification", token)
    return Verification.model_validate(data)


async def gather(api: StoryApi, token: str, result: StoryResult) -> Report:
    """Read the books, the exported lot's trace and the verification as ``token``."""
    found: dict[str, list[BalanceRow] | str] = {}
    for book in (ids.SOLAR_BOOK, ids.COLD_CHAIN_BOOK):
        try:
            found[book] = await balances(api, token, book)
        except (StoryError, ValueError, ValidationError) as error:
            found[book] = _unavailable(f"GET /inventory/balances?book_no={book}", error)
    trace: TraceNode | str
    try:
        trace = await trace_backward(api, token, ids.SOLAR_BOOK, result.lots.modules)
    except (StoryError, ValueError, ValidationError) as error:
        trace = _unavailable(f"the trace of {result.lots.modules}", error)
    verified: Verification | str
    try:
        verified = await verification(api, token)
    except (StoryError, ValueError, ValidationError) as error:
        verified = _unavailable("GET /audit/ledger/verification", error)
    return Report(balances=found, trace=trace, verification=verified)


# --- rendering ------------------------------------------------------------------------


def chapters_table(result: StoryResult) -> Table:
    table = Table(title=f"the story, run {result.tag}", title_justify="left")
    for column in ("", "chapter", "document", "workflow", "customs list", "took"):
        table.add_column(column, justify="right" if column == "took" else "left")
    for outcome in result.outcomes:
        table.add_row(
            str(outcome.chapter.number),
            escape(outcome.chapter.title),
            escape(outcome.business_no),
            escape(outcome.workflow_id),
            escape(outcome.status.list_no or "—"),
            f"{outcome.seconds:.1f} s",
        )
    return table


def figures(result: StoryResult) -> Table:
    """The story's quantities: what came in, what the norms took, what went out."""
    plan, lots = result.plan, result.lots
    table = Table(title="what moved", title_justify="left", show_header=False)
    table.add_column(style="bold")
    table.add_column()
    came = ", ".join(f"{plain(m.quantity)} {m.unit} of {m.name}" for m in MATERIALS)
    table.add_row("came in", f"{came} (lots *-{result.tag})")
    consumed = ", ".join(
        f"{plain(quantity)} {MATERIAL_BY_ITEM[item].unit} of {MATERIAL_BY_ITEM[item].name}"
        for item, quantity in sorted(result.consumed.items())
        if item in MATERIAL_BY_ITEM
    )
    table.add_row(
        "work order",
        f"{plain(plan.good_modules)} good + {plain(plan.defective_modules)} defective modules"
        f" on {result.produced_on}, by the norms in force: {consumed};"
        f" offcuts {plain(plan.aluminium_offcuts_kg)} kg aluminium,"
        f" {plain(plan.glass_cullet_kg)} kg glass",
    )
    table.add_row("exported", f"{plain(plan.exported)} modules at USD {plan.export_price:.2f}")
    sale = f"{plain(plan.sold)} modules at USD {plan.sale_price:.2f}"
    taxes = result.taxes
    if taxes is not None:
        paid = taxes.payable
        sale += (
            f"; duty on materials {taxes.on_materials.total:,} CNY, on finished goods"
            f" {taxes.on_finished_goods.total:,} CNY; paid {paid.total:,} CNY"
            f" (duty {paid.duty:,}, VAT {paid.vat:,}), saving {taxes.saving:,} CNY"
        )
    table.add_row("sold into China", sale)
    table.add_row(
        "transferred",
        f"{plain(plan.glass_transferred)} panes of glass to {ids.COLD_CHAIN_BOOK}"
        f" item {result.glass_item_no}, lot {lots.transferred_glass}",
    )
    table.add_row(
        "honey in", f"{plain(plan.honey_kg)} kg at USD {plan.honey_price:.2f} into lot {lots.honey}"
    )
    return table


def balances_table(book_no: str, rows: list[BalanceRow], result: StoryResult) -> Table:
    """A book's stock lots with anything on them; this run's lots in bold."""
    table = Table(title=f"inventory of {book_no}", title_justify="left")
    numbers = ("item", "posted", "pending out", "available")
    for column in ("item", "lot", "location", "status", "posted", "pending out", "available"):
        table.add_column(column, justify="right" if column in numbers else "left")
    stock = [
        r
        for r in rows
        if r.lot_no is not None and (r.posted or r.pending_out or r.pending_in or r.available)
    ]
    for r in sorted(stock, key=lambda r: (r.item_no, r.lot_no or "", r.location or "")):
        ours = result.tag in (r.lot_no or "")
        style = "bold" if ours else "dim"
        table.add_row(
            str(r.item_no),
            escape(r.lot_no or ""),
            escape(r.location or ""),
            escape(r.status or ""),
            plain(r.posted),
            plain(r.pending_out),
            plain(r.available),
            style=style,
        )
    return table


def trace_tree(trace: TraceNode, lists: dict[str, str]) -> Tree:
    """The lot and, under it, what it was made from, down to the entry lists."""
    tree = Tree(_label(trace))
    _grow(tree, trace, lists)
    return tree


def _grow(node: Tree, trace: TraceNode, lists: dict[str, str]) -> None:
    for step in trace.steps:
        if step.document is None:
            doc = "(no document)"
        else:
            doc = f"{step.document.type} {step.document.number}"
            if step.document.number in lists:
                doc += f" (customs list {lists[step.document.number]})"
        node.add(f"{plain(step.quantity)} from {escape(step.outside)} — {escape(doc)}")
    for link in trace.links:
        if link.lot is None:
            node.add(f"made from {plain(link.quantity)} of a lot in a book out of your scope")
            continue
        child = node.add(f"made from {plain(link.quantity)} of {_label(link.lot)}")
        _grow(child, link.lot, lists)


def _label(trace: TraceNode) -> str:
    return f"[bold]{escape(trace.book_no)}/{escape(trace.lot_no)}[/] (item {trace.item_no})"


def urls_table(urls: Urls, result: StoryResult) -> Table:
    api, ui, ns = urls.api.rstrip("/"), urls.temporal_ui.rstrip("/"), urls.namespace
    today = result.produced_on.isoformat()
    export_id = result.outcome(3).workflow_id
    lot = result.lots.modules
    table = Table(title="where to look", title_justify="left", show_header=False)
    table.add_column(style="bold")
    table.add_column(overflow="fold")
    for what, url in (
        ("web console", f"{api}/"),
        ("API docs", f"{api}/docs"),
        ("Temporal UI", f"{ui}/namespaces/{ns}/workflows"),
        ("the export's workflow", f"{ui}/namespaces/{ns}/workflows/{export_id}"),
        ("inventory", f"{api}/inventory/balances?book_no={ids.SOLAR_BOOK}"),
        ("the module lot's moves", f"{api}/inventory/lots/{ids.SOLAR_BOOK}/{lot}/movements"),
        ("its trace", f"{api}/audit/lots/{ids.SOLAR_BOOK}/{lot}/trace?direction=backward"),
        ("ledger verification", f"{api}/audit/ledger/verification"),
        (
            "reconciliation (CSV)",
            f"{api}/audit/reconciliation?book_no={ids.SOLAR_BOOK}&from={today}&to={today}"
            "&format=csv",
        ),
        ("the work queue", f"{api}/queue"),
    ):
        table.add_row(what, url)
    return table


def render(console: Console, report: Report, result: StoryResult, urls: Urls) -> None:
    console.print(chapters_table(result))
    console.print(figures(result))
    console.rule("inventory")
    for book, rows in report.balances.items():
        if isinstance(rows, str):
            console.print(f"[yellow]{escape(rows)}[/]")
        else:
            console.print(balances_table(book, rows, result))
    console.rule(f"exported module lot {result.lots.modules}, traced back to its entry lists")
    if isinstance(report.trace, str):
        console.print(f"[yellow]{escape(report.trace)}[/]")
    else:
        console.print(trace_tree(report.trace, result.list_numbers))
    console.rule("ledger verification")
    verified = report.verification
    if isinstance(verified, str):
        console.print(f"[yellow]{escape(verified)}[/]")
    elif verified.ok:
        console.print(
            f"audit chain [green]intact[/]: {verified.events_checked} events checked,"
            f" head {verified.head_seq} {verified.head_hash}",
            highlight=False,
        )
    else:
        console.print(
            f"audit chain [red]broken[/] at {verified.broken_seq}: {escape(verified.problem or '')}"
        )
    console.rule("next")
    console.print(urls_table(urls, result))
    console.print(
        Group(
            "Authorize in the API docs with a token: "
            "[bold]bondflow users token demo-auditor[/] (reads everything), "
            "[bold]demo-solar[/], [bold]demo-cold[/] (filers), [bold]demo-liaison[/].",
            f"[dim]finished {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M:%S} UTC[/]",
        )
    )
