"""Feedback copies: the respondent's own file back with Word comments, nothing else changed.

One return with five known problems (a rating missing, evidence missing,
evidence vague, a goal missing, the Chair's signature missing); each comment
must sit in the cell of the answer it is about, and the copy must parse
exactly as the original.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from docxform import api
from docxform.framework import load_framework
from docxform.oxml.fill import fill
from docxform.oxml.package import open_package, read_custom_properties
from docxform.oxml.textparts import OWN_COMMENTS_PROPERTY
from docxform.parse import parse_form
from docxform.reports.feedback import feedback_copy
from docxform.validate.rules import validate_return
from tests.support.cli import run_main
from tests.support.lo import convert
from tests.support.ooxml import check_ooxml

SA = load_framework("sa2003")
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}
EXPECTED = {("rating-missing", "1.2", "rating"), ("evidence-missing", "1.1", "evidence"),
            ("evidence-vague", "1.3", "evidence"), ("goal-missing", "2.1", "goals"),
            ("signature-missing", None, "chair_signature")}


def make_return(folder: Path, name: str = "jane.docx", *, clean: bool = False, person: str = "Jane Smith") -> Path:
    """A filled sa2003 return, completed by ``person``; with ``clean`` it has no problems at all."""
    blank = folder / "blank.docx"
    if not blank.exists():
        api.generate_form("sa2003", blank, partnership="Anytown CDRP", mapping_dir=folder / "maps")
    ratings: dict[str, Any] = {i: "some_success" for i in SA.item_ids}
    texts = {(i, "evidence"): "Crime and Disorder Audit 2004, table 2.1" for i in SA.item_ids}
    fields = {"assessment_month": "March", "assessment_year": "2004", "completed_by": person,
              "completed_by_signature": person, "chair_signature": "A Chair"}
    if not clean:
        ratings["1.2"] = None
        texts[("1.1", "evidence")] = ""
        texts[("1.3", "evidence")] = "minutes"
        ratings["2.1"] = "gap_identified"
        del fields["chair_signature"]
    target = folder / name
    fill(blank, target, ratings, texts, fields)
    return target


@pytest.fixture(scope="module")
def copy(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("feedback")
    original = make_return(root)
    problems = validate_return(parse_form(original), SA)
    assert {(p.code, p.item, p.field) for p in problems} == EXPECTED
    dest = root / "out" / "jane.docx"
    count = feedback_copy(original, problems, dest, framework=SA)
    return {"root": root, "original": original, "copy": dest, "count": count, "problems": problems}


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


def test_one_comment_per_problem_in_the_cell_it_names(copy: dict[str, Any]) -> None:
    assert copy["count"] == 5
    parts = _parts(copy["copy"])
    comments = etree.fromstring(parts["word/comments.xml"])
    texts = {c.get(f"{{{W}}}id"): "\n".join(p.xpath("string(.)") for p in c.xpath("w:p", namespaces=NS))
             for c in comments.xpath("w:comment", namespaces=NS)}
    assert len(texts) == 5
    root = etree.fromstring(parts["word/document.xml"])
    for ident, problem in zip(sorted(texts, key=int), copy["problems"], strict=True):
        ref = root.xpath(f'//w:commentReference[@w:id="{ident}"]', namespaces=NS)
        start = root.xpath(f'//w:commentRangeStart[@w:id="{ident}"]', namespaces=NS)
        assert len(ref) == 1 and len(start) == 1
        cell = next(ref[0].iterancestors(f"{{{W}}}tc"))
        assert next(start[0].iterancestors(f"{{{W}}}tc")) is cell
        cell_tags = cell.xpath(".//w:sdt/w:sdtPr/w:tag/@w:val", namespaces=NS)
        if problem.item is None:
            assert cell_tags == [f"dxf:form:{problem.field}"]
            assert "Chair" in texts[ident]
        elif problem.field == "rating":
            assert cell_tags == [f"dxf:{problem.item}:rating:gap_identified"]  # the first level's cell
        else:
            assert cell_tags == [f"dxf:{problem.item}:{problem.field}"]
        if problem.item:
            assert texts[ident].startswith(f"Standard {problem.item}: ")
        assert "\nTo put it right: " in texts[ident]
    assert "name the document, with its date and page or paragraph" in " ".join(texts.values())


def test_nothing_else_changes(copy: dict[str, Any]) -> None:
    before, after = _parts(copy["original"]), _parts(copy["copy"])
    assert list(after) == [*before, "word/comments.xml"]  # same parts, same order, one new
    changed = {n for n in before if before[n] != after[n]}
    assert changed == {"word/document.xml", "word/_rels/document.xml.rels", "[Content_Types].xml",
                       "docProps/custom.xml"}
    # The custom properties: the original's, as they were, and the comments' fingerprints (one for each).
    props_before, props_after = _properties(copy["original"]), _properties(copy["copy"])
    listed = props_after.pop(OWN_COMMENTS_PROPERTY).split()
    assert props_after == props_before and len(listed) == copy["count"]
    rels = after["word/_rels/document.xml.rels"].decode()
    added = rels.replace(before["word/_rels/document.xml.rels"].decode().replace("</Relationships>", ""), "")
    assert re.fullmatch(r'<Relationship Id="rIdComments1" Type="[^"]+/comments" Target="comments.xml"/>'
                        r"</Relationships>", added)
    assert after["[Content_Types].xml"].count(b"<Override") == before["[Content_Types].xml"].count(b"<Override") + 1
    # document.xml: take the anchors out again and the original bytes come back (an empty <w:p/> that
    # received an anchor had to be opened: compare empty paragraphs in one spelling).
    stripped = re.sub(rb'<w:commentRange(Start|End) w:id="\d+"/>|<w:r><w:commentReference w:id="\d+"/></w:r>',
                      b"", after["word/document.xml"])
    assert stripped.replace(b"<w:p></w:p>", b"<w:p/>") == before["word/document.xml"].replace(
        b"<w:p></w:p>", b"<w:p/>")
    assert stripped != after["word/document.xml"]


def _properties(path: Path) -> dict[str, str]:
    with open_package(path) as pkg:
        return read_custom_properties(pkg)


def _without_the_feedback_notice(copy: dict[str, Any], comments: int) -> None:
    """The copy lists its comments' fingerprints, so its parse knows them by their text: no notice of comments
    taken on their author's word, none reported as the respondent's; the parse must be the original's."""
    assert [p for p in copy["problems"] if p["code"] in ("feedback-comments", "text-unclaimed")] == []
    assert copy.get("unclaimed", []) == [] and comments > 0


def test_copy_parses_as_the_original(copy: dict[str, Any]) -> None:
    # Both readers (the C fast path and the Python walk) read the copy: conftest compares them.
    a, b = parse_form(copy["original"]).to_dict(), parse_form(copy["copy"]).to_dict()
    _without_the_feedback_notice(b, copy["count"])
    for d in (a, b):
        d.pop("source")
        for p in d["problems"]:
            p["location"].pop("file", None)
    assert a == b
    texts = " ".join(str(v) for item in b["items"].values() for v in item.values())
    assert "To put it right" not in texts and "does not say which document" not in texts


def test_copy_passes_the_schema_check(copy: dict[str, Any]) -> None:
    assert check_ooxml(copy["copy"]) == ""


def test_comments_are_added_to_existing_ones(copy: dict[str, Any]) -> None:
    again = copy["root"] / "again.docx"
    assert feedback_copy(copy["copy"], copy["problems"][:2], again, framework=SA) == 2
    parts = _parts(again)
    ids = etree.fromstring(parts["word/comments.xml"]).xpath("w:comment/@w:id", namespaces=NS)
    assert ids == ["0", "1", "2", "3", "4", "5", "6"]
    assert parts["[Content_Types].xml"] == _parts(copy["copy"])["[Content_Types].xml"]


@pytest.mark.libreoffice
def test_libreoffice_shows_the_comments_in_their_cells(copy: dict[str, Any]) -> None:
    (odt,) = convert([copy["copy"]], "odt", copy["root"] / "odt")
    with zipfile.ZipFile(odt) as z:
        content = etree.fromstring(z.read("content.xml"))
    ns = {"office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
          "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0"}
    notes = content.xpath("//office:annotation", namespaces=ns)
    assert len(notes) == 5
    for note in notes:
        text = note.xpath("string(.)")
        row = next(note.iterancestors(f"{{{ns['table']}}}table-row"))
        first = row.xpath("string(table:table-cell[1])", namespaces=ns).strip()
        item = re.search(r"Standard (\d+\.\d+):", text)
        if item:
            assert first == item.group(1), text
        else:
            assert "Chair" in text and first == "* Signature"


@pytest.mark.libreoffice
def test_a_copy_saved_by_libreoffice_still_knows_docxforms_comments_by_their_text(copy: dict[str, Any]) -> None:
    """Sent back re-saved as .docx, .odt or .doc: LibreOffice keeps the comments' text and the copy's list of
    their fingerprints, so none is the respondent's and none is taken on the author's word alone."""
    root = copy["root"] / "resaved"
    files = [convert([copy["copy"]], target, root / name)[0]
             for name, target in (("docx", "docx:MS Word 2007 XML"), ("odt", "odt"), ("doc", "doc:MS Word 97"))]
    for path in files:
        result = parse_form(path).to_dict()
        assert result.get("unclaimed", []) == [], path.suffix
        assert [p for p in result["problems"] if p["code"] in ("feedback-comments", "text-unclaimed")] == [], path.suffix


def test_batch_writes_the_rest_when_one_cannot_be_read(tmp_path: Path) -> None:
    good = make_return(tmp_path, "good.docx")
    clean = make_return(tmp_path, "clean.docx", clean=True, person="Tom Healey")
    bad = tmp_path / "bad.docx"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    out = tmp_path / "out"
    done = run_main("feedback", str(bad), str(good), str(clean), "-o", str(out))
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [f"{bad}: damaged or truncated zip (not a complete .docx/.xlsx)"]
    assert done.stdout.splitlines() == [f"{out / 'feedback-jane-smith.docx'}: 5 comments",
                                        f"{clean}: no problems to comment on; no copy written"]
    assert sorted(p.name for p in out.iterdir()) == ["feedback-jane-smith.docx"]
    assert "Example" in run_main("feedback", "--help").stdout


def test_only_the_current_version_is_commented_and_named_after_its_person(tmp_path: Path) -> None:
    """A round's received/ folder: files named by their hash, two versions of Jane Smith's return. The later
    one (saved later) gets the copy, called after her; the earlier gets a line naming the later."""
    from tests.support.roundkit import set_last_saved

    received = tmp_path / "received"
    received.mkdir()
    first = make_return(tmp_path, "first.docx")
    set_last_saved(first, "2004-03-01T10:00:00Z")
    second = make_return(tmp_path, "second.docx", clean=False)
    set_last_saved(second, "2004-03-05T10:00:00Z")
    older, newer = received / f"{'a' * 64}.docx", received / f"{'0' * 64}.docx"  # hash names say nothing
    older.write_bytes(first.read_bytes())
    newer.write_bytes(second.read_bytes())
    outcomes = api.feedback([received], tmp_path / "out")
    by_source = {Path(o.source).name: o for o in outcomes}
    assert by_source[older.name].copy is None and by_source[older.name].superseded_by == str(newer)
    assert by_source[newer.name].copy == tmp_path / "out" / "feedback-jane-smith.docx"
    assert "replaced by a later version" in by_source[older.name].line()
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["feedback-jane-smith.docx"]


def test_sample_returns_including_libreoffice_resaves(tmp_path: Path) -> None:
    """The bundled returns (three re-saved by LibreOffice, tags gone): every item comment in its item's row."""
    samples = sorted((Path(__file__).parents[3] / "samples" / "returns").glob("*.docx"))
    outcomes = api.feedback(samples, tmp_path)
    assert all(o.error is None and o.copy is not None for o in outcomes)
    resaved = 0
    for sample, outcome in zip(samples, outcomes, strict=True):
        a, b = parse_form(sample).to_dict(), parse_form(outcome.copy).to_dict()
        _without_the_feedback_notice(b, outcome.comments)
        resaved += any(p["code"] == "tags-lost" for p in a["problems"])
        for d in (a, b):
            d.pop("source")
            for p in d["problems"]:
                p["location"].pop("file", None)
        assert a == b, sample
        root = etree.fromstring(_parts(outcome.copy)["word/document.xml"])
        comments = etree.fromstring(_parts(outcome.copy)["word/comments.xml"])
        assert len(comments) == outcome.comments > 0
        for comment in comments:
            found = re.search(r"^Standard (\d+\.\d+):", comment.xpath("string(w:p[1])", namespaces=NS))
            ref = root.xpath(f'//w:commentReference[@w:id="{comment.get(f"{{{W}}}id")}"]', namespaces=NS)[0]
            row = next(ref.iterancestors(f"{{{W}}}tr"))
            if found:
                assert row.xpath("string(w:tc[1])", namespaces=NS).strip() == found.group(1), sample
    assert resaved == 3


def test_anchors_spliced_into_odd_but_valid_markup(tmp_path: Path) -> None:
    """Empty pPr, whitespace between elements, '>' in text, two comments in one paragraph: bytes kept."""
    from docxform.oxml.comments import Anchor, Note, add_comments

    xml = (b'<?xml version="1.0" encoding="UTF-8"?>\n<w:document xmlns:w="' + W.encode() + b'">\n <w:body>\n'
           b'  <w:tbl><w:tr><w:tc>\n    <w:p><w:pPr/><w:r><w:t>a &gt; b</w:t></w:r></w:p>\n  </w:tc></w:tr></w:tbl>\n'
           b'  <w:p><w:pPr>\n <w:jc w:val="left"/></w:pPr><w:r><w:t>x</w:t></w:r></w:p>\n </w:body>\n</w:document>')
    source = tmp_path / "odd.docx"
    parts = _parts(make_return(tmp_path, "base.docx", clean=True))
    parts["word/document.xml"] = xml
    with zipfile.ZipFile(source, "w") as z:
        for name, blob in parts.items():
            z.writestr(name, blob)
    dest = tmp_path / "odd-copy.docx"
    assert add_comments(source, [Note(Anchor(table=1, row=1, cell=1), "one"), Note(Anchor(), "two")], dest) == 2
    out = _parts(dest)["word/document.xml"]
    assert b'<w:pPr/><w:commentRangeStart w:id="0"/><w:commentRangeStart w:id="1"/><w:r>' in out
    assert out.count(b"<w:commentReference") == 2
    stripped = re.sub(rb'<w:commentRange(Start|End) w:id="\d+"/>|<w:r><w:commentReference w:id="\d+"/></w:r>',
                      b"", out)
    assert stripped == xml


def test_a_format_that_cannot_be_written_back_says_why(tmp_path: Path) -> None:
    from docxform.core.errors import DocxformError
    from docxform.reports.feedback import WRITTEN_BACK, feedback_copy

    assert set(WRITTEN_BACK) == {".odt", ".doc", ".rtf"}
    source = tmp_path / "return.xml"
    source.write_text("<w:wordDocument/>", "utf-8")
    with pytest.raises(DocxformError, match=r"written for \.docx, \.odt, \.doc and \.rtf returns, not \.xml"):
        feedback_copy(source, [], tmp_path / "copy.xml")


#: A respondent who edits the form's tables as issue 11 found (tests/e2e/test_libreoffice_fill.py's EDITS):
#: a column added in table 3, one removed in table 4, two cells merged in table 5, a row added in table 2;
#: every standard ticked, no evidence or goals typed, so each gets a comment.
EDITED_ROWS = [
    {"op": "insert_row", "table": 2, "after": 2, "texts": ["", "", "", "", "", "", "Comments (cont.): more"]},
    {"op": "insert_column", "table": 3, "after": 6, "header": "RAG status", "texts": {"2": "Green"}},
    {"op": "delete_column", "table": 4, "cell": 7},
    {"op": "merge_cells", "table": 5, "row": 2, "from": 7, "to": 8},
]


@pytest.mark.libreoffice
def test_comments_land_in_the_row_of_their_standard_in_edited_tables(tmp_path: Path) -> None:
    """Rows whose columns a respondent added, removed or merged still get their comments in their own row."""
    from tests.support.respondent import fill_in_libreoffice, uno_or_skip

    uno_or_skip()
    levels = {lv.key: lv.name for lv in SA.rating_scale.levels} if SA.rating_scale else {}
    ticks = [{"op": "tick", "alias": f"{item} {levels['doing_well' if n % 2 else 'gap_identified']}"}
             for n, item in enumerate(SA.item_ids)]
    blank = Path(__file__).parents[3] / "blank_forms" / "sa2003.docx"
    edited = fill_in_libreoffice(blank, tmp_path / "edited.docx", [*ticks, *EDITED_ROWS])
    data = parse_form(edited)
    from docxform.reports.feedback import RESPONDENT_CODES

    problems = [p for p in validate_return(data, SA, expected=SA) if p.item and p.code in RESPONDENT_CODES]
    assert {p.item for p in problems} == set(SA.item_ids)
    dest = tmp_path / "copy.docx"
    feedback_copy(edited, problems, dest, framework=SA, response=data)
    root = etree.fromstring(_parts(dest)["word/document.xml"])
    comments = etree.fromstring(_parts(dest)["word/comments.xml"])
    wrong = []
    for comment in comments:
        found = re.search(r"^Standard (\d+\.\d+):", comment.xpath("string(w:p[1])", namespaces=NS))
        assert found, comment.xpath("string(.)", namespaces=NS)
        ref = root.xpath(f'//w:commentReference[@w:id="{comment.get(f"{{{W}}}id")}"]', namespaces=NS)[0]
        row = next(ref.iterancestors(f"{{{W}}}tr"), None)
        first = row.xpath("string(w:tc[1])", namespaces=NS).strip() if row is not None else "(not in a table)"
        if first != found.group(1):
            wrong.append((found.group(1), first))
    assert not wrong, wrong
