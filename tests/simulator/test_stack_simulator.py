"""The simulator `bondflow up` starts, run from the very command line the stack gives
its child: with the paths that need a person at 1, customs asks for each of them."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from adapters.simulator.behaviour import HumanPaths
from bondflow.cli.main import app
from bondflow.settings import Settings
from bondflow.stack.up import simulator_arguments
from tests.simulator.conftest import Exchange, ExchangeFactory, Received
from tests.support import messages

runner = CliRunner()


def run_stack_simulator(
    exchange: Exchange, paths: HumanPaths, monkeypatch: pytest.MonkeyPatch
) -> list[Received]:
    """`bondflow customs-sim --once` with the stack's options, on the exchange's folders;
    every answer customs wrote, released into the InBox or scheduled (the stack's
    simulator spaces receipts a second apart), in customs' order."""
    root = exchange.folders.outbox.parent.parent
    for name in Settings.model_fields:
        monkeypatch.delenv(f"BONDFLOW_{name.upper()}", raising=False)
    monkeypatch.delenv("BONDFLOW_SETTINGS_FILE", raising=False)
    monkeypatch.chdir(root)
    monkeypatch.setenv("BONDFLOW_DATA_DIR", str(root))
    result = runner.invoke(app, ["customs-sim", "--once", *simulator_arguments(paths)])
    assert result.exit_code == 0, result.output
    scheduled = root / "customs-sim" / "scheduled"
    files = [*exchange.folders.inbox.iterdir(), *scheduled.iterdir()]
    files.sort(key=lambda path: (path.stat().st_mtime_ns, path.name))
    return [Exchange.read(path) for path in files]


def test_the_stack_simulator_with_inspections_at_1_asks_for_an_inspection(
    make_exchange: ExchangeFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a list whose declaration customs generates, in the OutBox
    exchange = make_exchange()
    exchange.submit(messages.bonded_list())

    # When the stack's simulator, told to inspect every declaration, answers it
    answers = run_stack_simulator(exchange, HumanPaths(inspections=1), monkeypatch)

    # Then customs sends the declaration to inspection (C, S) before releasing it (P)
    channels = [a.summary for a in answers if a.summary.startswith("DEC_RESULT")]
    assert channels == ["DEC_RESULT L", "DEC_RESULT C", "DEC_RESULT S", "DEC_RESULT P"]


def test_the_stack_simulator_with_returns_at_1_returns_the_list(
    make_exchange: ExchangeFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    exchange = make_exchange()
    exchange.submit(messages.bonded_list())

    answers = run_stack_simulator(exchange, HumanPaths(returns=1), monkeypatch)

    assert [a.summary for a in answers] == ["CommonResponeMessage 0", "INV201 Y", "INV201 3"]


def test_the_stack_simulator_by_default_approves(
    make_exchange: ExchangeFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    exchange = make_exchange()
    exchange.submit(messages.bonded_list())

    answers = run_stack_simulator(exchange, HumanPaths(), monkeypatch)

    assert "INV201 1" in [a.summary for a in answers]
    assert not [a for a in answers if a.summary in ("INV201 3", "DEC_RESULT C")]
