"""The console's Jinja2 templates: autoescaped (a reason holding ``<script>`` is shown as
text), one environment per language with its catalog installed, and the filters every
page uses:

- ``beijing``: a UTC-aware datetime in Beijing time (``2026-12-06 08:26:05``); a naive
  one is refused, never guessed;
- ``exact``: a Decimal exactly as it is, without the trailing zeros of its column's
  scale, with a unit (a unit code with its code-table name: ``12,000.5 千克 (035)``;
  money to the fen: ``12.50 CNY``);
- ``code``: a code with its code-table name in the page's language (``502 美元``).
"""

from __future__ import annotations

import datetime as dt
import functools
from decimal import Decimal
from importlib.resources import files
from typing import TYPE_CHECKING, Any, Final
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context
from jinja2.runtime import Context

from codetables.tables import CodeEntry, default_tables
from console.i18n import Language, translations
from console.names import ESCALATED_STEPS, NEXT_STEP_NAMES, TIMELINE_EVENT_NAMES
from lifecycles.kinds import KINDS
from schemas.lifecycle import LifecycleStatus, TimelineEntry

if TYPE_CHECKING:
    from api.queue.endpoints import QueueItem

BEIJING: Final = ZoneInfo("Asia/Shanghai")
TEMPLATES: Final = files("console") / "templates"


def beijing(moment: dt.datetime | None, seconds: bool = True) -> str:
    if moment is None:
        return ""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"a naive datetime cannot be shown in Beijing time: {moment!r}")
    shape = "%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M"
    return moment.astimezone(BEIJING).strftime(shape)


# Money is shown to the fen (12.50 CNY), as customs and banks write it.
MONEY_PLACES: Final = 2
MONEY_UNITS: Final = frozenset({"CNY"})


def exact_number(value: Decimal | int | str, places: int = 0) -> str:
    """The value exactly, grouped by thousands: every significant digit it has, none
    lost and no trailing zeros a column's scale added (12.50000 -> 12.5, 1000.00000 ->
    1,000), but at least ``places`` decimals (12.5 -> 12.50 with places=2)."""
    number = Decimal(value)
    if not number.is_finite():
        raise ValueError(f"not a number to show: {value!r}")
    shown = number.normalize()
    if -shown.as_tuple().exponent < places:  # type: ignore[operator]
        shown = shown.quantize(Decimal(1).scaleb(-places))
    if shown == 0:
        shown = abs(shown)  # never "-0"
    return f"{shown:,f}"


def code_entry(table: str, code: str, on: dt.date | None = None) -> CodeEntry | None:
    """The code's entry on the day (today in Beijing), else its latest one, else None."""
    tables = default_tables()
    if table not in tables:
        return None
    day = on or dt.datetime.now(BEIJING).date()
    found = tables[table].lookup(code, day)
    if found is None:
        history = tables[table].history(code)
        found = history[-1] if history else None
    return found


def _name(entry: CodeEntry, language: Language) -> str:
    return entry.name_zh if language is Language.ZH else entry.name_en


@pass_context
def code_filter(context: Context, code: str | None, table: str) -> str:
    if code is None or code == "":
        return ""
    entry = code_entry(table, str(code))
    if entry is None:
        return str(code)
    return f"{code} {_name(entry, context.get('language', Language.ZH))}"


@pass_context
def exact_filter(
    context: Context, value: Decimal | int | str | None, unit: str | None = None
) -> str:
    """``value | exact("035")`` (a unit code), ``value | exact("CNY")`` (a word as given)."""
    if value is None:
        return ""
    text = exact_number(value, MONEY_PLACES if unit in MONEY_UNITS else 0)
    if not unit:
        return text
    entry = code_entry("unit", unit) if unit.isdigit() else None
    if entry is None:
        return f"{text} {unit}"
    return f"{text} {_name(entry, context.get('language', Language.ZH))} ({unit})"


def money_filter(value: Decimal | int | str | None) -> str:
    """An amount whose currency the column names: ``{{ bill.total | money }}`` (12.50)."""
    return "" if value is None else exact_number(value, MONEY_PLACES)


@pass_context
def next_step_filter(context: Context, status: LifecycleStatus | QueueItem) -> str:
    """What a lifecycle waits for next in the page's language (``{{ status | next_step }}``),
    "escalated" when customs' silence handed the wait to the liaison."""
    if status.next_step_code is None:  # (a status from before the codes)
        return status.next_step
    translated = translations(context.get("language", Language.ZH))
    step = translated.gettext(NEXT_STEP_NAMES[status.next_step_code])
    why = KINDS[status.lifecycle].next_step(status.stage, status.escalated).escalated
    if why is not None:
        return translated.gettext(ESCALATED_STEPS[why]) % {"step": step}
    return step


@pass_context
def event_filter(context: Context, entry: TimelineEntry) -> str:
    """A timeline entry's event in the page's language (``{{ entry | event }}``); its
    detail (a reason, a number, a file) is shown beside it as written."""
    if entry.event is None:
        return entry.note
    return translations(context.get("language", Language.ZH)).gettext(
        TIMELINE_EVENT_NAMES[entry.event]
    )


@functools.cache
def environment(language: Language) -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=True,  # every template, whatever its name
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(translations(language), newstyle=True)  # type: ignore[attr-defined]
    env.filters["beijing"] = beijing
    env.filters["exact"] = exact_filter
    env.filters["code"] = code_filter
    env.filters["money"] = money_filter
    env.filters["next_step"] = next_step_filter
    env.filters["event"] = event_filter
    return env


def render(language: Language, template: str, context: dict[str, Any]) -> str:
    return environment(language).get_template(template).render(language=language, **context)
