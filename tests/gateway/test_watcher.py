"""The receipt watcher: every InBox file is recorded once, filed away, or quarantined
with its reason; nothing is lost or processed twice, across crashes and restarts."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.exc import DataError

from adapters.gateway import watcher as watcher_module
from adapters.gateway.filedrop import FileDropGateway
from adapters.gateway.folders import ExchangeFolders
from adapters.gateway.watcher import Disposition, ReceiptWatcher
from adapters.simulator import receipts as build
from adapters.xml.codec import CustomsMessage, render
from customs.routing import Answer, Number
from customs.service import CustomsRecords
from observability.metrics import REGISTRY
from schemas.customs import ReceiptView
from schemas.errors import NotFound
from schemas.messages.base import EnvelopeStyle
from schemas.messages.codes import MessageType, ReviewResult
from tests.gateway.conftest import Clock
from tests.support import messages

SEQ_NO = "960120261000000007"
LIST_NO = "QD960126I000000123"
INNER = "SOLAR-IN-0001"


class Mtime:
    """InBox arrival order by modification time, as the client's writes give it."""

    def __init__(self) -> None:
        self.next_ns = 1_800_000_000_000_000_000

    def stamp(self, path: Path) -> None:
        self.next_ns += 1_000_000
        os.utime(path, ns=(self.next_ns, self.next_ns))


@pytest.fixture
def arrival() -> Mtime:
    return Mtime()


def drop(
    folders: ExchangeFolders, name: str, payload: bytes | CustomsMessage, arrival: Mtime
) -> Path:
    path = folders.inbox / name
    path.write_bytes(payload if isinstance(payload, bytes) else render(payload))
    arrival.stamp(path)
    return path


def review(
    result: str,
    at: dt.datetime,
    *,
    list_no: str | None = LIST_NO,
    style: EnvelopeStyle = EnvelopeStyle.BARE,
    sent: dt.datetime | None = None,
    inner: str = INNER,
) -> CustomsMessage:
    """An INV201 as customs writes it: customs' pre-entry number in etpsPreentNo and
    the list's head (with the enterprise's own number) echoed in BondInvtBsc."""
    envelope = build.envelope(
        MessageType.INV201,
        serial=1,
        sender_id="CUS0000",
        receiver_id="DXPENT0000460001",
        at=sent or at,
    )
    seq_no = SEQ_NO if inner == INNER else "960120269999999999"
    approved = result == ReviewResult.APPROVED
    head = build.list_head(
        messages.bonded_list(),
        seq_no=seq_no,
        list_no=list_no if approved else None,
        status="0" if approved else "1",
        deduction="0",
    ).model_copy(update={"etps_inner_invt_no": inner})
    return build.list_review(
        envelope,
        style,
        seq_no=seq_no,
        list_no=list_no if approved else None,
        change_count=0,
        result=ReviewResult(result),
        head=head,
        at=at,
    )


@pytest.fixture
def submitted(gateway: FileDropGateway) -> str:
    return gateway.submit(messages.bonded_list(), workflow_id="entry-1").file_name


@pytest.fixture
def watcher(folders: ExchangeFolders, records: CustomsRecords, clock: Clock) -> ReceiptWatcher:
    return ReceiptWatcher(folders, records, clock=clock)


def _inbox(folders: ExchangeFolders) -> list[str]:
    return sorted(path.name for path in folders.inbox.iterdir())


def test_receipts_are_recorded_against_their_list_and_filed_away(
    folders: ExchangeFolders,
    records: CustomsRecords,
    watcher: ReceiptWatcher,
    submitted: str,
    clock: Clock,
    arrival: Mtime,
) -> None:
    """Given a submitted list, when the import result, 'stored' and 'approved' arrive,
    then each is recorded against the list, the list learns its pre-entry and list
    numbers, and the InBox is empty with the files under Processed/<day>."""
    result = build.import_result(seq_no=SEQ_NO, inner_no=None, ok=True, reason="导入成功")
    drop(folders, f"Successed_{submitted}", result, arrival)
    drop(folders, "INV201_a.xml", review("Y", clock.now), arrival)
    drop(folders, "INV201_b.xml", review("1", clock.now + dt.timedelta(minutes=3)), arrival)

    taken = watcher.scan_once()

    assert [t.disposition for t in taken] == [Disposition.RECORDED] * 3
    document = records.document(Number.INNER_NO, INNER)
    assert (document.pre_entry_no, document.business_no) == (SEQ_NO, LIST_NO)
    timeline = records.receipts(document.id)
    assert [(r.message_type, r.result) for r in timeline] == [
        ("CommonResponeMessage", "0"),
        ("INV201", "Y"),
        ("INV201", "1"),
    ]
    assert _inbox(folders) == []
    processed = folders.processed / "2026-11-28"
    assert sorted(p.name for p in processed.iterdir()) == sorted(
        [f"Successed_{submitted}", "INV201_a.xml", "INV201_b.xml"]
    )
    # Kept byte for byte for the auditors.
    assert records.receipt_payload(timeline[1].id) == (processed / "INV201_a.xml").read_bytes()


def test_a_receipt_and_a_submission_are_found_only_under_their_own_lifecycle(
    folders: ExchangeFolders,
    records: CustomsRecords,
    watcher: ReceiptWatcher,
    submitted: str,
    clock: Clock,
    arrival: Mtime,
) -> None:
    """Given a receipt recorded against entry-1's list, when it is asked for by
    (lifecycle, receipt), then entry-1 gets its bytes and another lifecycle "not
    found" naming the receipt; the same for the file we sent; and entry-1's
    documents come one page at a time with their total."""
    drop(folders, "INV201_a.xml", review("Y", clock.now), arrival)
    watcher.scan_once()
    document = records.document(Number.INNER_NO, INNER)
    receipt = records.receipts(document.id)[0]

    assert records.receipt_payload_of("entry-1", receipt.id) == records.receipt_payload(receipt.id)
    with pytest.raises(NotFound) as foreign:
        records.receipt_payload_of("entry-2", receipt.id)
    assert foreign.value.field == "receipt_id"
    assert records.submission_payload_of("entry-1", submitted).startswith(b"<?xml")
    with pytest.raises(NotFound) as not_sent:
        records.submission_payload_of("entry-2", submitted)
    assert not_sent.value.field == "file_name"

    page, total = records.documents_page("entry-1", limit=1, offset=0)
    assert (total, [d.id for d in page]) == (1, [document.id])
    assert records.documents_page("entry-1", limit=1, offset=1) == ([], 1)
    assert records.documents_page("entry-2", limit=50, offset=0) == ([], 0)


def test_an_import_result_is_routed_by_the_file_it_answers(
    folders: ExchangeFolders,
    records: CustomsRecords,
    watcher: ReceiptWatcher,
    submitted: str,
    arrival: Mtime,
) -> None:
    """A Failed_ result names no number at all: the file name is the route."""
    refused = build.import_result(seq_no=None, inner_no=None, ok=False, reason="报文格式错误")
    drop(folders, f"Failed_{submitted}", refused, arrival)

    (taken,) = watcher.scan_once()

    assert taken.disposition is Disposition.RECORDED
    document = records.document(Number.INNER_NO, INNER)
    assert [r.result for r in records.receipts(document.id)] == ["-1"]


def test_the_same_receipt_twice_is_recorded_once(
    folders: ExchangeFolders,
    records: CustomsRecords,
    watcher: ReceiptWatcher,
    submitted: str,
    clock: Clock,
    arrival: Mtime,
) -> None:
    """Given the same approval delivered as two files, and again re-sent by customs in a
    new envelope (another send time), then it is recorded once and all three files are
    filed away."""
    approval = review("1", clock.now)
    resent = review("1", clock.now, sent=clock.now + dt.timedelta(hours=2))
    drop(folders, "INV201_first.xml", approval, arrival)
    drop(folders, "INV201_copy.xml", approval, arrival)
    drop(folders, "INV201_resent.xml", resent, arrival)

    taken = watcher.scan_once()

    assert [t.disposition for t in taken] == [
        Disposition.RECORDED,
        Disposition.DUPLICATE,
        Disposition.DUPLICATE,
    ]
    assert taken[1].receipt_id == taken[0].receipt_id == taken[2].receipt_id
    document = records.document(Number.INNER_NO, INNER)
    assert len(records.receipts(document.id)) == 1
    assert _inbox(folders) == []


def test_receipts_out_of_order_keep_customs_order_in_the_timeline(
    folders: ExchangeFolders,
    records: CustomsRecords,
    watcher: ReceiptWatcher,
    submitted: str,
    clock: Clock,
    arrival: Mtime,
) -> None:
    """Given the approval arrives before the 'stored' receipt that preceded it, then
    both are recorded and the timeline follows customs' own times."""
    drop(folders, "INV201_late.xml", review("1", clock.now + dt.timedelta(minutes=5)), arrival)
    watcher.scan_once()
    drop(folders, "INV201_early.xml", review("Y", clock.now), arrival)
    watcher.scan_once()

    document = records.document(Number.INNER_NO, INNER)
    assert [r.result for r in records.receipts(document.id)] == ["Y", "1"]
    assert document.business_no == LIST_NO


@pytest.mark.parametrize(
    ("content", "why"),
    [
        (b"<?xml version='1.0'?><Package><EnvelopInfo>", "not well-formed"),
        (
            b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b"<Package>&x;</Package>",
            "DOCTYPE",
        ),
        (b"<Invoice><Total>1</Total></Invoice>", "Invoice"),
        (b"\x89PNG\r\n\x1a\n", "not well-formed"),
    ],
    ids=["truncated", "xxe", "unknown-root", "binary"],
)
def test_a_file_that_cannot_be_read_goes_to_quarantine_with_its_reason(
    folders: ExchangeFolders,
    records: CustomsRecords,
    watcher: ReceiptWatcher,
    submitted: str,
    arrival: Mtime,
    content: bytes,
    why: str,
) -> None:
    drop(folders, "strange.xml", content, arrival)

    (taken,) = watcher.scan_once()

    assert taken.disposition is Disposition.QUARANTINED
    assert why.lower() in (taken.reason or "").lower()
    assert (folders.quarantine / "strange.xml").read_bytes() == content
    reason = (folders.quarantine / "strange.xml.reason.txt").read_text("utf-8")
    assert "strange.xml" in reason
    assert why.lower() in reason.lower()
    assert _inbox(folders) == []
    assert records.receipts(records.document(Number.INNER_NO, INNER).id) == []


def test_a_receipt_for_no_document_of_ours_is_quarantined_not_lost(
    folders: ExchangeFolders, watcher: ReceiptWatcher, clock: Clock, arrival: Mtime
) -> None:
    drop(folders, "INV201_stranger.xml", review("1", clock.now, inner="NOT-OURS-9"), arrival)

    (taken,) = watcher.scan_once()

    assert taken.disposition is Disposition.QUARANTINED
    assert "NOT-OURS-9" in (taken.reason or "")
    assert (folders.quarantine / "INV201_stranger.xml").exists()
    assert "no document we filed" in (
        folders.quarantine / "INV201_stranger.xml.reason.txt"
    ).read_text("utf-8")


def test_an_upload_dropped_into_the_inbox_is_quarantined(
    folders: ExchangeFolders, watcher: ReceiptWatcher, arrival: Mtime
) -> None:
    drop(folders, "INV101_misplaced.xml", messages.bonded_list(), arrival)

    (taken,) = watcher.scan_once()

    assert taken.disposition is Disposition.QUARANTINED
    assert "belongs in the OutBox" in (taken.reason or "")


def test_two_quarantined_files_of_the_same_name_are_both_kept(
    folders: ExchangeFolders, watcher: ReceiptWatcher, arrival: Mtime
) -> None:
    drop(folders, "bad.xml", b"<a>", arrival)
    watcher.scan_once()
    drop(folders, "bad.xml", b"<b>", arrival)
    watcher.scan_once()

    kept = sorted(path.name for path in folders.quarantine.iterdir())
    assert kept == ["bad.1.xml", "bad.1.xml.reason.txt", "bad.xml", "bad.xml.reason.txt"]


def test_a_crash_after_recording_and_before_the_move_records_nothing_twice(
    folders: ExchangeFolders,
    records: CustomsRecords,
    submitted: str,
    clock: Clock,
    arrival: Mtime,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Given the watcher dies after recording a receipt but before moving its file,
    when a new watcher starts, then it finds the receipt recorded, files it away and
    records nothing twice."""
    drop(folders, "INV201_a.xml", review("1", clock.now), arrival)

    def die(*args: Any, **kwargs: Any) -> Path:
        raise KeyboardInterrupt("killed")

    monkeypatch.setattr(watcher_module, "move_atomically", die)
    with pytest.raises(KeyboardInterrupt):
        ReceiptWatcher(folders, records, clock=clock).scan_once()
    assert _inbox(folders) == ["INV201_a.xml"]
    monkeypatch.undo()

    (taken,) = ReceiptWatcher(folders, records, clock=clock).scan_once()

    assert taken.disposition is Disposition.DUPLICATE
    assert _inbox(folders) == []
    assert len(records.receipts(records.document(Number.INNER_NO, INNER).id)) == 1


class Recorder:
    """A workflow stand-in: fails the first ``failures`` deliveries."""

    def __init__(self, failures: int = 0) -> None:
        self.failures = failures
        self.delivered: list[tuple[int, str]] = []

    def deliver(self, receipt: ReceiptView, message: Answer) -> None:
        if self.failures:
            self.failures -= 1
            raise ConnectionError("Temporal unavailable")
        self.delivered.append((receipt.id, type(message).__name__))


def test_receipts_reach_the_workflow_once_even_when_delivery_first_fails(
    folders: ExchangeFolders,
    records: CustomsRecords,
    submitted: str,
    clock: Clock,
    arrival: Mtime,
) -> None:
    """Given the workflow side is down when a receipt is recorded, then the receipt is
    kept undelivered and handed on at the first scan after its backoff, exactly once."""
    sink = Recorder(failures=1)
    watcher = ReceiptWatcher(folders, records, sink, clock=clock)
    drop(folders, "INV201_a.xml", review("Y", clock.now), arrival)
    drop(folders, "INV201_b.xml", review("1", clock.now + dt.timedelta(seconds=9)), arrival)

    watcher.scan_once()
    assert len(sink.delivered) == 1
    assert len(records.undelivered()) == 1

    clock.advance(2)  # the first retry's backoff
    watcher.scan_once()
    ReceiptWatcher(folders, records, sink, clock=clock).scan_once()  # a restart

    delivered_ids = [receipt_id for receipt_id, _ in sink.delivered]
    assert sorted(delivered_ids) == sorted({r.id for r in records.receipts(1)})
    assert len(delivered_ids) == 2
    assert records.undelivered() == []


def test_a_file_still_being_written_is_left_for_the_next_scan(
    folders: ExchangeFolders, records: CustomsRecords, submitted: str, clock: Clock
) -> None:
    watcher = ReceiptWatcher(folders, records, clock=clock, settle_seconds=30)
    (folders.inbox / "INV201_fresh.xml").write_bytes(render(review("1", clock.now)))

    assert watcher.scan_once() == []
    assert _inbox(folders) == ["INV201_fresh.xml"]


def test_both_envelope_styles_are_read(
    folders: ExchangeFolders,
    records: CustomsRecords,
    watcher: ReceiptWatcher,
    submitted: str,
    clock: Clock,
    arrival: Mtime,
) -> None:
    drop(folders, "a.xml", review("Y", clock.now, style=EnvelopeStyle.XMLDSIG), arrival)
    drop(folders, "b.xml", review("1", clock.now, style=EnvelopeStyle.BARE), arrival)

    assert [t.disposition for t in watcher.scan_once()] == [Disposition.RECORDED] * 2


def test_each_file_taken_is_counted_by_its_fate_with_the_lag_from_its_filing(
    folders: ExchangeFolders,
    watcher: ReceiptWatcher,
    submitted: str,
    clock: Clock,
    arrival: Mtime,
) -> None:
    """Given a list filed at 10:00, when its review arrives at 10:01:30, the same file
    again and a file that is no receipt, then the metrics count three received, one
    routed with a lag of 90 s, one duplicate and one quarantined as unreadable."""

    def sample(name: str, **labels: str) -> float:
        return REGISTRY.get_sample_value(name, labels) or 0.0

    names = (
        ("bondflow_receipts_received_total", {"message_type": "INV201"}),
        ("bondflow_receipts_routed_total", {"message_type": "INV201"}),
        ("bondflow_receipts_duplicate_total", {"message_type": "INV201"}),
        ("bondflow_receipts_quarantined_total", {"why": "unreadable"}),
        ("bondflow_receipt_lag_seconds_count", {"message_type": "INV201"}),
        ("bondflow_receipt_lag_seconds_sum", {"message_type": "INV201"}),
    )
    before = [sample(name, **labels) for name, labels in names]
    unreadable = sample("bondflow_receipts_received_total", message_type="unreadable")
    clock.advance(90)
    stored = review("1", clock.now)
    drop(folders, "INV201_a.xml", stored, arrival)
    drop(folders, "INV201_again.xml", stored, arrival)
    drop(folders, "strange.xml", b"<Invoice><Total>1</Total></Invoice>", arrival)

    assert [t.disposition for t in watcher.scan_once()] == [
        Disposition.RECORDED,
        Disposition.DUPLICATE,
        Disposition.QUARANTINED,
    ]

    moved = [sample(name, **labels) - b for (name, labels), b in zip(names, before, strict=True)]
    # The histogram's sum is a float that other tests in this process moved already:
    # its difference is 90 s to the float's precision.
    assert moved == [2, 1, 1, 1, 1, pytest.approx(90)]
    assert sample("bondflow_receipts_received_total", message_type="unreadable") == unreadable + 1
    assert REGISTRY.get_sample_value("bondflow_receipt_watcher_last_scan_timestamp_seconds")


def test_an_unroutable_file_in_a_pass_is_quarantined_alone_and_the_rest_recorded(
    folders: ExchangeFolders,
    records: CustomsRecords,
    watcher: ReceiptWatcher,
    submitted: str,
    clock: Clock,
    arrival: Mtime,
) -> None:
    """Given a pass of three receipts whose middle one names no document of ours, then
    the first and last are recorded (in one transaction) and filed away, and the
    middle one alone goes to quarantine with its reason."""
    drop(folders, "INV201_a.xml", review("Y", clock.now), arrival)
    drop(folders, "INV201_stranger.xml", review("1", clock.now, inner="NOT-OURS-9"), arrival)
    drop(folders, "INV201_b.xml", review("1", clock.now + dt.timedelta(minutes=3)), arrival)

    taken = watcher.scan_once()

    assert [(t.file_name, t.disposition) for t in taken] == [
        ("INV201_a.xml", Disposition.RECORDED),
        ("INV201_stranger.xml", Disposition.QUARANTINED),
        ("INV201_b.xml", Disposition.RECORDED),
    ]
    document = records.document(Number.INNER_NO, INNER)
    assert [r.file_name for r in records.receipts(document.id)] == ["INV201_a.xml", "INV201_b.xml"]
    assert sorted(p.name for p in folders.quarantine.iterdir()) == [
        "INV201_stranger.xml",
        "INV201_stranger.xml.reason.txt",
    ]
    assert _inbox(folders) == []


def test_a_file_the_database_refuses_is_quarantined_alone_and_its_pass_recorded(
    folders: ExchangeFolders,
    records: CustomsRecords,
    watcher: ReceiptWatcher,
    submitted: str,
    clock: Clock,
    arrival: Mtime,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Given a pass of three receipts one of which the database refuses to store (a
    value longer than its column, say), then the pass is not refused for ever: the
    other two are recorded and filed away, and that one goes to quarantine with the
    database's reason."""
    intake = records.intake
    record = intake._record

    def refusing(session: Any, prepared: Any) -> Any:
        if any(a.file_name == "INV201_too_long.xml" for a, _, _ in prepared):
            raise DataError("INSERT", {}, Exception("value too long for type character(300)"))
        return record(session, prepared)

    monkeypatch.setattr(intake, "_record", refusing)
    drop(folders, "INV201_a.xml", review("Y", clock.now), arrival)
    drop(folders, "INV201_too_long.xml", review("1", clock.now + dt.timedelta(minutes=1)), arrival)
    drop(folders, "INV201_b.xml", review("1", clock.now + dt.timedelta(minutes=3)), arrival)

    taken = watcher.scan_once()

    assert [(t.file_name, t.disposition) for t in taken] == [
        ("INV201_a.xml", Disposition.RECORDED),
        ("INV201_too_long.xml", Disposition.QUARANTINED),
        ("INV201_b.xml", Disposition.RECORDED),
    ]
    document = records.document(Number.INNER_NO, INNER)
    assert [r.file_name for r in records.receipts(document.id)] == ["INV201_a.xml", "INV201_b.xml"]
    reason = (folders.quarantine / "INV201_too_long.xml.reason.txt").read_text()
    assert "the database refused it: value too long" in reason
    assert _inbox(folders) == []


class BatchRecorder:
    """A sink that takes a whole pass at once; the receipts named in ``failing`` fail."""

    def __init__(self, failing: set[str]) -> None:
        self.failing = failing
        self.batches: list[list[str]] = []

    def deliver(self, receipt: ReceiptView, message: Answer) -> None:
        raise AssertionError("a batch sink is handed whole passes")

    def deliver_all(self, batch: list[tuple[ReceiptView, Answer]]) -> list[BaseException | None]:
        self.batches.append([receipt.file_name for receipt, _ in batch])
        return [
            ConnectionError("Temporal unavailable") if receipt.file_name in self.failing else None
            for receipt, _ in batch
        ]


def test_a_batch_sink_gets_the_pass_at_once_and_each_outcome_is_settled(
    folders: ExchangeFolders,
    records: CustomsRecords,
    submitted: str,
    clock: Clock,
    arrival: Mtime,
) -> None:
    """Given a sink with deliver_all, when a pass takes two receipts and the sink fails
    one, then it was handed both in one call, the other is delivered, and the failed
    one is retried after its backoff on its own."""
    sink = BatchRecorder(failing={"INV201_b.xml"})
    watcher = ReceiptWatcher(folders, records, sink, clock=clock)
    drop(folders, "INV201_a.xml", review("Y", clock.now), arrival)
    drop(folders, "INV201_b.xml", review("1", clock.now + dt.timedelta(seconds=9)), arrival)

    watcher.scan_once()
    assert sink.batches == [["INV201_a.xml", "INV201_b.xml"]]
    assert [r.file_name for r in records.undelivered()] == ["INV201_b.xml"]

    sink.failing.clear()
    clock.advance(2)  # the first retry's backoff
    watcher.scan_once()

    assert sink.batches[1:] == [["INV201_b.xml"]]
    assert records.undelivered() == []
