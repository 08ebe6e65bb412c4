"""Hand receipts recorded by the watcher to their workflows as signals.

The watcher runs in a thread; the Temporal client lives on an event loop: each
delivery is scheduled on that loop and awaited, so a failure leaves the receipt
undelivered and the watcher tries again later.
"""

from __future__ import annotations

import asyncio

from temporalio.client import Client

from customs.routing import Answer
from customs.service import CustomsRecords
from customs.signals import signal_of
from schemas.customs import ReceiptView

RECEIPT_SIGNAL = "receipt"


class WorkflowSignalSink:
    def __init__(
        self,
        client: Client,
        records: CustomsRecords,
        loop: asyncio.AbstractEventLoop,
        timeout: float = 30.0,
    ) -> None:
        self.client = client
        self.records = records
        self.loop = loop
        self.timeout = timeout
        self._documents: dict[int, tuple[str | None, str]] = {}

    def _document(self, document_id: int) -> tuple[str | None, str]:
        if document_id not in self._documents:
            document = self.records.document_by_id(document_id)
            self._documents[document_id] = (document.workflow_id, document.inner_no)
        return self._documents[document_id]

    def deliver(self, receipt: ReceiptView, message: Answer) -> None:
        workflow_id, inner_no = self._document(receipt.document_id)
        if workflow_id is None:
            return  # a document filed by hand (bondflow gateway submit): nothing to tell
        handle = self.client.get_workflow_handle(workflow_id)
        signal = signal_of(receipt, message).model_copy(update={"inner_no": inner_no})
        future = asyncio.run_coroutine_threadsafe(handle.signal(RECEIPT_SIGNAL, signal), self.loop)
        future.result(timeout=self.timeout)
