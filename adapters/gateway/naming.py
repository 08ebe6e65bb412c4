"""Unique, traceable file names: what the file is, whose it is, and its content hash.

``INV101__SOLAR-IN-0001__c0__3f9a1c2e7b4d.xml`` is the INV101 of enterprise number
SOLAR-IN-0001 at change count 0. The same message always gets the same name, so a
retried submission finds its file instead of sending a second one; a corrected
message (different content) gets a new one.
"""

from __future__ import annotations

import hashlib
import re

_UNSAFE = re.compile(r"[^0-9A-Za-z_\-]")


def outbox_name(message_type: str, inner_no: str, change_count: int, payload: bytes) -> str:
    digest = hashlib.sha256(payload).hexdigest()[:12]
    safe_no = _UNSAFE.sub("-", inner_no)[:64]
    return f"{message_type}__{safe_no}__c{change_count}__{digest}.xml"


IMPORT_RESULT_PREFIXES = ("Successed_", "Failed_")


def answered_file(inbox_name: str) -> str | None:
    """The OutBox file an import result answers: ``Successed_<name>`` -> ``<name>``."""
    for prefix in IMPORT_RESULT_PREFIXES:
        if inbox_name.startswith(prefix):
            return inbox_name[len(prefix) :]
    return None
