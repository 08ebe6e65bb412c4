"""What an auditor asks of the ledger: where a lot came from or went, whether the audit
chain still holds, and whether a book's stock adds up over a period.

A lot's trace and a book's reconciliation are read by everyone whose scope holds the
book (another enterprise's book answers exactly as a missing one: 404). The chain
spans every enterprise, so only liaison staff, admins and auditors of every
enterprise verify it; filers and scoped auditors are refused (403).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Header, Path, Query, Response

from access import Principal
from access.principal import chain_refusal
from api.audit.schemas import (
    Direction,
    ReconciliationReport,
    TraceReport,
    Verification,
    reconciliation_report,
    verification,
)
from api.audit.traces import scoped_trace
from api.dependencies import CurrentPrincipal, ServicesDep, forbidden
from api.instants import InstantsDep, KnownAtDep
from api.inventory.scope import ensure_book_in_scope
from api.problems import Problem
from reports.reconciliation import XLSX, reconciliation_csv, reconciliation_xlsx
from schemas.masterdata import BookNo, Code

router = APIRouter(prefix="/audit", tags=["audit"])

# The days a period may cover: every instant of them exists in UTC and in the database.
FIRST_DAY, LAST_DAY = dt.date(1900, 1, 1), dt.date(9998, 12, 31)


@router.get("/lots/{book_no}/{lot_no:path}/trace", response_model=TraceReport)
def trace_lot(
    book_no: Annotated[BookNo, Path(description="the account book (账册编号)")],
    lot_no: Annotated[Code, Path(description="the lot (批次)")],
    direction: Annotated[
        Direction,
        Query(description="backward: where the goods came from; forward: where they went"),
    ],
    principal: CurrentPrincipal,
    services: ServicesDep,
    at: InstantsDep,
) -> TraceReport:
    """A lot's lineage: backward to the documents that brought its goods (and its input
    lots' goods) in, forward to the lots made from it and the documents they left on,
    with the quantity of every step and link.

    A trace may cross into another enterprise's book through an in-zone transfer. Links
    into books out of the reader's scope are **redacted**, not pruned: the link keeps
    its quantity (the reader's own transfer document shows it anyway), `out_of_scope`
    is true and `lot` is null, so the other enterprise's lot, its documents and
    everything beyond it stay hidden while the quantities still add up. `redacted`
    counts such links. Liaison staff, admins and unscoped auditors see everything.
    """
    return scoped_trace(services, principal, book_no, lot_no, direction, at)


async def _chain_reader(principal: CurrentPrincipal) -> Principal:
    refusal = chain_refusal(principal)
    if refusal is not None:
        raise forbidden(refusal)
    return principal


@router.get("/ledger/verification", response_model=Verification)
def verify_chain(
    principal: Annotated[Principal, Depends(_chain_reader)], services: ServicesDep
) -> Verification:
    """Rebuild every chained event from the tables and recompute the hash chain; check
    that nothing is unchained and that every balance matches its history. Answers ok,
    or the first event that does not hold and the row that was changed (200 either way:
    a broken chain is a finding, not an error of the request)."""
    return verification(services.auditor.verify(), dt.datetime.now(dt.UTC))


CSV = "text/csv"
RECONCILIATION_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {
            CSV: {"schema": {"type": "string"}, "example": "book_no,item_no,lot_no,unit,..."},
            XLSX: {"schema": {"type": "string", "format": "binary"}},
        },
        "description": "JSON; CSV (format=csv or Accept: text/csv): a header row, one row "
        "per item and lot; or XLSX (format=xlsx or Accept: " + XLSX + "): a Chinese and "
        "an English header row, then one row per item and lot, quantities as numbers "
        "(as text where a spreadsheet's double would change them)",
    }
}
Format = Literal["json", "csv", "xlsx"]
MEDIA: dict[str, Format] = {CSV: "csv", "text/*": "csv", XLSX: "xlsx"}


def wanted_format(format_: Format | None, accept: str | None) -> Format:
    """format= decides; else the file type Accept prefers to JSON (JSON on a tie)."""
    if format_ is not None:
        return format_
    weights: dict[str, float] = {}
    for part in (accept or "").split(","):
        media, *params = (p.strip() for p in part.split(";"))
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        media = media.lower()
        weights[media] = max(q, weights.get(media, 0.0))
    json_q = max(weights.get(m, 0.0) for m in ("application/json", "application/*", "*/*"))
    best: Format = "json"
    best_q = json_q
    for media, kind in MEDIA.items():
        if weights.get(media, 0.0) > best_q:
            best, best_q = kind, weights[media]
    return best


@router.get(
    "/reconciliation", response_model=ReconciliationReport, responses=RECONCILIATION_RESPONSES
)
def reconcile_book(
    book_no: Annotated[BookNo, Query(description="the account book (账册编号)")],
    first_day: Annotated[
        dt.date,
        Query(alias="from", ge=FIRST_DAY, le=LAST_DAY, description="first Beijing day"),
    ],
    last_day: Annotated[
        dt.date,
        Query(alias="to", ge=FIRST_DAY, le=LAST_DAY, description="last Beijing day (included)"),
    ],
    principal: CurrentPrincipal,
    services: ServicesDep,
    known_at: KnownAtDep,
    format_: Annotated[
        Format | None, Query(alias="format", description="json, csv or xlsx; else by Accept")
    ] = None,
    accept: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> ReconciliationReport | Response:
    """Per item and lot of the book over Beijing days [from, to]: the opening balance,
    receipts from outside accounts, removals to them, adjustments (the adjustment
    account, signed), moves between lots, and the closing balance, with
    opening + receipts - removals + adjustments + between_lots = closing checked on
    every line (`balanced`).

    Posted quantities only, counted on the day the posting **occurred** (business
    time): a reservation is not a stock movement until it is posted. A document recorded
    late and back-dated changes the period it occurred in, unless asked as known at an
    instant before it was recorded (`known_at`); a closed period refuses such documents,
    so its answer stays the same."""
    if first_day > last_day:
        raise Problem(
            422,
            "invalid request",
            f"to: {last_day} is before from ({first_day})",
            code="invalid_request",
            field="to",
        )
    ensure_book_in_scope(services, principal, book_no)
    found = services.ledger.reconcile(book_no, first_day, last_day, known_at=known_at)
    kind = wanted_format(format_, accept)
    if kind == "json":
        return reconciliation_report(found)
    name = f"reconciliation-{book_no}-{first_day:%Y%m%d}-{last_day:%Y%m%d}.{kind}"
    disposition = {"Content-Disposition": f'attachment; filename="{name}"'}
    if kind == "xlsx":
        return Response(reconciliation_xlsx(found), media_type=XLSX, headers=disposition)
    return Response(reconciliation_csv(found), media_type=CSV, headers=disposition)
