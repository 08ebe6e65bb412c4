"""`bondflow ledger`: balances, history, lineage, and the audit chain."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from pydantic import ValidationError

from bondflow.cli.context import (
    console,
    describe_validation,
    fail,
    load_settings,
    open_database,
    reporting,
)
from bondflow.cli.render import balances_table, history_table, trace_tree
from bondflow.settings import Settings
from schemas.codes import CustomsStatus

# The domain's modules are imported by the commands that use them (bondflow.cli.context
# says why).
if TYPE_CHECKING:
    from ledger import ChainAuditor, LedgerQueries

app = typer.Typer(help="The bonded inventory ledger.", no_args_is_help=True)


def _queries(settings: Settings) -> LedgerQueries:
    from ledger import LedgerQueries

    return LedgerQueries(open_database(settings))


def _auditor(settings: Settings) -> ChainAuditor:
    from ledger import ChainAuditor

    return ChainAuditor(open_database(settings))


def _instant(text: str | None, option: str = "--as-of") -> dt.datetime | None:
    if text is None:
        return None
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        fail(f"{option}: {text!r} is not an ISO 8601 instant (e.g. 2026-11-01T08:00:00+08:00)")
    if value.tzinfo is None:
        fail(f"{option}: {text!r} has no timezone offset (e.g. +08:00 for Asia/Shanghai)")
    return value


AS_OF_HELP = "Business instant (when postings occurred), ISO with offset; default now."
KNOWN_AT_HELP = "Record instant: only what was recorded by then counts; default as known now."


def _title(what: str, as_of: dt.datetime | None, known_at: dt.datetime | None) -> str:
    return (
        what
        + (f" as of {as_of.isoformat()}" if as_of else "")
        + (f" as known at {known_at.isoformat()}" if known_at else "")
    )


@app.command()
def balances(
    book: str | None = typer.Option(None, help="Account book number (账册编号)."),
    item: int | None = typer.Option(None, help="Book item number (备案序号)."),
    lot: str | None = typer.Option(None, help="Lot number."),
    location: str | None = typer.Option(None, help="Location code."),
    status: CustomsStatus | None = typer.Option(None, help="Customs status."),
    as_of: str | None = typer.Option(None, help=AS_OF_HELP),
    known_at: str | None = typer.Option(None, help=KNOWN_AT_HELP),
    outside: bool = typer.Option(False, help="Include outside accounts (abroad, domestic...)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """Balances by book, item, lot, location and status, now or as of a business instant
    as known at a record instant."""
    settings = load_settings()
    at = _instant(as_of)
    known = _instant(known_at, "--known-at")
    with reporting():
        rows = _queries(settings).balances(
            book_no=book,
            item_no=item,
            lot_no=lot,
            location=location,
            status=status,
            include_outside=outside,
            as_of=at,
            known_at=known,
        )
    if as_json:
        print(json.dumps([r.model_dump(mode="json") for r in rows], ensure_ascii=False, indent=2))
        return
    console.print(balances_table(rows, _title("balances", at, known)))


@app.command()
def history(
    key: str = typer.Argument(..., help="Account key, as shown by `balances --json`."),
    limit: int = typer.Option(100, min=1, max=10_000),
    after: int = typer.Option(0, help="Show entries after this entry id (paging)."),
) -> None:
    """The movement history of one account: each change with document, who and why."""
    settings = load_settings()
    with reporting():
        rows = _queries(settings).history(key, after_entry_id=after, limit=limit)
    console.print(history_table(rows, key))


@app.command()
def trace(
    book: str = typer.Argument(..., help="Account book number."),
    lot: str = typer.Argument(..., help="Lot number."),
    forward: bool = typer.Option(False, help="Trace forward to exits instead of back to entries."),
    as_of: str | None = typer.Option(None, help=AS_OF_HELP),
    known_at: str | None = typer.Option(None, help=KNOWN_AT_HELP),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """A lot's lineage: back to the entry documents, or forward to the exits, by the
    postings that occurred by --as-of and were recorded by --known-at."""
    settings = load_settings()
    at, known = _instant(as_of), _instant(known_at, "--known-at")
    with reporting():
        queries = _queries(settings)
        walk = queries.trace_forward if forward else queries.trace_backward
        result = walk(book, lot, as_of=at, known_at=known)
    if as_json:
        print(result.model_dump_json(indent=2))
        return
    console.print(trace_tree(result, backward=not forward))


@app.command()
def verify(
    anchor: Path | None = typer.Option(
        None, help="An anchor file from `bondflow ledger anchor`, to detect rewrites."
    ),
) -> None:
    """Check the whole audit chain; name the first broken link. Exit 1 if broken."""
    from schemas.ledger import ChainAnchor

    settings = load_settings()
    kept = None
    if anchor is not None:
        try:
            kept = ChainAnchor.model_validate_json(anchor.read_text(encoding="utf-8"))
        except OSError as exc:
            fail(f"{anchor}: {exc.strerror}")
        except ValidationError as exc:
            fail(describe_validation(exc, str(anchor)))
    with reporting():
        result = _auditor(settings).verify(kept)
    if result.ok:
        against = f", consistent with the anchor at seq {kept.seq}" if kept else ""
        console.print(
            f"[green]chain intact[/]: {result.events_checked} events, head {result.head_hash}"
            f"{against}"
        )
        return
    console.print(f"[bold red]chain broken[/] at event {result.broken_seq}: {result.problem}")
    raise typer.Exit(1)


@app.command("anchor")
def write_anchor(
    out: Path = typer.Option(..., "--out", help="File to write; give it to the auditor."),
) -> None:
    """Write the current chain head to a file kept outside the database."""
    settings = load_settings()
    with reporting():
        head = _auditor(settings).anchor()
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(out.suffix + ".tmp")
    tmp.write_text(head.model_dump_json(indent=2) + "\n", encoding="utf-8")
    tmp.replace(out)
    console.print(f"anchor written to {out}: seq {head.seq}, hash {head.hash}")
