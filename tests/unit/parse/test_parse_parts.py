"""Text typed outside the body is placed or reported: page header and footer, footnotes, comments, text boxes.

A filled sa2003 return gets, at the XML level (as Word writes these parts),
a typed page header, a note added to the generated footer, a footnote whose
mark is in an answer cell, comments on an answer and on a standard's own text,
text boxes written as Word writes them (``mc:AlternateContent``: the same box
as DrawingML and as VML). Each test asserts the exact unclaimed entries: their
text (once), where they are, the nearest item and answer, and that nothing else
is reported.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import docx
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from lxml import etree

from docxform.framework import load_framework
from docxform.generate.form import FormOptions
from docxform.generate.output import generate_form
from docxform.oxml.comments import Anchor, Note, add_comments
from docxform.oxml.package import open_package, read_custom_properties
from docxform.oxml.textparts import OWN_COMMENTS_PROPERTY, TextPart, read_pieces, text_parts
from docxform.parse import parse_form
from docxform.parse import parts as parse_parts
from docxform.records.response import Response, UnclaimedText
from tests.support.docparts import REL, Typed, text_box, with_parts, xml_fragment
from tests.unit.parse.test_parse_robust import (
    CASES,
    Filled,
    annexed_blank_and_filled,
    filled_sa2003,
    item_row,
    w,
)

FW = load_framework("sa2003")


@pytest.fixture(scope="module")
def sa2003(tmp_path_factory: pytest.TempPathFactory) -> Filled:
    return filled_sa2003(tmp_path_factory.mktemp("parts"))


def unclaimed_problems(result: Response) -> list[tuple[str | None, str | None, str, str]]:
    return [(p.item, p.field, p.severity, str(p.extra.get("where"))) for p in result.problems
            if p.code == "text-unclaimed"]


def cell_of(result: Response, item: str, fld: str) -> tuple[int, int, int]:
    """Where the parse read the answer from (table, row, cell from 1): where a note on that cell must point."""
    at = result.items[item].cells[fld]
    return at["table"], at["row"], at["cell"]


def row_of(result: Response, item: str) -> tuple[int, int]:
    """The item's row as the parse found it (table and row from 1)."""
    at = result.items[item].cells["rating"]
    return at["table"], at["row"]


# --- the tests

def test_typed_page_header_is_unclaimed(sa2003: Filled, tmp_path: Path) -> None:
    path = with_parts(sa2003.path, tmp_path / "header.docx", Typed(header=["Draft 2 - not agreed by the board"]))
    result = parse_form(path)
    assert result.unclaimed == [UnclaimedText("Draft 2 - not agreed by the board", "header", "in the page header")]
    assert unclaimed_problems(result) == [(None, None, "warning", "header")]
    assert parse_form(sa2003.path).items == result.items  # the answers are untouched


def test_note_typed_into_the_forms_footer_is_unclaimed_and_the_footer_is_not(sa2003: Filled, tmp_path: Path) -> None:
    path = with_parts(sa2003.path, tmp_path / "footer.docx", Typed(footer="Returned late: see e-mail of 3 May"))
    result = parse_form(path)
    assert result.unclaimed == [UnclaimedText("Returned late: see e-mail of 3 May", "footer", "in the page footer")]
    assert unclaimed_problems(result) == [(None, None, "warning", "footer")]


def test_footnote_names_the_answer_its_mark_is_in(sa2003: Filled, tmp_path: Path) -> None:
    typed = Typed(footnotes=[("1.3", "evidence", "Minutes are held by the CSU."),
                             ("4.2", "standard", "Applies to the county only.")])
    result = parse_form(with_parts(sa2003.path, tmp_path / "footnote.docx", typed))
    table, row = row_of(result, "4.2")
    assert result.unclaimed == [
        UnclaimedText("Minutes are held by the CSU.", "footnote", "in footnote 1, whose mark is in the evidence cell "
                      "of 1.3", "1.3", "evidence", *cell_of(result, "1.3", "evidence")),
        UnclaimedText("Applies to the county only.", "footnote", "in footnote 2, whose mark is in the standard's own "
                      "cell of 4.2", "4.2", None, table, row, 2)]
    assert unclaimed_problems(result) == [("1.3", "evidence", "warning", "footnote"), ("4.2", None, "warning", "footnote")]


def test_comments_on_an_answer_and_on_a_standards_text(sa2003: Filled, tmp_path: Path) -> None:
    typed = Typed(comments=[("2.1", "comments", "Jane Smith", "See our audit of May.\nThe panel agreed."),
                            ("2.3", "standard", "Tom Healey", "We do not think this applies to us.")])
    result = parse_form(with_parts(sa2003.path, tmp_path / "comments.docx", typed))
    table, row = row_of(result, "2.3")
    assert result.unclaimed == [
        UnclaimedText("See our audit of May.\nThe panel agreed.", "comment",
                      "in a comment by Jane Smith on the comments cell of 2.1", "2.1", "comments",
                      *cell_of(result, "2.1", "comments")),
        UnclaimedText("We do not think this applies to us.", "comment",
                      "in a comment by Tom Healey on the standard's own cell of 2.3", "2.3", None, table, row, 2)]
    assert unclaimed_problems(result) == [("2.1", "comments", "warning", "comment"), ("2.3", None, "warning", "comment")]
    flag = next(p for p in result.problems if p.code == "text-unclaimed")
    assert "comment by Jane Smith" in flag.message and "See our audit of May." in flag.message


def test_text_box_in_the_header_is_read_once(sa2003: Filled, tmp_path: Path) -> None:
    """Word writes a text box twice (mc:Choice and mc:Fallback): its text is one unclaimed entry, once."""
    path = with_parts(sa2003.path, tmp_path / "box.docx", Typed(header_box="Confidential until agreed"))
    result = parse_form(path)
    assert result.unclaimed == [UnclaimedText("Confidential until agreed", "header",
                                              "in a text box in the page header")]
    assert len(unclaimed_problems(result)) == 1


def test_text_box_in_the_body_is_counted_once(sa2003: Filled, tmp_path: Path) -> None:
    """A box in the body is read by the body's walk (one branch of mc:AlternateContent), not again here."""
    def add_box(body: etree._Element) -> None:
        table = item_row(body, "1.1").getparent()
        table.addnext(xml_fragment(f"<w:p>{text_box('Our partnership plan is attached')}</w:p>"))

    result = parse_form(with_parts(sa2003.path, tmp_path / "bodybox.docx", Typed(body=add_box)))
    assert [(u.text, u.where, u.description) for u in result.unclaimed] == [
        ("Our partnership plan is attached", "below-table", "in a text box below table 2")]
    [flag] = [p for p in result.problems if p.code == "text-unclaimed"]
    assert "in a text box below table 2" in flag.message and flag.item == "1.5"


def test_everything_at_once_is_each_reported_once(sa2003: Filled, tmp_path: Path) -> None:
    typed = Typed(header=["Header note"], footer="Footer note", footnotes=[("3.1", "goals", "Note one")],
                  comments=[("5.2", "evidence", "A. N. Other", "Comment one")], header_box="Box note")
    result = parse_form(with_parts(sa2003.path, tmp_path / "all.docx", typed))
    assert sorted((u.where, u.text, u.item) for u in result.unclaimed) == [
        ("comment", "Comment one", "5.2"), ("footer", "Footer note", None), ("footnote", "Note one", "3.1"),
        ("header", "Box note", None), ("header", "Header note", None)]
    assert len(unclaimed_problems(result)) == 5


def _feedback(sa2003: Filled, tmp_path: Path, text: str = "evidence-vague: the evidence is too vague"
              ) -> tuple[Path, tuple[int, int, int]]:
    """A feedback copy of the return: one comment by docxform on the evidence cell of 1.1."""
    table, row, cell = cell_of(parse_form(sa2003.path), "1.1", "evidence")
    feedback = tmp_path / "feedback.docx"
    add_comments(sa2003.path, [Note(Anchor(table=table, row=row, cell=cell), text)], feedback)
    return feedback, (table, row, cell)


def _with_part_changed(path: Path, dest: Path, part: str, change: Callable[[bytes], bytes]) -> Path:
    """A copy of the package with one part's bytes changed (as a respondent's word processor would save it)."""
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            data = src.read(info.filename)
            out.writestr(info, change(data) if info.filename == part else data)
    return dest


def _respondents_comment(path: Path, dest: Path, anchor: Anchor, text: str, author: str) -> Path:
    """The file with a comment added as a respondent's word processor adds one: not listed as docxform's."""
    with open_package(path) as pkg:
        listed = read_custom_properties(pkg).get(OWN_COMMENTS_PROPERTY, "")
    added = dest.with_name("added-" + dest.name)
    add_comments(path, [Note(anchor, text)], added, author=author)
    return _with_part_changed(added, dest, "docProps/custom.xml", lambda data: re.sub(
        rb'(name="docxform.feedback_comments"><vt:lpwstr>)[^<]*', lambda m: m.group(1) + listed.encode(), data))


def test_docxforms_own_feedback_comments_are_known_by_their_text(sa2003: Filled, tmp_path: Path) -> None:
    """A feedback copy sent back lists its comments' fingerprints: docxform's comments are left out, with no
    notice of anything taken on trust; a reply by the respondent is theirs."""
    feedback, (table, row, cell) = _feedback(sa2003, tmp_path)
    sent_back = parse_form(feedback)
    assert sent_back.unclaimed == []
    assert [p.code for p in sent_back.problems if p.code in ("feedback-comments", "text-unclaimed")] == []
    replied = _respondents_comment(feedback, tmp_path / "replied.docx", Anchor(table=table, row=row, cell=cell),
                                   "It is the 2003 audit, page 4.", "Brian Wroe")
    assert parse_form(replied).unclaimed == [UnclaimedText(
        "It is the 2003 audit, page 4.", "comment", "in a comment by Brian Wroe on the evidence cell of 1.1", "1.1",
        "evidence", table, row, cell)]


def test_feedback_under_the_coordinators_name_is_known_by_its_text(sa2003: Filled, tmp_path: Path) -> None:
    """The author is the coordinator's choice ("Community Safety Team"): docxform's comments are still its own."""
    table, row, cell = cell_of(parse_form(sa2003.path), "1.1", "evidence")
    copy = tmp_path / "named.docx"
    add_comments(sa2003.path, [Note(Anchor(table=table, row=row, cell=cell), "evidence-vague: too vague")], copy,
                 author="Community Safety Team", initials="CST")
    result = parse_form(copy)
    assert result.unclaimed == [] and not [p for p in result.problems if p.code == "feedback-comments"]


def test_a_second_feedback_round_keeps_the_first_rounds_list_and_mends_a_list_of_the_wrong_type(
        sa2003: Filled, tmp_path: Path) -> None:
    """Feedback on a copy already commented: both rounds' comments are listed, so both are known. A property of
    that name holding a number (not a list docxform wrote) is replaced by a list, not written into as text."""
    odd = _with_part_changed(sa2003.path, tmp_path / "odd.docx", "docProps/custom.xml", lambda data: data.replace(
        b"</Properties>", b'<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="99" '
                          b'name="docxform.feedback_comments"><vt:i4>5</vt:i4></property></Properties>'))
    table, row, cell = cell_of(parse_form(sa2003.path), "1.1", "evidence")
    first, second = tmp_path / "first.docx", tmp_path / "second.docx"
    add_comments(odd, [Note(Anchor(table=table, row=row, cell=cell), "First round's comment")], first)
    add_comments(first, [Note(Anchor(table=table, row=row, cell=cell), "Second round's comment")], second)
    with zipfile.ZipFile(second) as z:
        custom = z.read("docProps/custom.xml")
    assert b"<vt:i4>" not in custom and custom.count(b'name="docxform.feedback_comments"') == 1
    with open_package(second) as pkg:
        assert len(read_custom_properties(pkg)[OWN_COMMENTS_PROPERTY].split()) == 2
    assert parse_form(second).unclaimed == []


def test_a_feedback_comment_the_respondent_edited_is_their_text(sa2003: Filled, tmp_path: Path) -> None:
    """The author's name is not the evidence: docxform's comment with words typed into it is the respondent's."""
    feedback, (table, row, cell) = _feedback(sa2003, tmp_path)
    edited = _with_part_changed(feedback, tmp_path / "edited.docx", "word/comments.xml", lambda data: data.replace(
        b"too vague</w:t>", b"too vague - no: the 2003 audit is attached</w:t>"))
    result = parse_form(edited)
    assert result.unclaimed == [UnclaimedText(
        "evidence-vague: the evidence is too vague - no: the 2003 audit is attached", "comment",
        "in a comment by docxform not among the comments docxform wrote into this copy (edited, or from an older "
        "copy) on the evidence cell of 1.1", "1.1", "evidence", table, row, cell)]
    assert [p.code for p in result.problems if p.code == "feedback-comments"] == []


def test_a_comment_typed_under_docxforms_name_is_the_respondents(sa2003: Filled, tmp_path: Path) -> None:
    """A copy listing its own comments: another comment whose author reads "docxform" is not among them."""
    feedback, (table, row, cell) = _feedback(sa2003, tmp_path)
    listed = _respondents_comment(feedback, tmp_path / "typed.docx", Anchor(table=table, row=row, cell=cell),
                                  "My own note", "docxform")
    with open_package(listed) as pkg:
        assert len(read_custom_properties(pkg)[OWN_COMMENTS_PROPERTY].split()) == 1  # docxform's one comment
    assert [(u.text, u.description) for u in parse_form(listed).unclaimed] == [
        ("My own note", "in a comment by docxform not among the comments docxform wrote into this copy (edited, "
                        "or from an older copy) on the evidence cell of 1.1")]


def test_a_copy_that_lists_no_fingerprints_is_taken_on_the_authors_word_and_says_so(sa2003: Filled,
                                                                                     tmp_path: Path) -> None:
    """Written before copies listed their comments (or its properties lost): the author's name decides, and a
    notice says so, naming how many comments were left out that way."""
    feedback, _ = _feedback(sa2003, tmp_path)
    unlisted = _with_part_changed(feedback, tmp_path / "unlisted.docx", "docProps/custom.xml", lambda data: re.sub(
        rb'<property [^>]*name="docxform.feedback_comments".*?</property>', b"", data))
    with open_package(unlisted) as pkg:
        assert OWN_COMMENTS_PROPERTY not in read_custom_properties(pkg)
    result = parse_form(unlisted)
    assert result.unclaimed == []
    [notice] = [p for p in result.problems if p.code == "feedback-comments"]
    assert notice.severity == "info" and notice.message.startswith("1 comment(s) by docxform")
    assert "listing no fingerprints" in notice.message


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=40).filter(str.strip),
       typed=st.text(st.characters(whitelist_categories=("L", "N")), min_size=1, max_size=8))
def test_any_comment_text_is_known_as_written_and_any_word_typed_into_it_is_the_respondents(
        sa2003: Filled, tmp_path_factory: pytest.TempPathFactory, text: str, typed: str) -> None:
    """Whatever docxform writes in a comment (control characters dropped, carriage returns, tabs, line
    separators), the copy's parse knows it; the same comment with a word added is the respondent's text."""
    folder = tmp_path_factory.mktemp("fingerprint")
    feedback, _ = _feedback(sa2003, folder, text)
    assert parse_form(feedback).unclaimed == []
    assume("<" not in text and "&" not in text)  # the edit below works on the comment's escaped bytes
    edited = _with_part_changed(feedback, folder / "edited.docx", "word/comments.xml", lambda data: data.replace(
        b"</w:t></w:r></w:p></w:comment>", f" {typed}</w:t></w:r></w:p></w:comment>".encode(), 1))
    [piece] = parse_form(edited).unclaimed
    assert piece.where == "comment" and typed in piece.text and piece.item == "1.1"


def test_comments_part_bytes_are_never_remembered_as_the_forms_own(sa2003: Filled, tmp_path: Path) -> None:
    """Two returns with the same comments part: whether its comments are docxform's depends on each return's
    properties, so the first return's verdict is not taken for the second's by the part's bytes."""
    feedback, _ = _feedback(sa2003, tmp_path)
    unlisted = _with_part_changed(feedback, tmp_path / "unlisted.docx", "docProps/custom.xml", lambda data: re.sub(
        rb'(name="docxform.feedback_comments"><vt:lpwstr>)[^<]*', rb"\g<1>0000000000000000", data))
    with open_package(unlisted) as pkg:
        assert read_custom_properties(pkg)[OWN_COMMENTS_PROPERTY] == "0000000000000000"
    assert parse_form(feedback).unclaimed == []
    assert [u.text for u in parse_form(unlisted).unclaimed] == ["evidence-vague: the evidence is too vague"]


def test_notes_part_with_only_separators_is_never_parsed(sa2003: Filled, tmp_path: Path) -> None:
    path = with_parts(sa2003.path, tmp_path / "separators.docx", Typed(separators_only=True))
    with open_package(path) as pkg:
        found = {p.name: p for p in text_parts(pkg)}
    assert set(found) == {"word/footer1.xml", "word/footnotes.xml"}
    assert not found["word/footnotes.xml"].has_text and found["word/footer1.xml"].has_text
    assert read_pieces(found["word/footnotes.xml"], str(path)) == []
    assert parse_form(path).unclaimed == []


def test_the_forms_own_footer_is_parsed_once_per_batch(sa2003: Filled, monkeypatch: pytest.MonkeyPatch) -> None:
    """The usual return's footer is the blank's own: after the first return, its bytes are one lookup, no parse."""
    parse_parts._OWN.clear()
    calls: list[str] = []
    real = parse_parts.read_pieces

    def counted(part: TextPart, path: str) -> list[parse_parts.Piece]:
        calls.append(part.name)
        return real(part, path)

    monkeypatch.setattr(parse_parts, "read_pieces", counted)
    for _ in range(3):
        assert parse_form(sa2003.path).unclaimed == []
    assert calls == ["word/footer1.xml"]


def test_footer_lines_of_the_generated_form_are_form_text(sa2003: Filled) -> None:
    """Not vacuous: the footer is read, and its text (page fields left out) is what the generator printed."""
    with open_package(sa2003.path) as pkg:
        [footer] = text_parts(pkg)
    [piece] = read_pieces(footer, str(sa2003.path))
    assert piece.lines == (f"{FW.title} (sa2003 {FW.version}) · form annexb", "Page  of")


@pytest.mark.parametrize("key", sorted(CASES))
def test_blank_and_filled_forms_of_every_layout_leave_nothing_in_their_parts(tmp_path: Path, key: str) -> None:
    """Every shipped framework and layout, blank and filled, also re-saved by python-docx (its footer
    re-serialised, so read again, not matched by its bytes): nothing unclaimed, in the parts or anywhere."""
    blank, filled = annexed_blank_and_filled(key, tmp_path)
    resaved = tmp_path / "resaved.docx"
    docx.Document(str(filled)).save(str(resaved))
    for path in (blank, filled, resaved):
        with open_package(path) as pkg:
            assert [p.kind for p in text_parts(pkg)] == ["footer"]
        result = parse_form(path)
        assert result.unclaimed == [], [u.to_dict() for u in result.unclaimed]
        assert "text-unclaimed" not in {p.code for p in result.problems}


def test_validate_reports_text_in_the_header_and_a_comment(sa2003: Filled, tmp_path: Path) -> None:
    from tests.support.cli import run_main

    typed = Typed(header=["Not yet signed off"], comments=[("1.4", "goals", "Jo Brown", "Goal moved to 2005")])
    path = with_parts(sa2003.path, tmp_path / "validate.docx", typed)
    done = run_main("validate", str(path))
    lines = [ln for ln in done.stdout.splitlines() if "text-unclaimed" in ln]
    assert len(lines) == 2
    assert any("in the page header" in ln and "Not yet signed off" in ln for ln in lines)
    assert any("comment by Jo Brown on the goals cell of 1.4" in ln and "nearest standard is 1.4" in ln
               for ln in lines)


def test_footer_whose_tab_a_conversion_lost_is_still_the_forms(sa2003: Filled, tmp_path: Path) -> None:
    """Word 2003 XML through LibreOffice runs "· form annexb" and "Page" together: still the form's own text."""
    with zipfile.ZipFile(sa2003.path) as z:
        footer = z.read("word/footer1.xml")
    assert b"<w:r><w:tab/></w:r>" in footer
    glued = footer.replace(b"<w:r><w:tab/></w:r>", b"")
    result = parse_form(with_parts(sa2003.path, tmp_path / "glued.docx", Typed(parts={"word/footer1.xml": glued})))
    assert result.unclaimed == []
    typed = glued.replace(b"</w:ftr>", b"<w:p><w:r><w:t>Sent by fax</w:t></w:r></w:p></w:ftr>")
    result = parse_form(with_parts(sa2003.path, tmp_path / "typed.docx", Typed(parts={"word/footer1.xml": typed})))
    assert result.unclaimed == [UnclaimedText("Sent by fax", "footer", "in the page footer")]


def test_the_same_header_in_two_parts_is_one_piece(sa2003: Filled, tmp_path: Path) -> None:
    """A header typed once shows on every page but may be stored twice (first page, other pages): listed once."""
    def second_header(body: etree._Element) -> None:
        sect = body.find(w("sectPr"))
        reference = etree.Element(w("headerReference"))
        reference.set(w("type"), "first")
        reference.set(f"{{{REL}}}id", "rIdHeader2")
        sect.insert(0, reference)
        etree.SubElement(sect, w("titlePg"))

    path = with_parts(sa2003.path, tmp_path / "two.docx", Typed(header=["Draft"], body=second_header))
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    parts["word/header2.xml"] = parts["word/header1.xml"]
    parts["word/_rels/document.xml.rels"] = parts["word/_rels/document.xml.rels"].replace(
        b"</Relationships>", f'<Relationship Id="rIdHeader2" Type="{REL}/header" Target="header2.xml"/>'
                             "</Relationships>".encode())
    with zipfile.ZipFile(path, "w") as z:
        for name, blob in parts.items():
            z.writestr(name, blob)
    with open_package(path) as pkg:
        assert [p.name for p in text_parts(pkg)] == ["word/footer1.xml", "word/header1.xml", "word/header2.xml"]
    assert parse_form(path).unclaimed == [UnclaimedText("Draft", "header", "in the page header")]


def test_endnote_and_comments_outside_the_cells_name_the_nearest_item(sa2003: Filled, tmp_path: Path) -> None:
    """An endnote's mark in an answer; a comment on an empty paragraph below theme 2's table (nearest: its last
    standard); a comment whose anchor is gone (no item named)."""
    typed = Typed(endnotes=[("5.1", "goals", "By March 2004.")],
                  comments=[("2.4", "below", "Jane Smith", "Theme 2 was discussed at length."),
                            ("1.1", "nowhere", "Jane Smith", "General remark.")])
    result = parse_form(with_parts(sa2003.path, tmp_path / "elsewhere.docx", typed))
    assert result.unclaimed == [  # in the order the document's relationships name the parts
        UnclaimedText("By March 2004.", "endnote", "in endnote 1, whose mark is in the goals cell of 5.1", "5.1",
                      "goals", *cell_of(result, "5.1", "goals")),
        UnclaimedText("Theme 2 was discussed at length.", "comment",
                      "in a comment by Jane Smith on a paragraph below table 3", "2.4"),
        UnclaimedText("General remark.", "comment", "in a comment by Jane Smith, anchored nowhere in the text")]
    assert unclaimed_problems(result) == [("5.1", "goals", "warning", "endnote"), ("2.4", None, "warning", "comment"),
                                          (None, None, "warning", "comment")]


def test_consolidated_forms_footer_is_docxforms_own(tmp_path: Path) -> None:
    """The consolidated form's footer names the round ("Consolidated form · Anytown CDRP · ..."): docxform's print."""
    from docxform.oxml.textparts import CONSOLIDATED_FOOTER

    path = tmp_path / "agreed.docx"
    generate_form(FW, path, FormOptions(footer=f"{CONSOLIDATED_FOOTER}Anytown CDRP · sa2003 2003-12 · round 1",
                                        footer_date=True), partnership="Anytown CDRP")
    with open_package(path) as pkg:
        [footer] = text_parts(pkg)
    assert read_pieces(footer, str(path))[0].lines[0].startswith(CONSOLIDATED_FOOTER)
    assert parse_form(path).unclaimed == []


def test_unclaimed_text_outside_the_body_goes_through_json(sa2003: Filled, tmp_path: Path) -> None:
    """The new places are in the response schema, and the parse JSON reads back the same."""
    import json

    import jsonschema

    typed = Typed(header=["Header note"], footer="Footer note", footnotes=[("3.1", "goals", "Note one")],
                  endnotes=[("3.2", "comments", "Note two")], comments=[("5.2", "evidence", "A. N. Other", "Comment")])
    result = parse_form(with_parts(sa2003.path, tmp_path / "json.docx", typed))
    data = result.to_dict()
    schema = json.loads((Path(__file__).resolve().parents[3] / "docxform" / "schemas" / "response.schema.json")
                        .read_text("utf-8"))
    jsonschema.validate(data, schema)
    assert [u["where"] for u in data["unclaimed"]] == ["footer", "header", "footnote", "endnote", "comment"]
    assert Response.from_dict(data).unclaimed == result.unclaimed


def _rewritten(src: Path, dst: Path, change: Callable[[str, bytes], tuple[str, bytes]]) -> Path:
    """``src`` copied part by part to ``dst``, each part's name and bytes as ``change`` gives them back."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for name in zin.namelist():
            zout.writestr(*change(name, zin.read(name)))
    return dst


def _with_row_deleted(src: Path, dst: Path, row_of_anchor: Callable[[etree._Element], etree._Element]) -> Path:
    """``src`` with one table row marked deleted with tracked changes (Word's w:trPr/w:del)."""
    def delete_row(name: str, data: bytes) -> tuple[str, bytes]:
        if name != "word/document.xml":
            return name, data
        root = etree.fromstring(data)
        tr = row_of_anchor(root)
        props = tr.find(w("trPr"))
        if props is None:
            props = etree.Element(w("trPr"))
            tr.insert(0, props)
        props.append(xml_fragment('<w:del w:id="901" w:author="Jane Smith" w:date="2004-03-01T10:00:00Z"/>'))
        return name, etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return _rewritten(src, dst, delete_row)


def test_a_comment_in_a_row_deleted_with_tracked_changes_names_the_rows_item(sa2003: Filled, tmp_path: Path) -> None:
    """The reader leaves a deleted row out; a comment in it is still the respondent's text, placed by the row
    and the item it names: not "a paragraph below the table" (which named the table's last item)."""
    commented = with_parts(sa2003.path, tmp_path / "commented.docx",
                           Typed(comments=[("1.3", "evidence", "Jane Smith", "Dropped: see 1.2")]))
    table, _ = row_of(parse_form(commented), "1.3")
    deleted = parse_form(_with_row_deleted(commented, tmp_path / "deleted.docx", lambda root: next(
        root.find(f".//{w('commentRangeStart')}").iterancestors(w("tr")))))
    [piece] = deleted.unclaimed
    assert piece.text == "Dropped: see 1.2" and piece.item == "1.3" and piece.field is None
    assert piece.description == (f"in a comment by Jane Smith on a row of table {table} deleted with tracked "
                                 "changes, the row of 1.3")
    assert (piece.table, piece.row, piece.cell) == (table, None, None)


def test_a_comment_in_a_deleted_header_row_names_the_item_below(sa2003: Filled, tmp_path: Path) -> None:
    """A deleted row that names no item and has none above it (the table's header): the first item below."""
    table, row = row_of(parse_form(sa2003.path), "1.1")
    path = with_parts(sa2003.path, tmp_path / "c.docx", Typed(comments=[("1.1", "evidence", "Jane Smith", "Why?")]))

    def header_row(root: etree._Element) -> etree._Element:
        tr = next(root.find(f".//{w('commentRangeStart')}").iterancestors(w("tr")))
        header = tr.getparent().findall(w("tr"))[0]
        start, end = root.find(f".//{w('commentRangeStart')}"), root.find(f".//{w('commentRangeEnd')}")
        reference = root.find(f".//{w('commentReference')}").getparent()
        paragraph = header.find(f".//{w('p')}")
        for node in (start, end, reference):  # the comment moved into the header row's first paragraph
            node.getparent().remove(node)
            paragraph.append(node)
        return header

    deleted = parse_form(_with_row_deleted(path, tmp_path / "deleted.docx", header_row))
    [piece] = deleted.unclaimed
    assert row > 1 and piece.item == "1.1"
    assert piece.description == (f"in a comment by Jane Smith on a row of table {table} deleted with tracked "
                                 "changes, above 1.1")


def test_a_damaged_comments_part_is_reported_and_the_answers_are_still_read(sa2003: Filled, tmp_path: Path) -> None:
    """Before the parts were read, a damaged comments.xml went unnoticed; it must not now cost the whole return."""
    typed = Typed(comments=[("2.1", "comments", "Jane Smith", "See the minutes of 4 May.")])
    good = with_parts(sa2003.path, tmp_path / "good.docx", typed)
    damaged = tmp_path / "damaged.docx"
    _rewritten(good, damaged, lambda name, data: (name, data[:-30] if name == "word/comments.xml" else data))
    result = parse_form(damaged)
    assert {item: answer.texts for item, answer in result.items.items()} == \
        {item: answer.texts for item, answer in parse_form(sa2003.path).items.items()}
    [found] = [p for p in result.problems if p.code == "part-unreadable"]
    assert found.severity == "warning" and "the comments (word/comments.xml) is damaged" in found.message
    assert result.unclaimed == []


def test_a_header_nested_past_the_parsers_limit_refuses_the_return(sa2003: Filled, tmp_path: Path) -> None:
    """Damage is reported and the return read; a hostile part (nesting no document has) refuses it, as the body does."""
    path = with_parts(sa2003.path, tmp_path / "header.docx", Typed(header=["x"]))
    deep = tmp_path / "deep.docx"
    nested = b'<w:hdr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">' + \
        b"<w:p>" * 300 + b"<w:r><w:t>x</w:t></w:r>" + b"</w:p>" * 300 + b"</w:hdr>"
    _rewritten(path, deep, lambda name, data: (name, nested if name == "word/header1.xml" else data))
    from docxform.core.errors import UnsafeInputError

    with pytest.raises(UnsafeInputError, match=r"word/header1\.xml is nested more than 256 levels"):
        parse_form(deep)


def test_a_header_in_utf16_is_read_not_skipped_by_its_bytes(sa2003: Filled, tmp_path: Path) -> None:
    """The quick look for text elements reads UTF-8 bytes; a part in another encoding is parsed instead."""
    path = with_parts(sa2003.path, tmp_path / "header.docx", Typed(header=["Draft 3, UTF-16"]))
    wide = tmp_path / "utf16.docx"
    _rewritten(path, wide, lambda name, data: (name, ('<?xml version="1.0" encoding="UTF-16"?>' + data.decode())
                                               .encode("utf-16") if name == "word/header1.xml" else data))
    result = parse_form(wide)
    assert result.unclaimed == [UnclaimedText("Draft 3, UTF-16", "header", "in the page header")]


def _grid_before(value: str) -> Callable[[etree._Element], None]:
    def edit(body: etree._Element) -> None:
        tr = item_row(body, "2.1")
        props = tr.find(w("trPr"))
        if props is None:
            props = etree.Element(w("trPr"))
            tr.insert(0, props)
        before = etree.SubElement(props, w("gridBefore"))
        before.set(w("val"), value)
    return edit


@pytest.mark.parametrize("value", ["²", "١", "9" * 5000, "-3"])
def test_a_comment_in_a_row_with_an_odd_grid_before_is_placed_as_the_reader_reads_the_row(
        sa2003: Filled, tmp_path: Path, value: str) -> None:
    """``w:gridBefore`` is read by the reader's one rule (ASCII digits, 0 to the span limit): never a crash,
    never a column the reader does not give the cell."""
    typed = Typed(comments=[("2.1", "comments", "Jane Smith", "See the minutes of 4 May.")], body=_grid_before(value))
    result = parse_form(with_parts(sa2003.path, tmp_path / "odd.docx", typed))
    [found] = result.unclaimed
    assert found.where == "comment" and found.item == "2.1", found


def test_placing_a_comment_on_every_row_of_a_long_table_stays_linear(tmp_path: Path) -> None:
    """Each row's number and cells' columns are worked out once: 4,000 comments took 36 s when they were not."""
    import time

    from docxform.oxml.textparts import anchor_places

    def body_with(n: int) -> etree._Element:
        rows = "".join(f'<w:tr><w:tc><w:p><w:commentRangeStart w:id="{i}"/><w:r><w:t>r{i}</w:t></w:r></w:p></w:tc></w:tr>'
                       for i in range(n))
        return xml_fragment(f"<w:body><w:tbl>{rows}</w:tbl></w:body>")

    small, large = body_with(500), body_with(4000)
    started = time.process_time()
    places = anchor_places(small, "comment")
    small_time = time.process_time() - started
    started = time.process_time()
    places = anchor_places(large, "comment")
    large_time = time.process_time() - started
    assert places["3999"].row == 3999 and places["0"].row == 0 and places["3999"].col == 0
    assert large_time < 16 * small_time + 0.05, (small_time, large_time)  # 8x the rows: linear, not 64x


def test_a_comments_author_and_text_reach_the_terminal_as_escapes_never_acted_on(sa2003: Filled,
                                                                                  tmp_path: Path) -> None:
    """``validate`` prints what a return says (here a comment's author and text): a C1 control (\\x9b starts a
    terminal escape) and a right-to-left override are printed as their escapes."""
    from tests.support.cli import run_main

    typed = Typed(comments=[("2.1", "comments", "Bob&#x9b;2J&#x202e;", "See&#x9b;31m the minutes")])
    path = with_parts(sa2003.path, tmp_path / "escapes.docx", typed)
    done = run_main("validate", str(path))
    printed = done.stdout + done.stderr
    assert "Bob\\x9b2J\\u202e" in printed and "See\\x9b31m the minutes" in printed, printed
    assert "\x9b" not in printed and "\u202e" not in printed


def test_a_footnote_that_is_only_a_number_is_reported(sa2003: Filled, tmp_path: Path) -> None:
    """A bare number is a page number in a header or footer; in a footnote it is what the respondent wrote."""
    typed = Typed(footnotes=[("1.1", "evidence", "2005"), ("1.1", "evidence", "Source: police figures")])
    result = parse_form(with_parts(sa2003.path, tmp_path / "numbers.docx", typed))
    assert [u.text for u in result.unclaimed] == ["2005", "Source: police figures"]


def test_a_header_of_thousands_of_lines_is_reported_whole_and_quickly(sa2003: Filled, tmp_path: Path) -> None:
    """Lines past the checked ones are reported unchecked: nothing dropped, no minute spent on a hostile part."""
    import time

    lines = [f"Line {n} of a pasted register" for n in range(6000)]
    path = with_parts(sa2003.path, tmp_path / "long.docx", Typed(header=lines))
    started = time.process_time()
    result = parse_form(path)
    assert time.process_time() - started < 20
    [found] = result.unclaimed
    assert found.where == "header" and found.text.split("\n") == lines


def test_a_part_named_with_an_escaped_or_differently_cased_target_is_still_checked(sa2003: Filled,
                                                                                  tmp_path: Path) -> None:
    """Relationship targets are XML attribute values (``&amp;``) and part names are case-insensitive."""
    path = with_parts(sa2003.path, tmp_path / "header.docx", Typed(header=["Typed in the header"]))
    renamed = tmp_path / "renamed.docx"
    _rewritten(path, renamed, lambda name, data: (
        "word/header&1.xml" if name == "word/header1.xml" else name,
        data.replace(b'Target="header1.xml"', b'Target="Header&amp;1.XML"') if name.endswith(".rels") else data))
    assert [u.text for u in parse_form(renamed).unclaimed] == ["Typed in the header"]
