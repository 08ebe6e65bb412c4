"""`bondflow users create --password-stdin` and `bondflow users password`: a console
password from a script's pipe, never from the command line."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from access import AccessService
from adapters.db.engine import create_database
from bondflow.cli.main import app

runner = CliRunner()


@pytest.fixture
def env(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("BONDFLOW_DATABASE_URL", database_url)
    monkeypatch.setenv("BONDFLOW_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("BONDFLOW_SETTINGS_FILE", raising=False)
    monkeypatch.chdir(tmp_path)
    return database_url


def test_a_user_created_with_a_password_on_stdin_signs_in_with_it(env: str) -> None:
    created = runner.invoke(
        app,
        ["users", "create", "ops", "--role", "admin", "--password-stdin"],
        input="first-password-1\n",
    )
    assert created.exit_code == 0, created.output
    assert "bf_" in created.output  # the API token is printed as before
    access = AccessService(create_database(env))
    assert access.check_password("ops", "first-password-1") is not None

    changed = runner.invoke(
        app, ["users", "password", "ops", "--password-stdin"], input="second-password-2\n"
    )
    assert changed.exit_code == 0, changed.output
    assert access.check_password("ops", "first-password-1") is None
    assert access.check_password("ops", "second-password-2") is not None


def test_a_short_password_is_refused_naming_the_field_and_no_user_is_made(env: str) -> None:
    refused = runner.invoke(
        app, ["users", "create", "ops", "--role", "admin", "--password-stdin"], input="short\n"
    )
    assert refused.exit_code == 2
    assert "password: a password has at least 10 characters" in refused.output
    assert AccessService(create_database(env)).users() == []


def test_password_without_stdin_or_with_empty_stdin_is_refused(env: str) -> None:
    runner.invoke(app, ["users", "create", "ops", "--role", "admin"])
    without = runner.invoke(app, ["users", "password", "ops"])
    empty = runner.invoke(app, ["users", "password", "ops", "--password-stdin"], input="")
    assert without.exit_code == empty.exit_code == 2
    assert "--password-stdin" in without.output
    assert "standard input is empty" in empty.output
