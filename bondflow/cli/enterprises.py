"""`bondflow enterprises`: register and list zone enterprises and declaring agents."""

from __future__ import annotations

import typer
from rich.table import Table

from bondflow.cli.context import console, open_masterdata, reporting
from schemas.codes import EnterpriseRole

# The domain's modules are imported by the commands that use them (bondflow.cli.context
# says why).

app = typer.Typer(help="Zone enterprises (区内企业) and declaring agents.", no_args_is_help=True)


@app.command("register")
def register(
    customs_code: str = typer.Argument(..., help="海关编码: 10 characters."),
    credit_code: str = typer.Option(..., "--credit-code", help="统一社会信用代码 (18)."),
    name: str = typer.Option(..., "--name", help="The enterprise's registered name."),
    role: list[EnterpriseRole] = typer.Option(..., "--role", help="Repeat for several roles."),
) -> None:
    """Register an enterprise (the same again changes nothing; other content is refused)."""
    from schemas.masterdata import EnterpriseIn

    with reporting():
        data = EnterpriseIn(
            customs_code=customs_code, credit_code=credit_code, name=name, roles=frozenset(role)
        )
        found = open_masterdata().register_enterprise(data)
        console.print(f"enterprise {found.customs_code}: {found.name} ({found.roles})")


@app.command("list")
def list_enterprises() -> None:
    """Every registered enterprise."""
    with reporting():
        enterprises = open_masterdata().enterprises()
    table = Table("customs code", "credit code", "name", "roles", title="enterprises")
    for e in enterprises:
        table.add_row(e.customs_code, e.credit_code, e.name, e.roles.replace(",", ", "))
    console.print(table)
