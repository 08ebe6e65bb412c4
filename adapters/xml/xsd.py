"""The project's own XSDs: every document bondflow produces is checked before it leaves.

Files live in ``adapters/xml/xsd/``: one schema per message type with no target
namespace (``INV101.xsd``), shared types in ``common.xsd``, and for the documents
written inside the xmldsig wrapper a second schema (``INV101.xmldsig.xsd``) that
includes the first as a chameleon include, so both envelope styles are described by
one set of definitions. DecMessage has the declaration namespace as its target.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import as_file, files
from pathlib import Path

from lxml import etree

from adapters.xml.errors import SchemaViolation
from schemas.messages.codes import MessageType

XMLDSIG_NAMESPACE = "http://www.w3.org/2000/09/xmldsig#"

_SCHEMA_FILES = {
    MessageType.DEC_MESSAGE: "DecMessage.xsd",
    MessageType.DEC_IMPORT_RESPONSE: "DecImportResponse.xsd",
    MessageType.DEC_RESULT: "DEC_RESULT.xsd",
    MessageType.COMMON_RESPONSE: "CommonResponeMessage.xsd",
}


def schema_directory() -> Path:
    with as_file(files("adapters.xml") / "xsd") as directory:
        return Path(directory)


def schema_file(message_type: MessageType, namespace: str | None) -> Path:
    """The XSD for a message type in the namespace its document element has."""
    name = _SCHEMA_FILES.get(message_type, f"{message_type.value}.xsd")
    if namespace == XMLDSIG_NAMESPACE:
        name = name.replace(".xsd", ".xmldsig.xsd")
    return schema_directory() / name


# Our own files only: no network, no DTDs, includes resolved next to the schema.
_XSD_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
)


@dataclass(frozen=True)
class LoadedSchema:
    """A compiled XSD and the lock its validations take.

    lxml keeps a validator's error log on the validator object: two threads validating
    with one schema at once would read each other's errors, so a validation and the
    reading of its first error are one step under ``lock``."""

    xsd: etree.XMLSchema
    lock: threading.Lock = field(default_factory=threading.Lock, compare=False)

    def first_error(self, root: etree._Element) -> etree._LogEntry | None:
        with self.lock:
            if self.xsd.validate(root):
                return None
            return self.xsd.error_log[0]


# libxml2 sets up its table of built-in XSD types (xs:int, xs:string...) lazily, on
# the first schema it compiles, without a lock. Two threads compiling their first
# schemas at once (two activities filing their first lists in a new worker) left that
# table half-built, and every schema the process compiled afterwards was refused
# ("xs:int does not resolve to a simple type definition", then "the given type is
# not a built-in type"): the worker could file nothing until it was restarted. So
# schemas are compiled one at a time, in any thread.
_COMPILING = threading.Lock()


@cache
def load_schema(path: Path) -> LoadedSchema:
    with _COMPILING:
        return LoadedSchema(etree.XMLSchema(etree.parse(str(path), _XSD_PARSER)))


def check_against_schema(
    root: etree._Element, message_type: MessageType, *, source: str | None = None
) -> None:
    """Raise SchemaViolation naming the element path, line and reason on the first error."""
    namespace = etree.QName(root).namespace
    error = load_schema(schema_file(message_type, namespace)).first_error(root)
    if error is None:
        return
    raise SchemaViolation(
        _reason(error.message),
        path=_element_path(root, error.path),
        line=error.line or None,
        source=source,
    )


# Only namespace names in braces: a pattern such as \d{4} in a message must stay.
_NAMESPACE = re.compile(r"\{(?:https?://|urn:)[^}]*\}")


def _element_path(root: etree._Element, path: str | None) -> str | None:
    """libxml2's path ('/*/*[2]/*' in a default namespace) as local names with indices."""
    if not path:
        return None
    try:
        found = root.getroottree().xpath(path)
    except etree.XPathError:
        return path
    if not found or not isinstance(found[0], etree._Element):
        return path
    parts = []
    element: etree._Element | None = found[0]
    while element is not None:
        name = etree.QName(element).localname
        parent = element.getparent()
        if parent is not None:
            same = [sibling for sibling in parent if sibling.tag == element.tag]
            if len(same) > 1:
                name = f"{name}[{same.index(element) + 1}]"
        parts.append(name)
        element = parent
    return "/".join(reversed(parts))


def _reason(message: str) -> str:
    return _NAMESPACE.sub("", message)
