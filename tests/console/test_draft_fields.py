"""A draft as form fields and back: every leaf one input named by its refusal path."""

from __future__ import annotations

from typing import Any

from console.draft_fields import blank_fields, draft_of, fields_of
from schemas.lifecycle import EntryDraft
from tests.workflows.conftest import entry_draft


def test_a_draft_becomes_fields_named_by_their_paths_and_comes_back_the_same() -> None:
    draft = entry_draft("FIELDS-1")
    dumped: dict[str, Any] = draft.model_dump(mode="json")
    fields = fields_of(dumped, leave_out=("filed_by",))
    assert fields["book_no"] == draft.book_no
    assert fields["lines[0].quantity"] == str(draft.lines[0].quantity)
    assert fields["vehicle.vehicle_no"] == draft.vehicle.vehicle_no
    assert "filed_by" not in fields
    again = type(draft).model_validate({**draft_of(fields), "filed_by": draft.filed_by})
    assert again == draft


def test_an_emptied_input_is_left_out_and_a_name_that_is_no_path_is_ignored() -> None:
    found = draft_of({"remark": "", "lines[1].quantity": "2", "lines[0].quantity": "1", "x y": "z"})
    assert found == {"lines": [{"quantity": "1"}, {"quantity": "2"}]}


def test_a_value_and_a_nested_field_at_one_path_keep_the_first_for_the_model_to_judge() -> None:
    """A crafted form: ``decisions[0]`` and ``decisions[0].cause`` both sent. The first
    stands (the model refuses a text where an object belongs), never a failed page."""
    assert draft_of({"decisions[0]": "x", "decisions[0].cause": "loss"}) == {"decisions": ["x"]}
    assert draft_of({"decisions[0].cause": "loss", "decisions[0]": "x"}) == {
        "decisions": [{"cause": "loss"}]
    }


def test_a_new_drafts_fields_are_its_own_with_defaults_and_rows_of_lines() -> None:
    fields = blank_fields(EntryDraft, lines=2, leave_out=("kind", "filed_by"))
    assert fields["transport_mode"] == "3"
    assert fields["inner_no"] == ""
    assert fields["vehicle.frame_weight"] == "0"
    assert "lines[1].quantity" in fields
    assert "lines[2].quantity" not in fields
    assert "kind" not in fields
