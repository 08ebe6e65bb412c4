"""The auditor's pages (审计): stock balances now or as of a Beijing time as known at
another (ledger/timeline.py; every page takes both), a lot's
movements with its balance drawn over time, a lot's trace backward and forward drawn as
a graph, the audit chain's verification with the anchor to keep, and a book's
reconciliation as a table, CSV and XLSX.

Read-only: no page here has a form that acts (every form is a GET). Each reads through
the same services and the same scope as the API's inventory and audit routes
(`api.inventory.scope`, `api.audit`): another enterprise's book is "not found"."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterator
from typing import Annotated, Any, Final
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import Depends, Query
from markupsafe import Markup
from pydantic import BaseModel, ConfigDict, ValidationError, ValidationInfo, field_validator
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from access import Principal
from access.principal import chain_refusal
from api.audit.endpoints import FIRST_DAY, LAST_DAY
from api.audit.schemas import Direction, TraceLot, TraceReport
from api.audit.traces import scoped_trace
from api.instants import Instants
from api.inventory.scope import book_in_scope, book_owners, books_in_scope
from api.services import Services
from console.dependencies import LedgerReaderPage as ReaderPage
from console.drawings.balance_chart import BalanceLabels, balance_chart_svg
from console.drawings.trace_graph import TraceLabels, trace_graph_svg
from console.i18n import N_, Language
from console.names import CUSTOMS_STATUS_NAMES
from console.navigation import PREFIX
from console.page import Page
from console.refusals import from_validation
from console.routing import PageRefused, console_router, forbidden
from console.templating import code_entry
from ledger import UnknownReference
from reports.reconciliation import XLSX, reconciliation_csv, reconciliation_xlsx
from reports.reconciliation import Language as Heading
from schemas.codes import CustomsStatus, DocumentType, OutsideKind
from schemas.errors import NotFound
from schemas.inventory import LotMovement, Reconciliation
from schemas.masterdata import BookNo, Code

router = console_router(f"{PREFIX}/auditor")

BALANCES: Final = f"{PREFIX}/auditor/balances"
LOT: Final = f"{PREFIX}/auditor/lot"
TRACE: Final = f"{PREFIX}/auditor/trace"
VERIFICATION: Final = f"{PREFIX}/auditor/verification"
RECONCILIATION: Final = f"{PREFIX}/auditor/reconciliation"

BEIJING: Final = ZoneInfo("Asia/Shanghai")
PAGE_SIZE: Final = 100
HISTORY: Final = 10_000  # a lot's movements read for its page and chart

DOCUMENT_TYPES: Final[dict[DocumentType, str]] = {
    DocumentType.BONDED_LIST: N_("bonded list"),
    DocumentType.GATE_PASS: N_("gate pass"),
    DocumentType.DECLARATION: N_("declaration"),
    DocumentType.WORK_ORDER: N_("work order"),
    DocumentType.STOCKTAKE: N_("stocktake"),
    DocumentType.WRITE_OFF: N_("write-off"),
    DocumentType.OPENING_BALANCE: N_("opening balance"),
}
OUTSIDE: Final[dict[OutsideKind, str]] = {
    OutsideKind.ABROAD: N_("abroad"),
    OutsideKind.DOMESTIC: N_("domestic, outside the zone"),
    OutsideKind.PROCESSING: N_("processing: consumed or produced"),
    OutsideKind.DESTRUCTION: N_("destruction"),
    OutsideKind.ADJUSTMENT: N_("stocktake adjustment"),
    OutsideKind.ZONE_TRANSFER: N_("transfer to or from another book in the zone"),
}
DIRECTIONS: Final[dict[Direction, str]] = {
    Direction.BACKWARD: N_("backward: where it came from"),
    Direction.FORWARD: N_("forward: where it went"),
}

Text = Annotated[str, Query(max_length=64)]


def _none_if_blank(value: object) -> object:
    return None if isinstance(value, str) and value.strip() == "" else value


def _beijing(day: dt.date | None, time: dt.time | None) -> dt.datetime | None:
    """The instant in UTC of a Beijing date and time (a date alone is the end of that
    day: 23:59:59)."""
    if day is None:
        return None
    return dt.datetime.combine(day, time or dt.time(23, 59, 59), BEIJING).astimezone(dt.UTC)


def _when_fields(
    as_of_date: Text = "",
    as_of_time: Text = "",
    known_at_date: Text = "",
    known_at_time: Text = "",
) -> dict[str, str]:
    """The as-of and as-known-at fields as typed (validated by ``WhenForm``, so that a
    bad one is refused on the page that was asked for)."""
    return {
        "as_of_date": as_of_date,
        "as_of_time": as_of_time,
        "known_at_date": known_at_date,
        "known_at_time": known_at_time,
    }


# The four query fields of a page asked at an instant (balances, a lot, a trace).
WhenFields = Annotated[dict[str, str], Depends(_when_fields)]


class WhenForm(BaseModel):
    """The two instants a page may be asked at, as Beijing dates and times: as of (the
    business instant, when postings occurred) and as known at (the record instant: only
    what was recorded by then counts). Empty: now, as known now."""

    model_config = ConfigDict(frozen=True)

    as_of_date: dt.date | None = None
    as_of_time: dt.time | None = None
    known_at_date: dt.date | None = None
    known_at_time: dt.time | None = None

    @field_validator("as_of_time", "known_at_time")
    @classmethod
    def _time_needs_a_day(cls, value: dt.time | None, info: ValidationInfo) -> dt.time | None:
        day = "as_of_date" if info.field_name == "as_of_time" else "known_at_date"
        if value is not None and info.data.get(day) is None:
            raise ValueError("a time of day needs its date")
        return value

    @field_validator("*", mode="before")
    @classmethod
    def _blank(cls, value: object) -> object:
        return _none_if_blank(value)

    def as_of(self) -> dt.datetime | None:
        return _beijing(self.as_of_date, self.as_of_time)

    def known_at(self) -> dt.datetime | None:
        return _beijing(self.known_at_date, self.known_at_time)

    def instants(self) -> Instants:
        return Instants(self.as_of(), self.known_at())


WHEN_FIELDS: Final = ("as_of_date", "as_of_time", "known_at_date", "known_at_time")


class BalanceFilter(WhenForm):
    """What the balances form asks: every field may be left empty (a form sends "")."""

    book_no: BookNo | None = None
    item_no: int | None = None  # 备案序号
    lot_no: Code | None = None
    location: Code | None = None
    status: CustomsStatus | None = None

    @field_validator("item_no")
    @classmethod
    def _item_no(cls, value: int | None) -> int | None:
        if value is not None and not 1 <= value <= 2_147_483_647:
            raise ValueError("an item number is between 1 and 2147483647")
        return value


class PeriodQuery(BaseModel):
    model_config = ConfigDict(frozen=True)

    book_no: BookNo
    first_day: dt.date
    last_day: dt.date

    @field_validator("first_day", "last_day")
    @classmethod
    def _in_range(cls, value: dt.date) -> dt.date:
        if not FIRST_DAY <= value <= LAST_DAY:
            raise ValueError(f"a day between {FIRST_DAY} and {LAST_DAY}")
        return value

    @field_validator("last_day")
    @classmethod
    def _after_first(cls, value: dt.date, info: ValidationInfo) -> dt.date:
        first = info.data.get("first_day")
        if first is not None and value < first:
            raise ValueError(f"{value} is before the first day ({first})")
        return value


def _visible_books(services: Services, principal: Principal) -> list[str]:
    owners = book_owners(services)
    return sorted(book for book, owner in owners.items() if principal.may_see(owner))


def _units(services: Services, books: list[str]) -> dict[tuple[str, int], str]:
    """Each book item's declared unit code (035: 千克)."""
    return {
        (book, item.item_no): item.declared_unit
        for book in books
        for item in services.masterdata.items(book)
    }


# --- balances ---------------------------------------------------------------------------


@router.get("/balances")
async def balances(
    page: ReaderPage,
    when: WhenFields,
    book_no: Text = "",
    item_no: Text = "",
    lot_no: Text = "",
    location: Text = "",
    status: Text = "",
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> Response:
    """Stock positions by book, item, lot, location and status, now or as of a Beijing
    date and time (when postings occurred), as known at another (a document back-dated
    into the past shows there only as known after it was recorded)."""
    form = {
        "book_no": book_no,
        "item_no": item_no,
        "lot_no": lot_no,
        "location": location,
        "status": status,
        **when,
    }
    principal = _principal(page)
    books = await run_in_threadpool(_visible_books, page.services, principal)
    context: dict[str, Any] = {
        "form": form,
        "books": books,
        "statuses": CUSTOMS_STATUS_NAMES,
        "lines": [],
        "total": 0,
        "offset": offset,
        "page_size": PAGE_SIZE,
        "query": "",
        "as_of": None,
        "known_at": None,
        "units": {},
    }
    try:
        wanted = BalanceFilter.model_validate(form)
    except ValidationError as error:
        return page.render(
            "auditor/balances.html", status=422, refusals=from_validation(error), **context
        )
    if wanted.book_no is not None:
        await run_in_threadpool(book_in_scope, page.services, principal, wanted.book_no)
    at, known = wanted.as_of(), wanted.known_at()

    def read() -> tuple[list[Any], int]:
        return page.services.ledger.positions(
            book_nos=books_in_scope(page.services, principal),
            book_no=wanted.book_no,
            item_no=wanted.item_no,
            lot_no=wanted.lot_no,
            location=wanted.location,
            status=wanted.status,
            as_of=at,
            known_at=known,
            limit=PAGE_SIZE,
            offset=offset,
        )

    lines, total = await run_in_threadpool(read)
    units = await run_in_threadpool(_units, page.services, sorted({line.book_no for line in lines}))
    query = urlencode({name: value for name, value in form.items() if value})
    context.update(lines=lines, total=total, as_of=at, known_at=known, units=units, query=query)
    return page.render("auditor/balances.html", **context)


def _principal(page: Page) -> Principal:
    assert page.principal is not None  # a reader's page is signed in
    return page.principal


# --- a lot's movements ------------------------------------------------------------------


def _movements(
    services: Services, book_no: str, lot_no: str, at: Instants
) -> tuple[list[LotMovement], int]:
    try:
        found = services.ledger.lot_movements(
            book_no, lot_no, as_of=at.as_of, known_at=at.known_at, limit=HISTORY
        )
    except UnknownReference:
        raise NotFound(f"book {book_no} has no lot {lot_no}", field="lot_no") from None
    return list(found.movements), found.item_no


@router.get("/lot")
async def lot(
    page: ReaderPage,
    when: WhenFields,
    book_no: Annotated[BookNo, Query()],
    lot_no: Annotated[Code, Query()],
) -> Response:
    """Every change of the lot's positions that occurred by the as-of instant and was
    recorded by the as-known-at one, in business order, with the balance after each, and
    the lot's balance drawn over time above them."""
    form = dict(when)
    await run_in_threadpool(book_in_scope, page.services, _principal(page), book_no)
    try:
        wanted = WhenForm.model_validate(form)
    except ValidationError as error:
        return page.render(
            "auditor/lot.html",
            status=422,
            refusals=from_validation(error),
            **_lot_context(book_no, lot_no, form),
        )
    movements, item_no = await run_in_threadpool(
        _movements, page.services, book_no, lot_no, wanted.instants()
    )
    units = await run_in_threadpool(_units, page.services, [book_no])
    unit = units.get((book_no, item_no), "")
    chart = balance_chart_svg(
        movements,
        BalanceLabels(
            title=page.gettext("Balance of lot %(lot)s", lot=lot_no),
            unit=_unit_name(page, unit),
            balance=page.gettext("Balance"),
            time=page.gettext("Occurred (Beijing time)"),
            empty=page.gettext("No movements yet"),
        ),
    )
    context = _lot_context(book_no, lot_no, form)
    context.update(
        item_no=item_no,
        unit=unit,
        unit_words=_unit_name(page, unit),
        movements=movements,
        chart=Markup(chart),
        truncated=len(movements) >= HISTORY,
    )
    return page.render("auditor/lot.html", **context)


def _lot_context(book_no: str, lot_no: str, form: dict[str, str]) -> dict[str, Any]:
    return {
        "book_no": book_no,
        "lot_no": lot_no,
        "item_no": "",
        "unit": "",
        "movements": [],
        "chart": "",
        "unit_words": "",
        "statuses": CUSTOMS_STATUS_NAMES,
        "outside": OUTSIDE,
        "document_types": DOCUMENT_TYPES,
        "truncated": False,
        "form": form,
        "when_query": urlencode({k: v for k, v in form.items() if v}),
    }


def _unit_name(page: Page, unit: str) -> str:
    """A unit code's name in the page's language (035 -> 千克), else the code."""
    entry = code_entry("unit", unit) if unit else None
    if entry is None:
        return unit
    return entry.name_zh if page.language is Language.ZH else entry.name_en


# --- a lot's trace ----------------------------------------------------------------------


def _lots(lot: TraceLot) -> Iterator[TraceLot]:
    yield lot
    for link in lot.links:
        if link.lot is not None:
            yield from _lots(link.lot)


def _trace(
    services: Services,
    principal: Principal,
    book_no: str,
    lot_no: str,
    direction: Direction,
    at: Instants,
) -> tuple[TraceReport, dict[tuple[str, int], str]]:
    """The trace as the API gives it (redacted to the reader's scope; each step with who
    and why, as the ledger recorded them) and the units of the items in it."""
    report = scoped_trace(services, principal, book_no, lot_no, direction, at)
    units = _units(services, sorted({each.book_no for each in _lots(report.trace)}))
    return report, units


@router.get("/trace")
async def trace(
    page: ReaderPage,
    when: WhenFields,
    book_no: Annotated[BookNo, Query()],
    lot_no: Annotated[Code, Query()],
    direction: Annotated[Direction, Query()] = Direction.BACKWARD,
) -> Response:
    """The lot's trace drawn: backward to the documents that brought its goods in,
    forward to the lots made of it and the documents it left on; across books where an
    in-zone transfer did; each step's document with who and why beneath; by the postings
    that occurred by the as-of instant and were recorded by the as-known-at one."""
    form = dict(when)
    try:
        wanted = WhenForm.model_validate(form)
    except ValidationError as error:
        raise PageRefused(
            422, N_("Refused"), N_("The as-of or as-known-at date and time are not valid.")
        ) from error
    report, units = await run_in_threadpool(
        _trace, page.services, _principal(page), book_no, lot_no, direction, wanted.instants()
    )
    labels = TraceLabels(
        title=page.gettext("Where lot %(lot)s came from", lot=lot_no)
        if direction is Direction.BACKWARD
        else page.gettext("Where lot %(lot)s went", lot=lot_no),
        document_type=lambda kind: page.gettext(DOCUMENT_TYPES[kind]),
        outside=lambda kind: (
            page.gettext(OUTSIDE[OutsideKind(kind)])
            if kind in OutsideKind.__members__.values()
            else kind
        ),
        unit=lambda book, item: _unit_name(page, units.get((book, item), "")),
        book=page.gettext("Book"),
        lot=page.gettext("Lot"),
        item=page.gettext("Item"),
        out_of_scope=page.gettext("a book outside your scope"),
        no_document=page.gettext("no document"),
        movement=page.gettext("movement of a document"),
        lineage=page.gettext("lineage link"),
        crossing=page.gettext("between books"),
    )
    drawing = trace_graph_svg(report, labels)
    steps = [(each, step) for each in _lots(report.trace) for step in each.steps]
    return page.render(
        "auditor/trace.html",
        form=form,
        book_no=book_no,
        lot_no=lot_no,
        direction=direction,
        directions=DIRECTIONS,
        report=report,
        steps=steps,
        units=units,
        outside=OUTSIDE,
        document_types=DOCUMENT_TYPES,
        drawing=Markup(drawing),
    )


# --- the audit chain --------------------------------------------------------------------


def _chain_reader(page: Page) -> None:
    """The chain spans every enterprise: an auditor scoped to some of them may not
    verify it (the API's rule, ``chain_refusal``)."""
    if chain_refusal(_principal(page)) is not None:
        raise forbidden()


@router.get("/verification")
async def verification(page: ReaderPage) -> Response:
    """The audit chain rebuilt from the tables: intact, or where it breaks; its head."""
    _chain_reader(page)
    result = await run_in_threadpool(page.services.auditor.verify)
    return page.render(
        "auditor/verification.html", result=result, verified_at=dt.datetime.now(dt.UTC)
    )


@router.get("/verification/anchor")
async def anchor(page: ReaderPage) -> Response:
    """The chain's current head as the file `bondflow ledger verify --anchor` reads."""
    _chain_reader(page)
    head = await run_in_threadpool(page.services.auditor.anchor)
    name = f"bondflow-anchor-{head.seq}-{head.taken_at:%Y%m%dT%H%M%SZ}.json"
    return Response(
        head.model_dump_json(indent=2) + "\n",
        media_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


# --- reconciliation ---------------------------------------------------------------------


def _this_month() -> tuple[str, str]:
    today = dt.datetime.now(BEIJING).date()
    return today.replace(day=1).isoformat(), today.isoformat()


async def _reconcile(
    page: Page, wanted: PeriodQuery, known_at: dt.datetime | None = None
) -> Reconciliation:
    await run_in_threadpool(book_in_scope, page.services, _principal(page), wanted.book_no)
    return await run_in_threadpool(
        functools.partial(
            page.services.ledger.reconcile,
            wanted.book_no,
            wanted.first_day,
            wanted.last_day,
            known_at=known_at,
        )
    )


@router.get("/reconciliation")
async def reconciliation(
    page: ReaderPage,
    book_no: Text = "",
    first_day: Annotated[str, Query(alias="from", max_length=10)] = "",
    last_day: Annotated[str, Query(alias="to", max_length=10)] = "",
    known_at_date: Text = "",
    known_at_time: Text = "",
) -> Response:
    """A book's reconciliation over Beijing days, per item and lot, with its files; as
    known at a Beijing date and time if one is given (only what was recorded by then)."""
    principal = _principal(page)
    books = await run_in_threadpool(_visible_books, page.services, principal)
    start, end = _this_month()
    form = {
        "book_no": book_no,
        "from": first_day or start,
        "to": last_day or end,
        "known_at_date": known_at_date,
        "known_at_time": known_at_time,
    }
    context: dict[str, Any] = {"form": form, "books": books, "found": None, "query": ""}
    if not book_no:
        return page.render("auditor/reconciliation.html", **context)
    try:
        wanted = PeriodQuery(book_no=book_no, first_day=form["from"], last_day=form["to"])
        known = WhenForm(known_at_date=known_at_date, known_at_time=known_at_time).known_at()
    except ValidationError as error:
        return page.render(
            "auditor/reconciliation.html",
            status=422,
            refusals=from_validation(error),
            **context,
        )
    found = await _reconcile(page, wanted, known)
    query = urlencode(
        {
            "book_no": wanted.book_no,
            "from": wanted.first_day,
            "to": wanted.last_day,
            **{k: form[k] for k in ("known_at_date", "known_at_time") if form[k]},
        }
    )
    context.update(found=found, query=query)
    return page.render("auditor/reconciliation.html", **context)


def _file_name(found: Reconciliation, kind: str) -> str:
    return f"reconciliation-{found.book_no}-{found.first_day:%Y%m%d}-{found.last_day:%Y%m%d}.{kind}"


@router.get("/reconciliation.csv")
async def reconciliation_as_csv(
    page: ReaderPage,
    book_no: Annotated[BookNo, Query()],
    first_day: Annotated[dt.date, Query(alias="from", ge=FIRST_DAY, le=LAST_DAY)],
    last_day: Annotated[dt.date, Query(alias="to", ge=FIRST_DAY, le=LAST_DAY)],
    known_at_date: Text = "",
    known_at_time: Text = "",
) -> Response:
    """The reconciliation as CSV: the Chinese header row, the English one, then a row per
    item and lot (UTF-8 with a byte-order mark, so a spreadsheet reads the Chinese)."""
    found = await _reconcile(
        page, _period(book_no, first_day, last_day), _known_at(known_at_date, known_at_time)
    )
    body = "\ufeff" + reconciliation_csv(found, headers=(Heading.CHINESE, Heading.ENGLISH))
    return Response(
        body.encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{_file_name(found, "csv")}"'},
    )


@router.get("/reconciliation.xlsx")
async def reconciliation_as_xlsx(
    page: ReaderPage,
    book_no: Annotated[BookNo, Query()],
    first_day: Annotated[dt.date, Query(alias="from", ge=FIRST_DAY, le=LAST_DAY)],
    last_day: Annotated[dt.date, Query(alias="to", ge=FIRST_DAY, le=LAST_DAY)],
    known_at_date: Text = "",
    known_at_time: Text = "",
) -> Response:
    """The reconciliation as an XLSX workbook (`reports.reconciliation`)."""
    found = await _reconcile(
        page, _period(book_no, first_day, last_day), _known_at(known_at_date, known_at_time)
    )
    return Response(
        reconciliation_xlsx(found),
        media_type=XLSX,
        headers={"Content-Disposition": f'attachment; filename="{_file_name(found, "xlsx")}"'},
    )


def _period(book_no: str, first_day: dt.date, last_day: dt.date) -> PeriodQuery:
    if last_day < first_day:
        raise PageRefused(
            422, N_("Refused"), N_("The last day of the period is before its first day.")
        )
    return PeriodQuery(book_no=book_no, first_day=first_day, last_day=last_day)


def _known_at(day: str, time: str) -> dt.datetime | None:
    try:
        return WhenForm(known_at_date=day, known_at_time=time).known_at()
    except ValidationError as error:
        raise PageRefused(
            422, N_("Refused"), N_("The as-known-at date and time are not valid.")
        ) from error
