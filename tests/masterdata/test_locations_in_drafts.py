"""A draft's check names a location that cannot take the goods: a retired one, or
another enterprise's (the checks every lifecycle runs before anything is filed)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from activities.bonded_list import BondedListActivities
from activities.dependencies import Dependencies
from adapters.db.engine import Database
from adapters.gateway.folders import ExchangeFolders
from demo import ids, seed_demo
from lifecycles.kinds import KINDS
from masterdata import MasterData
from schemas.codes import LocationKind
from schemas.lifecycle import Lifecycle, Refusal, ValidateInput
from schemas.list_policy import ListActivityPolicy
from schemas.masterdata import LocationIn
from tests.workflows.conftest import entry_draft

DAY = dt.date(2026, 11, 28)


def test_an_entry_to_a_retired_or_foreign_location_is_refused_naming_the_line(
    db: Database, tmp_path: Path
) -> None:
    seed_demo(db)
    md = MasterData(db)
    md.add_location(
        LocationIn(code="XN-WH-A-09", name="A 仓 09", kind=LocationKind.BIN, parent_code="XN-WH-A")
    )
    md.retire_location("XN-WH-A-09", by="admin")
    md.add_location(
        LocationIn(
            code="COLD-OWN-1",
            name="冷库自有",
            kind=LocationKind.WAREHOUSE,
            enterprise_customs_code=ids.COLD_CHAIN_CUSTOMS_CODE,
            cold_store=True,
        )
    )
    activities = BondedListActivities(
        Dependencies.build(db, ExchangeFolders.under(tmp_path)), entry_policy()
    )
    draft = entry_draft("RET-1")
    retired = draft.model_copy(
        update={"lines": (draft.lines[0].model_copy(update={"location": "XN-WH-A-09"}),)}
    )
    report = activities.validate(ValidateInput(draft=retired, on=DAY))
    assert not report.ok
    assert report.problems == (
        Refusal(
            field="lines[1].location",
            reason="location XN-WH-A-09 is retired and takes no new stock",
        ),
    )
    foreign = draft.model_copy(
        update={"lines": (draft.lines[0].model_copy(update={"location": "COLD-OWN-1"}),)}
    )
    assert activities.validate(ValidateInput(draft=foreign, on=DAY)).problems == (
        Refusal(
            field="lines[1].location",
            reason=f"location COLD-OWN-1 belongs to enterprise {ids.COLD_CHAIN_CUSTOMS_CODE},"
            f" not to {ids.SOLAR_CUSTOMS_CODE} (book {ids.SOLAR_BOOK})",
        ),
    )
    assert activities.validate(ValidateInput(draft=draft, on=DAY)).ok


def entry_policy() -> ListActivityPolicy:
    policy = KINDS[Lifecycle.FIRST_LINE_ENTRY].activities
    assert policy is not None
    return policy
