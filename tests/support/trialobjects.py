"""Returns holding things that are not plain runs of text (issue 20, third trial).

The first trials (tests/support/trialcorpus.py) edited returns with tracked
changes, fields, wrappers, symbols and tables. These are the kinds of return
nobody on the team had tried: an equation typed in an answer or below a
table (Office Math), a picture pasted as the answer (with and without alt
text), an embedded object (an Excel range pasted as an object), a chart, a
SmartArt diagram (its words kept in word/diagrams/data1.xml), WordArt (VML
text path), text formatted hidden, a phonetic guide (ruby), fitted text,
direction overrides nested in each other, editing permissions, custom XML
with its properties, a content control bound to custom XML whose value
differs from the shown one, an altChunk (text imported from another file,
kept in a part of its own), and the main document part under another name.

Each case is one function that says what the respondent did and returns a
:class:`~tests.support.trialcorpus.Typed`. Where the respondent's answer is
something docxform cannot hold as text (a picture, an object), the expected
value is a description in square brackets: it can never be read as it
stands, so the verdict is *right* never, *flagged* only when a problem names
the item and field, and *lost* otherwise.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from lxml import etree

from docxform.oxml.fill import edit_document
from tests.support import trialcorpus as tc
from tests.support.trialcorpus import Typed, control, paragraph, run, set_content, w

M = "http://schemas.openxmlformats.org/officeDocument/2006/math"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
PIC = "http://schemas.openxmlformats.org/drawingml/2006/picture"
DGM = "http://schemas.openxmlformats.org/drawingml/2006/diagram"
CHART = "http://schemas.openxmlformats.org/drawingml/2006/chart"
V = "urn:schemas-microsoft-com:vml"
OFFICE = "urn:schemas-microsoft-com:office:office"
REL_TYPES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

#: Package changes: part name -> new bytes (None removes the part).
PackageEdit = Callable[[dict[str, bytes]], None]


@dataclass
class Case:
    """One return: the body's edit, then (optionally) the package's; ``exact``: every value must be read exactly."""

    name: str
    base: str
    how: str
    edit: Callable[[etree._Element], Typed]
    package: PackageEdit | None = None
    exact: bool = True


def make(base: tc.Base, case: Case, folder: Path) -> tuple[Path, dict[tuple[str, str], str], list[str]]:
    """The filled form edited as the case says: the file, every value expected, the stray text."""
    typed = Typed()

    def change(root: etree._Element) -> None:
        nonlocal typed
        typed = case.edit(root.find(w("body")))

    path = edit_document(base.path, folder / f"{case.name}.docx", change)
    if typed.footnotes:
        tc.add_footnotes(path, typed.footnotes)
    if case.package is not None:
        edit_package(path, case.package)
    expected = dict(base.values)
    expected.update(typed.values)
    return path, expected, typed.stray


def edit_package(path: Path, change: PackageEdit) -> None:
    with zipfile.ZipFile(path) as zin:
        parts = {n: zin.read(n) for n in zin.namelist()}
    change(parts)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zout:
        for name, blob in parts.items():
            zout.writestr(name, blob)
    path.write_bytes(buffer.getvalue())


def add_part(parts: dict[str, bytes], name: str, blob: bytes, content_type: str, rel_id: str, rel_type: str,
             *, source: str = "word/_rels/document.xml.rels", target: str | None = None) -> None:
    """A part with its content type and a relationship from ``source`` (the main document's by default)."""
    parts[name] = blob
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>", f'<Override PartName="/{name}" ContentType="{content_type}"/></Types>'.encode())
    rel = f'<Relationship Id="{rel_id}" Type="{rel_type}" Target="{target or name.removeprefix("word/")}"/>'
    if source not in parts:
        parts[source] = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                         b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                         b'</Relationships>')
    parts[source] = parts[source].replace(b"</Relationships>", f"{rel}</Relationships>".encode())


def _typed_in(body: etree._Element, item: str, fld: str, *paragraphs: etree._Element) -> None:
    sdt = control(body, item, fld)
    shown = sdt.find(f"{w('sdtPr')}/{w('showingPlcHdr')}")
    if shown is not None:
        shown.getparent().remove(shown)
    set_content(sdt, *paragraphs)


def m(name: str) -> str:
    return f"{{{M}}}{name}"


def math_run(text: str) -> etree._Element:
    r = etree.Element(m("r"))
    etree.SubElement(r, m("t")).text = text
    return r


def fraction(num: str, den: str) -> etree._Element:
    f = etree.Element(m("f"))
    etree.SubElement(f, m("num")).append(math_run(num))
    etree.SubElement(f, m("den")).append(math_run(den))
    return f


def power(base: str, exponent: str) -> etree._Element:
    s = etree.Element(m("sSup"))
    etree.SubElement(s, m("e")).append(math_run(base))
    etree.SubElement(s, m("sup")).append(math_run(exponent))
    return s


def omath(*children: etree._Element) -> etree._Element:
    el = etree.Element(m("oMath"))
    for child in children:
        el.append(child)
    return el


# --- equations (Office Math)

def equation_flat(item: str, fld: str) -> Callable[[etree._Element], Typed]:
    """Words, then an equation of plain characters typed with Insert > Equation (no fraction, no power)."""
    def edit(body: etree._Element) -> Typed:
        _typed_in(body, item, fld, paragraph(run("Cost per head: "), omath(math_run("£5×12=£60"))))
        return Typed({(item, fld): "Cost per head: £5×12=£60"})
    return edit


def equation_built(item: str, fld: str) -> Callable[[etree._Element], Typed]:
    """A display equation (m:oMathPara) with a fraction and a power, on its own line under the words."""
    def edit(body: etree._Element) -> Typed:
        para = etree.Element(m("oMathPara"))
        para.append(omath(math_run("rate="), fraction("offences", "1000"), math_run("×"), power("10", "3")))
        _typed_in(body, item, fld, paragraph(run("Worked out as")), paragraph(para))
        # No plain text holds a fraction or a power as typed: only a problem naming the field will do.
        return Typed({(item, fld): "Worked out as\n[equation: rate = offences over 1000 times 10 cubed]"})
    return edit


def equation_below_table() -> Callable[[etree._Element], Typed]:
    """An equation typed in a paragraph of its own below the second table."""
    def edit(body: etree._Element) -> Typed:
        para = etree.Element(m("oMathPara"))
        para.append(omath(math_run("Target=120−15")))
        body.findall(w("tbl"))[1].addnext(paragraph(para))
        return Typed(stray=["Target=120−15"])
    return edit


# --- pictures, objects, charts, diagrams

def _inline(doc_pr: dict[str, str], uri: str, graphic: etree._Element) -> etree._Element:
    r = etree.Element(w("r"))
    inline = etree.SubElement(etree.SubElement(r, w("drawing")), f"{{{WP}}}inline")
    etree.SubElement(inline, f"{{{WP}}}extent", cx="952500", cy="952500")
    etree.SubElement(inline, f"{{{WP}}}docPr", id="7", **doc_pr)
    data = etree.SubElement(etree.SubElement(inline, f"{{{A}}}graphic"), f"{{{A}}}graphicData", uri=uri)
    data.append(graphic)
    return r


def picture_run(descr: str | None) -> etree._Element:
    pic = etree.Element(f"{{{PIC}}}pic")
    nv = etree.SubElement(pic, f"{{{PIC}}}nvPicPr")
    etree.SubElement(nv, f"{{{PIC}}}cNvPr", id="0", name="image1.png")
    fill = etree.SubElement(pic, f"{{{PIC}}}blipFill")
    etree.SubElement(fill, f"{{{A}}}blip", {f"{{{R}}}embed": "rIdTrialImage"})
    doc_pr = {"name": "Picture 7"} | ({"descr": descr} if descr is not None else {})
    return _inline(doc_pr, PIC, pic)


def picture_answer(item: str, fld: str, descr: str | None) -> Callable[[etree._Element], Typed]:
    """A picture (a photo of the minutes) pasted as the whole answer: the cell has no text at all."""
    def edit(body: etree._Element) -> Typed:
        _typed_in(body, item, fld, paragraph(picture_run(descr)))
        return Typed({(item, fld): f"[a picture{': ' + descr if descr else ''}]"})
    return edit


def picture_after_words(item: str, fld: str) -> Callable[[etree._Element], Typed]:
    """Words typed, then a screenshot pasted under them (no alt text)."""
    def edit(body: etree._Element) -> Typed:
        _typed_in(body, item, fld, paragraph(run("See the screenshot")), paragraph(picture_run(None)))
        return Typed({(item, fld): "See the screenshot\n[a picture]"})
    return edit


def _vml_object(shape_id: str, size_pt: tuple[int, int], image: str) -> tuple[etree._Element, etree._Element]:
    """A run holding a ``w:object`` as Word writes one (its picture a VML shape), and the object, for the OLE
    object or ActiveX control that goes in it."""
    width, height = size_pt
    r = etree.Element(w("r"))
    obj = etree.SubElement(r, w("object"), {w("dxaOrig"): str(width * 20), w("dyaOrig"): str(height * 20)})
    shape = etree.SubElement(obj, f"{{{V}}}shape", id=shape_id, type="#_x0000_t75",
                             style=f"width:{width}pt;height:{height}pt")
    etree.SubElement(shape, f"{{{V}}}imagedata", {f"{{{R}}}id": image, f"{{{OFFICE}}}title": ""})
    return r, obj


def ole_object(item: str, fld: str) -> Callable[[etree._Element], Typed]:
    """An Excel range pasted as an embedded object (Paste Special > Microsoft Excel Worksheet Object)."""
    def edit(body: etree._Element) -> Typed:
        r, obj = _vml_object("_x0000_i1025", (216, 72), "rIdTrialEmf")
        etree.SubElement(obj, f"{{{OFFICE}}}OLEObject", {"Type": "Embed", "ProgID": "Excel.Sheet.12",
                                                    "ShapeID": "_x0000_i1025", "DrawAspect": "Content",
                                                    "ObjectID": "_1790000001", f"{{{R}}}id": "rIdTrialOle"})
        _typed_in(body, item, fld, paragraph(r))
        return Typed({(item, fld): "[an embedded Excel worksheet]"})
    return edit


def chart(item: str, fld: str) -> Callable[[etree._Element], Typed]:
    """A chart inserted after the words (its data in an embedded workbook)."""
    def edit(body: etree._Element) -> Typed:
        graphic = etree.Element(f"{{{CHART}}}chart", {f"{{{R}}}id": "rIdTrialChart"})
        _typed_in(body, item, fld, paragraph(run("Burglaries by month:")),
                  paragraph(_inline({"name": "Chart 7"}, CHART, graphic)))
        return Typed({(item, fld): "Burglaries by month:\n[a chart]"})
    return edit


DIAGRAM_WORDS = ("Plan the audit", "Consult partners", "Agree priorities")


def diagram(item: str, fld: str) -> Callable[[etree._Element], Typed]:
    """A SmartArt process diagram of three steps typed as the answer: its words live in word/diagrams/data1.xml."""
    def edit(body: etree._Element) -> Typed:
        graphic = etree.Element(f"{{{DGM}}}relIds", {f"{{{R}}}dm": "rIdTrialDm", f"{{{R}}}lo": "rIdTrialLo",
                                                     f"{{{R}}}qs": "rIdTrialQs", f"{{{R}}}cs": "rIdTrialCs"})
        _typed_in(body, item, fld, paragraph(_inline({"name": "Diagram 7"}, DGM, graphic)))
        return Typed({(item, fld): "\n".join(DIAGRAM_WORDS)})
    return edit


def diagram_parts(parts: dict[str, bytes]) -> None:
    points = "".join(f'<dgm:pt modelId="{{0000000{n}-0000-0000-0000-000000000000}}"><dgm:prSet/><dgm:spPr/>'
                     f'<dgm:t><a:bodyPr/><a:lstStyle/><a:p><a:r><a:rPr lang="en-GB"/><a:t>{escape(words)}</a:t>'
                     "</a:r></a:p></dgm:t></dgm:pt>" for n, words in enumerate(DIAGRAM_WORDS, 1))
    data = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><dgm:dataModel xmlns:dgm="{DGM}" '
            f'xmlns:a="{A}"><dgm:ptLst>{points}</dgm:ptLst><dgm:cxnLst/><dgm:bg/><dgm:whole/></dgm:dataModel>')
    add_part(parts, "word/diagrams/data1.xml", data.encode(),
             "application/vnd.openxmlformats-officedocument.drawingml.diagramData+xml", "rIdTrialDm",
             f"{REL_TYPES}/diagramData")


def wordart(item: str, fld: str) -> Callable[[etree._Element], Typed]:
    """Old-style WordArt (a VML shape with a text path) after the words: its text is an attribute."""
    def edit(body: etree._Element) -> Typed:
        r = etree.Element(w("r"))
        shape = etree.SubElement(etree.SubElement(r, w("pict")), f"{{{V}}}shape", id="WordArt 7",
                                 type="#_x0000_t136", style="width:200pt;height:40pt")
        etree.SubElement(shape, f"{{{V}}}textpath", style="font-family:\"Impact\"", string="Well done team")
        _typed_in(body, item, fld, paragraph(run("Our message"), r))
        return Typed({(item, fld): "Our message\nWell done team"})
    return edit


# --- run and paragraph properties, wrappers

def hidden_text(item: str, fld: str) -> Callable[[etree._Element], Typed]:
    """Words formatted hidden (Font > Hidden) inside the answer: Word shows them only with marks on."""
    def edit(body: etree._Element) -> Typed:
        _typed_in(body, item, fld, paragraph(run("Shown words "), run("and a hidden note", vanish="")))
        # What was typed is all of it; that part of it is hidden must be said (the coordinator cannot see it).
        return Typed({(item, fld): "Shown words [hidden: and a hidden note]"})
    return edit


def ruby(item: str, fld: str) -> Callable[[etree._Element], Typed]:
    """A phonetic guide (ruby) over a name: the base text is the answer, the guide is said."""
    def edit(body: etree._Element) -> Typed:
        r = etree.Element(w("r"))
        rb = etree.SubElement(r, w("ruby"))
        pr = etree.SubElement(rb, w("rubyPr"))
        etree.SubElement(pr, w("rubyAlign")).set(w("val"), "distributeSpace")
        etree.SubElement(pr, w("lid")).set(w("val"), "ja-JP")
        etree.SubElement(rb, w("rt")).append(run("さとう"))
        etree.SubElement(rb, w("rubyBase")).append(run("佐藤"))
        _typed_in(body, item, fld, paragraph(run("Lead officer: "), r, run(" (housing)")))
        return Typed({(item, fld): "Lead officer: 佐藤 (housing)"})
    return edit


def fit_text(item: str, fld: str) -> Callable[[etree._Element], Typed]:
    """Words squeezed into a width (Fit Text): a run property only."""
    def edit(body: etree._Element) -> Typed:
        r = run("Fitted words")
        rpr = etree.Element(w("rPr"))
        etree.SubElement(rpr, w("fitText"), {w("val"): "1440", w("id"): "7"})
        r.insert(0, rpr)
        _typed_in(body, item, fld, paragraph(run("Before "), r, run(" after")))
        return Typed({(item, fld): "Before Fitted words after"})
    return edit


def direction_nesting(item: str, fld: str) -> Callable[[etree._Element], Typed]:
    """w:dir inside w:bdo inside a hyperlink inside w:dir: every level's text kept in order."""
    def edit(body: etree._Element) -> Typed:
        outer = etree.Element(w("dir"), {w("val"): "rtl"})
        link = etree.SubElement(outer, w("hyperlink"), {w("anchor"): "top"})
        bdo = etree.SubElement(link, w("bdo"), {w("val"): "ltr"})
        inner = etree.SubElement(bdo, w("dir"), {w("val"): "ltr"})
        inner.append(run("deep"))
        bdo.append(run(" middle"))
        outer.append(run(" outer"))
        _typed_in(body, item, fld, paragraph(run("Start "), outer, run(" end")))
        return Typed({(item, fld): "Start deep middle outer end"})
    return edit


def permissions(item: str, fld: str) -> Callable[[etree._Element], Typed]:
    """Editing restricted, the answer marked as an exception for everyone (w:permStart / w:permEnd)."""
    def edit(body: etree._Element) -> Typed:
        start = etree.Element(w("permStart"), {w("id"): "77", w("edGrp"): "everyone"})
        end = etree.Element(w("permEnd"), {w("id"): "77"})
        _typed_in(body, item, fld, paragraph(start, run("Open to all editors"), end))
        return Typed({(item, fld): "Open to all editors"})
    return edit


def custom_xml_properties(item: str, fld: str) -> Callable[[etree._Element], Typed]:
    """Custom XML elements with their properties (w:customXmlPr) around a paragraph and around runs."""
    def edit(body: etree._Element) -> Typed:
        p = paragraph(run("Tagged "), run("words"))
        wrapper = tc.wrap(p.findall(w("r"))[1], "customXml", element="term")
        pr = etree.Element(w("customXmlPr"))
        etree.SubElement(pr, w("attr"), {w("name"): "kind", w("val"): "noun"})
        wrapper.insert(0, pr)
        _typed_in(body, item, fld, p, paragraph(run("Second paragraph")))
        block = tc.wrap(control(body, item, fld).find(f"{w('sdtContent')}/{w('p')}[2]"), "customXml",
                        element="para")
        block.insert(0, etree.fromstring(f'<w:customXmlPr xmlns:w="{tc.W}"><w:placeholder w:val="x"/>'
                                         "</w:customXmlPr>"))
        return Typed({(item, fld): "Tagged words\nSecond paragraph"})
    return edit


STORE_ID = "{5D7A1C2E-0B1F-4C3A-9E2D-7A6B5C4D3E2F}"


def bound_control(item: str, fld: str, shown: str, stored: str) -> Callable[[etree._Element], Typed]:
    """A control bound to custom XML (w:dataBinding) whose stored value is not the one cached in the body.

    Word shows the stored value when it opens the file (a tool filled the XML part and left the text).
    """
    def edit(body: etree._Element) -> Typed:
        sdt = control(body, item, fld)
        pr = sdt.find(w("sdtPr"))
        etree.SubElement(pr, w("dataBinding"), {w("prefixMappings"): "xmlns:ns0='urn:docxform:trial'",
                                                w("xpath"): "/ns0:answers[1]/ns0:answer[1]",
                                                w("storeItemID"): STORE_ID})
        set_content(sdt, paragraph(run(shown)))
        return Typed({(item, fld): stored})
    return edit


def bound_parts(stored: str) -> PackageEdit:
    def change(parts: dict[str, bytes]) -> None:
        item = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><ns0:answers xmlns:ns0="urn:docxform:trial">'
                f"<ns0:answer>{escape(stored)}</ns0:answer></ns0:answers>")
        props = (f'<?xml version="1.0" encoding="UTF-8" standalone="no"?><ds:datastoreItem ds:itemID="{STORE_ID}" '
                 'xmlns:ds="http://schemas.openxmlformats.org/officeDocument/2006/customXml"><ds:schemaRefs/>'
                 "</ds:datastoreItem>")
        add_part(parts, "customXml/item1.xml", item.encode(), "application/xml", "rIdTrialXml",
                 f"{REL_TYPES}/customXml", target="../customXml/item1.xml")
        add_part(parts, "customXml/itemProps1.xml", props.encode(),
                 "application/vnd.openxmlformats-officedocument.customXmlProperties+xml", "rId1",
                 f"{REL_TYPES}/customXmlProps", source="customXml/_rels/item1.xml.rels", target="itemProps1.xml")
    return change


def alt_chunk(item: str, fld: str) -> Callable[[etree._Element], Typed]:
    """The answer inserted from another file by a tool (w:altChunk): its text is in word/afchunk1.htm."""
    def edit(body: etree._Element) -> Typed:
        sdt = control(body, item, fld)
        content = sdt.find(w("sdtContent"))
        for child in list(content):
            content.remove(child)
        etree.SubElement(content, w("altChunk"), {f"{{{R}}}id": "rIdTrialChunk"})
        return Typed({(item, fld): "Imported from the audit\nSecond imported line"})
    return edit


def chunk_part(parts: dict[str, bytes]) -> None:
    html = ("<html><head><title>x</title></head><body><p>Imported from the audit</p><p>Second imported line</p>"
            "</body></html>")
    add_part(parts, "word/afchunk1.htm", html.encode(), "text/html", "rIdTrialChunk", f"{REL_TYPES}/aFChunk")
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b'<Override PartName="/word/afchunk1.htm" ContentType="text/html"/>', b"")
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>", b'<Default Extension="htm" ContentType="text/html"/></Types>')


# --- the main document part under another name

def main_renamed(name: str, *, stale: bool) -> PackageEdit:
    """The main part stored as ``name`` (its relationships moved with it); ``stale``: an old word/document.xml
    left beside it, holding the blank form (which Word never opens: the package's relationship names the other).
    """
    def change(parts: dict[str, bytes]) -> None:
        main = parts.pop("word/document.xml")
        rels = parts.pop("word/_rels/document.xml.rels")
        folder, base = name.rsplit("/", 1)
        parts[name] = main
        parts[f"{folder}/_rels/{base}.rels"] = rels
        parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(b"/word/document.xml", f"/{name}".encode())
        parts["_rels/.rels"] = parts["_rels/.rels"].replace(b"word/document.xml", name.encode())
        if stale:
            with zipfile.ZipFile(tc.ROOT / "blank_forms" / "sa2003.docx") as blank:
                parts["word/document.xml"] = blank.read("word/document.xml")
                parts["word/_rels/document.xml.rels"] = blank.read("word/_rels/document.xml.rels")
    return change


def picture_tick(item: str, level: str) -> Callable[[etree._Element], Typed]:
    """The rating's boxes deleted and a picture of a tick pasted into one level's cell."""
    def edit(body: etree._Element) -> Typed:
        cells = []
        for other in tc.LEVELS:
            box = tc.level_control(body, item, other)
            cells.append(tc.cell_of(box))
            box.getparent().remove(box)
        cells[tc.LEVELS.index(level)].append(paragraph(picture_run("Tick")))
        return Typed({(item, "rating"): f"[a picture of a tick under {level}]"})
    return edit


def stripped(case: Case) -> Case:
    """The same return with every content control unwrapped, as a program without them leaves it."""
    def edit(body: etree._Element) -> Typed:
        typed = case.edit(body)
        for sdt in reversed(list(body.iter(w("sdt")))):
            tc.unwrap(sdt)
        return typed
    return Case(f"{case.name}-stripped", case.base, case.how, edit, case.package, case.exact)


def alignment_tab(item: str, fld: str) -> Callable[[etree._Element], Typed]:
    """Two columns of words lined up with an alignment tab (Insert Alignment Tab: w:ptab) between them."""
    def edit(body: etree._Element) -> Typed:
        r = etree.Element(w("r"))
        etree.SubElement(r, w("t")).text = "Police"
        etree.SubElement(r, w("ptab"), {w("relativeTo"): "margin", w("alignment"): "center", w("leader"): "none"})
        etree.SubElement(r, w("t")).text = "Council"
        _typed_in(body, item, fld, paragraph(r))
        return Typed({(item, fld): "Police\tCouncil"})
    return edit


def activex_box(item: str, fld: str) -> Callable[[etree._Element], Typed]:
    """An old form's ActiveX text box pasted in as the answer (Developer > Legacy Tools > ActiveX Text Box):
    what was typed in it lives in word/activeX/activeX1.bin, not in the body."""
    def edit(body: etree._Element) -> Typed:
        r, obj = _vml_object("_x0000_i1030", (72, 18), "rIdTrialAxImg")
        etree.SubElement(obj, w("control"), {f"{{{R}}}id": "rIdTrialAx", w("name"): "TextBox1",
                                             w("shapeid"): "_x0000_i1030"})
        _typed_in(body, item, fld, paragraph(r))
        return Typed({(item, fld): "[an ActiveX text box]"})
    return edit


def below_table(run_: Callable[[], etree._Element], stray: list[str]) -> Callable[[etree._Element], Typed]:
    """Something pasted in a paragraph of its own below the second table (a logo, a chart, a diagram)."""
    def edit(body: etree._Element) -> Typed:
        body.findall(w("tbl"))[1].addnext(paragraph(run_()))
        return Typed(stray=stray)
    return edit


def nothing(body: etree._Element) -> Typed:
    """No change to the body (the case is in the package)."""
    return Typed()


def cases() -> list[Case]:
    sa, hb = "sa2003", "hallmarks2007"
    return [
        Case("eq-flat", sa, "an equation of plain characters typed after words in 1.1 comments",
             equation_flat("1.1", "comments")),
        Case("eq-built", sa, "a display equation with a fraction and a power in 1.2 evidence",
             equation_built("1.2", "evidence"), exact=False),
        Case("eq-below", sa, "an equation in a paragraph of its own below table 2", equation_below_table(),
             exact=False),
        Case("pic-alt", sa, "a picture with alt text pasted as 1.3's evidence", picture_answer("1.3", "evidence",
                                                                                                "Signed minutes"),
             exact=False),
        Case("pic-bare", sa, "a picture with no alt text pasted as 1.4's goals", picture_answer("1.4", "goals", None),
             exact=False),
        Case("pic-after", sa, "words, then a screenshot under them, in 1.5 comments",
             picture_after_words("1.5", "comments"), exact=False),
        Case("ole", sa, "an Excel range pasted as an embedded object in 2.1 evidence", ole_object("2.1", "evidence"),
             exact=False),
        Case("chart", sa, "a chart under words in 2.2 evidence", chart("2.2", "evidence"), exact=False),
        Case("smartart", sa, "a SmartArt diagram as 2.3's goals", diagram("2.3", "goals"), diagram_parts, exact=False),
        Case("wordart", sa, "old-style WordArt after words in 2.4 comments", wordart("2.4", "comments")),
        Case("hidden", sa, "part of 3.1's comments formatted hidden", hidden_text("3.1", "comments"), exact=False),
        Case("ruby", sa, "a phonetic guide over a name in 3.2 goals", ruby("3.2", "goals")),
        Case("fittext", sa, "fitted text in 3.3 comments", fit_text("3.3", "comments")),
        Case("dir-nesting", sa, "direction overrides nested in a hyperlink in 3.4 evidence",
             direction_nesting("3.4", "evidence")),
        Case("permissions", sa, "an editing-permission range around 4.1 comments", permissions("4.1", "comments")),
        Case("customxml-pr", sa, "custom XML with properties around 4.2 goals' runs and paragraph",
             custom_xml_properties("4.2", "goals")),
        Case("bound", sa, "5.2 comments bound to custom XML holding another value than the one shown",
             bound_control("5.2", "comments", "Cached text", "Stored answer"), bound_parts("Stored answer"),
             exact=False),
        Case("altchunk", sa, "5.1 evidence inserted from an HTML file (altChunk)", alt_chunk("5.1", "evidence"),
             chunk_part, exact=False),
        Case("pic-tick", sa, "1.3's boxes deleted, a picture of a tick pasted under Doing well",
             picture_tick("1.3", "doing_well"), exact=False),
        Case("ptab", sa, "words lined up with an alignment tab in 5.3 goals", alignment_tab("5.3", "goals")),
        Case("activex", sa, "an ActiveX text box as 5.4's comments", activex_box("5.4", "comments"), exact=False),
        Case("pic-below", sa, "a picture pasted below table 2", below_table(lambda: picture_run("Logo"), []),
             exact=False),
        Case("smartart-below", sa, "a SmartArt diagram pasted below table 2",
             below_table(lambda: _inline({"name": "Diagram 8"}, DGM, etree.Element(
                 f"{{{DGM}}}relIds", {f"{{{R}}}dm": "rIdTrialDm"})), list(DIAGRAM_WORDS)), diagram_parts, exact=False),
        Case("hb-picture", hb, "a picture pasted as item 3's owner", picture_answer("3", "owner", "Org chart"),
             exact=False),
        Case("hb-equation", hb, "an equation in item 4's position", equation_flat("4", "position")),
        Case("main-renamed", sa, "the main part stored as word/main.xml (the package's relationship says so)",
             nothing, main_renamed("word/main.xml", stale=False)),
        Case("main-renamed-stale", sa, "the main part stored as word/main.xml, an old blank word/document.xml "
             "left beside it", nothing, main_renamed("word/main.xml", stale=True)),
    ]


__all__ = ["Case", "cases", "make"]


# --- the same, done inside LibreOffice (tests/support/uno_driver.py), saved as .docx, .doc and .odt

def uno_cases() -> list[tc.UnoTrial]:
    """sa2003 theme 1 filled through UNO (table 2: items 1.1-1.5 in rows 2-6; comments 7, evidence 8, goals 9),
    then one edit each. A value no text can hold as typed (a picture, hidden words)
    is expected as a description in brackets: only a problem naming its item and field passes."""
    fill, values = tc._sa_fill(("1.1", "1.2", "1.3", "1.4", "1.5"))

    def cell(row: int, col: int) -> dict[str, int]:
        return {"table": 2, "row": row, "cell": col}
    return [
        # No formula object: inserting one needs LibreOffice Math (libreoffice-math), not installed here.
        tc.UnoTrial("lo-symbol", "sa2003", "Insert > Special Character, Symbol font: a ≥ sign after 1.1's comments",
                    [*fill, {"op": "type_symbol", **cell(2, 7), "font": "Symbol", "char": "\uf0b3"}],
                    {**values, ("1.1", "comments"): "comments for 1.1: 50% done\n≥"}, []),
        tc.UnoTrial("lo-picture", "sa2003", "Insert > Image under 1.2's evidence, with a description",
                    [*fill, {"op": "picture", **cell(3, 8), "alt": "Signed minutes"}],
                    {**values, ("1.2", "evidence"): "evidence for 1.2: 50% done\n[a picture: Signed minutes]"}, []),
        tc.UnoTrial("lo-hidden", "sa2003", "words typed under 1.3's comments and formatted hidden",
                    [*fill, {"op": "hidden_text", **cell(4, 7), "text": "not for the panel"}],
                    {**values, ("1.3", "comments"): "comments for 1.3: 50% done\n[hidden: not for the panel]"}, []),
        tc.UnoTrial("lo-tracked", "sa2003", "words typed under 1.4's goals with Track Changes on, left unaccepted",
                    [*fill, {"op": "tracked_text", **cell(5, 9), "text": "and one more goal"}],
                    {**values, ("1.4", "goals"): "goals for 1.4: 50% done\nand one more goal"}, []),
        tc.UnoTrial("lo-special", "sa2003", "special characters typed under 1.5's evidence",
                    [*fill, {"op": "type_cell", **cell(6, 8), "text": "≥ 3 of 4 ½ done ✓ → €20", "append": True}],
                    {**values, ("1.5", "evidence"): "evidence for 1.5: 50% done\n≥ 3 of 4 ½ done ✓ → €20"}, []),
    ]
