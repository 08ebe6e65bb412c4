"""Master data from the terminal: enterprises, books, items and norms from a sheet,
locations and lots; refusals name the field (and the file and line), exit 2, and
never show a traceback."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from bondflow.cli.main import app
from demo import ids
from rules.credit_code import build_credit_code
from tests.cli.test_cli import env
from tests.support.sheets import CHINESE_ITEM_HEADER, ITEMS, NORM_HEADER, csv_bytes, xlsx_bytes

__all__ = ["env"]  # the fixture: the CLI on a fresh test database

runner = CliRunner()
CODE = "9601777001"
BOOK = "H96012600777"


def _ok(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def _refused(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    return result.output


def _enterprise_and_book() -> None:
    _ok("db", "upgrade")
    credit = build_credit_code("91", "630100", "MA7XN777")
    _ok(
        "enterprises",
        "register",
        CODE,
        "--credit-code",
        credit,
        "--name",
        "青海示例光伏",
        "--role",
        "manufacturer",
    )
    _ok(
        "books",
        "open",
        BOOK,
        "--type",
        "H",
        "--enterprise",
        CODE,
        "--valid-from",
        "2026-01-01",
        "--valid-to",
        "2027-12-31",
        "--district",
        "9601",
    )


def test_a_new_enterprise_registers_a_book_and_imports_its_items_and_norms(
    env: str, tmp_path: Path
) -> None:
    _enterprise_and_book()
    assert CODE in _ok("enterprises", "list")
    assert BOOK in _ok("books", "list")
    items = tmp_path / "备案料件.xlsx"
    items.write_bytes(xlsx_bytes(CHINESE_ITEM_HEADER, ITEMS))
    assert "3 items created" in _ok("books", "import-items", BOOK, str(items))
    assert "nothing changed" in _ok("books", "import-items", BOOK, str(items))
    norms = tmp_path / "norms.csv"
    norms.write_bytes(csv_bytes(NORM_HEADER, [(3, 1, 1, "144", "0.003", "2026-01-01")]))
    assert "1 norm version created" in _ok("books", "import-norms", BOOK, str(norms))
    assert "光伏组件" in _ok("books", "items", BOOK)
    assert "0.003" in _ok("books", "norms", BOOK)


def test_a_bad_sheet_names_the_file_line_and_column_and_imports_nothing(
    env: str, tmp_path: Path
) -> None:
    _enterprise_and_book()
    bad = tmp_path / "items.csv"
    rows = [ITEMS[0], (2, "GLASS-1", "70071900", "光伏玻璃", "007", "035", "20.6", "料件")]
    bad.write_bytes(csv_bytes(CHINESE_ITEM_HEADER, rows))
    output = _refused("books", "import-items", BOOK, str(bad))
    assert f"{bad}:3: 商品编码: a commodity code (商品编码) must be 10 digits" in output
    assert "nothing was imported" in output
    assert "CELL-1" not in _ok("books", "items", BOOK)
    missing = _refused("books", "import-items", BOOK, str(tmp_path / "nowhere.csv"))
    assert "nowhere.csv" in missing


def test_locations_are_registered_listed_shown_and_retired(env: str) -> None:
    _ok("db", "upgrade")
    _ok("seed", "demo")
    _ok(
        "locations",
        "register",
        "XN-COLD-2",
        "--name",
        "冷库 2 号",
        "--kind",
        "warehouse",
        "--parent",
        "XN-COLD",
        "--enterprise",
        ids.COLD_CHAIN_CUSTOMS_CODE,
        "--cold-store",
    )
    shown = _ok("locations", "show", "XN-COLD-2")
    assert ids.COLD_CHAIN_CUSTOMS_CODE in shown
    assert "yes" in shown  # a cold store
    assert "XN-COLD-2" in _ok("locations", "list")
    assert "by auditor-7" in _ok("locations", "retire", "XN-COLD-2", "--by", "auditor-7")
    assert "XN-COLD-2" not in _ok("locations", "list")
    assert "XN-COLD-2" in _ok("locations", "list", "--include-retired")

    held = _refused("locations", "retire", ids.RAW_BIN)
    assert "still holds stock" in held
    assert "code:" in held
    bad_parent = _refused(
        "locations", "register", "XN-X", "--name", "x", "--kind", "bin", "--parent", "NOWHERE"
    )
    assert "parent_code: no location NOWHERE" in bad_parent


def test_a_books_lots_are_listed_with_their_stock(env: str) -> None:
    _ok("db", "upgrade")
    _ok("seed", "demo")
    lots = _ok("books", "lots", ids.SOLAR_BOOK)
    assert ids.CELL_LOT_2 in lots
    assert "144000" in lots
    assert "no account book" in _refused("books", "lots", "H96012699999")


def test_a_user_is_disabled_from_the_terminal(env: str) -> None:
    _ok("db", "upgrade")
    _ok("users", "create", "someone", "--role", "liaison")
    assert "disabled" in _ok("users", "disable", "someone")
    assert "yes" in _ok("users", "list")
    assert "no user named nobody" in _refused("users", "disable", "nobody")


def test_every_new_command_has_help() -> None:
    for command in (
        ["enterprises", "register"],
        ["enterprises", "list"],
        ["books", "open"],
        ["books", "norms"],
        ["books", "lots"],
        ["books", "import-items"],
        ["books", "import-norms"],
        ["locations", "register"],
        ["locations", "list"],
        ["locations", "show"],
        ["locations", "retire"],
        ["users", "disable"],
    ):
        result = runner.invoke(app, [*command, "--help"])
        assert result.exit_code == 0, command
        assert "Usage" in result.output


def test_a_manual_number_is_refused_in_plain_words_and_an_empty_book_says_it_has_no_lots(
    env: str,
) -> None:
    _enterprise_and_book()
    refused = _refused(
        "books", "open", "C520719A0017", "--type", "H", "--enterprise", CODE,
        "--valid-from", "2026-01-01", "--valid-to", "2030-12-31", "--district", "5207",
    )  # fmt: skip
    assert "C520719A0017 is not a zone book" in refused
    assert "Value error" not in refused  # pydantic's wrapping is not part of the reason
    assert f"lots of {BOOK}: none" in _ok("books", "lots", BOOK)
