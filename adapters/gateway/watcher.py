"""The receipt watcher: read the InBox, record each receipt once, hand it on.

A pass takes the InBox's files in arrival order, at most ``MAX_BATCH`` of them:

1. read each (size-capped) and parse it safely;
2. record them all against their documents in one transaction
   (``customs.intake``), which refuses nothing twice: the same bytes or the same
   receipt re-sent count once, also within the pass;
3. move them to ``Processed/<day>/`` (one fsync of the folder for the pass);
4. deliver the new ones to their documents' workflows through the ``ReceiptSink``
   (all at once when it has ``deliver_all``), and settle the attempts' outcomes in
   one transaction.

A file that cannot be read or routed goes to ``Quarantine`` with a reason file beside
it, on its own: the other files of the pass are recorded. Restart-safe: a crash after
step 2 leaves the files in the InBox, and the next scan finds them recorded and only
moves them.

Delivery (``customs.deliveries``): each receipt is recorded ``pending`` and handed on
in the pass that found it. The pending receipts that are due (failed before, recorded
while the sink was down, sent back by an admin) are read from the database only when
one can be due (``DueCheck``): when the earliest next attempt the watcher knows of
falls due (it read it with its last batch, or scheduled it itself after a failure),
and at least every ``due_check_every`` (1 s), since an admin's redelivery comes from
another process unannounced; a pass with nothing due touches neither the database
nor the sink. A receipt whose lifecycle has
ended (the sink raises ``LifecycleEnded``) is final, logged as one line and never
tried again; a failure is retried with the ``RetryPolicy``'s backoff, remembered
in the database across restarts, and parked for an admin at the bound. Expected
outcomes (ended, unreachable for now, parked) are one log line with the reason;
only an unexpected error (a fault) is logged with its traceback.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import hashlib
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Protocol

from adapters.gateway.files import move_atomically, sync_directory, write_atomically
from adapters.gateway.folders import ExchangeFolders
from adapters.gateway.naming import answered_file
from adapters.xml.codec import Layout, from_element, kind_of
from adapters.xml.errors import XmlMessageError
from adapters.xml.safe import DEFAULT_LIMITS, ParseLimits, parse_untrusted
from customs.deliveries import Attempt, AttemptResult
from customs.delivery_policy import (
    DUE_CHECK_EVERY,
    DeliveryUnavailable,
    DueCheck,
    LifecycleEnded,
    RetryPolicy,
)
from customs.errors import Unrecordable
from customs.intake import MAX_BATCH, Arrival
from customs.routing import Answer
from customs.service import CustomsRecords
from observability.metrics import receipt_taken, watcher_scanned
from schemas.customs import DeliveryState, DeliveryView, ReceiptStatus, ReceiptView
from schemas.messages.codes import MessageType
from schemas.messages.fields import DOCUMENT_ZONE

log = logging.getLogger(__name__)


class ReceiptSink(Protocol):
    """Where a recorded receipt goes next (a workflow signal, in the engine).

    Must be idempotent: a receipt may be delivered again after a crash. Raises
    ``LifecycleEnded`` when the lifecycle can no longer take it (final) and
    ``DeliveryUnavailable`` when it cannot be reached now (retried); anything else
    it raises is a fault (retried too, and logged with its traceback).
    """

    def deliver(self, receipt: ReceiptView, message: Answer) -> None: ...


class BatchReceiptSink(ReceiptSink, Protocol):
    """A sink that hands on many receipts at once (concurrently): each one's outcome, in
    order, None for delivered or the error ``deliver`` would have raised."""

    def deliver_all(
        self, batch: Sequence[tuple[ReceiptView, Answer]]
    ) -> list[BaseException | None]: ...


class Disposition(StrEnum):
    RECORDED = "recorded"
    DUPLICATE = "duplicate"
    QUARANTINED = "quarantined"


@dataclass(frozen=True)
class Taken:
    file_name: str
    disposition: Disposition
    receipt_id: int | None = None
    reason: str | None = None
    message_type: str | None = None
    # For the metrics: why a file was quarantined; a new receipt's lag from its filing.
    why: str | None = None
    lag: dt.timedelta | None = None


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _reason(error: Exception) -> str:
    """An error as one line: the sink's own message, or the type and the message."""
    if isinstance(error, DeliveryUnavailable):
        return str(error)
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__


class ReceiptWatcher:
    def __init__(
        self,
        folders: ExchangeFolders,
        records: CustomsRecords,
        sink: ReceiptSink | None = None,
        *,
        limits: ParseLimits = DEFAULT_LIMITS,
        settle_seconds: float = 0.0,
        clock: Callable[[], dt.datetime] = _now,
        policy: RetryPolicy | None = None,
        due_check_every: dt.timedelta = DUE_CHECK_EVERY,
    ) -> None:
        self.folders = folders.create()
        self.records = records
        self.sink = sink
        self.limits = limits
        # The real client may still be writing a file: leave files younger than this.
        self.settle_seconds = settle_seconds
        self.clock = clock
        self.policy = policy or RetryPolicy()
        # When to read the database for due deliveries next (on ``clock``'s time, the
        # time their next attempts are written in); the first pass reads.
        self.due_check = DueCheck(due_check_every)

    # --- one pass -------------------------------------------------------------------

    def waiting(self) -> list[Path]:
        """InBox files in arrival order (modification time, then name)."""
        files = [
            path
            for path in self.folders.inbox.iterdir()
            if path.is_file() and not path.name.startswith(".") and path.suffix != ".part"
        ]
        return sorted(files, key=lambda path: (path.stat().st_mtime_ns, path.name))

    def scan_once(self) -> list[Taken]:
        try:
            return self._scan()
        except BaseException:
            # Attempts may be left unsettled, due at once: the next pass reads.
            self.due_check = self.due_check.unsure()
            raise

    def _scan(self) -> list[Taken]:
        # Reading the due deliveries was most of an idle pass's cost (a session, a
        # query, a rollback: about 2 ms of CPU, at 20 passes a second in the tests):
        # only when one can be due.
        if self.sink is not None and self.due_check.due(self.clock()):
            self.deliver_due()
        cutoff = time.time() - self.settle_seconds
        ready = []
        for path in self.waiting():
            try:
                if self.settle_seconds and path.stat().st_mtime > cutoff:
                    continue
            except FileNotFoundError:
                continue
            ready.append(path)
            if len(ready) == MAX_BATCH:
                break
        taken = self.take_all(ready)
        watcher_scanned()
        return taken

    def take(self, path: Path) -> Taken | None:
        """Record, move and deliver one InBox file; None if it vanished meanwhile."""
        taken = self.take_all([path])
        return taken[0] if taken else None

    def take_all(self, paths: Sequence[Path]) -> list[Taken]:
        """Record, move and deliver these InBox files as one batch (in this order); a
        file that vanished meanwhile is left out."""
        taken = self._take_all(paths)
        for one in taken:
            receipt_taken(
                one.message_type,
                routed=one.disposition is Disposition.RECORDED,
                duplicate=one.disposition is Disposition.DUPLICATE,
                quarantined=one.why,
                lag=one.lag,
            )
        return taken

    def _take_all(self, paths: Sequence[Path]) -> list[Taken]:
        # Per path: its Taken (quarantined at once), or the arrival to record.
        read: list[Taken | tuple[Path, Arrival]] = []
        for path in paths:
            one = self._read(path)
            if one is not None:
                read.append(one)
        arrivals = [one[1] for one in read if isinstance(one, tuple)]
        recorded = iter(self.records.intake.record_all(arrivals))
        day = self.clock().astimezone(DOCUMENT_ZONE).date().isoformat()
        processed = self.folders.processed / day
        taken: list[Taken] = []
        to_deliver: list[tuple[ReceiptView, Answer]] = []
        moved = False
        for one in read:
            if isinstance(one, Taken):
                taken.append(one)
                continue
            path, arrival = one
            result = next(recorded)
            if result.refusal is not None:
                why = "unrecordable" if isinstance(result.refusal, Unrecordable) else "unroutable"
                taken.append(self._quarantine(path, str(result.refusal), arrival.payload, why=why))
                continue
            outcome = result.outcome
            assert outcome is not None
            move_atomically(path, processed, durable=False)
            moved = True
            kind = arrival.message_type
            if outcome.status is ReceiptStatus.RECORDED:
                to_deliver.append((outcome.receipt, arrival.message))
                filed = outcome.filed_at
                taken.append(
                    Taken(
                        path.name,
                        Disposition.RECORDED,
                        outcome.receipt.id,
                        None,
                        kind,
                        lag=outcome.receipt.received_at - filed if filed else None,
                    )
                )
            else:
                taken.append(
                    Taken(
                        path.name,
                        Disposition.DUPLICATE,
                        outcome.receipt.id,
                        f"the same receipt was recorded before as {outcome.receipt.file_name}",
                        kind,
                    )
                )
        if moved:
            sync_directory(processed)
        self._deliver_all(to_deliver)
        return taken

    def _read(self, path: Path) -> Taken | tuple[Path, Arrival] | None:
        """The file read and parsed, or quarantined; None if it vanished."""
        try:
            size = path.stat().st_size
            if size > self.limits.max_bytes:
                return self._quarantine(
                    path,
                    f"file of {size} bytes is larger than the limit {self.limits.max_bytes}",
                    why="too_large",
                )
            payload = path.read_bytes()
        except FileNotFoundError:
            return None
        try:
            root = parse_untrusted(payload, source=path.name, limits=self.limits)
            message = from_element(root, source=path.name)
        except XmlMessageError as error:
            return self._quarantine(path, str(error), payload, why="unreadable")
        kind = kind_of(message)
        if kind.layout is Layout.UPLOAD or kind.type is MessageType.DEC_MESSAGE:
            return self._quarantine(
                path,
                f"{kind.type.value} is an upload, not a receipt: it belongs in the OutBox",
                why="not_a_receipt",
            )
        answer: Answer = message  # type: ignore[assignment]
        return path, Arrival(answer, kind.type.value, path.name, payload, answered_file(path.name))

    # --- quarantine -----------------------------------------------------------------

    def _quarantine(
        self, path: Path, reason: str, payload: bytes | None = None, *, why: str
    ) -> Taken:
        target = self.folders.quarantine / path.name
        counter = 1
        while target.exists():
            target = self.folders.quarantine / f"{path.stem}.{counter}{path.suffix}"
            counter += 1
        digest = hashlib.sha256(payload).hexdigest() if payload is not None else "not read"
        note = (
            f"file: {path.name}\n"
            f"quarantined at: {self.clock().isoformat()}\n"
            f"sha256: {digest}\n"
            f"reason: {reason}\n"
        )
        # The reason first: a crash before the move leaves the file in the InBox, and the
        # next scan writes the same reason again.
        write_atomically(
            target.with_name(target.name + ".reason.txt"),
            note.encode("utf-8"),
            self.folders.staging,
        )
        move_atomically(path, self.folders.quarantine, target.name)
        log.warning("quarantined %s: %s", path.name, reason)
        return Taken(path.name, Disposition.QUARANTINED, None, reason, why=why)

    # --- delivery -------------------------------------------------------------------

    def _deliver_all(self, batch: Sequence[tuple[ReceiptView, Answer]]) -> None:
        """Hand these receipts on, then settle every attempt's outcome in one
        transaction."""
        if self.sink is None or not batch:
            return  # kept pending until a watcher with a sink runs
        deliver_all = getattr(self.sink, "deliver_all", None)
        if deliver_all is not None:
            errors: list[BaseException | None] = deliver_all(batch)
        else:
            errors = [self._attempt(receipt, message) for receipt, message in batch]
        attempts: list[Attempt] = []
        # The failed ones: the error when it is a fault (logged with its traceback).
        failed: dict[int, Exception | None] = {}
        for (receipt, _), error in zip(batch, errors, strict=True):
            if error is None:
                attempts.append(Attempt(receipt.id, AttemptResult.DELIVERED))
            elif isinstance(error, LifecycleEnded):
                log.info(
                    "receipt %s (%s) %s: kept, not delivered", receipt.id, receipt.file_name, error
                )
                attempts.append(Attempt(receipt.id, AttemptResult.ENDED, str(error)))
            elif isinstance(error, Exception):
                # The sink's trouble must not stop the InBox.
                expected = DeliveryUnavailable | ConnectionError | TimeoutError
                failed[receipt.id] = None if isinstance(error, expected) else error
                attempts.append(Attempt(receipt.id, AttemptResult.FAILED, _reason(error)))
            else:
                raise error  # KeyboardInterrupt and the like: not the sink's outcome
        settled = self.records.deliveries.settle(attempts, self.policy)
        self.due_check = self.due_check.expect(*(settled[i].next_attempt_at for i in failed))
        for receipt, _ in batch:
            if receipt.id in failed:
                self._failed(receipt, settled[receipt.id], failed[receipt.id])

    def _attempt(self, receipt: ReceiptView, message: Answer) -> BaseException | None:
        assert self.sink is not None
        try:
            self.sink.deliver(receipt, message)
        except Exception as error:
            return error
        return None

    def _failed(
        self, receipt: ReceiptView, delivery: DeliveryView, fault: Exception | None
    ) -> None:
        error = delivery.last_error
        if delivery.state is DeliveryState.PARKED:
            log.error(
                "receipt %s (%s) parked after %d failed attempts: %s",
                receipt.id,
                receipt.file_name,
                delivery.attempts,
                error,
                exc_info=fault,
            )
            return
        retry = delivery.next_attempt_at.isoformat() if delivery.next_attempt_at else "-"
        log.warning(
            "delivering receipt %s (%s) failed (attempt %d), next attempt at %s: %s",
            receipt.id,
            receipt.file_name,
            delivery.attempts,
            retry,
            error,
            exc_info=fault,
        )

    def deliver_due(self) -> int:
        """Hand on the pending receipts whose next attempt is due (recorded while the
        sink was down, failed before, or sent back by an admin); how many were tried.
        Reads the database whatever ``due_check`` says, and tells it when the next
        attempt left out falls due."""
        if self.sink is None:
            return 0
        now = self.clock()
        due = self.records.deliveries.due_batch()
        self.due_check = self.due_check.read(now, due.next_attempt_at)
        batch: list[tuple[ReceiptView, Answer]] = []
        unreadable: dict[int, tuple[ReceiptView, XmlMessageError]] = {}
        for receipt, payload in due.receipts:
            try:
                message = from_element(parse_untrusted(payload, limits=self.limits))
            except XmlMessageError as error:
                # Read when it arrived, refused now (limits lowered since, say): a failed
                # attempt that backs off and parks, never a watcher that stops reading.
                unreadable[receipt.id] = (receipt, error)
                continue
            answer: Answer = message  # type: ignore[assignment]
            batch.append((receipt, answer))
        if unreadable:
            attempts = [
                Attempt(receipt_id, AttemptResult.FAILED, f"stored payload unreadable: {error}")
                for receipt_id, (_, error) in unreadable.items()
            ]
            settled = self.records.deliveries.settle(attempts, self.policy)
            self.due_check = self.due_check.expect(
                *(settled[i].next_attempt_at for i in unreadable)
            )
            for receipt_id, (receipt, _) in unreadable.items():
                self._failed(receipt, settled[receipt_id], None)
        self._deliver_all(batch)
        return len(batch) + len(unreadable)

    # --- the loop -------------------------------------------------------------------

    async def run(self, stop: asyncio.Event, interval: float = 1.0) -> None:
        """Scan until ``stop`` is set; a failing scan is logged and retried."""
        while not stop.is_set():
            try:
                await asyncio.to_thread(self.scan_once)
            except Exception:
                log.exception("InBox scan failed; retrying in %.1f s", interval)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=interval)
