"""Hand receipts recorded by the watcher to their workflows as signals.

The watcher runs in a thread; the Temporal client lives on an event loop: each
delivery is scheduled on that loop and awaited. ``deliver_all`` sends a whole pass's
signals to different workflows concurrently (at most ``MAX_IN_FLIGHT`` at a time) and
waits for them all: a workflow's receipts of the pass go as one ``receipts`` signal
(``ReceiptSignals``, in the pass's order), which wakes it once for them all, where a
signal each woke it up to once each (a lone receipt is a ``receipt`` signal, as
``deliver`` sends); the signal's outcome is each of its receipts' outcome;
a document's lifecycle and enterprise number come from the intake's memory when
routing met it, else from one read. The sink says what a failure means
(``customs.delivery_policy``): Temporal's NOT_FOUND for a closed workflow ("workflow
execution already completed", or a describe that shows it closed) is the final
``LifecycleEnded``; an unreachable server, another RPC error or a timeout is the
transient ``DeliveryUnavailable``; anything else is left to the watcher as a fault.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
from collections.abc import Sequence
from typing import Any, Final

from temporalio.client import Client, WorkflowExecutionStatus, WorkflowHandle
from temporalio.service import RPCError, RPCStatusCode

from customs.delivery_policy import DeliveryUnavailable, LifecycleEnded
from customs.routing import Answer
from customs.service import CustomsRecords
from customs.signals import signal_of
from schemas.customs import ReceiptView
from schemas.lifecycle import ReceiptSignal, ReceiptSignals

RECEIPT_SIGNAL = "receipt"
RECEIPTS_SIGNAL = "receipts"  # several at once (``ReceiptSignals``)
MAX_IN_FLIGHT = 16  # signals under way at once


# A signal of the pass not sent yet (when the pass runs out of time: unavailable).
NOT_SENT: Final = DeliveryUnavailable("not sent")


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
        """The document's workflow (None: filed by hand) and inner number. Only a
        document with a workflow is remembered: a later filing can still attach one to a
        document first seen without, and its receipts must then reach it."""
        found = self._documents.get(document_id)
        if found is not None:
            return found
        known = self.records.intake.known(document_id)
        if known is not None and known.workflow_id is not None:
            found = (known.workflow_id, known.inner_no)
        else:
            document = self.records.document_by_id(document_id)
            found = (document.workflow_id, document.inner_no)
        if found[0] is not None:
            self._documents[document_id] = found
        return found

    def deliver_all(
        self, batch: Sequence[tuple[ReceiptView, Answer]]
    ) -> list[BaseException | None]:
        """Signal every receipt's workflow concurrently, a workflow's receipts of the
        pass in one signal; each receipt's outcome in order (None: delivered; else what
        ``deliver`` would have raised, for each receipt of a signal that failed)."""
        outcomes: list[BaseException | None] = [None] * len(batch)
        # Per workflow, in the pass's order: the receipts' indexes and signals.
        by_workflow: dict[str, list[tuple[int, ReceiptSignal]]] = {}
        for index, (receipt, message) in enumerate(batch):
            try:
                workflow_id, inner_no = self._document(receipt.document_id)
                if workflow_id is None:
                    continue  # filed by hand: nothing to tell
                signal = signal_of(receipt, message).model_copy(update={"inner_no": inner_no})
            except Exception as error:
                outcomes[index] = error
                continue
            by_workflow.setdefault(workflow_id, []).append((index, signal))
        if not by_workflow:
            return outcomes
        signals: list[tuple[str, ReceiptSignal | ReceiptSignals]] = [
            (
                w,
                taken[0][1]
                if len(taken) == 1
                else ReceiptSignals(receipts=tuple(s for _, s in taken)),
            )
            for w, taken in by_workflow.items()
        ]
        # Filled in as the signals are sent: if the whole pass runs out of time, those
        # already sent keep their outcome and only the rest are unavailable.
        results: list[BaseException | None] = [NOT_SENT] * len(signals)
        future = asyncio.run_coroutine_threadsafe(self._signal_all(signals, results), self.loop)
        # Each signal has its own timeout, one per workflow, MAX_IN_FLIGHT at a time.
        rounds = -(-len(signals) // MAX_IN_FLIGHT)
        try:
            future.result(timeout=self.timeout * (rounds + 1))
        except concurrent.futures.TimeoutError:
            future.cancel()
            unavailable = DeliveryUnavailable(f"Temporal did not answer within {self.timeout:g} s")
            results = [unavailable if r is NOT_SENT else r for r in results]
        for taken, result in zip(by_workflow.values(), results, strict=True):
            for index, _ in taken:
                outcomes[index] = result
        return outcomes

    async def _signal_all(
        self,
        signals: Sequence[tuple[str, ReceiptSignal | ReceiptSignals]],
        outcomes: list[BaseException | None],
    ) -> None:
        """Each workflow's signals one after the other, in the pass's order (a workflow
        reads customs' receipts in the order they came), each outcome into ``outcomes``;
        after a workflow's first failed signal, its later ones wait for the next attempt
        (sent now, they would overtake the failed one). Different workflows at once, at
        most ``MAX_IN_FLIGHT``."""
        gate = asyncio.Semaphore(MAX_IN_FLIGHT)
        by_workflow: dict[str, list[int]] = {}
        for index, (workflow_id, _) in enumerate(signals):
            by_workflow.setdefault(workflow_id, []).append(index)

        async def one(
            workflow_id: str, signal: ReceiptSignal | ReceiptSignals
        ) -> BaseException | None:
            try:
                await asyncio.wait_for(self._send(workflow_id, signal), self.timeout)
            except TimeoutError:
                return DeliveryUnavailable(f"Temporal did not answer within {self.timeout:g} s")
            except Exception as error:
                return error
            return None

        async def in_order(workflow_id: str, indexes: list[int]) -> None:
            async with gate:
                for sent, index in enumerate(indexes):
                    outcomes[index] = failed = await one(workflow_id, signals[index][1])
                    if failed is not None and not isinstance(failed, LifecycleEnded):
                        for later in indexes[sent + 1 :]:
                            outcomes[later] = DeliveryUnavailable(
                                f"an earlier receipt of {workflow_id} was not delivered: {failed}"
                            )
                        return

        await asyncio.gather(*(in_order(w, indexes) for w, indexes in by_workflow.items()))

    def deliver(self, receipt: ReceiptView, message: Answer) -> None:
        workflow_id, inner_no = self._document(receipt.document_id)
        if workflow_id is None:
            return  # a document filed by hand (bondflow gateway submit): nothing to tell
        signal = signal_of(receipt, message).model_copy(update={"inner_no": inner_no})
        future = asyncio.run_coroutine_threadsafe(self._signal(workflow_id, signal), self.loop)
        try:
            future.result(timeout=self.timeout)
        except concurrent.futures.TimeoutError:
            future.cancel()
            raise DeliveryUnavailable(
                f"Temporal did not answer within {self.timeout:g} s"
            ) from None

    async def _send(self, workflow_id: str, signal: ReceiptSignal | ReceiptSignals) -> None:
        """One receipt as ``receipt``, several as ``receipts``."""
        if isinstance(signal, ReceiptSignals):
            await self._signal_as(workflow_id, RECEIPTS_SIGNAL, signal)
        else:
            await self._signal(workflow_id, signal)

    async def _signal(self, workflow_id: str, signal: ReceiptSignal) -> None:
        await self._signal_as(workflow_id, RECEIPT_SIGNAL, signal)

    async def _signal_as(
        self, workflow_id: str, name: str, signal: ReceiptSignal | ReceiptSignals
    ) -> None:
        handle = self.client.get_workflow_handle(workflow_id)
        try:
            await handle.signal(name, signal)
        except RPCError as error:
            if error.status is RPCStatusCode.NOT_FOUND:
                raise LifecycleEnded(workflow_id, await _how_it_ended(handle, error)) from None
            raise DeliveryUnavailable(_described(error)) from None
        except (ConnectionError, OSError) as error:
            raise DeliveryUnavailable(f"Temporal unreachable: {error}") from None


async def _how_it_ended(handle: WorkflowHandle[Any, Any], refusal: RPCError) -> str:
    """How the workflow ended, from its description; raises DeliveryUnavailable when
    that cannot be told (the server does not know the workflow, or is unreachable)."""
    try:
        description = await handle.describe()
    except RPCError as error:
        raise DeliveryUnavailable(
            f"{_described(refusal)}; describing {handle.id}: {_described(error)}"
        ) from None
    status = description.status
    if status is None or status is WorkflowExecutionStatus.RUNNING:
        raise DeliveryUnavailable(f"{_described(refusal)}, yet {handle.id} is running")
    return f"{status.name.lower().replace('_', ' ')}: {refusal.message}"


def _described(error: RPCError) -> str:
    return f"Temporal {error.status.name}: {error.message}"
