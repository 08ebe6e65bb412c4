"""Bad input gets a clear error naming the field, and nothing at all is written.

Malformed values are refused by the schemas (pydantic ValidationError) before the
ledger is called; well-formed requests naming things that do not exist, or that do not
fit, are refused by the ledger (UnknownReference, UnitMismatch, InsufficientStock) with
`field` set. Either way, every ledger table keeps exactly the rows it had.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from functools import partial
from typing import Any, TypeVar

import pytest
from pydantic import ValidationError

from adapters.db.engine import Database
from ledger import (
    IdempotencyConflict,
    InsufficientStock,
    Ledger,
    LedgerError,
    LedgerQueries,
    UnitMismatch,
    UnknownReference,
)
from observability.metrics import REGISTRY
from rules.credit_code import build_credit_code
from schemas.ledger import Leg, MovementRequest
from schemas.masterdata import BookItemIn, EnterpriseIn
from tests.ledger.helpers import all_balances, cells_key, row_counts
from tests.support.builders import (
    BOOK,
    CELLS,
    GLASS,
    LINE,
    MODULE,
    Zone,
    consumed,
    leg,
    make_zone,
    outside,
    request,
    resolve,
    stock,
)
from tests.support.states import DatabaseState, starts_from

E = TypeVar("E", bound=LedgerError)


def _hundred_cells_in_l1(db: Database) -> None:
    zone = make_zone(db)
    zone.lot("L1")
    zone.lot("L2")
    zone.lot("G1", item_no=GLASS)
    zone.lot("M1", item_no=MODULE)
    Ledger(db).execute(request("opening", leg("100", outside("abroad"), stock("L1"))))


@starts_from(DatabaseState("hundred-cells-in-l1", _hundred_cells_in_l1))
def zone(db: Database) -> Zone:
    """Cells lot L1 holds 100 pieces in the warehouse (posted as "opening"); L2, glass
    G1 and modules M1 exist but hold nothing. Written once per worker and backend and
    cloned for each test (tests/support/states.py)."""
    return Zone.of(db)


@contextmanager
def nothing_written(db: Database) -> Iterator[None]:
    """The block must leave every ledger table and every balance exactly as it was."""
    rows, balances = row_counts(db), all_balances(db)
    yield
    assert row_counts(db) == rows, "a refused request wrote rows"
    assert all_balances(db) == balances, "a refused request changed balances"


def refused(db: Database, attempt: Callable[[], object], error: type[E], field: str) -> E:
    """Run a ledger call that must be refused with `error` naming `field`, writing nothing."""
    with nothing_written(db), pytest.raises(error) as refusal:
        attempt()
    assert refusal.value.field == field
    return refusal.value


def _raw_leg(**changes: Any) -> dict[str, Any]:
    """A leg as an API client would send it (JSON-like), with some fields changed."""
    body: dict[str, Any] = {
        "book_no": BOOK,
        "item_no": CELLS,
        "unit": "007",
        "quantity": "1",
        "source": {"kind": "outside", "party": "abroad"},
        "destination": {"kind": "stock", "lot_no": "L1", "location": "XN-WH1"},
    }
    body.update(changes)
    return body


def _raw_request(*legs: dict[str, Any], **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "client_id": "raw-1",
        "operation": "post",
        "document": {"type": "bonded_list", "number": "QD960126I000000001"},
        "legs": list(legs),
        "actor": "filer",
        "reason": "entry",
        "occurred_at": "2026-03-02T08:00:00+08:00",
    }
    body.update(changes)
    return body


# --- malformed values: refused by the schemas --------------------------------------------


def test_given_the_well_formed_raw_request_then_the_ledger_accepts_it(
    db: Database, zone: Zone
) -> None:
    """The control case for the malformed variants below: unchanged, it is posted."""
    receipt = Ledger(db).execute(MovementRequest.model_validate(_raw_request(_raw_leg())))
    assert receipt.movements[0].quantity == Decimal(1)


@pytest.mark.parametrize(
    ("quantity", "message"),
    [
        ("0", "greater than zero"),
        ("-5", "greater than zero"),
        ("-0.00001", "greater than zero"),
        ("1.000001", "more than 5 decimal places"),
        ("0.000001", "more than 5 decimal places"),
        (0.1, "not floats"),
        (1.0, "not floats"),
        ("NaN", "finite"),
        ("Infinity", "finite"),
        ("lots", "decimal"),
    ],
)
def test_given_a_bad_quantity_when_a_request_is_built_then_it_is_refused_and_nothing_written(
    db: Database, zone: Zone, quantity: object, message: str
) -> None:
    """Given a quantity that is zero, negative, finer than 0.00001, a float, not finite or
    not a number, when a request carrying it is validated, then pydantic refuses it at
    legs.0.quantity and the ledger never sees it."""
    with nothing_written(db), pytest.raises(ValidationError, match=message) as refusal:
        MovementRequest.model_validate(_raw_request(_raw_leg(quantity=quantity)))
    # pydantic also reports the emptied tuple of legs as too short: only legs.0.quantity
    # names a value, and it comes first.
    errors = refusal.value.errors()
    assert errors[0]["loc"][:3] == ("legs", 0, "quantity")
    assert all(e["loc"] in {("legs",), errors[0]["loc"]} for e in errors)


@pytest.mark.parametrize(
    ("body", "where", "message"),
    [
        (_raw_request(_raw_leg(amount="10.001", currency="502")), "amount", "2 decimal places"),
        (_raw_request(_raw_leg(amount=10.5, currency="502")), "amount", "not floats"),
        (_raw_request(_raw_leg(amount="10")), None, "amount and currency go together"),
        (_raw_request(_raw_leg(unit="kg")), "unit", "pattern"),
        (_raw_request(_raw_leg(book_no="X123")), "book_no", "book"),
        (_raw_request(_raw_leg(item_no=0)), "item_no", "greater than or equal to 1"),
        (_raw_request(occurred_at="2026-03-02T08:00:00"), "occurred_at", "timezone"),
        (_raw_request(client_id="has spaces"), "client_id", "pattern"),
        (_raw_request(client_id=""), "client_id", "at least 1 character"),
        (_raw_request(), "legs", "at least 1 item"),
    ],
)
def test_given_a_malformed_request_when_it_is_validated_then_the_field_is_named(
    db: Database, zone: Zone, body: dict[str, Any], where: str | None, message: str
) -> None:
    """Given a request with a malformed field (amount finer than a fen or a float, an
    amount without currency, a bad unit, book or item number, a naive time, a client id
    with spaces, no legs), when it is validated, then the error names that field and
    nothing is written."""
    with nothing_written(db), pytest.raises(ValidationError, match=message) as refusal:
        MovementRequest.model_validate(body)
    if where is not None:
        assert any(where in e["loc"] for e in refusal.value.errors()), refusal.value.errors()


def test_given_a_leg_that_moves_nothing_anywhere_then_it_is_refused() -> None:
    with pytest.raises(ValidationError, match="same account"):
        leg("1", stock("L1"), stock("L1"))
    with pytest.raises(ValidationError, match="at least one stock account"):
        leg("1", outside("abroad"), outside("domestic"))


def test_given_lineage_on_a_reservation_then_the_schema_refuses_it() -> None:
    with pytest.raises(ValidationError, match="post, don't reserve"):
        request(
            "l2",
            leg("1", stock("L1"), outside("processing")),
            reserve=True,
            lineage=(consumed("M1", "L1", "1"),),
        )


def test_given_a_malformed_hs_code_when_an_item_is_registered_then_hs_code_is_named() -> None:
    for bad in ("85414200", "854142000X", "8541 42 00 00"):
        with pytest.raises(ValidationError) as refusal:
            BookItemIn(
                book_no=BOOK,
                item_no=1,
                part_no="P",
                hs_code=bad,
                name="cells",
                declared_unit="007",
                first_legal_unit="007",
                first_legal_factor=Decimal(1),
            )
        assert [e["loc"] for e in refusal.value.errors()] == [("hs_code",)]


def test_given_a_malformed_credit_code_when_an_enterprise_registers_then_it_is_named() -> None:
    good = build_credit_code("91", "630100", "MA7XN012")
    wrong_check = good[:-1] + ("0" if good[-1] != "0" else "1")
    for bad, message in (
        (wrong_check, "check character"),
        (good[:-1], "18 characters"),
        (good[:-2] + "I" + good[-1], "no I, O, Z, S, V"),
    ):
        with pytest.raises(ValidationError, match=message) as refusal:
            EnterpriseIn(
                customs_code="9601346001",
                credit_code=bad,
                name="x",
                roles=frozenset({"manufacturer"}),
            )
        assert [e["loc"] for e in refusal.value.errors()] == [("credit_code",)]


# --- well-formed but wrong: refused by the ledger ---------------------------------------------


@pytest.mark.parametrize(
    ("bad_leg", "field", "names"),
    [
        (
            lambda: leg("1", outside("abroad"), stock("L1"), book_no="H96019999999"),
            "legs[0].book_no",
            "no account book H96019999999",
        ),
        (
            lambda: leg("1", outside("abroad"), stock("L1"), item_no=99),
            "legs[0].item_no",
            "has no item 99",
        ),
        (
            lambda: leg("1", outside("abroad"), stock("NOPE")),
            "legs[0].destination.lot_no",
            "has no lot NOPE",
        ),
        (
            lambda: leg("1", stock("NOPE"), outside("abroad")),
            "legs[0].source.lot_no",
            "has no lot NOPE",
        ),
        (
            lambda: leg("1", outside("abroad"), stock("L1", "NOWHERE")),
            "legs[0].destination.location",
            "no location NOWHERE",
        ),
        (
            lambda: leg("1", stock("L1", "NOWHERE"), outside("abroad")),
            "legs[0].source.location",
            "no location NOWHERE",
        ),
        (
            lambda: leg("1", stock("G1"), outside("abroad")),  # G1 is a glass lot
            "legs[0].source.lot_no",
            "lot G1 is not a lot of item 1",
        ),
        (
            lambda: leg("1", outside("abroad"), stock("L1"), item_no=MODULE),
            "legs[0].destination.lot_no",
            "lot L1 is not a lot of item 10",
        ),
    ],
)
def test_given_an_unknown_reference_when_posting_then_it_is_named_and_nothing_is_written(
    db: Database, zone: Zone, bad_leg: Callable[[], Leg], field: str, names: str
) -> None:
    """Given a leg naming a book, item, lot or location that does not exist (as source or
    destination), or a lot of another item, when it is posted, then UnknownReference
    names the field and the thing, and nothing is written."""
    refusal = refused(
        db, lambda: Ledger(db).execute(request("bad", bad_leg())), UnknownReference, field
    )
    assert names in str(refusal)


def test_given_a_unit_other_than_the_declared_one_then_unit_mismatch_names_both(
    db: Database, zone: Zone
) -> None:
    refusal = refused(
        db,
        lambda: Ledger(db).execute(
            request("u1", leg("1", outside("abroad"), stock("L1"), unit="035"))
        ),
        UnitMismatch,
        "legs[0].unit",
    )
    assert "declared in unit 007, not 035" in str(refusal)


def test_given_a_source_position_that_never_held_stock_then_it_has_nothing_to_give(
    db: Database, zone: Zone
) -> None:
    """Given lot L2 exists but was never stocked in the warehouse, when goods are taken
    from that position, then the ledger answers InsufficientStock (0 available) naming
    the position, and does not even leave an empty account behind."""
    refusal = refused(
        db,
        lambda: Ledger(db).execute(request("e1", leg("1", stock("L2"), outside("abroad")))),
        InsufficientStock,
        "legs[0].quantity",
    )
    assert refusal.account == cells_key("L2")
    assert (refusal.asked, refusal.available) == (Decimal(1), Decimal(0))
    assert "has 0 available, 1 asked" in str(refusal)


def test_given_more_than_is_there_then_the_refusal_says_how_much_is(
    db: Database, zone: Zone
) -> None:
    refusal = refused(
        db,
        lambda: Ledger(db).execute(
            request("big", leg("100.00001", stock("L1"), outside("domestic")))
        ),
        InsufficientStock,
        "legs[0].quantity",
    )
    assert str(refusal) == (
        f"legs[0].quantity: account {cells_key('L1')} has 100 available, 100.00001 asked"
    )


def test_given_a_linked_group_when_its_third_leg_is_short_then_legs_one_and_two_leave_no_trace(
    db: Database, zone: Zone
) -> None:
    """Given 100 cells in L1, when a linked group moves 10 cells to processing (leg 1),
    produces 1 glass sheet into G1 (leg 2), and takes 5 cells from the empty lot L2
    (leg 3), then the group is refused naming leg 3, and neither the balance changes of
    legs 1 and 2 (already applied inside the transaction) nor their new accounts remain."""
    group = request(
        "group",
        leg("10", stock("L1"), outside("processing")),
        leg("1", outside("processing"), stock("G1"), item_no=GLASS),
        leg("5", stock("L2"), outside("abroad")),
    )
    refusal = refused(db, lambda: Ledger(db).execute(group), InsufficientStock, "legs[2].quantity")
    assert refusal.account == cells_key("L2")
    assert LedgerQueries(db).balance(cells_key("L1")).posted == 100


def test_given_a_linked_group_when_its_third_leg_names_an_unknown_lot_then_nothing_is_written(
    db: Database, zone: Zone
) -> None:
    """Given a linked group whose first two legs are fine and would open new accounts,
    when its third leg names a lot that does not exist, then it is refused naming
    legs[2] and not even the first two legs' new accounts remain."""
    group = request(
        "group",
        leg("10", stock("L1"), outside("processing")),
        leg("1", outside("processing"), stock("G1"), item_no=GLASS),
        leg("1", outside("processing"), stock("M-unknown", LINE), item_no=MODULE),
    )
    refused(db, lambda: Ledger(db).execute(group), UnknownReference, "legs[2].destination.lot_no")


def test_given_a_linked_group_whose_legs_together_overdraw_then_none_is_written(
    db: Database, zone: Zone
) -> None:
    """Given 100 cells in L1, when one group takes 60 and then 50 from it, then it is
    refused as a whole: each leg alone would fit, together they do not."""
    group = request(
        "together",
        leg("60", stock("L1"), outside("domestic")),
        leg("50", stock("L1"), outside("abroad")),
    )
    refusal = refused(db, lambda: Ledger(db).execute(group), InsufficientStock, "legs[0].quantity")
    assert (refusal.asked, refusal.available) == (Decimal(110), Decimal(100))


def test_given_lineage_naming_an_unknown_lot_then_it_is_named_and_nothing_is_written(
    db: Database, zone: Zone
) -> None:
    refused(
        db,
        lambda: Ledger(db).execute(
            request(
                "wo",
                leg("1", stock("L1"), outside("processing")),
                lineage=(consumed("GHOST", "L1", "1"),),
            )
        ),
        UnknownReference,
        "lineage[0].output",
    )


def test_given_lineage_naming_lots_the_posting_does_not_move_then_it_is_refused(
    db: Database, zone: Zone
) -> None:
    """A lineage link is evidence for auditors: its output must be a lot the posting
    puts goods into, its input one it takes goods out of."""
    work_order = (
        leg("10", stock("L1"), outside("processing")),
        leg("1", outside("processing"), stock("M1"), item_no=MODULE),
    )
    for link, side in (
        (consumed("G1", "L1", "10"), "output"),  # G1 receives nothing here
        (consumed("M1", "L2", "10"), "input"),  # nothing is taken out of L2
        (consumed("L1", "M1", "1"), "output"),  # the wrong way round
    ):
        attempt = partial(Ledger(db).execute, request("wo", *work_order, lineage=(link,)))
        error = refused(db, attempt, LedgerError, f"lineage[0].{side}")
        assert "nothing in this posting goes" in str(error)
    # The right way round is recorded.
    Ledger(db).execute(request("wo", *work_order, lineage=(consumed("M1", "L1", "10"),)))


def test_given_an_unknown_reservation_when_it_is_posted_then_it_is_named(
    db: Database, zone: Zone
) -> None:
    refused(
        db,
        lambda: Ledger(db).resolve(resolve("gate", "no-such-reservation")),
        UnknownReference,
        "reservation_client_id",
    )
    # A post is not a reservation either.
    refused(
        db,
        lambda: Ledger(db).resolve(resolve("gate", "opening")),
        UnknownReference,
        "reservation_client_id",
    )


def test_given_a_client_id_already_used_when_other_content_comes_with_it_then_conflict(
    db: Database, zone: Zone
) -> None:
    refusal = refused(
        db,
        lambda: Ledger(db).execute(request("opening", leg("99", outside("abroad"), stock("L1")))),
        IdempotencyConflict,
        "client_id",
    )
    assert "'opening' was used for a different request" in str(refusal)


def test_given_a_refused_request_when_it_is_sent_again_once_it_fits_then_it_is_accepted(
    db: Database, zone: Zone
) -> None:
    """A refusal records nothing, not even the client id: once goods arrive, the very
    same request (same id, same content) is accepted, once."""
    export = request("export", leg("150", stock("L1"), outside("abroad")))
    refused(db, lambda: Ledger(db).execute(export), InsufficientStock, "legs[0].quantity")
    Ledger(db).execute(request("more", leg("50", outside("abroad"), stock("L1"))))
    first = Ledger(db).execute(export)
    assert not first.replayed
    assert Ledger(db).execute(export).replayed
    assert LedgerQueries(db).balance(cells_key("L1")).posted == 0


def test_given_an_as_of_without_a_timezone_then_the_query_is_refused(
    db: Database, zone: Zone
) -> None:
    with pytest.raises(LedgerError) as refusal:
        LedgerQueries(db).balance(cells_key("L1"), as_of=dt.datetime(2026, 3, 2, 8))  # noqa: DTZ001
    assert refusal.value.field == "as_of"


def test_postings_replays_and_refusals_are_counted_for_the_metrics(
    db: Database, zone: Zone
) -> None:
    """Given lot L1 with 100 pieces, when 10 are posted out, the same request is
    replayed and 1,000 are asked for, then the metrics count one posting of one
    movement, one replay and one refusal for insufficient stock, and the chain head
    is the posting's."""

    def sample(name: str, **labels: str) -> float:
        return REGISTRY.get_sample_value(name, labels) or 0.0

    names: tuple[tuple[str, dict[str, str]], ...] = (
        ("bondflow_ledger_postings_total", {"operation": "post"}),
        ("bondflow_ledger_movements_total", {"operation": "post"}),
        ("bondflow_ledger_replays_total", {}),
        ("bondflow_ledger_refusals_total", {"reason": "InsufficientStock"}),
    )
    before = [sample(name, **labels) for name, labels in names]
    ledger = Ledger(db)
    out = request("out", leg("10", stock("L1"), outside("domestic")))
    posted = ledger.execute(out)
    assert ledger.execute(out).replayed
    with pytest.raises(InsufficientStock):
        ledger.execute(request("too-much", leg("1000", stock("L1"), outside("domestic"))))

    moved = [sample(name, **labels) - b for (name, labels), b in zip(names, before, strict=True)]
    assert moved == [1, 1, 1, 1]
    assert sample("bondflow_ledger_chain_head_seq") == posted.chain_seq
