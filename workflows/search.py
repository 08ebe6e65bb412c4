"""Search attributes that make lifecycles listable and filterable (Keyword each)."""

from __future__ import annotations

from temporalio.common import SearchAttributeKey

ENTERPRISE = SearchAttributeKey.for_keyword("BondflowEnterprise")
BOOK = SearchAttributeKey.for_keyword("BondflowBook")
DOCUMENT_NO = SearchAttributeKey.for_keyword("BondflowDocumentNo")
STATUS = SearchAttributeKey.for_keyword("BondflowStatus")
LIFECYCLE = SearchAttributeKey.for_keyword("BondflowLifecycle")

SEARCH_ATTRIBUTES = (ENTERPRISE, BOOK, DOCUMENT_NO, STATUS, LIFECYCLE)
