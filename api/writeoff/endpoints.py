"""A processing book's write-off statement (核销表) for its readers: the book's filer,
auditors and liaison staff whose scope holds the book (another enterprise's book answers
exactly as a missing one: 404). Read-only: preparing, approving and closing the period
belong to the write-off lifecycle."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Header, Path, Query, Response

from api.audit.endpoints import CSV, FIRST_DAY, LAST_DAY, Format, wanted_format
from api.dependencies import CurrentPrincipal, ServicesDep
from api.inventory.scope import ensure_book_in_scope
from reports.reconciliation import XLSX
from reports.write_off import write_off_csv, write_off_xlsx
from rules.write_off import BookWriteOff
from schemas.masterdata import BookNo

router = APIRouter(prefix="/books", tags=["write-off"])

RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {
            CSV: {"schema": {"type": "string"}, "example": "section,item_no,part_no,..."},
            XLSX: {"schema": {"type": "string", "format": "binary"}},
        },
        "description": "JSON: the statement with every figure's documents; CSV (format=csv "
        "or Accept: text/csv): one row per material and finished good, a section column; "
        "XLSX (format=xlsx or Accept: " + XLSX + "): the statement's layout with Chinese and "
        "English headers, a sheet of every figure's documents and one of finished goods "
        "no norm folds",
    }
}


@router.get("/{book_no}/write-off", response_model=BookWriteOff, responses=RESPONSES)
def write_off_statement(
    book_no: Annotated[BookNo, Path(description="the processing book (加工贸易账册编号)")],
    start: Annotated[
        dt.date, Query(ge=FIRST_DAY, le=LAST_DAY, description="the period's first Beijing day")
    ],
    end: Annotated[
        dt.date,
        Query(
            ge=FIRST_DAY,
            le=LAST_DAY,
            description="the first Beijing day after the period (excluded)",
        ),
    ],
    principal: CurrentPrincipal,
    services: ServicesDep,
    format_: Annotated[
        Format | None, Query(alias="format", description="json, csv or xlsx; else by Accept")
    ] = None,
    accept: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> BookWriteOff | Response:
    """The write-off statement over Beijing days [start, end), by business time (each
    posting on the day it occurred). Per material, in material terms: the opening (stock
    and the finished goods in stock folded by the norms in force), imports, domestic
    purchases, transfers in, offcuts produced, the norms' consumption of the finished
    goods exported, sold into China, transferred out and disposed (on the day each left),
    the material's own returns abroad, sales, transfers out, disposals and stocktake
    adjustments, and the theoretical closing; per finished good, the same in its own
    unit. Every figure lists the ledger transactions and documents it is the sum of.

    The counted balance and the difference come from the period's stocktake, which the
    write-off lifecycle supplies: here they are null (`counted: false`)."""
    ensure_book_in_scope(services, principal, book_no)
    found = services.write_offs.for_days(book_no, start, end)
    kind = wanted_format(format_, accept)
    if kind == "json":
        return found
    name = f"write-off-{book_no}-{found.first_day:%Y%m%d}-{found.last_day:%Y%m%d}.{kind}"
    disposition = {"Content-Disposition": f'attachment; filename="{name}"'}
    if kind == "xlsx":
        return Response(write_off_xlsx(found), media_type=XLSX, headers=disposition)
    return Response(write_off_csv(found), media_type=CSV, headers=disposition)
