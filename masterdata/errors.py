"""Refusals of master-data changes."""

from collections.abc import Sequence
from dataclasses import dataclass

from schemas.errors import BondflowError, Conflict, NotFound
from schemas.masterdata import ImportRow
from schemas.wording import counted


class MasterDataError(BondflowError):
    code = "master_data_error"


class AlreadyRegistered(MasterDataError, Conflict):
    code = "already_registered"
    status = 409


class NotRegistered(MasterDataError, NotFound):
    code = "not_registered"
    status = 404


class LocationRetired(MasterDataError, Conflict):
    """A retired location is kept for its history but takes no new stock."""

    code = "location_retired"
    status = 409


class LocationInUse(MasterDataError, Conflict):
    """A location still holding (or expecting) stock, or with live locations under it."""

    code = "location_in_use"
    status = 409


class ImportRefused(MasterDataError):
    """An imported file with bad rows: every one is named (row, column, reason) and
    nothing of the file was registered."""

    code = "import_refused"
    status = 422

    def __init__(self, source: str, rows: Sequence[ImportRow]) -> None:
        first = rows[0]
        super().__init__(
            f"{source}: {counted(len(rows), 'bad row')}, nothing imported; row {first.row}"
            f"{f' ({first.column})' if first.column else ''}: {first.reason}",
            field=first.field,
        )
        self.source = source
        self.rows = tuple(rows)


@dataclass(frozen=True)
class RowRefusal:
    """One refused entry of a bulk registration: its index, the field and the reason."""

    index: int
    field: str | None
    reason: str


class RowsRefused(MasterDataError):
    """A bulk registration with refused entries: nothing of it was registered."""

    code = "rows_refused"

    def __init__(self, refusals: Sequence[RowRefusal]) -> None:
        first = refusals[0]
        super().__init__(
            f"{len(refusals)} entries refused, nothing registered; entry {first.index}: "
            f"{first.reason}",
            field=f"[{first.index}].{first.field}" if first.field else f"[{first.index}]",
        )
        self.refusals = tuple(refusals)
