"""Approval is of the statement the liaison reviewed, on each database: the statement's
fingerprint, and the close activity that compares it after closing the period, refuses
a changed statement (StatementChanged) and undoes its own close, each once however
often it is retried.

The story is test_statement's (the solar book's March, posted through the ledger); a
back-dated posting is one cell of lot L2 found missing on 21 March, recorded late."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from temporalio.exceptions import ApplicationError

from activities.dependencies import Dependencies
from activities.write_off import WriteOffActivities
from adapters.db.engine import Database
from adapters.db.models import LedgerTransaction
from adapters.gateway.folders import ExchangeFolders
from ledger import Ledger
from ledger.periods import BookPeriods
from rules.write_off import statement_fingerprint
from schemas.codes import DocumentType, Operation
from schemas.lifecycle import (
    STATEMENT_CHANGED,
    WriteOffChanged,
    WriteOffCloseInput,
    WriteOffDraft,
    WriteOffPrepareInput,
)
from schemas.periods import CloseRequest, PeriodKind
from tests.support.builders import BOOK, CELLS, leg, outside, request, stock
from tests.support.states import starts_from
from tests.writeoff.test_statement import (
    APRIL,
    AS_THE_LEDGER,
    MARCH,
    MARCH_STORY,
    beijing,
    counted,
)
from writeoff import WriteOffs

DRAFT = WriteOffDraft(
    write_off_no="WO-2603", book_no=BOOK, start=MARCH, end=APRIL, filed_by="filer-li"
)


@starts_from(MARCH_STORY)
def story(db: Database) -> Database:
    """A database holding test_statement's story of the solar book's March (cloned
    from its template, tests/support/states.py)."""
    return db


@pytest.fixture
def activities(story: Database, tmp_path: Path) -> WriteOffActivities:
    """The write-off's activities over the story, with exchange folders of their own."""
    return WriteOffActivities(
        Dependencies.build(story, ExchangeFolders.under(tmp_path / "exchange").create())
    )


def _a_cell_found_missing_late(db: Database) -> None:
    """One cell of L2 lost on 21 March, posted now: back-dated into the period."""
    late = request(
        "st-late",
        leg("1", stock("L2"), outside("adjustment")),
        document="ST-LATE",
        doc_type=DocumentType.STOCKTAKE,
    )
    Ledger(db).execute(late.model_copy(update={"occurred_at": beijing(3, 21)}))


async def _reviewed(activities: WriteOffActivities) -> str:
    """The fingerprint of the statement the liaison reviews."""
    prepared = await activities.prepare(WriteOffPrepareInput(draft=DRAFT))
    assert prepared.ok
    assert prepared.view is not None
    assert prepared.view.fingerprint is not None
    return prepared.view.fingerprint


def _approval(reviewed: str) -> WriteOffCloseInput:
    return WriteOffCloseInput(
        workflow_id="write-off-WO-2603",
        draft=DRAFT,
        actor="liaison-wang",
        reason="write-off WO-2603 approved",
        reviewed=reviewed,
    )


async def _refused(activities: WriteOffActivities, reviewed: str) -> WriteOffChanged:
    with pytest.raises(ApplicationError) as refused:
        await activities.close(_approval(reviewed))
    assert refused.value.type == STATEMENT_CHANGED
    assert refused.value.non_retryable
    details: list[Any] = list(refused.value.details)
    return WriteOffChanged.model_validate(details[0])


def _period_changes(db: Database) -> list[tuple[str, str]]:
    """The book's period closes and reopens as chained, in order: (operation, reason)."""
    with db.sessions() as session:
        rows = (
            session.query(LedgerTransaction.operation, LedgerTransaction.reason)
            .filter(
                LedgerTransaction.operation.in_(
                    [Operation.CLOSE_PERIOD.value, Operation.REOPEN_PERIOD.value]
                )
            )
            .order_by(LedgerTransaction.id)
            .all()
        )
        return [(operation, reason) for operation, reason in rows]


def test_the_fingerprint_is_the_statements_figures(story: Database) -> None:
    """Given March read twice, then both have one fingerprint; a count, or a posting
    back-dated into March, gives another."""
    write_offs = WriteOffs(story)
    first = statement_fingerprint(write_offs.for_days(BOOK, MARCH, APRIL))
    assert statement_fingerprint(write_offs.for_days(BOOK, MARCH, APRIL)) == first
    assert len(first) == 64
    as_counted = write_offs.for_days(BOOK, MARCH, APRIL, counted(**AS_THE_LEDGER))
    assert statement_fingerprint(as_counted) not in (first, None)
    _a_cell_found_missing_late(story)
    assert statement_fingerprint(write_offs.for_days(BOOK, MARCH, APRIL)) != first


async def test_the_reviewed_statement_is_approved_once_however_often_retried(
    activities: WriteOffActivities, db: Database
) -> None:
    """Given the statement as reviewed, when the approval runs twice (a retry), then
    the period is closed once and both answer with that close."""
    reviewed = await _reviewed(activities)
    first = await activities.close(_approval(reviewed))
    assert await activities.close(_approval(reviewed)) == first
    [(operation, reason)] = _period_changes(db)
    assert operation == Operation.CLOSE_PERIOD.value
    assert reason.startswith("write-off WO-2603 approved [write-off WO-2603, statement")


async def test_an_approval_after_a_posting_slipped_in_is_refused_and_its_close_undone(
    activities: WriteOffActivities, db: Database
) -> None:
    """Given the statement reviewed, when a cell found missing is posted back-dated into
    March before the approval, then the approval is refused with the new statement (one
    cell less in theory), the period it closed is reopened with the reason, and a retry
    refuses again without closing or reopening again; the new statement reviewed, its
    approval closes the period."""
    reviewed = await _reviewed(activities)
    before = (await activities.prepare(WriteOffPrepareInput(draft=DRAFT))).view
    assert before is not None
    _a_cell_found_missing_late(db)

    changed = await _refused(activities, reviewed)
    assert changed.reviewed == reviewed
    assert changed.found not in (reviewed, None)
    assert changed.view.fingerprint == changed.found
    assert changed.reopened
    assert changed.problems == ()
    cells = next(b for b in changed.view.balances if b.item_no == CELLS)
    cells_before = next(b for b in before.balances if b.item_no == CELLS)
    assert cells.theoretical == cells_before.theoretical - 1
    [period] = BookPeriods(db).periods(BOOK)
    assert not period.closed
    assert period.last_event.operation == Operation.REOPEN_PERIOD.value
    assert "the statement changed since its review" in period.last_event.reason

    again = await _refused(activities, reviewed)
    assert again.found == changed.found
    assert again.reopened
    assert [op for op, _ in _period_changes(db)] == ["close_period", "reopen_period"]

    await activities.close(_approval(changed.found))
    [period] = BookPeriods(db).periods(BOOK)
    assert period.closed
    assert [op for op, _ in _period_changes(db)] == [
        "close_period",
        "reopen_period",
        "close_period",
    ]


async def test_a_period_the_liaison_closed_is_left_closed_when_the_statement_changed(
    activities: WriteOffActivities, db: Database
) -> None:
    """Given a posting slipped in after the review and the liaison then closed the
    period by hand, when the approval runs, then it is refused (the figures are not
    the reviewed ones) but the period stays closed: the approval did not close it.
    The statement reviewed again is approved on the closed period."""
    reviewed = await _reviewed(activities)
    _a_cell_found_missing_late(db)
    BookPeriods(db).close(
        BOOK,
        CloseRequest(
            kind=PeriodKind.VERIFICATION,
            first_day=MARCH,
            last_day=APRIL - dt.timedelta(days=1),
            reason="March closed",
        ),
        actor="liaison-wang",
    )

    changed = await _refused(activities, reviewed)
    assert not changed.reopened
    [period] = BookPeriods(db).periods(BOOK)
    assert period.closed

    await activities.close(_approval(changed.found))
    assert [op for op, _ in _period_changes(db)] == ["close_period"]
