"""The console's catalogs and template filters: every message has a Chinese translation,
times are Beijing time, numbers exact with their units, codes with their names."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from babel.messages.pofile import read_po

from console import catalogs
from console.i18n import LOCALE, Language, translations
from console.names import NEXT_STEP_NAMES, TIMELINE_EVENT_NAMES
from console.templating import beijing, environment, exact_number
from lifecycles.kinds import KINDS
from schemas.lifecycle import (
    Lifecycle,
    LifecycleStatus,
    NextStep,
    Role,
    Stage,
    TimelineEntry,
    TimelineEvent,
)


def test_every_message_in_the_templates_and_code_has_a_chinese_translation() -> None:
    found = list(catalogs.messages())
    assert len(found) > 40  # the extractors do read the templates and the code
    missing = catalogs.missing(Language.ZH)
    assert not missing, (
        "add these to a catalog under console/locale/zh_CN/LC_MESSAGES/"
        " (python -m console.catalogs prints them as .po entries):\n"
        + "\n".join(f"{where}: {msgid}" for msgid, where in missing.items())
    )


def test_beijing_time_is_eight_hours_after_utc_and_a_naive_time_is_refused() -> None:
    moment = dt.datetime(2026, 12, 5, 23, 30, 5, tzinfo=dt.UTC)
    assert beijing(moment) == "2026-12-06 07:30:05"
    assert beijing(moment, seconds=False) == "2026-12-06 07:30"
    with pytest.raises(ValueError, match="naive"):
        beijing(dt.datetime(2026, 12, 5, 23, 30))  # noqa: DTZ001 - the point of the test


def test_numbers_are_shown_with_every_digit_they_have_and_no_trailing_zeros() -> None:
    """Given quantities as the ledger's 5-place columns hold them, then each shows its
    value: no zeros the scale added, no digit lost, never an exponent or "-0"."""
    assert exact_number(Decimal("12.50000")) == "12.5"
    assert exact_number(Decimal("1000.00000")) == "1,000"
    assert exact_number(Decimal("0.00001")) == "0.00001"
    assert exact_number(Decimal("1E+3")) == "1,000"
    assert exact_number(Decimal("123456789.12345")) == "123,456,789.12345"
    assert exact_number(Decimal("-0.00000")) == "0"
    assert exact_number(Decimal("12.5"), places=2) == "12.50"  # money, to the fen


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ('{{ q | exact("035") }}', "12.5 千克 (035)"),
        ('{{ q | exact("011") }}', "1,000 件 (011)"),
        ('{{ q | exact("CNY") }}', "12.50 CNY"),
        ("{{ q | money }}", "12.50"),
    ],
)
def test_quantities_show_their_value_with_the_unit_and_money_to_the_fen(
    template: str, expected: str
) -> None:
    q = Decimal("1000.00000") if "011" in template else Decimal("12.50000")
    assert environment(Language.ZH).from_string(template).render(q=q) == expected


@pytest.mark.parametrize(
    ("language", "expected"),
    [(Language.ZH, "12,000.5 千克 (035) · 502 美元"), (Language.EN, "kilogram")],
)
def test_units_and_codes_show_their_code_table_names_in_the_language(
    language: Language, expected: str
) -> None:
    template = environment(language).from_string(
        '{{ q | exact("035") }} · {{ "502" | code("currency") }}'
    )
    shown = template.render(q=Decimal("12000.50000"), language=language)
    assert expected in shown


def test_templates_escape_markup_in_any_value() -> None:
    shown = (
        environment(Language.ZH)
        .from_string("{{ reason }}")
        .render(reason="<script>alert(1)</script>")
    )
    assert shown == "&lt;script&gt;alert(1)&lt;/script&gt;"


def test_every_next_step_and_timeline_event_has_words_in_chinese() -> None:
    """Given the codes the workflows record, each has a name in the console's tables
    and a Chinese translation in the catalogs (none falls back to English)."""
    assert set(NEXT_STEP_NAMES) == set(NextStep)
    assert set(TIMELINE_EVENT_NAMES) == set(TimelineEvent)
    chinese = translations(Language.ZH)
    for words in [*NEXT_STEP_NAMES.values(), *TIMELINE_EVENT_NAMES.values()]:
        assert chinese.gettext(words) != words, words


def _status(stage: Stage, escalated: bool, timeline: tuple[TimelineEntry, ...]) -> LifecycleStatus:
    kind = KINDS[Lifecycle.FIRST_LINE_ENTRY]
    following = kind.next_step(stage, escalated)
    return LifecycleStatus(
        workflow_id="entry-X",
        lifecycle=Lifecycle.FIRST_LINE_ENTRY,
        stage=stage,
        next_step=following.words,
        next_step_code=following.step,
        waiting_for=following.waiting_for,
        change_count=0,
        escalated=escalated,
        pre_entry_no=None,
        list_no=None,
        pass_no=None,
        declaration_seq_no=None,
        entry_id=None,
        cif_cny=Decimal("0.00"),
        late_fee=None,
        measured_weight=None,
        timeline=timeline,
    )


@pytest.mark.parametrize(
    ("language", "step", "what"),
    [
        (Language.ZH, "待海关审核清单（超时未收到回执，已转关务处理）", "查验通过: 货证相符"),
        (Language.EN, "review of the list (escalated to the liaison", "inspection passed"),
    ],
)
def test_the_next_step_and_the_timeline_are_shown_in_the_pages_language(
    language: Language, step: str, what: str
) -> None:
    """Given an entry escalated while customs reviews it, with an inspection recorded,
    then the next step and the event are in the page's language and the reason as
    written; an entry recorded without a code shows its English note."""
    at = dt.datetime(2026, 12, 5, tzinfo=dt.UTC)
    coded = TimelineEntry(
        at=at,
        stage=Stage.INSPECTION,
        actor="liaison",
        role=Role.LIAISON,
        note="货证相符",
        event=TimelineEvent.INSPECTION_PASSED,
        detail="货证相符",
    )
    uncoded = coded.model_copy(update={"event": None, "note": "an old note"})
    status = _status(Stage.AWAITING_REVIEW, True, (coded, uncoded))
    template = environment(language).from_string(
        "{{ status | next_step }}|{% for e in status.timeline %}{{ e | event }}"
        "{% if e.event %}: {{ e.detail }}{% endif %};{% endfor %}"
    )
    shown = template.render(status=status, language=language)
    assert step in shown
    assert what in shown
    assert "an old note;" in shown


def test_no_message_is_translated_two_ways_in_different_areas_catalogs() -> None:
    """The areas' catalogs are merged into one: a msgid two files translate differently
    would show one area's words on the other's pages (a filer's "File" button read
    "文件" once). Words that differ by meaning need their own msgids."""
    translated: dict[str, set[tuple[str, str]]] = {}
    folder = LOCALE / Language.ZH.catalog / "LC_MESSAGES"
    for entry in folder.iterdir():
        if entry.name.endswith(".po"):
            with entry.open("rb") as source:
                for message in read_po(source):
                    if message.id:
                        translated.setdefault(str(message.id), set()).add(
                            (entry.name, str(message.string))
                        )
    clashes = {
        msgid: sorted(found)
        for msgid, found in translated.items()
        if len({string for _, string in found}) > 1
    }
    assert not clashes, clashes
