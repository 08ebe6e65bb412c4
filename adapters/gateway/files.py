"""Atomic file moves: a reader sees a whole file or none, never half of one."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

# The one rename everything here rests on; a name of its own so tests can cut the power.
_rename = os.replace


def sync_directory(folder: Path) -> None:
    """Make the renames into ``folder`` durable (after moves made with ``durable=False``)."""
    _fsync_directory(folder)


def _fsync_directory(folder: Path) -> None:
    # The rename is durable only once the directory entry is on disk.
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def write_atomically(target: Path, payload: bytes, staging: Path, *, durable: bool = True) -> Path:
    """Write ``payload`` under a temporary name in ``staging``, then rename it to ``target``.

    A crash before the rename leaves only a staging file (cleared by
    ``clear_staging``); a crash after it leaves the whole file. ``durable=False`` skips
    the fsyncs of the file and of its directory: safe against a killed process (the
    page cache survives it), not a power cut; the caller may fsync the directory once
    for many files (``sync_directory``).
    """
    staging.mkdir(parents=True, exist_ok=True)
    temporary = staging / f"{target.name}.{uuid.uuid4().hex}.part"
    with temporary.open("xb") as handle:
        handle.write(payload)
        if durable:
            handle.flush()
            os.fsync(handle.fileno())
    _rename(temporary, target)
    if durable:
        _fsync_directory(target.parent)
    return target


def move_atomically(
    source: Path, folder: Path, name: str | None = None, *, durable: bool = True
) -> Path:
    """Move a file into ``folder`` (same file system): never copied, never half there.

    An existing file of the same name gets a numbered name beside it, so nothing is
    overwritten. ``durable=False`` leaves the directory's fsync to the caller
    (``sync_directory``), once for many moves into the same folder.
    """
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / (name or source.name)
    counter = 1
    while target.exists():
        target = folder / f"{Path(name or source.name).stem}.{counter}{source.suffix}"
        counter += 1
    _rename(source, target)
    if durable:
        _fsync_directory(folder)
    return target


def clear_staging(staging: Path) -> list[Path]:
    """Remove files a crash left half-written; they were never visible anywhere."""
    removed = []
    if staging.exists():
        for leftover in staging.glob("*.part"):
            leftover.unlink(missing_ok=True)
            removed.append(leftover)
    return removed
