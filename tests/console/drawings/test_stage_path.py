"""A lifecycle's path drawn: its workflow's stages in order, the visited ones filled,
the path taken as arcs, the current stage marked."""

from __future__ import annotations

import datetime as dt

from console.drawings.stage_path import StageLabels, lifecycle_stages, stage_path_svg, visits
from lifecycles.kinds import KINDS
from schemas.lifecycle import Lifecycle, Role, Stage, TimelineEntry
from tests.console.drawings.support import NS, groups, parsed, texts, title

LABELS = StageLabels(
    title="核注清单 E-1 的流程",
    stage=lambda stage: f"«{stage.value}»",
    role=lambda role: {"liaison": "关务"}.get(role.value, role.value),
    current="当前",
)


def _entry(hour: int, stage: Stage, actor: str, role: Role, note: str) -> TimelineEntry:
    return TimelineEntry(
        at=dt.datetime(2026, 4, 1, hour, tzinfo=dt.UTC),
        stage=stage,
        actor=actor,
        role=role,
        note=note,
    )


TIMELINE = (
    _entry(1, Stage.VALIDATING, "filer", Role.FILER, "entry filed"),
    _entry(2, Stage.AWAITING_SIGN_OFF, "bondflow", Role.SYSTEM, "fits the book"),
    _entry(3, Stage.RETURNED, "li", Role.LIAISON, "<script>x</script> wrong lot"),
    _entry(4, Stage.VALIDATING, "filer", Role.FILER, "corrected"),
    _entry(5, Stage.AWAITING_SIGN_OFF, "li", Role.LIAISON, "signed off"),
)


def test_the_stages_of_a_lifecycle_are_its_workflows_next_step_table_in_order() -> None:
    stages = lifecycle_stages(Lifecycle.PROCESSING)
    assert stages == tuple(KINDS[Lifecycle.PROCESSING].next_steps)
    assert stages[0] is Stage.VALIDATING
    assert lifecycle_stages(Lifecycle.EXPORT).index(Stage.AWAITING_SIGN_OFF) < (
        lifecycle_stages(Lifecycle.EXPORT).index(Stage.COMPLETED)
    )


def test_the_path_taken_follows_the_timeline_in_time_order_to_the_current_stage() -> None:
    shuffled = (TIMELINE[3], TIMELINE[0], TIMELINE[4], TIMELINE[2], TIMELINE[1])
    assert visits(shuffled, Stage.RESERVING) == [
        Stage.VALIDATING,
        Stage.AWAITING_SIGN_OFF,
        Stage.RETURNED,
        Stage.VALIDATING,
        Stage.AWAITING_SIGN_OFF,
        Stage.RESERVING,
    ]


def test_every_stage_is_a_stop_the_visited_filled_and_the_current_one_marked() -> None:
    """Given an entry returned once and signed off, now reserving, when drawn, then every
    stage of the lifecycle is a stop in order, the four it went through are visited,
    reserving is the one current stop (aria-current) and the return is a dashed arc."""
    stages = lifecycle_stages(Lifecycle.FIRST_LINE_ENTRY)
    svg = parsed(stage_path_svg(stages, TIMELINE, Stage.RESERVING, LABELS))
    stops = groups(svg, "stop")
    assert [stop.get("data-stage") for stop in stops] == [stage.value for stage in stages]
    visited = {stop.get("data-stage") for stop in groups(svg, "visited")}
    assert visited == {"validating", "awaiting_sign_off", "returned"}
    [current] = groups(svg, "current")
    assert current.get("data-stage") == "reserving"
    assert current.get("aria-current") == "step"
    assert texts(current) == ["«reserving»", "当前"]
    assert svg.get("aria-label") == "核注清单 E-1 的流程 · 当前: «reserving»"
    arcs = svg.xpath("//s:path[contains(@class, 'path')]", namespaces=NS)
    assert [a.get("class") for a in arcs] == ["path", "path", "path back", "path", "path"]


def test_a_stop_tells_when_it_was_entered_in_beijing_time_and_who_said_what_as_text() -> None:
    svg = parsed(
        stage_path_svg(
            lifecycle_stages(Lifecycle.FIRST_LINE_ENTRY), TIMELINE, Stage.RESERVING, LABELS
        )
    )
    [returned] = [s for s in groups(svg, "stop") if s.get("data-stage") == "returned"]
    assert texts(returned) == ["«returned»", "04-01 11:00"]
    assert title(returned).splitlines() == [
        "«returned»",
        "2026-04-01 11:00:00 li (关务): <script>x</script> wrong lot",
    ]
    assert svg.xpath("//*[local-name()='script']") == []


def test_a_stage_from_an_older_history_missing_in_the_table_is_kept_at_the_end() -> None:
    svg = parsed(stage_path_svg([Stage.VALIDATING], TIMELINE[:3], Stage.RETURNED, LABELS))
    assert [s.get("data-stage") for s in groups(svg, "stop")] == [
        "validating",
        "awaiting_sign_off",
        "returned",
    ]
