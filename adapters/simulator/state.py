"""What the simulated customs remembers between files and restarts: a JSON file.

Numbers it issued (pre-entry numbers, list, pass and declaration numbers), each
document's state, and the OutBox files already answered (so a restart never
answers a file twice). Saved atomically after every file.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class ListRecord:
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
class PassRecord:
    inner_no: str
    seq_no: str
    sender_id: str
    pass_no: str | None = None
    status: str = "stored"  # stored | approved | returned | passed
    returned_once: bool = False  # the simulated vehicle check returns a pass only once


@dataclass
class DeclarationRecord:
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

    def next(self, counter: str) -> int:
        value = self.counters.get(counter, 0) + 1
        self.counters[counter] = value
        return value

    def list_by_number(self, list_no: str) -> ListRecord | None:
        return next((item for item in self.lists.values() if item.list_no == list_no), None)

    # --- persistence ----------------------------------------------------------------

    @classmethod
    def load(cls, path: Path) -> SimulatorState:
        if not path.exists():
            return cls()
        raw: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        return cls(
            counters=dict(raw.get("counters", {})),
            lists={key: ListRecord(**value) for key, value in raw.get("lists", {}).items()},
            passes={key: PassRecord(**value) for key, value in raw.get("passes", {}).items()},
            declarations={
                key: DeclarationRecord(**value)
                for key, value in raw.get("declarations", {}).items()
            },
            answered=list(raw.get("answered", [])),
            refused=list(raw.get("refused", [])),
        )

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(path.name + ".part")
        temporary.write_text(json.dumps(asdict(self), ensure_ascii=False, indent=1), "utf-8")
        os.replace(temporary, path)
