"""The project's own XSDs: every document bondflow produces is checked before it leaves.

Files live in ``adapters/xml/xsd/``: one schema per message type with no target
namespace (``INV101.xsd``), shared types in ``common.xsd``, and for the documents
written inside the xmldsig wrapper a second schema (``INV101.xmldsig.xsd``) that
includes the first as a chameleon include, so both envelope styles are described by
one set of definitions. DecMessage has the declaration namespace as its target.
"""

from __future__ import annotations

import re
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


@cache
def load_schema(path: Path) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(path), _XSD_PARSER))


def check_against_schema(
    root: etree._Element, message_type: MessageType, *, source: str | None = None
) -> None:
    """Raise SchemaViolation naming the element path, line and reason on the first error."""
    namespace = etree.QName(root).namespace
    schema = load_schema(schema_file(message_type, namespace))
    if schema.validate(root):
        return
    error = schema.error_log[0]
    raise SchemaViolation(
        _reason(error.message),
        path=_local_path(error.path),
        line=error.line or None,
        source=source,
    )


_PREFIX = re.compile(r"[A-Za-z_][\w.\-]*:")
_BRACED = re.compile(r"\{[^}]*\}")


def _local_path(path: str | None) -> str | None:
    """'/xs:Signature/xs:Object[1]' or '/*[...]' paths from libxml2 as local names."""
    if not path:
        return None
    return _PREFIX.sub("", path).lstrip("/")


def _reason(message: str) -> str:
    return _BRACED.sub("", message)
