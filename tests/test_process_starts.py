"""Each process bondflow starts imports what it runs and not what other processes need.

`bondflow up` starts the worker and the simulator as `bondflow` commands and the API
beside them, a container checks its health every few seconds, and the tests start
about twenty-five such processes. Every `bondflow` process imports every command
module (typer reads their options), so a heavy import at the top of one, wanted by one
command, is paid by all of them: Alembic, openpyxl, FastAPI, Temporal's SDK,
SQLAlchemy are each a tenth of a second of CPU or more (bondflow.cli.context).

Given a fresh interpreter, when it does what the process does as it starts, then
none of the modules only other processes use is imported. (The worker and the API
import most of bondflow whatever is done: checking them, over a second of CPU each,
would cost every run more than a stray import there could.)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.ports import free_port

CHECKOUT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Start:
    code: str  # what the process does as it starts, as Python; sys.argv[1]: a closed port
    not_imported: frozenset[str]  # top-level modules it has no use for


def command(*argv: str) -> str:
    """`bondflow ARGV`, which must succeed."""
    return (
        "from bondflow.cli.main import app\n"
        "try:\n"
        f"    app({list(argv)!r})\n"
        "except SystemExit as exit:\n"
        "    assert exit.code in (0, None), exit.code\n"
    )


STARTS = {
    "bondflow --help": Start(
        command("--help"),
        frozenset({"alembic", "openpyxl", "fastapi", "temporalio", "sqlalchemy", "argon2", "lxml"}),
    ),
    "bondflow customs-sim (a child of bondflow up)": Start(
        command("customs-sim", "--once"),
        frozenset({"alembic", "openpyxl", "fastapi", "temporalio", "sqlalchemy", "argon2"}),
    ),
    "the container's API health check": Start(
        "import sys\n"
        "from bondflow.stack.healthcheck import main\n"
        "main(['api', f'http://127.0.0.1:{sys.argv[1]}/health'])\n",
        frozenset({"pydantic", "temporalio"}),
    ),
}


@pytest.mark.parametrize("name", STARTS)
def test_a_process_starts_without_what_it_does_not_use(name: str, tmp_path: Path) -> None:
    start = STARTS[name]
    modules = tmp_path / "modules.json"
    script = (
        start.code
        + "import json, sys\n"
        + f"with open({str(modules)!r}, 'w') as out:\n"
        + "    json.dump(sorted({name.split('.')[0] for name in sys.modules}), out)\n"
    )
    env = {key: value for key, value in os.environ.items() if not key.startswith("BONDFLOW_")}
    result = subprocess.run(
        [sys.executable, "-c", script, str(free_port())],
        cwd=tmp_path,  # no bondflow.toml here; the simulator's folders go under ./var
        env={**env, "PYTHONPATH": str(CHECKOUT)},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert modules.exists(), result.stdout + result.stderr
    imported = set(json.loads(modules.read_text()))
    assert not imported & start.not_imported, f"{name} imported {imported & start.not_imported}"
