"""`bondflow gateway` and `bondflow customs-sim`: the single-window exchange by hand.

``gateway submit`` drops a message into the OutBox, ``gateway watch`` reads the
InBox, ``gateway receipts`` shows what customs answered (``--undelivered``: the
receipts still on their way to their lifecycles, or parked), ``gateway redeliver``
and ``gateway dismiss`` decide about those; ``customs-sim`` plays the client and
customs on the same folders.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import getpass
import signal
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.table import Table

from adapters.gateway.folders import ExchangeFolders
from adapters.simulator.behaviour import DEFAULT_SEED, SimulatorBehaviour
from bondflow.cli.context import console, fail, load_settings, open_database, reporting
from bondflow.settings import Settings

# The gateway, the simulator and our customs records are imported by the commands that
# use them (bondflow.cli.context says why): `bondflow customs-sim` reads no database.
if TYPE_CHECKING:
    from customs.service import CustomsRecords

app = typer.Typer(help="The single-window exchange: OutBox, InBox, receipts.", no_args_is_help=True)


def folders_of(settings: Settings) -> ExchangeFolders:
    return ExchangeFolders.with_boxes(settings.effective_outbox, settings.effective_inbox)


def _records(settings: Settings) -> CustomsRecords:
    from customs.service import CustomsRecords

    return CustomsRecords(open_database(settings))


def _run_until_interrupted(loop_body: object) -> None:
    async def main() -> None:
        stop = asyncio.Event()
        running = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError):
                running.add_signal_handler(sig, stop.set)
        await loop_body(stop)  # type: ignore[operator]

    asyncio.run(main())


@app.command()
def submit(file: Path = typer.Argument(..., help="An INV101, SAS121 or DecMessage file.")) -> None:
    """Check a message and put it in the OutBox (again: a no-op)."""
    from adapters.gateway.filedrop import FileDropGateway
    from adapters.xml.codec import from_element
    from adapters.xml.errors import XmlMessageError
    from adapters.xml.safe import read_untrusted_file
    from codetables.tables import CodeTables
    from schemas.messages.bonded_list import BondedListUpload
    from schemas.messages.declaration import DeclarationMessage
    from schemas.messages.gate_pass import GatePassUpload

    settings = load_settings()
    try:
        message = from_element(read_untrusted_file(file), source=str(file))
    except XmlMessageError as error:
        fail(str(error))
    except OSError as error:
        fail(f"{file}: cannot be read: {error.strerror or error}")
    if not isinstance(message, BondedListUpload | GatePassUpload | DeclarationMessage):
        fail(f"{file}: only INV101, SAS121 and DecMessage are submitted; this is a receipt")
    with reporting():
        gateway = FileDropGateway(
            folders_of(settings),
            _records(settings),
            tables=CodeTables.load(settings.code_tables_dir),
        )
        submitted = gateway.submit(message)
    note = " (already submitted)" if submitted.again else ""
    console.print(f"OutBox: {submitted.file_name}{note}", highlight=False)


@app.command()
def watch(
    once: bool = typer.Option(False, help="Read the InBox once and exit."),
    interval: float = typer.Option(1.0, help="Seconds between scans."),
    settle: float = typer.Option(
        2.0, help="Leave files younger than this many seconds (the client may be writing)."
    ),
) -> None:
    """Read receipts from the InBox, record them against their documents, file them away."""
    from adapters.gateway.watcher import ReceiptWatcher

    settings = load_settings()
    with reporting():
        watcher = ReceiptWatcher(
            folders_of(settings),
            _records(settings),
            settle_seconds=0.0 if once else settle,
        )
        if once:
            for taken in watcher.scan_once():
                reason = f": {taken.reason}" if taken.reason else ""
                console.print(
                    f"{taken.disposition.value} {taken.file_name}{reason}", highlight=False
                )
            return
    console.print(f"watching {watcher.folders.inbox} (Ctrl-C to stop)", highlight=False)
    _run_until_interrupted(lambda stop: watcher.run(stop, interval))


@app.command()
def receipts(
    inner_no: str | None = typer.Argument(
        None, help="The enterprise's own document number: its receipts."
    ),
    undelivered: bool = typer.Option(
        False,
        "--undelivered",
        help="Instead: every receipt not delivered to its lifecycle (still retried, or parked).",
    ),
) -> None:
    """A document's numbers and every receipt customs sent for it, in customs' order;
    or, with --undelivered, the receipts still on their way to their lifecycles."""
    from customs.routing import Number

    if undelivered == (inner_no is not None):
        fail("name a document (INNER_NO) or ask for --undelivered, not both or neither")
    settings = load_settings()
    if inner_no is None:
        with reporting():
            _undelivered(_records(settings))
        return
    with reporting():
        records = _records(settings)
        document = records.document(Number.INNER_NO, inner_no)
        rows = records.deliveries.of_document(document.id)
    console.print(
        f"{document.kind} {document.inner_no}: pre-entry {document.pre_entry_no or '-'}, "
        f"number {document.business_no or '-'}, declaration {document.declaration_seq_no or '-'}, "
        f"entry {document.entry_id or '-'}",
        highlight=False,
    )
    table = Table(title_justify="left")
    for column in ("id", "customs time", "message", "result", "file", "delivery"):
        table.add_column(column)
    for row in rows:
        when = row.business_time.isoformat() if row.business_time else "-"
        table.add_row(
            str(row.id),
            when,
            row.message_type,
            row.result or "-",
            row.file_name,
            row.delivery.state.value,
        )
    console.print(table)


@app.command()
def receipt(receipt_id: int = typer.Argument(..., help="The receipt's id (see receipts).")) -> None:
    """Every field of one receipt as customs sent it, each with its Chinese name."""
    from adapters.xml.labels import receipt_content

    settings = load_settings()
    with reporting():
        records = _records(settings)
        content = receipt_content(receipt_id, records.receipt_payload(receipt_id))
    wrapper = f" (in {content.transport})" if content.transport else ""
    console.print(f"receipt {content.id}: {content.message_type}{wrapper}", highlight=False)
    table = Table(title_justify="left")
    for column in ("element", "中文", "value"):
        table.add_column(column)
    for item in content.fields:
        table.add_row(item.element, item.label or "-", item.value)
    console.print(table)


PAGE = 500
RECEIPT_ID_HELP = "The receipt's id (see receipts --undelivered)."


def _undelivered(records: CustomsRecords) -> None:
    from schemas.customs import UNDELIVERED, ReceiptDelivery

    found: list[ReceiptDelivery] = []
    offset = 0
    while True:
        page, total = records.deliveries.page(UNDELIVERED, PAGE, offset)
        found.extend(page)
        offset += PAGE
        if offset >= total:
            break
    if not found:
        console.print("every receipt was delivered, or settled (after the end, dismissed)")
        return
    table = Table(title=f"{len(found)} undelivered receipts", title_justify="left")
    for column in (
        "id",
        "document",
        "lifecycle",
        "message",
        "file",
        "state",
        "attempts",
        "last error",
        "next attempt",
    ):
        table.add_column(column, overflow="fold")
    for item in found:
        delivery = item.delivery
        table.add_row(
            str(item.receipt.id),
            item.document.inner_no,
            item.document.workflow_id or "-",
            f"{item.receipt.message_type} {item.receipt.result or ''}".strip(),
            item.receipt.file_name,
            delivery.state.value,
            str(delivery.attempts),
            delivery.last_error or "-",
            _beijing(delivery.next_attempt_at),
        )
    console.print(table)


def _beijing(instant: dt.datetime | None) -> str:
    """An instant as the zone reads it (stored in UTC)."""
    from schemas.messages.fields import DOCUMENT_ZONE

    return instant.astimezone(DOCUMENT_ZONE).isoformat() if instant else "-"


def _operator() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


@app.command()
def redeliver(
    receipt_id: int = typer.Argument(..., min=1, help=RECEIPT_ID_HELP),
    reason: str | None = typer.Option(None, help="Why (kept with the receipt)."),
    by: str = typer.Option(_operator(), help="Who decides (kept with the receipt)."),
) -> None:
    """Send a pending or parked receipt back to pending with its attempts reset: the
    watcher delivers it on its next pass."""
    settings = load_settings()
    with reporting():
        found = _records(settings).deliveries.redeliver(receipt_id, by, reason)
    console.print(
        f"receipt {receipt_id} ({found.receipt.file_name}) is pending again, attempts reset",
        highlight=False,
    )


@app.command()
def dismiss(
    receipt_id: int = typer.Argument(..., min=1, help=RECEIPT_ID_HELP),
    reason: str = typer.Option(..., help="Why it need not be delivered (kept with the receipt)."),
    by: str = typer.Option(_operator(), help="Who decides (kept with the receipt)."),
) -> None:
    """Decide that a pending or parked receipt will never be delivered to its lifecycle."""
    settings = load_settings()
    with reporting():
        found = _records(settings).deliveries.dismiss(receipt_id, by, reason)
    console.print(
        f"receipt {receipt_id} ({found.receipt.file_name}) dismissed: {found.delivery.note}",
        highlight=False,
    )


def customs_sim(
    once: bool = typer.Option(False, help="Answer what is in the OutBox now, then exit."),
    seed: int = typer.Option(DEFAULT_SEED, help="Same seed, same answers."),
    manual_review_rate: float = typer.Option(0.1, min=0, max=1),
    return_rate: float = typer.Option(0.05, min=0, max=1),
    inspection_rate: float = typer.Option(0.1, min=0, max=1),
    gate_inspection_rate: float = typer.Option(0.0, min=0, max=1),
    gate_return_rate: float = typer.Option(
        0.0, min=0, max=1, help="Share of gate passes returned once for the vehicle."
    ),
    weight_noise_kg: str = typer.Option("20", help="The gate scale's error, either way."),
    weight_hold_rate: float = typer.Option(
        0.0,
        min=0,
        max=1,
        help="Share of vehicles the scale reads far over the declared weight (held).",
    ),
    delay: float = typer.Option(0.0, help="Seconds between one document's receipts."),
    inspection_seconds: float = typer.Option(
        0.0, min=0, help="How long an inspection takes: the release comes this much later."
    ),
    interval: float = typer.Option(0.5, help="Seconds between passes over the OutBox."),
) -> None:
    """Play the single-window client and customs on the exchange folders."""
    from adapters.simulator.service import CustomsSimulator
    from codetables.tables import CodeTables

    settings = load_settings()
    with reporting():
        behaviour = SimulatorBehaviour(
            seed=seed,
            manual_review_rate=manual_review_rate,
            return_rate=return_rate,
            inspection_rate=inspection_rate,
            gate_inspection_rate=gate_inspection_rate,
            gate_return_rate=gate_return_rate,
            weight_noise_kg=Decimal(weight_noise_kg),
            weight_hold_rate=weight_hold_rate,
            receipt_delay_seconds=delay,
            inspection_seconds=inspection_seconds,
        )
        simulator = CustomsSimulator(
            folders_of(settings),
            settings.effective_simulator_dir,
            behaviour,
            tables=CodeTables.load(settings.code_tables_dir),
        )
        if once:
            answered, released = simulator.run_once()
            for item in answered:
                verdict = "imported" if item.accepted else "refused"
                console.print(f"{verdict} {item.file_name}: {len(item.receipts)} answers")
            console.print(f"{len(released)} files into the InBox, {simulator.pending()} pending")
            return
    console.print(
        f"customs simulator on {simulator.folders.outbox} -> {simulator.folders.inbox}"
        " (Ctrl-C to stop)",
        highlight=False,
    )
    _run_until_interrupted(lambda stop: simulator.run(stop, interval))
