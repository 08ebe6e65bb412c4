"""The console's catalogs and template filters: every message has a Chinese translation,
times are Beijing time, numbers exact with their units, codes with their names."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from console import catalogs
from console.i18n import Language
from console.templating import beijing, environment, exact_number


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
