"""What every command needs: settings, the database, and one way to report errors.

A refusal is printed as one line naming what was wrong (file and line for a
settings file, field and reason for bad input) and the command exits with 2.

Every `bondflow` process imports the command modules to know their options, so they
import at the top only what is cheap or what all their commands use; the rest (the
domain services, SQLAlchemy, Alembic, openpyxl, Temporal) is imported by the commands
that use it. `bondflow customs-sim` and `bondflow worker`, each a process of
`bondflow up`, then start without the others' imports, as `bondflow --help` does.
"""

from __future__ import annotations

import sys
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, NoReturn, TypeGuard

import typer
from pydantic import ValidationError
from rich.console import Console

from bondflow.settings import Settings, settings_file
from schemas.errors import BondflowError
from schemas.wording import plain_reason

if TYPE_CHECKING:
    from sqlalchemy.exc import OperationalError

    from adapters.db.engine import Database
    from masterdata import MasterData

# Piped output (CI logs, files) gets a width that fits the tables instead of 80 columns.
console = Console(width=None if sys.stdout.isatty() else 160)
err_console = Console(stderr=True, soft_wrap=True)


def fail(message: str, code: int = 2) -> NoReturn:
    err_console.print(f"[bold red]error:[/] {message}", highlight=False)
    raise typer.Exit(code)


def describe_validation(exc: ValidationError, source: str = "") -> str:
    parts = []
    for error in exc.errors():
        where = ".".join(str(p) for p in error["loc"]) or "(input)"
        parts.append(f"{where}: {plain_reason(error['msg'])}")
    prefix = f"{source}: " if source else ""
    return prefix + "; ".join(parts)


def load_settings() -> Settings:
    path = settings_file()
    try:
        return Settings()
    except tomllib.TOMLDecodeError as exc:
        fail(f"{path}: {exc}")  # tomllib names the line and column
    except ValidationError as exc:
        fail(describe_validation(exc, f"settings (environment BONDFLOW_* or {path})"))
    except FileNotFoundError as exc:
        fail(str(exc))


@contextmanager
def reporting() -> Iterator[None]:
    """Turn domain refusals into a clear message and exit code 2."""
    try:
        yield
    except BondflowError as exc:
        fail(str(exc))
    except ValidationError as exc:
        fail(describe_validation(exc))
    except Exception as exc:
        if _database_unavailable(exc):
            fail(f"database unavailable: {exc.orig}")
        raise


def _database_unavailable(exc: Exception) -> TypeGuard[OperationalError]:
    """Whether SQLAlchemy could not reach the database. Only a process that imported
    SQLAlchemy can have one of its errors: one that never did is not made to import it
    (0.2 s of CPU) to find out."""
    errors = sys.modules.get("sqlalchemy.exc")
    return errors is not None and isinstance(exc, errors.OperationalError)


def open_database(settings: Settings) -> Database:
    from adapters.db.engine import create_database

    return create_database(settings.effective_database_url)


def open_masterdata() -> MasterData:
    """The master data service on the configured database."""
    from masterdata import MasterData

    return MasterData(open_database(load_settings()))
