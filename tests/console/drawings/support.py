"""Reading a drawing back: the SVG parsed with lxml, its groups by class, their texts."""

from __future__ import annotations

from lxml import etree

NS = {"s": "http://www.w3.org/2000/svg"}


def parsed(svg: str) -> etree._Element:
    return etree.fromstring(svg.encode())


def groups(root: etree._Element, css_class: str) -> list[etree._Element]:
    found = root.xpath(f"//s:g[contains(concat(' ', @class, ' '), ' {css_class} ')]", namespaces=NS)
    assert isinstance(found, list)
    return [element for element in found if isinstance(element, etree._Element)]


def texts(element: etree._Element) -> list[str]:
    return [t.text or "" for t in element.xpath(".//s:text", namespaces=NS)]


def title(element: etree._Element) -> str:
    found = element.xpath("./s:title", namespaces=NS)
    return found[0].text or "" if found else ""
