"""A small, safe SVG builder for the console's drawings (图示): every element and text goes
through lxml, so a reason containing ``<script>`` is text, never markup.

Pure: no database, no clock. Times are shown in Beijing time; numbers are given as
exact Decimal text by the callers, floats are used for pixel coordinates only.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from zoneinfo import ZoneInfo

from lxml import etree

SVG_NS = "http://www.w3.org/2000/svg"
BEIJING = ZoneInfo("Asia/Shanghai")
# Chinese first (the users are Chinese customs staff), then what any machine has.
FONT_FAMILY = (
    "'Noto Sans CJK SC', 'Noto Sans SC', 'Source Han Sans SC', 'PingFang SC', "
    "'Microsoft YaHei', 'WenQuanYi Micro Hei', sans-serif"
)
Attribute = str | int | float


def _value(value: Attribute) -> str:
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".")
    return str(value)


def _name(attribute: str) -> str:
    """Python keyword names to SVG's: class_ -> class, font_size -> font-size."""
    return attribute.rstrip("_").replace("_", "-")


def element(parent: etree._Element | None, tag: str, **attributes: Attribute) -> etree._Element:
    """An SVG element with its attributes (escaped by lxml), under `parent` if given."""
    attrs = {_name(k): _value(v) for k, v in attributes.items()}
    if parent is None:
        return etree.Element(f"{{{SVG_NS}}}{tag}", attrs, nsmap={None: SVG_NS})
    return etree.SubElement(parent, f"{{{SVG_NS}}}{tag}", attrs)


def text(
    parent: etree._Element, x: float, y: float, content: str, **attributes: Attribute
) -> etree._Element:
    """A line of text (escaped: it is the element's text, never parsed)."""
    node = element(parent, "text", x=x, y=y, **attributes)
    node.text = content
    return node


def tooltip(parent: etree._Element, content: str) -> etree._Element:
    """A <title> child: the browser's tooltip and the accessible name of `parent`."""
    node = element(parent, "title")
    node.text = content
    return node


def canvas(width: float, height: float, label: str, *, css: str = "") -> etree._Element:
    """The root <svg>: a viewBox (it scales to its container), role="img" and an
    aria-label for screen readers, the label as its <title>, a CJK font stack."""
    root = element(
        None,
        "svg",
        viewBox=f"0 0 {_value(width)} {_value(height)}",
        width=width,
        height=height,
        role="img",
        font_family=FONT_FAMILY,
        font_size=13,
    )
    root.set("aria-label", label)
    tooltip(root, label)
    if css:
        style = element(root, "style")
        style.text = css
    return root


def rendered(root: etree._Element) -> str:
    """The SVG as a string, ready to inline in a page or serve as image/svg+xml."""
    return etree.tostring(root, encoding="unicode")


def beijing(at: dt.datetime) -> str:
    """An instant as Beijing wall-clock time, to the minute: 2026-04-02 14:03."""
    return at.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")


def beijing_seconds(at: dt.datetime) -> str:
    """An instant as Beijing wall-clock time, to the second (tooltips)."""
    return at.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S")


def text_width(content: str, size: float) -> float:
    """About how wide a line is drawn: wide (CJK) characters take a full em, others
    about 0.6 of one. For layout only; the drawings never depend on it for meaning."""
    wide = sum(1 for c in content if unicodedata.east_asian_width(c) in "WF")
    return (wide + 0.6 * (len(content) - wide)) * size


def fitted(content: str, width: float, size: float) -> str:
    """The text cut with an ellipsis to about `width` (the whole text goes in a tooltip)."""
    if text_width(content, size) <= width:
        return content
    out = content
    while out and text_width(out + "…", size) > width:
        out = out[:-1]
    return out + "…"
