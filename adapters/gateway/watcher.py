"""The receipt watcher: read the InBox, record each receipt once, hand it on.

For every file, in arrival order:

1. read it (size-capped) and parse it safely;
2. record it against its document (``CustomsRecords.record_receipt``), which
   refuses nothing twice: the same bytes or the same receipt re-sent count once;
3. move it to ``Processed/<day>/``;
4. deliver it to its document's workflow through the ``ReceiptSink``.

A file that cannot be read or routed goes to ``Quarantine`` with a reason file beside
it. Restart-safe: a crash after step 2 leaves the file in the InBox, and the next
scan finds it recorded and only moves it; delivery is retried for every receipt not
yet marked delivered, so a receipt recorded while the sink was down is not lost.
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
from customs.errors import Unroutable
from customs.routing import Answer
from customs.service import CustomsRecords
from schemas.customs import ReceiptStatus, ReceiptView
from schemas.messages.codes import MessageType
from schemas.messages.fields import DOCUMENT_ZONE

log = logging.getLogger(__name__)


class ReceiptSink(Protocol):
    """Where a recorded receipt goes next (a workflow signal, in the engine).

    Must be idempotent: a receipt may be delivered again after a crash.
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


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


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
    ) -> None:
        self.folders = folders.create()
        self.records = records
        self.sink = sink
        self.limits = limits
        # The real client may still be writing a file: leave files younger than this.
        self.settle_seconds = settle_seconds
        self.clock = clock
        # Look for undelivered receipts once after a start (a crash may have left
        # some) and again only after a delivery failed: not on every pass, where the
        # query would read the whole receipts table every second.
        self._redeliver = True

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
        if self._redeliver:
            self.deliver_pending()
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
        return taken

    def take(self, path: Path) -> Taken | None:
        """Record, move and deliver one InBox file; None if it vanished meanwhile."""
        try:
            size = path.stat().st_size
            if size > self.limits.max_bytes:
                return self._quarantine(
                    path, f"file of {size} bytes is larger than the limit {self.limits.max_bytes}"
                )
            payload = path.read_bytes()
        except FileNotFoundError:
            return None
        try:
            root = parse_untrusted(payload, source=path.name, limits=self.limits)
            message = from_element(root, source=path.name)
        except XmlMessageError as error:
            return self._quarantine(path, str(error), payload)
        kind = kind_of(message)
        if kind.layout is Layout.UPLOAD or kind.type is MessageType.DEC_MESSAGE:
            return self._quarantine(
                path, f"{kind.type.value} is an upload, not a receipt: it belongs in the OutBox"
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
            return self._quarantine(path, str(error), payload)
        day = self.clock().astimezone(DOCUMENT_ZONE).date().isoformat()
        move_atomically(path, self.folders.processed / day)
        if outcome.status is ReceiptStatus.RECORDED:
            self._deliver(outcome.receipt, answer)
            return Taken(path.name, Disposition.RECORDED, outcome.receipt.id, None, kind.type)
        return Taken(
            path.name,
            Disposition.DUPLICATE,
            outcome.receipt.id,
            f"the same receipt was recorded before as {outcome.receipt.file_name}",
            kind.type,
        )

    # --- quarantine -----------------------------------------------------------------

    def _quarantine(self, path: Path, reason: str, payload: bytes | None = None) -> Taken:
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
        return Taken(path.name, Disposition.QUARANTINED, None, reason)

    # --- delivery -------------------------------------------------------------------

    def _deliver(self, receipt: ReceiptView, message: Answer) -> None:
        if self.sink is None:
            return  # kept undelivered until a sink is attached
        try:
            self.sink.deliver(receipt, message)
        except Exception:  # the sink's trouble must not stop the InBox
            log.exception("delivering receipt %s failed; will retry", receipt.id)
            self._redeliver = True
            return
        self.records.mark_delivered(receipt.id)

    def deliver_pending(self) -> int:
        """Deliver receipts recorded earlier but not yet delivered (after a crash)."""
        if self.sink is None:
            return 0
        self._redeliver = False  # set again by any delivery that fails below
        delivered = 0
        for receipt in self.records.undelivered():
            payload = self.records.receipt_payload(receipt.id)
            message = from_element(parse_untrusted(payload, limits=self.limits))
            answer: Answer = message  # type: ignore[assignment]
            self._deliver(receipt, answer)
            delivered += 1
        return delivered

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
