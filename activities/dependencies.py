"""What activities work with, built once per worker process."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from adapters.db.engine import Database
from adapters.gateway.filedrop import FileDropGateway
from adapters.gateway.folders import ExchangeFolders
from codetables.tables import CodeTables
from customs.service import CustomsRecords
from ledger import Ledger
from masterdata import MasterData
from schemas.codes import DifferenceCause


@dataclass(frozen=True)
class Dependencies:
    database: Database
    masterdata: MasterData
    ledger: Ledger
    records: CustomsRecords
    gateway: FileDropGateway
    # The causes of a stocktake's shortage on which customs waives duty and taxes
    # (``Settings.stocktake_duty_waived_causes``; none by default).
    waived_causes: frozenset[DifferenceCause] = field(default=frozenset())

    @classmethod
    def build(
        cls,
        database: Database,
        folders: ExchangeFolders,
        tables: CodeTables | None = None,
        *,
        waived_causes: Collection[DifferenceCause] = (),
    ) -> Dependencies:
        records = CustomsRecords(database)
        return cls(
            waived_causes=frozenset(waived_causes),
            database=database,
            masterdata=MasterData(database),
            ledger=Ledger(database),
            records=records,
            gateway=FileDropGateway(folders, records, tables=tables),
        )
