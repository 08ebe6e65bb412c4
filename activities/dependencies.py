"""What activities work with, built once per worker process."""

from __future__ import annotations

from dataclasses import dataclass

from adapters.db.engine import Database
from adapters.gateway.filedrop import FileDropGateway
from adapters.gateway.folders import ExchangeFolders
from codetables.tables import CodeTables
from customs.service import CustomsRecords
from ledger import Ledger
from masterdata import MasterData


@dataclass(frozen=True)
class Dependencies:
    database: Database
    masterdata: MasterData
    ledger: Ledger
    records: CustomsRecords
    gateway: FileDropGateway

    @classmethod
    def build(
        cls, database: Database, folders: ExchangeFolders, tables: CodeTables | None = None
    ) -> Dependencies:
        records = CustomsRecords(database)
        return cls(
            database=database,
            masterdata=MasterData(database),
            ledger=Ledger(database),
            records=records,
            gateway=FileDropGateway(folders, records, tables=tables),
        )
