"""The reader's fast path (libxslt) against its reference, the Python walk.

conftest.py already compares the two on every form the suite parses. Here:
the fast path is really taken for docxform's own forms (or the comparison
proves nothing), every guard sends its case to the Python walk, and a few
hundred randomly built documents, mixing everything the reader knows, read
the same both ways.
"""

from __future__ import annotations

import random
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from docxform import api
from docxform.oxml import fastread, reader
from docxform.oxml.model import Document
from docxform.oxml.symbols import MARK_FONTS
from tests.support.docmaker import W, document_xml

ROOT = Path(__file__).resolve().parents[3]


def both(xml: bytes) -> tuple[Document | None, Document]:
    """(fast path's reading or None where it declines, the Python walk's reading)."""
    root = etree.fromstring(xml)
    body = root.find(f"{{{W}}}body")
    assert body is not None
    reference = reader.read_document(root, "test.docx")
    fits = fastread.fast_path_fits(xml, root, body) and not any(True for _ in body.iter(*reader._TRACKED_TAGS))
    return (fastread.read_fast(root) if fits else None), reference


def part(path: Path) -> bytes:
    with zipfile.ZipFile(path) as archive:
        return archive.read("word/document.xml")


@pytest.mark.parametrize("form", sorted((ROOT / "blank_forms").glob("*.docx")), ids=lambda p: p.name)
def test_fast_path_reads_every_shipped_form_as_the_walk_does(form):
    fast, reference = both(part(form))
    assert fast is not None, "the fast path declined a plain generated form"
    assert fast == reference
    assert reference.controls and reference.tables


def test_fast_path_reads_code_filled_returns_as_the_walk_does(tmp_path):
    from docxform.oxml.fill import fill

    blank = tmp_path / "blank.docx"
    api.generate_form("sa2003", blank, partnership="Fast & <Slow>")
    filled = tmp_path / "filled.docx"
    fill(blank, filled, {"1.1": "doing_well", "2.3": ["gap_identified", "some_success"]},
                  {("1.1", "comments"): "Line one\nLine two", ("5.4", "goals"): "=SUM(A1) tab\there"})
    fast, reference = both(part(filled))
    assert fast is not None and fast == reference
    boxes = [c for c in fast.controls if c.tag.startswith("dxf:1.1:rating:")]
    assert [c.checked for c in boxes] == [False, False, False, True]
    comments = next(c for c in fast.controls if c.tag == "dxf:1.1:comments")
    assert comments.text == "Line one\nLine two"


def para(text: str) -> str:
    return f"<w:p><w:r><w:t xml:space='preserve'>{text}</w:t></w:r></w:p>"


# Each guard: a document the fast path must hand to the Python walk, and why.
DECLINED = {
    "separator in the text": para("a\ufdd0b"),
    "separator as a character reference": para("a&#xFDD1;b"),
    "field": "<w:p><w:r><w:fldChar w:fldCharType='begin'/></w:r><w:r><w:instrText>PAGE</w:instrText></w:r>"
             "<w:r><w:fldChar w:fldCharType='end'/></w:r></w:p>",
    "w:sym tick": "<w:p><w:r><w:sym w:font='Wingdings' w:char='F0FC'/></w:r></w:p>",
    "Wingdings run": "<w:p><w:r><w:rPr><w:rFonts w:ascii='WINGDINGS'/></w:rPr><w:t>\uf0fc</w:t></w:r></w:p>",
    "tracked insertion": "<w:p><w:ins w:id='1' w:author='a'><w:r><w:t>new</w:t></w:r></w:ins></w:p>",
    "tracked formatting": "<w:p><w:r><w:rPr><w:rPrChange w:id='1' w:author='a'><w:rPr/></w:rPrChange></w:rPr>"
                          "<w:t>x</w:t></w:r></w:p>",
    "a text control nested in another":
        "<w:p><w:sdt><w:sdtPr><w:alias w:val='outer'/></w:sdtPr><w:sdtContent><w:sdt><w:sdtPr>"
        "<w:tag w:val='inner'/></w:sdtPr><w:sdtContent><w:r><w:t>text</w:t>"
        "</w:r></w:sdtContent></w:sdt></w:sdtContent></w:sdt></w:p>",
}


@pytest.mark.parametrize("case", DECLINED, ids=list(DECLINED))
def test_guard_sends_the_document_to_the_walk(case):
    xml = document_xml(f"<w:tbl><w:tr><w:tc>{DECLINED[case]}</w:tc></w:tr></w:tbl>{DECLINED[case]}")
    fast, reference = both(xml)
    assert fast is None
    root = etree.fromstring(xml)
    assert reader.read_document(root, "t.docx", xml) == reference


@pytest.mark.parametrize("text", ["ab<!-- c -->cd", "<!-- c -->cd", "ab<w:x/>cd", "<![CDATA[a<b]]>c&amp;d",
                                  "a<?pi x?>b", ""])
def test_odd_text_elements_read_the_same_both_ways(text):
    """A w:t's text is what comes before anything else in it (lxml's ``.text``), both ways."""
    xml = document_xml(f"<w:tbl><w:tr><w:tc><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:tc></w:tr></w:tbl>")
    fast, reference = both(xml)
    assert fast is not None and fast == reference


LIBREOFFICE_CHECKBOX = (
    "<w:sdt><w:sdtPr><w:id w:val='4'/><w:alias w:val='1.1 Doing well'/></w:sdtPr><w:sdtContent><w:p>"
    "<w:pPr><w:jc w:val='center'/></w:pPr><w:sdt><w:sdtPr><w14:checkbox><w14:checked w14:val='1'/>"
    "</w14:checkbox></w:sdtPr><w:sdtContent><w:r><w:rPr><w:rFonts w:ascii='MS Gothic'/></w:rPr></w:r><w:r>"
    "<w:t>\u2612</w:t></w:r></w:sdtContent></w:sdt></w:p></w:sdtContent></w:sdt>")


def test_fast_path_reads_libreoffices_checkbox_wrapper():
    """LibreOffice 7.4 re-saves each checkbox inside an untagged control carrying the alias."""
    xml = document_xml(f"<w:tbl><w:tr><w:tc><w:p><w:r><w:t>1.1</w:t></w:r></w:p></w:tc>"
                       f"<w:tc>{LIBREOFFICE_CHECKBOX}</w:tc></w:tr></w:tbl>")
    fast, reference = both(xml)
    assert fast is not None and fast == reference
    (box,) = fast.controls
    assert (box.kind, box.alias, box.checked, box.tag) == ("checkbox", "1.1 Doing well", True, "")
    assert (box.table, box.row, box.col) == (0, 0, 1)


@pytest.mark.parametrize("output", ["\ufdd0C", "\ufdd0T\ufdd0R\ufdd1\ufdd0C\ufdd1\ufdd2\ufdd4zx\ufdd1y\ufdd3"])
def test_output_of_an_unexpected_shape_goes_to_the_walk(monkeypatch, output):
    """Should the stylesheet ever write something the decoder does not expect, the walk reads instead."""
    xml = document_xml(f"<w:tbl><w:tr><w:tc>{para('kept')}</w:tc></w:tr></w:tbl>")
    root = etree.fromstring(xml)
    monkeypatch.setattr(fastread, "_TRANSFORM", lambda _root: output)
    assert fastread.read_fast(root) is None
    assert reader.read_document(root, "t.docx", xml).tables[0].rows[0].cells[0].text == "kept"


def utf16_declared(text: str) -> bytes:
    return document_xml(para(text)).decode().replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")


def utf16_undeclared(text: str) -> bytes:
    """UTF-16 with a byte-order mark and no XML declaration: lxml's docinfo still says UTF-8."""
    xml = document_xml(para(text)).decode()
    return b"\xff\xfe" + xml[xml.index("?>") + 2:].encode("utf-16-le")


@pytest.mark.parametrize("encode", [utf16_declared, utf16_undeclared])
def test_a_document_in_utf16_takes_the_walk(encode):
    xml = encode("caf\u00e9 \ufdd0T separator")
    root = etree.fromstring(xml)
    assert not fastread.fast_path_fits(xml, root, root[0])
    assert reader.read_document(root, "t.docx", xml).paragraphs == ["caf\u00e9 \ufdd0T separator"]


# --- randomly built documents


class RandomBody:
    """WordprocessingML from a grammar of what forms hold, with odd values on purpose."""

    def __init__(self, seed: int, python_only: bool) -> None:
        self.rng = random.Random(seed)
        self.python_only = python_only
        self.ids = 0

    def pick(self, *options):
        return self.rng.choice(options)

    def text(self) -> str:
        words = ["1.1", "Doing well", " ", "x", "\u2713", "a &amp; b", "&lt;tag&gt;", "caf\u00e9", "  two  spaces",
                 "\u2610", "Comments", "line\nbreak", "", "Gap identified", "5.4"]
        return "".join(self.rng.choice(words) for _ in range(self.rng.randint(0, 3)))

    def run(self) -> str:
        pieces = []
        for _ in range(self.rng.randint(0, 3)):
            pieces.append(self.pick(
                f"<w:t xml:space='preserve'>{self.text()}</w:t>", "<w:t/>", "<w:tab/>", "<w:br/>", "<w:cr/>",
                "<w:ptab w:relativeTo='margin' w:alignment='center' w:leader='none'/>",
                "<w:noBreakHyphen/>", "<w:lastRenderedPageBreak/>", f"<w:instrText>{self.text()}</w:instrText>",
                f"<w:t>{self.text()}</w:t>", f"<w:t>{self.text()}<!-- note -->{self.text()}</w:t>"))
        if self.python_only and self.rng.random() < 0.15:
            pieces.append(self.pick("<w:sym w:font='Wingdings' w:char='f0fc'/>", "<w:delText>gone</w:delText>",
                                    "<w:fldChar w:fldCharType='begin'/>"))
        props = self.pick("", "<w:rPr><w:b/></w:rPr>", "<w:rPr><w:rFonts w:ascii='MS Gothic' w:hAnsi='MS Gothic'/></w:rPr>",
                          "<w:rPr><w:rFonts w:ascii='Arial'/></w:rPr>")
        if self.python_only and self.rng.random() < 0.1:
            props = "<w:rPr><w:rFonts w:ascii='Wingdings 2'/></w:rPr>"
        return f"<w:r>{props}{''.join(pieces)}</w:r>"

    def inline(self, depth: int = 0) -> str:
        out = []
        for _ in range(self.rng.randint(0, 4)):
            choice = self.rng.random()
            if choice < 0.45:
                out.append(self.run())
            elif choice < 0.65 and depth < 1:
                out.append(self.control(block=False, depth=depth))
            elif choice < 0.75 and depth < 2:
                wrapper = self.pick("hyperlink", "smartTag", "fldSimple", "customXml", "dir", "bdo")
                out.append(f"<w:{wrapper}>{self.inline(depth + 1)}</w:{wrapper}>")
            elif choice < 0.8:
                out.append(self.libreoffice_wrapper())
            elif choice < 0.88:
                out.append(self.pick("<w:proofErr w:type='spellStart'/>", "<w:bookmarkStart w:id='0' w:name='b'/>",
                                     "<w:bookmarkEnd w:id='0'/>", "<w:commentRangeStart w:id='1'/>",
                                     "<w:pPr><w:jc w:val='left'/></w:pPr>"))
            elif self.python_only:
                out.append(self.pick("<w:ins w:id='2' w:author='a'>" + self.run() + "</w:ins>",
                                     "<w:del w:id='3' w:author='a'><w:r><w:delText>old</w:delText></w:r></w:del>"))
        return "".join(out)

    def libreoffice_wrapper(self) -> str:
        """An untagged control around a checkbox, as LibreOffice writes it; sometimes odder."""
        state = self.pick("<w14:checked w14:val='1'/>", "<w14:checked w14:val='0'/>", "")
        own = self.pick("", "<w:tag w:val='own'/>", "<w:alias w:val='own alias'/>")
        glyph = self.pick("\u2610", "\u2612")
        inner = (f"<w:sdt><w:sdtPr>{own}<w14:checkbox>{state}</w14:checkbox></w:sdtPr><w:sdtContent>"
                 f"<w:r><w:t>{glyph}</w:t></w:r></w:sdtContent></w:sdt>")
        content = self.pick(inner, f"<w:p><w:pPr/>{inner}{self.run()}</w:p>", f"{self.run()}{inner}{inner}",
                            f"<w:p>{inner}</w:p><w:p>{self.run()}</w:p>")
        outer = self.pick("<w:alias w:val='1.2 Some success'/>", "<w:tag w:val='wrapper'/>", "",
                          "<w:alias w:val='a'/><w:dropDownList/>")
        return f"<w:sdt><w:sdtPr>{outer}</w:sdtPr><w:sdtContent>{content}</w:sdtContent></w:sdt>"

    def paragraph(self, depth: int = 0) -> str:
        return f"<w:p>{self.inline(depth)}</w:p>"

    def control(self, *, block: bool, depth: int) -> str:
        props = []
        for _ in range(self.rng.randint(0, 4)):
            props.append(self.pick(
                f"<w:tag w:val='dxf:{self.text()}'/>", f"<w:alias w:val='{self.text()}'/>", "<w:tag/>",
                "<w:showingPlcHdr/>", "<w:id w:val='5'/>", "<w:dropDownList/>", "<w:comboBox/>", "<w:date/>",
                "<w14:checkbox><w14:checked w14:val='1'/></w14:checkbox>",
                "<w14:checkbox><w14:checked w14:val='0'/></w14:checkbox>",
                "<w14:checkbox><w14:checked w14:val='true'/></w14:checkbox>",
                "<w14:checkbox><w14:checked/></w14:checkbox>", "<w14:checkbox/>"))
        pr = self.pick(f"<w:sdtPr>{''.join(props)}</w:sdtPr>", "", f"<w:sdtPr>{''.join(props)}</w:sdtPr><w:sdtPr/>")
        paragraphs = (self.paragraph(depth + 1) for _ in range(self.rng.randint(0, 2)))
        content = "".join(paragraphs) if block else self.inline(depth + 1)
        if self.python_only and self.rng.random() < 0.1:
            box = "<w:r><w:drawing><w:txbxContent>" + self.paragraph(depth + 1) + "</w:txbxContent></w:drawing></w:r>"
            content += f"<w:p>{box}</w:p>" if block else box
        if self.python_only and self.rng.random() < 0.2:
            content += "<w:sdt><w:sdtPr><w14:checkbox/></w:sdtPr><w:sdtContent><w:r><w:t>x</w:t></w:r></w:sdtContent></w:sdt>"
        body = self.pick(f"<w:sdtContent>{content}</w:sdtContent>", f"<w:sdtContent>{content}</w:sdtContent>", "")
        return f"<w:sdt>{pr}{body}</w:sdt>"

    def cell_content(self, depth: int) -> str:
        out = []
        for _ in range(self.rng.randint(0, 3)):
            choice = self.rng.random()
            if choice < 0.6:
                out.append(self.paragraph())
            elif choice < 0.8:
                out.append(self.control(block=True, depth=0))
            elif choice < 0.88 and depth < 1:
                out.append(self.table(depth + 1))
            else:
                out.append(self.pick(
                    "<w:customXml>" + self.paragraph() + "</w:customXml>",
                    "<w:r><w:t>stray run</w:t></w:r>",
                    # A picture is noted by the walk (docxform/oxml/objects.py), so only the walk reads one.
                    "<w:p><w:r><w:drawing><w:inline/></w:drawing><w:t>a picture</w:t></w:r></w:p>"
                    if self.python_only else "<w:p><w:r><w:lastRenderedPageBreak/><w:t>a page</w:t></w:r></w:p>",
                    "<w:bookmarkStart w:id='1' w:name='x'/>"))
        return "".join(out)

    def cell(self, depth: int) -> str:
        props = []
        if self.rng.random() < 0.4:
            props.append(f"<w:gridSpan w:val='{self.pick('2', '3', '0', '-1', 'x', '5000', '')}'/>")
        if self.rng.random() < 0.3:
            props.append(self.pick("<w:vMerge/>", "<w:vMerge w:val='restart'/>", "<w:vMerge w:val='continue'/>",
                                   "<w:vMerge w:val=''/>"))
        pr = f"<w:tcPr>{''.join(props)}</w:tcPr>" if props or self.rng.random() < 0.5 else ""
        return f"<w:tc>{pr}{self.cell_content(depth)}</w:tc>"

    def row(self, depth: int) -> str:
        pr = self.pick("", "<w:trPr><w:gridBefore w:val='1'/></w:trPr>", "<w:trPr><w:gridBefore w:val='y'/></w:trPr>",
                       "<w:trPr><w:cantSplit/></w:trPr>")
        cells = [self.maybe_wrapped(self.cell(depth), "<w:sdtPr/>") for _ in range(self.rng.randint(0, 4))]
        return f"<w:tr>{pr}{''.join(cells)}</w:tr>"

    def table(self, depth: int = 0) -> str:
        rows = [self.maybe_wrapped(self.row(depth), "") for _ in range(self.rng.randint(0, 4))]
        return f"<w:tbl><w:tblPr/><w:tblGrid/>{''.join(rows)}</w:tbl>"

    def maybe_wrapped(self, xml: str, sdt_properties: str) -> str:
        """Sometimes inside a content control or custom XML, as rows and cells may be."""
        wrap = self.rng.random()
        if wrap < 0.1:
            return f"<w:sdt>{sdt_properties}<w:sdtContent>{xml}</w:sdtContent></w:sdt>"
        if wrap < 0.15:
            return f"<w:customXml>{xml}</w:customXml>"
        return xml

    def body(self) -> str:
        blocks = []
        for _ in range(self.rng.randint(1, 5)):
            choice = self.rng.random()
            if choice < 0.45:
                blocks.append(self.table())
            elif choice < 0.85:
                blocks.append(self.paragraph())
            else:
                inner = self.table() if self.rng.random() < 0.5 else self.paragraph()
                blocks.append(self.pick(f"<w:sdt><w:sdtContent>{inner}</w:sdtContent></w:sdt>",
                                        f"<w:customXml>{inner}</w:customXml>", "<w:sectPr/>"))
        return "".join(blocks)


def test_randomly_built_documents_read_the_same_both_ways():
    fast_count = declined = 0
    for seed in range(400):
        xml = document_xml(RandomBody(seed, python_only=seed % 3 == 0).body())
        fast, reference = both(xml)
        if fast is None:
            declined += 1
            continue
        fast_count += 1
        assert fast == reference, f"seed {seed}: {xml.decode()}"
    # Both paths must really have been exercised for the comparison to mean anything.
    assert fast_count > 180 and declined > 100, (fast_count, declined)


def tree_names_a_mark_font(xml: bytes) -> bool:
    """The guard as it was, on the tree: any font attribute of a run's w:rFonts, lowercased, is a mark font."""
    fonts = etree.fromstring(xml).xpath(".//w:r/w:rPr/w:rFonts/@*", namespaces={"w": W})
    return any(str(font).lower() in MARK_FONTS for font in fonts)


FONT_NAMES = ["Symbol", "SYMBOL", "sYmBoL", "Wingdings 2", "Wingdings\t2", "wingdings\n3", "Webdings",
              "Monotype Sorts", "Monotype\r\nSorts", "ZapfDingbats", "Arial", "Symbol ", " Symbol", "Symbols",
              "MS Gothic", "Wingdings 4", "Times New Roman", "Sym&amp;bol", "Segoe UI Symbol", "Liberation Serif"]


def font_tag(rng: random.Random, name: str) -> str:
    """A w:rFonts start tag naming ``name`` in one of its attributes, quoted either way, among odd neighbours."""
    quote = rng.choice("\"'")
    others = rng.sample(["w:hint='eastAsia'", 'w:hint2="a>b"', "w:cs='x\"y'", 'w:asciiTheme="minorHAnsi"',
                         "xmlns:q='urn:q'"], rng.randint(0, 3))
    mine = f"w:{rng.choice(['ascii', 'hAnsi', 'eastAsia'])} = {quote}{name}{quote}"
    attributes = [*others, mine]
    rng.shuffle(attributes)
    return f"<w:rFonts{rng.choice([' ', chr(10), chr(9) + ' '])}{' '.join(attributes)}/>"


def test_mark_fonts_are_found_in_the_bytes_as_the_tree_finds_them():
    """The byte-level guard says what the tree-level guard said, on every spelling a parser normalises."""
    rng = random.Random(20)
    found = 0
    for _ in range(1000):
        runs = "".join(f"<w:r><w:rPr>{font_tag(rng, rng.choice(FONT_NAMES))}</w:rPr><w:t>x</w:t></w:r>"
                       for _ in range(rng.randint(1, 3)))
        xml = document_xml(f"<w:p>{runs}</w:p>")
        expected = tree_names_a_mark_font(xml)
        found += expected
        assert fastread._names_a_mark_font(xml) == expected, xml.decode()
    assert 250 < found < 750, found  # both answers were really exercised


def test_a_mark_font_outside_a_run_only_sends_the_document_to_the_walk():
    """More than the walk reads (a paragraph mark's font) declines the fast path: slower, never wrong."""
    xml = document_xml("<w:p><w:pPr><w:rPr><w:rFonts w:ascii='Symbol'/></w:rPr></w:pPr><w:r><w:t>x</w:t></w:r></w:p>")
    assert not tree_names_a_mark_font(xml)
    assert fastread._names_a_mark_font(xml)
