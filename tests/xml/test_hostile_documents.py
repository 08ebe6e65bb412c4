"""XML from outside is parsed safely: hostile documents are refused fast, read nothing, say why.

The samples live in ``tests/xml/hostile/`` (one attack per file, see its README) and each
must be refused within a second, with a reason that names the problem. Two tripwires
prove that nothing outside the document is touched while doing so:

- the secret file is a FIFO: anything that opens it is recorded (and would receive the
  secret marker, which must then never show up in an error or a result);
- the listener is a socket server on 127.0.0.1 that records every connection.

``REFUSALS`` states, for every sample, what the refusal says, the line it names, and
whether it happens before the parser runs (size and prolog checks) or while parsing.
"""

from __future__ import annotations

import errno
import os
import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import pytest
from lxml import etree

from adapters.xml import safe
from adapters.xml.errors import UnsafeDocument
from adapters.xml.safe import DEFAULT_LIMITS, ParseLimits, parse_untrusted, read_untrusted_file

HOSTILE = Path(__file__).parent / "hostile"
ACCEPTED = HOSTILE / "accepted"
SECRET = "BONDFLOW-SECRET-4c1f9e27"
REFUSAL_BUDGET_SECONDS = 1.0  # the issue: "refused within a second"; normal runs take ms

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="the file tripwire is a FIFO")


@dataclass(frozen=True)
class Refusal:
    says: str  # a fragment the refusal's reason must contain
    line: int | None = None  # the line it must name, when there is one to name
    before_parsing: bool = True  # refused by the size or prolog checks: lxml never ran


DOCTYPE = "DOCTYPE declarations are refused"
REFUSALS: dict[str, Refusal] = {
    "xxe_file.xml": Refusal(DOCTYPE, line=2),
    "xxe_network.xml": Refusal(DOCTYPE, line=2),
    "external_dtd.xml": Refusal(DOCTYPE, line=2),
    "external_dtd_public.xml": Refusal(DOCTYPE, line=2),
    "external_dtd_on_disk.xml": Refusal(DOCTYPE, line=2),
    "parameter_entity.xml": Refusal(DOCTYPE, line=2),
    "parameter_entity_exfiltration.xml": Refusal(DOCTYPE, line=2),
    "billion_laughs.xml": Refusal(DOCTYPE, line=2),
    "quadratic_blowup.xml": Refusal(DOCTYPE, line=2),
    "doctype_after_long_prolog.xml": Refusal(DOCTYPE, line=242),
    "doctype_lowercase.xml": Refusal(DOCTYPE, line=2),
    "entity_without_doctype.xml": Refusal("ENTITY declarations are refused", line=2),
    "utf8_bom_doctype.xml": Refusal(DOCTYPE, line=2),
    "utf16le_bom_doctype.xml": Refusal(DOCTYPE, line=2),
    "utf16be_bom_doctype.xml": Refusal(DOCTYPE, line=2),
    "utf16le_no_bom_doctype.xml": Refusal(DOCTYPE, line=2),
    "utf16be_no_bom_doctype.xml": Refusal(DOCTYPE, line=2),
    "utf32le_bom_doctype.xml": Refusal(DOCTYPE, line=2),
    "utf32be_no_bom_doctype.xml": Refusal(DOCTYPE, line=2),
    "utf7_doctype.xml": Refusal(DOCTYPE, line=2),
    "ascii_labelled_utf16_doctype.xml": Refusal(DOCTYPE, line=2),
    "gb18030_doctype.xml": Refusal(DOCTYPE, line=3),
    "unknown_encoding.xml": Refusal("declares an encoding bondflow cannot check"),
    "empty.xml": Refusal("empty document"),
    "too_deep.xml": Refusal("nested too deeply: more than 24 levels", 25, before_parsing=False),
    "truncated.xml": Refusal(
        "not well-formed XML: Premature end of data in tag SeqNo", 4, before_parsing=False
    ),
    "undefined_entity.xml": Refusal(
        "not well-formed XML: Entity 'secret' not defined", 2, before_parsing=False
    ),
    "whitespace_only.xml": Refusal("not well-formed XML", before_parsing=False),
    "not_xml.txt": Refusal("not well-formed XML: Start tag expected", 1, before_parsing=False),
    "png_header.bin": Refusal("not well-formed XML", 1, before_parsing=False),
}


def hostile_samples() -> list[str]:
    return sorted(p.name for p in HOSTILE.iterdir() if p.is_file() and p.name != "README.md")


def accepted_samples() -> list[str]:
    return sorted(p.name for p in ACCEPTED.iterdir() if p.is_file())


# --- tripwires ------------------------------------------------------------------------


class SecretFifo:
    """A FIFO that gives the secret to whoever opens it, and counts how many did.

    A reader blocks in open() until a writer appears; this thread polls for readers with a
    non-blocking open for writing (which fails with ENXIO while there is none), so any
    open by the parser is seen, served and counted instead of hanging the test. A reader
    still there on the next poll is the same one and is not counted twice.
    """

    def __init__(self, path: Path) -> None:
        os.mkfifo(path)
        self.path = path
        self.opened = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="secret-fifo", daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return self.path.as_uri()

    def _serve(self) -> None:
        reader_present = False
        while not self._stop.is_set():
            try:
                descriptor = os.open(self.path, os.O_WRONLY | os.O_NONBLOCK)
            except OSError as error:
                if error.errno != errno.ENXIO:
                    raise
                reader_present = False
                self._stop.wait(0.002)
                continue
            try:
                if not reader_present:  # a new reader: count it once and hand it the secret
                    self.opened += 1
                    os.write(descriptor, SECRET.encode())
            except OSError:
                pass  # the reader went away already: it was still counted
            finally:
                os.close(descriptor)
            reader_present = True
            self._stop.wait(0.002)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)


class Listener:
    """A socket server on 127.0.0.1 that records every connection and answers 404."""

    def __init__(self) -> None:
        self._server = socket.create_server(("127.0.0.1", 0))
        self._server.settimeout(0.05)
        self.connections: list[Any] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="listener", daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        host, port = self._server.getsockname()[:2]
        return f"http://{host}:{port}"

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                connection, peer = self._server.accept()
            except TimeoutError:
                continue
            self.connections.append(peer)
            with connection:
                connection.sendall(b"HTTP/1.0 404 Not Found\r\nContent-Length: 0\r\n\r\n")

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self._server.close()


@dataclass
class Tripwires:
    secret_file: SecretFifo
    listener: Listener

    def instantiate(self, raw: bytes) -> bytes:
        """The sample with its placeholders replaced, in whichever encoding it is written."""
        replacements = {"SECRET-FILE-URL": self.secret_file.url, "LISTENER-URL": self.listener.url}
        encodings = ("utf-32-le", "utf-32-be", "utf-16-le", "utf-16-be", "utf-8")
        for placeholder, value in replacements.items():
            for encoding in encodings:
                raw = raw.replace(placeholder.encode(encoding), value.encode(encoding))
            assert not any(placeholder.encode(encoding) in raw for encoding in encodings)
        return raw

    def sample(self, folder: Path, name: str) -> bytes:
        return self.instantiate((folder / name).read_bytes())

    def assert_untouched(self) -> None:
        assert self.secret_file.opened == 0, "the secret file was opened"
        assert self.listener.connections == [], "a connection reached the listener"


@pytest.fixture(scope="module")
def armed_tripwires(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tripwires]:
    secret_file = SecretFifo(tmp_path_factory.mktemp("tripwire") / "secret.txt")
    listener = Listener()
    try:
        yield Tripwires(secret_file, listener)
    finally:
        listener.close()
        secret_file.close()


@pytest.fixture
def tripwires(armed_tripwires: Tripwires) -> Tripwires:
    """The module's tripwires, with nothing recorded yet for this test."""
    armed_tripwires.secret_file.opened = 0
    armed_tripwires.listener.connections.clear()
    return armed_tripwires


def _parser_used() -> NoReturn:
    raise AssertionError("the parser ran, but the document should be refused before it")


@pytest.fixture
def parser_must_not_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """Makes any use of lxml's parser fail the test: the refusal must come before it."""
    monkeypatch.setattr(safe, "_new_parser", _parser_used)


def refuse(data: bytes, *, source: str = "sample.xml", **kwargs: Any) -> UnsafeDocument:
    """Parse, expect a refusal, and check it came within the budget."""
    started = time.perf_counter()
    with pytest.raises(UnsafeDocument) as refusal:
        parse_untrusted(data, source=source, **kwargs)
    elapsed = time.perf_counter() - started
    assert elapsed < REFUSAL_BUDGET_SECONDS, f"refused after {elapsed:.3f} s"
    return refusal.value


def assert_says_nothing_secret(error: UnsafeDocument) -> None:
    for text in (str(error), repr(error), error.reason, error.path or ""):
        assert SECRET not in text


# --- the tripwires themselves ---------------------------------------------------------


def test_the_tripwires_notice_a_file_read_and_a_connection(tripwires: Tripwires) -> None:
    """Without this, 'nothing was opened' would prove nothing."""
    assert tripwires.secret_file.path.read_text() == SECRET
    with socket.create_connection(("127.0.0.1", int(tripwires.listener.url.rsplit(":", 1)[1]))):
        pass
    deadline = time.monotonic() + 5
    while not tripwires.listener.connections and time.monotonic() < deadline:
        time.sleep(0.01)
    assert tripwires.secret_file.opened == 1
    assert len(tripwires.listener.connections) == 1


def test_every_hostile_sample_states_what_its_refusal_says() -> None:
    assert hostile_samples() == sorted(REFUSALS)


# --- the corpus -----------------------------------------------------------------------


@pytest.mark.parametrize("name", hostile_samples())
def test_a_hostile_document_is_refused_within_a_second_and_says_why(
    name: str, tripwires: Tripwires, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = REFUSALS[name]
    data = tripwires.sample(HOSTILE, name)
    if expected.before_parsing:
        monkeypatch.setattr(safe, "_new_parser", _parser_used)

    error = refuse(data, source=name)

    assert expected.says in error.reason
    assert error.source == name
    if expected.line is not None:
        assert error.line == expected.line
    assert_says_nothing_secret(error)
    tripwires.assert_untouched()


@pytest.mark.parametrize("name", hostile_samples())
def test_a_hostile_file_on_disk_is_refused_naming_the_file(
    name: str, tripwires: Tripwires, tmp_path: Path
) -> None:
    path = tmp_path / name
    path.write_bytes(tripwires.sample(HOSTILE, name))

    started = time.perf_counter()
    with pytest.raises(UnsafeDocument) as refusal:
        read_untrusted_file(path)
    assert time.perf_counter() - started < REFUSAL_BUDGET_SECONDS

    assert REFUSALS[name].says in refusal.value.reason
    assert refusal.value.source == str(path)
    assert str(path) in str(refusal.value)
    assert_says_nothing_secret(refusal.value)
    tripwires.assert_untouched()


@pytest.mark.parametrize("name", hostile_samples())
def test_even_without_the_prolog_scan_the_parser_reads_nothing_and_still_refuses(
    name: str, tripwires: Tripwires, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Defence in depth: the parser settings, the resolver and docinfo hold on their own.

    libxml2 opens an external DTD named in a DOCTYPE even with load_dtd=False; the
    resolver must stop that before the file is opened or the socket connected.
    """
    monkeypatch.setattr(safe, "_refuse_declarations_in_prolog", lambda data, source: None)

    error = refuse(tripwires.sample(HOSTILE, name), source=name)

    assert_says_nothing_secret(error)
    tripwires.assert_untouched()


@pytest.mark.parametrize("name", accepted_samples())
def test_a_suspicious_looking_but_harmless_document_parses_and_fetches_nothing(
    name: str, tripwires: Tripwires
) -> None:
    """Comments, PIs, XInclude, schema hints and DOCTYPE text in CDATA are inert data."""
    root = parse_untrusted(tripwires.sample(ACCEPTED, name), source=name)

    assert etree.QName(root).localname == "Package"
    assert SECRET not in etree.tostring(root, encoding="unicode")
    tripwires.assert_untouched()


# --- each attack, as a specification --------------------------------------------------


def test_an_external_entity_pointing_at_a_local_file_is_refused_without_reading_it(
    tripwires: Tripwires,
) -> None:
    error = refuse(tripwires.sample(HOSTILE, "xxe_file.xml"), source="InBox/xxe_file.xml")

    assert "DOCTYPE" in error.reason
    assert str(error).startswith("InBox/xxe_file.xml, line 2: DOCTYPE declarations are refused")
    assert tripwires.secret_file.opened == 0
    assert_says_nothing_secret(error)


def test_an_external_dtd_on_a_local_server_is_refused_without_connecting(
    tripwires: Tripwires,
) -> None:
    for name in ("external_dtd.xml", "external_dtd_public.xml", "xxe_network.xml"):
        error = refuse(tripwires.sample(HOSTILE, name), source=name)
        assert "DOCTYPE" in error.reason
    assert tripwires.listener.connections == []


def test_billion_laughs_is_refused_before_any_entity_is_expanded(
    tripwires: Tripwires, parser_must_not_run: None
) -> None:
    error = refuse(tripwires.sample(HOSTILE, "billion_laughs.xml"))

    assert "DOCTYPE" in error.reason
    assert "expand without bound" in error.reason


def test_parameter_entities_are_refused(tripwires: Tripwires) -> None:
    for name in ("parameter_entity.xml", "parameter_entity_exfiltration.xml"):
        error = refuse(tripwires.sample(HOSTILE, name), source=name)
        assert "DOCTYPE" in error.reason
    tripwires.assert_untouched()


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [
        ("utf-16-le", b"\xff\xfe"),
        ("utf-16-be", b""),
        ("utf-32-le", b""),
        ("utf-32-be", b"\x00\x00\xfe\xff"),
    ],
)
def test_a_doctype_is_found_in_utf16_and_utf32_with_or_without_a_byte_order_mark(
    encoding: str, bom: bytes, parser_must_not_run: None
) -> None:
    label = encoding[:6].upper()
    text = f'<?xml version="1.0" encoding="{label}"?>\n<!DOCTYPE r SYSTEM "x.dtd">\n<r/>'

    error = refuse(bom + text.encode(encoding))

    assert "DOCTYPE" in error.reason
    assert error.line == 2


def test_a_document_nested_deeper_than_the_limit_is_refused_naming_where() -> None:
    error = refuse((HOSTILE / "too_deep.xml").read_bytes())

    assert error.reason == "nested too deeply: more than 24 levels of elements"
    assert error.line == 25
    assert error.path == "Level/Level/Level/…/Level"


def test_ten_thousand_levels_are_refused_by_libxml2s_own_limit() -> None:
    data = b"<Level>" * 10_000 + b"</Level>" * 10_000

    error = refuse(data)

    assert "nested too deeply" in error.reason
    assert "libxml2 stopped at 256" in error.reason


def test_nesting_exactly_at_the_limit_is_accepted_and_one_more_level_is_not() -> None:
    def nested(depth: int) -> bytes:
        return b"<a>" * depth + b"</a>" * depth

    assert parse_untrusted(nested(DEFAULT_LIMITS.max_depth)).tag == "a"
    refuse(nested(DEFAULT_LIMITS.max_depth + 1))
    limits = ParseLimits(max_depth=30)
    assert parse_untrusted(nested(30), limits=limits).tag == "a"
    assert "more than 30 levels" in refuse(nested(31), limits=limits).reason


def test_a_truncated_document_is_refused_naming_the_line_and_libxml2s_message() -> None:
    error = refuse(b'<?xml version="1.0"?>\n<Package><EnvelopInfo>', source="cut.xml")

    assert error.reason.startswith("not well-formed XML: Premature end of data in tag")
    assert error.line == 2
    assert str(error).startswith("cut.xml, line 2: not well-formed XML")


def test_bytes_larger_than_the_limit_are_refused_before_parsing(
    parser_must_not_run: None,
) -> None:
    data = b"<Package>" + b" " * 1000 + b"</Package>"

    error = refuse(data, limits=ParseLimits(max_bytes=1000))

    assert error.reason == f"document too large: {len(data)} bytes, the limit is 1000"


def test_a_file_larger_than_the_limit_is_refused_from_its_size_without_being_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A 40 MB sparse file: stat says it is too big, so it is never opened at all."""
    path = tmp_path / "huge.xml"
    with path.open("wb") as handle:
        handle.write(b"<Package>")
        handle.truncate(40 * 1024 * 1024)

    def opened(*args: object, **kwargs: object) -> NoReturn:
        raise AssertionError("the oversized file was opened")

    monkeypatch.setattr(Path, "open", opened)
    started = time.perf_counter()
    with pytest.raises(UnsafeDocument) as refusal:
        read_untrusted_file(path)
    assert time.perf_counter() - started < REFUSAL_BUDGET_SECONDS

    assert refusal.value.reason == (
        f"document too large: {40 * 1024 * 1024} bytes, the limit is {DEFAULT_LIMITS.max_bytes}"
    )
    assert refusal.value.source == str(path)


def test_a_file_that_grows_after_stat_is_still_cut_off_at_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "growing.xml"
    path.write_bytes(b"<Package>" + b" " * 5000 + b"</Package>")
    real_stat = Path.stat

    def stat_before_it_grew(self: Path, **kwargs: Any) -> os.stat_result:
        status = real_stat(self, **kwargs)
        fields = list(status[:10])
        fields[6] = 10  # st_size as it was when stat ran
        return os.stat_result(fields)

    monkeypatch.setattr(Path, "stat", stat_before_it_grew)
    with pytest.raises(UnsafeDocument) as refusal:
        read_untrusted_file(path, limits=ParseLimits(max_bytes=100))

    assert refusal.value.reason == "document too large: 101 bytes, the limit is 100"


def test_a_directory_is_not_a_document(tmp_path: Path) -> None:
    with pytest.raises(UnsafeDocument) as refusal:
        read_untrusted_file(tmp_path)

    assert "not a regular file" in refusal.value.reason


@pytest.mark.parametrize("name", ["not_xml.txt", "png_header.bin"])
def test_non_xml_bytes_are_refused_as_not_well_formed(name: str) -> None:
    error = refuse((HOSTILE / name).read_bytes(), source=name)

    assert error.reason.startswith("not well-formed XML: ")


# --- normal documents -----------------------------------------------------------------


CHINESE_MESSAGE = """<?xml version="1.0" encoding="{encoding}"?>
<!-- 西宁综合保税区 -->
<Package>
  <EnvelopInfo><message_type>INV101</message_type></EnvelopInfo>
  <DataInfo><BussinessData><InvtMessage>
    <InvtListType><GdsNm>光伏电池片</GdsNm><Rmk>中欧班列 · 德国进口</Rmk></InvtListType>
  </InvtMessage></BussinessData></DataInfo>
</Package>
"""


@pytest.mark.parametrize(
    ("declared", "codec", "bom"),
    [
        ("UTF-8", "utf-8", b""),
        ("GB18030", "gb18030", b""),
        ("GBK", "gbk", b""),
        ("UTF-16", "utf-16-le", b"\xff\xfe"),
    ],
)
def test_a_normal_message_with_chinese_text_parses(declared: str, codec: str, bom: bytes) -> None:
    data = bom + CHINESE_MESSAGE.format(encoding=declared).encode(codec)

    root = parse_untrusted(data, source="InBox/INV101.xml")

    assert root.findtext(".//GdsNm") == "光伏电池片"
    assert root.findtext(".//Rmk") == "中欧班列 · 德国进口"


def test_a_normal_file_is_read_and_parsed(tmp_path: Path) -> None:
    path = tmp_path / "INV101.xml"
    path.write_bytes(CHINESE_MESSAGE.format(encoding="GB18030").encode("gb18030"))

    assert read_untrusted_file(path).findtext(".//GdsNm") == "光伏电池片"


def test_many_threads_parsing_at_once_each_get_their_own_answer() -> None:
    """lxml parsers are not shared between threads: each call gets its own."""
    good = CHINESE_MESSAGE.format(encoding="UTF-8").encode()
    bad = b"<Package><Unclosed></Package>"

    def parse(index: int) -> str:
        try:
            return str(parse_untrusted(good if index % 2 else bad).findtext(".//GdsNm"))
        except UnsafeDocument as error:
            return error.reason.split(":")[0]

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(parse, range(400)))

    assert answers[1::2] == ["光伏电池片"] * 200
    assert answers[0::2] == ["not well-formed XML"] * 200
