"""A feedback copy lists docxform's comments by fingerprint in its custom properties, whatever the package.

docxform/oxml/comments.py writes the list; docxform/parse/parts.py reads it back to tell docxform's comments
from the respondent's. The copy must stay the respondent's file plus comments: a package whose custom
properties are laid out otherwise is left as it is (no second part), and the parse then goes by the
comments' author, with its notice.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from docxform.oxml.comments import PER_PROPERTY, Anchor, Note, add_comments
from docxform.oxml.package import open_package, read_custom_properties
from docxform.oxml.textparts import comment_fingerprint, own_comment_fingerprints
from docxform.parse import parse_form
from tests.support.lo import convert
from tests.unit.parse.test_parse_robust import Filled, filled_sa2003

CUSTOM = "docProps/custom.xml"
CUSTOM_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"


@pytest.fixture(scope="module")
def sa2003(tmp_path_factory: pytest.TempPathFactory) -> Filled:
    return filled_sa2003(tmp_path_factory.mktemp("own-comments"))


def _changed(src: Path, dst: Path, change: Callable[[dict[str, bytes]], dict[str, bytes]]) -> Path:
    """``src`` with its parts as ``change`` gives them back (names and bytes), in their order."""
    with zipfile.ZipFile(src) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in change(parts).items():
            out.writestr(name, data)
    return dst


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


def _notes(n: int, text: str = "Standard 1.1: the evidence is too vague ({})") -> list[Note]:
    return [Note(Anchor(table=2, row=2, cell=8), text.format(i)) for i in range(n)]


def _listed(path: Path) -> frozenset[str]:
    with open_package(path) as pkg:
        return own_comment_fingerprints(read_custom_properties(pkg))


def test_many_comments_are_listed_in_properties_word_keeps_whole(sa2003: Filled, tmp_path: Path) -> None:
    """Over 15 comments: no property value over 255 characters (Word's .doc keeps no more of one)."""
    copy = tmp_path / "many.docx"
    add_comments(sa2003.path, _notes(40), copy)
    with open_package(copy) as pkg:
        props = read_custom_properties(pkg)
    own = {k: v for k, v in props.items() if k.startswith("docxform.feedback_comments")}
    assert sorted(own) == ["docxform.feedback_comments", "docxform.feedback_comments.2",
                           "docxform.feedback_comments.3"]
    assert all(len(v) <= 255 for v in own.values()) and len(_listed(copy)) == 40 > PER_PROPERTY
    assert parse_form(copy).unclaimed == []


@pytest.mark.parametrize("layout", ["elsewhere", "case", "unrelated"])
def test_custom_properties_laid_out_otherwise_are_left_as_they_are(sa2003: Filled, tmp_path: Path,
                                                                   layout: str) -> None:
    """A relationship to another part name, a part named in another case, a part with no relationship: no
    second properties part and no second relationship or override; the copy's parse says it went by the
    author's name."""
    def odd(parts: dict[str, bytes]) -> dict[str, bytes]:
        custom = parts.pop(CUSTOM)
        rels = parts["_rels/.rels"]
        if layout == "elsewhere":
            parts["docProps/props2.xml"] = custom
            parts["_rels/.rels"] = rels.replace(b'Target="docProps/custom.xml"', b'Target="docProps/props2.xml"')
        elif layout == "case":
            parts["docProps/Custom.xml"] = custom
        else:
            parts[CUSTOM] = custom
            parts["_rels/.rels"] = re.sub(rb'<Relationship [^>]*custom-properties"[^>]*/>', b"", rels)
        return parts

    source = _changed(sa2003.path, tmp_path / f"{layout}.docx", odd)
    copy = tmp_path / f"{layout}-copy.docx"
    add_comments(source, _notes(1), copy)
    before, after = _parts(source), _parts(copy)
    assert [n for n in after if n not in before] == ["word/comments.xml"]
    assert after["_rels/.rels"] == before["_rels/.rels"]
    assert after["[Content_Types].xml"].count(b"custom") == before["[Content_Types].xml"].count(b"custom")
    assert all(after[n] == before[n] for n in before if "custom" in n.lower() or "props2" in n)
    notices = [p for p in parse_form(copy).problems if p.code == "feedback-comments"]
    assert len(notices) == 1  # taken on the author's word, and said


def test_a_package_with_no_custom_properties_gets_one_part_one_relationship_one_override(
        sa2003: Filled, tmp_path: Path) -> None:
    def without(parts: dict[str, bytes]) -> dict[str, bytes]:
        parts.pop(CUSTOM)
        parts["_rels/.rels"] = re.sub(rb'<Relationship [^>]*custom-properties"[^>]*/>', b"", parts["_rels/.rels"])
        return parts  # its content-type override stays: one must not be added twice

    source = _changed(sa2003.path, tmp_path / "bare.docx", without)
    copy = tmp_path / "bare-copy.docx"
    add_comments(source, _notes(2), copy)
    after = _parts(copy)
    assert after["_rels/.rels"].count(CUSTOM_REL.encode()) == 1
    assert after["[Content_Types].xml"].lower().count(b'partname="/docprops/custom.xml"') == 1
    assert len(_listed(copy)) == 2 and parse_form(copy).unclaimed == []


def test_odd_properties_are_mended_not_crashed_on(sa2003: Filled, tmp_path: Path) -> None:
    """A superscript pid, the list twice under one name, and once as another string type: one list, all kept."""
    first = comment_fingerprint(["an earlier round's comment"])
    second = comment_fingerprint(["another earlier comment"])

    def odd(parts: dict[str, bytes]) -> dict[str, bytes]:
        extra = (f'<property fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}" pid="\u00b2" '
                 f'name="docxform.feedback_comments"><vt:lpstr>{first}</vt:lpstr></property>'
                 f'<property fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}" pid="77" '
                 f'name="docxform.feedback_comments"><vt:bstr>{second}</vt:bstr></property>')
        parts[CUSTOM] = parts[CUSTOM].replace(b"</Properties>", extra.encode() + b"</Properties>")
        return parts

    source = _changed(sa2003.path, tmp_path / "odd.docx", odd)
    copy = tmp_path / "odd-copy.docx"
    add_comments(source, _notes(1), copy)
    custom = _parts(copy)[CUSTOM]
    assert custom.count(b'name="docxform.feedback_comments"') == 1
    assert _listed(copy) == {first, second, comment_fingerprint([_notes(1)[0].text])}
    assert read_custom_properties_of(copy)["docxform.form_id"] == read_custom_properties_of(source)["docxform.form_id"]


def test_relationships_not_in_plain_utf8_get_the_comments_and_no_list(sa2003: Filled, tmp_path: Path) -> None:
    """UTF-16 relationships (and no properties part): the copy is still written, with nothing recorded."""
    def wide(parts: dict[str, bytes]) -> dict[str, bytes]:
        parts.pop(CUSTOM)
        rels = re.sub(rb'<Relationship [^>]*custom-properties"[^>]*/>', b"", parts["_rels/.rels"])
        parts["_rels/.rels"] = rels.decode().replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")
        return parts

    source = _changed(sa2003.path, tmp_path / "wide.docx", wide)
    copy = tmp_path / "wide-copy.docx"
    assert add_comments(source, _notes(1), copy) == 1
    assert CUSTOM not in _parts(copy) and _parts(copy)["_rels/.rels"] == _parts(source)["_rels/.rels"]


def read_custom_properties_of(path: Path) -> dict[str, str]:
    with open_package(path) as pkg:
        return read_custom_properties(pkg)


@pytest.mark.libreoffice
def test_a_tab_and_forty_comments_survive_libreoffice_in_every_format(sa2003: Filled, tmp_path: Path) -> None:
    """LibreOffice saves a tab in a comment as an empty run and keeps long property values: the copy sent back
    as .docx, .odt or .doc still knows every one of docxform's comments."""
    copy = tmp_path / "copy.docx"
    add_comments(sa2003.path, [*_notes(39), Note(Anchor(table=2, row=2, cell=8), "Tab\there, and\ta second")], copy)
    for name, target in (("docx", "docx:MS Word 2007 XML"), ("odt", "odt"), ("doc", "doc:MS Word 97")):
        [saved] = convert([copy], target, tmp_path / name)
        result = parse_form(saved)
        assert result.unclaimed == [], (name, [u.text for u in result.unclaimed])
        assert not [p for p in result.problems if p.code == "feedback-comments"], name


def test_a_lone_surrogate_in_a_comment_is_dropped_as_xml_cannot_hold_it_and_the_comment_still_known(
        sa2003: Filled, tmp_path: Path) -> None:
    """A problem message quoting a respondent's broken text: the copy is written, and its comment is docxform's."""
    copy = tmp_path / "surrogate.docx"
    add_comments(sa2003.path, [Note(Anchor(table=2, row=2, cell=8), "quoted \ud800 text")], copy)
    assert b"quoted  text" in _parts(copy)["word/comments.xml"]
    assert parse_form(copy).unclaimed == []


def test_a_non_breaking_hyphen_in_a_respondents_comment_is_read_as_the_body_reads_it(
        sa2003: Filled, tmp_path: Path) -> None:
    """"2003-04" typed with Word's non-breaking hyphen (Ctrl+Shift+-) is not reported as "200304"."""
    from tests.support.docparts import Typed, with_parts

    typed = with_parts(sa2003.path, tmp_path / "typed.docx",
                       Typed(comments=[("1.1", "evidence", "Jane Smith", "See the 2003HYPHEN04 audit")]))
    hyphened = _changed(typed, tmp_path / "hyphen.docx", lambda parts: {**parts, "word/comments.xml": parts[
        "word/comments.xml"].replace(b"2003HYPHEN04", b'2003</w:t></w:r><w:r><w:noBreakHyphen/></w:r><w:r><w:t>04')})
    assert [u.text for u in parse_form(hyphened).unclaimed] == ["See the 2003-04 audit"]
