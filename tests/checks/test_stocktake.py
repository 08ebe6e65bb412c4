"""A stocktake's counts and the liaison's review, checked: every refusal names the
line or decision and the field it is about."""

from __future__ import annotations

from decimal import Decimal

from checks.stocktake import count_refusals, review_refusals, stock_differences
from rules.stocktake import PositionKey
from schemas.codes import CustomsStatus, DifferenceCause
from schemas.lifecycle import (
    CountLine,
    Counts,
    DifferenceDecision,
    ExpectedPosition,
    Role,
    StockDifference,
)

GLASS, FRAMES = 2, 4
BOOK = (
    ExpectedPosition(
        item_no=GLASS, lot_no="GLS-1", location="BIN-1", quantity=Decimal(100), unit="035"
    ),
    ExpectedPosition(
        item_no=FRAMES, lot_no="FRM-1", location="BIN-1", quantity=Decimal(40), unit="007"
    ),
)
ITEMS = (GLASS, FRAMES)


def _line(item: int, lot: str, quantity: str, **more: object) -> CountLine:
    return CountLine.model_validate(
        {"item_no": item, "lot_no": lot, "location": "BIN-1", "quantity": quantity, **more}
    )


def _counts(*lines: CountLine, exchange_rate: str | None = "7.1234") -> Counts:
    return Counts(
        actor="filer-li",
        role=Role.FILER,
        lines=lines,
        exchange_rate=None if exchange_rate is None else Decimal(exchange_rate),
    )


def _refusals(counts: Counts, wanted: set[PositionKey] | None = None) -> list[tuple[str, str]]:
    found = count_refusals(counts, BOOK, {"BIN-1"}, ITEMS, wanted, {})
    return [(refusal.field, refusal.reason) for refusal in found]


def test_a_first_count_of_every_position_with_the_value_of_a_shortage_passes() -> None:
    counts = _counts(
        _line(GLASS, "GLS-1", "98", unit_price="18.4", currency="502"), _line(FRAMES, "FRM-1", "42")
    )
    assert _refusals(counts) == []


def test_a_position_the_book_holds_left_out_of_the_first_count_is_refused() -> None:
    refusals = _refusals(_counts(_line(GLASS, "GLS-1", "100")))
    assert refusals == [
        (
            "lines",
            "item 4, lot FRM-1 at BIN-1 holds 40 by the book and has no count"
            " (count it, 0 if nothing is there)",
        )
    ]


def test_a_shortage_of_bonded_goods_without_its_customs_value_names_the_unit_price() -> None:
    refusals = _refusals(_counts(_line(GLASS, "GLS-1", "97"), _line(FRAMES, "FRM-1", "40")))
    assert [field for field, _ in refusals] == ["lines[0].unit_price"]
    assert "3 short of the book's 100" in refusals[0][1]


def test_a_short_line_of_goods_not_bonded_needs_no_value() -> None:
    book = (
        ExpectedPosition(
            item_no=GLASS,
            lot_no="GLS-1",
            location="BIN-1",
            status=CustomsStatus.NON_BONDED,
            quantity=Decimal(5),
            unit="035",
        ),
    )
    counts = _counts(_line(GLASS, "GLS-1", "1", status="non_bonded"))
    assert count_refusals(counts, book, {"BIN-1"}, ITEMS, None, {}) == ()


def test_lines_twice_elsewhere_or_of_an_unknown_item_are_each_named() -> None:
    counts = _counts(
        _line(GLASS, "GLS-1", "100"),
        _line(GLASS, "GLS-1", "100"),
        _line(FRAMES, "FRM-1", "40"),
        CountLine(item_no=FRAMES, lot_no="FRM-9", location="BIN-7", quantity=Decimal(1)),
        _line(99, "X-1", "1"),
    )
    assert [field for field, _ in _refusals(counts)] == [
        "lines[1]",
        "lines[3].location",
        "lines[4].item_no",
    ]


def test_a_value_without_the_exchange_rate_names_it() -> None:
    counts = _counts(
        _line(GLASS, "GLS-1", "99", unit_price="18.4", currency="502"),
        _line(FRAMES, "FRM-1", "40"),
        exchange_rate=None,
    )
    assert [field for field, _ in _refusals(counts)] == ["exchange_rate"]


def test_a_price_without_its_currency_names_the_currency() -> None:
    counts = _counts(_line(GLASS, "GLS-1", "99", unit_price="18.4"), _line(FRAMES, "FRM-1", "40"))
    assert [field for field, _ in _refusals(counts)] == ["lines[0].currency"]


def test_a_recount_takes_only_the_positions_sent_back_and_all_of_them() -> None:
    glass = BOOK[0].key()
    outside = _counts(_line(FRAMES, "FRM-1", "40"))
    assert _refusals(outside, {glass}) == [
        ("lines[0]", "item 4, lot FRM-1 at BIN-1 was not sent back for a recount"),
        (
            "lines",
            "item 2, lot GLS-1 at BIN-1 holds 100 by the book and has no count"
            " (count it, 0 if nothing is there)",
        ),
    ]
    assert _refusals(_counts(_line(GLASS, "GLS-1", "100")), {glass}) == []


def test_differences_keep_the_expected_the_counted_and_the_value() -> None:
    counted = {
        line.key(): line
        for line in (
            _line(GLASS, "GLS-1", "98", unit_price="18.4", currency="502"),
            _line(FRAMES, "FRM-1", "40"),
            _line(FRAMES, "FRM-NEW", "2.5"),
        )
    }
    found = stock_differences(BOOK, counted)
    assert [(d.lot_no, d.expected, d.counted, d.difference) for d in found] == [
        ("GLS-1", Decimal(100), Decimal(98), Decimal(-2)),
        ("FRM-NEW", Decimal(0), Decimal("2.5"), Decimal("2.5")),
    ]
    assert found[0].unit_price == Decimal("18.4")


def _open() -> tuple[StockDifference, ...]:
    counted = {
        line.key(): line
        for line in (
            _line(GLASS, "GLS-1", "98", unit_price="18.4", currency="502"),
            _line(FRAMES, "FRM-1", "41"),
        )
    }
    return stock_differences(BOOK, counted)


def _decision(item: int, lot: str, **more: object) -> DifferenceDecision:
    return DifferenceDecision.model_validate(
        {"item_no": item, "lot_no": lot, "location": "BIN-1", **more}
    )


def test_a_review_deciding_each_difference_with_a_fitting_cause_or_a_recount_passes() -> None:
    decisions = (_decision(GLASS, "GLS-1", cause="loss"), _decision(FRAMES, "FRM-1", recount=True))
    assert review_refusals(_open(), decisions) == ()


def test_a_cause_that_cannot_explain_the_difference_names_the_causes_that_can() -> None:
    decisions = (
        _decision(GLASS, "GLS-1", cause=DifferenceCause.FOUND_GOODS),
        _decision(FRAMES, "FRM-1", cause=DifferenceCause.LOSS),
    )
    refusals = review_refusals(_open(), decisions)
    assert [(r.field, r.reason) for r in refusals] == [
        (
            "decisions[0].cause",
            "found_goods cannot explain a shortage of 2 (measurement, damage, loss can)",
        ),
        ("decisions[1].cause", "loss cannot explain a gain of 1 (measurement, found_goods can)"),
    ]


def test_an_undecided_difference_an_unknown_one_and_a_double_decision_are_named() -> None:
    decisions = (
        _decision(GLASS, "GLS-1", cause="loss", recount=True),
        _decision(GLASS, "GLS-9", cause="loss"),
    )
    refusals = review_refusals(_open(), decisions)
    assert [r.field for r in refusals] == ["decisions[0]", "decisions[1]", "decisions"]
    assert refusals[2].reason == "the difference of 1 at item 4, lot FRM-1 at BIN-1 is not decided"
