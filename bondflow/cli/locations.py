"""`bondflow locations`: register, list, show and retire areas, warehouses and bins."""

from __future__ import annotations

import getpass
from typing import TYPE_CHECKING

import typer
from rich.table import Table

from bondflow.cli.context import console, open_masterdata, reporting
from bondflow.cli.render import page_title
from schemas.codes import LocationKind

# The domain's modules are imported by the commands that use them (bondflow.cli.context
# says why).
if TYPE_CHECKING:
    from schemas.masterdata import LocationView

app = typer.Typer(help="Locations (库位): areas, warehouses and bins.", no_args_is_help=True)


def _login() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name (a container without a user entry)
        return "cli"


def _table(rows: list[LocationView], title: str) -> Table:
    table = Table(
        "code", "name", "kind", "parent", "enterprise", "cold store", "retired", title=title
    )
    for loc in rows:
        table.add_row(
            loc.code,
            loc.name,
            loc.kind.value,
            loc.parent_code or "",
            loc.enterprise_customs_code or "(zone-wide)",
            "yes" if loc.cold_store else "",
            f"{loc.retired_at:%Y-%m-%d %H:%M} UTC by {loc.retired_by}" if loc.retired_at else "",
        )
    return table


@app.command("register")
def register(
    code: str = typer.Argument(..., help="The location's code, e.g. XN-WH-A-03."),
    name: str = typer.Option(..., "--name"),
    kind: LocationKind = typer.Option(..., "--kind"),
    parent: str | None = typer.Option(None, "--parent", help="The enclosing location's code."),
    enterprise: str | None = typer.Option(
        None, "--enterprise", help="The owning enterprise's customs code (none: zone-wide)."
    ),
    cold_store: bool = typer.Option(False, "--cold-store", help="A cold store (冷库)."),
) -> None:
    """Register a location (the same again changes nothing; other content is refused)."""
    from schemas.masterdata import LocationIn

    with reporting():
        data = LocationIn(
            code=code,
            name=name,
            kind=kind,
            parent_code=parent,
            enterprise_customs_code=enterprise,
            cold_store=cold_store,
        )
        md = open_masterdata()
        md.add_location(data)
        console.print(_table([md.location(code)], "registered"))


@app.command("list")
def list_locations(
    enterprise: str | None = typer.Option(None, "--enterprise", help="One enterprise's only."),
    include_retired: bool = typer.Option(False, "--include-retired"),
    limit: int = typer.Option(500, "--limit", min=1),
    offset: int = typer.Option(0, "--offset", min=0),
) -> None:
    """The locations by code (live ones, unless --include-retired)."""
    with reporting():
        rows, total = open_masterdata().locations(
            enterprise=enterprise, include_retired=include_retired, limit=limit, offset=offset
        )
    console.print(_table(rows, page_title("locations", offset, len(rows), total)))


@app.command("show")
def show(code: str = typer.Argument(..., help="The location's code.")) -> None:
    """One location."""
    with reporting():
        found = open_masterdata().location(code)
    console.print(_table([found], f"location {code}"))


@app.command("retire")
def retire(
    code: str = typer.Argument(..., help="The location's code."),
    by: str | None = typer.Option(
        None, "--by", help="Who retires it (recorded; default: the login name)."
    ),
) -> None:
    """Retire a location: kept for its history, refused for new stock. Refused while it
    holds stock or has live locations under it; retiring it again changes nothing."""
    with reporting():
        found = open_masterdata().retire_location(code, by=by or _login())
    console.print(_table([found], "retired"))
