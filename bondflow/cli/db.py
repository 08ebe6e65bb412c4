"""`bondflow db`: schema migrations."""

from __future__ import annotations

import typer

from bondflow.cli.context import console, load_settings, open_database, reporting

# Alembic (~0.2 s of CPU to import) is imported by these commands alone: every `bondflow`
# process imports this module to know its options.

app = typer.Typer(help="Database schema: apply and inspect migrations.", no_args_is_help=True)


@app.command()
def upgrade(
    revision: str = typer.Option("head", help="Alembic revision to upgrade to."),
) -> None:
    """Apply the migrations (SQLite file or PostgreSQL, from settings)."""
    from adapters.db import migrate

    settings = load_settings()
    with reporting():
        migrate.upgrade(settings.effective_database_url, revision)
        database = open_database(settings)
        current = migrate.current_revision(database.engine)
        database.dispose()
    console.print(f"database at revision [bold]{current}[/] ({settings.effective_database_url})")


@app.command()
def current() -> None:
    """Show the database's revision and the newest one the code knows."""
    from adapters.db import migrate

    settings = load_settings()
    with reporting():
        database = open_database(settings)
        revision = migrate.current_revision(database.engine)
        database.dispose()
    head = migrate.head_revision(settings.effective_database_url)
    state = "up to date" if revision == head else f"behind (code is at {head})"
    console.print(f"database revision: {revision or 'none'} — {state}")
