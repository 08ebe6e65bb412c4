"""The simulator's loop: answer OutBox files, release receipts into the InBox when due.

Crash-safe in the same way as the watcher: each answer's receipts are written to a
private ``scheduled`` folder under fixed names (their due time is the file's
modification time), then the state's journal gets the answer's line
(``state.StateStore``), then the OutBox file is moved on. A crash at any point
repeats the step under the same names, never twice in the InBox.

A crash is a killed process: customs' stand-in does not fsync its receipts or its
journal one by one (the page cache outlives the process), only the ``scheduled``
folder once per answer and the move of the OutBox file: 2 fsyncs an answer, where one
per receipt file and folder made 8 for a list's answer (about 40 ms on a plain disk).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import hashlib
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from adapters.gateway.files import move_atomically, sync_directory, write_atomically
from adapters.gateway.folders import ExchangeFolders
from adapters.simulator.behaviour import SimulatorBehaviour
from adapters.simulator.office import CustomsOffice, Planned
from adapters.simulator.state import StateStore
from adapters.xml.codec import dxp_envelope, render, wrap
from codetables.tables import CodeTables, default_tables
from schemas.messages.fields import DOCUMENT_ZONE
from schemas.messages.responses import DecImportResponse, DecResultMessage

log = logging.getLogger(__name__)

# Receipts of one answer are spaced at least this much apart, so that the InBox
# (ordered by modification time) shows them in customs' order.
_ORDER_NS = 1_000
# Receipts due within this much of now are released now (orders of one answer included).
_SLACK_NS = 50_000_000


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class Answered:
    file_name: str
    accepted: bool
    receipts: tuple[str, ...]


class CustomsSimulator:
    def __init__(
        self,
        folders: ExchangeFolders,
        workdir: Path,
        behaviour: SimulatorBehaviour | None = None,
        *,
        tables: CodeTables | None = None,
        clock: Callable[[], dt.datetime] = _now,
    ) -> None:
        self.folders = folders.create()
        self.workdir = workdir
        self.scheduled = workdir / "scheduled"
        self.scheduled.mkdir(parents=True, exist_ok=True)
        self.state_path = workdir / "state.json"
        self.store = StateStore(self.state_path)
        self.behaviour = behaviour or SimulatorBehaviour()
        self.tables = tables or default_tables()
        self.clock = clock

    def _outbox_files(self) -> list[Path]:
        files = [
            path
            for path in self.folders.outbox.iterdir()
            if path.is_file() and not path.name.startswith(".")
        ]
        return sorted(files, key=lambda path: (path.stat().st_mtime_ns, path.name))

    def intake_once(self) -> list[Answered]:
        """Answer every file in the OutBox."""
        answered = []
        for path in self._outbox_files():
            result = self.answer_file(path)
            if result is not None:
                answered.append(result)
        return answered

    def answer_file(self, path: Path) -> Answered | None:
        state = self.store.state()
        try:
            payload = path.read_bytes()
        except FileNotFoundError:
            return None
        if state.was_answered(path.name):
            # Answered before a crash: finish the move the crash interrupted.
            refused = state.was_refused(path.name)
            move_atomically(path, self.folders.failbox if refused else self.folders.sentbox)
            return None
        try:
            office = CustomsOffice(self.behaviour, state, self.tables, self.clock)
            reply = office.answer(path.name, payload)
            base_ns = self.clock().timestamp()
            delay_ns = int(self.behaviour.receipt_delay_seconds * 1e9)
            for order, planned in enumerate(reply.planned):
                due_ns = (
                    int(base_ns * 1e9)
                    + planned.step * delay_ns
                    + int(planned.later_seconds * 1e9)
                    + order * _ORDER_NS
                )
                target = self.scheduled / planned.file_name
                # Every receipt the simulator writes passes the project's own XSD first.
                write_atomically(
                    target, self._bytes_of(planned), self.folders.staging, durable=False
                )
                os.utime(target, ns=(due_ns, due_ns))
            if reply.planned:
                sync_directory(self.scheduled)
            self.store.commit(state, path.name, refused=not reply.accepted)
        except BaseException:
            self.store.forget()  # the office changed the state in memory: read it again
            raise
        move_atomically(path, self.folders.sentbox if reply.accepted else self.folders.failbox)
        log.info("answered %s with %d files", path.name, len(reply.planned))
        return Answered(path.name, reply.accepted, tuple(p.file_name for p in reply.planned))

    def _bytes_of(self, planned: Planned) -> bytes:
        """The receipt's file: a declaration receipt, for a seeded share, inside DxpMsg."""
        payload = render(planned.message)
        if not isinstance(planned.message, DecImportResponse | DecResultMessage):
            return payload
        draw = hashlib.sha256(f"{self.behaviour.seed}:dxp:{planned.file_name}".encode()).digest()
        if int.from_bytes(draw[:8], "big") / 2**64 >= self.behaviour.dxp_share:
            return payload
        is_status = isinstance(planned.message, DecResultMessage)
        envelope = dxp_envelope(
            message_id=draw[8:24].hex(),
            sender_id=self.behaviour.customs_sender_id,
            receiver_id="DXPENT0000960001",
            created_at=self.clock().astimezone(DOCUMENT_ZONE).isoformat(timespec="milliseconds"),
            message_type="DECCUS001" if is_status else "DECCUSSH1",
            file_name=planned.file_name,
        )
        return wrap(envelope, payload)

    def release_due(self) -> list[str]:
        """Move receipts whose time has come into the InBox, in customs' order."""
        now_ns = int(self.clock().timestamp() * 1e9) + _SLACK_NS
        due = sorted(
            (path for path in self.scheduled.iterdir() if path.is_file()),
            key=lambda path: (path.stat().st_mtime_ns, path.name),
        )
        released = []
        for path in due:
            if path.stat().st_mtime_ns > now_ns:
                break
            os.replace(path, self.folders.inbox / path.name)
            released.append(path.name)
        return released

    def pending(self) -> int:
        return sum(1 for path in self.scheduled.iterdir() if path.is_file())

    def run_once(self) -> tuple[list[Answered], list[str]]:
        answered = self.intake_once()
        return answered, self.release_due()

    async def run(self, stop: asyncio.Event, interval: float = 0.5) -> None:
        while not stop.is_set():
            try:
                await asyncio.to_thread(self.run_once)
            except Exception:
                log.exception("simulator pass failed; retrying in %.1f s", interval)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=interval)
