"""`bondflow periods`: list, close and reopen a book's periods (账期), working on the
database directly as the liaison named by --actor."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import typer
from pydantic import ValidationError
from rich.table import Table

from bondflow.cli.context import (
    console,
    describe_validation,
    fail,
    load_settings,
    open_database,
    reporting,
)
from schemas.periods import BookPeriod, CloseRequest, PeriodKind, ReopenRequest

# The ledger is imported by the commands that use it (bondflow.cli.context says why).
if TYPE_CHECKING:
    from ledger.periods import BookPeriods

app = typer.Typer(help="A book's periods: close, reopen, list.", no_args_is_help=True)


def _periods() -> BookPeriods:
    from ledger.periods import BookPeriods

    return BookPeriods(open_database(load_settings()))


def _day(text: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        fail(f"{option}: {text!r} is not a date (e.g. 2026-03-31)")


def _show(periods: list[BookPeriod], book: str) -> None:
    table = Table(title=f"periods of {book}")
    for column in ("kind", "from", "to", "state", "last change", "by", "reason", "chain seq"):
        table.add_column(column)
    for p in periods:
        table.add_row(
            p.kind.value,
            p.first_day.isoformat(),
            p.last_day.isoformat(),
            "closed" if p.closed else "open",
            p.last_event.operation,
            p.last_event.actor,
            p.last_event.reason,
            str(p.last_event.chain_seq),
        )
    console.print(table)


@app.command("list")
def list_periods(book: str = typer.Argument(..., help="Account book number.")) -> None:
    """A book's periods, closed or reopened, with their latest change."""
    with reporting():
        found = _periods().periods(book)
    _show(found, book)


@app.command()
def close(
    book: str = typer.Argument(..., help="Account book number."),
    kind: PeriodKind = typer.Option(..., help="month, quarter or verification."),
    first_day: str = typer.Option(..., "--from", help="First Beijing day (2026-03-01)."),
    last_day: str = typer.Option(..., "--to", help="Last Beijing day, included."),
    reason: str = typer.Option(..., help="Why the period is closed (kept in the chain)."),
    actor: str = typer.Option(..., help="The liaison closing it."),
) -> None:
    """Close a period: nothing dated before its end is posted to the book any more."""
    try:
        request = CloseRequest(
            kind=kind,
            first_day=_day(first_day, "--from"),
            last_day=_day(last_day, "--to"),
            reason=reason,
        )
    except ValidationError as exc:
        fail(describe_validation(exc, "the period"))
    with reporting():
        done = _periods().close(book, request, actor=actor)
    console.print(
        f"closed {book} {done.first_day}..{done.last_day} (chain seq {done.last_event.chain_seq})"
    )


@app.command()
def reopen(
    book: str = typer.Argument(..., help="Account book number."),
    first_day: str = typer.Option(..., "--from", help="First Beijing day of the period."),
    last_day: str = typer.Option(..., "--to", help="Last Beijing day of the period."),
    reason: str = typer.Option(..., help="Why it is reopened (kept in the chain)."),
    actor: str = typer.Option(..., help="The liaison reopening it."),
) -> None:
    """Reopen a closed period with a reason: postings dated into it are taken again."""
    try:
        request = ReopenRequest(
            first_day=_day(first_day, "--from"), last_day=_day(last_day, "--to"), reason=reason
        )
    except ValidationError as exc:
        fail(describe_validation(exc, "the period"))
    with reporting():
        done = _periods().reopen(book, request, actor=actor)
    console.print(
        f"reopened {book} {done.first_day}..{done.last_day} (chain seq {done.last_event.chain_seq})"
    )
