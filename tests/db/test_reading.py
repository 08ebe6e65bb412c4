"""Database.reading: on SQLite a reader neither waits for the write lock nor takes it."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from sqlalchemy import text

from adapters.db.engine import create_database


def test_a_reader_reads_the_last_commit_while_a_writer_holds_the_lock_and_takes_none(
    tmp_path: Path,
) -> None:
    """Given a writer holding SQLite's write lock with an uncommitted row, when a reader
    reads, then it answers at once with the last committed state; and while that
    reader is open, another writer can still take the lock."""
    path = tmp_path / "reading.db"
    db = create_database(f"sqlite:///{path}")
    try:
        with db.transaction() as session:
            session.execute(text("CREATE TABLE t (x INTEGER)"))
            session.execute(text("INSERT INTO t VALUES (1)"))

        with db.transaction() as writer:
            writer.execute(text("INSERT INTO t VALUES (2)"))
            started = time.perf_counter()
            with db.reading() as reader:
                assert reader.execute(text("SELECT count(*) FROM t")).scalar() == 1
            assert time.perf_counter() - started < 1.0  # the busy timeout is 30 s

        with db.reading() as reader:
            assert reader.execute(text("SELECT count(*) FROM t")).scalar() == 2
            other = sqlite3.connect(path, timeout=0.1, isolation_level=None)
            try:
                other.execute("BEGIN IMMEDIATE")  # raises "database is locked" if held
                other.execute("ROLLBACK")
            finally:
                other.close()
    finally:
        db.dispose()
