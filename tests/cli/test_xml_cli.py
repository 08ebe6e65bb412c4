"""`bondflow xml`, `bondflow gateway` and `bondflow customs-sim` at a terminal."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from adapters.xml.codec import parse, render
from bondflow.cli.main import app
from tests.support import messages

runner = CliRunner()
SAMPLES = Path(__file__).parents[1] / "xml" / "samples"
HOSTILE = Path(__file__).parents[1] / "xml" / "hostile"


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("BONDFLOW_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("BONDFLOW_DATABASE_URL", raising=False)
    monkeypatch.delenv("BONDFLOW_SETTINGS_FILE", raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_every_new_command_has_help() -> None:
    for command in (
        ["xml"],
        ["xml", "inspect"],
        ["xml", "validate"],
        ["xml", "render"],
        ["gateway"],
        ["gateway", "submit"],
        ["gateway", "watch"],
        ["gateway", "receipts"],
        ["customs-sim"],
    ):
        assert runner.invoke(app, [*command, "--help"]).exit_code == 0, command


@pytest.mark.parametrize(
    "sample",
    [
        "INV101_import_cells_xmldsig.xml",
        "SAS121_one_vehicle_two_lists_xmldsig.xml",
        "DecMessage_export_filing_list_prefixed.xml",
        "INV201_manual_review_gb18030.xml",
        "DEC_RESULT_C_inspection_gbk.xml",
        "CommonResponeMessage_Failed_SAS121_DealFlag-1.xml",
    ],
)
def test_inspect_then_render_then_inspect_gives_the_same_document(
    workdir: Path, sample: str
) -> None:
    first = runner.invoke(app, ["xml", "inspect", str(SAMPLES / sample)])
    assert first.exit_code == 0, first.output
    printed = json.loads(first.stdout)
    (workdir / "doc.json").write_text(first.stdout, encoding="utf-8")

    rendered = runner.invoke(
        app, ["xml", "render", printed["message_type"], "doc.json", "--out", "again.xml"]
    )
    assert rendered.exit_code == 0, rendered.output
    second = runner.invoke(app, ["xml", "inspect", "again.xml"])

    assert second.exit_code == 0, second.output
    assert json.loads(second.stdout) == printed
    assert parse((workdir / "again.xml").read_bytes()) == parse((SAMPLES / sample).read_bytes())


def test_inspect_prints_the_message_type_and_exact_numbers(workdir: Path) -> None:
    (workdir / "list.xml").write_bytes(render(messages.bonded_list()))

    result = runner.invoke(app, ["xml", "inspect", "list.xml"])

    printed = json.loads(result.stdout)
    assert printed["message_type"] == "INV101"
    assert printed["findings"] == []
    line = printed["document"]["InvtMessage"]["InvtListType"][0]
    assert line["DclUprcAmt"] == "0.8125"  # text as written, never a float
    assert line["DclTotalAmt"] == "9750.00"
    assert printed["document"]["InvtMessage"]["InvtHeadType"]["Rmk"].startswith("中欧班列")


@pytest.mark.parametrize(
    ("hostile", "says"),
    [("xxe_file.xml", "DOCTYPE"), ("billion_laughs.xml", "DOCTYPE"), ("truncated.xml", "line")],
)
def test_inspect_refuses_a_hostile_file_naming_it(workdir: Path, hostile: str, says: str) -> None:
    path = HOSTILE / hostile
    result = runner.invoke(app, ["xml", "inspect", str(path)])

    assert result.exit_code == 2
    assert hostile in result.output
    assert says in result.output


def test_inspect_shows_a_bad_value_and_names_its_file_line_and_element(workdir: Path) -> None:
    """Given a list whose quantity has 6 places, inspect still prints the whole list
    (the value as written) and lists the broken rule with its element and line."""
    text = render(messages.bonded_list()).decode("utf-8")
    broken = text.replace("<DclQty>12000</DclQty>", "<DclQty>12000.123456</DclQty>", 1)
    (workdir / "bad.xml").write_text(broken, encoding="utf-8")
    line = broken.splitlines().index(
        next(row for row in broken.splitlines() if "12000.123456" in row)
    )

    result = runner.invoke(app, ["xml", "inspect", "bad.xml"])

    assert result.exit_code == 0, result.output
    printed = json.loads(result.stdout)
    assert printed["document"]["InvtMessage"]["InvtListType"][0]["DclQty"] == "12000.123456"
    [finding] = printed["findings"]
    assert finding["element"] == "InvtMessage/InvtListType[1]/DclQty"
    assert finding["line"] == line + 1
    assert "5 decimal places" in finding["reason"]
    assert f"bad.xml:{line + 1}: InvtMessage/InvtListType[1]/DclQty" in result.output

    refused = runner.invoke(app, ["xml", "validate", "bad.xml"])
    assert refused.exit_code == 2
    assert f"bad.xml:{line + 1}: InvtMessage/InvtListType[1]/DclQty" in refused.output


def test_validate_accepts_a_good_list_and_names_the_table_of_a_bad_code(workdir: Path) -> None:
    (workdir / "good.xml").write_bytes(render(messages.bonded_list()))
    good = runner.invoke(app, ["xml", "validate", "good.xml", "--on", "2026-11-28"])
    assert good.exit_code == 0, good.output
    assert "valid INV101" in good.output

    text = (workdir / "good.xml").read_text("utf-8")
    (workdir / "bad.xml").write_text(
        text.replace("<SupvModecd>5015</SupvModecd>", "<SupvModecd>5999</SupvModecd>"), "utf-8"
    )
    bad = runner.invoke(app, ["xml", "validate", "bad.xml", "--on", "2026-11-28"])

    assert bad.exit_code == 2
    assert "supervision_mode" in bad.output
    assert "5999" in bad.output
    assert "InvtHeadType/SupvModecd" in bad.output


def test_validate_accepts_either_real_element_order(workdir: Path) -> None:
    """Real clients write SysId before or after OperCusRegCode (REAL-FORMATS 8): given
    the other order, validate accepts the list and an unknown element is refused."""
    text = render(messages.bonded_list()).decode("utf-8")
    moved = text.replace("<SysId>Z8</SysId>", "").replace(
        "<InvtMessage>", "<InvtMessage><SysId>Z8</SysId>"
    )
    (workdir / "order.xml").write_text(moved, encoding="utf-8")
    (workdir / "unknown.xml").write_text(
        text.replace("<SysId>Z8</SysId>", "<SysId>Z8</SysId><Extra>1</Extra>"), encoding="utf-8"
    )

    accepted = runner.invoke(app, ["xml", "validate", "order.xml", "--on", "2026-11-28"])
    refused = runner.invoke(app, ["xml", "validate", "unknown.xml", "--on", "2026-11-28"])

    assert accepted.exit_code == 0, accepted.output
    assert refused.exit_code == 2
    assert "unknown.xml" in refused.output
    assert "InvtMessage/Extra: unexpected element Extra in InvtMessage" in refused.output


def test_render_names_the_line_of_broken_json_and_the_field_of_a_bad_value(
    workdir: Path,
) -> None:
    (workdir / "broken.json").write_text('{\n  "message_type": "INV101",\n  oops\n}', "utf-8")
    broken = runner.invoke(app, ["xml", "render", "INV101", "broken.json"])
    assert broken.exit_code == 2
    assert "broken.json:3" in broken.output

    (workdir / "list.xml").write_bytes(render(messages.bonded_list()))
    document = json.loads(runner.invoke(app, ["xml", "inspect", "list.xml"]).stdout)
    document["document"]["InvtMessage"]["InvtListType"][0]["DclQty"] = "1.1234567"
    (workdir / "bad.json").write_text(json.dumps(document), "utf-8")
    bad = runner.invoke(app, ["xml", "render", "INV101", "bad.json"])
    assert bad.exit_code == 2
    assert "InvtMessage/InvtListType[1]/DclQty" in bad.output

    wrong = runner.invoke(app, ["xml", "render", "SAS121", "bad.json"])
    assert wrong.exit_code == 2
    assert "INV101" in wrong.output

    unknown = runner.invoke(app, ["xml", "render", "INV999", "bad.json"])
    assert unknown.exit_code == 2
    assert "INV999" in unknown.output


def test_submit_simulate_and_watch_from_the_command_line(workdir: Path) -> None:
    """The whole exchange by hand: migrate, submit a list, let the simulator answer
    once, read the InBox once, and see the list's receipts."""
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    (workdir / "list.xml").write_bytes(render(messages.bonded_list()))

    submitted = runner.invoke(app, ["gateway", "submit", "list.xml"])
    assert submitted.exit_code == 0, submitted.output
    again = runner.invoke(app, ["gateway", "submit", "list.xml"])
    assert "already submitted" in again.output

    simulated = runner.invoke(
        app,
        [
            "customs-sim",
            "--once",
            "--return-rate",
            "0",
            "--manual-review-rate",
            "0",
            "--inspection-rate",
            "0",
        ],
    )
    assert simulated.exit_code == 0, simulated.output
    assert "imported" in simulated.output

    watched = runner.invoke(app, ["gateway", "watch", "--once"])
    assert watched.exit_code == 0, watched.output
    assert watched.output.count("recorded") >= 5

    shown = runner.invoke(app, ["gateway", "receipts", "SOLAR-IN-0001"])
    assert shown.exit_code == 0, shown.output
    assert "INV201" in shown.output
    assert "DEC_RESULT" in shown.output
    assert "QD9601" in shown.output

    missing = runner.invoke(app, ["gateway", "receipts", "NO-SUCH-DOC"])
    assert missing.exit_code == 2
    assert "NO-SUCH-DOC" in missing.output


@pytest.mark.parametrize("as_read", [[], ["--as-read"]], ids=["checked", "as-read"])
def test_render_refuses_a_json_document_no_xml_can_hold_naming_where(
    workdir: Path, as_read: list[str]
) -> None:
    """Given an inspected receipt edited by hand into something XML cannot carry (an
    element name with a space, an envelope style that does not exist), render refuses
    it naming the place, checked or written as read, and writes nothing."""
    inspected = runner.invoke(app, ["xml", "inspect", str(SAMPLES / "INV201_returned_bare.xml")])
    document = json.loads(inspected.stdout)
    document["document"]["INV201"]["bad name"] = "x"
    (workdir / "name.json").write_text(json.dumps(document), "utf-8")
    document = json.loads(inspected.stdout)
    document["document"]["@style"] = "bogus"
    (workdir / "style.json").write_text(json.dumps(document), "utf-8")

    name = runner.invoke(app, ["xml", "render", "INV201", "name.json", "-o", "n.xml", *as_read])
    style = runner.invoke(app, ["xml", "render", "INV201", "style.json", "-o", "s.xml", *as_read])

    assert name.exit_code == 2
    assert "INV201/bad name" in name.output
    assert "not an XML element name" in name.output
    assert style.exit_code == 2
    assert "bogus" in style.output
    assert not (workdir / "n.xml").exists()
    assert not (workdir / "s.xml").exists()
