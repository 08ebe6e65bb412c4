"""The receipt watcher: read the InBox, record each receipt once, hand it on.

For every file, in arrival order:

1. read it (size-capped) and parse it safely;
2. record it against its document (``CustomsRecords.record_receipt``), which
   refuses nothing twice: the same bytes or the same receipt re-sent count once;
3. move it to ``Processed/<day>/``;
4. deliver it to its document's workflow through the ``ReceiptSink``.

A file that cannot be read or routed goes to ``Quarantine`` with a reason file beside
it. Restart-safe: a crash after step 2 leaves the file in the InBox, and the next
scan finds it recorded and only moves it.

Delivery (``customs.deliveries``): each receipt is recorded ``pending``, and every
scan hands on the pending receipts that are due. A receipt whose lifecycle has
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
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Protocol

from adapters.gateway.files import move_atomically, write_atomically
from adapters.gateway.folders import ExchangeFolders
from adapters.gateway.naming import answered_file
from adapters.xml.codec import Layout, from_element, kind_of
from adapters.xml.errors import XmlMessageError
from adapters.xml.safe import DEFAULT_LIMITS, ParseLimits, parse_untrusted
from customs.delivery_policy import DeliveryUnavailable, LifecycleEnded, RetryPolicy
from customs.errors import Unroutable
from customs.routing import Answer
from customs.service import CustomsRecords
from observability.metrics import receipt_taken, watcher_scanned
from schemas.customs import DeliveryState, ReceiptStatus, ReceiptView
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
    ) -> None:
        self.folders = folders.create()
        self.records = records
        self.sink = sink
        self.limits = limits
        # The real client may still be writing a file: leave files younger than this.
        self.settle_seconds = settle_seconds
        self.clock = clock
        self.policy = policy or RetryPolicy()

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
        # One seek on the (state, next_attempt_at) index: cheap on every pass, and it
        # sees what an admin sent back to pending from another process.
        self.deliver_due()
        taken = []
        cutoff = time.time() - self.settle_seconds
        for path in self.waiting():
            try:
                if self.settle_seconds and path.stat().st_mtime > cutoff:
                    continue
            except FileNotFoundError:
                continue
            result = self.take(path)
            if result is not None:
                taken.append(result)
        watcher_scanned()
        return taken

    def take(self, path: Path) -> Taken | None:
        """Record, move and deliver one InBox file; None if it vanished meanwhile."""
        taken = self._take(path)
        if taken is not None:
            receipt_taken(
                taken.message_type,
                routed=taken.disposition is Disposition.RECORDED,
                duplicate=taken.disposition is Disposition.DUPLICATE,
                quarantined=taken.why,
                lag=taken.lag,
            )
        return taken

    def _take(self, path: Path) -> Taken | None:
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
        try:
            outcome = self.records.record_receipt(
                answer,
                message_type=kind.type.value,
                file_name=path.name,
                payload=payload,
                answers_file=answered_file(path.name),
            )
        except Unroutable as error:
            return self._quarantine(path, str(error), payload, why="unroutable")
        day = self.clock().astimezone(DOCUMENT_ZONE).date().isoformat()
        move_atomically(path, self.folders.processed / day)
        if outcome.status is ReceiptStatus.RECORDED:
            self._deliver(outcome.receipt, answer)
            filed = outcome.filed_at
            return Taken(
                path.name,
                Disposition.RECORDED,
                outcome.receipt.id,
                None,
                kind.type,
                lag=outcome.receipt.received_at - filed if filed else None,
            )
        return Taken(
            path.name,
            Disposition.DUPLICATE,
            outcome.receipt.id,
            f"the same receipt was recorded before as {outcome.receipt.file_name}",
            kind.type,
        )

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

    def _deliver(self, receipt: ReceiptView, message: Answer) -> None:
        if self.sink is None:
            return  # kept pending until a watcher with a sink runs
        deliveries = self.records.deliveries
        try:
            self.sink.deliver(receipt, message)
        except LifecycleEnded as ended:
            log.info(
                "receipt %s (%s) %s: kept, not delivered", receipt.id, receipt.file_name, ended
            )
            deliveries.ended(receipt.id, str(ended))
            return
        except (DeliveryUnavailable, ConnectionError, TimeoutError) as error:
            # The sink's trouble must not stop the InBox.
            self._failed(receipt, _reason(error), fault=False)
            return
        except Exception as error:
            self._failed(receipt, _reason(error), fault=True)
            return
        deliveries.delivered(receipt.id)

    def _failed(self, receipt: ReceiptView, error: str, *, fault: bool) -> None:
        delivery = self.records.deliveries.failed(receipt.id, error, self.policy)
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
        sink was down, failed before, or sent back by an admin); how many were tried."""
        if self.sink is None:
            return 0
        tried = 0
        for receipt in self.records.deliveries.due():
            payload = self.records.receipt_payload(receipt.id)
            message = from_element(parse_untrusted(payload, limits=self.limits))
            answer: Answer = message  # type: ignore[assignment]
            self._deliver(receipt, answer)
            tried += 1
        return tried

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
