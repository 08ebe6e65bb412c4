"""What the simulated customs remembers between files and restarts.

Numbers it issued (pre-entry numbers, list, pass and declaration numbers), each
document's state, and the OutBox files already answered (so a restart never
answers a file twice).

On disk (``StateStore``): a snapshot, ``state.json``, and a journal beside it,
``state.journal``, with one JSON line per answer: the counters, the records the
answer created or changed (each record marks itself when an attribute is set), the
file answered. An answer costs one appended line, however long the history; the
state stays in memory between answers and is read again only when the files
changed under it (another simulator on the same folder). Loading replays the
journal over the snapshot (a torn last line, from a crash in mid-write, was never
committed: it is dropped) and folds it into a new snapshot; so does an answer once
the journal is long.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


class _Marked:
    """A record that notes when any attribute is set (``changed``), so only the
    records an answer touched are written to the journal."""

    changed: bool

    def __setattr__(self, name: str, value: Any) -> None:
        object.__setattr__(self, name, value)
        if name != "changed":
            object.__setattr__(self, "changed", True)


@dataclass
class ListRecord(_Marked):
    """A bonded list as customs knows it."""

    inner_no: str
    seq_no: str
    ie: str
    change_count: int
    sender_id: str
    status: str = "stored"  # stored | approved | returned | deleted | posted
    list_no: str | None = None
    declaration_seq_no: str | None = None
    generates_declaration: bool = False
    # What customs holds of the list once approved (BondInvtBsc and BondInvtDt as
    # element texts), echoed again when it is posted (INV211).
    head_echo: dict[str, str | None] = field(default_factory=dict)
    lines_echo: list[dict[str, str | None]] = field(default_factory=list)


@dataclass
class PassRecord(_Marked):
    inner_no: str
    seq_no: str
    sender_id: str
    pass_no: str | None = None
    status: str = "stored"  # stored | approved | returned | passed
    returned_once: bool = False  # the simulated vehicle check returns a pass only once


@dataclass
class DeclarationRecord(_Marked):
    client_seq_no: str
    seq_no: str
    ie: str
    entry_id: str | None = None
    status: str = "accepted"


@dataclass
class SimulatorState:
    counters: dict[str, int] = field(default_factory=dict)
    lists: dict[str, ListRecord] = field(default_factory=dict)  # by enterprise number
    passes: dict[str, PassRecord] = field(default_factory=dict)
    declarations: dict[str, DeclarationRecord] = field(default_factory=dict)  # by seq no
    answered: list[str] = field(default_factory=list)  # OutBox file names
    refused: list[str] = field(default_factory=list)  # the ones the client refused

    def __post_init__(self) -> None:
        self._answered = set(self.answered)
        self._refused = set(self.refused)

    def was_answered(self, file_name: str) -> bool:
        return file_name in self._answered

    def was_refused(self, file_name: str) -> bool:
        return file_name in self._refused

    def mark_answered(self, file_name: str, *, refused: bool) -> None:
        if file_name not in self._answered:
            self._answered.add(file_name)
            self.answered.append(file_name)
        if refused and file_name not in self._refused:
            self._refused.add(file_name)
            self.refused.append(file_name)

    def next(self, counter: str) -> int:
        value = self.counters.get(counter, 0) + 1
        self.counters[counter] = value
        return value

    def list_by_number(self, list_no: str) -> ListRecord | None:
        return next((item for item in self.lists.values() if item.list_no == list_no), None)

    def _records(self) -> Iterator[tuple[str, dict[str, Any]]]:
        yield "lists", self.lists
        yield "passes", self.passes
        yield "declarations", self.declarations

    def changes(self, file_name: str, *, refused: bool) -> dict[str, Any]:
        """One answer's journal line: the counters, the records it touched, the file."""
        line: dict[str, Any] = {"counters": dict(self.counters)}
        for kind, records in self._records():
            touched = {key: _fields(record) for key, record in records.items() if record.changed}
            if touched:
                line[kind] = touched
        line["answered"] = file_name
        line["refused"] = refused
        return line

    def apply(self, line: dict[str, Any]) -> None:
        """A journal line over this state (again: the same state)."""
        self.counters.update(line.get("counters", {}))
        for kind, make in _KINDS.items():
            records: dict[str, Any] = getattr(self, kind)
            for key, value in line.get(kind, {}).items():
                records[key] = make(**value)
        if "answered" in line:
            self.mark_answered(line["answered"], refused=bool(line.get("refused")))

    def settle(self) -> None:
        """Everything as it stands is on disk: no record is changed any more."""
        for _, records in self._records():
            for record in records.values():
                if record.changed:
                    record.changed = False

    # --- persistence ----------------------------------------------------------------

    @classmethod
    def load(cls, path: Path) -> SimulatorState:
        """The snapshot alone (``StateStore.load`` adds the journal)."""
        if not path.exists():
            return cls()
        raw: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        state = cls(
            counters=dict(raw.get("counters", {})),
            answered=list(raw.get("answered", [])),
            refused=list(raw.get("refused", [])),
        )
        for kind, make in _KINDS.items():
            records: dict[str, Any] = getattr(state, kind)
            records.update({key: make(**value) for key, value in raw.get(kind, {}).items()})
        return state

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(path.name + ".part")
        snapshot: dict[str, Any] = {"counters": self.counters}
        for kind, records in self._records():
            snapshot[kind] = {key: _fields(record) for key, record in records.items()}
        snapshot |= {
            "answered": self.answered,
            "refused": self.refused,
        }
        temporary.write_text(json.dumps(snapshot, ensure_ascii=False, indent=1), "utf-8")
        os.replace(temporary, path)


def _fields(record: Any) -> dict[str, Any]:
    return {name: getattr(record, name) for name in record.__dataclass_fields__}


_KINDS: dict[str, Callable[..., Any]] = {
    "lists": ListRecord,
    "passes": PassRecord,
    "declarations": DeclarationRecord,
}

# The journal is folded into the snapshot after this many answers.
JOURNAL_LINES = 1000


class StateStore:
    """The state in memory, ``state.json`` + ``state.journal`` on disk."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.journal = path.with_name(path.stem + ".journal")
        self._state: SimulatorState | None = None
        self._seen: tuple[object, object] | None = None
        self._lines = 0

    def _mark(self) -> tuple[object, object]:
        marks: list[tuple[int, int, int] | None] = []
        for file in (self.path, self.journal):
            try:
                found = file.stat()
            except FileNotFoundError:
                marks.append(None)
                continue
            marks.append((found.st_ino, found.st_size, found.st_mtime_ns))
        return marks[0], marks[1]

    def state(self) -> SimulatorState:
        """The state as the files hold it (from memory unless they changed)."""
        if self._state is None or self._mark() != self._seen:
            self._state = self.load()
            self._seen = self._mark()
        return self._state

    def forget(self) -> None:
        """Drop the state in memory (an answer failed half-way through changing it)."""
        self._state = None

    def load(self) -> SimulatorState:
        """The snapshot with the journal replayed, folded into a new snapshot."""
        state = SimulatorState.load(self.path)
        if self.journal.exists():
            # Each committed line ends with a newline; only what follows the last one
            # (a line torn by a crash, never committed) may be dropped. A damaged line
            # before it is refused, naming the line: replaying past it would reuse
            # numbers and answer files twice.
            *committed, _torn = self.journal.read_bytes().split(b"\n")
            for number, text in enumerate(committed, start=1):
                try:
                    line = json.loads(text)
                except ValueError as error:
                    message = f"{self.journal}:{number}: not a journal line: {error}"
                    raise ValueError(message) from None
                if not isinstance(line, dict):
                    raise ValueError(f"{self.journal}:{number}: not a journal line (an object)")
                state.apply(line)
            state.save(self.path)
            self.journal.unlink()
        state.settle()
        self._lines = 0
        return state

    def commit(self, state: SimulatorState, file_name: str, *, refused: bool) -> None:
        """The answer to ``file_name`` made: one journal line (the snapshot rewritten
        instead once the journal is long)."""
        state.mark_answered(file_name, refused=refused)
        if self._lines >= JOURNAL_LINES:
            state.save(self.path)
            self.journal.unlink(missing_ok=True)
            self._lines = 0
        else:
            line = json.dumps(state.changes(file_name, refused=refused), ensure_ascii=False)
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.journal.open("ab") as journal:
                journal.write(line.encode("utf-8") + b"\n")
            self._lines += 1
        state.settle()
        self._state = state
        self._seen = self._mark()
