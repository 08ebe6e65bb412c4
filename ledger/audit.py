"""Checking the audit chain and anchoring its head.

verify() rebuilds every event's canonical text from the rows in the tables,
recomputes the hash chain from the genesis hash, and stops at the first link
that does not hold, naming the event and the row. It also checks that every
transaction, movement and entry belongs to a chained event, that the current
balances equal the running balances of each account's newest entry, and,
given an anchor, that the chain still holds that head (not rewritten, not
truncated).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session
from temporalio import workflow

from adapters.db.engine import Database
from adapters.db.models import AccountEntry, LedgerTransaction, Movement
from ledger import chain, repository
from ledger.keys import period_of_client_id
from ledger.timeline import lag_class
from schemas.codes import Operation
from schemas.ledger import ChainAnchor, ChainVerification

# The metrics are one registry per process: a workflow sandbox that imports the
# ledger (a test's workflow naming its errors) uses the process's module, never a copy.
with workflow.unsafe.imports_passed_through():
    from observability.metrics import chain_verified

BATCH = 500


class _Broken(Exception):
    def __init__(self, seq: int | None, problem: str) -> None:
        super().__init__(problem)
        self.seq = seq
        self.problem = problem


def read_one_snapshot(session: Session) -> None:
    """Read everything verify() (or a query of several statements, such as a page and its
    total or a reconciliation) looks at from one consistent state of the database.

    FIX (found by tests/ledger/test_race.py): at Read Committed, PostgreSQL's default,
    each statement sees whatever was committed before it started, so a verification
    running beside writers read the head before a commit and the events or balances
    after it, and reported tampering that never happened ("ledger_chain_head row says
    seq 5 ... the chain ends at seq 6", "ledger_accounts row ... differ from its
    history"). A REPEATABLE READ transaction reads one snapshot throughout; it only
    reads, so it cannot fail to serialise. SQLite needs nothing: its readers take
    ``Database.reading()``, a deferred transaction that in WAL mode reads the one
    state committed before its first read, without the write lock.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})


class ChainAuditor:
    def __init__(self, database: Database) -> None:
        self.db = database

    def anchor(self) -> ChainAnchor:
        """The current head, to be kept by an auditor outside the database."""
        with self.db.reading() as session:
            head = repository.chain_head(session)
            return ChainAnchor(seq=head.seq, hash=head.hash, taken_at=dt.datetime.now(dt.UTC))

    def verify(self, anchor: ChainAnchor | None = None) -> ChainVerification:
        verification = self._verify(anchor)
        chain_verified(verification.ok, verification.head_seq)  # for /metrics
        return verification

    def _verify(self, anchor: ChainAnchor | None) -> ChainVerification:
        with self.db.reading() as session:
            read_one_snapshot(session)
            checked = 0
            prev_hash = chain.GENESIS_HASH
            head = repository.chain_head(session)
            try:
                checked, prev_hash = self._walk(session)
                if head.seq != checked or head.hash != prev_hash:
                    raise _Broken(
                        head.seq,
                        f"ledger_chain_head row says seq {head.seq} hash {head.hash[:12]}…, "
                        f"the chain ends at seq {checked} hash {prev_hash[:12]}…",
                    )
                self._completeness(session)
                self._balances(session)
                self._periods(session)
                if anchor is not None:
                    self._against(session, anchor, checked)
            except _Broken as broken:
                good = checked if broken.seq is None else max(broken.seq - 1, 0)
                return ChainVerification(
                    ok=False,
                    events_checked=min(good, head.seq),
                    head_seq=head.seq,
                    head_hash=head.hash,
                    broken_seq=broken.seq,
                    problem=broken.problem,
                )
            return ChainVerification(
                ok=True, events_checked=checked, head_seq=head.seq, head_hash=head.hash
            )

    def _walk(self, session: Session) -> tuple[int, str]:
        prev_hash, last_seq = chain.GENESIS_HASH, 0
        while True:
            events = repository.chain_events(session, last_seq, BATCH)
            if not events:
                return last_seq, prev_hash
            txns = repository.transactions_by_id(session, [e.transaction_id for e in events])
            moves = repository.movements_by_transaction(session, txns)
            entries = repository.entries_by_movement(
                session, [m.id for ms in moves.values() for m in ms]
            )
            lineage = repository.lineage_by_transaction(session, txns)
            keys = repository.account_keys(
                session,
                [a for ms in moves.values() for m in ms for a in (m.source_id, m.destination_id)]
                + [e.account_id for es in entries.values() for e in es],
            )
            lots = repository.lot_labels(
                session,
                [
                    i
                    for ls in lineage.values()
                    for x in ls
                    for i in (x.output_lot_id, x.input_lot_id)
                ],
            )
            reservations = repository.transactions_by_id(
                session, [t.reservation_id for t in txns.values() if t.reservation_id]
            )
            for event in events:
                if event.seq != last_seq + 1:
                    raise _Broken(
                        last_seq + 1,
                        f"ledger_chain row seq={last_seq + 1} is missing (next is {event.seq})",
                    )
                if event.prev_hash != prev_hash:
                    raise _Broken(
                        event.seq,
                        f"ledger_chain row seq={event.seq}: prev_hash does not match "
                        f"the hash of event {last_seq}",
                    )
                # FIX: check the stored text against its own hash before comparing it with
                # the rows. An edited payload used to be reported as an edit of the
                # (untouched) transaction row, sending the auditor to the wrong table.
                if event.hash != chain.link_hash(prev_hash, event.payload):
                    raise _Broken(
                        event.seq,
                        f"ledger_chain row seq={event.seq}: hash does not match its stored event",
                    )
                txn = txns.get(event.transaction_id)
                if txn is None:
                    raise _Broken(
                        event.seq,
                        f"ledger_chain row seq={event.seq}: its transaction is missing",
                    )
                reservation = reservations.get(txn.reservation_id) if txn.reservation_id else None
                try:
                    rebuilt = chain.canonical_event(
                        seq=event.seq,
                        transaction=txn,
                        reservation_client_id=None
                        if reservation is None
                        else reservation.client_id,
                        movements=moves.get(txn.id, []),
                        entries=entries,
                        lineage=lineage.get(txn.id, []),
                        account_keys=keys,
                        lot_labels=lots,
                    )
                except KeyError as exc:
                    raise _Broken(
                        event.seq, f"a row of event {event.seq} points to a missing {exc}"
                    ) from None
                if rebuilt != event.payload:
                    where = chain.first_difference(event.payload, rebuilt)
                    raise _Broken(
                        event.seq,
                        f"event {event.seq} (transaction {txn.client_id!r}) differs from "
                        f"what was chained: {where}",
                    )
                _times_agree(event.seq, txn, moves.get(txn.id, []), entries)
                prev_hash, last_seq = event.hash, event.seq
            if len(events) < BATCH:
                return last_seq, prev_hash

    @staticmethod
    def _completeness(session: Session) -> None:
        txn = repository.unchained_transaction(session)
        if txn is not None:
            raise _Broken(
                None, f"ledger_transactions row id={txn.id} ({txn.client_id!r}) is not chained"
            )
        movement = repository.stray_movement(session)
        if movement is not None:
            raise _Broken(None, f"ledger_movements row id={movement.id} is not chained")
        entry = repository.stray_entry(session)
        if entry is not None:
            raise _Broken(None, f"ledger_entries row id={entry.id} is not chained")

    @staticmethod
    def _balances(session: Session) -> None:
        latest = repository.latest_entries(session)
        for account in repository.all_accounts(session):
            entry = latest.get(account.id)
            expected = (
                (entry.posted_after, entry.pending_out_after, entry.pending_in_after)
                if entry
                else (0, 0, 0)
            )
            if (account.posted, account.pending_out, account.pending_in) != expected:
                raise _Broken(
                    None,
                    f"ledger_accounts row id={account.id} ({account.key}): balances "
                    f"{account.posted}/{account.pending_out}/{account.pending_in} differ from "
                    "its history",
                )

    @staticmethod
    def _periods(session: Session) -> None:
        """Each period's state is what its latest chained close or reopen says."""
        for period, txn in repository.all_periods(session):
            expected = Operation.CLOSE_PERIOD if period.closed else Operation.REOPEN_PERIOD
            named = (
                None
                if txn is None or txn.operation != expected.value
                else period_of_client_id(txn.client_id)[1:]
            )
            if named != (period.first_day, period.last_day):
                raise _Broken(
                    None,
                    f"ledger_periods row id={period.id} ({period.first_day}..{period.last_day}"
                    f", {'closed' if period.closed else 'open'}) differs from its chained "
                    "close or reopen",
                )

    @staticmethod
    def _against(session: Session, anchor: ChainAnchor, checked: int) -> None:
        if checked < anchor.seq:
            raise _Broken(
                anchor.seq,
                f"the chain has {checked} events but the anchor of "
                f"{anchor.taken_at.isoformat()} saw {anchor.seq}: history was truncated",
            )
        event = repository.chain_event(session, anchor.seq) if anchor.seq else None
        found = chain.GENESIS_HASH if anchor.seq == 0 else (event.hash if event else None)
        if found != anchor.hash:
            raise _Broken(
                anchor.seq,
                f"event {anchor.seq} hashes to {str(found)[:12]}… but the anchor of "
                f"{anchor.taken_at.isoformat()} holds {anchor.hash[:12]}…: history was rewritten",
            )


def _times_agree(
    seq: int,
    txn: LedgerTransaction,
    movements: list[Movement],
    entries: dict[int, list[AccountEntry]],
) -> None:
    """The business instant and lag class kept on each entry (not in the chained text,
    which predates them) are its transaction's."""
    for m in movements:
        for e in entries.get(m.id, ()):
            if e.occurred_at != txn.occurred_at or e.lag_class != lag_class(
                txn.occurred_at, e.recorded_at
            ):
                raise _Broken(
                    seq,
                    f"ledger_entries row id={e.id}: occurred_at or lag_class differs from "
                    f"transaction {txn.client_id!r}",
                )
