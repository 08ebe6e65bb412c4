"""What the API's endpoints work with, built once per process."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from temporalio.client import Client

from access import AccessService
from access.sessions import ConsoleSessions
from adapters.db.engine import Database
from bondflow.settings import Settings
from console.rate_limit import SignInLimiter
from customs.service import CustomsRecords
from ledger import ChainAuditor, LedgerQueries
from ledger.periods import BookPeriods
from lifecycles.service import LifecycleService
from masterdata import MasterData
from writeoff import WriteOffs


@dataclass
class Services:
    settings: Settings
    database: Database
    temporal: Callable[[], Awaitable[Client]]  # connects on first use, then reuses
    access: AccessService = field(init=False)
    sessions: ConsoleSessions = field(init=False)  # the web console's
    sign_in_limiter: SignInLimiter = field(init=False)  # the console's, in this process
    masterdata: MasterData = field(init=False)
    ledger: LedgerQueries = field(init=False)
    auditor: ChainAuditor = field(init=False)
    periods: BookPeriods = field(init=False)
    records: CustomsRecords = field(init=False)
    lifecycles: LifecycleService = field(init=False)
    write_offs: WriteOffs = field(init=False)

    def __post_init__(self) -> None:
        self.access = AccessService(
            self.database, token_cache_seconds=self.settings.api_token_cache_seconds
        )
        self.sessions = ConsoleSessions(self.database)
        self.sign_in_limiter = SignInLimiter()
        self.masterdata = MasterData(
            self.database, owners_max_age_seconds=self.settings.api_books_cache_seconds
        )
        self.ledger = LedgerQueries(self.database)
        self.auditor = ChainAuditor(self.database)
        self.periods = BookPeriods(self.database)
        self.records = CustomsRecords(self.database)
        self.write_offs = WriteOffs(self.database)
        self.lifecycles = LifecycleService(
            self.database,
            self.masterdata,
            self.temporal,
            self.settings.task_queue,
            status_max_age_seconds=self.settings.api_status_max_age_seconds,
        )
