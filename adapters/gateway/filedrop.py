"""The gateway the engine submits through: render, check, name, write to the OutBox.

This is the interface a production deployment uses with the real single-window
client; in development the customs simulator reads the same OutBox.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from adapters.gateway.files import clear_staging, write_atomically
from adapters.gateway.folders import ExchangeFolders
from adapters.gateway.naming import outbox_name
from adapters.xml.codec import message_type_of, render
from codetables.checks import check_codes
from codetables.tables import CodeTables, default_tables
from customs.routing import Upload, identity_of
from customs.service import CustomsRecords
from schemas.customs import DocumentView
from schemas.messages.fields import DOCUMENT_ZONE


@dataclass(frozen=True)
class Submitted:
    file_name: str
    document: DocumentView
    again: bool  # True when this exact message had been submitted before


class FileDropGateway:
    """Submit by dropping files into the OutBox, as the single-window client expects."""

    def __init__(
        self,
        folders: ExchangeFolders,
        records: CustomsRecords,
        *,
        tables: CodeTables | None = None,
    ) -> None:
        self.folders = folders.create()
        self.records = records
        self.tables = tables or default_tables()
        clear_staging(self.folders.staging)

    def submit(self, message: Upload, *, workflow_id: str | None = None) -> Submitted:
        """Check, render and write the message; a retry of the same message is a no-op.

        Refusals (a code not in force, an XSD violation) raise before anything is
        written. The file is written before the submission is recorded: a crash in
        between leaves a file that the retry finds and records, never a record of a
        file that does not exist.
        """
        today = dt.datetime.now(DOCUMENT_ZONE).date()
        check_codes(message, self.tables, on=today)
        payload = render(message)
        identity = identity_of(message)
        message_type = message_type_of(message).value
        name = outbox_name(message_type, identity.inner_no, identity.change_count, payload)
        document = self.records.register(identity, workflow_id=workflow_id)
        if self.records.submission(name) is not None:
            return Submitted(file_name=name, document=document, again=True)
        places = (self.folders.outbox, self.folders.sentbox, self.folders.failbox)
        if not any((folder / name).exists() for folder in places):
            write_atomically(self.folders.outbox / name, payload, self.folders.staging)
        self.records.record_submission(identity, message_type, name, payload)
        return Submitted(file_name=name, document=document, again=False)
