"""The enterprise's own numbers (企业内部编号) of the documents a lifecycle files.

An in-zone transfer files two lists under one transfer number, one per side; each
carries the transfer number with its side, which is how a receipt is matched to its
side (``workflows``) and how the list names itself (``customs.drafting``).
"""

from __future__ import annotations

from typing import Literal

TransferSide = Literal["out", "in"]


def transfer_inner_no(transfer_no: str, side: TransferSide) -> str:
    """The inner number of one side's list: ``T-0001-OUT``, ``T-0001-IN``."""
    return f"{transfer_no}-{side.upper()}"
