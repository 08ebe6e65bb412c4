"""The `bondflow` command: one entry point, a sub-command per room of the house.

Every process of `bondflow up` but the API starts here, so each command imports what
it needs when it runs (bondflow.cli.context says more).
"""

from __future__ import annotations

import typer

from bondflow import __version__
from bondflow.cli import (
    books,
    db,
    demo_command,
    enterprises,
    gateway,
    ledger,
    locations,
    periods,
    users,
    write_off,
    xml,
)
from bondflow.cli.context import console, fail, load_settings, open_database, reporting
from bondflow.cli.render import balances_table, trace_tree
from bondflow.stack.up import up

app = typer.Typer(
    help="bondflow: customs clearance and bonded inventory for comprehensive bonded zones.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(db.app, name="db")
app.add_typer(ledger.app, name="ledger")
app.add_typer(periods.app, name="periods")
app.add_typer(books.app, name="books")
app.add_typer(enterprises.app, name="enterprises")
app.add_typer(locations.app, name="locations")
app.add_typer(xml.app, name="xml")
app.add_typer(gateway.app, name="gateway")
app.add_typer(users.app, name="users")
app.add_typer(write_off.app, name="write-off")
app.command("customs-sim")(gateway.customs_sim)
app.command("demo")(demo_command.demo)
app.command("up")(up)

seed_app = typer.Typer(help="Load data into the database.", no_args_is_help=True)
app.add_typer(seed_app, name="seed")


def _version(value: bool) -> None:
    if value:
        console.print(f"bondflow {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    """Settings come from BONDFLOW_* environment variables or bondflow.toml."""


@app.command()
def worker(
    watch: bool = typer.Option(
        True, help="Also read the InBox and signal each receipt to its workflow."
    ),
) -> None:
    """Run the lifecycle workflows and activities against the Temporal address in the
    settings (BONDFLOW_TEMPORAL_ADDRESS), until Ctrl-C."""
    import asyncio
    import signal

    from bondflow.worker import configure_logging, run_worker

    settings = load_settings()
    configure_logging()

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        console.print(
            f"worker on {settings.temporal_address}, task queue {settings.task_queue}"
            f"{', watching the InBox' if watch else ''} (Ctrl-C to stop)",
            highlight=False,
        )
        await run_worker(settings, stop, watch=watch)

    with reporting():
        try:
            asyncio.run(main())
        except RuntimeError as error:
            fail(f"cannot reach Temporal at {settings.temporal_address}: {error}")


@seed_app.command("demo")
def seed_demo() -> None:
    """Load the demo: a solar module maker and a cold-chain importer in the Xining zone,
    with an opening history of entries, a processing run and exits. Safe to run twice."""
    from demo import seed_demo as run_seed

    settings = load_settings()
    with reporting():
        database = open_database(settings)
        summary = run_seed(database)
    console.print(f"demo loaded: {summary}")


@app.command("demo-ledger")
def demo_ledger() -> None:
    """Set up the database, load the demo and print the books: the first thing to run."""
    from adapters.db import migrate
    from demo import ids
    from demo import seed_demo as run_seed
    from ledger import ChainAuditor, LedgerQueries

    settings = load_settings()
    with reporting():
        migrate.upgrade(settings.effective_database_url)
        database = open_database(settings)
        run_seed(database)
        queries = LedgerQueries(database)
        console.rule("bonded stock by book, item, lot and location")
        console.print(balances_table(queries.balances(), "balances now"))
        console.rule("one exported module lot, traced back to its entry lists")
        trace = queries.trace_backward(ids.SOLAR_BOOK, ids.MODULE_LOT)
        console.print(trace_tree(trace, backward=True))
        result = ChainAuditor(database).verify()
    state = "[green]intact[/]" if result.ok else f"[red]broken[/]: {result.problem}"
    console.rule("audit chain")
    console.print(f"{result.events_checked} events, {state}, head {result.head_hash}")
    console.print(
        f"database: {settings.effective_database_url}\n"
        "next: bondflow ledger balances --help, bondflow ledger trace --help, "
        "bondflow ledger verify"
    )
    if not result.ok:
        raise typer.Exit(1)


if __name__ == "__main__":
    app()
