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
        self._workflows: dict[int, str | None] = {}

    def _workflow_of(self, document_id: int) -> str | None:
        if document_id not in self._workflows:
            self._workflows[document_id] = self.records.workflow_of(document_id)
        return self._workflows[document_id]

    def deliver(self, receipt: ReceiptView, message: Answer) -> None:
        workflow_id = self._workflow_of(receipt.document_id)
        if workflow_id is None:
            return  # a document filed by hand (bondflow gateway submit): nothing to tell
        handle = self.client.get_workflow_handle(workflow_id)
        signal = signal_of(receipt, message)
        future = asyncio.run_coroutine_threadsafe(handle.signal(RECEIPT_SIGNAL, signal), self.loop)
        future.result(timeout=self.timeout)
