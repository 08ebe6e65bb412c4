"""Delivering receipts to their lifecycles: a receipt for an ended lifecycle is kept and
never tried again; a failing delivery is retried with backoff (remembered in the
database, across restarts) and parked at the bound; an admin redelivers or dismisses.

The sinks here are doubles raising what ``WorkflowSignalSink`` raises; the real
Temporal server's answer is in tests/api/test_receipts_api.py. Time is the
injected clock: nothing sleeps. The watcher reads the due deliveries only when one
can be due (``DueCheck``); the last section checks when it reads and when it does not.
"""

from __future__ import annotations

import datetime as dt
import logging

import pytest

from adapters.gateway.filedrop import FileDropGateway
from adapters.gateway.folders import ExchangeFolders
from adapters.gateway.watcher import ReceiptWatcher
from adapters.xml.safe import ParseLimits
from customs.deliveries import DueBatch
from customs.delivery_policy import DeliveryUnavailable, DueCheck, LifecycleEnded, RetryPolicy
from customs.errors import DeliveryRefused
from customs.routing import Answer, Number
from customs.service import CustomsRecords
from schemas.customs import DeliveryState, ReceiptView
from schemas.errors import BondflowError, NotFound
from tests.gateway.conftest import Clock
from tests.gateway.test_watcher import INNER, Mtime, drop, review
from tests.support import messages

# Small numbers, so a test walks the whole schedule: 2 s, 4 s, 8 s, then parked.
POLICY = RetryPolicy(
    max_attempts=4,
    first_delay=dt.timedelta(seconds=2),
    max_delay=dt.timedelta(seconds=60),
    max_age=dt.timedelta(hours=1),
)


class Sink:
    """A workflow stand-in that answers each delivery as told, and counts the calls."""

    def __init__(self, answer: Exception | None = None) -> None:
        self.answer = answer
        self.calls: list[int] = []

    def deliver(self, receipt: ReceiptView, message: Answer) -> None:
        self.calls.append(receipt.id)
        if self.answer is not None:
            raise self.answer


@pytest.fixture
def arrival() -> Mtime:
    return Mtime()


@pytest.fixture
def submitted(gateway: FileDropGateway) -> str:
    return gateway.submit(messages.bonded_list(), workflow_id="entry-1").file_name


def _watcher(
    folders: ExchangeFolders,
    records: CustomsRecords,
    sink: Sink,
    clock: Clock,
    every: dt.timedelta = dt.timedelta(seconds=1),
) -> ReceiptWatcher:
    return ReceiptWatcher(folders, records, sink, clock=clock, policy=POLICY, due_check_every=every)


def _one_receipt(
    folders: ExchangeFolders, records: CustomsRecords, clock: Clock, arrival: Mtime, name: str
) -> int:
    """A receipt recorded by a watcher without a sink: pending, due at once."""
    drop(folders, name, review("1", clock.now), arrival)
    ReceiptWatcher(folders, records, clock=clock).scan_once()
    return _receipt_named(records, name)


def _receipt_named(records: CustomsRecords, name: str) -> int:
    document = records.document(Number.INNER_NO, INNER)
    (receipt,) = [r for r in records.receipts(document.id) if r.file_name == name]
    return receipt.id


# --- a lifecycle that has ended -------------------------------------------------------


def test_a_receipt_for_an_ended_lifecycle_is_kept_and_never_tried_again(
    folders: ExchangeFolders,
    records: CustomsRecords,
    submitted: str,
    clock: Clock,
    arrival: Mtime,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Given the list's lifecycle has completed, when customs' answer arrives, then it is
    recorded against the document, its delivery says it arrived after the lifecycle
    ended, one log line says so (no traceback), and neither later scans nor a restarted
    watcher try it again."""
    sink = Sink(LifecycleEnded("entry-1", "completed: workflow execution already completed"))
    watcher = _watcher(folders, records, sink, clock)
    drop(folders, "INV201_late.xml", review("1", clock.now), arrival)

    with caplog.at_level(logging.INFO, logger="adapters.gateway.watcher"):
        watcher.scan_once()
    receipt_id = _receipt_named(records, "INV201_late.xml")

    (delivered,) = records.deliveries.of_document(records.document(Number.INNER_NO, INNER).id)
    assert delivered.id == receipt_id
    assert delivered.delivery.state is DeliveryState.AFTER_END
    assert delivered.delivery.note == (
        "arrived after the lifecycle entry-1 ended"
        " (completed: workflow execution already completed)"
    )
    assert delivered.delivery.attempts == 1
    assert delivered.delivery.next_attempt_at is None
    (line,) = [r for r in caplog.records if r.name == "adapters.gateway.watcher"]
    assert line.levelno == logging.INFO
    assert line.exc_info is None
    assert "arrived after the lifecycle entry-1 ended" in line.getMessage()

    for _ in range(3):
        clock.advance(3600)
        watcher.scan_once()
    _watcher(folders, records, sink, clock).scan_once()  # a restart

    assert sink.calls == [receipt_id]
    assert records.undelivered() == []


# --- failures: backoff, the bound, the dead letter ------------------------------------


def test_a_failing_delivery_is_retried_with_backoff_across_restarts_then_parked(
    folders: ExchangeFolders,
    records: CustomsRecords,
    submitted: str,
    clock: Clock,
    arrival: Mtime,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Given Temporal stays unreachable, then the receipt is tried again after 2 s, 4 s
    and 8 s (not before), the count survives a restart of the watcher, and after the
    fourth failure it is parked and no longer tried."""
    sink = Sink(DeliveryUnavailable("Temporal UNAVAILABLE: connection refused"))
    recorded_at = clock.now
    with caplog.at_level(logging.INFO, logger="adapters.gateway.watcher"):
        receipt_id = _one_receipt(folders, records, clock, arrival, "INV201_a.xml")
        _watcher(folders, records, sink, clock).scan_once()  # attempt 1, due at once
        for wait in (2, 4):  # attempts 2 and 3, each by a newly started watcher
            clock.advance(wait - 1)
            _watcher(folders, records, sink, clock).scan_once()  # not yet due
            assert len(sink.calls) == {2: 1, 4: 2}[wait]
            clock.advance(1)
            _watcher(folders, records, sink, clock).scan_once()

        delivery = records.deliveries.get(receipt_id).delivery
        assert delivery.state is DeliveryState.PENDING
        assert delivery.attempts == 3
        assert delivery.last_error == "Temporal UNAVAILABLE: connection refused"
        assert delivery.next_attempt_at == recorded_at + dt.timedelta(seconds=2 + 4 + 8)

        clock.advance(8)
        watcher = _watcher(folders, records, sink, clock)
        watcher.scan_once()  # attempt 4: the bound

    parked = records.deliveries.get(receipt_id).delivery
    assert parked.state is DeliveryState.PARKED
    assert parked.attempts == 4
    assert parked.next_attempt_at is None
    assert [r.id for r in records.undelivered()] == [receipt_id]
    clock.advance(86400)
    watcher.scan_once()
    assert sink.calls == [receipt_id] * 4

    # Expected failures are one line each with the reason, never a traceback.
    lines = [r for r in caplog.records if r.name == "adapters.gateway.watcher"]
    assert [r.levelno for r in lines] == [logging.WARNING] * 3 + [logging.ERROR]
    assert not any(r.exc_info for r in lines)
    assert "parked after 4 failed attempts" in lines[-1].getMessage()


def test_a_receipt_undelivered_too_long_is_parked_at_its_next_failure(
    folders: ExchangeFolders, records: CustomsRecords, submitted: str, clock: Clock, arrival: Mtime
) -> None:
    """Given the age bound (1 hour) passes before the attempts bound, then the first
    failure after it parks the receipt."""
    sink = Sink(DeliveryUnavailable("Temporal did not answer within 30 s"))
    receipt_id = _one_receipt(folders, records, clock, arrival, "INV201_a.xml")
    watcher = _watcher(folders, records, sink, clock)
    watcher.scan_once()
    clock.advance(3600)

    watcher.scan_once()

    delivery = records.deliveries.get(receipt_id).delivery
    assert (delivery.state, delivery.attempts) == (DeliveryState.PARKED, 2)


def test_an_unexpected_error_is_a_fault_logged_with_its_traceback_and_retried(
    folders: ExchangeFolders,
    records: CustomsRecords,
    submitted: str,
    clock: Clock,
    arrival: Mtime,
    caplog: pytest.LogCaptureFixture,
) -> None:
    sink = Sink(TypeError("signal_of() got an unexpected keyword argument"))
    with caplog.at_level(logging.INFO, logger="adapters.gateway.watcher"):
        receipt_id = _one_receipt(folders, records, clock, arrival, "INV201_a.xml")
        _watcher(folders, records, sink, clock).scan_once()

    (line,) = [r for r in caplog.records if r.name == "adapters.gateway.watcher"]
    assert line.exc_info is not None
    delivery = records.deliveries.get(receipt_id).delivery
    assert delivery.state is DeliveryState.PENDING
    assert delivery.last_error == "TypeError: signal_of() got an unexpected keyword argument"


def test_the_backoff_doubles_up_to_its_longest_wait() -> None:
    assert [POLICY.delay_after(n).total_seconds() for n in range(1, 9)] == [
        2,
        4,
        8,
        16,
        32,
        60,
        60,
        60,
    ]
    assert RetryPolicy().delay_after(10_000) == RetryPolicy().max_delay


@pytest.mark.parametrize(
    "bad",
    [
        {"max_attempts": 0},
        {"first_delay": dt.timedelta(0)},
        {"max_delay": dt.timedelta(seconds=1), "first_delay": dt.timedelta(seconds=2)},
        {"max_age": dt.timedelta(0)},
    ],
)
def test_a_retry_policy_without_a_sane_bound_is_refused(bad: dict[str, object]) -> None:
    with pytest.raises(ValueError, match="must"):
        RetryPolicy(**bad)  # type: ignore[arg-type]


# --- an admin's decisions -------------------------------------------------------------


def _parked(
    folders: ExchangeFolders,
    records: CustomsRecords,
    clock: Clock,
    arrival: Mtime,
    names: tuple[str, ...],
) -> list[int]:
    sink = Sink(DeliveryUnavailable("Temporal UNAVAILABLE: connection refused"))
    ids = [_one_receipt(folders, records, clock, arrival, name) for name in names]
    watcher = _watcher(folders, records, sink, clock)
    for _ in range(POLICY.max_attempts):
        watcher.scan_once()
        clock.advance(60)
    assert {records.deliveries.get(i).delivery.state for i in ids} == {DeliveryState.PARKED}
    return ids


def test_a_parked_receipt_redelivered_by_an_admin_is_delivered(
    folders: ExchangeFolders, records: CustomsRecords, submitted: str, clock: Clock, arrival: Mtime
) -> None:
    """Given a parked receipt, when an admin redelivers it, then it is pending again with
    its attempts reset and due now, and the next scan delivers it, once."""
    (receipt_id,) = _parked(folders, records, clock, arrival, ("INV201_a.xml",))

    back = records.deliveries.redeliver(receipt_id, "admin", "Temporal is back")

    assert back.delivery.state is DeliveryState.PENDING
    assert back.delivery.attempts == 0
    assert back.delivery.next_attempt_at == clock.now
    assert (back.delivery.decided_by, back.delivery.note) == ("admin", "Temporal is back")
    working = Sink()
    watcher = _watcher(folders, records, working, clock)
    watcher.scan_once()
    watcher.scan_once()
    assert working.calls == [receipt_id]
    delivered = records.deliveries.get(receipt_id).delivery
    assert delivered.state is DeliveryState.DELIVERED
    assert delivered.attempts == 1
    assert delivered.settled_at == clock.now


def test_a_dismissed_receipt_keeps_who_and_why_and_is_never_tried_again(
    folders: ExchangeFolders, records: CustomsRecords, submitted: str, clock: Clock, arrival: Mtime
) -> None:
    (receipt_id,) = _parked(folders, records, clock, arrival, ("INV201_a.xml",))

    dismissed = records.deliveries.dismiss(receipt_id, "admin", "  list deleted by hand  ")

    assert dismissed.delivery.state is DeliveryState.DISMISSED
    assert (dismissed.delivery.decided_by, dismissed.delivery.note) == (
        "admin",
        "list deleted by hand",
    )
    sink = Sink()
    watcher = _watcher(folders, records, sink, clock)
    clock.advance(86400)
    watcher.scan_once()
    assert sink.calls == []
    assert records.undelivered() == []
    # A dismissed receipt is not sent back: the decision stands.
    with pytest.raises(DeliveryRefused) as refused:
        records.deliveries.redeliver(receipt_id, "admin")
    assert refused.value.field == "state"
    assert str(refused.value.reason) == (
        f"receipt {receipt_id} was dismissed by admin: only a pending or parked receipt"
        " may be redelivered"
    )


def test_decisions_the_state_does_not_allow_are_refused_naming_the_field(
    folders: ExchangeFolders, records: CustomsRecords, submitted: str, clock: Clock, arrival: Mtime
) -> None:
    receipt_id = _one_receipt(folders, records, clock, arrival, "INV201_a.xml")
    _watcher(folders, records, Sink(), clock).scan_once()
    assert records.deliveries.get(receipt_id).delivery.state is DeliveryState.DELIVERED

    with pytest.raises(DeliveryRefused) as delivered:
        records.deliveries.dismiss(receipt_id, "admin", "not needed")
    assert delivered.value.field == "state"
    assert delivered.value.reason == (
        f"receipt {receipt_id} was delivered to its lifecycle: only a pending or parked"
        " receipt may be dismissed"
    )
    with pytest.raises(BondflowError) as blank:
        records.deliveries.dismiss(receipt_id, "admin", "   ")
    assert (blank.value.field, blank.value.status) == ("reason", 422)
    with pytest.raises(NotFound) as missing:
        records.deliveries.redeliver(receipt_id + 100, "admin")
    assert missing.value.field == "receipt_id"
    assert records.deliveries.get(receipt_id).delivery.state is DeliveryState.DELIVERED


def test_a_dismissal_made_while_an_attempt_failed_stands(
    folders: ExchangeFolders, records: CustomsRecords, submitted: str, clock: Clock, arrival: Mtime
) -> None:
    """Given an admin dismissed a receipt while the watcher's attempt was under way, when
    that attempt fails, then the receipt stays dismissed (not pending again)."""
    receipt_id = _one_receipt(folders, records, clock, arrival, "INV201_a.xml")

    records.deliveries.dismiss(receipt_id, "admin", "duplicate of a paper receipt")
    after = records.deliveries.failed(receipt_id, "Temporal UNAVAILABLE", POLICY)

    assert after.state is DeliveryState.DISMISSED
    assert after.attempts == 0


def test_a_stored_receipt_no_longer_readable_backs_off_and_the_inbox_is_still_read(
    folders: ExchangeFolders,
    records: CustomsRecords,
    submitted: str,
    clock: Clock,
    arrival: Mtime,
) -> None:
    """Given a pending receipt recorded under the old limits, when a watcher with limits
    its payload exceeds is due to deliver it, then that delivery fails with the reason
    (and backs off), and the InBox is still read: a new file is taken (refused by the
    same limits, so quarantined), not left behind a watcher that stopped."""
    receipt_id = _one_receipt(folders, records, clock, arrival, "INV201_a.xml")
    sink = Sink()
    strict = ReceiptWatcher(
        folders, records, sink, clock=clock, policy=POLICY, limits=ParseLimits(max_depth=2)
    )
    drop(folders, "INV201_b.xml", review("1", clock.now + dt.timedelta(minutes=1)), arrival)

    strict.scan_once()

    delivery = records.deliveries.get(receipt_id).delivery
    assert delivery.state is DeliveryState.PENDING
    assert delivery.attempts == 1
    assert delivery.last_error is not None
    assert delivery.last_error.startswith("stored payload unreadable")
    assert receipt_id not in sink.calls
    assert list(folders.inbox.iterdir()) == []
    assert (folders.quarantine / "INV201_b.xml").exists()


# --- when the watcher reads the due deliveries ----------------------------------------

T = dt.datetime(2026, 11, 28, 2, 0, tzinfo=dt.UTC)
SECOND = dt.timedelta(seconds=1)
MS = dt.timedelta(milliseconds=1)
# A bound the tests never reach: only what the watcher knows makes it read.
NEVER = dt.timedelta(hours=1)


def test_the_due_check_comes_at_the_earliest_attempt_known_and_at_least_every_bound() -> None:
    first = DueCheck(SECOND)
    assert (first.at, first.due(T)) == (None, True)  # never read: at once

    idle = first.read(T, None)  # nothing pending
    assert idle.at == T + SECOND
    assert not idle.due(T + 999 * MS)
    assert idle.due(T + SECOND)
    assert first.read(T, T + 300 * MS).at == T + 300 * MS  # a retry due before the bound
    assert first.read(T, T + NEVER).at == T + SECOND  # the bound before a later retry

    # Failures the watcher settles after the read: the earliest next attempt counts.
    failed = idle.expect(T + 200 * MS, None)
    assert failed.at == T + 200 * MS
    assert failed.expect(T + 500 * MS) == failed
    assert failed.expect(None) == failed
    assert failed.read(T + SECOND, None).at == T + 2 * SECOND  # a read forgets it

    assert idle.due(T - NEVER)  # the clock went back past the read: at once
    assert failed.unsure() == DueCheck(SECOND)  # a failed pass: at once
    with pytest.raises(ValueError, match="must be positive"):
        DueCheck(dt.timedelta(0))


class Reads:
    """Counts the watcher's reads of the due deliveries."""

    def __init__(self, records: CustomsRecords, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        read = records.deliveries.due_batch

        def counted(limit: int = 100) -> DueBatch:
            self.count += 1
            return read(limit)

        monkeypatch.setattr(records.deliveries, "due_batch", counted)


def test_a_due_batch_says_when_the_first_receipt_left_out_falls_due(
    folders: ExchangeFolders, records: CustomsRecords, submitted: str, clock: Clock, arrival: Mtime
) -> None:
    first = _one_receipt(folders, records, clock, arrival, "INV201_a.xml")
    drop(folders, "INV201_b.xml", review("1", clock.now + dt.timedelta(minutes=3)), arrival)
    ReceiptWatcher(folders, records, clock=clock).scan_once()
    second = _receipt_named(records, "INV201_b.xml")

    cut = records.deliveries.due_batch(limit=1)  # more due than the limit: at once
    assert ([r.id for r, _ in cut.receipts], cut.next_attempt_at) == ([first], clock.now)
    records.deliveries.failed(first, "Temporal UNAVAILABLE", POLICY)
    waiting = records.deliveries.due_batch()
    assert ([r.id for r, _ in waiting.receipts], waiting.next_attempt_at) == (
        [second],
        clock.now + dt.timedelta(seconds=2),
    )
    records.deliveries.dismiss(first, "admin", "a paper receipt came")
    assert records.deliveries.due_batch().next_attempt_at is None


def test_between_due_checks_a_pass_reads_no_deliveries_and_still_delivers_new_receipts(
    folders: ExchangeFolders,
    records: CustomsRecords,
    submitted: str,
    clock: Clock,
    arrival: Mtime,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Given a watcher that has read the due deliveries, when a receipt arrives before the
    next due check, then the pass that finds it delivers it, without reading."""
    reads = Reads(records, monkeypatch)
    sink = Sink()
    watcher = _watcher(folders, records, sink, clock, NEVER)
    watcher.scan_once()
    assert reads.count == 1

    drop(folders, "INV201_a.xml", review("1", clock.now), arrival)
    clock.advance(0.05)
    watcher.scan_once()

    assert sink.calls == [_receipt_named(records, "INV201_a.xml")]
    assert reads.count == 1
    for _ in range(20):
        clock.advance(0.05)
        watcher.scan_once()
    assert reads.count == 1


def test_a_failed_delivery_is_read_again_when_its_next_attempt_falls_due_not_before(
    folders: ExchangeFolders,
    records: CustomsRecords,
    submitted: str,
    clock: Clock,
    arrival: Mtime,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Given a delivery that failed in the pass that found it (next attempt in 2 s), then
    the watcher reads the due deliveries again at that time, not on the passes before,
    and a restarted watcher learns the time with its first read."""
    reads = Reads(records, monkeypatch)
    sink = Sink(DeliveryUnavailable("Temporal UNAVAILABLE: connection refused"))
    watcher = _watcher(folders, records, sink, clock, NEVER)
    drop(folders, "INV201_a.xml", review("1", clock.now), arrival)
    watcher.scan_once()  # read (nothing yet), then the InBox: attempt 1
    receipt_id = _receipt_named(records, "INV201_a.xml")
    assert (sink.calls, reads.count) == ([receipt_id], 1)

    for _ in range(39):
        clock.advance(0.05)
        watcher.scan_once()
    assert (sink.calls, reads.count) == ([receipt_id], 1)
    clock.advance(0.05)  # 2 s after the failure
    watcher.scan_once()
    assert (sink.calls, reads.count) == ([receipt_id] * 2, 2)  # attempt 2: 4 s more

    restarted = _watcher(folders, records, sink, clock, NEVER)
    restarted.scan_once()
    assert (len(sink.calls), reads.count) == (2, 3)
    clock.advance(3.95)
    restarted.scan_once()
    assert (len(sink.calls), reads.count) == (2, 3)
    clock.advance(0.05)
    restarted.scan_once()
    assert (len(sink.calls), reads.count) == (3, 4)
    assert records.deliveries.get(receipt_id).delivery.attempts == 3


def test_a_redelivery_decided_elsewhere_is_read_within_the_bound(
    folders: ExchangeFolders,
    records: CustomsRecords,
    submitted: str,
    clock: Clock,
    arrival: Mtime,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Given a parked receipt and a watcher that has just read (nothing due), when an
    admin redelivers it (the API: another process, the watcher is not told), then the
    watcher reads and delivers it once its bound (1 s) has passed since its read."""
    (receipt_id,) = _parked(folders, records, clock, arrival, ("INV201_a.xml",))
    sink = Sink()
    watcher = _watcher(folders, records, sink, clock, SECOND)
    watcher.scan_once()
    reads = Reads(records, monkeypatch)

    records.deliveries.redeliver(receipt_id, "admin", "Temporal is back")
    for _ in range(19):
        clock.advance(0.05)
        watcher.scan_once()
    assert (sink.calls, reads.count) == ([], 0)
    clock.advance(0.05)
    watcher.scan_once()

    assert (sink.calls, reads.count) == ([receipt_id], 1)
    assert records.deliveries.get(receipt_id).delivery.state is DeliveryState.DELIVERED


def test_after_a_pass_that_failed_the_next_pass_reads_the_due_deliveries(
    folders: ExchangeFolders,
    records: CustomsRecords,
    submitted: str,
    clock: Clock,
    arrival: Mtime,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Given a pass whose deliveries were made but not settled (the database failed), then
    the receipt is still pending, due, and the next pass reads and delivers it again
    (the sink is idempotent), not only at the bound."""
    sink = Sink()
    watcher = _watcher(folders, records, sink, clock, NEVER)
    settle = records.deliveries.settle

    def broken(*args: object, **kwargs: object) -> None:
        raise ConnectionError("the database went away")

    monkeypatch.setattr(records.deliveries, "settle", broken)
    drop(folders, "INV201_a.xml", review("1", clock.now), arrival)
    with pytest.raises(ConnectionError):
        watcher.scan_once()
    receipt_id = _receipt_named(records, "INV201_a.xml")
    assert records.deliveries.get(receipt_id).delivery.state is DeliveryState.PENDING

    monkeypatch.setattr(records.deliveries, "settle", settle)
    watcher.scan_once()

    assert sink.calls == [receipt_id] * 2
    assert records.deliveries.get(receipt_id).delivery.state is DeliveryState.DELIVERED
