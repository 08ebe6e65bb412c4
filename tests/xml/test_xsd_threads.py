"""The XSD checks from several threads at once, as a worker's activities run them.

A worker renders and checks each message it files in an activity thread; several run
at once. libxml2 builds its table of built-in XSD types on the first schema compiled,
without a lock: when two activities compiled their first schemas together, a worker
was left refusing every schema it compiled afterwards, until it was restarted (seen in
the crash test on a loaded machine: "xs:int does not resolve to a simple type
definition", then "the given type is not a built-in type" on every retry).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from lxml import etree

from adapters.xml import codec
from adapters.xml.errors import SchemaViolation
from adapters.xml.xsd import check_against_schema, load_schema, schema_directory
from schemas.messages.codes import MessageType
from tests.support import messages

SCHEMAS = sorted(schema_directory().glob("*.xsd"))


@pytest.fixture
def uncompiled() -> Iterator[None]:
    """No schema compiled yet in this process, as in a worker that has just started."""
    load_schema.cache_clear()
    yield
    load_schema.cache_clear()


class OverlapRecorder:
    """Stands in for ``etree.XMLSchema``: compiles with it, slowly, counting how many
    compilations run at the same moment."""

    def __init__(self, compile_schema: type[etree.XMLSchema]) -> None:
        self.compile_schema = compile_schema
        self.lock = threading.Lock()
        self.running = 0
        self.most = 0

    def __call__(self, document: etree._ElementTree) -> etree.XMLSchema:
        with self.lock:
            self.running += 1
            self.most = max(self.most, self.running)
        try:
            time.sleep(0.01)  # long enough for the other threads to arrive
            return self.compile_schema(document)
        finally:
            with self.lock:
                self.running -= 1


def test_threads_loading_their_first_schemas_at_once_compile_them_one_at_a_time(
    uncompiled: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Given a process that has compiled no schema, when eight threads each load a
    different schema at the same moment, then the compilations run one after another
    and every schema is compiled."""
    recorder = OverlapRecorder(etree.XMLSchema)
    monkeypatch.setattr(etree, "XMLSchema", recorder)
    start = threading.Barrier(8)

    def load(path: Path) -> etree.XMLSchema:
        start.wait()
        return load_schema(path).xsd

    with ThreadPoolExecutor(max_workers=8) as pool:
        loaded = list(pool.map(load, SCHEMAS[:8]))

    assert recorder.most == 1
    assert all(isinstance(schema, recorder.compile_schema) for schema in loaded)


def test_threads_checking_with_one_schema_each_get_their_own_verdict(uncompiled: None) -> None:
    """Given one schema, when threads check valid and broken documents with it at the
    same time, then each valid one passes and each broken one is refused naming its own
    element (lxml keeps the error log on the schema object, so an unguarded check
    could read another thread's errors or find none)."""
    valid = codec.render(messages.bonded_list())
    # Each broken document misses a different head field: its refusal names that field.
    broken = {
        field: codec.render(messages.bonded_list(), validate=False)
        .replace(f"<{field}>".encode(), f"<X{field}>".encode(), 1)
        .replace(f"</{field}>".encode(), f"</X{field}>".encode(), 1)
        for field in ("EtpsInnerInvtNo", "InvtType", "ImpexpPortcd")
    }

    def check_valid() -> str:
        for _ in range(100):
            check_against_schema(etree.fromstring(valid), MessageType.INV101)
        return "valid"

    def check_broken(field: str) -> str:
        for _ in range(100):
            with pytest.raises(SchemaViolation) as refused:
                check_against_schema(etree.fromstring(broken[field]), MessageType.INV101)
            assert f"X{field}" in refused.value.reason, (field, refused.value.reason)
        return field

    with ThreadPoolExecutor(max_workers=6) as pool:
        done = [pool.submit(check_valid) for _ in range(3)]
        done += [pool.submit(check_broken, field) for field in broken]
        outcomes = [future.result() for future in done]

    assert outcomes == ["valid"] * 3 + list(broken)
