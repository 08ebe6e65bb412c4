"""The conformance corpus: every real shape of every message, read whole.

``tests/xml/corpus/`` holds bondflow's own files, each written in the exact shape of a
public real instance (PROVENANCE.md names the repository, path and commit of each):
the same wrappers, namespaces, encodings, orders, spellings, empty elements and broken
values, with our own values. ``EXPECTED.toml`` says what bondflow must make of each.

Given any file of the corpus, when bondflow reads it, then it reports the message
type, every element of the file is in the document it prints, its findings are the
ones expected (none for receipts: customs is the authority), and printing, writing
back and reading again gives the same document.

The public files themselves are not committed (see PROVENANCE.md); point
``BONDFLOW_EXTERNAL_CORPUS`` at a directory of them to run the same checks on them.
"""

from __future__ import annotations

import json
import os
import tomllib
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from adapters.xml import codec
from adapters.xml.errors import XmlMessageError
from adapters.xml.safe import parse_untrusted

CORPUS = Path(__file__).parent / "corpus"
EXPECTED: dict[str, dict[str, Any]] = tomllib.loads((CORPUS / "EXPECTED.toml").read_text("utf-8"))
EXTERNAL = os.environ.get("BONDFLOW_EXTERNAL_CORPUS")


def own_files() -> list[str]:
    return sorted(str(path.relative_to(CORPUS)) for path in CORPUS.rglob("*.xml"))


def external_files() -> list[Path]:
    if not EXTERNAL:
        return []
    return sorted(Path(EXTERNAL).rglob("*.xml"))


def test_every_file_has_its_expectation_and_every_expectation_its_file() -> None:
    assert set(own_files()) == set(EXPECTED)


def read(path: Path, name: str) -> codec.Document:
    return codec.read_document(path.read_bytes(), source=name)


def texts_of(path: Path) -> list[str]:
    """Every non-blank text of the file's elements, payloads unwrapped."""
    root = parse_untrusted(path.read_bytes())
    found: list[str] = []
    for element in root.iter(etree.Element):
        text = (element.text or "").strip()
        if etree.QName(element).localname == "Data" and text:
            continue  # a DxpMsg payload: compared as its own document
        if text:
            found.append(text)
    return found


def flatten(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value.strip()]
    if isinstance(value, dict):
        return [text for item in value.values() for text in flatten(item)]
    if isinstance(value, list):
        return [text for item in value for text in flatten(item)]
    return []


@pytest.mark.parametrize("name", own_files())
def test_a_corpus_file_is_read_as_its_expectation_says(name: str) -> None:
    expected = EXPECTED[name]
    path = CORPUS / name
    if "refused" in expected:
        with pytest.raises(XmlMessageError) as refused:
            read(path, name)
        assert expected["refused"].lower() in str(refused.value).lower()
        if "line" in expected:
            assert refused.value.line == expected["line"]
        return

    document = read(path, name)

    assert document.kind.type.value == expected["type"]
    findings = [(finding.path, finding.reason.lower()) for finding in document.findings]
    for wanted in expected.get("findings", []):
        element, keyword = wanted["path"], wanted["reason"].lower()
        assert any(path == element and keyword in reason for path, reason in findings), (
            f"{name}: no finding at {element} saying {keyword!r}; found {findings}"
        )
    if expected.get("only"):
        assert len(findings) == len(expected.get("findings", [])), findings
    if not findings:
        document.message()  # the typed message, for a file with nothing to say about it


def check_whole_and_identity(path: Path, name: str) -> None:
    document = read(path, name)
    printed = json.loads(json.dumps(document.as_json(), ensure_ascii=False))

    # Every text of the file is in the printed document (the wrapper's in "transport").
    shown = flatten(printed["document"]) + flatten(printed.get("transport", {}))
    missing = [text for text in texts_of(path) if text not in shown]
    assert missing == [], f"{name}: not shown: {missing[:5]}"

    again_bytes = codec.render_document(
        codec.document_from_json(printed, document.kind), check=not document.findings
    )
    again = codec.read_document(again_bytes, source=f"{name} (written back)")
    assert again.as_json()["document"] == printed["document"]
    assert again.as_json().get("transport") == printed.get("transport")


@pytest.mark.parametrize(
    "name", [name for name in own_files() if "refused" not in EXPECTED.get(name, {})]
)
def test_a_corpus_file_is_shown_whole_and_written_back_the_same(name: str) -> None:
    check_whole_and_identity(CORPUS / name, name)


@pytest.mark.skipif(not EXTERNAL, reason="BONDFLOW_EXTERNAL_CORPUS names no directory")
@pytest.mark.parametrize("path", external_files(), ids=lambda path: path.name)
def test_a_public_real_file_is_read_whole(path: Path) -> None:
    if "decmodsave" in path.name.lower() or "not-wellformed" in path.name.lower():
        # Not a message bondflow knows, or not XML: refused, naming why and where.
        with pytest.raises(XmlMessageError) as refused:
            read(path, path.name)
        assert refused.value.line is not None
        return
    document = read(path, path.name)
    if document.kind.lenient:
        assert document.findings == []
    check_whole_and_identity(path, path.name)
