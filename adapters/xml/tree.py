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

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
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
    """What reading a document found: where each element was, and what is off.

    Lines are found when asked (a finding needs one), not recorded for every element:
    each block's element is kept, and a leaf's line is its element's under that block.
    """

    lines: dict[str, int] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    blocks: dict[str, tuple[etree._Element, type[BaseModel]]] = field(default_factory=dict)

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
            if line is None:
                line = self._leaf_line(path)
            if line:
                return line
            path = path.rpartition("/")[0]
        return None

    def _leaf_line(self, path: str) -> int | None:
        block = self.blocks.get(path)
        if block is not None:
            return block[0].sourceline
        parent, _, name = path.rpartition("/")
        held = self.blocks.get(parent)
        if held is None:
            return None
        element, model = held
        name, _, index = name.partition("[")
        wanted = int(index.rstrip("]")) if index else 1
        seen = 0
        for child in element.iterchildren(etree.Element):
            plan = plan_for_tag(model, child.tag)
            if (plan.element if plan is not None else local(child.tag)) == name:
                seen += 1
                if seen == wanted:
                    return child.sourceline
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


_TAG_PLANS: dict[type[BaseModel], dict[str, FieldPlan]] = {}


def plan_for_tag(model: type[BaseModel], tag: object) -> FieldPlan | None:
    """The field an element of ``model`` is, by its tag as parsed (namespace and all):
    the alias or another known spelling, then ignoring case. Hits are remembered per
    tag (a document's tags repeat thousands of times); misses are not, and a model
    remembers at most a few spellings in a few namespaces per field, so files with
    ever new namespaces cannot grow the cache without bound in a long-running watcher."""
    assert isinstance(tag, str)
    cache = _TAG_PLANS.setdefault(model, {})
    plan = cache.get(tag)
    if plan is None:
        exact, folded = lookup_of(model)
        name = tag.rpartition("}")[2]
        plan = exact.get(name) or folded.get(name.lower())
        if plan is not None and len(cache) < _TAGS_PER_MODEL * max(1, len(plan_of(model))):
            cache[tag] = plan
    return plan


_TAGS_PER_MODEL = 8  # spellings x namespaces remembered per field (real files use 1-3)


def read_tree(element: etree._Element, model: type[BaseModel], path: str, reading: Reading) -> Tree:
    """The children of ``element`` as a text tree of ``model``; see the module docstring."""
    tree: Tree = {}
    reading.blocks[path] = (element, model)
    known = _TAG_PLANS.get(model) or {}
    for child in element.iterchildren(etree.Element):
        plan = known.get(child.tag) or plan_for_tag(model, child.tag)  # type: ignore[arg-type]
        if plan is None:
            _read_unknown(child, local(child.tag), path, tree, reading, local(element.tag))
            continue
        key = plan.element
        if plan.scalar is not None:
            if key in tree:
                reading.note(join(path, key), child.sourceline, f"{key} appears more than once")
            elif not len(child):
                tree[key] = child.text or ""
            elif any(True for _ in child.iterchildren(etree.Element)):
                reading.note(
                    join(path, key), child.sourceline, f"{key} holds elements, not a value"
                )
                tree[key] = generic(child)
            else:
                tree[key] = text_of(child)  # comments inside: the text around them
            continue
        assert plan.model is not None
        if plan.repeated and plan.wrapper_item is None:
            items = tree.setdefault(key, [])
            items.append(
                read_tree(child, plan.model, f"{join(path, key)}[{len(items) + 1}]", reading)
            )
            continue
        child_path = join(path, key)
        if key in tree:
            reading.note(child_path, child.sourceline, f"{key} appears more than once")
        elif plan.repeated:
            reading.blocks[child_path] = (child, _Wrapper)
            tree[key] = _read_wrapped(child, plan, child_path, reading)
        else:
            tree[key] = read_tree(child, plan.model, child_path, reading)
    return tree


class _Wrapper(BaseModel):
    """A container's element (DecLists): its items are found by their own paths."""


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
        items.append(read_tree(item, plan.model, item_path, reading))
    return items


def _read_unknown(
    child: etree._Element,
    name: str,
    path: str,
    tree: Tree,
    reading: Reading,
    parent: str,
) -> None:
    existing = tree.get(name)
    count = 1 if existing is None else (len(existing) + 1 if isinstance(existing, list) else 2)
    child_path = join(path, name) if count == 1 else f"{join(path, name)}[{count}]"
    reading.lines[child_path] = child.sourceline or 0
    reading.note(
        child_path, child.sourceline, f"unexpected element {name} in {parent}", unknown=True
    )
    _put(tree, name, generic(child))


def _put(tree: Tree, name: str, value: Any) -> None:
    """Keep ``value`` under ``name``; a name seen again makes a list, in file order."""
    if name in tree:
        existing = tree[name]
        tree[name] = [*existing, value] if isinstance(existing, list) else [existing, value]
    else:
        tree[name] = value


def generic(element: etree._Element) -> str | Tree:
    """An element the model does not know, kept whole: text, attributes and children."""
    # A namespaced attribute keeps its namespace ({uri}name), so it is written back so.
    attributes = {f"@{key}": value for key, value in element.attrib.items()}
    children = list(element.iterchildren(etree.Element))
    if not children and not attributes:
        return text_of(element)
    tree: Tree = dict(attributes)
    text = text_of(element)
    if text.strip() or not children:
        tree["#text"] = text
    for child in children:
        _put(tree, local(child.tag), generic(child))
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
            element = where.rpartition("/")[2]
            loc = problem["loc"]
            if given and loc and str(loc[0]) in given:
                # Not an element: the envelope style or a root attribute, named as such.
                reading.note(
                    join(path, f"@{loc[0]}"),
                    None,
                    f"{problem['input']!r}: {plain_reason(problem['msg'])}",
                )
                continue
            if problem["type"] == "missing":
                reason = f"required element {element} is missing or empty"
            elif problem["type"] == "string_pattern_mismatch":
                label = _label_at(model, problem["loc"])
                named = f"{element} ({label})" if label else element
                pattern = (problem.get("ctx") or {}).get("pattern", "")
                reason = f"{problem['input']!r} does not have the form of {named}: {pattern}"
            else:
                reason = plain_reason(problem["msg"])
            reading.note(where, reading.line_of(where), reason)
        return None
    if len(reading.findings) > before:
        return None
    return built


def _typed_values(
    tree: Mapping[str, Any], model: type[BaseModel], path: str, reading: Reading
) -> dict[str, Any]:
    values: dict[str, Any] = {}
    exact = lookup_of(model)[0]
    # Only the elements the tree has (a declaration line fills 20 of its 48).
    for key, raw in tree.items():
        plan = exact.get(key)
        if plan is None or raw is None:
            continue  # an unknown element (noted when read) or an @attribute
        scalar = plan.scalar
        if scalar is not None:
            if type(raw) is not str:
                if not isinstance(raw, Mapping):  # a Mapping "holds elements": noted on reading
                    where = join(path, plan.element)
                    reading.note(where, reading.line_of(where), "must be text")
                continue
            text = raw.strip()
            if not text:
                continue  # an empty element (<Rmk/>) is the same as an absent one
            try:
                values[plan.name] = scalar.from_text(text)
            except ValueError as error:
                where = join(path, plan.element)
                reading.note(where, reading.line_of(where), str(error))
            continue
        assert plan.model is not None
        where = join(path, plan.element)
        if plan.repeated:
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
        elif isinstance(raw, Mapping):
            values[plan.name] = _typed_values(raw, plan.model, where, reading)
        else:
            reading.note(
                where, reading.line_of(where), f"{plan.element} holds a value, not elements"
            )
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


def _label_at(model: type[BaseModel], loc: tuple[int | str, ...]) -> str | None:
    """The Chinese name of the field at a pydantic error location, if it has one."""
    current: type[BaseModel] | None = model
    label = None
    for part in loc:
        if isinstance(part, int) or current is None:
            continue
        plan = _plan_named(current, str(part))
        if plan is None:
            return None
        label = current.model_fields[plan.name].description
        current = plan.model
    return label


def _plan_named(model: type[BaseModel], name: str) -> FieldPlan | None:
    for plan in plan_of(model):
        if plan.name == name or plan.element == name:
            return plan
    return None


# --- model -> text tree -> elements --------------------------------------------------------


def tree_of(
    message: BaseModel, *, empty_elements: bool = False, path: str = "", shallow: bool = False
) -> Tree:
    """The text tree of a typed model (each value in its element's text format).

    ``empty_elements`` writes every scalar element the model knows, empty when it has
    no value, as customs' receipts do (``<rmk></rmk>``). A value that cannot be
    written (a price with more places than its element takes, built around the
    model's own check) is refused naming its element path, never rounded.
    ``shallow`` keeps the blocks as models: `write_tree` writes them straight from the
    models (the fast path for what bondflow renders itself).
    """
    tree: Tree = {}
    for plan in plan_of(type(message)):
        value = getattr(message, plan.name)
        if value is None:
            if empty_elements and plan.scalar is not None and not plan.when_set:
                tree[plan.element] = ""
            continue
        scalar = plan.scalar
        if scalar is not None:
            if value == ():  # an empty joined list (rltNo)
                if empty_elements:
                    tree[plan.element] = ""
                continue
            try:
                tree[plan.element] = scalar.to_text(value)
            except ValueError as error:
                raise XmlMessageError(str(error), path=join(path, plan.element)) from None
        elif shallow:
            if not plan.repeated or value or (plan.wrapper_item is not None and empty_elements):
                tree[plan.element] = value
        elif plan.repeated:
            if value or (plan.wrapper_item is not None and empty_elements):
                where = join(path, plan.element)
                base = join(where, plan.wrapper_item) if plan.wrapper_item else where
                tree[plan.element] = [
                    tree_of(item, empty_elements=empty_elements, path=f"{base}[{index}]")
                    for index, item in enumerate(value, start=1)
                ]
        else:
            tree[plan.element] = tree_of(
                value, empty_elements=empty_elements, path=join(path, plan.element)
            )
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
    empty_elements: bool = False,
) -> None:
    """Append ``tree``'s elements to ``parent``: the model's in its order, then any the
    model does not know (kept from the file they were read from), as they were. A
    block given as a model (a shallow tree) is written straight from the model."""
    sub = etree.SubElement
    for plan, tag, item_tag in _tags(model, qualify):
        value = tree.get(plan.element)
        if value is None or plan.element in skip:
            continue
        if plan.scalar is not None:
            if type(value) is not str:
                value = _as_text(value, join(path, plan.element))
            sub(parent, tag).text = value
            continue
        assert plan.model is not None
        where = join(path, plan.element)
        if plan.repeated:
            holder = parent
            base = where
            if plan.wrapper_item is not None:
                holder = sub(parent, tag)
                base = join(where, plan.wrapper_item)
            items = _as_list(value)
            if not empty_elements and items and all(isinstance(i, BaseModel) for i in items):
                write_models(holder, item_tag, items, qualify, base)
                continue
            for index, item in enumerate(items, start=1):
                item_path = f"{base}[{index}]"
                if isinstance(item, BaseModel):
                    write_model(sub(holder, item_tag), item, qualify, empty_elements, item_path)
                    continue
                write_tree(
                    sub(holder, item_tag),
                    _as_tree(item, item_path),
                    plan.model,
                    qualify,
                    path=item_path,
                )
        elif isinstance(value, BaseModel):
            write_model(sub(parent, tag), value, qualify, empty_elements, where)
        else:
            write_tree(sub(parent, tag), _as_tree(value, where), plan.model, qualify, path=where)
    if not _known_only(tree, model):
        known = {plan.element for plan in plan_of(model)} | skip
        for key, value in tree.items():
            if key in known or key.startswith("@") or key == "#text":
                continue
            for item in _as_list(value):
                _write_generic(parent, key, item, qualify, join(path, key))


_TAGS: dict[tuple[type[BaseModel], Any], tuple[tuple[FieldPlan, str, str], ...]] = {}


def _tags(model: type[BaseModel], qualify: Qualify) -> tuple[tuple[FieldPlan, str, str], ...]:
    """Each field's plan with its element's and its items' qualified tags, computed once."""
    key = (model, getattr(qualify, "namespace", qualify))
    found = _TAGS.get(key)
    if found is None:
        found = tuple(
            (plan, qualify(plan.element), qualify(plan.wrapper_item or plan.element))
            for plan in plan_of(model)
        )
        _TAGS[key] = found
    return found


def _known_only(tree: Mapping[str, Any], model: type[BaseModel]) -> bool:
    exact, _ = lookup_of(model)
    return all(key in exact for key in tree)


def _write_generic(
    parent: etree._Element, name: str, value: Any, qualify: Qualify, path: str
) -> None:
    element = named_element(parent, qualify(name), path)
    if isinstance(value, str):
        element.text = value
        return
    tree = _as_tree(value, path)
    for key, item in tree.items():
        if key.startswith("@"):
            set_attribute(element, key[1:], _as_text(item, f"{path}/{key}"), f"{path}/{key}")
        elif key == "#text":
            element.text = _as_text(item, path)
        else:
            for part in _as_list(item):
                _write_generic(element, key, part, qualify, join(path, key))


def named_element(parent: etree._Element, tag: str, path: str) -> etree._Element:
    """A child element named by the tree (a kept unknown element, a wrapper's part): a
    name that is no XML name is refused with its path, as any other bad input is."""
    try:
        return etree.SubElement(parent, tag)
    except ValueError:
        raise XmlMessageError(
            f"{tag.rpartition('}')[2]!r} is not an XML element name", path=path
        ) from None


def set_attribute(element: etree._Element, name: str, value: str, path: str) -> None:
    try:
        element.set(name, value)
    except ValueError:
        raise XmlMessageError(f"{name!r} is not an XML attribute name", path=path) from None


def write_model(
    parent: etree._Element,
    message: BaseModel,
    qualify: Qualify,
    empty_elements: bool = False,
    path: str = "",
) -> None:
    """Append ``message``'s elements to ``parent`` straight from the model: the same
    text as `tree_of` then `write_tree`, without the tree in between.

    The elements are written as XML text and parsed once, then moved under
    ``parent``: libxml2 builds a thousand-line list twice as fast as one
    ``SubElement`` call per element. Customs' receipts (``empty_elements``) are built
    element by element, since only that writes an empty element as ``<rmk></rmk>``.
    """
    if empty_elements:
        _write_model_elements(parent, message, qualify, True, path)
        return
    namespace = getattr(qualify, "namespace", None)
    out = [f'<_ xmlns="{namespace}">' if namespace else "<_>"]
    _model_text(message, out, path)
    out.append("</_>")
    holder = etree.fromstring("".join(out), _OWN_TEXT)
    parent.extend(list(holder))


def write_models(
    parent: etree._Element,
    item_tag: str,
    items: Sequence[BaseModel],
    qualify: Qualify,
    base: str,
) -> None:
    """Append one ``item_tag`` element per model, all written as one text (see
    `write_model`); ``base`` is their path for refusals (``DecLists/DecList``)."""
    namespace = getattr(qualify, "namespace", None)
    name = item_tag.rpartition("}")[2]
    out = [f'<_ xmlns="{namespace}">' if namespace else "<_>"]
    for index, item in enumerate(items, start=1):
        out.append(f"<{name}>")
        _model_text(item, out, f"{base}[{index}]")
        out.append(f"</{name}>")
    out.append("</_>")
    parent.extend(list(etree.fromstring("".join(out), _OWN_TEXT)))


# Text bondflow wrote itself from validated models: no DTD, no entities, no network.
_OWN_TEXT = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def _model_text(message: BaseModel, out: list[str], path: str) -> None:
    plans = _plans_by_name(type(message))
    # A model's values in field order, straight from its __dict__: most of a
    # declaration's fields are None, and skipping them costs one comparison each.
    for field_name, value in message.__dict__.items():
        if value is None:
            continue
        plan = plans.get(field_name)
        if plan is None:
            continue  # not an element (the envelope style, DecMessage's version)
        name = plan.element
        scalar = plan.scalar
        if scalar is not None:
            if value == ():  # an empty joined list (rltNo)
                continue
            try:
                text = scalar.to_text(value)
            except ValueError as error:
                raise XmlMessageError(str(error), path=join(path, name)) from None
            if "&" in text or "<" in text or ">" in text:
                text = text.translate(_ESCAPES)
            out.append(f"<{name}>{text}</{name}>")
        elif plan.repeated:
            if not value:
                continue
            where = join(path, name)
            item_name, base = name, where
            if plan.wrapper_item is not None:
                out.append(f"<{name}>")
                item_name = plan.wrapper_item
                base = join(where, item_name)
            for index, item in enumerate(value, start=1):
                out.append(f"<{item_name}>")
                _model_text(item, out, f"{base}[{index}]")
                out.append(f"</{item_name}>")
            if plan.wrapper_item is not None:
                out.append(f"</{name}>")
        else:
            out.append(f"<{name}>")
            _model_text(value, out, join(path, name))
            out.append(f"</{name}>")


@cache
def _plans_by_name(model: type[BaseModel]) -> dict[str, FieldPlan]:
    return {plan.name: plan for plan in plan_of(model)}


def _write_model_elements(
    parent: etree._Element,
    message: BaseModel,
    qualify: Qualify,
    empty_elements: bool,
    path: str,
) -> None:
    sub = etree.SubElement
    for plan, tag, item_tag in _tags(type(message), qualify):
        value = getattr(message, plan.name)
        scalar = plan.scalar
        if value is None:
            if empty_elements and scalar is not None and not plan.when_set:
                sub(parent, tag).text = ""
            continue
        if scalar is not None:
            if value == ():  # an empty joined list (rltNo)
                if empty_elements:
                    sub(parent, tag).text = ""
                continue
            try:
                text = scalar.to_text(value)
            except ValueError as error:
                raise XmlMessageError(str(error), path=join(path, plan.element)) from None
            sub(parent, tag).text = text
        elif plan.repeated:
            if not value and not (plan.wrapper_item is not None and empty_elements):
                continue
            where = join(path, plan.element)
            holder, base = parent, where
            if plan.wrapper_item is not None:
                holder = sub(parent, tag)
                base = join(where, plan.wrapper_item)
            for index, item in enumerate(value, start=1):
                _write_model_elements(
                    sub(holder, item_tag), item, qualify, empty_elements, f"{base}[{index}]"
                )
        else:
            _write_model_elements(
                sub(parent, tag), value, qualify, empty_elements, join(path, plan.element)
            )


def _as_list(value: Any) -> Sequence[Any]:
    return value if isinstance(value, list | tuple) else [value]


def _as_tree(value: Any, path: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise XmlMessageError("must hold elements (a JSON object), not a value", path=path)
    return value


def _as_text(value: Any, path: str) -> str:
    if not isinstance(value, str):
        raise XmlMessageError("must be text (a JSON string)", path=path)
    return value
