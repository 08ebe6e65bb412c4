"""Locations: an enterprise's or zone-wide, cold stores, and retirement. A retired
location is kept for its history but takes no new stock: the ledger and the drafts'
checks refuse it, and a location still holding stock cannot be retired."""

from __future__ import annotations

import pytest

from adapters.db.engine import Database
from ledger import Ledger, RetiredLocation
from masterdata.errors import AlreadyRegistered, LocationInUse, LocationRetired, NotRegistered
from schemas.codes import LocationKind
from schemas.masterdata import LocationIn
from tests.support.builders import BOOK, WAREHOUSE, leg, make_zone, outside, request, stock

OWNER = "9600A12345"  # make_zone's enterprise
OTHER = "9600B54321"

COLD_ROOM = LocationIn(
    code="XN-COLD-9",
    name="冷库 9 号",
    kind=LocationKind.WAREHOUSE,
    enterprise_customs_code=OWNER,
    cold_store=True,
)


def _other_enterprise(db: Database) -> None:
    make_zone(db, book_no="H96001234568", customs_code=OTHER)


def test_a_location_is_registered_with_its_enterprise_and_cold_store_and_read_back(
    db: Database,
) -> None:
    md = make_zone(db).md
    md.add_location(COLD_ROOM)
    md.add_location(
        LocationIn(
            code="XN-COLD-9-01",
            name="9 号 01 位",
            kind="bin",
            parent_code="XN-COLD-9",
            enterprise_customs_code=OWNER,
            cold_store=True,
        )
    )
    room = md.location("XN-COLD-9")
    assert (room.enterprise_customs_code, room.cold_store, room.retired_at) == (OWNER, True, None)
    assert md.location("XN-COLD-9-01").parent_code == "XN-COLD-9"
    # Zone-wide locations have no enterprise.
    assert md.location(WAREHOUSE).enterprise_customs_code is None
    # Registering again is a no-op; a different cold-store flag is refused naming it.
    assert md.add_location(COLD_ROOM).code == "XN-COLD-9"
    with pytest.raises(AlreadyRegistered) as refused:
        md.add_location(COLD_ROOM.model_copy(update={"cold_store": False}))
    assert refused.value.field == "cold_store"


def test_a_location_of_an_unknown_enterprise_or_under_another_enterprises_is_refused(
    db: Database,
) -> None:
    md = make_zone(db).md
    _other_enterprise(db)
    with pytest.raises(NotRegistered) as unknown:
        md.add_location(COLD_ROOM.model_copy(update={"enterprise_customs_code": "9600Z99999"}))
    assert unknown.value.field == "enterprise_customs_code"
    md.add_location(COLD_ROOM)
    with pytest.raises(AlreadyRegistered) as foreign_parent:
        md.add_location(
            LocationIn(
                code="XN-X",
                name="x",
                kind="bin",
                parent_code="XN-COLD-9",
                enterprise_customs_code=OTHER,
            )
        )
    assert foreign_parent.value.field == "parent_code"


def test_listing_shows_an_enterprises_own_and_the_zone_wide_locations(db: Database) -> None:
    md = make_zone(db).md
    _other_enterprise(db)
    md.add_location(COLD_ROOM)
    md.add_location(
        COLD_ROOM.model_copy(update={"code": "XN-B-1", "enterprise_customs_code": OTHER})
    )
    mine, total = md.locations(visible_to=frozenset({OWNER}))
    assert [loc.code for loc in mine] == ["XN-COLD-9", "XN-LINE1", WAREHOUSE]
    assert total == 3
    everything, _ = md.locations()
    assert "XN-B-1" in [loc.code for loc in everything]
    only_other, _ = md.locations(enterprise=OTHER)
    assert [loc.code for loc in only_other] == ["XN-B-1"]
    page, total = md.locations(limit=1, offset=1)
    assert (len(page), total) == (1, 4)


def test_a_retired_location_is_kept_listed_on_request_and_refused_for_new_stock(
    db: Database,
) -> None:
    zone = make_zone(db)
    md = zone.md
    md.add_location(COLD_ROOM)
    retired = md.retire_location("XN-COLD-9", by="admin")
    assert retired.retired_at is not None
    assert retired.retired_by == "admin"
    # Retiring again changes nothing: the first retirement stands.
    assert md.retire_location("XN-COLD-9", by="someone else") == retired
    assert "XN-COLD-9" not in [loc.code for loc in md.locations()[0]]
    assert "XN-COLD-9" in [loc.code for loc in md.locations(include_retired=True)[0]]
    # The drafts' check and the ledger refuse it.
    assert md.stock_location_refusal("XN-COLD-9", BOOK) == (
        "location XN-COLD-9 is retired and takes no new stock"
    )
    zone.lot("L1")
    with pytest.raises(RetiredLocation) as refused:
        Ledger(db).execute(request("in-1", leg("5", outside("abroad"), stock("L1", "XN-COLD-9"))))
    assert refused.value.field == "legs[0].destination.location"
    # Nothing goes under it either.
    with pytest.raises(LocationRetired):
        md.add_location(
            LocationIn(
                code="XN-COLD-9-02",
                name="b",
                kind="bin",
                parent_code="XN-COLD-9",
                enterprise_customs_code=OWNER,
            )
        )


def test_a_location_holding_stock_is_not_retired_and_the_refusal_names_the_balance(
    db: Database,
) -> None:
    zone = make_zone(db)
    zone.lot("L1")
    ledger = Ledger(db)
    ledger.execute(request("in-1", leg("250", outside("abroad"), stock("L1"))))
    with pytest.raises(LocationInUse) as refused:
        zone.md.retire_location(WAREHOUSE, by="admin")
    assert "250" in refused.value.reason
    assert "L1" in refused.value.reason
    assert zone.md.location(WAREHOUSE).retired_at is None  # nothing was written
    # Once the goods left, it retires; its history still points at it.
    ledger.execute(request("out-1", leg("250", stock("L1"), outside("abroad"))))
    assert zone.md.retire_location(WAREHOUSE, by="admin").retired_at is not None


def test_a_location_with_live_locations_under_it_is_not_retired(db: Database) -> None:
    md = make_zone(db).md
    md.add_location(LocationIn(code="XN-AREA", name="area", kind="zone_area"))
    md.add_location(LocationIn(code="XN-AREA-1", name="bin", kind="bin", parent_code="XN-AREA"))
    with pytest.raises(LocationInUse) as refused:
        md.retire_location("XN-AREA", by="admin")
    assert "XN-AREA-1" in refused.value.reason
    md.retire_location("XN-AREA-1", by="admin")
    assert md.retire_location("XN-AREA", by="admin").retired_at is not None


def test_goods_of_a_book_go_only_to_its_enterprises_or_zone_wide_locations(db: Database) -> None:
    md = make_zone(db).md
    _other_enterprise(db)
    md.add_location(
        COLD_ROOM.model_copy(update={"code": "XN-B-1", "enterprise_customs_code": OTHER})
    )
    md.add_location(COLD_ROOM)
    assert md.stock_location_refusal("XN-COLD-9", BOOK) is None
    assert md.stock_location_refusal(WAREHOUSE, BOOK) is None
    assert md.stock_location_refusal("XN-B-1", BOOK) == (
        f"location XN-B-1 belongs to enterprise {OTHER}, not to {OWNER} (book {BOOK})"
    )
    assert md.stock_location_refusal("NOWHERE", BOOK) == "no location NOWHERE"
