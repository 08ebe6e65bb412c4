"""Render and parse whole customs messages: the envelope layouts and the message registry.

Three layouts occur in the real exchange:

- **upload** (INV101, SAS121): ``Signature/Object/Package`` in the xmldsig namespace,
  EnvelopInfo, then ``DataInfo/BussinessData`` (sic) with the message and DelcareFlag
  (sic). The single-window client signs the file with the IC card on import.
- **receipt** (INV201/202/211, SAS221/223/224): the same Package, with or without the
  xmldsig wrapper and namespace, the receipt's block inside BussinessData.
- **root** (DecMessage, DecImportResponse, DEC_DATA, CommonResponeMessage): the
  message is the document element.

Everything outgoing is checked against the project's own XSD before it is returned;
everything incoming is parsed safely and validated into the models.
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass
from enum import Enum
from typing import Any

from lxml import etree
from pydantic import BaseModel

from adapters.xml.binding import child_elements, local_name, read_model, write_fields
from adapters.xml.errors import UnsupportedMessage, XmlMessageError
from adapters.xml.safe import DEFAULT_LIMITS, ParseLimits, parse_untrusted
from adapters.xml.xsd import check_against_schema
from schemas.messages.base import EnvelopeStyle
from schemas.messages.bonded_list import BondedListUpload
from schemas.messages.codes import MessageType
from schemas.messages.declaration import DEC_NAMESPACE, DEC_VERSION, DeclarationMessage
from schemas.messages.envelope import EnvelopInfo
from schemas.messages.gate_pass import GatePassUpload
from schemas.messages.receipts import (
    Inv201Receipt,
    Inv202Receipt,
    Inv211Receipt,
    Sas221Receipt,
    Sas223Receipt,
    Sas224Receipt,
)
from schemas.messages.responses import (
    CommonResponeMessage,
    DecImportResponse,
    DecResult,
    DecResultMessage,
)

XMLDSIG_NAMESPACE = "http://www.w3.org/2000/09/xmldsig#"

CustomsMessage = (
    BondedListUpload
    | GatePassUpload
    | DeclarationMessage
    | Inv201Receipt
    | Inv202Receipt
    | Inv211Receipt
    | Sas221Receipt
    | Sas223Receipt
    | Sas224Receipt
    | CommonResponeMessage
    | DecImportResponse
    | DecResultMessage
)


class Layout(Enum):
    UPLOAD = "upload"
    RECEIPT = "receipt"
    ROOT = "root"


@dataclass(frozen=True)
class MessageKind:
    type: MessageType
    model: builtins.type[BaseModel]
    layout: Layout
    element: str  # BussinessData's child (upload, receipt) or the document element (root)
    namespace: str | None = None  # root layouts only

    @property
    def lenient(self) -> bool:
        """Answers from customs may carry elements we do not use: skip them, keep the
        file. What we or a filer upload must be exactly what the model knows."""
        return self.layout is not Layout.UPLOAD and self.type is not MessageType.DEC_MESSAGE


KINDS: tuple[MessageKind, ...] = (
    MessageKind(MessageType.INV101, BondedListUpload, Layout.UPLOAD, "InvtMessage"),
    MessageKind(MessageType.SAS121, GatePassUpload, Layout.UPLOAD, "PassPortMessage"),
    MessageKind(MessageType.INV201, Inv201Receipt, Layout.RECEIPT, "INV201"),
    MessageKind(MessageType.INV202, Inv202Receipt, Layout.RECEIPT, "INV202"),
    MessageKind(MessageType.INV211, Inv211Receipt, Layout.RECEIPT, "INV211"),
    MessageKind(MessageType.SAS221, Sas221Receipt, Layout.RECEIPT, "SAS221"),
    MessageKind(MessageType.SAS223, Sas223Receipt, Layout.RECEIPT, "SAS223"),
    MessageKind(MessageType.SAS224, Sas224Receipt, Layout.RECEIPT, "SAS224"),
    MessageKind(
        MessageType.DEC_MESSAGE, DeclarationMessage, Layout.ROOT, "DecMessage", DEC_NAMESPACE
    ),
    MessageKind(
        MessageType.DEC_IMPORT_RESPONSE, DecImportResponse, Layout.ROOT, "DecImportResponse"
    ),
    MessageKind(MessageType.DEC_RESULT, DecResultMessage, Layout.ROOT, "DEC_DATA"),
    MessageKind(
        MessageType.COMMON_RESPONSE, CommonResponeMessage, Layout.ROOT, "CommonResponeMessage"
    ),
)
BY_TYPE = {kind.type: kind for kind in KINDS}
BY_MODEL: dict[builtins.type[BaseModel], MessageKind] = {kind.model: kind for kind in KINDS}
_BY_ENVELOPED_ELEMENT = {kind.element: kind for kind in KINDS if kind.layout is not Layout.ROOT}
_BY_ROOT_ELEMENT = {kind.element: kind for kind in KINDS if kind.layout is Layout.ROOT}
_BY_ROOT_ELEMENT["DEC_RESULT"] = BY_TYPE[MessageType.DEC_RESULT]  # sent without DEC_DATA too


def kind_of(message: BaseModel) -> MessageKind:
    try:
        return BY_MODEL[type(message)]
    except KeyError:
        raise UnsupportedMessage(f"{type(message).__name__} is not a customs message") from None


def message_type_of(message: CustomsMessage) -> MessageType:
    return kind_of(message).type


# --- writing --------------------------------------------------------------------------


def to_element(message: CustomsMessage) -> etree._Element:
    """The message as an lxml tree, exactly as customs expects it."""
    kind = kind_of(message)
    if kind.layout is Layout.ROOT:
        namespace = kind.namespace
        tag = f"{{{namespace}}}{kind.element}" if namespace else kind.element
        root = etree.Element(tag, nsmap={None: namespace} if namespace else None)
        if isinstance(message, DeclarationMessage):
            root.set("version", message.version)
        if isinstance(message, DecResultMessage) and not message.wrapped:
            root = etree.Element("DEC_RESULT")
            write_fields(root, message.result, None, path="DEC_RESULT")
            return root
        write_fields(root, message, namespace, path=kind.element)
        return root
    style: EnvelopeStyle = getattr(message, "style")  # noqa: B009 - enveloped kinds only
    envelope: EnvelopInfo = getattr(message, "envelope")  # noqa: B009
    namespace = XMLDSIG_NAMESPACE if style is EnvelopeStyle.XMLDSIG else None

    def q(name: str) -> str:
        return f"{{{namespace}}}{name}" if namespace else name

    if namespace:
        root = etree.Element(q("Signature"), nsmap={None: namespace})
        package = etree.SubElement(etree.SubElement(root, q("Object")), q("Package"))
    else:
        root = package = etree.Element("Package")
    write_fields(
        etree.SubElement(package, q("EnvelopInfo")), envelope, namespace, path="EnvelopInfo"
    )
    business = etree.SubElement(etree.SubElement(package, q("DataInfo")), q("BussinessData"))
    # Paths in refusals start at the message element: InvtMessage/InvtListType[2]/DclQty.
    write_fields(business, message, namespace, exclude=frozenset({"envelope"}), path="")
    return root


def serialize(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def render(message: CustomsMessage, *, validate: bool = True) -> bytes:
    """The message's bytes; checked against the project's XSD first unless told not to."""
    kind = kind_of(message)
    root = to_element(message)
    if validate:
        check_against_schema(root, kind.type)
    return serialize(root)


# --- reading --------------------------------------------------------------------------


def parse(
    data: bytes, *, source: str | None = None, limits: ParseLimits = DEFAULT_LIMITS
) -> CustomsMessage:
    """Read any supported message from untrusted bytes."""
    return from_element(parse_untrusted(data, source=source, limits=limits), source=source)


def detect(root: etree._Element) -> MessageKind:
    """Which message a parsed document is, by local names (any or no namespace)."""
    name = local_name(root)
    if name in _BY_ROOT_ELEMENT:
        return _BY_ROOT_ELEMENT[name]
    package, _ = _package_of(root, None)
    business = _find_path(package, ("DataInfo", "BussinessData"), local_name(package), None)
    for child in child_elements(business):
        kind = _BY_ENVELOPED_ELEMENT.get(local_name(child))
        if kind is not None:
            return kind
    raise UnsupportedMessage(
        "BussinessData holds no message bondflow knows"
        f" (known: {', '.join(sorted(_BY_ENVELOPED_ELEMENT))})",
        path=f"{local_name(package)}/DataInfo/BussinessData",
        line=business.sourceline,
    )


def from_element(root: etree._Element, *, source: str | None = None) -> CustomsMessage:
    kind = detect_with_source(root, source)
    if kind.layout is Layout.ROOT:
        if kind.type is MessageType.DEC_MESSAGE:
            version = root.get("version")
            if version != DEC_VERSION:
                raise XmlMessageError(
                    f"DecMessage version {version!r} is not supported (only {DEC_VERSION})",
                    path="DecMessage/@version",
                    line=root.sourceline,
                    source=source,
                )
        if local_name(root) == "DEC_RESULT":
            result = read_model(root, DecResult, "DEC_RESULT", source, lenient=True)
            return DecResultMessage(wrapped=False, result=result)
        message: Any = read_model(root, kind.model, kind.element, source, lenient=kind.lenient)
        return message  # type: ignore[no-any-return]
    package, style = _package_of(root, source)
    prefix = "Signature/Object/Package" if style is EnvelopeStyle.XMLDSIG else "Package"
    envelope_element = _find_path(package, ("EnvelopInfo",), prefix, source)
    envelope = read_model(
        envelope_element, EnvelopInfo, "EnvelopInfo", source, lenient=kind.lenient
    )
    if envelope.message_type is not kind.type:
        raise XmlMessageError(
            f"EnvelopInfo says {envelope.message_type} but BussinessData holds {kind.type}",
            path="EnvelopInfo/message_type",
            line=envelope_element.sourceline,
            source=source,
        )
    business = _find_path(package, ("DataInfo", "BussinessData"), prefix, source)
    parsed: Any = read_model(
        business,
        kind.model,
        "",  # paths start at the message element: InvtMessage/InvtListType[2]/DclQty
        source,
        given={"style": style, "envelope": envelope},
        lenient=kind.lenient,
    )
    return parsed  # type: ignore[no-any-return]


def detect_with_source(root: etree._Element, source: str | None) -> MessageKind:
    try:
        return detect(root)
    except XmlMessageError as error:
        error.source = source
        raise


def _package_of(root: etree._Element, source: str | None) -> tuple[etree._Element, EnvelopeStyle]:
    name = local_name(root)
    if name == "Package":
        return root, EnvelopeStyle.BARE
    if name == "Signature":
        signed_object = _find_path(root, ("Object",), "Signature", source)
        package = _find_path(signed_object, ("Package",), "Signature/Object", source)
        return package, EnvelopeStyle.XMLDSIG
    raise UnsupportedMessage(
        f"{name} is not a customs message bondflow knows"
        f" (expected Signature, Package or one of {', '.join(sorted(_BY_ROOT_ELEMENT))})",
        path=name,
        line=root.sourceline,
        source=source,
    )


def _find_path(
    element: etree._Element, names: tuple[str, ...], prefix: str, source: str | None
) -> etree._Element:
    current = element
    path = prefix
    for name in names:
        path = f"{path}/{name}"
        found = [child for child in child_elements(current) if local_name(child) == name]
        if len(found) != 1:
            raise XmlMessageError(
                f"expected one {name} element, found {len(found)}",
                path=path,
                line=current.sourceline,
                source=source,
            )
        current = found[0]
    return current
