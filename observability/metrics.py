"""Every metric bondflow exports, defined once, and the small functions that record
them from the places where things happen (the API's middleware, the lifecycle
service, the receipt watcher, the ledger, the worker). Never from workflow code.

Names follow Prometheus' conventions: ``bondflow_`` first, counters end in
``_total``, durations are seconds (``_seconds``), instants are Unix seconds
(``_timestamp_seconds``). Labels hold small, closed sets (a route template, a
lifecycle, a stage, a message type, an error's class), never an identifier.

The metrics live in one registry per process (``REGISTRY``, prometheus_client's
default): the API serves it at ``/metrics``, the worker on its own port
(``bondflow.worker``); the Temporal SDK's own metrics are on a third address.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Mapping
from functools import wraps
from typing import ParamSpec

from prometheus_client import REGISTRY, Counter, Gauge, Histogram

from schemas.ledger import LedgerReceipt

P = ParamSpec("P")

# Request latencies from 5 ms (a cached read) to 30 s (a slow Temporal update).
HTTP_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
# Customs answers within seconds (the simulator) to days (a manual review).
RECEIPT_LAG_BUCKETS = (1.0, 5.0, 15.0, 60.0, 300.0, 900.0, 3600.0, 4 * 3600.0, 86400.0, 3 * 86400.0)

# --- the API ----------------------------------------------------------------------------

HTTP_REQUESTS = Counter(
    "bondflow_http_requests_total",
    "HTTP requests answered, by route template, method and status",
    ["route", "method", "status"],
)
HTTP_DURATION = Histogram(
    "bondflow_http_request_duration_seconds",
    "Time from a request's start to its response's end, by route template, method and status",
    ["route", "method", "status"],
    buckets=HTTP_BUCKETS,
)

# --- lifecycles -------------------------------------------------------------------------

LIFECYCLES_STARTED = Counter(
    "bondflow_lifecycles_started_total",
    "Lifecycles filed and started, by lifecycle",
    ["lifecycle"],
)
LIFECYCLES_COMPLETED = Counter(
    "bondflow_lifecycles_completed_total",
    "Lifecycles that ended completed (posted), by lifecycle",
    ["lifecycle"],
)
LIFECYCLES_CANCELLED = Counter(
    "bondflow_lifecycles_cancelled_total",
    "Lifecycles that ended cancelled (withdrawn, deleted or finally refused), by lifecycle",
    ["lifecycle"],
)
LIFECYCLES_WAITING = Gauge(
    "bondflow_lifecycles_waiting",
    "Running lifecycles per stage, from Temporal visibility when scraped",
    ["stage"],
)
VISIBILITY_UP = Gauge(
    "bondflow_lifecycles_visibility_up",
    "1 when the last scrape could count the waiting lifecycles, 0 when visibility failed",
)

# --- the single-window exchange ----------------------------------------------------------

RECEIPTS_RECEIVED = Counter(
    "bondflow_receipts_received_total",
    "Files the receipt watcher took from the InBox, by message type ('unreadable' if none)",
    ["message_type"],
)
RECEIPTS_ROUTED = Counter(
    "bondflow_receipts_routed_total",
    "Receipts recorded against the document they answer (duplicates not counted)",
    ["message_type"],
)
RECEIPTS_DUPLICATE = Counter(
    "bondflow_receipts_duplicate_total",
    "Receipts recorded before (the same file or the same receipt in a new envelope)",
    ["message_type"],
)
RECEIPTS_QUARANTINED = Counter(
    "bondflow_receipts_quarantined_total",
    "InBox files moved to Quarantine, by why (too_large, unreadable, not_a_receipt, unroutable)",
    ["why"],
)
RECEIPT_LAG = Histogram(
    "bondflow_receipt_lag_seconds",
    "From the filing of a document (its last file in the OutBox) to a receipt for it",
    ["message_type"],
    buckets=RECEIPT_LAG_BUCKETS,
)
WATCHER_LAST_SCAN = Gauge(
    "bondflow_receipt_watcher_last_scan_timestamp_seconds",
    "When the receipt watcher last finished a scan of the InBox (a stalled watcher stops it)",
)

# --- the ledger -------------------------------------------------------------------------

LEDGER_POSTINGS = Counter(
    "bondflow_ledger_postings_total",
    "Ledger transactions written (replays not counted), by operation",
    ["operation"],
)
LEDGER_MOVEMENTS = Counter(
    "bondflow_ledger_movements_total",
    "Movements (legs) written by ledger transactions, by operation",
    ["operation"],
)
LEDGER_REPLAYS = Counter(
    "bondflow_ledger_replays_total",
    "Ledger requests answered from an earlier transaction with the same client id",
)
LEDGER_REFUSALS = Counter(
    "bondflow_ledger_refusals_total",
    "Ledger requests refused, by reason (the refusal's class: InsufficientStock, ...)",
    ["reason"],
)
CHAIN_HEAD = Gauge(
    "bondflow_ledger_chain_head_seq",
    "The audit chain's head: the sequence number of its last event",
)
CHAIN_VERIFIED = Gauge(
    "bondflow_ledger_chain_last_verification_timestamp_seconds",
    "When the audit chain was last verified in this process",
)
CHAIN_VERIFIED_OK = Gauge(
    "bondflow_ledger_chain_last_verification_ok",
    "1 if the last verification found the chain whole, 0 if it found it broken",
)


# --- recording --------------------------------------------------------------------------


def lifecycle_started(lifecycle: str) -> None:
    LIFECYCLES_STARTED.labels(lifecycle=lifecycle).inc()


def lifecycle_ended(lifecycle: str, stage: str) -> None:
    """A lifecycle's workflow returned in ``stage`` (``completed`` or ``cancelled``)."""
    if stage == "completed":
        LIFECYCLES_COMPLETED.labels(lifecycle=lifecycle).inc()
    elif stage == "cancelled":
        LIFECYCLES_CANCELLED.labels(lifecycle=lifecycle).inc()


def set_waiting(counts: Mapping[str, int] | None) -> None:
    """The waiting gauge from one count per stage; None when visibility failed (the
    series are dropped rather than shown stale)."""
    if counts is None:
        LIFECYCLES_WAITING.clear()
        VISIBILITY_UP.set(0)
        return
    for stage, count in counts.items():
        LIFECYCLES_WAITING.labels(stage=stage).set(count)
    VISIBILITY_UP.set(1)


def receipt_taken(
    message_type: str | None,
    *,
    routed: bool,
    duplicate: bool = False,
    quarantined: str | None = None,
    lag: dt.timedelta | None = None,
) -> None:
    """One InBox file's fate: received always; then routed, a duplicate or quarantined."""
    kind = message_type or "unreadable"
    RECEIPTS_RECEIVED.labels(message_type=kind).inc()
    if routed:
        RECEIPTS_ROUTED.labels(message_type=kind).inc()
        if lag is not None:
            RECEIPT_LAG.labels(message_type=kind).observe(max(lag.total_seconds(), 0.0))
    if duplicate:
        RECEIPTS_DUPLICATE.labels(message_type=kind).inc()
    if quarantined is not None:
        RECEIPTS_QUARANTINED.labels(why=quarantined).inc()


def watcher_scanned() -> None:
    WATCHER_LAST_SCAN.set(time.time())


def observed_ledger_call(
    refusals: type[Exception],
) -> Callable[[Callable[P, LedgerReceipt]], Callable[P, LedgerReceipt]]:
    """Decorates a ledger write (``Ledger.execute``, ``Ledger.resolve``): a new
    transaction counts a posting and its movements and moves the chain head; a replay
    counts a replay; a refusal (an instance of ``refusals``) counts by its class."""

    def decorate(call: Callable[P, LedgerReceipt]) -> Callable[P, LedgerReceipt]:
        @wraps(call)
        def observed(*args: P.args, **kwargs: P.kwargs) -> LedgerReceipt:
            try:
                receipt = call(*args, **kwargs)
            except refusals as refusal:
                LEDGER_REFUSALS.labels(reason=type(refusal).__name__).inc()
                raise
            if receipt.replayed:
                LEDGER_REPLAYS.inc()
            else:
                operation = receipt.operation.value
                LEDGER_POSTINGS.labels(operation=operation).inc()
                LEDGER_MOVEMENTS.labels(operation=operation).inc(len(receipt.movements))
                CHAIN_HEAD.set(receipt.chain_seq)
            return receipt

        return observed

    return decorate


def chain_verified(ok: bool, head_seq: int) -> None:
    CHAIN_VERIFIED.set(time.time())
    CHAIN_VERIFIED_OK.set(1 if ok else 0)
    CHAIN_HEAD.set(head_seq)


def chain_head(seq: int) -> None:
    CHAIN_HEAD.set(seq)


__all__ = ["REGISTRY"]
