"""What a respondent may put in an answer that is not runs of text: equations, pictures, objects.

The reader (:mod:`docxform.oxml.reader`) reads text; these are the things
around it that a person sees as part of the answer but that hold no ``w:t``:

- an equation (Office Math, ``m:oMath``): its characters are read in order,
  with its structure written as UnicodeMath writes it linearly (``a/b``,
  ``x^2``, ``√(x)``, brackets), so nothing typed is dropped; an equation of
  plain characters only is read exactly;
- a picture, chart, diagram (SmartArt) or drawn shape (``w:drawing``,
  ``w:pict``), an embedded object (``w:object``): no text the parse can hold;
  named with what can be said of it (alt text, the program of the object);
- WordArt drawn as a VML text path: its text is an attribute, read as a line
  as a text box's is.

Only the Python walk reads documents holding any of these
(:data:`docxform.oxml.fastread.PYTHON_ONLY`).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

import lxml.html
from lxml import etree

from docxform.core.errors import DocxformError
from docxform.oxml.model import Embedded
from docxform.oxml.package import Package, parse_xml

M = "http://schemas.openxmlformats.org/officeDocument/2006/math"
_WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
_V = "urn:schemas-microsoft-com:vml"
_O = "urn:schemas-microsoft-com:office:office"
_DRAWINGML = "http://schemas.openxmlformats.org/drawingml/2006/"
#: A graphic's kind by the end of its ``a:graphicData/@uri``.
_GRAPHICS = {"picture": "picture", "chart": "chart", "diagram": "diagram", "chartex": "chart"}


def _m(name: str) -> str:
    return f"{{{M}}}{name}"


OMATH, OMATH_PARA = _m("oMath"), _m("oMathPara")
_T, _R = _m("t"), _m("r")
_DOC_PR, _GRAPHIC_DATA = f"{{{_WP}}}docPr", f"{{{_A}}}graphicData"
_W_CONTROL = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}control"
_W_NAME = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}name"
_DGM_RELIDS = "{http://schemas.openxmlformats.org/drawingml/2006/diagram}relIds"
_R_DM = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}dm"
_A_P, _A_T = f"{{{_A}}}p", f"{{{_A}}}t"
#: Imported content (altChunk) whose words are read, by the part's extension: HTML and plain text.
_HTML, _TEXT = (".htm", ".html", ".xhtml", ".xht"), (".txt",)
#: Words kept of one part: a diagram or an imported file is a few lines; more is cut, and said.
MAX_WORDS = 4_000
TEXTPATH, _IMAGEDATA, _OLE = f"{{{_V}}}textpath", f"{{{_V}}}imagedata", f"{{{_O}}}OLEObject"
#: Structures written with a character of their own: element -> (property holding it, its default).
_CHARS = {"nary": ("chr", "\u222b"), "acc": ("chr", "\u0302"), "groupChr": ("chr", "\u23df")}


def math_text(element: etree._Element) -> tuple[str, bool]:
    """An equation's characters in reading order, linear; and whether it was plain characters only."""
    if element.tag == OMATH_PARA:
        pieces = [math_text(child) for child in element if child.tag == OMATH]
        return "\n".join(p for p, _ in pieces), all(flat for _, flat in pieces)
    flat = all(child.tag == _R or _is_property(child) for child in element)
    return _linear(element), flat


def _is_property(element: etree._Element) -> bool:
    tag = element.tag
    return not isinstance(tag, str) or tag.endswith("Pr") or tag == _m("ctrlPr")


def _linear(element: etree._Element) -> str:
    return "".join(_piece(child) for child in element if not _is_property(child))


def _grouped(text: str) -> str:
    """An argument as UnicodeMath writes one: in brackets unless it is one word or number."""
    return text if len(text) <= 1 or text.isalnum() else f"({text})"


def _piece(el: etree._Element) -> str:
    """One element of an equation, linear (UnicodeMath's forms for fractions, scripts, roots, brackets)."""
    if el.tag == _R:
        return "".join(t.text or "" for t in el.iter(_T))
    handler = _HANDLERS.get(el.tag)
    return handler(el) if handler is not None else _linear(el)  # e, box, bar, phant...: their content


def _part(el: etree._Element, name: str) -> str:
    """The linear text of a named argument (``m:num``, ``m:e``...); "" where there is none."""
    found = el.find(_m(name))
    return _linear(found) if found is not None else ""


def _fraction(el: etree._Element) -> str:
    return f"{_grouped(_part(el, 'num'))}/{_grouped(_part(el, 'den'))}"


def _radical(el: etree._Element) -> str:
    degree = _part(el, "deg")
    return f"\u221a({degree}&{_part(el, 'e')})" if degree else f"\u221a({_part(el, 'e')})"


def _delimited(el: etree._Element) -> str:
    props = el.find(_m("dPr"))
    begin, sep, end = (_char(props, name, default) for name, default in (("begChr", "("), ("sepChr", "|"),
                                                                          ("endChr", ")")))
    return begin + sep.join(_linear(e) for e in el.findall(_m("e"))) + end


def _with_sign(el: etree._Element) -> str:
    """An n-ary operator (its sign before, with limits), an accent or a group character (after)."""
    local = etree.QName(el).localname
    name, default = _CHARS[local]
    sign = _char(el.find(_m(f"{local}Pr")), name, default)
    if local == "nary":
        return f"{sign}{_script(el, 'sub', '_')}{_script(el, 'sup', '^')}{_part(el, 'e')}"
    return f"{_part(el, 'e')}{sign}"


def _scripted(el: etree._Element) -> str:
    """Sub- and superscripts, before (``m:sPre``) or after the base, and limits."""
    local = etree.QName(el).localname
    scripts = _script(el, "sub", "_") + _script(el, "sup", "^") + _script(el, "lim", "^" if local == "limUpp" else "_")
    return f"{scripts}{_part(el, 'e')}" if local == "sPre" else f"{_part(el, 'e')}{scripts}"


def _matrix(el: etree._Element) -> str:
    return "\u25a0(" + "@".join("&".join(_linear(e) for e in row.findall(_m("e"))) for row in el.findall(_m("mr"))) + ")"


def _array(el: etree._Element) -> str:
    return "\u2588(" + "@".join(_linear(e) for e in el.findall(_m("e"))) + ")"


def _function(el: etree._Element) -> str:
    return f"{_part(el, 'fName')}\u2061{_part(el, 'e')}"


_HANDLERS: dict[str, Callable[[etree._Element], str]] = {
    _m("f"): _fraction, _m("rad"): _radical, _m("d"): _delimited, _m("m"): _matrix, _m("eqArr"): _array,
    _m("func"): _function, **{_m(name): _with_sign for name in _CHARS},
    **{_m(name): _scripted for name in ("sSup", "sSub", "sSubSup", "sPre", "limLow", "limUpp")},
}


def _script(el: etree._Element, name: str, mark: str) -> str:
    """A sub- or superscript (or limit) written after its mark: ``_2``, ``^(n+1)``."""
    part = el.find(_m(name))
    text = _linear(part) if part is not None else ""
    return f"{mark}{_grouped(text)}" if text else ""


def _char(props: etree._Element | None, name: str, default: str) -> str:
    """A structure's character property (``m:chr``, ``m:begChr``...): absent, the default; empty, none."""
    if props is None:
        return default
    found = props.find(_m(name))
    if found is None:
        return default
    return found.get(_m("val"), default)[:1]


def drawing_kind(element: etree._Element) -> Embedded:
    """A drawing, VML picture or embedded object with no text box: what it is and what can be said of it."""
    control = next(element.iter(_W_CONTROL), None)
    if control is not None:  # an ActiveX control of an old form (its value is in word/activeX/, in binary)
        return Embedded("object", f"ActiveX {control.get(_W_NAME) or 'control'}")
    ole = next(element.iter(_OLE), None)
    if ole is not None:
        return Embedded("object", ole.get("ProgID") or "")
    data = next(element.iter(_GRAPHIC_DATA), None)
    pr = next(element.iter(_DOC_PR), None)
    alt = " ".join(((pr.get("descr") or pr.get("title") or "") if pr is not None else "").split())
    if data is not None:
        uri = data.get("uri") or ""
        kind = _GRAPHICS.get(uri.rsplit("/", 1)[-1], "drawing") if uri.startswith(_DRAWINGML) or "/" in uri \
            else "drawing"
        relations = next(data.iter(_DGM_RELIDS), None) if kind == "diagram" else None
        return Embedded(kind, alt, ref=relations.get(_R_DM, "") if relations is not None else "")
    if next(element.iter(_IMAGEDATA), None) is not None:
        return Embedded("picture", alt)
    return Embedded("drawing", alt)


def textpath_lines(element: etree._Element) -> list[str]:
    """WordArt's text (``v:textpath/@string``) under a VML shape, one line per text path."""
    return [" ".join(s.split()) for s in (t.get("string") or "" for t in element.iter(TEXTPATH)) if s.strip()]


def resolve_parts(pkg: Package, main: str, found: list[Embedded]) -> None:
    """For each diagram and imported content, the part holding it and its words (``part``, ``words``).

    The relationship ids are data from the file: each is looked up in the main part's relationships, its
    target resolved inside the package (never above its root); a part that is missing, damaged or of a
    kind not read (an imported .docx, .rtf or .mht) leaves the words empty.
    """
    folder, _, base = main.rpartition("/")
    rels_name = f"{folder}/_rels/{base}.rels" if folder else f"_rels/{base}.rels"
    if not any(e.ref for e in found) or not pkg.has(rels_name):
        return
    targets = _targets(pkg.read(rels_name))
    stored = {n.lower(): n for n in pkg.zip.NameToInfo}
    for item in found:
        target = targets.get(item.ref)
        name = stored.get(_inside(folder, target).lower()) if target else None
        if name is None:
            continue
        item.part = name
        try:
            item.words = _words(pkg, name, item.kind)[:MAX_WORDS]
        except DocxformError:
            item.words = ""  # a damaged part: named, its words not read


def _targets(rels: bytes) -> dict[str, str]:
    out = {}
    for tag in _RELATIONSHIP.findall(rels):
        ident, target = _ID.search(tag), _TARGET.search(tag)
        if ident and target and not _EXTERNAL.search(tag):
            out[html.unescape(ident.group(1).decode("utf-8", "replace"))] = html.unescape(
                target.group(1).decode("utf-8", "replace"))
    return out


def _inside(folder: str, target: str) -> str:
    """A target as a part name, relative to the main part's folder (or from the root), never above the root."""
    steps = [] if target.startswith("/") else [s for s in folder.split("/") if s]
    for step in target.replace("\\", "/").split("/"):
        if step == "..":
            if not steps:
                return ""
            steps.pop()
        elif step and step != ".":
            steps.append(step)
    return "/".join(steps)


def _words(pkg: Package, name: str, kind: str) -> str:
    """A diagram data part's words (each of its paragraphs a line), or an imported HTML or text file's."""
    data = pkg.read(name)
    if kind == "diagram":
        root = parse_xml(data, pkg.path, name)
        lines = ("".join(t.text or "" for t in p.iter(_A_T)) for p in root.iter(_A_P))
        return "\n".join(line.strip() for line in lines if line.strip())
    lower = name.lower()
    if lower.endswith(_TEXT):
        return "\n".join(line.strip() for line in data.decode("utf-8", "replace").splitlines() if line.strip())
    if lower.endswith(_HTML):
        return _html_words(data)
    return ""


def _html_words(data: bytes) -> str:
    """An HTML file's words, each block on a line (no script or style; no entity or network access)."""
    parser = lxml.html.HTMLParser(no_network=True, remove_comments=True, remove_pis=True, recover=True)
    try:
        root = lxml.html.document_fromstring(data, parser=parser)
    except (etree.ParserError, ValueError):
        return ""
    for junk in list(root.iter("script", "style", "head")):
        if junk.getparent() is not None:
            junk.drop_tree()
    for block in root.iter("p", "div", "li", "tr", "br", "h1", "h2", "h3", "h4", "h5", "h6"):
        block.tail = "\n" + (block.tail or "")
    text = root.text_content()
    return "\n".join(" ".join(line.split()) for line in text.splitlines() if line.strip())


_RELATIONSHIP = re.compile(rb"<(?:\w+:)?Relationship\b[^>]*>")
_ID = re.compile(rb"""\bId\s*=\s*["']([^"']*)["']""")
_TARGET = re.compile(rb"""\bTarget\s*=\s*["']([^"']*)["']""")
_EXTERNAL = re.compile(rb"""\bTargetMode\s*=\s*["']External["']""")


__all__ = ["OMATH", "OMATH_PARA", "TEXTPATH", "drawing_kind", "math_text", "resolve_parts", "textpath_lines"]
