"""`bondflow users`: create users, set their console passwords, issue or revoke tokens."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import typer
from pydantic import ValidationError
from rich.table import Table

from bondflow.cli.context import console, fail, load_settings, open_database, reporting
from schemas.access import UserIn, UserRole
from schemas.wording import counted, plain_reason

# The access service is imported by the commands that use it (bondflow.cli.context says
# why).
if TYPE_CHECKING:
    from access import AccessService

app = typer.Typer(help="API users and their tokens.", no_args_is_help=True)


def _access() -> AccessService:
    from access import AccessService

    return AccessService(open_database(load_settings()))


def _password_from_stdin() -> str:
    """The first line of standard input, without its line ending (scripts pipe it in:
    a password never goes on the command line, where `ps` and the history see it)."""
    line = sys.stdin.readline()
    if not line:
        fail("--password-stdin: standard input is empty; pipe the password in")
    return line.rstrip("\r\n")


def _print_token(token: str) -> None:
    console.print("token (shown once, keep it safe):", style="bold")
    # Plain print: no wrapping or markup, so it can be copied or captured.
    print(token)


@app.command("create")
def create(
    name: str = typer.Argument(..., help="A login-like name: letters, digits, . _ @ -"),
    role: UserRole = typer.Option(..., "--role", help="filer, liaison, auditor or admin"),
    enterprise: list[str] = typer.Option(
        [],
        "--enterprise",
        help="An enterprise's customs code: one for a filer; for an auditor, repeat to "
        "limit it (none: all enterprises).",
    ),
    password_stdin: bool = typer.Option(
        False,
        "--password-stdin",
        help="Read a console password from the first line of standard input.",
    ),
) -> None:
    """Create a user and print its first token (with --password-stdin, it may also sign
    in to the web console)."""
    with reporting():
        password = _password_from_stdin() if password_stdin else None
        access = _access()
        try:
            data = UserIn(name=name, role=role, enterprises=tuple(enterprise))
        except ValidationError as error:
            first = error.errors()[0]
            fail(plain_reason(first["msg"]))
        issued = access.create_user(data, password)
        scope = ", ".join(issued.user.enterprises) or "all enterprises"
        console.print(f"user {issued.user.name}: {issued.user.role.value}, {scope}")
        _print_token(issued.token)


@app.command("password")
def password(
    name: str = typer.Argument(..., help="The user's name."),
    password_stdin: bool = typer.Option(
        False,
        "--password-stdin",
        help="Read the new password from the first line of standard input.",
    ),
) -> None:
    """Set or reset a user's console password (its console sessions end)."""
    with reporting():
        if not password_stdin:
            fail("give the password on standard input with --password-stdin")
        new = _password_from_stdin()
        user = _access().set_password(name, new)
        console.print(f"password of {user.name} set; its console sessions ended")


@app.command("token")
def token(name: str = typer.Argument(..., help="The user's name.")) -> None:
    """Issue another token for a user (its other tokens stay valid)."""
    with reporting():
        _print_token(_access().issue_token(name).token)


@app.command("revoke")
def revoke(name: str = typer.Argument(..., help="The user's name.")) -> None:
    """Revoke every token of a user."""
    with reporting():
        count = _access().revoke_tokens(name)
        console.print(f"{counted(count, 'token')} of {name} revoked")


@app.command("list")
def list_users() -> None:
    """The users, their roles and scopes (never their tokens)."""
    with reporting():
        table = Table("name", "role", "enterprises", "created", "password", "disabled")
        for user in _access().users():
            table.add_row(
                user.name,
                user.role.value,
                ", ".join(user.enterprises) or "all",
                user.created_at.isoformat(timespec="seconds"),
                "yes" if user.has_password else "",
                "yes" if user.disabled else "",
            )
        console.print(table)


@app.command("disable")
def disable(name: str = typer.Argument(..., help="The user's name.")) -> None:
    """Disable a user: none of its tokens works any more."""
    with reporting():
        user = _access().disable_user(name)
        console.print(f"user {user.name} disabled")
