"""Settings from environment variables (prefix BONDFLOW_) and an optional settings file.

Precedence, highest first: environment variables, the settings file named by
BONDFLOW_SETTINGS_FILE (default ./bondflow.toml if present), built-in defaults.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from pydantic import Field, field_validator, model_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from adapters.simulator.behaviour import DEFAULT_SEED, HumanPaths, Rate
from customs.delivery_policy import RetryPolicy
from schemas.codes import DifferenceCause
from schemas.messages.codes import DEFAULT_DEC_VERSION

DEFAULT_DATA_DIR = Path("var")


def settings_file() -> Path:
    """The settings file: BONDFLOW_SETTINGS_FILE, else ./bondflow.toml if it exists."""
    return Path(os.environ.get("BONDFLOW_SETTINGS_FILE", "bondflow.toml"))


# Temporal's own default for the sticky queue's schedule-to-start timeout.
DEFAULT_STICKY_TIMEOUT_SECONDS = 10.0


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="BONDFLOW_", extra="forbid")

    data_dir: Path = Field(
        default=DEFAULT_DATA_DIR, description="where the embedded stack keeps its files"
    )
    database_url: str = Field(
        default="",
        description="SQLAlchemy URL; default: a SQLite file under data_dir",
    )
    temporal_address: str = Field(default="localhost:7233")
    temporal_namespace: str = Field(default="default")
    task_queue: str = Field(default="bondflow")
    outbox_dir: Path | None = Field(default=None, description="single-window OutBox")
    inbox_dir: Path | None = Field(default=None, description="single-window InBox")
    document_timezone: str = Field(default="Asia/Shanghai")
    code_tables_dir: Path | None = Field(
        default=None,
        description="a folder of edited code tables (CSV) instead of the shipped ones",
    )
    simulator_dir: Path | None = Field(
        default=None, description="the customs simulator's state; default: data_dir/customs-sim"
    )
    # The simulator `bondflow up` starts: how often it takes the paths that need a person
    # (`bondflow up --returns/--inspections/--weight-holds/--seed` override these).
    simulator_returns: Rate = Field(
        default=0.0, description="share of lists and gate passes returned once (0 to 1)"
    )
    simulator_inspections: Rate = Field(
        default=0.0, description="share of declarations sent to inspection (0 to 1)"
    )
    simulator_weight_holds: Rate = Field(
        default=0.0, description="share of vehicles held at the gate for their weight (0 to 1)"
    )
    simulator_seed: int = Field(default=DEFAULT_SEED, description="same seed, same answers")
    dec_message_version: str = Field(
        default=DEFAULT_DEC_VERSION,
        min_length=1,
        max_length=16,
        description=(
            "the version attribute written on DecMessage (报关单) roots; 3.1 is what every"
            " public instance says"
        ),
    )

    # Delivering receipts to their lifecycles: a failed delivery is tried again after
    # first_delay, doubling up to max_delay; at the attempts or the age bound the
    # receipt is parked for an admin (`bondflow gateway receipts --undelivered`).
    receipt_retry_attempts: int = Field(
        default=20, ge=1, le=1000, description="failed deliveries before a receipt is parked"
    )
    receipt_retry_first_delay_seconds: float = Field(
        default=2.0, gt=0, le=3600, description="the wait after a receipt's first failed delivery"
    )
    receipt_retry_max_delay_seconds: float = Field(
        default=600.0, gt=0, le=86400, description="the longest wait between deliveries"
    )
    receipt_retry_max_age_hours: float = Field(
        default=24.0, gt=0, le=24 * 365, description="a receipt undelivered this long is parked"
    )
    # The watcher reads the database for due receipts when the next attempt it knows of
    # falls due, and at least this often: a redelivery an admin decides in the API or
    # on the command line (another process) is handed on within this much of a pass.
    receipt_due_check_seconds: float = Field(
        default=1.0,
        gt=0,
        le=3600,
        description="the longest the watcher goes without looking for receipts due again",
    )
    # A stocktake's shortage of bonded goods pays duty and taxes as a domestic sale
    # would, unless customs waives its cause (e.g. ["damage"] where a zone's customs
    # accepts damage without tax: unverified, a deployment's choice). Default: none.
    stocktake_duty_waived_causes: frozenset[DifferenceCause] = Field(
        default=frozenset(),
        description="causes of a stocktake's shortage on which customs waives duty",
    )

    # A lifecycle's workflow tasks go first to the worker that ran it last (its cache
    # holds the history); when that worker is gone they wait this long, then any worker
    # takes them. Shorter: a dead worker's lifecycles resume sooner; longer: fewer
    # history replays when a busy worker is merely slow.
    worker_sticky_timeout_seconds: float = Field(
        default=DEFAULT_STICKY_TIMEOUT_SECONDS,
        gt=0,
        le=600,
        description="how long a lifecycle waits for its last worker before another takes it",
    )

    # What the API answers from memory, and for how long at most (0: never). A token
    # revoked through another process (`bondflow users revoke`) stops working within
    # api_token_cache_seconds; a lifecycle's status read may be up to
    # api_status_max_age_seconds old, and says when it was read (`read_at`); a book
    # registered through another process appears in "every book in scope" listings
    # within api_books_cache_seconds (asked for by number, at once).
    api_token_cache_seconds: float = Field(
        default=5.0, ge=0, le=300, description="how long the API trusts a token it looked up"
    )
    api_status_max_age_seconds: float = Field(
        default=1.0, ge=0, le=60, description="how old a lifecycle's status read may be"
    )
    api_books_cache_seconds: float = Field(
        default=5.0, ge=0, le=300, description="how old the API's list of books and owners may be"
    )

    console_queue_refresh_seconds: float = Field(
        default=5.0,
        gt=0,
        le=600,
        description="how often the liaison's open work queue refreshes itself in the console",
    )

    # What an operator watches (README, "Watching it run"). The API serves /metrics on
    # its own port; the worker on worker_metrics_address; the Temporal SDK's own worker
    # metrics on temporal_metrics_address. Traces go over OTLP when an endpoint is set
    # (here or in the standard OTEL_EXPORTER_OTLP_ENDPOINT), and nowhere otherwise.
    metrics_token: str | None = Field(
        default=None,
        min_length=16,
        description="when set, the API's /metrics asks for Authorization: Bearer <this>",
    )
    metrics_waiting_max_age_seconds: float = Field(
        default=5.0,
        ge=0,
        le=300,
        description="how old the waiting lifecycles' counts on the API's /metrics may be"
        " (each count is a visibility query per stage)",
    )
    worker_metrics_address: str | None = Field(
        default=None,
        pattern=r"^[^:\s]*:[0-9]{1,5}$",
        description="host:port where the worker serves /metrics (off when unset)",
    )
    temporal_metrics_address: str | None = Field(
        default=None,
        pattern=r"^[^:\s]*:[0-9]{1,5}$",
        description="host:port where the Temporal SDK serves its worker metrics (off when unset)",
    )
    otlp_endpoint: str | None = Field(
        default=None,
        description=(
            "OTLP/gRPC endpoint for traces (http://collector:4317); default: the"
            " OTEL_EXPORTER_OTLP_ENDPOINT environment variable; tracing is off without one"
        ),
    )

    @field_validator("database_url")
    @classmethod
    def _known_backend(cls, value: str) -> str:
        if value and not value.startswith(("sqlite", "postgresql")):
            raise ValueError("database_url must be a sqlite:// or postgresql:// URL")
        return value

    @model_validator(mode="after")
    def _delays_in_order(self) -> Settings:
        if self.receipt_retry_max_delay_seconds < self.receipt_retry_first_delay_seconds:
            raise ValueError(
                "receipt_retry_max_delay_seconds must not be shorter than"
                " receipt_retry_first_delay_seconds"
            )
        return self

    @property
    def receipt_retry_policy(self) -> RetryPolicy:
        return RetryPolicy(
            max_attempts=self.receipt_retry_attempts,
            first_delay=dt.timedelta(seconds=self.receipt_retry_first_delay_seconds),
            max_delay=dt.timedelta(seconds=self.receipt_retry_max_delay_seconds),
            max_age=dt.timedelta(hours=self.receipt_retry_max_age_hours),
        )

    @property
    def effective_otlp_endpoint(self) -> str | None:
        return self.otlp_endpoint or os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT") or None

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'bondflow.db').as_posix()}"

    @property
    def effective_outbox(self) -> Path:
        return self.outbox_dir or self.data_dir / "exchange" / "OutBox"

    @property
    def effective_inbox(self) -> Path:
        return self.inbox_dir or self.data_dir / "exchange" / "InBox"

    @property
    def effective_simulator_dir(self) -> Path:
        return self.simulator_dir or self.data_dir / "customs-sim"

    @property
    def simulator_paths(self) -> HumanPaths:
        return HumanPaths(
            returns=self.simulator_returns,
            inspections=self.simulator_inspections,
            weight_holds=self.simulator_weight_holds,
            seed=self.simulator_seed,
        )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        path = settings_file()
        if "BONDFLOW_SETTINGS_FILE" in os.environ and not path.is_file():
            raise FileNotFoundError(f"BONDFLOW_SETTINGS_FILE names {path}, which does not exist")
        if path.is_file():
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=path))
        return tuple(sources)
