"""What the lifecycle tests check after a lifecycle ran on the dev server (issue #4):
the ledger's invariants on the real database, what went to customs, the timeline."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from adapters.db.engine import Database
from adapters.xml.codec import from_element
from adapters.xml.safe import parse_untrusted
from customs.routing import Number
from ledger import ChainAuditor, LedgerQueries
from schemas.lifecycle import LifecycleStatus
from schemas.messages.bonded_list import BondedListUpload
from tests.workflows.conftest import Zone


def assert_ledger_invariants(db: Database) -> None:
    """The audit chain verifies (every event chained, every account's balance equal to
    its history); no stock account is negative or reserves more than it holds; and
    each book item is conserved: what left one account arrived in another (the posted
    quantities over all accounts, the outside ones included, add up to zero) and
    every pending out has its pending in."""
    audit = ChainAuditor(db).verify()
    assert audit.ok, audit.problem
    zero = Decimal(0)
    totals: dict[tuple[str, int], list[Decimal]] = defaultdict(lambda: [zero, zero, zero])
    for account in LedgerQueries(db).balances(include_outside=True, limit=100_000):
        total = totals[(account.book_no, account.item_no)]
        total[0] += account.posted
        total[1] += account.pending_out
        total[2] += account.pending_in
        if account.kind == "stock":
            assert account.posted >= 0, account
            assert account.pending_out >= 0, account
            assert account.pending_in >= 0, account
            assert account.available >= 0, account
    for book_item, (posted, pending_out, pending_in) in totals.items():
        assert posted == 0, (book_item, posted)
        assert pending_out == pending_in, (book_item, pending_out, pending_in)


def filed(zone: Zone, inner_no: str) -> list[tuple[str, int, str]]:
    """What went to customs under an enterprise number, in order: (message type,
    ChgTmsCnt, and for a list whether it files or deletes it)."""
    records = zone.deps.records
    out = []
    for submission in records.submissions(records.document(Number.INNER_NO, inner_no).id):
        message = from_element(parse_untrusted(records.submission_payload(submission.file_name)))
        kind = ""
        if isinstance(message, BondedListUpload):
            kind = message.message.head.dcl_typecd.name.lower()
        out.append((submission.message_type, submission.change_count, kind))
    return out


def assert_timeline(status: LifecycleStatus, *prefixes: str) -> None:
    """Each prefix starts a note of the timeline, later than the note the previous
    prefix started."""
    notes = [entry.note for entry in status.timeline]
    position = -1
    for prefix in prefixes:
        later = [i for i, note in enumerate(notes) if i > position and note.startswith(prefix)]
        assert later, f"no note {prefix!r} after note {position} in the timeline {notes}"
        position = later[0]
