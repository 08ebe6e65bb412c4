"""`bondflow xml`: read, check and write customs messages from the command line.

``inspect`` prints any supported message as JSON; ``render`` takes that JSON back
to XML, so inspect -> render -> inspect gives the same document.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

import typer
from pydantic import ValidationError

from adapters.xml.codec import BY_TYPE, CustomsMessage, from_element, kind_of, render
from adapters.xml.errors import XmlMessageError
from adapters.xml.safe import read_untrusted_file
from adapters.xml.xsd import check_against_schema
from bondflow.cli.context import console, fail, load_settings
from codetables.checks import code_problems
from codetables.tables import CodeTables
from schemas.messages.bonded_list import BondedListUpload
from schemas.messages.codes import MessageType
from schemas.messages.declaration import DeclarationMessage
from schemas.messages.fields import DOCUMENT_ZONE
from schemas.messages.gate_pass import GatePassUpload

app = typer.Typer(help="Customs messages: inspect, validate, render.", no_args_is_help=True)


def _read(file: Path) -> tuple[Any, CustomsMessage]:
    if not file.is_file():
        fail(f"{file}: no such file")
    try:
        root = read_untrusted_file(file)
        return root, from_element(root, source=str(file))
    except XmlMessageError as error:
        fail(str(error))
    except OSError as error:
        fail(f"{file}: cannot be read: {error.strerror or error}")


def as_json(message: CustomsMessage) -> dict[str, Any]:
    """The JSON `inspect` prints and `render` reads."""
    return {
        "message_type": kind_of(message).type.value,
        "document": message.model_dump(mode="json"),
    }


@app.command()
def inspect(file: Path = typer.Argument(..., help="An XML message file.")) -> None:
    """Parse any supported message and print it as JSON with its message type."""
    _, message = _read(file)
    sys.stdout.write(json.dumps(as_json(message), ensure_ascii=False, indent=2) + "\n")


@app.command()
def validate(
    file: Path = typer.Argument(..., help="An XML message file."),
    on: str | None = typer.Option(
        None, help="Check codes against the tables in force on this day (default: today)."
    ),
) -> None:
    """Check a message: it parses into the model, meets the project's XSD as written,
    and (for uploads) uses only codes in force."""
    root, message = _read(file)
    kind = kind_of(message)
    try:
        check_against_schema(root, kind.type, source=str(file))
    except XmlMessageError as error:
        fail(str(error))
    problems: list[str] = []
    if isinstance(message, BondedListUpload | GatePassUpload | DeclarationMessage):
        settings = load_settings()
        try:
            day = dt.date.fromisoformat(on) if on else dt.datetime.now(DOCUMENT_ZONE).date()
        except ValueError:
            fail(f"--on: {on!r} is not a date (yyyy-mm-dd)")
        tables = CodeTables.load(settings.code_tables_dir)
        problems = [
            f"{file}: {problem.field}: {problem.reason}"
            for problem in code_problems(message, tables, on=day)
        ]
    if problems:
        for problem in problems:
            console.print(f"[bold red]error:[/] {problem}", highlight=False)
        raise typer.Exit(2)
    console.print(f"{file}: valid {kind.type.value}", highlight=False)


def _json_line(text: str, position: int) -> int:
    return text.count("\n", 0, position) + 1


@app.command()
def render_command(
    message_type: str = typer.Argument(
        ..., metavar="TYPE", help=f"One of: {', '.join(t.value for t in MessageType)}."
    ),
    json_file: Path = typer.Argument(..., help="JSON as `bondflow xml inspect` prints it."),
    out: Path | None = typer.Option(None, "--out", "-o", help="Write here instead of stdout."),
) -> None:
    """Write a message as XML from JSON (checked against the XSD first)."""
    try:
        kind = BY_TYPE[MessageType(message_type)]
    except ValueError:
        fail(f"TYPE: {message_type!r} is not one of {', '.join(t.value for t in MessageType)}")
    if not json_file.is_file():
        fail(f"{json_file}: no such file")
    try:
        text = json_file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        fail(f"{json_file}: cannot be read as UTF-8 JSON: {error}")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        fail(f"{json_file}:{error.lineno}: not JSON: {error.msg}")
    if isinstance(data, dict) and "document" in data:
        stated = data.get("message_type")
        if stated is not None and stated != kind.type.value:
            fail(f"{json_file}: message_type is {stated}, not {kind.type.value}")
        data = data["document"]
    try:
        message: Any = kind.model.model_validate(data)
        payload = render(message)
    except ValidationError as error:
        first = error.errors(include_url=False)[0]
        where = ".".join(str(part) for part in first["loc"]) or "(document)"
        fail(f"{json_file}: {where}: {first['msg']}")
    except XmlMessageError as error:
        fail(f"{json_file}: {error}")
    if out is None:
        sys.stdout.buffer.write(payload)
    else:
        out.write_bytes(payload)
        console.print(f"wrote {out}", highlight=False)


# typer names the command after the function; `render` would shadow the codec's.
app.registered_commands[-1].name = "render"
