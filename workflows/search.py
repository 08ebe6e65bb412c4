"""Search attributes that make lifecycles listable and filterable: who and what (Keyword),
and what the work queue sorts and filters by (who it waits for, since when, the due
date, escalation), so the queue is one visibility query, not a query per workflow."""

from __future__ import annotations

from temporalio.common import SearchAttributeKey

ENTERPRISE = SearchAttributeKey.for_keyword("BondflowEnterprise")
BOOK = SearchAttributeKey.for_keyword("BondflowBook")
DOCUMENT_NO = SearchAttributeKey.for_keyword("BondflowDocumentNo")
STATUS = SearchAttributeKey.for_keyword("BondflowStatus")
LIFECYCLE = SearchAttributeKey.for_keyword("BondflowLifecycle")

# The work queue: the role the lifecycle waits for (a ``Role`` value, "none" when it
# waits for nobody), since when (the last stage change), the declaration deadline of
# entries (the start of its Beijing day after which a late fee accrues) and whether
# customs' silence escalated it to the liaison.
WAITING_FOR = SearchAttributeKey.for_keyword("BondflowWaitingFor")
STAGE_SINCE = SearchAttributeKey.for_datetime("BondflowStageSince")
DUE = SearchAttributeKey.for_datetime("BondflowDue")
ESCALATED = SearchAttributeKey.for_bool("BondflowEscalated")

SEARCH_ATTRIBUTES = (
    ENTERPRISE,
    BOOK,
    DOCUMENT_NO,
    STATUS,
    LIFECYCLE,
    WAITING_FOR,
    STAGE_SINCE,
    DUE,
    ESCALATED,
)
