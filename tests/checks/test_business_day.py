"""The validate activities check on the workflow's business day: the one the input
names, or for a bare draft from an older history the Beijing date of the activity's
first scheduling (the same on a retry after midnight), never the wall clock."""

from __future__ import annotations

import dataclasses
import datetime as dt

from temporalio.testing import ActivityEnvironment

from activities.checking import draft_and_day, scheduled_day
from schemas.lifecycle import ValidateInput
from tests.checks.test_lists import DAY, _entry


def test_the_day_named_by_the_input_wins() -> None:
    draft = _entry()
    assert draft_and_day(ValidateInput(draft=draft, on=DAY)) == (draft, DAY)


def test_a_bare_draft_is_checked_on_the_beijing_date_it_was_first_scheduled() -> None:
    """Given an activity first scheduled at 16:30 UTC on 27 November (00:30 on the 28th
    in Beijing), then its day is the 28th whenever the attempt runs."""
    env = ActivityEnvironment()
    env.info = dataclasses.replace(
        env.info, scheduled_time=dt.datetime(2026, 11, 27, 16, 30, tzinfo=dt.UTC)
    )
    assert env.run(scheduled_day) == dt.date(2026, 11, 28)
    draft = _entry()
    assert env.run(draft_and_day, draft) == (draft, dt.date(2026, 11, 28))
