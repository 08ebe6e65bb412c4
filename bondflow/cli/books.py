"""`bondflow books`: account books, their registered items and norms, their lots, and
imports of items and norms from a sheet."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.table import Table

from bondflow.cli.context import (
    console,
    err_console,
    fail,
    load_settings,
    open_database,
    open_masterdata,
    reporting,
)
from bondflow.cli.render import page_title
from schemas.codes import BookType
from schemas.quantities import plain
from schemas.wording import counted

# The domain's modules are imported by the commands that use them (bondflow.cli.context
# says why); an import of items or norms reads XLSX with openpyxl, imported then too.
if TYPE_CHECKING:
    from schemas.masterdata import ImportSummary

app = typer.Typer(help="Enterprises, account books (账册) and book items.", no_args_is_help=True)


@app.command("list")
def list_books() -> None:
    """Every account book with its enterprise and validity."""
    with reporting():
        md = open_masterdata()
        enterprises = {e.id: e for e in md.enterprises()}
        books = md.books()
    table = Table(title="account books (账册)", title_justify="left")
    for column in ("book", "type", "enterprise", "customs code", "district", "valid"):
        table.add_column(column)
    for b in books:
        owner = enterprises[b.enterprise_id]
        table.add_row(
            b.book_no,
            "processing (H)" if b.book_type == "H" else "logistics (T)",
            owner.name,
            owner.customs_code,
            b.customs_district,
            f"{b.valid_from} – {b.valid_to}",
        )
    console.print(table)


@app.command()
def items(book: str = typer.Argument(..., help="Account book number.")) -> None:
    """The registered items of a book: 备案序号, 料号, HS code, units."""
    with reporting():
        rows = open_masterdata().items(book)
    table = Table(title=f"items of {book}", title_justify="left")
    for column in ("no", "part no", "HS code", "name", "spec", "unit", "legal units", "kind"):
        table.add_column(column)
    for i in rows:
        legal = f"{i.first_legal_unit} x{i.first_legal_factor}"
        if i.second_legal_unit:
            legal += f", {i.second_legal_unit} x{i.second_legal_factor}"
        table.add_row(
            str(i.item_no),
            i.part_no,
            i.hs_code,
            i.name,
            i.specification,
            i.declared_unit,
            legal,
            "finished" if i.is_finished_good else "material",
        )
    console.print(table)


@app.command("open")
def open_book(
    book: str = typer.Argument(..., help="The book number (账册编号), e.g. H96012600001."),
    book_type: BookType = typer.Option(..., "--type", help="H processing, T logistics."),
    enterprise: str = typer.Option(..., "--enterprise", help="The owner's customs code."),
    valid_from: dt.datetime = typer.Option(..., "--valid-from", formats=["%Y-%m-%d"]),
    valid_to: dt.datetime = typer.Option(..., "--valid-to", formats=["%Y-%m-%d"]),
    district: str = typer.Option(..., "--district", help="The customs district (关区), 4 digits."),
) -> None:
    """Open an account book (the same again changes nothing; other content is refused)."""
    from schemas.masterdata import AccountBookIn

    with reporting():
        data = AccountBookIn(
            book_no=book,
            book_type=book_type,
            enterprise_customs_code=enterprise,
            valid_from=valid_from.date(),
            valid_to=valid_to.date(),
            customs_district=district,
        )
        found = open_masterdata().open_book(data)
        console.print(
            f"book {found.book_no} of {enterprise}: {found.valid_from} – {found.valid_to}"
        )


@app.command()
def norms(book: str = typer.Argument(..., help="Account book number.")) -> None:
    """Every consumption norm version (单耗) of a book."""
    with reporting():
        rows = open_masterdata().norms(book)
    table = Table(title=f"consumption norms of {book}", title_justify="left")
    for column in ("finished", "material", "version", "net", "loss rate", "from"):
        table.add_column(column)
    for n in rows:
        table.add_row(
            str(n.finished_item_no),
            str(n.material_item_no),
            str(n.version),
            plain(n.net_consumption),
            plain(n.loss_rate),
            str(n.effective_from),
        )
    console.print(table)


@app.command()
def lots(
    book: str = typer.Argument(..., help="Account book number."),
    limit: int = typer.Option(500, "--limit", min=1),
    offset: int = typer.Option(0, "--offset", min=0),
) -> None:
    """A book's lots (批次) with their stock summed over every position they hold."""
    from ledger import LedgerQueries

    with reporting():
        rows, total = LedgerQueries(open_database(load_settings())).lots(
            book, limit=limit, offset=offset
        )
    table = Table(
        title=page_title(f"lots of {book}", offset, len(rows), total), title_justify="left"
    )
    for column in (
        "lot",
        "item",
        "origin",
        "positions",
        "posted",
        "pending out",
        "pending in",
        "available",
    ):
        table.add_column(column, justify="right" if column[0] in "pa" else "left")
    for lot in rows:
        table.add_row(
            lot.lot_no,
            str(lot.item_no),
            lot.origin,
            str(lot.positions),
            plain(lot.posted),
            plain(lot.pending_out),
            plain(lot.pending_in),
            plain(lot.available),
        )
    console.print(table)


def _import(
    book: str,
    path: Path,
    read: Callable[..., ImportSummary],
    what: str,
    dry_run: bool,
) -> None:
    from masterdata.errors import ImportRefused

    with reporting():
        try:
            data = path.read_bytes()
        except OSError as error:
            fail(f"{path}: {error.strerror}")
        try:
            summary = read(open_masterdata(), book, data, str(path), dry_run=dry_run)
        except ImportRefused as refused:
            for row in refused.rows:
                column = f"{row.column}: " if row.column else ""
                err_console.print(f"{path}:{row.row}: {column}{row.reason}", highlight=False)
            fail(f"{path}: {counted(len(refused.rows), 'bad row')}; nothing was imported")
    verb = "would be created" if dry_run else "created"
    state = " (nothing changed)" if summary.created == 0 else ""
    console.print(
        f"{path}: {counted(summary.created, what)} {verb}, {summary.unchanged} already registered"
        f" as they are, in book {book}{state}",
        highlight=False,
        soft_wrap=True,
    )


_DRY_RUN = typer.Option(False, "--dry-run", help="Check the file and count; change nothing.")
_FILE = typer.Argument(..., help="A CSV (UTF-8 or GB18030) or XLSX file; row 1 names columns.")


@app.command("import-items")
def import_items_command(
    book: str = typer.Argument(..., help="Account book number."),
    path: Path = _FILE,
    dry_run: bool = _DRY_RUN,
) -> None:
    """Register a book's items (备案料件/成品) from a sheet, all or nothing. Columns: our
    field names (item_no, part_no, hs_code, name, specification, declared_unit,
    first_legal_unit, first_legal_factor, second_legal_unit, second_legal_factor,
    is_finished_good) or the Chinese headers (备案序号, 料号, 商品编码, ...)."""
    from masterdata.imports import import_items

    _import(book, path, import_items, "item", dry_run)


@app.command("import-norms")
def import_norms_command(
    book: str = typer.Argument(..., help="Account book number."),
    path: Path = _FILE,
    dry_run: bool = _DRY_RUN,
) -> None:
    """Register a book's consumption norm versions (单耗) from a sheet, all or nothing.
    Columns: finished_item_no, material_item_no, version, net_consumption, loss_rate
    (a fraction: 0.003 is 0.3 %), effective_from, or their Chinese headers."""
    from masterdata.imports import import_norms

    _import(book, path, import_norms, "norm version", dry_run)
