"""`bondflow write-off`: a processing book's write-off statement (核销表) over a period,
as a table in the terminal or written to a CSV or XLSX file."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.table import Table

from bondflow.cli.context import console, fail, load_settings, open_database, reporting
from schemas.quantities import plain

# The write-off's service and its files are imported by the command (bondflow.cli.context
# says why).
if TYPE_CHECKING:
    from rules.write_off import BookWriteOff, Figure

app = typer.Typer(help="Write-off (核销) of processing books.", no_args_is_help=True)


class FileKind(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"


def _q(figure: Figure | None) -> str:
    return "" if figure is None else plain(figure.quantity)


def _table(found: BookWriteOff) -> None:
    statement = found.statement
    title = f"write-off of {found.book_no}, {found.first_day} – {found.last_day} (核销表)"
    materials = Table(title=f"{title}: materials (料件)", title_justify="left")
    for column in (
        "item",
        "part no",
        "opening",
        "in (imports, purchases, transfers, produced)",
        "consumed by the norms",
        "out (own)",
        "adjustments",
        "theoretical",
        "counted",
        "difference",
    ):
        materials.add_column(column)
    for m in statement.materials:
        consumed = (
            m.consumed_exported.quantity
            + m.consumed_sold.quantity
            + m.consumed_transferred_out.quantity
            + m.consumed_disposed.quantity
        )
        received = m.imports.quantity + m.purchases.quantity + m.transfers_in.quantity
        out = m.exported.quantity + m.sold.quantity + m.transferred_out.quantity
        materials.add_row(
            str(m.item.item_no),
            m.item.part_no,
            plain(m.opening_stock.quantity + m.opening_in_finished.quantity),
            plain(received + m.produced.quantity),
            plain(consumed),
            plain(out + m.disposed.quantity),
            _q(m.adjustments),
            _q(m.theoretical_closing),
            _q(m.counted),
            "" if m.difference is None else plain(m.difference),
        )
    console.print(materials)
    finished = Table(title=f"{title}: finished goods (成品)", title_justify="left")
    for column in ("item", "part no", "opening", "produced", "exported", "sold", "theoretical"):
        finished.add_column(column)
    for f in statement.finished_goods:
        finished.add_row(
            str(f.item.item_no),
            f.item.part_no,
            _q(f.opening_stock),
            _q(f.produced),
            _q(f.exported),
            _q(f.sold),
            _q(f.theoretical_closing),
        )
    console.print(finished)
    for missing in statement.unfolded:
        console.print(
            f"[yellow]not folded:[/] {plain(missing.quantity)} of item"
            f" {missing.finished_item_no} on {missing.on} ({missing.source.document_no}):"
            " no norm in force that day"
        )


@app.command()
def statement(
    book: str = typer.Argument(..., help="Processing book number (H...)."),
    start: dt.datetime = typer.Option(
        ..., formats=["%Y-%m-%d"], help="The period's first Beijing day."
    ),
    end: dt.datetime = typer.Option(
        ..., formats=["%Y-%m-%d"], help="The first Beijing day after the period."
    ),
    output: Path | None = typer.Option(
        None, "--output", "-o", help="Write the statement to this .csv or .xlsx file."
    ),
) -> None:
    """A processing book's write-off statement over Beijing days [start, end): per
    material and finished good, what came in, what the norms say left, the theoretical
    closing; with --output, the whole statement as CSV or XLSX (by the file's suffix)."""
    from reports.reconciliation import Language
    from reports.write_off import write_off_csv, write_off_xlsx
    from writeoff import WriteOffs

    kind: FileKind | None = None
    if output is not None:
        try:
            kind = FileKind(output.suffix.lower().removeprefix("."))
        except ValueError:
            fail(f"{output}: the file must end in .csv or .xlsx")
    settings = load_settings()
    with reporting():
        found = WriteOffs(open_database(settings)).for_days(book, start.date(), end.date())
    if output is None:
        _table(found)
        return
    if kind is FileKind.XLSX:
        output.write_bytes(write_off_xlsx(found))
    else:
        output.write_text(
            write_off_csv(found, headers=(Language.CHINESE, Language.ENGLISH)), encoding="utf-8"
        )
    console.print(f"wrote {output}")
