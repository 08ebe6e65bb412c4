"""The console's messages as Babel's extractors find them in the code and templates, and
which of them a language's catalogs lack: ``python -m console.catalogs`` prints the
missing Chinese entries as .po text to paste into an area's catalog."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Final

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir

from console.i18n import Language, translations

ROOT: Final = Path(__file__).parent
# page.ok(...) and page.error(...) translate their message (a flash) like gettext.
KEYWORDS: Final = {**DEFAULT_KEYWORDS, "N_": None, "ok": None, "error": None}
METHODS: Final = [("**/templates/**.html", "jinja2"), ("**.py", "python")]
OPTIONS: Final = {"**/templates/**.html": {"extensions": "jinja2.ext.i18n"}}


def messages() -> Iterator[tuple[str, str, int]]:
    """(msgid, file, line) of every message marked in the console."""
    for filename, line, message, _comments, _context in extract_from_dir(
        str(ROOT), METHODS, OPTIONS, KEYWORDS
    ):
        for msgid in message if isinstance(message, tuple) else (message,):
            if msgid:
                yield msgid, filename, line


def missing(language: Language = Language.ZH) -> dict[str, str]:
    """msgid -> where it is used, for every message the language does not translate."""
    catalog = translations(language)
    return {
        msgid: f"{where}:{line}"
        for msgid, where, line in messages()
        if catalog.gettext(msgid) == msgid
    }


def _po(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


if __name__ == "__main__":
    for msgid, where in missing().items():
        sys.stdout.write(f'#: {where}\nmsgid {_po(msgid)}\nmsgstr ""\n\n')
