"""Customs code tables (海关参数代码表) as dated, editable data shipped with bondflow.

Supervision modes (监管方式), transport modes (运输方式), units (计量单位), currencies
(币制), countries (国别/地区), customs districts (关区代码), duty treatments (征免方式),
declaration channel codes (通道/状态), incoterms (成交方式) and book types (手册/账册类型,
the first letter of a book number) change with time, so each entry carries an
effective-from date and an optional effective-to date. The tables are
CSV files in ``codetables/data`` (see its README.md); a deployment may load its own
edited copy with ``CodeTables.load(directory)``.

Countries and currencies have two code systems, the customs numeric codes (142, 502) and
the single window's letter codes since the 2018 reform (CHN, USD): each has its table
(``country`` and ``country_letter``...) and a dated correspondence between them
(``codetables/data/correspondence``); :mod:`codetables.systems` converts and compares.
"""

from codetables.correspondence import AmbiguousCode, CodePair, Correspondence
from codetables.tables import (
    LETTER_TABLES,
    TABLE_SPECS,
    CodeEntry,
    CodeTable,
    CodeTableFileError,
    CodeTables,
    TableSpec,
    UnknownCode,
    UnknownCodeTable,
    default_tables,
)

__all__ = [
    "LETTER_TABLES",
    "TABLE_SPECS",
    "AmbiguousCode",
    "CodeEntry",
    "CodePair",
    "CodeTable",
    "CodeTableFileError",
    "CodeTables",
    "Correspondence",
    "TableSpec",
    "UnknownCode",
    "UnknownCodeTable",
    "default_tables",
]
