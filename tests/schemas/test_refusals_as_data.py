"""A report's problems are Refusal data (field, reason); the "field: reason" strings
recorded in older workflow histories still read, and the timeline line is unchanged."""

from __future__ import annotations

import pytest

from schemas.lifecycle import Refusal, ValidationReport, WorkOrderCheck

OLD = [
    ("lines[1].location: location A is retired", "lines[1].location", "location A is retired"),
    ("book_no: no account book H9601W000001", "book_no", "no account book H9601W000001"),
    ("lines[2]: units differ (007 and 035)", "lines[2]", "units differ (007 and 035)"),
    ("materials: item 3 has no norm: none", "materials", "item 3 has no norm: none"),
    # not a field path before the first ": ": the whole text is a refusal of the draft
    ("LOT-7: no location X", "draft", "LOT-7: no location X"),
    (
        "book H1 is valid 2024-01-01 to 2025-01-01, not on 2026-01-01",
        "draft",
        "book H1 is valid 2024-01-01 to 2025-01-01, not on 2026-01-01",
    ),
]


@pytest.mark.parametrize(("text", "field", "reason"), OLD)
def test_a_recorded_string_reads_as_a_refusal_and_describes_as_before(
    text: str, field: str, reason: str
) -> None:
    """Given a report recorded with a text problem, when it is read, then its problem
    is Refusal(field, reason) and the timeline line is the text as recorded."""
    report = ValidationReport.model_validate({"ok": False, "problems": [text]})
    assert report.problems == (Refusal(field=field, reason=reason),)
    assert report.described() == text


def test_new_reports_round_trip_as_data() -> None:
    report = ValidationReport(
        ok=False,
        problems=(
            Refusal(field="lines[1].quantity", reason="lot M1 holds 0 available, 1 asked"),
            Refusal(field="draft", reason="the draft is late"),
        ),
    )
    assert ValidationReport.model_validate_json(report.model_dump_json()) == report
    assert report.described() == (
        "lines[1].quantity: lot M1 holds 0 available, 1 asked; the draft is late"
    )


def test_a_work_order_check_reads_old_strings_too() -> None:
    check = WorkOrderCheck.model_validate(
        {"ok": False, "problems": ["finished.item_no: 7 is not a finished good"]}
    )
    assert check.problems == (Refusal(field="finished.item_no", reason="7 is not a finished good"),)
