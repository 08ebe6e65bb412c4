"""Why a customs message was refused: the reason, the element path and the line.

Every refusal names where it happened so that a filer can open the file and fix
it: ``InvtMessage/InvtListType[3]/DclQty, line 41: more than 5 decimal places``.
"""

from __future__ import annotations

from schemas.errors import BondflowError


class XmlMessageError(BondflowError):
    """A document that cannot be read or written as the customs message it claims to be."""

    code = "invalid_message"
    status = 422

    def __init__(
        self,
        reason: str,
        *,
        path: str | None = None,
        line: int | None = None,
        source: str | None = None,
        problems: tuple[dict[str, object], ...] = (),
    ) -> None:
        # No element to name (a DOCTYPE, a syntax error, the size): the document itself.
        super().__init__(reason, field=path or "document")
        self.path = path
        self.line = line
        self.source = source
        # Every problem found in the document ({field, line, reason}), the first above.
        self.problems = problems

    def __str__(self) -> str:
        where = [part for part in (self.source, f"line {self.line}" if self.line else None) if part]
        prefix = ", ".join(where)
        located = f"{self.path}: {self.reason}" if self.path else self.reason
        return f"{prefix}: {located}" if prefix else located


class UnsafeDocument(XmlMessageError):
    """Refused before or while parsing: DOCTYPE, entities, too large, too deep, malformed."""

    code = "unsafe_document"


class UnsupportedMessage(XmlMessageError):
    """Well-formed XML, but not a message bondflow knows."""

    code = "unsupported_message"


class SchemaViolation(XmlMessageError):
    """A document that breaks the project's own XSD for its message type."""

    code = "schema_violation"
