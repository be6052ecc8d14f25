"""Returns edited the way new users edit them, and the verdict on every value typed (issue 20).

A *trial* is one return: a shipped blank form (``blank_forms/``) filled by
script with known answers, then edited in the XML the way Word writes what a
person did (tracked changes, fields, hyperlinks, smart tags, symbols, a
nested table pasted into a cell, a rating retyped as words ...). Each edit
says what the respondent typed: the value an answer should now have, and any
stray text that has no field but must not vanish. :func:`verdicts` compares a
parse with that and puts every value in one of four classes:

- ``right``: the parse holds exactly what was typed;
- ``flagged``: it does not, but a problem names the item and field, or the
  typed text is in the unclaimed list;
- ``wrong``: a different value, with nothing said (silently wrong);
- ``lost``: no value, with nothing said (silently lost).

The claim under test: nothing is ever ``wrong`` or ``lost``. Returns edited
inside LibreOffice are made by tests/support/respondent.py and checked the same way.
"""

from __future__ import annotations

import copy
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from lxml import etree

from docxform.framework import load_framework
from docxform.framework.mapping import load_mapping
from docxform.framework.model import Framework
from docxform.oxml.fill import edit_document, fill

ROOT = Path(__file__).resolve().parents[2]
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
#: Shipped blank forms: key -> (framework, layout, file).
FORMS = {
    "sa2003": ("sa2003", "annexb", "sa2003.docx"),
    "stocktake2003": ("stocktake2003", "stocktake", "stocktake2003.docx"),
    "hallmarks2007": ("hallmarks2007", "braintree", "hallmarks2007.docx"),
    "hallmarks2007-issue_action": ("hallmarks2007", "issue_action", "hallmarks2007-issue_action.docx"),
    "beacon2003": ("beacon2003", None, "beacon2003.docx"),
}


def w(name: str) -> str:
    return f"{{{W}}}{name}"


#: The "item" of a form-level field (partnership, completed by, dates) in the expected values.
FORM = "form"


@dataclass
class Base:
    """A shipped form filled by script: the answers it holds, by (item, field); the rating's field is "rating"."""

    key: str
    framework: Framework
    path: Path
    values: dict[tuple[str, str], str]


def filled(key: str, folder: Path) -> Base:
    """The shipped blank form ``key`` filled: every item rated (levels in turn), every text field typed."""
    framework_id, layout, name = FORMS[key]
    fw = load_framework(framework_id)
    form = fw.form(layout)
    assert form.items_block is not None
    levels = fw.rating_scale.keys if fw.rating_scale else ()
    ratings: dict[str, str] = {}
    texts: dict[tuple[str, str], str] = {}
    values: dict[tuple[str, str], str] = {}
    for n, item in enumerate(fw.items):
        if levels:
            ratings[item.id] = values[(item.id, "rating")] = levels[n % len(levels)]
        for column in form.items_block.columns:
            if column != "rating":
                texts[(item.id, column)] = values[(item.id, column)] = f"{column} typed for {item.id}"
    fields = {}
    for ref in load_mapping(ROOT / "mappings" / f"{fw.id}-{layout or 'default'}.yaml").fields:
        if ref.tag == f"dxf:form:{ref.key}":
            fields[ref.key] = values[(FORM, ref.key)] = f"{ref.key} typed on the form"
    path = folder / f"{key}-filled.docx"
    fill(ROOT / "blank_forms" / name, path, ratings, texts, fields)
    return Base(key, fw, path, values)


# --- the XML of a return, as Word writes it

def control(body: etree._Element, item: str, fld: str) -> etree._Element:
    """The content control of one answer (the tag docxform gives it)."""
    for sdt in body.iter(w("sdt")):
        tag = sdt.find(f"{w('sdtPr')}/{w('tag')}")
        if tag is not None and tag.get(w("val"), "").endswith(f":{item}:{fld}"):
            return sdt
    raise AssertionError(f"no control for {item} {fld}")


def level_control(body: etree._Element, item: str, level: str) -> etree._Element:
    for sdt in body.iter(w("sdt")):
        tag = sdt.find(f"{w('sdtPr')}/{w('tag')}")
        if tag is not None and tag.get(w("val"), "").endswith(f":{item}:rating:{level}"):
            return sdt
    raise AssertionError(f"no control for {item} {level}")


def cell_of(element: etree._Element) -> etree._Element:
    cell = next(element.iterancestors(w("tc")))
    return cell


def run(text: str, **props: str) -> etree._Element:
    """A run holding ``text`` (tabs and line breaks as Word writes them); ``props``: rPr children by name."""
    r = etree.Element(w("r"))
    if props:
        rpr = etree.SubElement(r, w("rPr"))
        for name, value in props.items():
            el = etree.SubElement(rpr, w(name))
            if value:
                el.set(w("val"), value)
    for n, line in enumerate(text.split("\n")):
        if n:
            etree.SubElement(r, w("br"))
        for m, piece in enumerate(line.split("\t")):
            if m:
                etree.SubElement(r, w("tab"))
            if piece:
                t = etree.SubElement(r, w("t"))
                t.text = piece
                t.set(XML_SPACE, "preserve")
    return r


def paragraph(*children: etree._Element) -> etree._Element:
    p = etree.Element(w("p"))
    for child in children:
        p.append(child)
    return p


def set_content(sdt: etree._Element, *paragraphs: etree._Element) -> None:
    """Replace a block control's content with these paragraphs."""
    content = sdt.find(w("sdtContent"))
    assert content is not None
    for child in list(content):
        content.remove(child)
    for p in paragraphs:
        content.append(p)


def wrap(inner: etree._Element, tag: str, **attrs: str) -> etree._Element:
    """Put ``inner`` inside a new element ``tag`` (w:hyperlink, w:smartTag, w:customXml ...) in its place."""
    outer = etree.Element(w(tag), {w(k): v for k, v in attrs.items()})
    inner.addprevious(outer)
    outer.append(inner)
    return outer


def unwrap(sdt: etree._Element) -> None:
    """Replace a content control by its content (the control deleted, its text kept)."""
    parent = sdt.getparent()
    content = sdt.find(w("sdtContent"))
    at = parent.index(sdt)
    for offset, child in enumerate(list(content) if content is not None else []):
        parent.insert(at + offset, child)
    parent.remove(sdt)


def item_row(body: etree._Element, item: str) -> etree._Element:
    """The row whose first cell holds the item's id."""
    for tr in body.iter(w("tr")):
        first = tr.find(w("tc"))
        if first is not None and "".join(t.text or "" for t in first.iter(w("t"))).strip() == item:
            return tr
    raise AssertionError(f"no row for {item}")


def nested_table(*rows: tuple[str, ...]) -> etree._Element:
    """A small table as Word pastes one into a cell."""
    tbl = etree.Element(w("tbl"))
    etree.SubElement(tbl, w("tblPr"))
    grid = etree.SubElement(tbl, w("tblGrid"))
    for _ in rows[0]:
        etree.SubElement(grid, w("gridCol")).set(w("w"), "1000")
    for texts in rows:
        tr = etree.SubElement(tbl, w("tr"))
        for text in texts:
            etree.SubElement(tr, w("tc")).append(paragraph(run(text)))
    return tbl


# --- edits: each changes the body and says what was typed

@dataclass
class Typed:
    """What an edit typed: answers' new values (item, field) -> value, and text that belongs to no field."""

    values: dict[tuple[str, str], str] = field(default_factory=dict)
    stray: list[str] = field(default_factory=list)
    #: Footnotes the edit referred to (id -> text): written to word/footnotes.xml, with its relationship.
    footnotes: dict[int, str] = field(default_factory=dict)


Edit = Callable[[etree._Element], Typed]


@dataclass
class Trial:
    """One return of the corpus; ``exact``: every value typed must be read exactly (flagged is not enough)."""

    name: str
    base: str
    how: str
    edit: Edit
    exact: bool = True
    #: Also read with every control unwrapped. False only where that case is a known defect left open
    #: (named in the trial's comment and in the report), never to pass a test.
    stripped: bool = True


def make(base: Base, trial: Trial, folder: Path, *, strip: bool = False) -> tuple[Path, dict[tuple[str, str], str],
                                                                                  list[str]]:
    """Apply the trial's edit to the filled form: the file, every value now expected, and the stray text.

    ``strip``: then every content control is unwrapped, as a program without them leaves the form.
    """
    typed = Typed()

    def change(root: etree._Element) -> None:
        nonlocal typed
        body = root.find(w("body"))
        typed = trial.edit(body)
        if strip:
            for sdt in reversed(list(body.iter(w("sdt")))):
                unwrap(sdt)

    name = f"{trial.name}-stripped" if strip else trial.name
    path = edit_document(base.path, folder / f"{name}.docx", change)
    if typed.footnotes:
        add_footnotes(path, typed.footnotes)
    expected = dict(base.values)
    expected.update(typed.values)
    return path, expected, typed.stray


def add_footnotes(path: Path, notes: dict[int, str]) -> None:
    """Write word/footnotes.xml (and its content type and relationship) into the package at ``path``."""
    with zipfile.ZipFile(path) as zin:
        parts = {n: zin.read(n) for n in zin.namelist()}
    body = "".join(f'<w:footnote w:id="{n}"><w:p><w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p>'
                   "</w:footnote>" for n, text in notes.items())
    parts["word/footnotes.xml"] = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                                   f'<w:footnotes xmlns:w="{W}">{body}</w:footnotes>').encode()
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>", b'<Override PartName="/word/footnotes.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"/></Types>')
    parts["word/_rels/document.xml.rels"] = parts["word/_rels/document.xml.rels"].replace(
        b"</Relationships>", b'<Relationship Id="rIdTrialFootnotes" Type="http://schemas.openxmlformats.org/'
        b'officeDocument/2006/relationships/footnotes" Target="footnotes.xml"/></Relationships>')
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zout:
        for name, blob in parts.items():
            zout.writestr(name, blob)
    path.write_bytes(buffer.getvalue())


# --- verdicts

CLASSES = ("right", "flagged", "wrong", "lost")


def _unclaimed_texts(result: dict[str, Any]) -> list[str]:
    return [u["text"] for u in result.get("unclaimed", [])]


def _flagged(result: dict[str, Any], item: str, fld: str, text: str) -> bool:
    if item == FORM:
        named = any(p.get("field") == fld and p.get("severity") != "info" for p in result["problems"])
    else:  # a notice (info) counts only when it names the field too
        named = any(p.get("item") == item and (p.get("field") == fld or (p.get("field") is None
                                                                       and p.get("severity") != "info"))
                    for p in result["problems"])
    return named or (bool(text.strip()) and _in_unclaimed(result, text))


def _in_unclaimed(result: dict[str, Any], text: str) -> bool:
    """Every line of the text is in the unclaimed list (spacing aside)."""
    pieces = [" ".join(t.split()) for t in _unclaimed_texts(result)]
    lines = [" ".join(line.split()) for line in text.split("\n") if line.strip()]
    return all(any(line in piece for piece in pieces) for line in lines)


def _lines(text: str) -> list[str]:
    """A value's non-empty lines, as typed: an empty paragraph of the form's own between them is no change."""
    return [line.strip() for line in text.split("\n") if line.strip()]


def _value(result: dict[str, Any], item: str, fld: str) -> str:
    if item == FORM:
        value = result.get("fields", {})
        for part in fld.split("."):
            value = value.get(part, "") if isinstance(value, dict) else ""
        return str(value or "")
    answer = result["items"].get(item, {})
    value = answer.get(fld)
    return "" if value is None else str(value)


def verdicts(result: dict[str, Any], expected: dict[tuple[str, str], str],
             stray: list[str]) -> dict[str, list[str]]:
    """Every expected value and stray text put in one class: class -> descriptions ("1.1 comments: ...")."""
    out: dict[str, list[str]] = {c: [] for c in CLASSES}
    for (item, fld), want in expected.items():
        got = _value(result, item, fld)
        if _lines(got) == _lines(want):
            out["right"].append(f"{item} {fld}")
        elif _flagged(result, item, fld, want):
            out["flagged"].append(f"{item} {fld}")
        else:
            out["wrong" if got else "lost"].append(f"{item} {fld}: typed {want[:60]!r}, read {got[:60]!r}")
    values = [str(v) for a in result["items"].values() for v in a.values() if isinstance(v, str)]
    values += [str(v) for v in _field_values(result.get("fields", {}))]
    for text in stray:
        if any(text in v for v in values):
            out["right"].append(f"stray {text[:40]!r}")
        elif _in_unclaimed(result, text):
            out["flagged"].append(f"stray {text[:40]!r}")
        else:
            out["lost"].append(f"stray {text[:60]!r}")
    return out


def _field_values(fields: Any) -> list[str]:
    if isinstance(fields, str):
        return [fields]
    if isinstance(fields, dict):
        return [v for value in fields.values() for v in _field_values(value)]
    if isinstance(fields, list):
        return [v for value in fields for v in _field_values(value)]
    return []


def counts(found: dict[str, list[str]]) -> dict[str, int]:
    return {c: len(found[c]) for c in CLASSES}




# --- the edits of the corpus (lxml; the LibreOffice ones are in tests/unit/parse/test_parse_trial_uno.py)

def _type_in(item: str, fld: str, *paragraphs: etree._Element) -> Callable[[etree._Element], None]:
    def change(body: etree._Element) -> None:
        sdt = control(body, item, fld)
        pr = sdt.find(w("sdtPr"))
        shown = pr.find(w("showingPlcHdr"))
        if shown is not None:
            pr.remove(shown)
        set_content(sdt, *paragraphs)
    return change


def tracked(item: str, fld: str) -> Edit:
    """Tracked changes: words deleted (w:del) and inserted (w:ins), a paragraph inserted whole."""
    def edit(body: etree._Element) -> Typed:
        deleted = etree.Element(w("del"), {w("id"): "901", w("author"): "A"})
        gone = etree.SubElement(etree.SubElement(deleted, w("r")), w("delText"))
        gone.text, gone.attrib[XML_SPACE] = "with nobody at all", "preserve"
        inserted = etree.Element(w("ins"), {w("id"): "902", w("author"): "A"})
        inserted.append(run("with the YOT"))
        second = paragraph(run("Reviewed in March."))
        extra = etree.Element(w("ins"), {w("id"): "903", w("author"): "A"})
        extra.append(run("Added later."))
        second.append(extra)
        _type_in(item, fld, paragraph(run("Good links "), deleted, inserted, run(".")), second)(body)
        return Typed({(item, fld): "Good links with the YOT.\nReviewed in March.Added later."})
    return edit


def tracked_row_deleted(item: str, fld: str) -> Edit:
    """A whole paragraph typed then deleted with tracking on: its text is no answer."""
    def edit(body: etree._Element) -> Typed:
        p = paragraph()
        deleted = etree.SubElement(p, w("del"), {w("id"): "904", w("author"): "A"})
        t = etree.SubElement(etree.SubElement(deleted, w("r")), w("delText"))
        t.text = "Withdrawn remark"
        _type_in(item, fld, paragraph(run("Kept remark")), p)(body)
        return Typed({(item, fld): "Kept remark"})
    return edit


def show_placeholder(sdt: etree._Element, text: str) -> None:
    """The control back to showing its grey prompt, as in the blank form."""
    pr = sdt.find(w("sdtPr"))
    if pr.find(w("showingPlcHdr")) is None:
        etree.SubElement(pr, w("showingPlcHdr"))
    set_content(sdt, paragraph(run(text, rStyle="PlaceholderText")))


def placeholder_and_typed(item: str, fld: str, prompt: str) -> Edit:
    """The control left showing its placeholder, the answer typed in the cell below it."""
    def edit(body: etree._Element) -> Typed:
        sdt = control(body, item, fld)
        show_placeholder(sdt, prompt)
        cell_of(sdt).append(paragraph(run("Typed below the grey prompt")))
        return Typed({(item, fld): "Typed below the grey prompt"})
    return edit


def placeholder_inline(item: str, fld: str, prompt: str) -> Edit:
    """Typed text in the placeholder's own paragraph, outside the control (the cursor landed after it)."""
    def edit(body: etree._Element) -> Typed:
        sdt = control(body, item, fld)
        show_placeholder(sdt, prompt)
        first = sdt.find(f"{w('sdtContent')}/{w('p')}")
        assert first is not None
        inline = etree.Element(w("sdt"))
        inline.append(copy.deepcopy(sdt.find(w("sdtPr"))))
        content = etree.SubElement(inline, w("sdtContent"))
        for r in first.findall(w("r")):
            content.append(r)
        p = paragraph(inline, run(" typed right after it"))
        sdt.addprevious(p)
        sdt.getparent().remove(sdt)
        return Typed({(item, fld): "typed right after it"})
    return edit


def fields_in(item: str, fld: str) -> Edit:
    """A DATE field (w:fldSimple) and a HYPERLINK field (w:instrText): their results are read, not their codes."""
    def edit(body: etree._Element) -> Typed:
        simple = etree.Element(w("fldSimple"), {w("instr"): " DATE \\@ \"d MMMM yyyy\" "})
        simple.append(run("6 December 2026"))
        begin, sep, end = (etree.Element(w("r")) for _ in range(3))
        etree.SubElement(begin, w("fldChar")).set(w("fldCharType"), "begin")
        etree.SubElement(sep, w("fldChar")).set(w("fldCharType"), "separate")
        etree.SubElement(end, w("fldChar")).set(w("fldCharType"), "end")
        code = etree.Element(w("r"))
        instr = etree.SubElement(code, w("instrText"))
        instr.text, instr.attrib[XML_SPACE] = ' HYPERLINK "http://example.org/minutes" ', "preserve"
        _type_in(item, fld, paragraph(run("Report of "), simple),
                 paragraph(run("See "), begin, code, sep, run("the minutes"), end, run(" online")))(body)
        return Typed({(item, fld): "Report of 6 December 2026\nSee the minutes online"})
    return edit


def wrappers(item: str, fld: str) -> Edit:
    """A hyperlink, a smart tag, custom XML around runs and around a paragraph, a w:dir run."""
    def edit(body: etree._Element) -> Typed:
        first = paragraph(run("Read "), run("our strategy"), run(" and "), run("Salford"), run(" plan"))
        rs = first.findall(w("r"))
        link = wrap(rs[1], "hyperlink")
        link.set("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id", "rIdNone")
        wrap(rs[3], "smartTag", element="City")
        wrap(rs[4], "customXml", element="plan")
        second = paragraph(run("Second line"))
        direction = etree.SubElement(second, w("dir"), {w("val"): "ltr"})
        direction.append(run(" in order"))
        _type_in(item, fld, first, second)(body)
        wrap(control(body, item, fld).find(f"{w('sdtContent')}/{w('p')}[2]"), "customXml", element="para")
        return Typed({(item, fld): "Read our strategy and Salford plan\nSecond line in order"})
    return edit


def symbols(item: str, fld: str) -> Edit:
    """w:sym signs from the Symbol font (≥, α), a Wingdings smiley, soft hyphens and no-break spaces."""
    def edit(body: etree._Element) -> Typed:
        sign = etree.Element(w("r"))
        etree.SubElement(sign, w("sym"), {w("font"): "Symbol", w("char"): "F0B3"})
        soft = etree.Element(w("r"))
        etree.SubElement(soft, w("t")).text = "co"
        etree.SubElement(soft, w("softHyphen"))
        etree.SubElement(soft, w("t")).text = "operation"
        _type_in(item, fld, paragraph(run("Rated "), sign, run(" 3 by the "), soft, run(" board")),
                 paragraph(run("Section\u00a04.2, inter\u00adagency")))(body)
        return Typed({(item, fld): "Rated \u2265 3 by the cooperation board\nSection\u00a04.2, inter\u00adagency"})
    return edit


def smiley(item: str, fld: str) -> Edit:
    """A Wingdings smiley (w:sym) typed after the words: a sign the text cannot hold, so it must be reported."""
    def edit(body: etree._Element) -> Typed:
        face = etree.Element(w("r"))
        etree.SubElement(face, w("sym"), {w("font"): "Wingdings", w("char"): "F04A"})
        _type_in(item, fld, paragraph(run("Going well "), face))(body)
        return Typed({(item, fld): "Going well \uf04a"})
    return edit


def scripts(item: str, fld: str) -> Edit:
    """Right-to-left text (Arabic, Hebrew, a w:bdo run), emoji, combining accents."""
    def edit(body: etree._Element) -> Typed:
        bdo = etree.Element(w("bdo"), {w("val"): "rtl"})
        bdo.append(run("שלום"))
        arabic = run("تقييم جيد", rtl="")
        _type_in(item, fld, paragraph(arabic, run(" - "), bdo),
                 paragraph(run("👍🏽 progress 🚓 café e\u0301")))(body)
        return Typed({(item, fld): "تقييم جيد - שלום\n👍🏽 progress 🚓 café e\u0301"})
    return edit


def long_answer(item: str, fld: str) -> Edit:
    """A 20,000-character answer in 40 paragraphs."""
    def edit(body: etree._Element) -> Typed:
        lines = [(f"Paragraph {n}: " + "evidence of joint work " * 22)[:499] for n in range(40)]
        _type_in(item, fld, *(paragraph(run(line)) for line in lines))(body)
        return Typed({(item, fld): "\n".join(line.strip() for line in lines)})
    return edit


def bullets_and_breaks(item: str, fld: str) -> Edit:
    """A bulleted list (numbering properties), line breaks inside a paragraph, a tab."""
    def edit(body: etree._Element) -> Typed:
        items = []
        for text in ("First point", "Second point"):
            p = paragraph(run(text))
            ppr = etree.Element(w("pPr"))
            num = etree.SubElement(ppr, w("numPr"))
            etree.SubElement(num, w("ilvl")).set(w("val"), "0")
            etree.SubElement(num, w("numId")).set(w("val"), "1")
            p.insert(0, ppr)
            items.append(p)
        _type_in(item, fld, paragraph(run("Summary:\nline two\tand a tab")), *items)(body)
        return Typed({(item, fld): "Summary:\nline two\tand a tab\nFirst point\nSecond point"})
    return edit


def pasted_table(item: str, fld: str) -> Edit:
    """The answer pasted as a small table inside the answer cell (the control removed)."""
    def edit(body: etree._Element) -> Typed:
        sdt = control(body, item, fld)
        cell = cell_of(sdt)
        sdt.addprevious(paragraph(run("As follows:")))
        sdt.addprevious(nested_table(("Partner", "Action"), ("Police", "Patrols")))
        sdt.getparent().remove(sdt)
        del cell
        return Typed({(item, fld): "As follows:\nPartner\nAction\nPolice\nPatrols"})
    return edit


def pasted_rows(item: str, fld: str, rows: list[tuple[str, ...]]) -> Edit:
    """A table pasted into the answer below its text (its words may read like the form's prompts)."""
    def edit(body: etree._Element) -> Typed:
        sdt = control(body, item, fld)
        old = "".join(t.text or "" for t in sdt.iter(w("t")))
        sdt.addnext(nested_table(*rows))
        words = "\n".join(text for row in rows for text in row)
        return Typed({(item, fld): f"{old}\n{words}"})
    return edit


def heading_first(item: str, fld: str, heading: str) -> Edit:
    """The answer typed under a heading of its own that reads like one of the form's prompts ("Name")."""
    def edit(body: etree._Element) -> Typed:
        _type_in(item, fld, paragraph(run(heading)), paragraph(run("J Bloggs, Police")))(body)
        return Typed({(item, fld): f"{heading}\nJ Bloggs, Police"})
    return edit


def footnote(item: str, fld: str, note: str) -> Edit:
    """A footnote added at the end of the answer (Insert > Footnote), its text typed at the foot of the page."""
    def edit(body: etree._Element) -> Typed:
        p = control(body, item, fld).find(f"{w('sdtContent')}/{w('p')}")
        mark = etree.SubElement(p, w("r"))
        etree.SubElement(mark, w("footnoteReference")).set(w("id"), "1")
        return Typed(stray=[note], footnotes={1: note})
    return edit


def control_deleted(item: str, fld: str) -> Edit:
    """The content control removed (its text kept), more text typed after it."""
    def edit(body: etree._Element) -> Typed:
        sdt = control(body, item, fld)
        old = "".join(t.text or "" for t in sdt.iter(w("t")))
        cell = cell_of(sdt)
        unwrap(sdt)
        cell.append(paragraph(run("and one more thing")))
        return Typed({(item, fld): f"{old}\nand one more thing"})
    return edit


def rating_as_text(item: str, levels: tuple[str, ...], typed: str, where: int) -> Edit:
    """Every checkbox of the item's rating removed, ``typed`` written in one level's cell instead."""
    def edit(body: etree._Element) -> Typed:
        cells = []
        for level in levels:
            sdt = level_control(body, item, level)
            cell = cell_of(sdt)
            p = sdt.getparent()
            p.remove(sdt)
            cells.append(cell)
        cells[where].append(paragraph(run(typed)))
        return Typed({(item, "rating"): levels[where]})
    return edit


def text_in_standard(item: str) -> Edit:
    """A remark typed in the standard's own cell, under its printed text."""
    def edit(body: etree._Element) -> Typed:
        cells = item_row(body, item).findall(w("tc"))
        cells[1].append(paragraph(run("Note: we share this with the DAT")))
        return Typed(stray=["Note: we share this with the DAT"])
    return edit


def text_in_id_cell(item: str) -> Edit:
    """A remark typed after the item's id in its first cell ("1.1 see annex")."""
    def edit(body: etree._Element) -> Typed:
        first = item_row(body, item).find(w("tc"))
        first.append(paragraph(run("see annex")))
        return Typed(stray=["see annex"])
    return edit


def between_tables() -> Edit:
    """A new paragraph typed between the first two tables, and one at the very end."""
    def edit(body: etree._Element) -> Typed:
        tables = body.findall(w("tbl"))
        tables[0].addnext(paragraph(run("Prepared with help from the DAT co-ordinator")))
        body.find(w("sectPr")).addprevious(paragraph(run("Signed off by the board on Friday")))
        return Typed(stray=["Prepared with help from the DAT co-ordinator", "Signed off by the board on Friday"])
    return edit


def legacy_text_field(item: str, fld: str) -> Edit:
    """An old Word text form field (FORMTEXT) pasted in, the answer typed into it."""
    def edit(body: etree._Element) -> Typed:
        begin, sep, end = (etree.Element(w("r")) for _ in range(3))
        char = etree.SubElement(begin, w("fldChar"))
        char.set(w("fldCharType"), "begin")
        ff = etree.SubElement(char, w("ffData"))
        etree.SubElement(ff, w("name")).set(w("val"), "Text1")
        etree.SubElement(ff, w("textInput"))
        code = etree.Element(w("r"))
        etree.SubElement(code, w("instrText")).text = " FORMTEXT "
        etree.SubElement(sep, w("fldChar")).set(w("fldCharType"), "separate")
        etree.SubElement(end, w("fldChar")).set(w("fldCharType"), "end")
        _type_in(item, fld, paragraph(begin, code, sep, run("typed in the old field"), end))(body)
        return Typed({(item, fld): "typed in the old field"})
    return edit


def moved(item: str, fld: str) -> Edit:
    """Words moved with tracking on (w:moveFrom / w:moveTo): read once, where they now are."""
    def edit(body: etree._Element) -> Typed:
        source = etree.Element(w("moveFrom"), {w("id"): "905", w("author"): "A"})
        gone = etree.SubElement(etree.SubElement(source, w("r")), w("t"))
        gone.text = "moved words "
        target = etree.Element(w("moveTo"), {w("id"): "906", w("author"): "A"})
        target.append(run(" moved words"))
        _type_in(item, fld, paragraph(source, run("Stays here")), paragraph(run("Ends"), target))(body)
        return Typed({(item, fld): "Stays here\nEnds moved words"})
    return edit


def text_box(item: str, fld: str) -> Edit:
    """A text box (DrawingML with its VML fallback) in the answer cell, the answer typed in it."""
    def edit(body: etree._Element) -> Typed:
        mc = "http://schemas.openxmlformats.org/markup-compatibility/2006"
        alt = etree.Element(f"{{{mc}}}AlternateContent")
        for branch in ("Choice", "Fallback"):
            b = etree.SubElement(alt, f"{{{mc}}}{branch}")
            box = etree.SubElement(etree.SubElement(b, w("pict")), w("txbxContent"))
            box.append(paragraph(run("in a text box")))
        r = etree.Element(w("r"))
        r.append(alt)
        _type_in(item, fld, paragraph(run("Answer"), r))(body)
        return Typed({(item, fld): "Answer\nin a text box"})
    return edit


LEVELS = ("gap_identified", "working_towards", "some_success", "doing_well")

# --- returns edited inside LibreOffice (tests/support/respondent.py), then saved as .docx, .doc and .odt

LABELS = {"gap_identified": "Gap identified", "working_towards": "Working towards", "some_success": "Some success",
          "doing_well": "Doing well"}
SA_FIELDS = {"comments": "Comments", "evidence": "Supporting Evidence", "goals": "Improvement Goals"}
HB_FIELDS = {"position": "Partnership Position (And Date)", "further_action": "Further Action?", "owner": "Owner"}


@dataclass
class UnoTrial:
    """A return edited in LibreOffice: the actions (fill, then edit) and what the parse must hold."""

    name: str
    base: str
    how: str
    actions: list[dict[str, Any]]
    values: dict[tuple[str, str], str]
    stray: list[str]


def _sa_fill(items: tuple[str, ...]) -> tuple[list[dict[str, Any]], dict[tuple[str, str], str]]:
    """Theme 1 of sa2003 (table 2, rows 2-6) ticked and typed by control, as a person fills it."""
    actions: list[dict[str, Any]] = []
    values: dict[tuple[str, str], str] = {}
    for n, item in enumerate(items):
        level = LEVELS[n % 4]
        values[(item, "rating")] = level
        actions.append({"op": "tick", "alias": f"{item} {LABELS[level]}"})
        for key, label in SA_FIELDS.items():
            values[(item, key)] = text = f"{key} for {item}: 50% done"
            actions.append({"op": "type", "alias": f"{item} {label}", "text": text})
    return actions, values


def _hb_fill(items: tuple[str, ...]) -> tuple[list[dict[str, Any]], dict[tuple[str, str], str]]:
    return _texts_fill(items, HB_FIELDS)


def _texts_fill(items: tuple[str, ...], fields: dict[str, str]) -> tuple[list[dict[str, Any]], dict[tuple[str, str], str]]:
    """Each item's text fields typed by control alias ("1 Owner")."""
    actions: list[dict[str, Any]] = []
    values: dict[tuple[str, str], str] = {}
    for item in items:
        for key, label in fields.items():
            values[(item, key)] = text = f"{key} for {item}"
            actions.append({"op": "type", "alias": f"{item} {label}", "text": text})
    return actions, values


def _rated_fill(items: tuple[str, ...], fields: dict[str, str]) -> tuple[list[dict[str, Any]], dict[tuple[str, str], str]]:
    """Each item ticked (levels in turn) and its text fields typed, by control alias."""
    actions, values = _texts_fill(items, fields)
    for n, item in enumerate(items):
        level = LEVELS[n % 4]
        values[(item, "rating")] = level
        actions.append({"op": "tick", "alias": f"{item} {LABELS[level]}"})
    return actions, values


def _cell(table: int, row: int, cell: int) -> dict[str, int]:
    return {"table": table, "row": row, "cell": cell}


def uno_trials() -> list[UnoTrial]:
    """The LibreOffice corpus: sa2003 theme 1 (table 2: items in rows 2-6; cells: id, text, four levels,
    comments 7, evidence 8, goals 9) and hallmarks2007 (table 2: item 1 in row 3; position 3, action 4, owner 5)."""
    sa_items = ("1.1", "1.2", "1.3", "1.4", "1.5")
    fill_sa, sa = _sa_fill(sa_items)
    fill_hb, hb = _hb_fill(("1", "2"))
    fill_st, st = _rated_fill(("1.1", "1.2", "1.3"), {"justification": "Justification"})
    fill_be, be = _rated_fill(("1.1", "1.2"), SA_FIELDS)
    fill_hi, hi = _texts_fill(("1", "2"), {"action": "Action", "developments": "Developments"})
    out = [
        UnoTrial("lo-sa-rating-level3", "sa2003", "the 1.2 boxes replaced by 'Level 3' typed in Some success",
                 fill_sa + [{"op": "type_cell", **_cell(2, 3, c), "text": ""} for c in (3, 4, 6)]
                 + [{"op": "type_cell", **_cell(2, 3, 5), "text": "Level 3"}],
                 {**sa, ("1.2", "rating"): "some_success"}, []),
        UnoTrial("lo-sa-rating-x", "sa2003", "the 1.3 boxes replaced by an 'x' typed in Working towards",
                 fill_sa + [{"op": "type_cell", **_cell(2, 4, c), "text": ""} for c in (3, 5, 6)]
                 + [{"op": "type_cell", **_cell(2, 4, 4), "text": "x"}],
                 {**sa, ("1.3", "rating"): "working_towards"}, []),
        UnoTrial("lo-sa-rating-dash", "sa2003", "'3 - established' typed beside the 1.4 tick in Doing well",
                 [*fill_sa, {"op": "type_cell", **_cell(2, 5, 6), "text": "3 - established", "append": True}],
                 sa, ["3 - established"]),
        UnoTrial("lo-sa-wrong-column", "sa2003", "a comment typed in the 1.1 Gap identified cell, beside its box",
                 [*fill_sa, {"op": "type_cell", **_cell(2, 2, 3), "text": "see the comments column",
                             "append": True}],
                 sa, ["see the comments column"]),
        UnoTrial("lo-sa-row-added", "sa2003", "a row added under 1.3, a remark in its comments cell",
                 [*fill_sa, {"op": "insert_row", "table": 2, "after": 4,
                             "texts": ["", "", "", "", "", "", "Also the youth panel"]}],
                 sa, ["Also the youth panel"]),
        UnoTrial("lo-sa-control-deleted", "sa2003", "the 1.4 comments control removed, a line typed after it",
                 [*fill_sa, {"op": "delete_control", "alias": "1.4 Comments"},
                  {"op": "type_cell", **_cell(2, 5, 7), "text": "and the board agreed", "append": True}],
                 {**sa, ("1.4", "comments"): "comments for 1.4: 50% done\nand the board agreed"}, []),
        UnoTrial("lo-sa-nested-table", "sa2003", "a table pasted into the 1.5 evidence cell",
                 [*fill_sa, {"op": "nested_table", **_cell(2, 6, 8),
                             "rows": [["Partner", "Report"], ["Police", "Q3 review"]]}],
                 {**sa, ("1.5", "evidence"): "evidence for 1.5: 50% done\nPartner\nReport\nPolice\nQ3 review"}, []),
        UnoTrial("lo-sa-bullets", "sa2003", "a bulleted list typed into the 1.1 goals cell",
                 [*fill_sa, {"op": "bullets", **_cell(2, 2, 9), "items": ["First goal", "Second goal"]}],
                 {**sa, ("1.1", "goals"): "goals for 1.1: 50% done\nFirst goal\nSecond goal"}, []),
        UnoTrial("lo-sa-line-breaks", "sa2003", "line breaks (Shift+Enter) typed into the 1.2 comments cell",
                 [*fill_sa, {"op": "line_breaks", **_cell(2, 3, 7), "text": " - line one\nline two"}],
                 {**sa, ("1.2", "comments"): "comments for 1.2: 50% done\n - line one\nline two"}, []),
        UnoTrial("lo-sa-merged", "sa2003", "1.3's comments and evidence cells merged, more typed in the merged cell",
                 [*fill_sa, {"op": "merge_cells", "table": 2, "row": 4, "from": 7, "to": 8},
                  {"op": "type_cell", **_cell(2, 4, 7), "text": "typed in the merged cell", "append": True}],
                 sa, ["typed in the merged cell"]),
        UnoTrial("lo-sa-between-tables", "sa2003", "a paragraph typed between tables 2 and 3, one at the end",
                 [*fill_sa, {"op": "paragraph_after_table", "table": 2, "text": "Theme 1 was discussed twice"},
                  {"op": "paragraph_at_end", "text": "Returned late, sorry"}],
                 sa, ["Theme 1 was discussed twice", "Returned late, sorry"]),
        UnoTrial("lo-sa-split", "sa2003", "the 1.5 goals cell split side by side, text in the right half",
                 [*fill_sa, {"op": "split_cell", **_cell(2, 6, 9), "text": "and a second goal"}],
                 sa, ["and a second goal"]),
        UnoTrial("lo-sa-standard-text", "sa2003", "a remark typed under 1.1's printed standard",
                 [*fill_sa, {"op": "type_cell", **_cell(2, 2, 2), "text": "We share this with the DAT",
                             "append": True}],
                 sa, ["We share this with the DAT"]),
        UnoTrial("lo-st-tick-typed", "stocktake2003", "stocktake: 1.2's boxes cleared, a tick mark typed in Doing "
                 "well; a table pasted into 1.3's justification; the partnership typed",
                 [*fill_st, {"op": "type", "alias": "NAME OF PARTNERSHIP", "text": "Salford CDRP"},
                  *({"op": "type_cell", **_cell(2, 4, c), "text": ""} for c in (3, 4, 5)),
                  {"op": "type_cell", **_cell(2, 4, 6), "text": "\u2713"},
                  {"op": "nested_table", **_cell(2, 5, 7), "rows": [["Lead", "Date"], ["DAT", "May"]]}],
                 {**st, (FORM, "partnership"): "Salford CDRP", ("1.2", "rating"): "doing_well",
                  ("1.3", "justification"): "justification for 1.3\nLead\nDate\nDAT\nMay"}, []),
        UnoTrial("lo-be-yes-no", "beacon2003", "beacon: 1.1's boxes replaced by No / No / Yes / No typed in the "
                 "level cells; a paragraph typed after table 2",
                 [*fill_be, *({"op": "type_cell", **_cell(2, 2, c), "text": word}
                              for c, word in zip((3, 4, 5, 6), ("No", "No", "Yes", "No"), strict=True)),
                  {"op": "paragraph_after_table", "table": 2, "text": "Theme 1 agreed by the board"}],
                 {**be, ("1.1", "rating"): "some_success"}, ["Theme 1 agreed by the board"]),
        UnoTrial("lo-hi-edited", "hallmarks2007-issue_action", "issue/action: item 1's action control removed and "
                 "a line typed after it; line breaks typed in item 2's developments",
                 [*fill_hi, {"op": "delete_control", "alias": "1 Action"},
                  {"op": "type_cell", **_cell(2, 3, 3), "text": "and a review in May", "append": True},
                  {"op": "line_breaks", **_cell(3, 3, 4), "text": "first\nsecond"}],
                 {**hi, ("1", "action"): "action for 1\nand a review in May",
                  ("2", "developments"): "developments for 2\nfirst\nsecond"}, []),
        UnoTrial("lo-hb-typed-cells", "hallmarks2007", "hallmarks: item 1 answered, a bulleted owner, a row added",
                 [*fill_hb, {"op": "bullets", **_cell(2, 3, 5), "items": ["Police", "Council"]},
                  {"op": "insert_row", "table": 2, "after": 3, "texts": ["", "", "More on item 1"]}],
                 {**hb, ("1", "owner"): "owner for 1\nPolice\nCouncil"}, ["More on item 1"]),
    ]
    return out


def header_note(table: int, cell: int, note: str) -> Edit:
    """A note typed under a column's header (the n-th body table's first row), as "(see annex B)"."""
    def edit(body: etree._Element) -> Typed:
        header = body.findall(w("tbl"))[table].find(w("tr"))
        header.findall(w("tc"))[cell].append(paragraph(run(note)))
        return Typed(stray=[note])
    return edit


def title_note(table: int, note: str) -> Edit:
    """Words typed after a theme's title in its merged title row (the table's second row)."""
    def edit(body: etree._Element) -> Typed:
        title = body.findall(w("tbl"))[table].findall(w("tr"))[1]
        title.find(w("tc")).append(paragraph(run(note)))
        return Typed(stray=[note])
    return edit


def overtyped_box(item: str, level: str) -> Edit:
    """The glyph inside an unticked checkbox control typed over with an "X" (its state left unticked)."""
    def edit(body: etree._Element) -> Typed:
        for other in LEVELS:
            box = level_control(body, item, other)
            box.find(f"{w('sdtPr')}/{{{W14}}}checkbox/{{{W14}}}checked").set(f"{{{W14}}}val", "0")
            for t in box.iter(w("t")):
                t.text = "X" if other == level else "\u2610"
        return Typed({(item, "rating"): level})
    return edit


def cell_text_beside_box(item: str, level: str, note: str) -> Edit:
    """Words typed in a rating cell beside its (ticked) box."""
    def edit(body: etree._Element) -> Typed:
        box = level_control(body, item, level)
        cell_of(box).append(paragraph(run(note)))
        return Typed(stray=[note])
    return edit



def trials() -> list[Trial]:
    """The corpus: every edit on the shipped form it fits, each one return."""
    sa, st, hb, hi, be = "sa2003", "stocktake2003", "hallmarks2007", "hallmarks2007-issue_action", "beacon2003"
    return [
        Trial("sa-tracked", sa, "tracked changes: words deleted and inserted, an inserted run", tracked("1.1", "comments")),
        Trial("sa-tracked-deleted-paragraph", sa, "a paragraph typed then deleted with tracking on",
              tracked_row_deleted("1.2", "evidence")),
        Trial("sa-placeholder-below", sa, "placeholder left showing, answer typed below it in the cell",
              placeholder_and_typed("1.3", "goals", "Improvement goals")),
        # Without controls the prompt "Comments" stays in front of the answer (which words were typed is not
        # for the parser to guess): read as it stands, with a prompt-in-answer notice naming item and field.
        Trial("sa-placeholder-inline", sa, "placeholder left showing, answer typed after it on its line",
              placeholder_inline("1.4", "comments", "Comments"), exact=False),
        Trial("sa-fields", sa, "a DATE field (fldSimple) and a HYPERLINK field (instrText) in the answer",
              fields_in("1.5", "evidence")),
        Trial("sa-wrappers", sa, "hyperlink, smart tag, customXml around runs and a paragraph, w:dir",
              wrappers("2.1", "comments")),
        Trial("sa-symbols", sa, "w:sym (Symbol ≥), w:softHyphen, soft hyphen and no-break space characters",
              symbols("2.2", "goals")),
        Trial("sa-smiley", sa, "a Wingdings smiley (w:sym) after the words", smiley("2.3", "comments"),
              exact=False),
        Trial("sa-scripts", sa, "Arabic (w:rtl), Hebrew in w:bdo, emoji, combining accent", scripts("2.4", "evidence")),
        Trial("sa-long", sa, "a 20,000-character answer in 40 paragraphs", long_answer("3.1", "comments")),
        Trial("sa-bullets", sa, "line breaks, a tab and a bulleted list", bullets_and_breaks("3.2", "goals")),
        Trial("sa-pasted-table", sa, "the answer pasted as a table inside the cell", pasted_table("3.3", "evidence")),
        Trial("sa-control-deleted", sa, "the control removed, a line typed after its text",
              control_deleted("3.4", "comments")),
        Trial("sa-rating-x", sa, "checkboxes deleted, 'x' typed in the Some success cell",
              rating_as_text("4.1", LEVELS, "x", 2)),
        Trial("sa-rating-words", sa, "checkboxes deleted, 'Level 3' typed in a level's cell",
              rating_as_text("4.2", LEVELS, "Level 3", 2), exact=False),
        Trial("sa-rating-dash", sa, "checkboxes deleted, '3 - established' typed in a level's cell",
              rating_as_text("5.1", LEVELS, "3 - established", 3), exact=False),
        Trial("sa-standard-cell", sa, "a remark typed in the standard's own cell", text_in_standard("5.2"), exact=False),
        Trial("sa-id-cell", sa, "a remark typed in the id cell", text_in_id_cell("5.3"), exact=False),
        Trial("sa-between-tables", sa, "paragraphs typed between the tables and at the end", between_tables(), exact=False),
        Trial("sa-merged-row", sa, "a row added under 2.1, its id and standard cells merged down, comments typed",
              merged_row_below("2.1", "comments", "second half of the comment")),
        Trial("sa-legacy-field", sa, "an old FORMTEXT field with the answer in it", legacy_text_field("5.4", "goals")),
        Trial("sa-moved", sa, "words moved with tracking on", moved("5.5", "comments")),
        Trial("sa-tick-moved", sa, "an X typed in one level, then deleted and typed in another with tracking on",
              tick_moved_tracked("3.1", "gap_identified", "doing_well")),
        Trial("sa-footnote", sa, "a footnote added to an answer, its text at the foot of the page",
              footnote("4.1", "evidence", "Source: the 2003 crime audit"), exact=False),
        Trial("sa-text-box", sa, "the answer typed in a text box in the cell", text_box("5.5", "evidence")),
        Trial("sa-header-note", sa, "a note typed under the COMMENTS header", header_note(1, 5, "(see annex B)"),
              exact=False),
        Trial("sa-id-dot", sa, "the id retyped with a full stop (1.2.)", id_retyped("1.2", "1.2.")),
        Trial("sa-id-standard", sa, "the id retyped as 'Standard 1.3'", id_retyped("1.3", "Standard 1.3"), exact=False),
        Trial("sa-rows-swapped", sa, "two item rows dragged into each other's place", rows_swapped("2.1", "2.2")),
        Trial("st-tracked", st, "tracked changes in a justification", tracked("1.2", "justification")),
        Trial("st-fields", st, "fields in a justification", fields_in("2.1", "justification")),
        Trial("st-pasted-table", st, "a table pasted into a justification", pasted_table("3.1", "justification")),
        Trial("st-title-note", st, "words typed after a theme's title", title_note(1, "and partnership working"),
              exact=False),
        Trial("st-header-note", st, "a note typed under the JUSTIFICATION header",
              header_note(1, 5, "please see annex"), exact=False),
        Trial("st-pasted-prompts", st, "a table pasted into a justification, headed Name / Organisation / Date",
              pasted_rows("2.2", "justification", [("Name", "Organisation", "Date"), ("J Bloggs", "Police", "May")])),
        Trial("st-heading-name", st, "a justification typed under the heading 'Name' (a prompt of the form)",
              heading_first("2.3", "justification", "Name"), exact=False),
        Trial("st-rating-x", st, "checkboxes deleted, 'X' typed in a level's cell",
              rating_as_text("4.1", LEVELS, "X", 1)),
        Trial("st-merged-row", st, "a row added under 2.1, its id cell merged down, more justification typed",
              merged_row_below("2.1", "justification", "more justification")),
        Trial("hb-merged-row", hb, "a row added under 3, its id cell merged down, another owner typed",
              merged_row_below("3", "owner", "and the council")),
        Trial("hb-rows-swapped", hb, "two item rows dragged into each other's place", rows_swapped("3", "4")),
        Trial("hb-heading-date", hb, "a position typed under the heading 'Date' (a prompt of the form)",
              heading_first("4", "position", "Date"), exact=False),
        Trial("hb-wrappers", hb, "hyperlink, smart tag, customXml in a position", wrappers("3", "position")),
        Trial("hb-scripts", hb, "right-to-left text and emoji in further action", scripts("5", "further_action")),
        Trial("hb-placeholder-below", hb, "owner typed below the placeholder", placeholder_and_typed("7", "owner", "Owner")),
        Trial("hb-between-tables", hb, "paragraphs typed between tables and at the end", between_tables(), exact=False),
        Trial("hi-bullets", hi, "bulleted developments", bullets_and_breaks("2", "developments")),
        Trial("hi-control-deleted", hi, "action control removed, a line typed after it", control_deleted("4", "action")),
        Trial("hi-symbols", hi, "symbols, soft hyphens in an action", symbols("6", "action")),
        Trial("be-header-note", be, "a note typed under a header", header_note(2, 6, "please see annex"),
              exact=False),
        Trial("be-field-smiley", be, "a Wingdings smiley typed in the organisation field", smiley(FORM, "organisation"),
              exact=False),
        Trial("be-tracked", be, "tracked changes in comments", tracked("1.1", "comments")),
        Trial("be-long", be, "a 20,000-character evidence", long_answer("2.1", "evidence")),
        Trial("be-rating-words", be, "checkboxes deleted, 'Level 3' typed",
              rating_as_text("3.1", LEVELS, "Level 3", 2), exact=False),
        Trial("be-standard-cell", be, "a remark typed in the standard's own cell", text_in_standard("4.1"), exact=False),
    ]


def merged_row_below(item: str, fld: str, text: str) -> Edit:
    """A row added under the item with its id and standard cells merged down into it (vMerge), text in one answer.

    What Word makes of "Insert Row Below" then "Merge Cells" on the id column: the new row belongs to the item.
    """
    def edit(body: etree._Element) -> Typed:
        row = item_row(body, item)
        extra = copy.deepcopy(row)
        for sdt in list(extra.iter(w("sdt"))):
            sdt.getparent().remove(sdt)
        cells = extra.findall(w("tc"))
        for n, tc in enumerate(cells):
            for child in list(tc):
                if child.tag != w("tcPr"):
                    tc.remove(child)
            tc.append(paragraph())
            if n < 2:
                for original, new in ((row.findall(w("tc"))[n], "restart"), (tc, "continue")):
                    pr = original.find(w("tcPr"))
                    if pr is None:
                        pr = etree.Element(w("tcPr"))
                        original.insert(0, pr)
                    if pr.find(w("vMerge")) is None:
                        merge = etree.SubElement(pr, w("vMerge"))
                        if new == "restart":
                            merge.set(w("val"), "restart")
        target = control(body, item, fld)
        before = "".join(t.text or "" for t in target.iter(w("t")))
        col = row.findall(w("tc")).index(cell_of(target))
        cells[col].append(paragraph(run(text)))
        row.addnext(extra)
        return Typed({(item, fld): f"{before}\n{text}"})
    return edit


def id_retyped(item: str, typed: str) -> Edit:
    """The item's id cell retyped ("1.1." / "Standard 1.1" / "1.1 see annex"): the row must still be the item's."""
    def edit(body: etree._Element) -> Typed:
        first = item_row(body, item).find(w("tc"))
        for p in first.findall(w("p")):
            first.remove(p)
        first.append(paragraph(run(typed)))
        extra = typed.replace(item, "", 1).strip(" .")
        return Typed(stray=[extra] if extra and extra.lower() != "standard" else [])
    return edit


def rows_swapped(first: str, second: str) -> Edit:
    """Two item rows dragged into each other's place."""
    def edit(body: etree._Element) -> Typed:
        a, b = item_row(body, first), item_row(body, second)
        marker = etree.Element(w("tr"))
        a.addprevious(marker)
        b.addprevious(a)
        marker.addprevious(b)
        marker.getparent().remove(marker)
        return Typed()
    return edit


def tick_moved_tracked(item: str, old: str, new: str) -> Edit:
    """Boxes removed, an "X" typed in one level, then (tracking on) deleted and typed in another."""
    def edit(body: etree._Element) -> Typed:
        for level in LEVELS:
            sdt = level_control(body, item, level)
            cell = cell_of(sdt)
            sdt.getparent().remove(sdt)
            p = paragraph()
            if level in (old, new):
                change = etree.SubElement(p, w("del" if level == old else "ins"), {w("id"): "907", w("author"): "A"})
                r = etree.SubElement(change, w("r"))
                etree.SubElement(r, w("delText" if level == old else "t")).text = "X"
            cell.append(p)
        return Typed({(item, "rating"): new})
    return edit


def parse_uno_trials(trials: list[UnoTrial], folder: Path, formats: tuple[str, ...]) -> dict[str, dict[str, Any]]:
    """Every trial filled inside LibreOffice and saved in every format (one LibreOffice start), then parsed
    (the .doc and .odt files converted in one more start): file name -> the parse, as JSON."""
    from docxform.parse import parse_form
    from docxform.parse.source import batch_conversions
    from tests.support.respondent import fill_many_in_libreoffice, uno_or_skip

    uno_or_skip()
    jobs = [(ROOT / "blank_forms" / FORMS[t.base][2], folder / f"{t.name}.{fmt}", t.actions, fmt)
            for t in trials for fmt in formats]
    paths = fill_many_in_libreoffice(jobs)
    with batch_conversions(paths):
        return {path.name: parse_form(path).to_dict() for path in paths}


def expected_answers(trial: UnoTrial) -> dict[tuple[str, str], str]:
    """Every answer of the trial's form: empty where nothing was typed, else what the trial typed."""
    framework_id, layout, _ = FORMS[trial.base]
    fw = load_framework(framework_id)
    block = fw.form(layout).items_block
    assert block is not None
    out = {(item.id, column): "" for item in fw.items for column in block.columns}
    out.update(trial.values)
    return out
