"""`bondflow demo`'s story, told through the API: the solar module maker's materials
come in, are made into modules, leave for Europe and for China, surplus glass goes
to another zone enterprise, and the cold-chain importer brings in plateau honey;
then the period's stocktake and write-off (``story_close``).

Each chapter files its document as the enterprise's filer, then plays the people
the lifecycle waits for: the liaison signs off (and records an inspection, lets a
weighed vehicle through, approves a norm deviation if customs or the scale ask for
it), the filer pays the exact duties of a domestic sale or a stocktake's loss, counts
and answers a list or a gate pass customs returned, the liaison reviews the count's
differences and approves the write-off. A chapter ends when its lifecycle is completed; one
that stops moving fails with the chapter, the workflow id, its stage and the last
note of its timeline.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol

import httpx

from demo import ids, story_close
from demo.story_drafts import (
    GLASS_PART_NO,
    Lots,
    Plan,
    api_body,
    consumption,
    corrected_vehicle,
    domestic_sale,
    export,
    glass_item,
    honey_entry,
    materials_entry,
    run_tag,
    transfer,
    work_order,
)
from schemas.lifecycle import (
    DomesticSaleDraft,
    EntryDraft,
    ExportDraft,
    Lifecycle,
    LifecycleStatus,
    Role,
    Stage,
    StocktakeDraft,
    TaxAssessment,
    TransferDraft,
    WorkOrderDraft,
    WriteOffDraft,
)
from schemas.masterdata import NormView
from schemas.messages.fields import DOCUMENT_ZONE

Draft = (
    EntryDraft
    | ExportDraft
    | DomesticSaleDraft
    | TransferDraft
    | WorkOrderDraft
    | StocktakeDraft
    | WriteOffDraft
)
GatePassed = EntryDraft | ExportDraft | DomesticSaleDraft  # drafts with a vehicle at the gate


class StoryError(Exception):
    """The story cannot go on: what happened, in one message."""


class ApiError(StoryError):
    """The API refused a request; the message names the request and the problem."""

    def __init__(self, method: str, url: str, status: int, detail: str) -> None:
        super().__init__(f"{method} {url} answered {status}: {detail}")
        self.status = status
        self.detail = detail


class Stuck(StoryError):
    """A lifecycle did not complete: where it stopped and why, as far as it says."""

    def __init__(
        self,
        chapter: Chapter,
        workflow_id: str,
        reason: str,
        status: LifecycleStatus | None,
    ) -> None:
        if status is None:
            where = "its status could not be read"
        else:
            waiting = status.waiting_for.value if status.waiting_for else "nobody"
            note = status.timeline[-1].note if status.timeline else "(no timeline yet)"
            where = (
                f"stage {status.stage.value} (next: {status.next_step}; waiting for"
                f" {waiting}), last note: {note}"
            )
        super().__init__(
            f"chapter {chapter.number} ({chapter.title}): {workflow_id} {reason}; {where}"
        )
        self.chapter = chapter
        self.workflow_id = workflow_id
        self.status = status


@dataclass(frozen=True)
class StoryTokens:
    """API tokens of the people in the story."""

    solar_filer: str
    cold_filer: str
    liaison: str
    auditor: str


@dataclass(frozen=True)
class Chapter:
    number: int
    title: str
    lifecycle: Lifecycle


@dataclass(frozen=True)
class ChapterOutcome:
    chapter: Chapter
    workflow_id: str
    business_no: str
    status: LifecycleStatus  # the completed lifecycle's last status
    seconds: float


class Narrator(Protocol):
    """Who is told what happens (the command's progress display, or nobody)."""

    def begin(self, chapter: Chapter) -> None: ...

    def moved(self, chapter: Chapter, status: LifecycleStatus) -> None: ...

    def say(self, chapter: Chapter, text: str) -> None: ...

    def end(self, outcome: ChapterOutcome) -> None: ...


class Silent:
    """A narrator that listens and says nothing (tests)."""

    def begin(self, chapter: Chapter) -> None:
        pass

    def moved(self, chapter: Chapter, status: LifecycleStatus) -> None:
        pass

    def say(self, chapter: Chapter, text: str) -> None:
        pass

    def end(self, outcome: ChapterOutcome) -> None:
        pass


CHAPTERS = (
    Chapter(
        1,
        "materials in on the China-Europe return train",
        Lifecycle.FIRST_LINE_ENTRY,
    ),
    Chapter(2, "processing into PV modules, with offcuts", Lifecycle.PROCESSING),
    Chapter(3, "modules out on a China-Europe train", Lifecycle.EXPORT),
    Chapter(4, "modules sold into China, elective duty", Lifecycle.DOMESTIC_SALE),
    Chapter(5, "surplus glass to another zone enterprise", Lifecycle.TRANSFER),
    Chapter(6, "plateau honey into the cold store", Lifecycle.FIRST_LINE_ENTRY),
    Chapter(7, "the period-end stocktake: glass lost, frames found", Lifecycle.STOCKTAKE),
    Chapter(8, "the period written off and closed", Lifecycle.WRITE_OFF),
)


@dataclass(frozen=True)
class StoryResult:
    """What the story did: its numbers, lots and every chapter's outcome."""

    tag: str
    lots: Lots
    plan: Plan
    produced_on: dt.date
    consumed: dict[int, Decimal]  # material item -> quantity the work order used
    glass_item_no: int  # the cold-chain book's item for the transferred glass
    outcomes: tuple[ChapterOutcome, ...]

    def outcome(self, number: int) -> ChapterOutcome:
        return next(o for o in self.outcomes if o.chapter.number == number)

    @property
    def taxes(self) -> TaxAssessment | None:
        return self.outcome(4).status.taxes

    @property
    def list_numbers(self) -> dict[str, str]:
        """Business numbers of the documents -> the list numbers customs gave them."""
        found: dict[str, str] = {}
        for outcome in self.outcomes:
            if outcome.status.list_no is not None:
                found[outcome.business_no] = outcome.status.list_no
        return found


def problem_detail(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:300] or response.reason_phrase
    if isinstance(body, dict):
        detail = str(body.get("detail") or body.get("title") or body)
        where = body.get("field")
        return f"{detail} (field {where})" if where else detail
    return str(body)[:300]


class StoryApi:
    """The API as the story's people use it: one bearer token per call."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def call(
        self,
        method: str,
        url: str,
        token: str,
        *,
        json: Any = None,
        params: dict[str, str | int] | None = None,
    ) -> Any:
        try:
            response = await self.client.request(
                method,
                url,
                json=json,
                params=params,
                headers={"Authorization": f"Bearer {token}"},
            )
        except httpx.HTTPError as error:
            raise StoryError(f"{method} {url}: the API did not answer ({error!r})") from error
        if response.status_code >= 400:
            raise ApiError(method, url, response.status_code, problem_detail(response))
        return response.json()

    async def get(self, url: str, token: str, **params: str | int) -> Any:
        return await self.call("GET", url, token, params=params or None)

    async def post(self, url: str, token: str, body: Any) -> Any:
        return await self.call("POST", url, token, json=body)

    async def items(self, url: str, token: str) -> list[dict[str, Any]]:
        """Every item of a paged list."""
        found: list[dict[str, Any]] = []
        while True:
            page = await self.get(url, token, limit=500, offset=len(found))
            found.extend(page["items"])
            if not page["items"] or len(found) >= page["total"]:
                return found


@dataclass
class _Acted:
    """The last decision sent, so one decision is not sent twice while the workflow
    has not moved on yet."""

    stage: Stage
    timeline_length: int


@dataclass
class Driver:
    """Files one lifecycle and plays everyone it waits for, until it completes."""

    api: StoryApi
    tokens: StoryTokens
    narrator: Narrator
    timeout: float
    poll: float
    payment_reference: str
    corrections: int = 3  # lists customs may return before the chapter gives up
    _acted: _Acted | None = field(default=None, init=False)

    async def run(self, chapter: Chapter, draft: Draft, filer: str) -> ChapterOutcome:
        began = time.monotonic()
        self.narrator.begin(chapter)
        self._acted = None
        view = await self.api.post(f"/lifecycles/{chapter.lifecycle.value}", filer, api_body(draft))
        workflow_id: str = view["workflow_id"]
        self.narrator.say(chapter, f"filed {view['business_no']}: workflow {workflow_id}")
        status: LifecycleStatus | None = None
        seen: tuple[Stage | None, int] = (None, -1)
        returns = 0
        taxes_told = False
        while True:
            if time.monotonic() - began > self.timeout:
                raise Stuck(chapter, workflow_id, f"did not complete in {self.timeout:g} s", status)
            try:
                detail = await self.api.get(f"/lifecycles/{workflow_id}", filer)
            except ApiError as error:
                if error.status == 503:  # Temporal busy or the workflow not started yet
                    await asyncio.sleep(self.poll)
                    continue
                raise
            status = LifecycleStatus.model_validate(detail["status"])
            if (status.stage, len(status.timeline)) != seen:
                seen = (status.stage, len(status.timeline))
                self.narrator.moved(chapter, status)
            if status.taxes is not None and not taxes_told:
                taxes_told = True
                self._tell_taxes(chapter, status.taxes)
            if status.stage is Stage.COMPLETED:
                outcome = ChapterOutcome(
                    chapter=chapter,
                    workflow_id=workflow_id,
                    business_no=view["business_no"],
                    status=status,
                    seconds=time.monotonic() - began,
                )
                self.narrator.end(outcome)
                return outcome
            if status.stage is Stage.CANCELLED:
                raise Stuck(chapter, workflow_id, "was cancelled", status)
            if self._waiting_on_own_decision(status):
                await asyncio.sleep(self.poll)
                continue
            if status.stage is Stage.RETURNED:
                returns += 1
                if returns > self.corrections:
                    raise Stuck(chapter, workflow_id, f"was returned {returns} times", status)
            draft = await self._act(chapter, workflow_id, draft, filer, status) or draft
            await asyncio.sleep(self.poll)

    def _waiting_on_own_decision(self, status: LifecycleStatus) -> bool:
        acted = self._acted
        if acted is None:
            return False
        later = status.timeline[acted.timeline_length :]
        if status.stage is acted.stage and all(e.stage is acted.stage for e in later):
            return True
        self._acted = None
        return False

    async def _act(
        self,
        chapter: Chapter,
        workflow_id: str,
        draft: Draft,
        filer: str,
        status: LifecycleStatus,
    ) -> Draft | None:
        """Do what the lifecycle waits for, as the person it waits for; the draft as
        it stands after a correction."""
        stage = status.stage
        liaison = self.tokens.liaison
        url = f"/lifecycles/{workflow_id}"
        body: dict[str, Any]
        if stage is Stage.AWAITING_SIGN_OFF:
            token, action, body = liaison, "sign-off", {"reason": SIGN_OFF[chapter.lifecycle]}
            told = "liaison signed off"
        elif stage is Stage.INSPECTION:
            token, action = liaison, "inspection"
            body = {"passed": True, "reason": "查验完毕，货证相符"}
            told = "customs inspected the goods: the liaison recorded them in order"
        elif stage is Stage.WEIGHT_HOLD:
            token, action = liaison, "weight-decision"
            body = {"accept": True, "reason": "复核过磅单，差异系包装所致，予以放行"}
            told = "the scale disagreed: the liaison let the vehicle through"
        elif stage is Stage.NORM_DEVIATION:
            token, action = liaison, "deviation-approval"
            body = {"reason": "单耗偏差已现场核实，予以确认"}
            told = "the liaison approved the deviation from the norm"
        elif stage is Stage.COUNTING and isinstance(draft, StocktakeDraft):
            token, action = filer, "counts"
            body = story_close.counts(status, draft.stocktake_no.removeprefix("ST-"))
            told = (
                "the warehouse counted: one piece of glass missing, two frame sets found"
                " in a lot nobody booked"
            )
        elif stage is Stage.DIFFERENCE_REVIEW:
            token, action, body = liaison, "difference-review", story_close.review(status)
            told = "the liaison accepted the glass as lost and the frames as found"
        elif stage is Stage.AWAITING_PAYMENT and status.paid is None:
            amount = status.duties_payable
            assert amount is not None
            token, action = filer, "payment"
            body = {"reference": self.payment_reference, "amount": str(amount)}
            told = f"the filer paid {amount:,} CNY (reference {self.payment_reference})"
        elif stage is Stage.RETURNED and status.waiting_for is Role.FILER:
            last = status.timeline[-1] if status.timeline else None
            if last is None or last.role is not Role.CUSTOMS:
                raise Stuck(chapter, workflow_id, "was returned to the filer", status)
            token, action = filer, "correction"
            body = {"draft": api_body(draft), "reason": "已按海关退单意见核对，重新申报"}
            told = f"customs returned the list ({last.note}): filed again"
        elif stage is Stage.GATE_PASS_RETURNED and isinstance(draft, GatePassed):
            # The pass must change to be filed again: the filer corrects the plate.
            vehicle = corrected_vehicle(draft.vehicle)
            token, action = filer, "vehicle-correction"
            body = {
                "vehicle": vehicle.model_dump(mode="json"),
                "reason": f"车牌号录入有误，实际承运车辆为{vehicle.vehicle_no}",
            }
            told = (
                f"customs returned the gate pass ({draft.vehicle.vehicle_no} is not the"
                f" registered vehicle): filed again with {vehicle.vehicle_no}"
            )
            draft = draft.model_copy(update={"vehicle": vehicle})
        else:
            return None  # customs, the gate or the system are working
        try:
            answer = await self.api.post(f"{url}/{action}", token, body)
        except ApiError as error:
            if error.status == 409:  # the workflow moved on meanwhile
                return None
            raise
        after = LifecycleStatus.model_validate(answer)
        self._acted = _Acted(stage, len(after.timeline))
        self.narrator.say(chapter, told)
        return draft

    def _tell_taxes(self, chapter: Chapter, taxes: TaxAssessment) -> None:
        for basis, bill in (
            ("on the materials", taxes.on_materials),
            ("on the finished goods", taxes.on_finished_goods),
        ):
            self.narrator.say(
                chapter,
                f"elective duty {basis}: CIF {bill.cif:,} duty {bill.duty:,}"
                f" VAT {bill.vat:,} = {bill.total:,} CNY",
            )
        chosen = "finished goods" if taxes.chosen == "finished_goods" else "materials"
        cheaper = "the cheaper" if taxes.chosen == taxes.cheaper else "not the cheaper"
        self.narrator.say(
            chapter, f"chosen: duty on the {chosen} ({cheaper}), saving {taxes.saving:,} CNY"
        )


SIGN_OFF = {
    Lifecycle.FIRST_LINE_ENTRY: "单证齐全，准予申报",
    Lifecycle.EXPORT: "出口单证齐全，准予申报",
    Lifecycle.DOMESTIC_SALE: "内销单证齐全，选择性征税已核",
    Lifecycle.TRANSFER: "双方账册已核，准予流转",
    Lifecycle.PROCESSING: "工单已核",
    Lifecycle.SECOND_LINE_ENTRY: "单证齐全",
    Lifecycle.WRITE_OFF: "核销表已审核，准予核销",
}


class SolarStory:
    """The whole story through the API, chapter by chapter, in order."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        tokens: StoryTokens,
        *,
        tag: str | None = None,
        plan: Plan | None = None,
        narrator: Narrator | None = None,
        timeout: float = 120.0,
        poll: float = 0.25,
        today: dt.date | None = None,
    ) -> None:
        self.api = StoryApi(client)
        self.tokens = tokens
        self.tag = tag or run_tag()
        self.lots = Lots(self.tag)
        self.plan = plan or Plan()
        self.narrator: Narrator = narrator or Silent()
        self.today = today or dt.datetime.now(DOCUMENT_ZONE).date()
        self._last_workflow = ""
        self.driver = Driver(
            api=self.api,
            tokens=tokens,
            narrator=self.narrator,
            timeout=timeout,
            poll=poll,
            payment_reference=f"ICBC-{self.tag}",
        )

    async def run(self) -> StoryResult:
        solar, cold = self.tokens.solar_filer, self.tokens.cold_filer
        await self._check_books()
        arrived = self.today - dt.timedelta(days=1)  # the train came in yesterday
        chapters = iter(CHAPTERS)
        outcomes: list[ChapterOutcome] = []

        async def chapter(draft: Draft, filer: str) -> None:
            outcome = await self.driver.run(next(chapters), draft, filer)
            self._last_workflow = outcome.workflow_id
            outcomes.append(outcome)

        await chapter(materials_entry(self.lots, arrived), solar)

        norms = [
            NormView.model_validate(n)
            for n in await self.api.items(f"/books/{ids.SOLAR_BOOK}/norms", solar)
        ]
        used = consumption(norms, self.plan.modules_made, self.today)
        await chapter(work_order(self.lots, self.plan, used, self.today), solar)

        await chapter(export(self.lots, self.plan), solar)
        await chapter(domestic_sale(self.lots, self.plan), solar)

        glass_item_no = await self._glass_item()
        await chapter(transfer(self.lots, self.plan, glass_item_no), solar)

        await chapter(honey_entry(self.lots, self.plan, arrived), cold)
        await self._close_the_period(chapter)
        return StoryResult(
            tag=self.tag,
            lots=self.lots,
            plan=self.plan,
            produced_on=self.today,
            consumed=used,
            glass_item_no=glass_item_no,
            outcomes=tuple(outcomes),
        )

    async def _close_the_period(self, chapter: Any) -> None:
        """The period's stocktake and write-off, unless an earlier run closed it."""
        solar = self.tokens.solar_filer
        start, end = story_close.period(self.today)
        periods = await self.api.get(f"/books/{ids.SOLAR_BOOK}/periods", solar)
        rows = periods["items"] if isinstance(periods, dict) else periods
        last_day = (end - dt.timedelta(days=1)).isoformat()
        if any(p["closed"] and p["last_day"] >= last_day for p in rows):
            self.narrator.say(
                CHAPTERS[7], f"the period up to {last_day} is written off already: not again"
            )
            return
        await chapter(story_close.stocktake(self.tag, end), solar)
        await chapter(story_close.write_off(self.tag, start, end, self._last_workflow), solar)

    async def _check_books(self) -> None:
        """Both books are there and each filer's token opens its own."""
        for book, token, who in (
            (ids.SOLAR_BOOK, self.tokens.solar_filer, "the solar maker's filer"),
            (ids.COLD_CHAIN_BOOK, self.tokens.cold_filer, "the cold-chain importer's filer"),
        ):
            try:
                await self.api.get(f"/books/{book}", token)
            except ApiError as error:
                raise StoryError(
                    f"{who} cannot open book {book} ({error.status}: {error.detail}):"
                    " is the demo seeded on the API's database, and the token its user's?"
                ) from error

    async def _glass_item(self) -> int:
        """The cold-chain book's item for the solar glass, registered by its filer
        (POST /books/{book}/items) the first time the story runs."""
        token = self.tokens.cold_filer
        url = f"/books/{ids.COLD_CHAIN_BOOK}/items"
        items = await self.api.items(url, token)
        for item in items:
            if item["part_no"] == GLASS_PART_NO and item["hs_code"] == "7007190000":
                return int(item["item_no"])
        item_no = max((int(item["item_no"]) for item in items), default=0) + 1
        registered = await self.api.post(url, token, glass_item(item_no).model_dump(mode="json"))
        self.narrator.say(
            CHAPTERS[4],
            f"the cold-chain importer registered item {registered['item_no']}"
            f" ({registered['name']}) on book {ids.COLD_CHAIN_BOOK}",
        )
        return int(registered["item_no"])
