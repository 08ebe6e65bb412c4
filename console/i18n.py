"""Languages of the console (界面语言): Chinese by default, English by a switch.

Messages are written in English in the code and templates (the msgid) and translated in
gettext catalogs under ``console/locale/<language>/LC_MESSAGES/*.po``: one file per area
of pages (``core.po``, ``admin.po``, ``liaison.po``...), all the files of a language
merged into one catalog when it is first used. The catalogs are compiled in memory from
the .po files, so there is no compile step and no .mo file to forget.
"""

from __future__ import annotations

import functools
import io
from enum import StrEnum
from importlib.resources import files
from typing import Final

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

LOCALE: Final = files("console") / "locale"
COOKIE: Final = "bf_lang"
QUERY: Final = "lang"


class Language(StrEnum):
    ZH = "zh"  # 中文, the default: the users are Chinese customs staff
    EN = "en"

    @property
    def catalog(self) -> str:
        return {Language.ZH: "zh_CN", Language.EN: "en"}[self]

    @property
    def html_lang(self) -> str:
        return {Language.ZH: "zh-CN", Language.EN: "en"}[self]


DEFAULT: Final = Language.ZH


def N_(message: str) -> str:  # noqa: N802 - the gettext convention for "mark, translate later"
    """Marks a message for the catalogs where it is defined (a table of labels);
    it is translated where it is shown (``{{ _(label) }}`` or ``page.gettext``)."""
    return message


def parse_language(value: str | None) -> Language | None:
    try:
        return Language(value) if value else None
    except ValueError:
        return None


@functools.cache
def translations(language: Language) -> Translations:
    """Every catalog of the language merged (compiled in memory)."""
    merged = Translations()
    folder = LOCALE / language.catalog / "LC_MESSAGES"
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".po"):
            continue
        with entry.open("rb") as source:
            catalog = read_po(source, locale=language.catalog)
        compiled = io.BytesIO()
        write_mo(compiled, catalog, use_fuzzy=False)
        compiled.seek(0)
        merged.merge(Translations(compiled))
    return merged
