"""Rich tables for balances, history and lineage."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from rich.table import Table
from rich.tree import Tree

from schemas.quantities import plain

if TYPE_CHECKING:  # named in annotations only: the commands reading the ledger import them
    from schemas.ledger import BalanceView, HistoryEntry, LotTrace


def page_title(what: str, offset: int, shown: int, total: int) -> str:
    """'lots of H…: 1–20 of 57', or 'lots of H…: none' for an empty page."""
    if shown == 0:
        return f"{what}: none" if total == 0 else f"{what}: none past {offset} of {total}"
    return f"{what}: {offset + 1}–{offset + shown} of {total}"


def balances_table(rows: list[BalanceView], title: str) -> Table:
    table = Table(title=title, title_justify="left")
    for column in (
        "book",
        "item",
        "lot",
        "location",
        "status",
        "posted",
        "pending out",
        "pending in",
        "available",
    ):
        table.add_column(column, justify="right" if column[0] in "pa" else "left")
    for r in rows:
        table.add_row(
            r.book_no,
            str(r.item_no),
            r.lot_no or f"({r.kind})",
            r.location or "",
            r.status or "",
            _q(r.posted),
            _q(r.pending_out),
            _q(r.pending_in),
            _q(r.available),
        )
    return table


def history_table(rows: list[HistoryEntry], key: str) -> Table:
    table = Table(title=f"history of {key}", title_justify="left")
    for column in (
        "entry",
        "recorded (UTC)",
        "document",
        "operation",
        "who",
        "why",
        "change",
        "posted after",
        "available after",
    ):
        table.add_column(column)
    for e in rows:
        doc = f"{e.document.type} {e.document.number}" if e.document else ""
        table.add_row(
            str(e.entry_id),
            e.recorded_at.strftime("%Y-%m-%d %H:%M:%S"),
            doc,
            e.operation,
            e.actor,
            e.reason,
            _signed(e.delta_posted)
            if e.delta_posted
            else f"pending {_signed(-e.delta_pending_out + e.delta_pending_in)}",
            _q(e.posted_after),
            _q(e.available_after),
        )
    return table


def trace_tree(trace: LotTrace, *, backward: bool) -> Tree:
    tree = Tree(_lot_label(trace))
    _grow(tree, trace, backward)
    return tree


def _grow(node: Tree, trace: LotTrace, backward: bool) -> None:
    for step in trace.steps:
        doc = f"{step.document.type} {step.document.number}" if step.document else "(no document)"
        arrow = "from" if backward else "to"
        node.add(f"{_q(step.quantity)} {arrow} {step.outside} — {doc}")
    for link in trace.links:
        verb = "made from" if backward else "went into"
        child = node.add(
            f"{verb} {_q(link.quantity)} of {_lot_label(link.lot)}"
            if backward
            else f"{verb} {_lot_label(link.lot)} ({_q(link.quantity)} used)"
        )
        _grow(child, link.lot, backward)


def _lot_label(trace: LotTrace) -> str:
    return f"[bold]{trace.book_no}/{trace.lot_no}[/] (item {trace.item_no})"


def _q(value: Decimal) -> str:
    return plain(value)


def _signed(value: Decimal) -> str:
    text = _q(value)
    return text if text.startswith("-") else f"+{text}"
