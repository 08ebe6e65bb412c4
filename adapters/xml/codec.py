"""Render and parse whole customs messages: the envelope layouts and the message registry.

Three layouts occur in the real exchange, and two transport wrappers around them:

- **upload** (INV101, SAS121): ``Signature/Object/Package`` in the xmldsig namespace,
  EnvelopInfo, then ``DataInfo/BussinessData`` (sic) with the message and DelcareFlag
  (sic). The single-window client signs the file with the IC card on import.
- **receipt** (INV201/202/211, SAS221/223/224): the same Package, with or without the
  xmldsig wrapper and namespace, the receipt's block inside BussinessData.
- **root** (DecMessage, DecImportResponse, DEC_DATA, CommonResponeMessage): the
  message is the document element.

- **transport** wrappers: the DXP envelope ``DxpMsg`` (the payload base64 in ``Data``)
  and the single window's ``ImportMessage`` (``SWImpHead`` + ``SWImpData``). They are
  unwrapped and the payload read as itself; the wrapper is kept to write it back.

Reading goes through the text tree (``adapters/xml/tree.py``): a `Document` holds every
element of the file and what in it breaks a rule (findings). Uploads are strict (a
finding refuses), answers from customs lenient (customs is the authority: unknown
elements are kept and skipped, and their models take any text). Everything outgoing is
checked against the project's own XSD before it is returned.
"""

from __future__ import annotations

import base64
import binascii
import builtins
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from lxml import etree
from pydantic import BaseModel

from adapters.xml.binding import child_elements, local_name, plan_of
from adapters.xml.errors import UnsupportedMessage, XmlMessageError
from adapters.xml.safe import DEFAULT_LIMITS, ParseLimits, parse_untrusted
from adapters.xml.tree import (
    Finding,
    Reading,
    Tree,
    generic,
    read_tree,
    set_attribute,
    to_model,
    tree_of,
    write_model,
    write_tree,
)
from adapters.xml.xsd import check_against_schema
from schemas.messages.base import EnvelopeStyle
from schemas.messages.bonded_list import BondedListUpload
from schemas.messages.codes import MessageType
from schemas.messages.declaration import DEC_NAMESPACE, DeclarationMessage
from schemas.messages.envelope import EnvelopInfo, PocketInfo
from schemas.messages.gate_pass import GatePassUpload
from schemas.messages.receipts import (
    Inv201Receipt,
    Inv202Receipt,
    Inv211Receipt,
    Sas221Receipt,
    Sas223Receipt,
    Sas224Receipt,
    Sas253Receipt,
)
from schemas.messages.responses import (
    CommonResponeMessage,
    DecImportResponse,
    DecResultMessage,
)

XMLDSIG_NAMESPACE = "http://www.w3.org/2000/09/xmldsig#"
DXP_NAMESPACE = "http://www.chinaport.gov.cn/dxp"
C14N = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"

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
    | Sas253Receipt
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

    @property
    def empty_elements(self) -> bool:
        """Customs writes every element of a receipt, empty ones as ``<rmk></rmk>``."""
        return self.layout is Layout.RECEIPT


KINDS: tuple[MessageKind, ...] = (
    MessageKind(MessageType.INV101, BondedListUpload, Layout.UPLOAD, "InvtMessage"),
    MessageKind(MessageType.SAS121, GatePassUpload, Layout.UPLOAD, "PassPortMessage"),
    MessageKind(MessageType.INV201, Inv201Receipt, Layout.RECEIPT, "INV201"),
    MessageKind(MessageType.INV202, Inv202Receipt, Layout.RECEIPT, "INV202"),
    MessageKind(MessageType.INV211, Inv211Receipt, Layout.RECEIPT, "INV211"),
    MessageKind(MessageType.SAS221, Sas221Receipt, Layout.RECEIPT, "SAS221"),
    MessageKind(MessageType.SAS223, Sas223Receipt, Layout.RECEIPT, "SAS223"),
    MessageKind(MessageType.SAS224, Sas224Receipt, Layout.RECEIPT, "SAS224"),
    MessageKind(MessageType.SAS253, Sas253Receipt, Layout.RECEIPT, "SAS253"),
    MessageKind(
        MessageType.DEC_MESSAGE, DeclarationMessage, Layout.ROOT, "DecMessage", DEC_NAMESPACE
    ),
    MessageKind(
        MessageType.DEC_IMPORT_RESPONSE,
        DecImportResponse,
        Layout.ROOT,
        "DecImportResponse",
        DEC_NAMESPACE,  # as real ones come (REAL-FORMATS 7.1)
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


# --- documents: a file read whole ----------------------------------------------------------

ENVELOPE_KEYS = frozenset({"EnvelopInfo", "PocketInfo"})
_META_STYLE = "@style"  # the envelope style of an enveloped message
_META_OBJECT_ID = "@ObjectId"  # Signature/Object/@Id
_META_NAMESPACE = "@xmlns"  # a root message's namespace where it is not the usual one
_META_ROOT = "@root"  # DEC_RESULT written without its DEC_DATA wrapper


@dataclass(frozen=True)
class Transport:
    """The wrapper a message came in (``DxpMsg`` or ``ImportMessage``), kept to write it
    back: its elements as a text tree, the payload's place marked."""

    wrapper: str
    tree: Tree

    def as_json(self) -> dict[str, Any]:
        return {"wrapper": self.wrapper, "elements": self.tree}


@dataclass
class Document:
    """A customs message read whole: every element's text, where each was, what is off."""

    kind: MessageKind
    tree: Tree
    reading: Reading
    transport: Transport | None = None
    source: str | None = None
    _message: Any = field(default=None, repr=False)
    _read: bool = field(default=False, repr=False)  # the typed reading was tried

    @property
    def findings(self) -> list[Finding]:
        """What breaks a rule, and (for uploads) what bondflow does not know."""
        self.message_or_none()
        return [
            finding
            for finding in self.reading.findings
            if not (finding.unknown and self.kind.lenient)
        ]

    def message_or_none(self) -> CustomsMessage | None:
        if not self._read:
            self._read = True
            root_path = self.kind.element if self.kind.layout is Layout.ROOT else ""
            if self.tree.get(_META_ROOT) == "DEC_RESULT":
                root_path = ""  # the tree holds DEC_RESULT itself
            self._message = to_model(
                self.tree,
                self.kind.model,
                self.reading,
                path=root_path,
                given=_given(self.kind, self.tree),
            )
            _check_message_type(self)
        return self._message  # type: ignore[no-any-return]

    def message(self) -> CustomsMessage:
        """The typed message; refuses with the first finding (and how many more)."""
        message = self.message_or_none()
        findings = self.findings
        if self.kind.lenient:
            findings = [finding for finding in findings if finding.fatal or message is None]
        if message is not None and not findings:
            return message
        raise findings[0].error(self.source, tuple(findings[1:]))

    def as_json(self) -> dict[str, Any]:
        """What ``bondflow xml inspect`` prints and ``bondflow xml render`` reads."""
        self.message_or_none()  # the typed reading adds its findings
        out: dict[str, Any] = {"message_type": self.kind.type.value}
        if self.transport is not None:
            out["transport"] = self.transport.as_json()
        out["document"] = self.tree
        out["findings"] = [
            {**finding.as_json(), **({"unknown": True} if finding.unknown else {})}
            for finding in self.reading.findings
        ]
        return out


def _given(kind: MessageKind, tree: Mapping[str, Any]) -> dict[str, Any]:
    """Model fields that are not elements: the envelope style, DecMessage's version."""
    given: dict[str, Any] = {}
    fields = kind.model.model_fields
    if "style" in fields and _META_STYLE in tree:
        given["style"] = tree[_META_STYLE]
    if "version" in fields and kind.layout is Layout.ROOT:
        given["version"] = tree.get("@version")
    if "wrapped" in fields:
        given["wrapped"] = tree.get(_META_ROOT) != "DEC_RESULT"
    return given


def _check_message_type(document: Document) -> None:
    envelope = document.tree.get("EnvelopInfo")
    if not isinstance(envelope, Mapping):
        return
    stated = envelope.get("message_type")
    if isinstance(stated, str) and stated.strip() and stated.strip() != document.kind.type.value:
        where = "EnvelopInfo/message_type"
        document.reading.note(
            where,
            document.reading.line_of(where),
            f"EnvelopInfo says {stated.strip()} but BussinessData holds {document.kind.type}",
            fatal=True,
        )


# --- reading --------------------------------------------------------------------------


def parse(
    data: bytes, *, source: str | None = None, limits: ParseLimits = DEFAULT_LIMITS
) -> CustomsMessage:
    """Read any supported message from untrusted bytes (refused on a finding)."""
    return read_document(data, source=source, limits=limits).message()


def read_document(
    data: bytes, *, source: str | None = None, limits: ParseLimits = DEFAULT_LIMITS
) -> Document:
    """Read any supported message from untrusted bytes, whole, without refusing values."""
    return document_of(
        parse_untrusted(data, source=source, limits=limits), source=source, limits=limits
    )


def from_element(root: etree._Element, *, source: str | None = None) -> CustomsMessage:
    return document_of(root, source=source).message()


def document_of(
    root: etree._Element, *, source: str | None = None, limits: ParseLimits = DEFAULT_LIMITS
) -> Document:
    """Read a parsed document: unwrap a transport wrapper, find the message, read it."""
    transport: Transport | None = None
    name = local_name(root)
    if name == "DxpMsg":
        root, transport = _unwrap_dxp(root, source, limits)
    elif name == "ImportMessage":
        root, transport = _unwrap_import_message(root, source)
    kind = detect_with_source(root, source)
    reading = Reading()
    if kind.layout is Layout.ROOT:
        tree = _read_root(root, kind, reading)
    else:
        tree = _read_enveloped(root, kind, reading, source)
    return Document(kind, tree, reading, transport, source)


def _read_root(root: etree._Element, kind: MessageKind, reading: Reading) -> Tree:
    name = local_name(root)
    tag = root.tag
    assert isinstance(tag, str)
    namespace = tag[1:].partition("}")[0] if tag.startswith("{") else ""
    reading.lines[name] = root.sourceline or 0
    if name == "DEC_RESULT":  # sent without DEC_DATA too
        tree: Tree = {_META_ROOT: "DEC_RESULT"}
        tree["DEC_RESULT"] = read_tree(root, _dec_result_model(), "DEC_RESULT", reading)
        return tree
    tree = read_tree(root, kind.model, kind.element, reading)
    if namespace != (kind.namespace or ""):
        tree = {_META_NAMESPACE: namespace, **tree}
    # DecMessage's version: lower-case in every public instance, "Version" in one
    # writer; any value is kept as it came (REAL-FORMATS 6).
    version = root.get("version", root.get("Version"))
    if version is not None:
        tree = {"@version": version, **tree}
    return tree


def _dec_result_model() -> builtins.type[BaseModel]:
    plan = next(p for p in plan_of(DecResultMessage) if p.element == "DEC_RESULT")
    assert plan.model is not None
    return plan.model


def _read_enveloped(
    root: etree._Element, kind: MessageKind, reading: Reading, source: str | None
) -> Tree:
    package, style = _package_of(root, source)
    tree: Tree = {_META_STYLE: style.value}
    if style is EnvelopeStyle.XMLDSIG:
        parts: Tree = {}
        for child in child_elements(root):
            if local_name(child) != "Object":
                parts[local_name(child)] = _generic_of(child)
        if parts:
            tree["Signature"] = parts
        signed_object = _find_path(root, ("Object",), "Signature", source)
        object_id = signed_object.get("Id", signed_object.get("ID"))
        if object_id is not None:
            tree[_META_OBJECT_ID] = object_id
    prefix = "Signature/Object/Package" if style is EnvelopeStyle.XMLDSIG else "Package"
    envelope_element = _find_path(package, ("EnvelopInfo",), prefix, source)
    reading.lines["EnvelopInfo"] = envelope_element.sourceline or 0
    tree["EnvelopInfo"] = read_tree(envelope_element, EnvelopInfo, "EnvelopInfo", reading)
    data_info = _find_path(package, ("DataInfo",), prefix, source)
    pockets = [child for child in child_elements(data_info) if local_name(child) == "PocketInfo"]
    if pockets:
        reading.lines["PocketInfo"] = pockets[0].sourceline or 0
        tree["PocketInfo"] = read_tree(pockets[0], PocketInfo, "PocketInfo", reading)
    business = _find_path(package, ("DataInfo", "BussinessData"), prefix, source)
    # Paths start at the message element: InvtMessage/InvtListType[2]/DclQty.
    for key, value in read_tree(business, kind.model, "", reading).items():
        if key not in ENVELOPE_KEYS:
            tree[key] = value
    return tree


def _generic_of(element: etree._Element) -> Tree:
    kept = generic(element)  # the same keeping as unknown elements
    return kept if isinstance(kept, dict) else {"#text": kept}


def _unwrap_dxp(
    root: etree._Element, source: str | None, limits: ParseLimits
) -> tuple[etree._Element, Transport]:
    """DxpMsg: the payload is the base64 text of ``Data`` (REAL-FORMATS 7.4)."""
    data = [child for child in child_elements(root) if local_name(child) == "Data"]
    if len(data) != 1:
        raise XmlMessageError(
            f"expected one Data element, found {len(data)}",
            path="DxpMsg/Data",
            line=root.sourceline,
            source=source,
        )
    text = "".join((data[0].text or "").split())
    try:
        payload = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise XmlMessageError(
            "Data is not base64", path="DxpMsg/Data", line=data[0].sourceline, source=source
        ) from None
    inner_source = f"{source} (DxpMsg/Data)" if source else "DxpMsg/Data"
    inner = parse_untrusted(payload, source=inner_source, limits=limits)
    return inner, Transport("DxpMsg", _generic_of(root) | {"Data": ""})


def _unwrap_import_message(
    root: etree._Element, source: str | None
) -> tuple[etree._Element, Transport]:
    """ImportMessage: SWImpHead, then SWImpData holding the message (REAL-FORMATS 6)."""
    holder = _find_path(root, ("SWImpData",), "ImportMessage", source)
    inner = child_elements(holder)
    if len(inner) != 1:
        raise XmlMessageError(
            f"expected one message in SWImpData, found {len(inner)}",
            path="ImportMessage/SWImpData",
            line=holder.sourceline,
            source=source,
        )
    kept = _generic_of(root)
    kept["SWImpData"] = {}
    return inner[0], Transport("ImportMessage", kept)


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


def detect_with_source(root: etree._Element, source: str | None) -> MessageKind:
    try:
        return detect(root)
    except XmlMessageError as error:
        error.source = source
        raise


def _package_of(root: etree._Element, source: str | None) -> tuple[etree._Element, EnvelopeStyle]:
    name = local_name(root)
    if name == "Package":
        tag = root.tag
        assert isinstance(tag, str)
        if tag.startswith(f"{{{XMLDSIG_NAMESPACE}}}"):
            return root, EnvelopeStyle.XMLDSIG_PACKAGE
        return root, EnvelopeStyle.BARE
    if name == "Signature":
        signed_object = _find_path(root, ("Object",), "Signature", source)
        package = _find_path(signed_object, ("Package",), "Signature/Object", source)
        return package, EnvelopeStyle.XMLDSIG
    raise UnsupportedMessage(
        f"{name} is not a customs message bondflow knows"
        " (expected Signature, Package, DxpMsg, ImportMessage or one of"
        f" {', '.join(sorted(_BY_ROOT_ELEMENT))})",
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


# --- writing --------------------------------------------------------------------------


def document_tree(message: CustomsMessage, *, shallow: bool = False) -> Tree:
    """The text tree of a typed message, with the metadata the writer needs
    (``shallow``: its blocks kept as models, for `to_element`)."""
    kind = kind_of(message)
    if kind.layout is Layout.ROOT:
        if isinstance(message, DecResultMessage) and not message.wrapped:
            return {_META_ROOT: "DEC_RESULT", **tree_of(message)}
        tree = tree_of(message, path=kind.element, shallow=shallow)
        version = getattr(message, "version", None)
        if isinstance(message, DeclarationMessage) and version is not None:
            tree = {"@version": version, **tree}
        return tree
    style: EnvelopeStyle = getattr(message, "style")  # noqa: B009 - enveloped kinds only
    tree = {
        _META_STYLE: style.value,
        **tree_of(message, empty_elements=kind.empty_elements, shallow=shallow),
    }
    if style is EnvelopeStyle.XMLDSIG and kind.layout is Layout.UPLOAD:
        tree["Signature"] = unsigned_signature()
    return tree


def unsigned_signature() -> Tree:
    """The signature parts as real senders write them before the single-window client
    signs the file with the IC card: the algorithms, and empty values (loop, bee)."""
    return {
        "SignedInfo": {
            "CanonicalizationMethod": {"@Algorithm": C14N, "#text": ""},
            "SignatureMethod": {"@Algorithm": f"{XMLDSIG_NAMESPACE}rsa-sha1", "#text": ""},
            "Reference": {
                "@URI": "String",
                "DigestMethod": {"@Algorithm": f"{XMLDSIG_NAMESPACE}sha1", "#text": ""},
                "DigestValue": "",
            },
        },
        "SignatureValue": "",
        "KeyInfo": {"KeyName": ""},
    }


def element_of(kind: MessageKind, tree: Mapping[str, Any]) -> etree._Element:
    """The XML of a text tree of ``kind``'s message (its blocks may be models)."""
    if kind.layout is Layout.ROOT:
        namespace = tree.get(_META_NAMESPACE, kind.namespace) or None
        if tree.get(_META_ROOT) == "DEC_RESULT":
            root = etree.Element("DEC_RESULT")
            write_tree(root, tree.get("DEC_RESULT", {}), _dec_result_model(), _plain)
            return root
        qualify = _qualifier(namespace)
        root = etree.Element(qualify(kind.element), nsmap={None: namespace} if namespace else None)
        version = tree.get("@version")
        if isinstance(version, str):
            root.set("version", version)
        write_tree(root, tree, kind.model, qualify, path=kind.element)
        return root
    style = _style_of(tree)
    namespace = None if style is EnvelopeStyle.BARE else XMLDSIG_NAMESPACE
    q = _qualifier(namespace)
    nsmap = {None: namespace} if namespace else None
    if style is EnvelopeStyle.XMLDSIG:
        root = etree.Element(q("Signature"), nsmap=nsmap)
        signature = tree.get("Signature")
        if isinstance(signature, Mapping):
            write_tree(root, signature, _Nothing, q)
        signed_object = etree.SubElement(root, q("Object"))
        object_id = tree.get(_META_OBJECT_ID)
        if isinstance(object_id, str):
            signed_object.set("Id", object_id)
        package = etree.SubElement(signed_object, q("Package"))
    else:
        root = package = etree.Element(q("Package"), nsmap=nsmap)
    envelope_element = etree.SubElement(package, q("EnvelopInfo"))
    envelope = tree.get("EnvelopInfo", {})
    if isinstance(envelope, BaseModel):
        write_model(envelope_element, envelope, q, path="EnvelopInfo")
    else:
        write_tree(envelope_element, envelope, EnvelopInfo, q, path="EnvelopInfo")
    data_info = etree.SubElement(package, q("DataInfo"))
    pocket = tree.get("PocketInfo")
    if isinstance(pocket, Mapping):
        write_tree(etree.SubElement(data_info, q("PocketInfo")), pocket, PocketInfo, q)
    business = etree.SubElement(data_info, q("BussinessData"))
    body = {key: value for key, value in tree.items() if key not in ("Signature",)}
    write_tree(
        business, body, kind.model, q, skip=ENVELOPE_KEYS, empty_elements=kind.empty_elements
    )
    return root


def _style_of(tree: Mapping[str, Any]) -> EnvelopeStyle:
    stated = tree.get(_META_STYLE, EnvelopeStyle.XMLDSIG.value)
    try:
        return EnvelopeStyle(stated)
    except ValueError:
        known = ", ".join(style.value for style in EnvelopeStyle)
        raise XmlMessageError(
            f"{stated!r} is not an envelope style (one of {known})", path=_META_STYLE
        ) from None


class _Nothing(BaseModel):
    """A model with no elements: everything in the tree is written as it came."""


class _Qualifier:
    """Element names in one namespace (or none); `namespace` keys the writer's caches."""

    def __init__(self, namespace: str | None) -> None:
        self.namespace = namespace
        self._prefix = f"{{{namespace}}}" if namespace else ""

    def __call__(self, name: str) -> str:
        return self._prefix + name


def _qualifier(namespace: str | None) -> _Qualifier:
    return _Qualifier(namespace)


_plain = _Qualifier(None)


def to_element(message: CustomsMessage) -> etree._Element:
    """The message as an lxml tree, exactly as customs expects it."""
    kind = kind_of(message)
    if kind.layout is Layout.ROOT and not isinstance(message, DecResultMessage):
        # A document-element message is written in one piece (one text, one parse).
        qualify = _qualifier(kind.namespace)
        root = etree.Element(
            qualify(kind.element), nsmap={None: kind.namespace} if kind.namespace else None
        )
        version = getattr(message, "version", None)
        if isinstance(message, DeclarationMessage) and version is not None:
            root.set("version", version)
        write_model(root, message, qualify, path=kind.element)
        return root
    return element_of(kind, document_tree(message, shallow=True))


def serialize(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def render(message: CustomsMessage, *, validate: bool = True) -> bytes:
    """The message's bytes; checked against the project's XSD first unless told not to."""
    kind = kind_of(message)
    root = to_element(message)
    if validate:
        check_against_schema(root, kind.type)
    return serialize(root)


def render_document(document: Document, *, check: bool = True) -> bytes:
    """A document read earlier (or its JSON from ``inspect``) written back: every
    element it had, in the canonical order, each text as it was; inside its transport
    wrapper if it came in one. Refused on a finding, as an upload would be, unless
    ``check`` is off: then it is written as read, findings and all (a faithful copy
    of a real file, e.g. to show a partner what bondflow read)."""
    if check:
        document.message()
    root = element_of(document.kind, document.tree)
    if check and not document.kind.lenient:
        # Real files write absent values as empty elements (<SeqNo/>) and a DecMessage
        # inside ImportMessage has no namespace; both are kept as written, and what the
        # document says is checked against our schema in our own form.
        meaning = {
            key: value
            for key, value in _without_empty(document.tree).items()
            if key != _META_NAMESPACE
        }
        check_against_schema(element_of(document.kind, meaning), document.kind.type)
    if document.transport is not None:
        root = _wrap(document.transport, root)
    return serialize(root)


def _without_empty(tree: Mapping[str, Any]) -> Tree:
    kept: Tree = {}
    for key, value in tree.items():
        if isinstance(value, Mapping):
            kept[key] = _without_empty(value)
        elif isinstance(value, list):
            kept[key] = [
                _without_empty(item) if isinstance(item, Mapping) else item for item in value
            ]
        elif not (isinstance(value, str) and not value.strip()) or key.startswith("@"):
            kept[key] = value
    return kept


def document_from_json(data: Any, kind: MessageKind) -> Document:
    """A `Document` from the JSON ``inspect`` printed (``{"document": ..., "transport": ...}``)."""
    if not isinstance(data, Mapping):
        raise XmlMessageError("the JSON must be an object")
    tree = data.get("document", data)
    if not isinstance(tree, Mapping):
        raise XmlMessageError("document must be an object", path="document")
    transport = data.get("transport")
    wrapped = None
    if isinstance(transport, Mapping):
        wrapper, elements = transport.get("wrapper"), transport.get("elements")
        if wrapper not in ("DxpMsg", "ImportMessage") or not isinstance(elements, Mapping):
            raise XmlMessageError(
                "transport must be {wrapper: DxpMsg or ImportMessage, elements: {...}}",
                path="transport",
            )
        wrapped = Transport(str(wrapper), dict(elements))
    return Document(kind, dict(tree), Reading(), wrapped)


def dxp_envelope(
    *,
    message_id: str,
    sender_id: str,
    receiver_id: str,
    created_at: str,
    message_type: str,
    file_name: str,
) -> Transport:
    """The DXP transport envelope as the single window writes it around a declaration
    receipt (REAL-FORMATS 7.4): TransInfo, the base64 Data, AddInfo. ``message_type``
    is DXP's (DECCUSSH1 for an import response, DECCUS001 for a status receipt)."""
    return Transport(
        "DxpMsg",
        {
            "@ver": "1.0",
            "@Id": "ID01",
            "TransInfo": {
                "CopMsgId": message_id,
                "SenderId": sender_id,
                "ReceiverIds": {"ReceiverId": receiver_id},
                "CreatTime": created_at,
                "MsgType": message_type,
            },
            "Data": "",
            "AddInfo": {"FileName": file_name, "IcCard": "1"},
        },
    )


def wrap(transport: Transport, payload: bytes) -> bytes:
    """``payload`` (a rendered message) inside a transport wrapper, as bytes."""
    return serialize(_wrap(transport, etree.fromstring(payload)))


def _wrap(transport: Transport, payload: etree._Element) -> etree._Element:
    if transport.wrapper == "DxpMsg":
        root = etree.Element(f"{{{DXP_NAMESPACE}}}DxpMsg", nsmap={None: DXP_NAMESPACE})
        for key, value in transport.tree.items():
            if key.startswith("@"):
                set_attribute(root, key[1:], str(value), f"transport/{key}")
        q = _qualifier(DXP_NAMESPACE)
        elements = {key: value for key, value in transport.tree.items() if not key.startswith("@")}
        elements["Data"] = base64.b64encode(serialize(payload)).decode("ascii")
        write_tree(root, elements, _Nothing, q)
        return root
    root = etree.Element("ImportMessage")
    for key, value in transport.tree.items():
        if key.startswith("@"):
            set_attribute(root, key[1:], str(value), f"transport/{key}")
            continue
        if key == "SWImpData":
            etree.SubElement(root, "SWImpData").append(payload)
        else:
            write_tree(root, {key: value}, _Nothing, _plain)
    return root
