"""The paths that need a person in a trial stack: `bondflow up --returns --inspections
--weight-holds --seed` (or BONDFLOW_SIMULATOR_* / bondflow.toml) reach the simulator
child's command line; a share outside 0..1 is refused naming where it came from."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from adapters.simulator.behaviour import DEFAULT_SEED, HumanPaths
from bondflow.cli.main import app
from bondflow.settings import Settings
from bondflow.stack.up import chosen_paths, make_plan

runner = CliRunner()


@pytest.fixture(autouse=True)
def no_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No BONDFLOW_* setting and no settings file but what a test gives."""
    for name in list(Settings.model_fields):
        monkeypatch.delenv(f"BONDFLOW_{name.upper()}", raising=False)
    monkeypatch.delenv("BONDFLOW_SETTINGS_FILE", raising=False)
    monkeypatch.chdir(tmp_path)


def simulator_command(paths: HumanPaths | None, tmp_path: Path) -> list[str]:
    plan = make_plan(
        Settings(data_dir=tmp_path),
        data_dir=None,
        db_filename=None,
        api_host="127.0.0.1",
        api_port=8000,
        temporal_port=None,
        ui_port=None,
        simulator=True,
        startup_timeout=10.0,
        simulator_paths=paths,
    )
    command = plan.simulator_command()
    assert command[1:4] == ["-m", "bondflow.cli.main", "customs-sim"]
    return command[4:]


def test_the_simulator_child_is_given_the_chosen_shares_and_seed(tmp_path: Path) -> None:
    paths = HumanPaths(returns=0.2, inspections=0.1, weight_holds=0.05, seed=7)
    arguments = simulator_command(paths, tmp_path)
    for option in (
        "--return-rate=0.2",
        "--gate-return-rate=0.2",  # a returned gate pass is the filer's too
        "--inspection-rate=0.1",
        "--weight-hold-rate=0.05",
        "--seed=7",
    ):
        assert option in arguments, arguments
    # Nothing else that needs a person, and receipts a second apart for the UI.
    assert "--manual-review-rate=0" in arguments
    assert "--gate-inspection-rate=0" in arguments
    assert "--delay=1" in arguments


def test_by_default_the_simulator_child_always_approves(tmp_path: Path) -> None:
    arguments = simulator_command(None, tmp_path)
    assert "--return-rate=0.0" in arguments
    assert "--inspection-rate=0.0" in arguments
    assert "--weight-hold-rate=0.0" in arguments
    assert f"--seed={DEFAULT_SEED}" in arguments
    assert HumanPaths().describe() == "always approves"


def test_the_command_line_wins_over_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BONDFLOW_SIMULATOR_RETURNS", "0.3")
    monkeypatch.setenv("BONDFLOW_SIMULATOR_INSPECTIONS", "0.5")
    monkeypatch.setenv("BONDFLOW_SIMULATOR_SEED", "11")
    paths = chosen_paths(Settings(), inspections=0.1, weight_holds=0.05)
    assert paths == HumanPaths(returns=0.3, inspections=0.1, weight_holds=0.05, seed=11)
    assert paths.describe() == (
        "returns 30%, inspections 10%, weight holds 5% (seed 11), approves the rest"
    )


def test_the_settings_file_sets_the_shares(tmp_path: Path) -> None:
    (tmp_path / "bondflow.toml").write_text(
        "simulator_returns = 0.2\nsimulator_weight_holds = 0.05\n", encoding="utf-8"
    )
    assert Settings().simulator_paths == HumanPaths(returns=0.2, weight_holds=0.05)


@pytest.mark.parametrize(
    ("option", "value", "reason"),
    [
        ("--returns", "1.5", "less than or equal to 1"),
        ("--inspections", "-0.1", "greater than or equal to 0"),
        ("--weight-holds", "2", "less than or equal to 1"),
    ],
)
def test_a_share_outside_0_to_1_on_the_command_line_is_refused_naming_the_option(
    option: str, value: str, reason: str
) -> None:
    """Refused before anything starts (no settings read, no process, no port taken)."""
    result = runner.invoke(app, ["up", option, value])
    assert result.exit_code == 2
    said = " ".join(result.output.replace("│", " ").split())  # the error box's lines joined
    assert f"Invalid value for '{option}': Input should be {reason}" in said


def test_a_share_outside_0_to_1_in_the_settings_is_refused_naming_the_setting(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("BONDFLOW_SIMULATOR_INSPECTIONS", "1.5")
    result = runner.invoke(app, ["up"])
    assert result.exit_code == 2
    said = " ".join(result.output.split())
    assert "simulator_inspections: Input should be less than or equal to 1" in said
