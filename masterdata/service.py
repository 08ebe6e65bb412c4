"""Register and read master data. Registration is idempotent: registering the same
thing again with the same content is a no-op; different content is refused."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from adapters.db.constraints import Violation, violation
from adapters.db.engine import Database
from adapters.db.models import AccountBook, BookItem, ConsumptionNorm, Enterprise, Location, Lot
from masterdata import repository
from masterdata.errors import (
    AlreadyRegistered,
    LocationInUse,
    LocationRetired,
    NotRegistered,
    RowRefusal,
    RowsRefused,
)
from masterdata.owners import BookOwners
from rules.locations import stock_location_refusal
from schemas.codes import LocationKind
from schemas.errors import BondflowError
from schemas.masterdata import (
    AccountBookIn,
    BookItemIn,
    ConsumptionNormIn,
    EnterpriseIn,
    ImportSummary,
    LocationIn,
    LocationView,
    LotIn,
    NormView,
)
from schemas.quantities import plain
from schemas.wording import counted

_Registration = TypeVar("_Registration", BookItemIn, ConsumptionNormIn)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


# Columns that hold an id stand for the input field that named the referenced row.
_INPUT_FIELD = {
    "enterprise_id": "enterprise_customs_code",
    "parent_id": "parent_code",
    "item_id": "item_no",
    "book_id": "book_no",
    "finished_item_id": "finished_item_no",
    "material_item_id": "material_item_no",
}


def _same(row: Any, wanted: dict[str, Any], what: str) -> None:
    diffs = sorted(_INPUT_FIELD.get(k, k) for k, v in wanted.items() if getattr(row, k) != v)
    if diffs:
        raise AlreadyRegistered(
            f"{what} is already registered with different {', '.join(diffs)}",
            field=diffs[0],
        )


# What each master-data table holds, for refusals.
_THING = {
    "enterprises": "an enterprise",
    "account_books": "an account book",
    "book_items": "a book item",
    "consumption_norms": "a consumption norm",
    "locations": "a location",
    "lots": "a lot",
}


def _concurrent(broken: Violation) -> AlreadyRegistered:
    """A registration that lost a race to the same natural key: the field is the key's
    last column (a book's item number, a lot's number...) as the input names it."""
    thing = _THING.get(broken.table or "", "an entry")
    if not broken.columns:
        return AlreadyRegistered(f"{thing} was registered by another request at the same time")
    column = broken.columns[-1]
    field = _INPUT_FIELD.get(column, column)
    return AlreadyRegistered(
        f"{thing} with the same {field.replace('_', ' ')} was registered by another request"
        " at the same time",
        field=field,
    )


class _DryRun(Exception):
    def __init__(self, summary: ImportSummary) -> None:
        self.summary = summary


def _location_view(row: repository.LocationRow) -> LocationView:
    location = row.location
    return LocationView(
        code=location.code,
        name=location.name,
        kind=LocationKind(location.kind),
        parent_code=row.parent_code,
        enterprise_customs_code=row.enterprise_code,
        cold_store=location.cold_store,
        retired_at=location.retired_at,
        retired_by=location.retired_by,
    )


class MasterData:
    def __init__(self, database: Database, *, owners_max_age_seconds: float = 0) -> None:
        self.db = database
        # Books and their owners from memory (masterdata/owners.py): the readers' scope.
        self.owners = BookOwners(database, owners_max_age_seconds)

    def _write(self, work: Callable[[Session], Any]) -> Any:
        try:
            with self.db.transaction() as session:
                return work(session)
        except IntegrityError as exc:
            # A concurrent registration of the same natural key won: name the field from
            # the constraint the driver reports, never the database's text.
            raise _concurrent(violation(exc)) from exc

    # --- enterprises ------------------------------------------------------------------

    def register_enterprise(self, data: EnterpriseIn) -> Enterprise:
        def work(session: Session) -> Enterprise:
            wanted = {
                "customs_code": data.customs_code,
                "credit_code": data.credit_code,
                "name": data.name,
                "roles": ",".join(sorted(r.value for r in data.roles)),
            }
            found = repository.enterprise_by_customs_code(session, data.customs_code)
            if found is None:
                other = repository.enterprise_by_credit_code(session, data.credit_code)
                if other is not None:
                    raise AlreadyRegistered(
                        f"credit code {data.credit_code} belongs to {other.customs_code}",
                        field="credit_code",
                    )
                found = Enterprise(**wanted, created_at=_now())
                session.add(found)
                session.flush()
            else:
                _same(found, wanted, f"enterprise {data.customs_code}")
            return found

        result: Enterprise = self._write(work)
        return result

    # --- books and items -----------------------------------------------------------

    def open_book(self, data: AccountBookIn) -> AccountBook:
        def work(session: Session) -> AccountBook:
            owner = repository.enterprise_by_customs_code(session, data.enterprise_customs_code)
            if owner is None:
                raise NotRegistered(
                    f"no enterprise {data.enterprise_customs_code}",
                    field="enterprise_customs_code",
                )
            wanted = {
                "book_no": data.book_no,
                "book_type": data.book_type.value,
                "enterprise_id": owner.id,
                "customs_district": data.customs_district,
                "valid_from": data.valid_from,
                "valid_to": data.valid_to,
            }
            found = repository.book(session, data.book_no)
            if found is None:
                found = AccountBook(**wanted, created_at=_now())
                session.add(found)
                session.flush()
            else:
                _same(found, wanted, f"book {data.book_no}")
            return found

        result: AccountBook = self._write(work)
        self.owners.forget()
        return result

    def register_item(self, data: BookItemIn) -> BookItem:
        result: BookItem = self._write(lambda session: self._register_item(session, data)[0])
        return result

    def register_items(
        self, book_no: str, items: Sequence[BookItemIn], *, dry_run: bool = False
    ) -> ImportSummary:
        """Register a book's items (备案料件/成品) all or nothing, by the rules of
        `register_item`; every refused item is named (RowsRefused). A dry run checks
        and counts, then undoes everything."""
        return self._register_all(book_no, items, self._register_item, dry_run)

    def _register_item(self, session: Session, data: BookItemIn) -> tuple[BookItem, bool]:
        """The item and whether it is new."""
        book = self._book(session, data.book_no)
        wanted = data.model_dump(exclude={"book_no"})
        found = repository.item(session, book.id, data.item_no)
        if found is not None:
            _same(found, wanted, f"item {data.book_no}/{data.item_no}")
            return found, False
        clash = repository.item_by_part_no(session, book.id, data.part_no)
        if clash is not None:
            raise AlreadyRegistered(
                f"part number {data.part_no} is item {clash.item_no} of {data.book_no}",
                field="part_no",
            )
        found = BookItem(book_id=book.id, **wanted)
        session.add(found)
        session.flush()
        return found, True

    def register_norm(self, data: ConsumptionNormIn) -> ConsumptionNorm:
        result: ConsumptionNorm = self._write(lambda session: self._register_norm(session, data)[0])
        return result

    def register_norms(
        self, book_no: str, norms: Sequence[ConsumptionNormIn], *, dry_run: bool = False
    ) -> ImportSummary:
        """Register a book's consumption norm versions (单耗) all or nothing, by the rules
        of `register_norm`; every refused norm is named (RowsRefused). A dry run checks
        and counts, then undoes everything."""
        return self._register_all(book_no, norms, self._register_norm, dry_run)

    def _register_norm(
        self, session: Session, data: ConsumptionNormIn
    ) -> tuple[ConsumptionNorm, bool]:
        """The norm version and whether it is new."""
        book = self._book(session, data.book_no)
        finished = self._item(session, book, data.finished_item_no, "finished_item_no")
        material = self._item(session, book, data.material_item_no, "material_item_no")
        if not finished.is_finished_good:
            raise NotRegistered(
                f"item {data.finished_item_no} is not registered as a finished good",
                field="finished_item_no",
            )
        if material.is_finished_good:
            raise NotRegistered(
                f"item {data.material_item_no} is a finished good, not a material",
                field="material_item_no",
            )
        wanted = {
            "book_id": book.id,
            "finished_item_id": finished.id,
            "material_item_id": material.id,
            "version": data.version,
            "net_consumption": data.net_consumption,
            "loss_rate": data.loss_rate,
            "effective_from": data.effective_from,
        }
        found = repository.norm(session, finished.id, material.id, data.version)
        if found is not None:
            _same(found, wanted, f"norm version {data.version}")
            return found, False
        found = ConsumptionNorm(**wanted)
        session.add(found)
        session.flush()
        return found, True

    def _register_all(
        self,
        book_no: str,
        entries: Sequence[_Registration],
        register: Callable[[Session, _Registration], tuple[object, bool]],
        dry_run: bool,
    ) -> ImportSummary:
        """Register each entry in one transaction; any refusal undoes them all and names
        every refused entry by its index. Entries already registered count as unchanged."""

        def work(session: Session) -> ImportSummary:
            self._book(session, book_no)
            created = unchanged = 0
            refusals: list[RowRefusal] = []
            for index, data in enumerate(entries):
                if data.book_no != book_no:
                    refusals.append(
                        RowRefusal(index, "book_no", f"{data.book_no} is not book {book_no}")
                    )
                    continue
                try:
                    _, new = register(session, data)
                except BondflowError as error:
                    refusals.append(RowRefusal(index, error.field, error.reason))
                    continue
                created, unchanged = created + new, unchanged + (not new)
            if refusals:
                raise RowsRefused(refusals)
            summary = ImportSummary(book_no=book_no, created=created, unchanged=unchanged)
            if dry_run:
                raise _DryRun(summary)  # rolls the transaction back
            return summary

        try:
            result: ImportSummary = self._write(work)
        except _DryRun as run:
            return run.summary
        return result

    # --- locations and lots ------------------------------------------------------------

    def add_location(self, data: LocationIn) -> Location:
        """Register a location. Its parent must be live and either zone-wide or of the
        same enterprise: an enterprise's warehouse holds only that enterprise's bins."""

        def work(session: Session) -> Location:
            owner_id = None
            if data.enterprise_customs_code is not None:
                owner = repository.enterprise_by_customs_code(session, data.enterprise_customs_code)
                if owner is None:
                    raise NotRegistered(
                        f"no enterprise {data.enterprise_customs_code}",
                        field="enterprise_customs_code",
                    )
                owner_id = owner.id
            parent_id, parent_retired = None, False
            if data.parent_code is not None:
                parent = repository.location(session, data.parent_code)
                if parent is None:
                    raise NotRegistered(f"no location {data.parent_code}", field="parent_code")
                if parent.enterprise_id is not None and parent.enterprise_id != owner_id:
                    raise AlreadyRegistered(
                        f"location {data.parent_code} belongs to enterprise "
                        f"{repository.enterprise_code(session, parent.enterprise_id)}: "
                        "only that enterprise's locations go under it",
                        field="parent_code",
                    )
                parent_id, parent_retired = parent.id, parent.retired_at is not None
            wanted = {
                "code": data.code,
                "name": data.name,
                "kind": data.kind.value,
                "parent_id": parent_id,
                "enterprise_id": owner_id,
                "cold_store": data.cold_store,
            }
            found = repository.location(session, data.code)
            if found is None:
                if parent_retired:
                    raise LocationRetired(
                        f"location {data.parent_code} is retired", field="parent_code"
                    )
                found = Location(**wanted)
                session.add(found)
                session.flush()
            else:
                _same(found, wanted, f"location {data.code}")
            return found

        result: Location = self._write(work)
        return result

    def retire_location(self, code: str, *, by: str) -> LocationView:
        """Retire a location: it is kept (history points at it) but takes no new stock.
        Refused while it holds or expects stock, or has live locations under it.
        Retiring a retired location changes nothing (the first retirement stands)."""

        def work(session: Session) -> LocationView:
            found = repository.location(session, code)
            if found is None:
                raise NotRegistered(f"no location {code}", field="code")
            if found.retired_at is None:
                repository.retire_location(session, found.id, _now(), by)
                held = repository.stock_at(session, found.id)
                if held:
                    first = held[0]
                    raise LocationInUse(
                        f"location {code} still holds stock: {first.key} has "
                        f"{plain(first.posted)} posted, {plain(first.pending_out)} reserved "
                        f"out, {plain(first.pending_in)} expected in"
                        + (
                            f" (and {counted(len(held) - 1, 'more position')})"
                            if len(held) > 1
                            else ""
                        ),
                        field="code",
                    )
                children = repository.live_children(session, found.id)
                if children:
                    raise LocationInUse(
                        f"location {code} has live locations under it: {', '.join(children)}",
                        field="code",
                    )
                session.refresh(found)
            return self._location_view(session, code)

        result: LocationView = self._write(work)
        return result

    def create_lot(self, data: LotIn) -> Lot:
        def work(session: Session) -> Lot:
            book = self._book(session, data.book_no)
            item = self._item(session, book, data.item_no, "item_no")
            wanted = {
                "book_id": book.id,
                "item_id": item.id,
                "lot_no": data.lot_no,
                "origin": data.origin,
            }
            found = repository.lot(session, book.id, data.lot_no)
            if found is None:
                found = Lot(**wanted, created_at=_now())
                session.add(found)
                session.flush()
            else:
                _same(found, wanted, f"lot {data.book_no}/{data.lot_no}")
            return found

        result: Lot = self._write(work)
        return result

    def create_lots(self, lots: Sequence[LotIn]) -> int:
        """Create a document's lots in one transaction (all or none), each as
        ``create_lot`` would: an existing lot with the same content is kept, one with
        other content refused. Returns how many were created."""

        def work(session: Session) -> int:
            created = 0
            by_book: dict[str, list[LotIn]] = {}
            for data in lots:
                by_book.setdefault(data.book_no, []).append(data)
            for book_no, wanted_lots in by_book.items():
                book = self._book(session, book_no)
                items = {item.item_no: item for item in repository.items(session, book.id)}
                existing = repository.lots_named_rows(
                    session, book.id, [data.lot_no for data in wanted_lots]
                )
                for data in wanted_lots:
                    item = items.get(data.item_no)
                    if item is None:
                        raise NotRegistered(
                            f"book {book.book_no} has no item {data.item_no}", field="item_no"
                        )
                    wanted = {
                        "book_id": book.id,
                        "item_id": item.id,
                        "lot_no": data.lot_no,
                        "origin": data.origin,
                    }
                    found = existing.get(data.lot_no)
                    if found is None:
                        existing[data.lot_no] = found = Lot(**wanted, created_at=_now())
                        session.add(found)
                        created += 1
                    else:
                        _same(found, wanted, f"lot {data.book_no}/{data.lot_no}")
            session.flush()
            return created

        result: int = self._write(work)
        return result

    # --- reads -------------------------------------------------------------------------

    def enterprises(self) -> Sequence[Enterprise]:
        with self.db.reading() as session:
            return repository.enterprises(session)

    def books(self) -> Sequence[AccountBook]:
        with self.db.reading() as session:
            return repository.books(session)

    def items(self, book_no: str) -> Sequence[BookItem]:
        with self.db.reading() as session:
            return repository.items(session, self._book(session, book_no).id)

    def norms_in_force(
        self, book_no: str, finished_item_no: int, on: dt.date
    ) -> Sequence[ConsumptionNorm]:
        with self.db.reading() as session:
            book = self._book(session, book_no)
            self._item(session, book, finished_item_no, "finished_item_no")
            return [
                norm
                for norm, _ in repository.norms_in_force(session, book_no, finished_item_no, on)
            ]

    def norms(self, book_no: str) -> list[NormView]:
        with self.db.reading() as session:
            book = self._book(session, book_no)
            return [
                NormView(
                    book_no=book.book_no,
                    finished_item_no=finished,
                    material_item_no=material,
                    version=norm.version,
                    net_consumption=norm.net_consumption,
                    loss_rate=norm.loss_rate,
                    effective_from=norm.effective_from,
                )
                for norm, finished, material in repository.norms(session, book.id)
            ]

    def book(self, book_no: str) -> AccountBook:
        with self.db.reading() as session:
            return self._book(session, book_no)

    def owner_of(self, book_no: str) -> Enterprise:
        """The enterprise whose book it is (经营企业)."""
        with self.db.reading() as session:
            book = self._book(session, book_no)
            owner = session.get(Enterprise, book.enterprise_id)
            assert owner is not None  # a foreign key
            return owner

    def enterprise(self, customs_code: str) -> Enterprise:
        with self.db.reading() as session:
            found = repository.enterprise_by_customs_code(session, customs_code)
            if found is None:
                raise NotRegistered(f"no enterprise {customs_code}", field="customs_code")
            return found

    def location(self, code: str) -> LocationView:
        with self.db.reading() as session:
            return self._location_view(session, code)

    def locations(
        self,
        *,
        visible_to: frozenset[str] | None = None,
        enterprise: str | None = None,
        include_retired: bool = False,
        limit: int = 50,
        offset: int = 0,
    ) -> tuple[list[LocationView], int]:
        """A page of locations and how many match: `visible_to` limits them to those
        enterprises' and the zone-wide ones (None: every location)."""
        with self.db.reading() as session:
            wanted = repository.LocationFilter(visible_to, enterprise, include_retired)
            total = repository.location_count(session, wanted)
            rows = repository.location_rows(session, wanted, limit=limit, offset=offset)
            return [_location_view(row) for row in rows], total

    def stock_location_refusal(self, code: str, book_no: str) -> str | None:
        """Why goods of a book may not be put at a location, or None (the rule:
        ``rules.locations.stock_location_refusal``)."""
        with self.db.reading() as session:
            row = repository.location_row(session, code)
            owner = ""
            if row is not None and row.enterprise_code is not None:
                book = self._book(session, book_no)
                owner = repository.enterprise_code(session, book.enterprise_id)
            return stock_location_refusal(
                code,
                exists=row is not None,
                retired=row is not None and row.location.retired_at is not None,
                location_enterprise=None if row is None else row.enterprise_code,
                book_no=book_no,
                book_owner=owner,
            )

    def lot(self, book_no: str, lot_no: str) -> Lot | None:
        with self.db.reading() as session:
            return repository.lot(session, self._book(session, book_no).id, lot_no)

    # --- helpers -----------------------------------------------------------------------

    @staticmethod
    def _book(session: Session, book_no: str) -> AccountBook:
        book = repository.book(session, book_no)
        if book is None:
            raise NotRegistered(f"no account book {book_no}", field="book_no")
        return book

    @staticmethod
    def _location_view(session: Session, code: str) -> LocationView:
        row = repository.location_row(session, code)
        if row is None:
            raise NotRegistered(f"no location {code}", field="code")
        return _location_view(row)

    @staticmethod
    def _item(session: Session, book: AccountBook, item_no: int, field: str) -> BookItem:
        item = repository.item(session, book.id, item_no)
        if item is None:
            raise NotRegistered(f"book {book.book_no} has no item {item_no}", field=field)
        return item
