"""The text tree: a message as the exact text of every element, before any rule applies.

Reading a message is two steps, so that a well-formed real file is never lost on a value:

1. **File -> text tree** (`read_tree`). Plain dicts and lists keyed by the canonical
   element names (the model's aliases), each leaf holding the element's text exactly
   as written (``""`` for ``<Rmk/>``; an absent element has no key). Elements are
   matched by local name in any order, in any known spelling (``AlsoRead``) and
   case-insensitively (``passID`` / ``passId``). Elements the model does not know are
   kept too, under their own names, and reported.
2. **Text tree -> model** (`to_model`). The marks of each field turn text into values,
   then pydantic applies the rules. Every broken rule becomes a `Finding` (element
   path, line, reason) instead of an exception, so ``bondflow xml inspect`` can show a
   real file whole *and* say what in it breaks a rule; uploads and ``validate``
   refuse on findings, receipts are read as customs wrote them.

Writing goes the other way through the same tree (`tree_of`, then `write_tree`), so a
tree from ``inspect`` is written back byte for byte in text and, in the canonical order,
element for element: inspect -> render -> inspect is the identity.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from lxml import etree
from pydantic import BaseModel, ValidationError

from adapters.xml.binding import FieldPlan, lookup_of, plan_of
from adapters.xml.errors import XmlMessageError
from schemas.wording import plain_reason

M = TypeVar("M", bound=BaseModel)

Tree = dict[str, Any]
"""Element name -> text (str), a nested tree, or a list of trees (repeated elements).
Keys starting with ``@`` are attributes; ``#text`` is the text of an unknown element
that also has children or attributes."""


@dataclass(frozen=True)
class Finding:
    """Something in a document that breaks a rule or that bondflow does not know."""

    path: str
    line: int | None
    reason: str
    unknown: bool = False  # an element the model does not know (kept in the tree)
    fatal: bool = False  # the document is not what it claims: refused even from customs

    def as_json(self) -> dict[str, Any]:
        return {"element": self.path, "line": self.line, "reason": self.reason}

    def error(self, source: str | None = None, others: tuple[Finding, ...] = ()) -> XmlMessageError:
        """This finding as a refusal; ``others`` are the rest found in the same document."""
        reason = self.reason
        more = len(others)
        if more:
            reason = f"{reason} (and {more} more problem{'s' if more > 1 else ''})"
        problems: tuple[dict[str, object], ...] = tuple(
            {"field": finding.path or "document", "line": finding.line, "reason": finding.reason}
            for finding in (self, *others)
        )
        return XmlMessageError(
            reason, path=self.path or None, line=self.line, source=source, problems=problems
        )


@dataclass
class Reading:
    """What reading a document found: the tree, where each element was, what is off."""

    lines: dict[str, int] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)

    def note(
        self,
        path: str,
        line: int | None,
        reason: str,
        *,
        unknown: bool = False,
        fatal: bool = False,
    ) -> None:
        self.findings.append(Finding(path, line, reason, unknown, fatal))

    def line_of(self, path: str) -> int | None:
        """The line of ``path`` or of its nearest ancestor that has one."""
        while path:
            line = self.lines.get(path)
            if line is not None:
                return line
            path = path.rpartition("/")[0]
        return None


def join(path: str, name: str) -> str:
    return f"{path}/{name}" if path else name


def local(tag: object) -> str:
    assert isinstance(tag, str)
    return tag.rpartition("}")[2]


# --- file -> text tree ------------------------------------------------------------------


def text_of(element: etree._Element) -> str:
    """An element's own text; comments and processing instructions inside do not count,
    the text around them does (``<note>a<!-- x -->b</note>`` is "ab")."""
    text = element.text or ""
    if len(element):
        text += "".join(part.tail or "" for part in element)
    return text


def read_tree(element: etree._Element, model: type[BaseModel], path: str, reading: Reading) -> Tree:
    """The children of ``element`` as a text tree of ``model``; see the module docstring."""
    exact, folded = lookup_of(model)
    tree: Tree = {}
    counts: dict[str, int] = {}
    if path and element.sourceline:
        reading.lines.setdefault(path, element.sourceline)
    for child in element.iterchildren(etree.Element):
        name = local(child.tag)
        plan = exact.get(name) or folded.get(name.lower())
        if plan is None:
            _read_unknown(child, name, path, tree, counts, reading, local(element.tag))
            continue
        key = plan.element
        counts[key] = counts.get(key, 0) + 1
        line = child.sourceline
        if plan.repeated:
            assert plan.model is not None
            if plan.wrapper_item is not None:
                child_path = join(path, key)
                reading.lines[child_path] = line or 0
                if counts[key] > 1:
                    reading.note(child_path, line, f"{key} appears more than once")
                    continue
                tree[key] = _read_wrapped(child, plan, child_path, reading)
            else:
                child_path = f"{join(path, key)}[{counts[key]}]"
                reading.lines[child_path] = line or 0
                if counts[key] == 1:
                    reading.lines[join(path, key)] = line or 0
                tree.setdefault(key, []).append(read_tree(child, plan.model, child_path, reading))
            continue
        child_path = join(path, key)
        if counts[key] > 1:
            reading.note(child_path, line, f"{key} appears more than once")
            continue
        reading.lines[child_path] = line or 0
        if plan.model is not None:
            tree[key] = read_tree(child, plan.model, child_path, reading)
        elif len(child) and any(True for _ in child.iterchildren(etree.Element)):
            reading.note(child_path, line, f"{key} holds elements, not a value")
            tree[key] = generic(child)
        else:
            tree[key] = text_of(child)
    return tree


def _read_wrapped(
    wrapper: etree._Element, plan: FieldPlan, path: str, reading: Reading
) -> list[Tree]:
    assert plan.model is not None
    assert plan.wrapper_item is not None
    items: list[Tree] = []
    wanted = plan.wrapper_item.lower()
    for item in wrapper.iterchildren(etree.Element):
        name = local(item.tag)
        if name.lower() != wanted:
            reading.note(
                join(path, name),
                item.sourceline,
                f"unexpected element {name} in {plan.element}",
                unknown=True,
            )
            continue
        item_path = f"{path}/{plan.wrapper_item}[{len(items) + 1}]"
        reading.lines[item_path] = item.sourceline or 0
        items.append(read_tree(item, plan.model, item_path, reading))
    return items


def _read_unknown(
    child: etree._Element,
    name: str,
    path: str,
    tree: Tree,
    counts: dict[str, int],
    reading: Reading,
    parent: str,
) -> None:
    counts[name] = counts.get(name, 0) + 1
    child_path = join(path, name) if counts[name] == 1 else f"{join(path, name)}[{counts[name]}]"
    reading.lines[child_path] = child.sourceline or 0
    reading.note(
        child_path, child.sourceline, f"unexpected element {name} in {parent}", unknown=True
    )
    value = generic(child)
    if name in tree:
        existing = tree[name]
        tree[name] = [*existing, value] if isinstance(existing, list) else [existing, value]
    else:
        tree[name] = value


def generic(element: etree._Element) -> str | Tree:
    """An element the model does not know, kept whole: text, attributes and children."""
    attributes = {f"@{local(key)}": value for key, value in element.attrib.items()}
    children = list(element.iterchildren(etree.Element))
    if not children and not attributes:
        return text_of(element)
    tree: Tree = dict(attributes)
    text = text_of(element)
    if text.strip() or not children:
        tree["#text"] = text
    for child in children:
        name = local(child.tag)
        value = generic(child)
        if name in tree:
            existing = tree[name]
            tree[name] = [*existing, value] if isinstance(existing, list) else [existing, value]
        else:
            tree[name] = value
    return tree


# --- text tree -> model -------------------------------------------------------------------


def to_model(
    tree: Mapping[str, Any],
    model: type[M],
    reading: Reading,
    *,
    path: str = "",
    given: Mapping[str, Any] | None = None,
) -> M | None:
    """The typed model of ``tree``, or None when a rule is broken (see ``reading.findings``).

    ``given`` holds fields that are not elements of this tree (the envelope style, a
    root attribute). Findings already in ``reading`` (unknown elements) are left there;
    the caller decides what they mean.
    """
    before = len(reading.findings)
    values = _typed_values(tree, model, path, reading)
    if given:
        values.update(given)
    converted = {finding.path for finding in reading.findings[before:]}
    try:
        built = model.model_validate(values)
    except ValidationError as error:
        for problem in error.errors(include_url=False):
            where = _path_of(model, problem["loc"], path)
            if where in converted:
                continue  # its text could not be read: already said, not also "required"
            reading.note(where, reading.line_of(where), plain_reason(problem["msg"]))
        return None
    if len(reading.findings) > before:
        return None
    return built


def _typed_values(
    tree: Mapping[str, Any], model: type[BaseModel], path: str, reading: Reading
) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for plan in plan_of(model):
        if plan.element not in tree:
            continue
        raw = tree[plan.element]
        where = join(path, plan.element)
        if plan.repeated:
            assert plan.model is not None
            items = raw if isinstance(raw, list) else [raw]
            base = join(where, plan.wrapper_item) if plan.wrapper_item else where
            converted = []
            for index, item in enumerate(items, start=1):
                item_path = f"{base}[{index}]"
                if not isinstance(item, Mapping):
                    reading.note(
                        item_path, reading.line_of(item_path), "holds a value, not elements"
                    )
                    continue
                converted.append(_typed_values(item, plan.model, item_path, reading))
            values[plan.name] = converted
        elif plan.model is not None:
            if not isinstance(raw, Mapping):
                reading.note(
                    where, reading.line_of(where), f"{plan.element} holds a value, not elements"
                )
                continue
            values[plan.name] = _typed_values(raw, plan.model, where, reading)
        else:
            assert plan.scalar is not None
            if not isinstance(raw, str):
                if isinstance(raw, Mapping):
                    continue  # "holds elements": noted when read
                reading.note(where, reading.line_of(where), "must be text")
                continue
            text = raw.strip()
            if not text:
                continue  # an empty element (<Rmk/>) is the same as an absent one
            try:
                values[plan.name] = plan.scalar.from_text(text)
            except ValueError as error:
                reading.note(where, reading.line_of(where), str(error))
    return values


def _path_of(model: type[BaseModel], loc: tuple[int | str, ...], base: str) -> str:
    """A pydantic error location as an element path: ``InvtListType[3]/DclQty``."""
    parts = [base] if base else []
    current: type[BaseModel] | None = model
    index = 0
    while index < len(loc) and current is not None:
        part = loc[index]
        plan = _plan_named(current, str(part))
        if plan is None:
            break
        following = loc[index + 1] if index + 1 < len(loc) else None
        if plan.repeated and isinstance(following, int):
            if plan.wrapper_item is not None:
                parts += [plan.element, f"{plan.wrapper_item}[{following + 1}]"]
            else:
                parts.append(f"{plan.element}[{following + 1}]")
            index += 2
        else:
            parts.append(plan.element)
            index += 1
        current = plan.model
    return "/".join(parts)


def _plan_named(model: type[BaseModel], name: str) -> FieldPlan | None:
    for plan in plan_of(model):
        if plan.name == name or plan.element == name:
            return plan
    return None


# --- model -> text tree -> elements --------------------------------------------------------


def tree_of(message: BaseModel, *, empty_elements: bool = False, path: str = "") -> Tree:
    """The text tree of a typed model (each value in its element's text format).

    ``empty_elements`` writes every scalar element the model knows, empty when it has
    no value, as customs' receipts do (``<rmk></rmk>``). A value that cannot be
    written (a price with more places than its element takes, built around the
    model's own check) is refused naming its element path, never rounded.
    """
    tree: Tree = {}
    for plan in plan_of(type(message)):
        value = getattr(message, plan.name)
        where = join(path, plan.element)
        if value is None:
            if empty_elements and plan.scalar is not None:
                tree[plan.element] = ""
            continue
        if plan.repeated:
            if value or (plan.wrapper_item is not None and empty_elements):
                base = join(where, plan.wrapper_item) if plan.wrapper_item else where
                tree[plan.element] = [
                    tree_of(item, empty_elements=empty_elements, path=f"{base}[{index}]")
                    for index, item in enumerate(value, start=1)
                ]
        elif plan.model is not None:
            tree[plan.element] = tree_of(value, empty_elements=empty_elements, path=where)
        else:
            assert plan.scalar is not None
            if isinstance(value, tuple) and not value:
                if empty_elements:
                    tree[plan.element] = ""
                continue
            try:
                tree[plan.element] = plan.scalar.to_text(value)
            except ValueError as error:
                raise XmlMessageError(str(error), path=where) from None
    return tree


Qualify = Callable[[str], str]


def write_tree(
    parent: etree._Element,
    tree: Mapping[str, Any],
    model: type[BaseModel],
    qualify: Qualify,
    *,
    skip: frozenset[str] = frozenset(),
    path: str = "",
) -> None:
    """Append ``tree``'s elements to ``parent``: the model's in its order, then any the
    model does not know (kept from the file they were read from), as they were."""
    known: set[str] = set(skip)
    for plan in plan_of(model):
        known.add(plan.element)
        if plan.element in skip or plan.element not in tree:
            continue
        value = tree[plan.element]
        where = join(path, plan.element)
        if plan.repeated:
            assert plan.model is not None
            holder, item_name = parent, plan.element
            if plan.wrapper_item is not None:
                holder = etree.SubElement(parent, qualify(plan.element))
                item_name = plan.wrapper_item
            for index, item in enumerate(_as_list(value), start=1):
                item_path = f"{join(where, item_name) if plan.wrapper_item else where}[{index}]"
                write_tree(
                    etree.SubElement(holder, qualify(item_name)),
                    _as_tree(item, item_path),
                    plan.model,
                    qualify,
                    path=item_path,
                )
        elif plan.model is not None:
            write_tree(
                etree.SubElement(parent, qualify(plan.element)),
                _as_tree(value, where),
                plan.model,
                qualify,
                path=where,
            )
        else:
            etree.SubElement(parent, qualify(plan.element)).text = _as_text(value, where)
    for key, value in tree.items():
        if key in known or key.startswith("@") or key == "#text":
            continue
        for item in _as_list(value):
            _write_generic(parent, key, item, qualify, join(path, key))


def _write_generic(
    parent: etree._Element, name: str, value: Any, qualify: Qualify, path: str
) -> None:
    element = etree.SubElement(parent, qualify(name))
    if isinstance(value, str):
        element.text = value
        return
    tree = _as_tree(value, path)
    for key, item in tree.items():
        if key.startswith("@"):
            element.set(key[1:], _as_text(item, f"{path}/{key}"))
        elif key == "#text":
            element.text = _as_text(item, path)
        else:
            for part in _as_list(item):
                _write_generic(element, key, part, qualify, join(path, key))


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _as_tree(value: Any, path: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise XmlMessageError("must hold elements (a JSON object), not a value", path=path)
    return value


def _as_text(value: Any, path: str) -> str:
    if not isinstance(value, str):
        raise XmlMessageError("must be text (a JSON string)", path=path)
    return value
