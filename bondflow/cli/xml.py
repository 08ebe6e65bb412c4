"""`bondflow xml`: read, check and write customs messages from the command line.

``inspect`` prints any supported message whole as JSON (every element's text, the
transport wrapper it came in, and what in it breaks a rule); ``render`` takes that
JSON back to XML, so inspect -> render -> inspect gives the same document.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.markup import escape

from bondflow.cli.context import console, err_console, fail, load_settings
from schemas.messages.codes import MessageType

# The codec and the messages' models are imported by the commands (bondflow.cli.context
# says why).
if TYPE_CHECKING:
    from adapters.xml.codec import Document

app = typer.Typer(help="Customs messages: inspect, validate, render.", no_args_is_help=True)


def _read(file: Path) -> Document:
    from adapters.xml.codec import document_of
    from adapters.xml.errors import XmlMessageError
    from adapters.xml.safe import read_untrusted_file

    if not file.is_file():
        fail(f"{file}: no such file")
    try:
        return document_of(read_untrusted_file(file), source=str(file))
    except XmlMessageError as error:
        fail(str(error))
    except OSError as error:
        fail(f"{file}: cannot be read: {error.strerror or error}")


def _where(file: Path, line: int | None) -> str:
    return f"{file}:{line}" if line else str(file)


@app.command()
def inspect(file: Path = typer.Argument(..., help="An XML message file.")) -> None:
    """Print any supported message as JSON: its type, every element and its findings.

    A value that breaks a rule does not stop the reading: it is listed under
    "findings" (and on stderr as FILE:LINE: element: reason); `validate` refuses it."""
    document = _read(file)
    printed = document.as_json()
    sys.stdout.write(json.dumps(printed, ensure_ascii=False, indent=2) + "\n")
    for finding in document.reading.findings:
        kind = "note" if finding.unknown and document.kind.lenient else "finding"
        err_console.print(
            f"{kind}: {_where(file, finding.line)}: {finding.path or 'document'}: {finding.reason}",
            highlight=False,
            markup=False,
        )


@app.command()
def validate(
    file: Path = typer.Argument(..., help="An XML message file."),
    on: str | None = typer.Option(
        None, help="Check codes against the tables in force on this day (default: today)."
    ),
) -> None:
    """Check a message: every rule of its model, (for uploads) only codes in force on
    the day, and that bondflow writes it back valid against its own XSD."""
    from adapters.xml.codec import render_document
    from adapters.xml.errors import XmlMessageError
    from codetables.checks import code_problems
    from codetables.tables import CodeTables
    from schemas.messages.bonded_list import BondedListUpload
    from schemas.messages.declaration import DeclarationMessage
    from schemas.messages.fields import DOCUMENT_ZONE
    from schemas.messages.gate_pass import GatePassUpload

    document = _read(file)
    problems = [
        f"{_where(file, finding.line)}: {finding.path or 'document'}: {finding.reason}"
        for finding in document.findings
    ]
    message = document.message_or_none()
    if not problems and isinstance(message, BondedListUpload | GatePassUpload | DeclarationMessage):
        settings = load_settings()
        try:
            day = dt.date.fromisoformat(on) if on else dt.datetime.now(DOCUMENT_ZONE).date()
        except ValueError:
            fail(f"--on: {on!r} is not a date (yyyy-mm-dd)")
        tables = CodeTables.load(settings.code_tables_dir)
        problems = [
            f"{_where(file, document.reading.line_of(problem.field))}: {problem.field}:"
            f" {problem.reason}"
            for problem in code_problems(message, tables, on=day)
        ]
    if not problems:
        try:
            render_document(document)
        except XmlMessageError as error:
            problems = [f"{_where(file, error.line)}: {error.path or 'document'}: {error.reason}"]
    if problems:
        for problem in problems:
            console.print(f"[bold red]error:[/] {escape(problem)}", highlight=False)
        raise typer.Exit(2)
    console.print(f"{file}: valid {document.kind.type.value}", highlight=False)


def _json_line(text: str, position: int) -> int:
    return text.count("\n", 0, position) + 1


@app.command()
def render_command(
    message_type: str = typer.Argument(
        ..., metavar="TYPE", help=f"One of: {', '.join(t.value for t in MessageType)}."
    ),
    json_file: Path = typer.Argument(..., help="JSON as `bondflow xml inspect` prints it."),
    out: Path | None = typer.Option(None, "--out", "-o", help="Write here instead of stdout."),
    as_read: bool = typer.Option(
        False,
        "--as-read",
        help="Write the document as it was read, findings and all, without checking it.",
    ),
) -> None:
    """Write a message as XML from JSON (checked against the XSD first)."""
    from adapters.xml.codec import BY_TYPE, document_from_json, render_document
    from adapters.xml.errors import XmlMessageError

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
    try:
        payload = render_document(document_from_json(data, kind), check=not as_read)
    except XmlMessageError as error:
        fail(f"{json_file}: {error.path or 'document'}: {error.reason}")
    if out is None:
        sys.stdout.buffer.write(payload)
    else:
        out.write_bytes(payload)
        console.print(f"wrote {out}", highlight=False)


# typer names the command after the function; `render` would shadow the codec's.
app.registered_commands[-1].name = "render"
