"""The exchange directory as the single-window client lays it out, plus our own rooms.

- ``OutBox``: we write; the client (or the simulator) imports and moves each file on.
- ``SentBox`` / ``FailBox``: where the client moves files it imported or refused.
- ``InBox``: the client writes import results and receipts here.
- ``Processed``: receipts we have recorded, by day.
- ``Quarantine``: files we could not read or route, each with a ``.reason.txt``.
- ``.staging``: our half-written files; never visible in OutBox until complete.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ExchangeFolders:
    outbox: Path
    inbox: Path
    sentbox: Path
    failbox: Path
    processed: Path
    quarantine: Path
    staging: Path

    @classmethod
    def under(cls, root: Path) -> ExchangeFolders:
        """The standard layout below one exchange directory."""
        return cls(
            outbox=root / "OutBox",
            inbox=root / "InBox",
            sentbox=root / "SentBox",
            failbox=root / "FailBox",
            processed=root / "Processed",
            quarantine=root / "Quarantine",
            staging=root / ".staging",
        )

    @classmethod
    def with_boxes(cls, outbox: Path, inbox: Path) -> ExchangeFolders:
        """OutBox and InBox where the client has them; our rooms beside OutBox's parent."""
        root = outbox.parent
        return cls(
            outbox=outbox,
            inbox=inbox,
            sentbox=root / "SentBox",
            failbox=root / "FailBox",
            processed=root / "Processed",
            quarantine=root / "Quarantine",
            # Staging must be on OutBox's file system for the rename to be atomic.
            staging=outbox.parent / ".staging",
        )

    def create(self) -> ExchangeFolders:
        for folder in self.all():
            folder.mkdir(parents=True, exist_ok=True)
        return self

    def all(self) -> tuple[Path, ...]:
        return (
            self.outbox,
            self.inbox,
            self.sentbox,
            self.failbox,
            self.processed,
            self.quarantine,
            self.staging,
        )
