"""`bondflow books`: enterprises, account books and their registered items."""

from __future__ import annotations

import typer
from rich.table import Table

from bondflow.cli.context import console, load_settings, open_database, reporting
from masterdata import MasterData

app = typer.Typer(help="Enterprises, account books (账册) and book items.", no_args_is_help=True)


@app.command("list")
def list_books() -> None:
    """Every account book with its enterprise and validity."""
    settings = load_settings()
    with reporting():
        md = MasterData(open_database(settings))
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
    settings = load_settings()
    with reporting():
        rows = MasterData(open_database(settings)).items(book)
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
