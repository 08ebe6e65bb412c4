"""Tampering: any edit of stored history is caught and names the row; anchors catch rewrites.

The history tables refuse UPDATE and DELETE through triggers, so these tests act as an
attacker with database admin rights would: on SQLite they drop the triggers, on
PostgreSQL they set session_replication_role = replica (which skips triggers) or
disable the triggers with ALTER TABLE. The current balances in ledger_accounts are
not append-only (they change with every movement) but are checked against history.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError

from adapters.db.engine import Database
from adapters.db.models import LEDGER_HISTORY_TABLES as APPEND_ONLY_TABLES
from ledger import ChainAuditor, Ledger
from ledger.chain import GENESIS_HASH, link_hash
from tests.support.builders import (
    LINE,
    MODULE,
    consumed,
    leg,
    make_zone,
    outside,
    request,
    resolve,
    stock,
)
from tests.support.states import DatabaseState, starts_from


def _five_chained_events(db: Database) -> None:
    zone = make_zone(db)
    for lot in ("L1", "L2"):
        zone.lot(lot)
    zone.lot("M1", item_no=MODULE)
    ledger = Ledger(db)
    ledger.execute(request("entry-a", leg("1000", outside("abroad"), stock("L1"))))
    ledger.execute(request("entry-b", leg("500", outside("abroad"), stock("L2"))))
    ledger.execute(
        request(
            "work-order",
            leg("288", stock("L1"), outside("processing")),
            leg("144", stock("L2"), outside("processing")),
            leg("3", outside("processing"), stock("M1", LINE), item_no=MODULE),
            lineage=(consumed("M1", "L1", "288"), consumed("M1", "L2", "144")),
        )
    )
    ledger.execute(
        request(
            "export", leg("1", stock("M1", LINE), outside("abroad"), item_no=MODULE), reserve=True
        )
    )
    ledger.resolve(resolve("export-gate", "export"))
    assert ChainAuditor(db).verify().ok


FIVE_EVENTS = DatabaseState("tamper-history", _five_chained_events)


@starts_from(FIVE_EVENTS)
def history(db: Database) -> Database:
    """Five chained events: two entries, processing with lineage (3 legs), an export
    reserved, then posted at the gate. Written once per worker and backend and cloned
    for each test (tests/support/states.py): each test tampers with its own copy."""
    return db


def _bypass_triggers(conn: Connection, dialect: str) -> None:
    """What an attacker with admin rights does first: switch the append-only guard off."""
    if dialect == "sqlite":
        for table in APPEND_ONLY_TABLES:
            for action in ("update", "delete"):
                conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table}_no_{action}")
    else:  # superuser: replication-replica sessions do not fire ordinary triggers
        conn.exec_driver_sql("SET LOCAL session_replication_role = replica")


@pytest.fixture
def attacker(history: Database) -> Iterator[Connection]:
    """A connection past the append-only triggers; what it does is committed at the end."""
    with history.engine.begin() as conn:
        _bypass_triggers(conn, history.dialect)
        yield conn


def _problem(db: Database) -> str:
    result = ChainAuditor(db).verify()
    assert not result.ok, "the edit went unnoticed"
    assert result.problem is not None
    return result.problem


def _names(problem: str, table: str, row: str) -> bool:
    """Whether a problem text names this row (id=1 must not match id=12)."""
    return re.search(rf"\b{table} row {re.escape(row)}\b", problem) is not None


def _row_id(conn: Connection, table: str, which: str) -> int:
    value = conn.execute(text(f"SELECT {which}(id) FROM {table}")).scalar_one()
    assert isinstance(value, int)
    return value


def _scalar(conn: Connection, sql: str, **params: Any) -> Any:
    return conn.execute(text(sql), params).scalar_one()


def test_given_a_history_cloned_from_its_template_then_it_verifies_as_written(
    history: Database,
) -> None:
    """The starting point of every test below: the clone is the template's bytes, so
    its chain verifies, all five events of it, up to the head the template's writes
    left (the edits below must be what verify finds, not a broken copy)."""
    result = ChainAuditor(history).verify()
    assert result.ok, result.problem
    assert (result.events_checked, result.head_seq) == (5, 5)


# --- the guard ---------------------------------------------------------------------------


@pytest.mark.parametrize("table", APPEND_ONLY_TABLES)
@pytest.mark.parametrize(
    "statement", ["UPDATE {table} SET {column} = {column}", "DELETE FROM {table}"]
)
def test_given_history_when_a_plain_update_or_delete_runs_then_the_database_refuses_it(
    history: Database, table: str, statement: str
) -> None:
    """Given a chained history, when anyone (even the ledger's own role) runs a plain
    UPDATE or DELETE on a history table, then the database refuses it and nothing changed."""
    column = "seq" if table == "ledger_chain" else "id"
    with pytest.raises(DBAPIError, match="append-only"), history.engine.begin() as conn:
        conn.execute(text(statement.format(table=table, column=column)))
    assert ChainAuditor(history).verify().ok


# --- edits of single rows ------------------------------------------------------------------


@pytest.mark.parametrize("which", ["min", "max"])
@pytest.mark.parametrize(
    ("table", "change"),
    [
        ("ledger_movements", "quantity = quantity + 1"),  # 0.00001 more: the smallest edit
        ("ledger_movements", "destination_id = source_id"),
        ("ledger_entries", "posted_after = posted_after + 100000"),
        ("ledger_entries", "delta_posted = delta_posted - 1"),
        # Business time kept beside the chained text (migration 0007): checked too.
        ("ledger_entries", "lag_class = lag_class + 1"),
        ("ledger_transactions", "reason = 'nothing to see'"),
        ("ledger_transactions", "document_no = 'QD960126I999999999'"),
        ("ledger_lineage", "quantity = quantity - 1"),
        ("ledger_accounts", "posted = posted + 1"),
        ("ledger_accounts", "pending_in = pending_in + 1"),
    ],
)
def test_given_history_when_any_row_is_edited_then_verify_fails_naming_table_and_row(
    history: Database, attacker: Connection, table: str, change: str, which: str
) -> None:
    """Given a chained history, when an attacker edits one column of the first or last
    row of a movement, entry, transaction, lineage link or account balance, then verify()
    fails and its problem names that table and that row's id."""
    row_id = _row_id(attacker, table, which)
    edited = attacker.execute(text(f"UPDATE {table} SET {change} WHERE id = :id"), {"id": row_id})
    assert edited.rowcount == 1
    attacker.commit()
    assert _names(_problem(history), table, f"id={row_id}")


@pytest.mark.parametrize("seq", [1, 3, 5])
@pytest.mark.parametrize("column", ["hash", "prev_hash", "payload"])
def test_given_history_when_a_chain_row_is_edited_then_verify_names_that_chain_row(
    history: Database, attacker: Connection, column: str, seq: int
) -> None:
    """Given a chained history, when an attacker edits the hash, the previous hash or the
    stored event text of one chain row, then verify() fails naming ledger_chain and that
    row's seq (and not some innocent row of the event)."""
    if column == "payload":
        payload = _scalar(attacker, "SELECT payload FROM ledger_chain WHERE seq = :s", s=seq)
        value = payload.replace('"actor":"test"', '"actor":"forged"')
        assert value != payload
    else:
        value = "f" * 64
    attacker.execute(
        text(f"UPDATE ledger_chain SET {column} = :v WHERE seq = :s"), {"v": value, "s": seq}
    )
    attacker.commit()
    assert _names(_problem(history), "ledger_chain", f"seq={seq}")


# --- deleted and added rows ---------------------------------------------------------------------


def test_given_a_linked_group_when_one_of_its_legs_is_deleted_then_verify_names_the_missing_row(
    history: Database, attacker: Connection
) -> None:
    """Given the 3-leg work order, when an attacker deletes its first leg (and the entries
    it made), then verify() fails naming that movement, not one of the legs left."""
    txn = _scalar(attacker, "SELECT id FROM ledger_transactions WHERE client_id = 'work-order'")
    leg0 = _scalar(
        attacker, "SELECT id FROM ledger_movements WHERE transaction_id = :t AND leg_no = 0", t=txn
    )
    attacker.execute(text("DELETE FROM ledger_entries WHERE movement_id = :m"), {"m": leg0})
    attacker.execute(text("DELETE FROM ledger_movements WHERE id = :m"), {"m": leg0})
    attacker.commit()
    problem = _problem(history)
    assert _names(problem, "ledger_movements", f"id={leg0}")
    assert "missing" in problem


def test_given_history_when_one_entry_is_deleted_then_verify_names_it(
    history: Database, attacker: Connection
) -> None:
    entry = _row_id(attacker, "ledger_entries", "min")
    attacker.execute(text("DELETE FROM ledger_entries WHERE id = :e"), {"e": entry})
    attacker.commit()
    problem = _problem(history)
    assert _names(problem, "ledger_entries", f"id={entry}")
    assert "missing" in problem


def test_given_history_when_a_chain_row_in_the_middle_is_deleted_then_verify_names_the_gap(
    history: Database, attacker: Connection
) -> None:
    attacker.execute(text("DELETE FROM ledger_chain WHERE seq = 3"))
    attacker.commit()
    problem = _problem(history)
    assert _names(problem, "ledger_chain", "seq=3")
    assert "missing" in problem


def test_given_history_when_a_transaction_is_slipped_in_unchained_then_verify_names_it(
    history: Database, attacker: Connection
) -> None:
    """Given a chained history, when an attacker inserts a transaction row behind the
    ledger's back, then verify() fails naming it as not chained."""
    attacker.execute(
        text(
            "INSERT INTO ledger_transactions (client_id, operation, actor, reason,"
            " occurred_at, recorded_at, fingerprint)"
            " SELECT 'slipped-in', operation, actor, reason, occurred_at, recorded_at,"
            " fingerprint FROM ledger_transactions WHERE client_id = 'entry-a'"
        )
    )
    forged = _scalar(attacker, "SELECT id FROM ledger_transactions WHERE client_id = 'slipped-in'")
    attacker.commit()
    problem = _problem(history)
    assert _names(problem, "ledger_transactions", f"id={forged}")
    assert "not chained" in problem


def test_given_history_when_a_leg_is_added_to_a_chained_event_then_verify_names_it(
    history: Database, attacker: Connection
) -> None:
    """Given a chained history, when an attacker adds a movement to an existing event
    (a second receipt of the same goods), then verify() fails naming the added row."""
    attacker.execute(
        text(
            "INSERT INTO ledger_movements (transaction_id, leg_no, phase, source_id,"
            " destination_id, item_id, unit, quantity, first_legal_quantity)"
            " SELECT transaction_id, 1, phase, source_id, destination_id, item_id, unit,"
            " quantity, first_legal_quantity FROM ledger_movements WHERE id = 1"
        )
    )
    added = _row_id(attacker, "ledger_movements", "max")
    attacker.commit()
    problem = _problem(history)
    assert _names(problem, "ledger_movements", f"id={added}")
    assert "added" in problem


# --- anchors: rewrites and truncations ------------------------------------------------------


def _rewrite_the_whole_chain(conn: Connection, new_actor: str) -> None:
    """Change who made the first entry, then recompute every event's text and hash and the
    head, as an attacker who knows the hashing scheme would: the chain is consistent again."""
    conn.execute(
        text("UPDATE ledger_transactions SET actor = :a WHERE client_id = 'entry-a'"),
        {"a": new_actor},
    )
    events = conn.execute(text("SELECT seq, payload FROM ledger_chain ORDER BY seq")).all()
    prev = GENESIS_HASH
    for seq, payload in events:
        body = json.loads(payload)
        if body["transaction"]["client_id"] == "entry-a":
            body["transaction"]["actor"] = new_actor
        payload = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        digest = link_hash(prev, payload)
        conn.execute(
            text("UPDATE ledger_chain SET payload = :p, prev_hash = :v, hash = :h WHERE seq = :s"),
            {"p": payload, "v": prev, "h": digest, "s": seq},
        )
        prev = digest
    conn.execute(text("UPDATE ledger_chain_head SET hash = :h"), {"h": prev})


def test_given_an_anchor_when_more_is_posted_then_verify_against_it_still_passes(
    history: Database,
) -> None:
    """Given an auditor's anchor of the chain head, when the ledger goes on posting, then
    the longer chain still verifies against the anchor (it extends what was anchored)."""
    auditor = ChainAuditor(history)
    anchor = auditor.anchor()
    assert anchor.seq == 5
    ledger = Ledger(history)
    ledger.execute(request("later-1", leg("5", outside("abroad"), stock("L2"))))
    ledger.execute(request("later-2", leg("5", stock("L2"), outside("domestic")), reserve=True))
    ledger.resolve(resolve("later-2-void", "later-2", post=False))
    result = auditor.verify(anchor)
    assert result.ok, result.problem
    assert result.events_checked == 8


def test_given_an_anchor_of_an_empty_ledger_when_history_grows_then_it_still_verifies(
    db: Database,
) -> None:
    anchor = ChainAuditor(db).anchor()
    assert (anchor.seq, anchor.hash) == (0, GENESIS_HASH)
    zone = make_zone(db)
    zone.lot("L1")
    Ledger(db).execute(request("entry", leg("1", outside("abroad"), stock("L1"))))
    assert ChainAuditor(db).verify(anchor).ok


def test_given_an_anchor_when_history_is_rewritten_consistently_then_only_the_anchor_catches_it(
    history: Database,
) -> None:
    """Given an anchor taken after 5 events and one more posting, when an attacker edits
    the first event and recomputes every hash and the head (a full rewrite), then plain
    verify() passes, but verify(anchor) fails and says history was rewritten."""
    auditor = ChainAuditor(history)
    anchor = auditor.anchor()
    Ledger(history).execute(request("later", leg("5", outside("abroad"), stock("L2"))))

    with history.engine.begin() as conn:
        if history.dialect == "sqlite":
            _bypass_triggers(conn, "sqlite")
        else:  # the other way round the guard on PostgreSQL: disable the triggers
            for table in APPEND_ONLY_TABLES:
                conn.exec_driver_sql(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        _rewrite_the_whole_chain(conn, "someone else")
        if history.dialect == "postgresql":
            for table in APPEND_ONLY_TABLES:
                conn.exec_driver_sql(f"ALTER TABLE {table} ENABLE TRIGGER USER")

    assert auditor.verify().ok, "a full rewrite is self-consistent: only an anchor shows it"
    result = auditor.verify(anchor)
    assert not result.ok
    assert result.problem is not None
    assert "rewritten" in result.problem
    assert result.broken_seq == anchor.seq


def _truncate(conn: Connection, keep: int) -> None:
    """Delete every event after seq `keep` with all its rows, put each account's balances
    back to its newest remaining entry, and move the head: a clean, consistent cut."""
    txns = [
        r[0]
        for r in conn.execute(
            text("SELECT transaction_id FROM ledger_chain WHERE seq > :k"), {"k": keep}
        )
    ]
    for txn in txns:
        conn.execute(
            text(
                "DELETE FROM ledger_entries WHERE movement_id IN"
                " (SELECT id FROM ledger_movements WHERE transaction_id = :t)"
            ),
            {"t": txn},
        )
        for table, column in (
            ("ledger_movements", "transaction_id"),
            ("ledger_lineage", "transaction_id"),
            ("ledger_chain", "transaction_id"),
        ):
            conn.execute(text(f"DELETE FROM {table} WHERE {column} = :t"), {"t": txn})
    for txn in sorted(txns, reverse=True):  # resolutions point at their reservations
        conn.execute(text("DELETE FROM ledger_transactions WHERE id = :t"), {"t": txn})
    for column in ("posted", "pending_out", "pending_in"):
        conn.execute(
            text(
                f"UPDATE ledger_accounts SET {column} = coalesce((SELECT e.{column}_after"
                " FROM ledger_entries e WHERE e.account_id = ledger_accounts.id"
                " ORDER BY e.id DESC LIMIT 1), 0)"
            )
        )
    seq, digest = conn.execute(
        text("SELECT seq, hash FROM ledger_chain ORDER BY seq DESC LIMIT 1")
    ).one()
    conn.execute(text("UPDATE ledger_chain_head SET seq = :s, hash = :h"), {"s": seq, "h": digest})


def test_given_an_anchor_when_the_last_events_are_cut_off_then_the_anchor_catches_it(
    history: Database,
) -> None:
    """Given an anchor taken after 5 events, when an attacker deletes the last two (the
    export's reservation and its gate posting) with all their rows, restores the balances
    and moves the head back, then plain verify() passes, but verify(anchor) fails and
    says history was truncated."""
    auditor = ChainAuditor(history)
    anchor = auditor.anchor()

    with history.engine.begin() as conn:
        _bypass_triggers(conn, history.dialect)
        _truncate(conn, keep=3)

    plain = auditor.verify()
    assert plain.ok, plain.problem
    assert plain.head_seq == 3
    result = auditor.verify(anchor)
    assert not result.ok
    assert result.problem is not None
    assert "truncated" in result.problem
