"""What activities work with, built once per worker process."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field, replace

from temporalio.client import Client

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
    # The worker's Temporal client: a write-off reads its stocktake's counts from the
    # stocktake's status query (set by ``bondflow.worker.build_worker``).
    temporal: Client | None = None

    def with_temporal(self, client: Client) -> Dependencies:
        return self if self.temporal is client else replace(self, temporal=client)

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
