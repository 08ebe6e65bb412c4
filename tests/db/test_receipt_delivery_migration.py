"""Migration 0005 (receipt delivery state) on a database that already holds receipts: a
delivery row from before means "delivered", a receipt without one becomes pending and
due at once; going down keeps what was settled and forgets what was not."""

from __future__ import annotations

import datetime as dt
import json

import sqlalchemy as sa

from adapters.db.engine import create_database
from adapters.db.migrate import downgrade, upgrade
from adapters.db.models import CustomsDocument, CustomsReceipt
from adapters.db.types import UTCDateTime
from customs.service import CustomsRecords
from schemas.customs import DeliveryState

THE_REVISION = "0005"
DELIVERED_AT = dt.datetime(2026, 11, 28, 2, 5, tzinfo=dt.UTC)
RECEIVED_AT = dt.datetime(2026, 11, 28, 2, 0, tzinfo=dt.UTC)

# customs_receipt_deliveries as it was before 0005.
OLD_DELIVERIES = sa.table(
    "customs_receipt_deliveries",
    sa.column("receipt_id", sa.Integer()),
    sa.column("delivered_at", UTCDateTime()),
)


def _receipt(document_id: int, number: int) -> CustomsReceipt:
    return CustomsReceipt(
        document_id=document_id,
        message_type="INV201",
        receipt_key=f"INV201|{document_id}|0|{number}",
        content_sha256=f"{number:064d}",
        file_name=f"INV201_{number}.xml",
        result="1",
        business_time=RECEIVED_AT,
        received_at=RECEIVED_AT,
        summary=json.dumps({}),
        payload=b"<Package/>",
    )


def test_receipts_from_before_get_their_delivery_state(database_url: str) -> None:
    """Given a database one step before 0005 with a delivered receipt and one that was
    never delivered, when it is upgraded, then the first is delivered and the second is
    pending and due at once; downgraded again, only the delivered one keeps its row."""
    downgrade(database_url, f"{THE_REVISION}-1")
    database = create_database(database_url)
    try:
        with database.transaction() as session:
            document = CustomsDocument(
                kind="bonded_list",
                enterprise_code="6301960001",
                inner_no="SOLAR-IN-0001",
                workflow_id="entry-1",
                created_at=RECEIVED_AT,
                updated_at=RECEIVED_AT,
            )
            session.add(document)
            session.flush()
            delivered, waiting = _receipt(document.id, 1), _receipt(document.id, 2)
            session.add_all([delivered, waiting])
            session.flush()
            session.execute(
                sa.insert(OLD_DELIVERIES).values(receipt_id=delivered.id, delivered_at=DELIVERED_AT)
            )
            delivered_id, waiting_id = delivered.id, waiting.id
        database.dispose()

        upgrade(database_url)

        deliveries = CustomsRecords(database).deliveries
        was_delivered = deliveries.get(delivered_id).delivery
        assert was_delivered.state is DeliveryState.DELIVERED
        assert (was_delivered.settled_at, was_delivered.attempts) == (DELIVERED_AT, 1)
        was_waiting = deliveries.get(waiting_id).delivery
        assert was_waiting.state is DeliveryState.PENDING
        assert (was_waiting.attempts, was_waiting.next_attempt_at) == (0, RECEIVED_AT)
        assert [r.id for r in deliveries.due()] == [waiting_id]
        database.dispose()

        downgrade(database_url, f"{THE_REVISION}-1")
        with database.engine.connect() as conn:
            rows = conn.execute(sa.select(OLD_DELIVERIES)).all()
        assert [(row.receipt_id, row.delivered_at) for row in rows] == [
            (delivered_id, DELIVERED_AT)
        ]
    finally:
        database.dispose()
        upgrade(database_url)
