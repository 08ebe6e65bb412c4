"""`bondflow demo`'s story end to end through the API, on the dev-server zone of the
workflow tests (the worker, the receipt watcher and an always-approving customs
simulator): every chapter completes, the lots it touched hold exactly what the
documents say, the exported module lot traces back to its entry list, and the
audit chain verifies. Run twice on the same data, the second run is as exact."""

from __future__ import annotations

import uuid
from decimal import Decimal
from pathlib import Path

import pytest
from rich.console import Console

from adapters.simulator.behaviour import SimulatorBehaviour
from adapters.simulator.service import Answered
from demo import ids
from demo.report import TraceNode, Urls, Verification, gather, render
from demo.story import SolarStory, StoryApi, StoryResult, StoryTokens
from demo.story_drafts import run_tag
from ledger import LedgerQueries
from schemas.codes import DifferenceCause
from schemas.lifecycle import Lifecycle, Stage
from tests.api.conftest import Api, live
from tests.workflows.conftest import Zone, dev_server, zone

__all__ = ["dev_server", "live", "zone"]  # fixtures, used by name

pytestmark = [pytest.mark.asyncio(loop_scope="session"), pytest.mark.heavy]

# What 602 modules (600 good, 2 defective) take by the norms in force since July
# 2026: 144 cells at 0.3 % loss, a pane at 0.2 %, 2.3 kg of EVA at 3 %, a frame set
# at 0.1 %, 0.91 kg of backsheet at 2 %, one junction box.
CONSUMED = {
    ids.CELLS: Decimal("86948.84654"),
    ids.GLASS: Decimal("603.20641"),
    ids.EVA: Decimal("1427.42268"),
    ids.FRAMES: Decimal("602.60260"),
    ids.BACKSHEET: Decimal("559.00000"),
    ids.JUNCTION_BOX: Decimal("602.00000"),
}


def _tokens(api: Api) -> StoryTokens:
    return StoryTokens(
        solar_filer=api.tokens["solar-filer"],
        cold_filer=api.tokens["cold-filer"],
        liaison=api.tokens["liaison"],
        auditor=api.tokens["auditor"],
    )


def _expected(result: StoryResult) -> dict[tuple[str, str], tuple[str, Decimal]]:
    """(book, lot) -> (location, posted) after the story; nothing pending anywhere."""
    lots = result.lots
    solar, cold = ids.SOLAR_BOOK, ids.COLD_CHAIN_BOOK
    return {
        (solar, lots.material(ids.CELLS)): (ids.RAW_BIN, Decimal("3051.15346")),  # 90,000 in
        (solar, lots.material(ids.GLASS)): (ids.RAW_BIN, Decimal("6.79359")),  # 640, 30 out
        (solar, lots.material(ids.EVA)): (ids.RAW_BIN, Decimal("22.57732")),  # 1,450 kg
        (solar, lots.material(ids.FRAMES)): (ids.RAW_BIN, Decimal("17.39740")),  # 620
        (solar, lots.material(ids.BACKSHEET)): (ids.RAW_BIN, Decimal("21")),  # 580 kg
        (solar, lots.material(ids.JUNCTION_BOX)): (ids.RAW_BIN, Decimal("18")),  # 620
        (solar, lots.modules): (ids.FINISHED_GOODS, Decimal("60")),  # 600 - 480 - 60
        (solar, lots.defective): (ids.PLANT, Decimal("2")),
        (solar, lots.aluminium_scrap): (ids.PLANT, Decimal("1.2")),
        (solar, lots.glass_cullet): (ids.PLANT, Decimal("18.4")),
        (cold, lots.transferred_glass): ("XN-WH-A-02", Decimal("30")),
        (cold, lots.honey): (ids.COLD_BIN, Decimal("12000")),
    }


def _assert_balances(api: Api, result: StoryResult) -> None:
    queries = LedgerQueries(api.db)
    for (book, lot), (location, posted) in _expected(result).items():
        rows = queries.balances(book_no=book, lot_no=lot)
        found: list[tuple[str | None, str | None, Decimal, Decimal, Decimal]] = [
            (r.location, r.status, r.posted, r.pending_out, r.pending_in) for r in rows
        ]
        zero = Decimal(0)
        assert found == [(location, "bonded", posted, zero, zero)], (book, lot)


def _entry_documents(trace: TraceNode) -> set[str]:
    return {number for kind, number in trace.documents() if kind == "bonded_list"}


async def _story(api: Api) -> StoryResult:
    tag = f"{run_tag()}{uuid.uuid4().hex[:4].upper()}"  # unique on the shared dev server
    return await SolarStory(api.client, _tokens(api), tag=tag, poll=0.05, timeout=60).run()


async def test_the_solar_story_runs_end_to_end_through_the_api_and_again(live: Api) -> None:
    """The whole story, checked chapter by chapter; then a second run on the same data
    (one story run is the suite's costliest step, so both share this test)."""
    result = await _story(live)

    assert [o.chapter.lifecycle for o in result.outcomes] == [
        Lifecycle.FIRST_LINE_ENTRY,
        Lifecycle.PROCESSING,
        Lifecycle.EXPORT,
        Lifecycle.DOMESTIC_SALE,
        Lifecycle.TRANSFER,
        Lifecycle.FIRST_LINE_ENTRY,
        Lifecycle.STOCKTAKE,
        Lifecycle.WRITE_OFF,
    ]
    assert all(o.status.stage is Stage.COMPLETED for o in result.outcomes)
    assert result.consumed == CONSUMED
    _assert_balances(live, result)

    # Elective duty: modules are duty-free, their glass, EVA, frames and boxes are not;
    # the filer paid exactly the chosen (cheaper) bill.
    sale = result.outcome(4).status
    assert sale.taxes is not None
    assert sale.taxes.on_finished_goods.cif == Decimal("24730.02")  # 60 x 57.90 x 7.1186
    assert sale.taxes.on_finished_goods.total == Decimal("3214.90")  # VAT 13 %
    assert sale.taxes.on_materials.total == Decimal("4339.91")
    assert (sale.taxes.chosen, sale.taxes.cheaper) == ("finished_goods", "finished_goods")
    assert sale.taxes.saving == Decimal("1125.01")
    assert sale.paid is not None
    assert sale.paid.amount == Decimal("3214.90")

    # The period's end: one piece of glass lost (its duty paid), two frame sets found,
    # then the period written off with that count and closed.
    counted = result.outcome(7).status
    assert counted.stocktake is not None
    assert sorted((d.item_no, d.difference, d.cause) for d in counted.stocktake.differences) == [
        (ids.GLASS, Decimal(-1), DifferenceCause.LOSS),
        (ids.FRAMES, Decimal(2), DifferenceCause.FOUND_GOODS),
    ]
    assert counted.paid is not None
    assert counted.paid.amount == counted.duties_payable
    written_off = result.outcome(8).status
    assert written_off.write_off is not None
    assert written_off.write_off.stocktake_id == result.outcome(7).workflow_id
    assert written_off.write_off.balanced is True

    # The end: the books, the exported lot's trace and the verification, as the auditor.
    report = await gather(StoryApi(live.client), live.tokens["auditor"], result)
    assert report.complete, report
    assert isinstance(report.trace, TraceNode)
    assert result.lots.entry_no in _entry_documents(report.trace)
    material_lots = {link.lot.lot_no for link in report.trace.links if link.lot}
    assert material_lots == {result.lots.material(item) for item in CONSUMED}
    assert isinstance(report.verification, Verification)
    assert report.verification.ok

    console = Console(record=True, width=200)
    render(console, report, result, Urls("http://127.0.0.1:8000", "http://127.0.0.1:8233"))
    shown = console.export_text()
    assert result.lots.entry_no in shown
    assert f"customs list {result.outcome(1).status.list_no}" in shown
    assert "intact" in shown

    # Run again on the same data: new documents on new lots, exact again, the
    # cold-chain book's glass item registered once. The month is closed now, so the
    # second run skips its stocktake and write-off and says why.
    second = await _story(live)
    assert [o.chapter.number for o in second.outcomes] == [1, 2, 3, 4, 5, 6]
    assert second.tag != result.tag
    assert second.glass_item_no == result.glass_item_no
    _assert_balances(live, result)
    _assert_balances(live, second)


async def test_the_story_answers_whatever_customs_asks(
    zone: Zone, live: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A strict customs: every list returned on its first filing and then reviewed by
    hand, every declaration inspected, every gate pass returned once for its vehicle.
    The filers file again (ChgTmsCnt 1) and correct the vehicles, the liaison records
    the inspections customs asks for before it releases, and the books end exactly as
    they do when customs approves everything."""
    strict = SimulatorBehaviour.always_approve().model_copy(
        update={"manual_review_rate": 1.0, "inspection_rate": 1.0, "gate_return_rate": 1.0}
    )
    returning = strict.model_copy(update={"return_rate": 1.0})
    answer_file = zone.simulator.answer_file

    def answer(path: Path) -> Answered | None:
        first_list = path.name.startswith("INV101__") and "__c0__" in path.name
        zone.simulator.behaviour = returning if first_list else strict
        return answer_file(path)

    monkeypatch.setattr(zone.simulator, "answer_file", answer)
    result = await _story(live)

    _assert_balances(live, result)
    for number in (1, 3, 4, 6):  # entries and exits: a list, a declaration, a gate
        status = result.outcome(number).status
        who = [(entry.actor, entry.note) for entry in status.timeline]
        filer = "cold-filer" if number == 6 else "solar-filer"
        assert status.change_count == 1
        assert (filer, "corrected: 已按海关退单意见核对，重新申报") in who
        assert any(actor == filer and note.startswith("vehicle ") for actor, note in who), who
    transfer = result.outcome(5).status.timeline
    corrected = [e.note for e in transfer if e.actor == "solar-filer" and "corrected" in e.note]
    assert len(corrected) == 2  # the out list and the in list, each returned once
    sale = result.outcome(4).status
    assert sale.paid is not None
    assert sale.taxes is not None
    assert sale.paid.amount == sale.taxes.payable.total
