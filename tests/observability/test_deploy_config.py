"""The compose topology's watching part, checked without Docker: given
docker-compose.yml and deploy/, when they are parsed, then every file a service
mounts exists, Prometheus scrapes the ports the API and the workers serve their
metrics on, the services send their spans to the collector's OTLP receiver, the
collector's pipelines use only what it defines, Grafana's dashboard reads from the
provisioned data source, and every bondflow series it plots is one bondflow exports
while every metric bondflow defines is on it."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from observability.metrics import REGISTRY

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"


def load_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    parsed: dict[str, Any] = load_yaml(ROOT / "docker-compose.yml")
    return parsed


@pytest.fixture(scope="module")
def prometheus() -> dict[str, Any]:
    parsed: dict[str, Any] = load_yaml(DEPLOY / "prometheus" / "prometheus.yml")
    return parsed


@pytest.fixture(scope="module")
def dashboard() -> dict[str, Any]:
    parsed: dict[str, Any] = json.loads(
        (DEPLOY / "grafana" / "dashboards" / "bondflow.json").read_text(encoding="utf-8")
    )
    return parsed


def port_of(address: str) -> int:
    return int(address.rsplit(":", 1)[1])


def test_every_file_a_service_mounts_from_the_checkout_exists(compose: dict[str, Any]) -> None:
    mounted = [
        volume.split(":")[0]
        for service in compose["services"].values()
        for volume in service.get("volumes", [])
        if volume.startswith("./")
    ]
    assert mounted, "the watching services mount their configuration"
    for source in mounted:
        assert (ROOT / source).exists(), source


def test_prometheus_scrapes_where_the_api_and_the_workers_serve(
    compose: dict[str, Any], prometheus: dict[str, Any]
) -> None:
    services = compose["services"]
    jobs = {job["job_name"]: job for job in prometheus["scrape_configs"]}

    api_port = next(int(a.split("=")[1]) for a in services["api"]["command"] if "--port" in a)
    assert jobs["bondflow-api"]["metrics_path"] == "/metrics"
    assert jobs["bondflow-api"]["static_configs"][0]["targets"] == [f"api:{api_port}"]

    for job, setting in (
        ("bondflow-worker", "BONDFLOW_WORKER_METRICS_ADDRESS"),
        ("temporal-sdk", "BONDFLOW_TEMPORAL_METRICS_ADDRESS"),
    ):
        (lookup,) = jobs[job]["dns_sd_configs"]
        for name in lookup["names"]:
            environment = services[name]["environment"]
            assert port_of(environment[setting]) == lookup["port"], (job, name)
            assert environment[setting].startswith("0.0.0.0:"), "reachable from Prometheus"

    for job in jobs.values():
        for static in job.get("static_configs", []):
            for target in static["targets"]:
                assert target.split(":")[0] in services, target


def test_spans_go_to_the_collector_and_on_to_jaeger(compose: dict[str, Any]) -> None:
    services = compose["services"]
    collector = load_yaml(DEPLOY / "otel-collector" / "config.yaml")
    grpc = collector["receivers"]["otlp"]["protocols"]["grpc"]["endpoint"]
    for name in ("api", "worker", "receipt-watcher"):
        endpoint = services[name]["environment"]["BONDFLOW_OTLP_ENDPOINT"]
        assert endpoint == f"http://otel-collector:{port_of(grpc)}", name
    for pipeline in collector["service"]["pipelines"].values():
        for part in ("receivers", "processors", "exporters"):
            for used in pipeline[part]:
                assert used in collector[part], (part, used)
    jaeger = collector["exporters"]["otlp/jaeger"]["endpoint"]
    assert jaeger.split(":")[0] in services


def test_grafana_reads_from_the_provisioned_data_sources(dashboard: dict[str, Any]) -> None:
    sources = load_yaml(DEPLOY / "grafana" / "provisioning" / "datasources" / "bondflow.yml")
    uids = {source["uid"] for source in sources["datasources"]}
    providers = load_yaml(DEPLOY / "grafana" / "provisioning" / "dashboards" / "bondflow.yml")
    assert providers["providers"][0]["options"]["path"] == "/var/lib/grafana/dashboards"
    panels = [p for p in dashboard["panels"] if p["type"] != "row"]
    assert panels
    for panel in panels:
        assert panel["datasource"]["uid"] in uids, panel["title"]
        assert panel["targets"], panel["title"]


def exported_names() -> dict[str, set[str]]:
    """Each bondflow metric with the series names it is exported under."""
    suffixes = {
        "counter": ("_total",),
        "histogram": ("_bucket", "_count", "_sum"),
        "gauge": ("",),
    }
    return {
        family.name: {family.name + suffix for suffix in suffixes[family.type]}
        for family in REGISTRY.collect()
        if family.name.startswith("bondflow_")
    }


def test_the_dashboard_plots_what_bondflow_exports_and_all_of_it(
    dashboard: dict[str, Any],
) -> None:
    plotted = {
        name
        for panel in dashboard["panels"]
        for target in panel.get("targets", [])
        for name in re.findall(r"\bbondflow_[a-z_]+", target["expr"])
    }
    exported = exported_names()
    every_series = set().union(*exported.values())
    assert plotted - every_series == set(), "plotted but never exported"
    unplotted = {metric for metric, series in exported.items() if not series & plotted}
    assert unplotted == set(), "exported but on no panel"
