"""Content controls bound to custom XML (``w:dataBinding``): the value the data store holds for each.

A bound control shows a copy of a value kept in a custom XML part
(``customXml/item1.xml``). Word refreshes the copy from the part when it
opens the file, so where a program changed one and not the other, the body
says one thing and Word shows another. This module finds, for each bound
control, the value its part holds; the parse compares it with the text it
read (:mod:`docxform.parse.bound`).

Only what a binding needs is read, and only when the body holds a binding
(lxml answers that without a walk when no binding was ever parsed). Its XPath is data from the file: only the plain form Word
writes is evaluated (``/ns0:root[1]/ns0:field[1]``, optionally ending in an
attribute), step by step, never by an XPath engine; any other is left
unevaluated and said.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from docxform.core.errors import DocxformError
from docxform.oxml.ns import qn
from docxform.oxml.package import Package, parse_xml
from docxform.oxml.reader import control_text

W_DATABINDING, W_SDTPR, W_SDTCONTENT = qn("w:dataBinding"), qn("w:sdtPr"), qn("w:sdtContent")
W_TAG, W_ALIAS, W_VAL = qn("w:tag"), qn("w:alias"), qn("w:val")
W14_CHECKBOX = qn("w14:checkbox")
_DS_ITEM_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/customXml}itemID"
_ITEM = re.compile(r"customXml/item\d+\.xml", re.IGNORECASE)
_NAME = r"(?:[A-Za-z_][\w.-]*:)?[A-Za-z_][\w.-]*"
#: An XPath as Word writes one: element steps with an optional position, then optionally an attribute.
_PLAIN_XPATH = re.compile(rf"(?:/{_NAME}(?:\[[0-9]{{1,6}}\])?)+(?:/@{_NAME})?")
_STEP = re.compile(rf"/(@?)({_NAME})(?:\[([0-9]{{1,6}})\])?")
_MAPPING = re.compile(r"""xmlns:([\w.-]+)\s*=\s*(?:'([^']*)'|"([^"]*)")""")
#: More bound controls than this in one return are not looked up (a form has a few dozen answers).
MAX_BINDINGS = 2_000


@dataclass(frozen=True)
class Binding:
    """One bound control: its tag and alias, the text the body shows, and what its data store holds.

    ``stored`` is None where the value could not be found (``why`` says why: no such part, an XPath
    docxform does not evaluate, no node at that path).
    """

    tag: str
    alias: str
    shown: str
    showing_prompt: bool
    stored: str | None
    xpath: str
    why: str = ""


def bindings(pkg: Package, body: etree._Element) -> tuple[Binding, ...]:
    """Every bound text control of the body with the value its custom XML part holds."""
    found = []
    stores: dict[str, etree._Element | None] | None = None
    for n, binding in enumerate(body.iter(W_DATABINDING)):
        pr = binding.getparent()
        if n >= MAX_BINDINGS or pr is None or pr.tag != W_SDTPR or pr.find(W14_CHECKBOX) is not None:
            continue
        if stores is None:
            stores = _stores(pkg)
        found.append(_binding(pr, binding, stores))
    return tuple(found)


def _binding(pr: etree._Element, binding: etree._Element, stores: dict[str, etree._Element | None]) -> Binding:
    tag, alias = pr.find(W_TAG), pr.find(W_ALIAS)
    content = pr.getparent().find(W_SDTCONTENT) if pr.getparent() is not None else None
    shown = control_text(content) if content is not None else ""
    xpath = binding.get(qn("w:xpath")) or ""
    store = _store_key(binding.get(qn("w:storeItemID")) or "")
    common = (tag.get(W_VAL, "") if tag is not None else "", alias.get(W_VAL, "") if alias is not None else "", shown,
              pr.find(qn("w:showingPlcHdr")) is not None)
    root = stores.get(store)
    if root is None:
        return Binding(*common, None, xpath, "its custom XML part is not in the file or cannot be read")
    if not _PLAIN_XPATH.fullmatch(xpath):
        return Binding(*common, None, xpath, "its XPath is not of the plain form docxform evaluates")
    value = _evaluate(root, xpath, _mappings(binding.get(qn("w:prefixMappings")) or ""))
    return Binding(*common, value, xpath, "" if value is not None else "no value is at its XPath")


def _store_key(item_id: str) -> str:
    return item_id.strip().strip("{}").lower()


def _stores(pkg: Package) -> dict[str, etree._Element | None]:
    """Each custom XML part's root by its data store id (from its itemProps part), read once a return."""
    out: dict[str, etree._Element | None] = {}
    names = {n.lower(): n for n in pkg.zip.NameToInfo}
    for lower, name in names.items():
        if not _ITEM.fullmatch(lower):
            continue
        props = names.get(lower.replace("/item", "/itemprops", 1))
        ident = None
        try:
            ident = parse_xml(pkg.read(props), pkg.path, props).get(_DS_ITEM_ID) if props else None
            if ident:
                out[_store_key(ident)] = parse_xml(pkg.read(name), pkg.path, name)
        except DocxformError:
            if ident:
                out[_store_key(ident)] = None
    return out


def _mappings(text: str) -> dict[str, str]:
    return {m.group(1): m.group(2) if m.group(2) is not None else m.group(3) or "" for m in _MAPPING.finditer(text)}


def _evaluate(root: etree._Element, xpath: str, namespaces: dict[str, str]) -> str | None:
    """The string value at a plain XPath, step by step from the root (None: nothing there)."""
    current: list[etree._Element] = [root]
    node: etree._Element | None = None
    for at, name, position in _STEP.findall(xpath):
        if node is None and not at:  # the first step names the root itself
            node = root if _matches(root, name, namespaces) and position in ("", "1") else None
            if node is None:
                return None
            continue
        if node is None:
            return None
        if at:
            return node.get(_clark(name, namespaces))
        current = [child for child in node if isinstance(child.tag, str) and _matches(child, name, namespaces)]
        index = int(position or "1") - 1
        node = current[index] if 0 <= index < len(current) else None
    return "".join(node.itertext()) if node is not None else None


def _clark(name: str, namespaces: dict[str, str]) -> str:
    prefix, _, local = name.rpartition(":")
    if not prefix:
        return local
    uri = namespaces.get(prefix)
    return f"{{{uri}}}{local}" if uri is not None else f"{{\0unknown}}{local}"


def _matches(element: etree._Element, name: str, namespaces: dict[str, str]) -> bool:
    return bool(element.tag == _clark(name, namespaces))


__all__ = ["Binding", "bindings"]
