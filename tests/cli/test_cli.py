"""The `bondflow` command, as a person at a terminal uses it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from adapters.db.engine import create_database
from bondflow import __version__
from bondflow.cli.main import app
from ledger import Ledger
from tests.support.builders import leg, make_zone, outside, request, stock

runner = CliRunner()


@pytest.fixture
def env(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """Point the CLI at the test database, with no settings file around."""
    monkeypatch.setenv("BONDFLOW_DATABASE_URL", database_url)
    monkeypatch.setenv("BONDFLOW_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("BONDFLOW_SETTINGS_FILE", raising=False)
    monkeypatch.chdir(tmp_path)
    return database_url


def _post_some_stock(url: str) -> None:
    database = create_database(url)
    zone = make_zone(database)
    zone.lot("L1")
    Ledger(database).execute(request("entry-1", leg("250", outside("abroad"), stock("L1"))))
    database.dispose()


def test_version_and_help_on_every_command() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert __version__ in result.output
    for command in (
        [],
        ["db"],
        ["ledger"],
        ["books"],
        ["seed"],
        ["db", "upgrade"],
        ["ledger", "verify"],
        ["ledger", "anchor"],
        ["ledger", "balances"],
        ["ledger", "history"],
        ["ledger", "trace"],
        ["periods", "close"],
        ["periods", "reopen"],
        ["periods", "list"],
        ["books", "list"],
        ["books", "items"],
        ["seed", "demo"],
        ["demo-ledger"],
    ):
        help_result = runner.invoke(app, [*command, "--help"])
        assert help_result.exit_code == 0, command
        assert "Usage" in help_result.output


def test_db_upgrade_then_current_says_up_to_date(env: str) -> None:
    upgraded = runner.invoke(app, ["db", "upgrade"])
    assert upgraded.exit_code == 0, upgraded.output
    current = runner.invoke(app, ["db", "current"])
    assert "up to date" in current.output


def test_balances_as_json_show_the_posted_stock(env: str) -> None:
    _post_some_stock(env)
    result = runner.invoke(app, ["ledger", "balances", "--json"])
    assert result.exit_code == 0, result.output
    [row] = json.loads(result.output)
    assert row["posted"] == "250.00000"
    assert row["lot_no"] == "L1"


def test_verify_then_anchor_then_verify_against_the_anchor(env: str, tmp_path: Path) -> None:
    _post_some_stock(env)
    anchor = tmp_path / "audit" / "head.json"
    assert runner.invoke(app, ["ledger", "anchor", "--out", str(anchor)]).exit_code == 0
    assert json.loads(anchor.read_text())["seq"] == 1
    verified = runner.invoke(app, ["ledger", "verify", "--anchor", str(anchor)])
    assert verified.exit_code == 0, verified.output
    assert "chain intact" in verified.output


def test_a_broken_anchor_file_is_named_in_the_error(env: str, tmp_path: Path) -> None:
    bad = tmp_path / "head.json"
    bad.write_text('{"seq": "x"}')
    result = runner.invoke(app, ["ledger", "verify", "--anchor", str(bad)])
    assert result.exit_code == 2
    assert str(bad) in result.output
    missing = runner.invoke(app, ["ledger", "verify", "--anchor", str(tmp_path / "none.json")])
    assert missing.exit_code == 2
    assert "none.json" in missing.output


def test_as_of_without_a_timezone_is_refused(env: str) -> None:
    result = runner.invoke(app, ["ledger", "balances", "--as-of", "2026-06-30T12:00:00"])
    assert result.exit_code == 2
    assert "timezone" in result.output


def test_unknown_lot_trace_names_the_lot(env: str) -> None:
    _post_some_stock(env)
    result = runner.invoke(app, ["ledger", "trace", "H96001234567", "NOPE"])
    assert result.exit_code == 2
    assert "NOPE" in result.output


def test_settings_file_errors_name_the_file_and_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = tmp_path / "bondflow.toml"
    broken.write_text('data_dir = "var"\ndatabase_url = \n')
    monkeypatch.setenv("BONDFLOW_SETTINGS_FILE", str(broken))
    result = runner.invoke(app, ["db", "current"])
    assert result.exit_code == 2
    assert str(broken) in result.output
    assert "line 2" in result.output

    broken.write_text('database_url = "mysql://nope"\n')
    result = runner.invoke(app, ["db", "current"])
    assert result.exit_code == 2
    assert "database_url" in result.output

    monkeypatch.setenv("BONDFLOW_SETTINGS_FILE", str(tmp_path / "missing.toml"))
    result = runner.invoke(app, ["db", "current"])
    assert result.exit_code == 2
    assert "missing.toml" in result.output


def test_settings_file_is_read_and_environment_wins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bondflow.settings import Settings

    file = tmp_path / "bondflow.toml"
    file.write_text('temporal_address = "temporal.zone:7233"\ntask_queue = "from-file"\n')
    monkeypatch.setenv("BONDFLOW_SETTINGS_FILE", str(file))
    monkeypatch.setenv("BONDFLOW_TASK_QUEUE", "from-env")
    settings = Settings()
    assert settings.temporal_address == "temporal.zone:7233"
    assert settings.task_queue == "from-env"
    assert settings.effective_database_url.startswith("sqlite:///")


def test_a_closed_month_refuses_a_back_dated_posting_until_reopened(env: str) -> None:
    """Given stock posted today, when March is closed, listed and reopened through the
    CLI, then the list shows who closed it and why, and a naive --known-at is refused."""
    _post_some_stock(env)
    closed = runner.invoke(
        app,
        [
            "periods",
            "close",
            "H96001234567",
            "--kind",
            "month",
            "--from",
            "2026-03-01",
            "--to",
            "2026-03-31",
            "--reason",
            "March agreed",
            "--actor",
            "liaison-li",
        ],
    )
    assert closed.exit_code == 0, closed.output
    listed = runner.invoke(app, ["periods", "list", "H96001234567"])
    assert "March agreed" in listed.output
    assert "closed" in listed.output
    twice = runner.invoke(
        app,
        [
            "periods",
            "close",
            "H96001234567",
            "--kind",
            "month",
            "--from",
            "2026-03-01",
            "--to",
            "2026-03-31",
            "--reason",
            "again",
            "--actor",
            "liaison-li",
        ],
    )
    assert twice.exit_code == 2
    assert "closed already" in twice.output
    reopened = runner.invoke(
        app,
        [
            "periods",
            "reopen",
            "H96001234567",
            "--from",
            "2026-03-01",
            "--to",
            "2026-03-31",
            "--reason",
            "late gate pass",
            "--actor",
            "liaison-li",
        ],
    )
    assert reopened.exit_code == 0, reopened.output
    not_a_month = runner.invoke(
        app,
        [
            "periods",
            "close",
            "H96001234567",
            "--kind",
            "month",
            "--from",
            "2026-03-02",
            "--to",
            "2026-03-31",
            "--reason",
            "r",
            "--actor",
            "liaison-li",
        ],
    )
    assert not_a_month.exit_code == 2
    naive = runner.invoke(app, ["ledger", "balances", "--known-at", "2026-06-30T12:00:00"])
    assert naive.exit_code == 2
    assert "--known-at" in naive.output
    known = runner.invoke(
        app, ["ledger", "balances", "--json", "--known-at", "2000-01-01T00:00:00+08:00"]
    )
    assert known.exit_code == 0
    assert [b["posted"] for b in json.loads(known.output)] == ["0.00000"]
