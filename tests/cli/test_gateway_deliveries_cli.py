"""`bondflow gateway receipts --undelivered`, `gateway redeliver` and `gateway dismiss` at
a terminal, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from adapters.db.engine import create_database
from adapters.gateway.filedrop import FileDropGateway
from adapters.gateway.folders import ExchangeFolders
from adapters.gateway.watcher import ReceiptWatcher
from bondflow.cli.main import app
from customs.delivery_policy import DeliveryUnavailable, RetryPolicy
from customs.routing import Answer
from customs.service import CustomsRecords
from schemas.customs import DeliveryState, ReceiptView
from tests.gateway.conftest import Clock
from tests.gateway.test_watcher import Mtime, drop, review
from tests.support import messages

runner = CliRunner()
POLICY = RetryPolicy(max_attempts=2)


class Down:
    def deliver(self, receipt: ReceiptView, message: Answer) -> None:
        raise DeliveryUnavailable("Temporal UNAVAILABLE: connection refused")


@pytest.fixture
def records(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[CustomsRecords]:
    """The CLI's database, with two receipts of a list: one parked, one still retried."""
    monkeypatch.setenv("BONDFLOW_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("BONDFLOW_DATABASE_URL", database_url)
    monkeypatch.delenv("BONDFLOW_SETTINGS_FILE", raising=False)
    monkeypatch.chdir(tmp_path)
    database = create_database(database_url)
    clock = Clock()
    records = CustomsRecords(database, clock=clock)
    folders = ExchangeFolders.under(tmp_path / "exchange").create()
    FileDropGateway(folders, records).submit(messages.bonded_list(), workflow_id="entry-1")
    arrival = Mtime()
    watcher = ReceiptWatcher(folders, records, Down(), clock=clock, policy=POLICY)
    drop(folders, "INV201_a.xml", review("Y", clock.now), arrival)
    watcher.scan_once()
    clock.advance(2)
    drop(folders, "INV201_b.xml", review("1", clock.now + dt.timedelta(minutes=3)), arrival)
    watcher.scan_once()  # a: second failure, parked; b: first failure, retried in 2 s
    yield records
    database.dispose()


def _ids(records: CustomsRecords) -> tuple[int, int]:
    parked, retried = (r.id for r in records.undelivered())
    assert records.deliveries.get(parked).delivery.state is DeliveryState.PARKED
    assert records.deliveries.get(retried).delivery.state is DeliveryState.PENDING
    return parked, retried


def test_undelivered_receipts_are_listed_with_attempts_last_error_and_next_attempt(
    records: CustomsRecords,
) -> None:
    listed = runner.invoke(app, ["gateway", "receipts", "--undelivered"])

    assert listed.exit_code == 0, listed.output
    assert "2 undelivered receipts" in listed.output
    rows = [line for line in listed.output.splitlines() if "INV201_" in line]
    assert len(rows) == 2
    assert "parked" in rows[0]
    assert "INV201_a.xml" in rows[0]
    assert "pending" in rows[1]
    assert "2026-11-28T10:00:04+08:00" in rows[1]  # the next attempt
    assert "Temporal UNAVAILABLE" in listed.output


def test_a_parked_receipt_is_redelivered_and_the_other_dismissed_from_the_terminal(
    records: CustomsRecords,
) -> None:
    parked, retried = _ids(records)

    back = runner.invoke(app, ["gateway", "redeliver", str(parked), "--by", "ops-zhang"])
    assert back.exit_code == 0, back.output
    assert f"receipt {parked} (INV201_a.xml) is pending again, attempts reset" in back.output
    again = records.deliveries.get(parked).delivery
    assert (again.state, again.attempts, again.decided_by) == (
        DeliveryState.PENDING,
        0,
        "ops-zhang",
    )

    blank = runner.invoke(app, ["gateway", "dismiss", str(retried), "--reason", " "])
    assert blank.exit_code == 2
    assert "reason: say why the receipt need not be delivered" in blank.output

    dismissed = runner.invoke(
        app, ["gateway", "dismiss", str(retried), "--reason", "list deleted", "--by", "ops-zhang"]
    )
    assert dismissed.exit_code == 0, dismissed.output
    assert f"receipt {retried} (INV201_b.xml) dismissed: list deleted" in dismissed.output
    twice = runner.invoke(app, ["gateway", "dismiss", str(retried), "--reason", "again"])
    assert twice.exit_code == 2
    assert f"receipt {retried} was dismissed by ops-zhang" in twice.output

    listed = runner.invoke(app, ["gateway", "receipts", "--undelivered"])
    assert "1 undelivered receipts" in listed.output


def test_receipts_wants_a_document_or_undelivered(records: CustomsRecords) -> None:
    neither = runner.invoke(app, ["gateway", "receipts"])
    both = runner.invoke(app, ["gateway", "receipts", "SOLAR-IN-0001", "--undelivered"])
    assert neither.exit_code == both.exit_code == 2
    assert "name a document (INNER_NO) or ask for --undelivered" in neither.output

    shown = runner.invoke(app, ["gateway", "receipts", "SOLAR-IN-0001"])
    assert shown.exit_code == 0, shown.output
    assert "parked" in shown.output
