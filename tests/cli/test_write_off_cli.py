"""`bondflow write-off statement`: the demo's solar book written off for April in the
terminal, to CSV and to XLSX; a bad request is refused naming what is wrong, exit 2, no
traceback."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from openpyxl import load_workbook
from typer.testing import CliRunner

from bondflow.cli.main import app
from demo import ids
from tests.cli.test_cli import env

__all__ = ["env"]  # the fixture: the CLI on a fresh test database

runner = CliRunner()
APRIL = ("--start", "2026-04-01", "--end", "2026-05-01")


def _seeded() -> None:
    for args in (["db", "upgrade"], ["seed", "demo"]):
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output


def test_april_in_the_terminal_and_as_files(env: str, tmp_path: Path) -> None:
    _seeded()
    shown = runner.invoke(app, ["write-off", "statement", ids.SOLAR_BOOK, *APRIL])
    assert shown.exit_code == 0, shown.output
    assert "CELL-M10-182" in shown.output
    assert "192844.22111" in shown.output  # the cells' theoretical closing
    as_csv = tmp_path / "april.csv"
    written = runner.invoke(
        app, ["write-off", "statement", ids.SOLAR_BOOK, *APRIL, "--output", str(as_csv)]
    )
    assert written.exit_code == 0, written.output
    chinese, *rows = list(csv.reader(io.StringIO(as_csv.read_text(encoding="utf-8"))))
    assert chinese[:3] == ["类别", "备案序号", "料号"]
    header, cells = rows[0], dict(zip(rows[0], rows[1], strict=True))
    assert header[:3] == ["section", "item_no", "part_no"]
    assert cells["theoretical_closing"] == "192844.22111"
    as_xlsx = tmp_path / "april.xlsx"
    written = runner.invoke(
        app, ["write-off", "statement", ids.SOLAR_BOOK, *APRIL, "-o", str(as_xlsx)]
    )
    assert written.exit_code == 0, written.output
    assert load_workbook(as_xlsx).sheetnames[0] == "核销表 Statement"


def test_refusals_name_the_problem(env: str, tmp_path: Path) -> None:
    _seeded()
    for args, reason in (
        ([ids.COLD_CHAIN_BOOK, *APRIL], "not a processing book"),
        ([ids.SOLAR_BOOK, "--start", "2026-05-01", "--end", "2026-04-01"], "before it starts"),
        ([ids.SOLAR_BOOK, *APRIL, "-o", str(tmp_path / "april.pdf")], "must end in .csv or .xlsx"),
    ):
        result = runner.invoke(app, ["write-off", "statement", *args])
        assert result.exit_code == 2, result.output
        assert reason in result.output
        assert "Traceback" not in result.output
