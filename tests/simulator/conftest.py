"""An exchange directory with the simulated customs on its far side, on a fixed clock.

``Exchange`` plays the enterprise's side: it submits through the real
``FileDropGateway`` (or drops raw bytes into the OutBox), runs the simulator once
and reads back, parsed and in arrival order, what customs wrote into the InBox.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import pytest

from adapters.gateway.filedrop import FileDropGateway
from adapters.gateway.folders import ExchangeFolders
from adapters.simulator.behaviour import SimulatorBehaviour
from adapters.simulator.service import CustomsSimulator
from adapters.xml.codec import CustomsMessage, message_type_of, parse
from customs.routing import Upload
from customs.service import CustomsRecords
from schemas.messages.receipts import (
    Inv201Receipt,
    Inv202Receipt,
    Inv211Receipt,
    Sas221Receipt,
    Sas223Receipt,
    Sas224Receipt,
)
from schemas.messages.responses import CommonResponeMessage, DecImportResponse, DecResultMessage
from tests.support.engines import SharedEngines
from tests.support.messages import SENT_AT

# Customs' clock in every test: half an hour before the sample messages were sent.
START = SENT_AT - dt.timedelta(minutes=30)


class Clock:
    """A fixed clock, moved only by hand."""

    def __init__(self, start: dt.datetime = START) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += dt.timedelta(seconds=seconds)


def result_of(message: CustomsMessage) -> str:
    """The one code a receipt turns on: DealFlag, manageResult, ResponseCode or CHANNEL
    ("" for a receipt without one: a real INV211 has no result block)."""
    if isinstance(message, CommonResponeMessage):
        return message.deal_flag or ""
    if isinstance(message, DecImportResponse):
        return message.response_code or ""
    if isinstance(
        message,
        Inv201Receipt
        | Inv202Receipt
        | Inv211Receipt
        | Sas221Receipt
        | Sas223Receipt
        | Sas224Receipt,
    ):
        result = message.body.result
        return (result.manage_result if result else None) or ""
    if isinstance(message, DecResultMessage):
        return message.result.channel or ""
    raise AssertionError(f"{type(message).__name__} is not an answer from customs")


@dataclass(frozen=True)
class Received:
    """One file customs wrote into the InBox."""

    name: str
    payload: bytes
    message: CustomsMessage

    @property
    def summary(self) -> str:
        """``INV201 Y``, ``DEC_RESULT P``, ``CommonResponeMessage 0``..."""
        return f"{message_type_of(self.message).value} {result_of(self.message) or '-'}"


class Exchange:
    """The enterprise's side of one exchange directory, with its own simulated customs."""

    def __init__(
        self,
        root: Path,
        clock: Clock,
        behaviour: SimulatorBehaviour,
        records: CustomsRecords,
    ) -> None:
        self.folders = ExchangeFolders.under(root / "exchange").create()
        self.workdir = root / "customs"
        self.clock = clock
        self.behaviour = behaviour
        self.records = records
        self.gateway = FileDropGateway(self.folders, records)
        self.simulator = self.new_simulator()
        # OutBox order is modification-time order: every drop gets a later one.
        self._mtime_ns = int(clock().timestamp()) * 1_000_000_000

    def new_simulator(self, behaviour: SimulatorBehaviour | None = None) -> CustomsSimulator:
        """A fresh simulator on the same folders and working directory (a restart)."""
        return CustomsSimulator(
            self.folders, self.workdir, behaviour or self.behaviour, clock=self.clock
        )

    # --- the enterprise's side ------------------------------------------------------

    def submit(self, message: Upload) -> str:
        """Through the real gateway; returns the OutBox file name."""
        submitted = self.gateway.submit(message)
        self._stamp(self.folders.outbox / submitted.file_name)
        return submitted.file_name

    def drop(self, name: str, payload: bytes) -> str:
        """Raw bytes into the OutBox, for what the gateway would refuse to send."""
        path = self.folders.outbox / name
        path.write_bytes(payload)
        self._stamp(path)
        return name

    def _stamp(self, path: Path) -> None:
        self._mtime_ns += 1_000_000
        os.utime(path, ns=(self._mtime_ns, self._mtime_ns))

    # --- customs' side --------------------------------------------------------------

    def run(self) -> list[Received]:
        """One simulator pass; the files it released into the InBox, in order."""
        _, released = self.simulator.run_once()
        return [self.read(self.folders.inbox / name) for name in released]

    @staticmethod
    def read(path: Path) -> Received:
        payload = path.read_bytes()
        return Received(path.name, payload, parse(payload, source=path.name))

    def inbox(self) -> list[Received]:
        """Everything in the InBox, in arrival (modification time) order."""
        paths = sorted(
            self.folders.inbox.iterdir(), key=lambda path: (path.stat().st_mtime_ns, path.name)
        )
        return [self.read(path) for path in paths]


class ExchangeFactory(Protocol):
    def __call__(
        self,
        behaviour: SimulatorBehaviour | None = None,
        *,
        name: str = "site",
        records: CustomsRecords | None = None,
    ) -> Exchange: ...


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def make_exchange(
    tmp_path: Path, sqlite_template: Path, clock: Clock, shared_engines: SharedEngines
) -> Iterator[ExchangeFactory]:
    """Exchanges in folders of their own, each with its own SQLite records by default
    (through the worker's SQLite engines, tests/support/engines.py)."""
    opened: list[str] = []

    def make(
        behaviour: SimulatorBehaviour | None = None,
        *,
        name: str = "site",
        records: CustomsRecords | None = None,
    ) -> Exchange:
        root = tmp_path / name
        root.mkdir()
        if records is None:
            database_file = root / "bondflow.db"
            shutil.copyfile(sqlite_template, database_file)
            url = f"sqlite:///{database_file}"
            opened.append(url)
            records = CustomsRecords(shared_engines.open(url), clock=clock)
        real = SimulatorBehaviour.always_approve().model_copy(update={"posting_result_share": 0})
        return Exchange(root, clock, behaviour or real, records)

    yield make
    for url in opened:
        shared_engines.close(url)
