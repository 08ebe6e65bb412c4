"""Exchange folders, a settable clock and customs records on both databases."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from adapters.db.engine import Database
from adapters.gateway.filedrop import FileDropGateway
from adapters.gateway.folders import ExchangeFolders
from customs.service import CustomsRecords
from schemas.messages.fields import DOCUMENT_ZONE


class Clock:
    """Customs' and our time, moved by hand."""

    def __init__(self) -> None:
        self.now = dt.datetime(2026, 11, 28, 10, 0, 0, tzinfo=DOCUMENT_ZONE)

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += dt.timedelta(seconds=seconds)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def folders(tmp_path: Path) -> ExchangeFolders:
    return ExchangeFolders.under(tmp_path / "exchange").create()


@pytest.fixture
def records(db: Database, clock: Clock) -> CustomsRecords:
    return CustomsRecords(db, clock=clock)


@pytest.fixture
def gateway(folders: ExchangeFolders, records: CustomsRecords) -> FileDropGateway:
    return FileDropGateway(folders, records)
