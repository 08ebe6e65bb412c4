"""Tampering: any edit of stored history is caught and named; anchors catch rewrites.

The history tables refuse UPDATE and DELETE through triggers, so these tests act as
an attacker with database admin rights would: on SQLite they drop the triggers, on
PostgreSQL they set session_replication_role = replica (which skips triggers).
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError

from adapters.db.engine import Database
from adapters.db.models import APPEND_ONLY_TABLES
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


@pytest.fixture
def history(db: Database) -> Database:
    """Entry, processing with lineage, a reservation posted at the gate: 4 events."""
    zone = make_zone(db)
    for lot in ("L1", "L2"):
        zone.lot(lot)
    zone.lot("M1", item_no=MODULE)
    ledger = Ledger(db)
    ledger.execute(request("entry", leg("1000", outside("abroad"), stock("L1"))))
    ledger.execute(
        request(
            "work-order",
            leg("294", stock("L1"), outside("processing")),
            leg("2", outside("processing"), stock("M1", LINE), item_no=MODULE),
            lineage=(consumed("M1", "L1", "294"),),
        )
    )
    ledger.execute(
        request(
            "export", leg("1", stock("M1", LINE), outside("abroad"), item_no=MODULE), reserve=True
        )
    )
    ledger.resolve(resolve("export-gate", "export"))
    assert ChainAuditor(db).verify().ok
    return db


@pytest.fixture
def attacker(history: Database) -> Iterator[Connection]:
    """A connection that bypasses the append-only triggers, committed at the end."""
    with history.engine.begin() as conn:
        if history.dialect == "sqlite":
            for table in APPEND_ONLY_TABLES:
                for action in ("update", "delete"):
                    conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table}_no_{action}")
        else:
            conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
        yield conn


def _problem(db: Database) -> str:
    result = ChainAuditor(db).verify()
    assert not result.ok
    assert result.problem is not None
    return result.problem


def _first_id(conn: Connection, table: str) -> int:
    value = conn.execute(text(f"SELECT min(id) FROM {table}")).scalar_one()
    assert isinstance(value, int)
    return value


def test_the_history_tables_refuse_updates_and_deletes(history: Database) -> None:
    for statement in (
        "UPDATE ledger_movements SET quantity = quantity + 1",
        "DELETE FROM ledger_entries",
        "UPDATE ledger_chain SET hash = 'x'",
        "DELETE FROM ledger_transactions",
    ):
        with pytest.raises(DBAPIError, match="append-only"), history.engine.begin() as conn:
            conn.execute(text(statement))
    assert ChainAuditor(history).verify().ok


@pytest.mark.parametrize(
    ("table", "change", "named"),
    [
        ("ledger_movements", "quantity = quantity + 1", "ledger_movements row id={id}"),
        ("ledger_entries", "posted_after = posted_after + 100000", "ledger_entries row id={id}"),
        ("ledger_transactions", "reason = 'nothing to see'", "ledger_transactions row id={id}"),
        ("ledger_lineage", "quantity = quantity - 1", "ledger_lineage row id={id}"),
        ("ledger_accounts", "posted = posted + 1", "ledger_accounts row id={id}"),
    ],
)
def test_editing_a_row_breaks_verification_and_names_the_row(
    history: Database, attacker: Connection, table: str, change: str, named: str
) -> None:
    row_id = _first_id(attacker, table)
    attacker.execute(text(f"UPDATE {table} SET {change} WHERE id = :id"), {"id": row_id})
    attacker.commit()
    assert named.format(id=row_id) in _problem(history)


def test_editing_a_chain_hash_names_the_chain_row(history: Database, attacker: Connection) -> None:
    attacker.execute(text("UPDATE ledger_chain SET hash = :h WHERE seq = 2"), {"h": "f" * 64})
    attacker.commit()
    problem = _problem(history)
    assert "ledger_chain row seq=2" in problem


def test_editing_a_chained_event_text_is_caught(history: Database, attacker: Connection) -> None:
    payload = attacker.execute(text("SELECT payload FROM ledger_chain WHERE seq = 1")).scalar_one()
    forged = payload.replace('"reason":"test"', '"reason":"forged"')
    assert forged != payload
    attacker.execute(text("UPDATE ledger_chain SET payload = :p WHERE seq = 1"), {"p": forged})
    attacker.commit()
    assert "event 1" in _problem(history)


def test_deleting_a_movement_is_caught(history: Database, attacker: Connection) -> None:
    movement_id = _first_id(attacker, "ledger_movements")
    attacker.execute(text("DELETE FROM ledger_entries WHERE movement_id = :m"), {"m": movement_id})
    attacker.execute(text("DELETE FROM ledger_movements WHERE id = :m"), {"m": movement_id})
    attacker.commit()
    assert "event 1" in _problem(history)


def test_an_anchor_catches_a_consistent_rewrite_of_the_whole_chain(history: Database) -> None:
    auditor = ChainAuditor(history)
    anchor = auditor.anchor()
    Ledger(history).execute(request("later", leg("5", outside("abroad"), stock("L2"))))
    assert auditor.verify(anchor).ok  # the chain grew: still consistent with the anchor

    # The attacker changes who did the first entry and re-hashes everything after it.
    with history.engine.begin() as conn:
        if history.dialect == "sqlite":
            for table in APPEND_ONLY_TABLES:
                conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table}_no_update")
        else:
            conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
        conn.execute(text("UPDATE ledger_transactions SET actor = 'someone else' WHERE id = 1"))
        events = conn.execute(text("SELECT seq, payload FROM ledger_chain ORDER BY seq")).all()
        prev = GENESIS_HASH
        for seq, payload in events:
            if seq == 1:
                body = json.loads(payload)
                body["transaction"]["actor"] = "someone else"
                payload = json.dumps(
                    body, sort_keys=True, separators=(",", ":"), ensure_ascii=False
                )
            digest = link_hash(prev, payload)
            conn.execute(
                text(
                    "UPDATE ledger_chain SET payload = :p, prev_hash = :v, hash = :h WHERE seq = :s"
                ),
                {"p": payload, "v": prev, "h": digest, "s": seq},
            )
            prev = digest
        conn.execute(text("UPDATE ledger_chain_head SET hash = :h"), {"h": prev})

    assert auditor.verify().ok, "a full rewrite is self-consistent: only an anchor shows it"
    result = auditor.verify(anchor)
    assert not result.ok
    assert result.problem is not None
    assert "rewritten" in result.problem


def test_an_anchor_catches_a_truncated_history(history: Database) -> None:
    auditor = ChainAuditor(history)
    Ledger(history).execute(request("later", leg("5", outside("abroad"), stock("L2"))))
    anchor = auditor.anchor()

    # The attacker removes the last event and puts the balances back as they were.
    with history.engine.begin() as conn:
        if history.dialect == "sqlite":
            for table in APPEND_ONLY_TABLES:
                conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table}_no_delete")
        else:
            conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
        txn = conn.execute(
            text("SELECT id FROM ledger_transactions WHERE client_id = 'later'")
        ).scalar_one()
        movements = [
            r[0]
            for r in conn.execute(
                text("SELECT id FROM ledger_movements WHERE transaction_id = :t"), {"t": txn}
            )
        ]
        accounts = [
            r[0]
            for r in conn.execute(
                text("SELECT account_id FROM ledger_entries WHERE movement_id = :m"),
                {"m": movements[0]},
            )
        ]
        conn.execute(text("DELETE FROM ledger_entries WHERE movement_id = :m"), {"m": movements[0]})
        conn.execute(text("DELETE FROM ledger_movements WHERE transaction_id = :t"), {"t": txn})
        conn.execute(text("DELETE FROM ledger_chain WHERE transaction_id = :t"), {"t": txn})
        conn.execute(text("DELETE FROM ledger_transactions WHERE id = :t"), {"t": txn})
        for account in accounts:
            conn.execute(
                text(
                    "UPDATE ledger_accounts SET posted = coalesce((SELECT posted_after"
                    " FROM ledger_entries WHERE account_id = :a ORDER BY id DESC LIMIT 1), 0)"
                    " WHERE id = :a"
                ),
                {"a": account},
            )
        head = conn.execute(
            text("SELECT seq, hash FROM ledger_chain ORDER BY seq DESC LIMIT 1")
        ).one()
        conn.execute(
            text("UPDATE ledger_chain_head SET seq = :s, hash = :h"), {"s": head[0], "h": head[1]}
        )

    assert auditor.verify().ok, "a clean truncation is self-consistent: only an anchor shows it"
    result = auditor.verify(anchor)
    assert not result.ok
    assert result.problem is not None
    assert "truncated" in result.problem
