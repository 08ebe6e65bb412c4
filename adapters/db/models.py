"""ORM models: master data and the ledger's tables.

The ledger's history tables (transactions, movements, entries, lineage, chain)
are append-only: the migrations add triggers that refuse UPDATE and DELETE on
them, on SQLite and PostgreSQL. Stock accounts hold the current balances,
kept in the same transaction as the movements that change them.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from adapters.db.types import ScaledDecimal, TextDecimal, UTCDateTime
from schemas.quantities import AMOUNT_PLACES, QUANTITY_PLACES

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

Quantity = ScaledDecimal(QUANTITY_PLACES)
Money = ScaledDecimal(AMOUNT_PLACES)
# BIGINT on PostgreSQL; on SQLite an INTEGER PRIMARY KEY is the rowid and auto-increments.
Id = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


# --- master data ---------------------------------------------------------------


class Enterprise(Base):
    """A zone enterprise or declaring agent (企业)."""

    __tablename__ = "enterprises"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    customs_code: Mapped[str] = mapped_column(String(10), unique=True)
    credit_code: Mapped[str] = mapped_column(String(18), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    roles: Mapped[str] = mapped_column(String(200), doc="comma-separated EnterpriseRole values")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class AccountBook(Base):
    """An account book (账册) of one enterprise: H processing, T logistics."""

    __tablename__ = "account_books"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    book_no: Mapped[str] = mapped_column(String(12), unique=True)
    book_type: Mapped[str] = mapped_column(String(1))
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id"), index=True)
    customs_district: Mapped[str] = mapped_column(String(4))
    valid_from: Mapped[dt.date] = mapped_column(Date())
    valid_to: Mapped[dt.date] = mapped_column(Date())
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class BookItem(Base):
    """A registered item of a book (备案序号 + 料号 + HS code + units)."""

    __tablename__ = "book_items"
    __table_args__ = (
        UniqueConstraint("book_id", "item_no", name="uq_book_items_book_item_no"),
        UniqueConstraint("book_id", "part_no", name="uq_book_items_book_part_no"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    book_id: Mapped[int] = mapped_column(ForeignKey("account_books.id"))
    item_no: Mapped[int] = mapped_column(Integer())
    part_no: Mapped[str] = mapped_column(String(64))
    hs_code: Mapped[str] = mapped_column(String(10))
    name: Mapped[str] = mapped_column(String(255))
    specification: Mapped[str] = mapped_column(String(255))
    declared_unit: Mapped[str] = mapped_column(String(3))
    first_legal_unit: Mapped[str] = mapped_column(String(3))
    first_legal_factor: Mapped[Decimal] = mapped_column(TextDecimal())
    second_legal_unit: Mapped[str | None] = mapped_column(String(3))
    second_legal_factor: Mapped[Decimal | None] = mapped_column(TextDecimal())
    is_finished_good: Mapped[bool] = mapped_column(Boolean())


class ConsumptionNorm(Base):
    """A consumption norm (单耗) version: material per unit of finished goods."""

    __tablename__ = "consumption_norms"
    __table_args__ = (
        UniqueConstraint(
            "finished_item_id", "material_item_id", "version", name="uq_consumption_norms_version"
        ),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    book_id: Mapped[int] = mapped_column(ForeignKey("account_books.id"), index=True)
    finished_item_id: Mapped[int] = mapped_column(ForeignKey("book_items.id"))
    material_item_id: Mapped[int] = mapped_column(ForeignKey("book_items.id"))
    version: Mapped[int] = mapped_column(Integer())
    net_consumption: Mapped[Decimal] = mapped_column(TextDecimal())
    loss_rate: Mapped[Decimal] = mapped_column(TextDecimal())
    effective_from: Mapped[dt.date] = mapped_column(Date())


class Location(Base):
    """A place in the zone: area, warehouse or bin. It belongs to an enterprise or, with
    no enterprise, to the whole zone (the zone operator's). A retired location is kept
    (history points at it) but takes no new stock."""

    __tablename__ = "locations"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id"))
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprises.id"), index=True)
    cold_store: Mapped[bool] = mapped_column(Boolean, server_default=false())
    retired_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    retired_by: Mapped[str | None] = mapped_column(String(120))


class Lot(Base):
    """A lot (批次) of one book item."""

    __tablename__ = "lots"
    __table_args__ = (UniqueConstraint("book_id", "lot_no", name="uq_lots_book_lot_no"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    book_id: Mapped[int] = mapped_column(ForeignKey("account_books.id"))
    item_id: Mapped[int] = mapped_column(ForeignKey("book_items.id"), index=True)
    lot_no: Mapped[str] = mapped_column(String(64))
    origin: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


# --- the ledger ----------------------------------------------------------------


class LedgerAccount(Base):
    """A stock position or an outside account, with its current balances.

    `key` is the natural key as text, unique: stock accounts are
    ``stock|book|item|lot|location|status``, outside ones ``party|book|item``.
    """

    __tablename__ = "ledger_accounts"
    __table_args__ = (
        CheckConstraint(
            "kind <> 'stock' OR (posted >= 0 AND pending_out >= 0 AND pending_in >= 0"
            " AND posted - pending_out >= 0)",
            name="stock_never_negative",
        ),
        CheckConstraint("pending_out >= 0 AND pending_in >= 0", name="pending_non_negative"),
        Index("ix_ledger_accounts_book_item", "book_id", "item_id"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    key: Mapped[str] = mapped_column(String(300), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    book_id: Mapped[int] = mapped_column(ForeignKey("account_books.id"))
    item_id: Mapped[int] = mapped_column(ForeignKey("book_items.id"))
    lot_id: Mapped[int | None] = mapped_column(ForeignKey("lots.id"), index=True)
    location_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id"))
    status: Mapped[str | None] = mapped_column(String(20))
    posted: Mapped[Decimal] = mapped_column(Quantity)
    pending_out: Mapped[Decimal] = mapped_column(Quantity)
    pending_in: Mapped[Decimal] = mapped_column(Quantity)


class LedgerTransaction(Base):
    """One ledger event: a linked group of legs, or the resolution of a reservation."""

    __tablename__ = "ledger_transactions"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    client_id: Mapped[str] = mapped_column(String(200), unique=True)
    operation: Mapped[str] = mapped_column(String(20))
    # A reservation is resolved (posted or voided) at most once: UNIQUE enforces it
    # even for two resolutions racing on different connections.
    reservation_id: Mapped[int | None] = mapped_column(
        ForeignKey("ledger_transactions.id"), unique=True
    )
    document_type: Mapped[str | None] = mapped_column(String(30))
    document_no: Mapped[str | None] = mapped_column(String(64))
    actor: Mapped[str] = mapped_column(String(120))
    reason: Mapped[str] = mapped_column(String(500))
    occurred_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    fingerprint: Mapped[str] = mapped_column(String(64))

    __table_args__ = (Index("ix_ledger_transactions_document", "document_type", "document_no"),)


class Movement(Base):
    """One leg: a quantity of one book item from one account to another."""

    __tablename__ = "ledger_movements"
    __table_args__ = (
        UniqueConstraint("transaction_id", "leg_no", name="uq_ledger_movements_leg"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        Index("ix_ledger_movements_source", "source_id", "id"),
        Index("ix_ledger_movements_destination", "destination_id", "id"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    transaction_id: Mapped[int] = mapped_column(ForeignKey("ledger_transactions.id"))
    leg_no: Mapped[int] = mapped_column(Integer())
    phase: Mapped[str] = mapped_column(String(10))
    source_id: Mapped[int] = mapped_column(ForeignKey("ledger_accounts.id"))
    destination_id: Mapped[int] = mapped_column(ForeignKey("ledger_accounts.id"))
    item_id: Mapped[int] = mapped_column(ForeignKey("book_items.id"))
    unit: Mapped[str] = mapped_column(String(3))
    quantity: Mapped[Decimal] = mapped_column(Quantity)
    first_legal_quantity: Mapped[Decimal] = mapped_column(TextDecimal())
    second_legal_quantity: Mapped[Decimal | None] = mapped_column(TextDecimal())
    amount: Mapped[Decimal | None] = mapped_column(Money)
    currency: Mapped[str | None] = mapped_column(String(3))


class AccountEntry(Base):
    """One change of one account's balances, with the balances after it.

    Running balances make "as of" a single index seek however long the history.
    """

    __tablename__ = "ledger_entries"
    __table_args__ = (
        # "as of t": the newest entry of an account at or before t.
        Index("ix_ledger_entries_account_time", "account_id", "recorded_at", "id"),
        # history pages: an account's entries in id order, from an entry id on.
        Index("ix_ledger_entries_account_id", "account_id", "id"),
        # "as of T as known at K": the entries of one lag class recorded near T
        # (ledger/timeline.py), covering: the corrections read the index only (0009).
        Index(
            "ix_ledger_entries_account_lag_covering",
            "account_id",
            "lag_class",
            "recorded_at",
            "occurred_at",
            "delta_posted",
            "delta_pending_out",
            "delta_pending_in",
        ),
        # an account's entries in business order (lot movements as of an instant).
        Index("ix_ledger_entries_account_occurred", "account_id", "occurred_at", "id"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("ledger_accounts.id"))
    movement_id: Mapped[int] = mapped_column(ForeignKey("ledger_movements.id"), index=True)
    delta_posted: Mapped[Decimal] = mapped_column(Quantity)
    delta_pending_out: Mapped[Decimal] = mapped_column(Quantity)
    delta_pending_in: Mapped[Decimal] = mapped_column(Quantity)
    posted_after: Mapped[Decimal] = mapped_column(Quantity)
    pending_out_after: Mapped[Decimal] = mapped_column(Quantity)
    pending_in_after: Mapped[Decimal] = mapped_column(Quantity)
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    # The transaction's business instant, kept beside the record instant (migration 0007)
    # and how far apart they are (ledger.timeline.lag_class); `verify` checks both.
    occurred_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    lag_class: Mapped[int] = mapped_column(Integer())


class LineageLink(Base):
    """Produced lot `output_lot` consumed `quantity` of `input_lot` (transaction)."""

    __tablename__ = "ledger_lineage"
    __table_args__ = (CheckConstraint("quantity > 0", name="quantity_positive"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    transaction_id: Mapped[int] = mapped_column(ForeignKey("ledger_transactions.id"), index=True)
    output_lot_id: Mapped[int] = mapped_column(ForeignKey("lots.id"), index=True)
    input_lot_id: Mapped[int] = mapped_column(ForeignKey("lots.id"), index=True)
    quantity: Mapped[Decimal] = mapped_column(Quantity)


class ChainEvent(Base):
    """The audit chain: hash_n = SHA-256(hash_{n-1} || canonical(event_n))."""

    __tablename__ = "ledger_chain"

    seq: Mapped[int] = mapped_column(BigInteger(), primary_key=True, autoincrement=False)
    transaction_id: Mapped[int] = mapped_column(ForeignKey("ledger_transactions.id"), unique=True)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    # The canonical event as hashed: lets `verify` name the row that was changed.
    payload: Mapped[str] = mapped_column(Text())
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class LedgerPeriod(Base):
    """A book's period (账期): a month, a quarter or a verification period (核销周期), as
    Beijing days [first_day, last_day] and the instants [starts_at, ends_at). While it is
    closed, nothing dated before ends_at is written to the book. Every close and reopen
    is a chained ledger transaction (operation close_period / reopen_period)."""

    __tablename__ = "ledger_periods"
    __table_args__ = (
        UniqueConstraint("book_id", "first_day", "last_day", name="uq_ledger_periods_days"),
        Index("ix_ledger_periods_guard", "book_id", "closed", "ends_at"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    book_id: Mapped[int] = mapped_column(ForeignKey("account_books.id"))
    kind: Mapped[str] = mapped_column(String(20))
    first_day: Mapped[dt.date] = mapped_column(Date())
    last_day: Mapped[dt.date] = mapped_column(Date())
    starts_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    closed: Mapped[bool] = mapped_column(Boolean())
    # The chained transaction of the latest close or reopen.
    last_transaction_id: Mapped[int] = mapped_column(ForeignKey("ledger_transactions.id"))


class ChainHead(Base):
    """One row: the newest link. Appending locks it, which orders the chain."""

    __tablename__ = "ledger_chain_head"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(Integer(), primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(BigInteger())
    hash: Mapped[str] = mapped_column(String(64))
    # Bumped by every period close and reopen (ledger/periods.py): postings read it with
    # the head they lock and reload the closed periods only when it moved.
    periods_version: Mapped[int] = mapped_column(BigInteger(), server_default=text("0"))


# --- the exchange with customs ------------------------------------------------------


class CustomsDocument(Base):
    """A document we file with customs, with every number customs has given it.

    Receipts are routed to it by any of these numbers: the enterprise's own number
    (企业内部编号 / ClientSeqNo) from the start, then the pre-entry number (预录入编号),
    the list or pass number, the generated declaration's number and the entry id.
    """

    __tablename__ = "customs_documents"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    enterprise_code: Mapped[str] = mapped_column(String(10))
    inner_no: Mapped[str] = mapped_column(String(64), unique=True)
    workflow_id: Mapped[str | None] = mapped_column(String(200))
    pre_entry_no: Mapped[str | None] = mapped_column(String(18), index=True)
    business_no: Mapped[str | None] = mapped_column(String(64), index=True)
    declaration_seq_no: Mapped[str | None] = mapped_column(String(18), index=True)
    entry_id: Mapped[str | None] = mapped_column(String(18), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class CustomsSubmission(Base):
    """One file we put in the OutBox: its name is unique and says what it carries."""

    __tablename__ = "customs_submissions"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("customs_documents.id"), index=True)
    message_type: Mapped[str] = mapped_column(String(32))
    file_name: Mapped[str] = mapped_column(String(255), unique=True)
    content_sha256: Mapped[str] = mapped_column(String(64))
    change_count: Mapped[int] = mapped_column(Integer())
    payload: Mapped[bytes] = mapped_column(LargeBinary())
    submitted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class CustomsReceipt(Base):
    """One receipt read from the InBox, kept byte for byte for the auditors.

    ``content_sha256`` makes a file that arrives twice count once; ``receipt_key``
    (message type, document, change count, result, customs' time) does the same for a
    receipt re-sent in a new envelope.
    """

    __tablename__ = "customs_receipts"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("customs_documents.id"), index=True)
    message_type: Mapped[str] = mapped_column(String(32))
    receipt_key: Mapped[str] = mapped_column(String(300), unique=True)
    content_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    file_name: Mapped[str] = mapped_column(String(255))
    result: Mapped[str | None] = mapped_column(String(8))
    business_time: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    summary: Mapped[str] = mapped_column(Text())
    payload: Mapped[bytes] = mapped_column(LargeBinary())


class CustomsReceiptDelivery(Base):
    """How a receipt is getting to its document's workflow: one row per receipt,
    written with the receipt (state ``pending``), changed by every attempt and by the
    admins' decisions (see ``schemas.customs.DeliveryState``). Not evidence, so not
    append-only: the receipt itself is."""

    __tablename__ = "customs_receipt_deliveries"
    __table_args__ = (Index("ix_customs_receipt_deliveries_due", "state", "next_attempt_at"),)

    receipt_id: Mapped[int] = mapped_column(
        ForeignKey("customs_receipts.id"), primary_key=True, autoincrement=False
    )
    state: Mapped[str] = mapped_column(String(20))
    attempts: Mapped[int] = mapped_column(Integer())
    # When this round of delivery began: recorded, or sent back to pending by an admin
    # (the age bound counts from here).
    queued_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    next_attempt_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    last_attempt_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(Text())
    # When it reached a final state: delivered, arrived after the end, dismissed.
    settled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    # The last person's decision (redeliver, dismiss) and the note: the admin's reason,
    # or why the lifecycle could not take it.
    decided_by: Mapped[str | None] = mapped_column(String(120))
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    note: Mapped[str | None] = mapped_column(Text())


LEDGER_HISTORY_TABLES = (
    "ledger_transactions",
    "ledger_movements",
    "ledger_entries",
    "ledger_lineage",
    "ledger_chain",
)
CUSTOMS_RECORD_TABLES = ("customs_submissions", "customs_receipts")
APPEND_ONLY_TABLES = LEDGER_HISTORY_TABLES + CUSTOMS_RECORD_TABLES


# --- access: the API's users and their tokens -------------------------------------------


class ApiUser(Base):
    """A person or system using the API, with one role (filer, liaison, auditor, admin)
    and the enterprises it may see (a filer exactly one; an auditor none = all)."""

    __tablename__ = "api_users"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    disabled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    # Argon2id (PHC string) for the web console; None: signs in with tokens only.
    password_hash: Mapped[str | None] = mapped_column(String(200))


class ApiUserEnterprise(Base):
    __tablename__ = "api_user_enterprises"

    user_id: Mapped[int] = mapped_column(ForeignKey("api_users.id"), primary_key=True)
    enterprise_code: Mapped[str] = mapped_column(String(10), primary_key=True)


class ApiToken(Base):
    """An API token, stored as its SHA-256 (tokens are 256-bit random: a slow hash
    adds nothing); the prefix identifies it in lists and logs."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("api_users.id"), index=True)
    prefix: Mapped[str] = mapped_column(String(16))
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class ConsoleSession(Base):
    """A signed-in browser (网页会话): the cookie holds a random id, the table only its
    SHA-256, so a copy of the table signs nobody in. Ended by signing out, a password
    reset or an admin's revocation; a disabled user's sessions stop at once."""

    __tablename__ = "console_sessions"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    id_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("api_users.id"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


# --- lifecycles: which workflow belongs to whom ----------------------------------------


class LifecycleRow(Base):
    """One lifecycle workflow as the API filed it: whose it is (the enterprise of the
    book and, for a transfer, the receiving one), so reads and actions can be
    authorised and listed without asking Temporal."""

    __tablename__ = "lifecycles"

    workflow_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    lifecycle: Mapped[str] = mapped_column(String(30))
    business_no: Mapped[str] = mapped_column(String(64))
    enterprise_code: Mapped[str] = mapped_column(String(10), index=True)
    book_no: Mapped[str] = mapped_column(String(12))
    partner_code: Mapped[str | None] = mapped_column(String(10), index=True)
    partner_book_no: Mapped[str | None] = mapped_column(String(12))
    filed_by: Mapped[str] = mapped_column(String(120))
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())

    __table_args__ = (UniqueConstraint("lifecycle", "business_no"),)


class WriteOffClosing(Base):
    """A material's or finished good's approved closing balance of a write-off (核销)
    of a processing book's period [first_day, last_day]: the counted stock and, for a
    material, its share of the finished goods counted (盘点成品折料). The next period's
    statement opens from them (``writeoff.service.KnownOpening``). Written once per
    write-off and item when the liaison approves it."""

    __tablename__ = "write_off_closings"
    __table_args__ = (
        UniqueConstraint("workflow_id", "item_no", name="uq_write_off_closings_item"),
        Index("ix_write_off_closings_next", "book_id", "last_day"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    book_id: Mapped[int] = mapped_column(ForeignKey("account_books.id"))
    write_off_no: Mapped[str] = mapped_column(String(40))
    workflow_id: Mapped[str] = mapped_column(String(200))
    first_day: Mapped[dt.date] = mapped_column(Date())
    last_day: Mapped[dt.date] = mapped_column(Date())
    item_no: Mapped[int] = mapped_column(Integer())
    stock: Mapped[Decimal] = mapped_column(Quantity)
    in_finished: Mapped[Decimal | None] = mapped_column(Quantity, nullable=True)
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
