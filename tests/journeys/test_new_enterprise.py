"""A new enterprise on a fresh install, through the API only.

Given a migrated database with nothing registered (no demo seed) and one admin created
on the command line as an operator does on day one, a plateau honey processor
(青海高原蜂业) is registered with a lettered processing book (H9601W104420), its items
imported from the XLSX sheet it keeps, its consumption norm, its own locations and its
people; then its filer brings bulk honey in from Nepal, jars it in a work order by the
norm, exports jars to Kazakhstan and sells jars into China under elective duty, with
the liaison signing every step. Afterwards the books hold exactly what is left, a jar
lot traces back to the entry list, and the audit chain verifies.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from adapters.db.engine import Database
from bondflow.cli.main import app as cli
from demo.story import Chapter, Driver, Silent, StoryApi, StoryTokens
from rules.credit_code import build_credit_code
from rules.norms import material_required
from schemas.lifecycle import (
    DomesticSaleDraft,
    EntryDraft,
    EntryLine,
    ExportDraft,
    Lifecycle,
    MaterialUse,
    MaterialValue,
    OutputLot,
    Stage,
    Vehicle,
    WorkOrderDraft,
)
from schemas.messages.fields import DOCUMENT_ZONE
from tests.support.apps import app_serving
from tests.support.settings import zone_settings
from tests.support.sheets import xlsx_bytes
from tests.workflows.conftest import Zone

# The worker and the watcher run on the session loop of the shared dev server.
pytestmark = pytest.mark.asyncio(loop_scope="session")

ENTERPRISE = "9601368801"
BOOK = "H9601W104420"  # a real-style book number: type, district, then letters and digits
USD, NEPAL, KAZAKHSTAN, CHINA = "502", "125", "145", "142"
RATE = Decimal("7.118600")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

RAW_HONEY, JAR = 1, 2
# The enterprise's 备案 sheet as it keeps it, Chinese headers and all.
ITEM_SHEET = xlsx_bytes(
    (
        "备案序号",
        "料号",
        "商品编码",
        "商品名称",
        "规格型号",
        "申报计量单位",
        "法定计量单位",
        "法定计量单位比例因子",
        "成品标志",
    ),
    (
        (
            RAW_HONEY,
            "GY-RH-01",
            "0409000000",
            "天然蜂蜜(原料散装)",
            "桶装 300kg",
            "035",
            "035",
            "1",
            "料件",
        ),
        (JAR, "GY-JH-500", "0409000000", "天然蜂蜜(瓶装)", "500g/瓶", "007", "035", "0.5", "成品"),
    ),
)
NET_PER_JAR, LOSS = Decimal("0.5"), Decimal("0.02")
JARS_MADE, JARS_EXPORTED, JARS_SOLD = Decimal(1000), Decimal(600), Decimal(200)
HONEY_IN = Decimal(2000)


def run_tag(zone: Zone) -> str:
    # The dev server is shared by the SQLite and PostgreSQL runs: numbers of their own.
    return zone.task_queue.removeprefix("test-")[:6].upper()


def make_admin(database_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """The first admin, created on the command line as an operator does on day one."""
    monkeypatch.setenv("BONDFLOW_DATABASE_URL", database_url)
    result = CliRunner().invoke(cli, ["users", "create", "ops-admin", "--role", "admin"])
    assert result.exit_code == 0, result.output
    found = re.search(r"bf_\S+", result.output)
    assert found is not None, result.output
    return found.group(0)


class Journey:
    def __init__(self, client: httpx.AsyncClient, admin: str) -> None:
        self.client = client
        self.admin = admin
        self.api = StoryApi(client)

    async def send(
        self, method: str, url: str, token: str, expect: int = 200, **kwargs: Any
    ) -> Any:
        response = await self.client.request(
            method, url, headers={"Authorization": f"Bearer {token}"}, **kwargs
        )
        assert response.status_code == expect, f"{method} {url}: {response.text}"
        return response.json()


def vehicle(plate: str, weight: str) -> Vehicle:
    return Vehicle(vehicle_no=plate, vehicle_weight=Decimal(weight))


def jar_line(lot: str, quantity: Decimal, price: str, country: str) -> EntryLine:
    return EntryLine(
        item_no=JAR,
        lot_no=lot,
        location="GY-FG",
        quantity=quantity,
        unit_price=Decimal(price),
        currency=USD,
        origin_country=country,
        gross_weight=quantity * Decimal("0.82"),  # jar, lid and carton share
        net_weight=quantity * NET_PER_JAR,
    )


async def test_a_new_enterprise_registers_files_processes_exports_sells_and_traces(
    empty_zone: Zone, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    zone, tag = empty_zone, run_tag(empty_zone)
    db: Database = zone.db
    admin = make_admin(database_url, monkeypatch)
    app = app_serving(db, _client(zone), zone_settings(zone.task_queue))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bondflow") as client:
        j = Journey(client, admin)

        # --- master data, as the admin and the enterprise's filer register it ---------
        await j.send(
            "POST",
            "/enterprises",
            admin,
            201,
            json={
                "customs_code": ENTERPRISE,
                "credit_code": build_credit_code("91", "630100", "MA7XN0H8"),
                "name": "青海高原蜂业有限公司",
                "roles": ["manufacturer"],
            },
        )
        filer = (
            await j.send(
                "POST",
                "/users",
                admin,
                201,
                json={"name": f"gy-filer-{tag}", "role": "filer", "enterprises": [ENTERPRISE]},
            )
        )["token"]
        liaison = (
            await j.send(
                "POST", "/users", admin, 201, json={"name": f"li-{tag}", "role": "liaison"}
            )
        )["token"]
        auditor = (
            await j.send(
                "POST", "/users", admin, 201, json={"name": f"audit-{tag}", "role": "auditor"}
            )
        )["token"]

        book = await j.send(
            "POST",
            "/books",
            filer,
            201,
            json={
                "book_no": BOOK,
                "book_type": "H",
                "enterprise_customs_code": ENTERPRISE,
                "valid_from": "2026-01-01",
                "valid_to": "2030-12-31",
                "customs_district": "9601",
            },
        )
        assert book["book_no"] == BOOK

        imported = await _upload(client, filer, f"/books/{BOOK}/items/import", ITEM_SHEET)
        assert imported["created"] == 2
        again = await _upload(client, filer, f"/books/{BOOK}/items/import", ITEM_SHEET)
        assert (again["created"], again["unchanged"]) == (0, 2)  # the same sheet: nothing new
        items = await j.api.items(f"/books/{BOOK}/items", filer)
        assert [(i["item_no"], Decimal(i["first_legal_factor"])) for i in items] == [
            (RAW_HONEY, Decimal(1)),
            (JAR, Decimal("0.5")),
        ]

        await j.send(
            "POST",
            f"/books/{BOOK}/norms",
            filer,
            201,
            json={
                "book_no": BOOK,
                "finished_item_no": JAR,
                "material_item_no": RAW_HONEY,
                "version": 1,
                "net_consumption": str(NET_PER_JAR),
                "loss_rate": str(LOSS),
                "effective_from": "2026-01-01",
            },
        )
        for code, name, kind, parent, cold in (
            ("GY-AREA", "高原蜂业 加工区", "zone_area", None, False),
            ("GY-COLD", "原料蜜冷库 (4 °C)", "warehouse", "GY-AREA", True),
            ("GY-FG", "成品仓", "warehouse", "GY-AREA", False),
        ):
            await j.send(
                "POST",
                "/locations",
                filer,
                201,
                json={
                    "code": code,
                    "name": name,
                    "kind": kind,
                    "parent_code": parent,
                    "enterprise_customs_code": ENTERPRISE,
                    "cold_store": cold,
                },
            )

        # --- the lifecycles, the liaison signing every step -----------------------------
        driver = Driver(
            api=j.api,
            tokens=StoryTokens(
                solar_filer=filer, cold_filer=filer, liaison=liaison, auditor=auditor
            ),
            narrator=Silent(),
            timeout=120.0,
            poll=0.1,
            payment_reference=f"BOC-{tag}",
        )
        today = dt.datetime.now(DOCUMENT_ZONE).date()
        raw_lot, jar_lot = f"RH-{tag}", f"JH-{tag}"

        entry = await driver.run(
            Chapter(1, "bulk honey in from Nepal", Lifecycle.FIRST_LINE_ENTRY),
            EntryDraft(
                inner_no=f"GY-I-{tag}",
                book_no=BOOK,
                declarant_code=ENTERPRISE,
                supervision_mode="5015",
                transport_mode="3",
                departure_country=NEPAL,
                arrival_date=today - dt.timedelta(days=1),
                exchange_rate=RATE,
                lines=(
                    EntryLine(
                        item_no=RAW_HONEY,
                        lot_no=raw_lot,
                        location="GY-COLD",
                        quantity=HONEY_IN,
                        unit_price=Decimal("6.8000"),
                        currency=USD,
                        origin_country=NEPAL,
                        gross_weight=Decimal(2140),
                        net_weight=HONEY_IN,
                    ),
                ),
                vehicle=vehicle("青A·M2210", "9800"),
                filed_by="placeholder",
            ),
            filer,
        )
        assert entry.status.stage is Stage.COMPLETED

        used = material_required(JARS_MADE, NET_PER_JAR, LOSS)
        assert used == Decimal("510.20408")
        await driver.run(
            Chapter(2, "jarring by the norm", Lifecycle.PROCESSING),
            WorkOrderDraft(
                work_order_no=f"GY-WO-{tag}",
                book_no=BOOK,
                produced_on=today,
                finished=OutputLot(
                    item_no=JAR, lot_no=jar_lot, location="GY-FG", quantity=JARS_MADE
                ),
                materials=(
                    MaterialUse(
                        item_no=RAW_HONEY, lot_no=raw_lot, location="GY-COLD", quantity=used
                    ),
                ),
                filed_by="placeholder",
            ),
            filer,
        )
        await driver.run(
            Chapter(3, "jars out on the China-Central Asia train", Lifecycle.EXPORT),
            ExportDraft(
                inner_no=f"GY-E-{tag}",
                book_no=BOOK,
                declarant_code=ENTERPRISE,
                supervision_mode="5015",
                destination_country=KAZAKHSTAN,
                train="中亚班列 X9013 西宁—阿拉木图",
                exchange_rate=RATE,
                lines=(jar_line(jar_lot, JARS_EXPORTED, "4.2000", CHINA),),
                vehicle=vehicle("X9013-C04", "22000"),
                filed_by="placeholder",
            ),
            filer,
        )
        sale = await driver.run(
            Chapter(4, "jars sold into China, elective duty", Lifecycle.DOMESTIC_SALE),
            DomesticSaleDraft(
                inner_no=f"GY-D-{tag}",
                book_no=BOOK,
                declarant_code=ENTERPRISE,
                buyer="西宁城北连锁超市",
                exchange_rate=RATE,
                lines=(jar_line(jar_lot, JARS_SOLD, "4.5000", CHINA),),
                material_values=(
                    MaterialValue(item_no=RAW_HONEY, unit_price=Decimal("6.8000"), currency=USD),
                ),
                duty_basis="materials",
                vehicle=vehicle("青A·K3381", "6400"),
                filed_by="placeholder",
            ),
            filer,
        )

        # --- what the books say afterwards ----------------------------------------------
        taxes = sale.status.taxes
        assert taxes is not None
        assert sale.status.paid is not None
        assert sale.status.paid.amount == taxes.payable.total  # exactly the chosen bill
        shown = (await j.send("GET", f"/lifecycles/{sale.workflow_id}", filer))["status"]
        assert Decimal(shown["duties_payable"]) == taxes.on_materials.total  # no arithmetic

        lots = {lot["lot_no"]: lot for lot in await j.api.items(f"/books/{BOOK}/lots", filer)}
        assert Decimal(lots[raw_lot]["available"]) == HONEY_IN - used == Decimal("1489.79592")
        assert Decimal(lots[jar_lot]["available"]) == JARS_MADE - JARS_EXPORTED - JARS_SOLD

        trace = await j.send(
            "GET", f"/audit/lots/{BOOK}/{jar_lot}/trace", auditor, params={"direction": "backward"}
        )
        [link] = trace["trace"]["links"]  # the jars were made of the bulk honey lot
        assert link["lot"]["lot_no"] == raw_lot
        assert Decimal(link["quantity"]) == used
        assert [
            (s["document"]["number"], s["outside"], Decimal(s["quantity"]))
            for s in link["lot"]["steps"]
        ] == [(f"GY-I-{tag}", "abroad", HONEY_IN)]  # ... which came in on the entry list

        forward = await j.send(
            "GET", f"/audit/lots/{BOOK}/{jar_lot}/trace", auditor, params={"direction": "forward"}
        )
        assert sorted(
            (s["document"]["number"], s["outside"], Decimal(s["quantity"]))
            for s in forward["trace"]["steps"]
        ) == [(f"GY-D-{tag}", "domestic", JARS_SOLD), (f"GY-E-{tag}", "abroad", JARS_EXPORTED)]

        verified = await j.send("GET", "/audit/ledger/verification", auditor)
        assert verified["ok"] is True
        assert verified["events_checked"] >= 4


def _client(zone: Zone) -> Any:
    async def temporal() -> Any:
        return zone.client

    return temporal


async def _upload(client: httpx.AsyncClient, token: str, url: str, payload: bytes) -> Any:
    response = await client.post(
        url,
        content=payload,
        headers={"Authorization": f"Bearer {token}", "Content-Type": XLSX},
    )
    assert response.status_code in (200, 201), response.text
    return response.json()
