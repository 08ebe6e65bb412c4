"""The liaison's decision forms are made from the actions table: for each stage, the
forms a lifecycle offers the liaison there, with one input per field of the body the
API's action route takes (pure; no Temporal)."""

from __future__ import annotations

from console.pages.liaison import ACTION_PATHS, _liaison_forms
from lifecycles.actions import ACTIONS, Action
from lifecycles.kinds import KINDS
from schemas.lifecycle import Lifecycle, Role, Stage


def shown(lifecycle: Lifecycle, stage: Stage) -> dict[str, list[tuple[str, bool]]]:
    return {
        form.action.path: [(field.name, field.boolean) for field in form.fields]
        for form in _liaison_forms(lifecycle, stage)
    }


def test_an_entry_waiting_for_sign_off_offers_sign_off_return_and_cancel_with_a_reason() -> None:
    assert shown(Lifecycle.FIRST_LINE_ENTRY, Stage.AWAITING_SIGN_OFF) == {
        "sign-off": [("reason", False)],
        "return": [("reason", False)],
        "cancel": [("reason", False)],
    }


def test_an_inspection_asks_whether_it_passed_and_why() -> None:
    assert shown(Lifecycle.FIRST_LINE_ENTRY, Stage.INSPECTION) == {
        "inspection": [("passed", True), ("reason", False)],
        "cancel": [("reason", False)],
    }


def test_a_weight_hold_asks_whether_to_let_the_vehicle_through() -> None:
    assert shown(Lifecycle.EXPORT, Stage.WEIGHT_HOLD) == {
        "weight-decision": [("accept", True), ("reason", False)],
    }


def test_a_work_orders_deviation_is_approved_or_returned() -> None:
    assert shown(Lifecycle.PROCESSING, Stage.NORM_DEVIATION) == {
        "deviation-approval": [("reason", False)],
        "return": [("reason", False)],
        "cancel": [("reason", False)],
    }


def test_a_domestic_sale_awaiting_payment_offers_the_liaison_the_confirmation() -> None:
    assert shown(Lifecycle.DOMESTIC_SALE, Stage.AWAITING_PAYMENT) == {
        "payment": [("reference", False), ("amount", False), ("reason", False)],
    }
    [payment] = _liaison_forms(Lifecycle.DOMESTIC_SALE, Stage.AWAITING_PAYMENT)
    assert [f.default for f in payment.fields] == ["", "", "duties and taxes paid"]


def test_what_only_the_filer_decides_is_never_a_liaison_form_nor_a_liaison_post() -> None:
    filer_only: list[Action] = [a for a in ACTIONS if Role.LIAISON not in a.by]
    assert {a.path for a in filer_only} == {"vehicle-correction", "correction", "counts"}
    for kind in KINDS.values():
        for stage in Stage:
            assert not {f.action.path for f in _liaison_forms(kind.lifecycle, stage)} & {
                a.path for a in filer_only
            }
    assert not set(ACTION_PATHS) & {a.path for a in filer_only}


def test_a_stocktakes_review_is_a_form_of_rows_of_decisions_with_one_reason() -> None:
    """A review is a list of decisions, one per open difference: its form has rows
    (``decisions[i].cause``, ``decisions[i].recount``) and one reason; cancelling too."""
    assert shown(Lifecycle.STOCKTAKE, Stage.DIFFERENCE_REVIEW) == {
        "difference-review": [("reason", False)],
        "cancel": [("reason", False)],
    }
    review, _ = _liaison_forms(Lifecycle.STOCKTAKE, Stage.DIFFERENCE_REVIEW)
    assert review.rows == "decisions"
    assert "difference-review" in ACTION_PATHS


def test_a_stocktake_awaiting_its_duty_offers_the_liaison_the_payment() -> None:
    assert shown(Lifecycle.STOCKTAKE, Stage.AWAITING_PAYMENT) == {
        "payment": [("reference", False), ("amount", False), ("reason", False)],
    }
