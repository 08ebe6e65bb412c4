"""A processing book's write-off (核销) per verification period: the statement read from
the ledger (``service.WriteOffs``); the rule itself is pure, in ``rules/write_off.py``."""

from rules.write_off import BookWriteOff
from writeoff.service import KnownOpening, WriteOffs

__all__ = ["BookWriteOff", "KnownOpening", "WriteOffs"]
