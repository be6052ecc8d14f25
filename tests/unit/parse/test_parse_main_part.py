"""The main document part is the one the package's relationship names (issue 20, third trial).

Word opens the part ``_rels/.rels`` names as the officeDocument, whatever its
name. Some generators store it as ``word/document2.xml``; a package may keep
an old ``word/document.xml`` beside it. Before, docxform refused the first
("a zip, but not an Office document") and read the second's stale part
silently: a blank form, 81 of 101 values lost with only the 20 missing
ratings said. The target is data: resolved inside the package, or the file
refused in one line.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from docxform.core.errors import DocxformError
from docxform.io.sniff import sniff_file
from docxform.oxml.comments import Anchor, Note, add_comments
from docxform.parse import parse_form
from tests.support import trialcorpus as tc
from tests.support import trialobjects as to


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> tc.Base:
    return tc.filled("sa2003", tmp_path_factory.mktemp("main-part"))


def renamed(base: tc.Base, folder: Path, name: str, *, stale: bool) -> Path:
    case = to.Case(name.replace("/", "-"), "sa2003", "", to.nothing, to.main_renamed(name, stale=stale))
    path, _, _ = to.make(base, case, folder)
    return path


@pytest.mark.parametrize("stale", [False, True], ids=["alone", "beside-an-old-document"])
def test_the_part_word_opens_is_read(base: tc.Base, tmp_path: Path, stale: bool) -> None:
    path = renamed(base, tmp_path, "word/document2.xml", stale=stale)
    result = parse_form(path).to_dict()
    found = tc.verdicts(result, base.values, [])
    assert found["wrong"] == found["lost"] == found["flagged"] == [], found


def test_headers_and_notes_are_found_beside_the_renamed_part(base: tc.Base, tmp_path: Path) -> None:
    """The renamed part's relationships (word/_rels/document2.xml.rels) name its footer: its text is checked."""
    path = renamed(base, tmp_path, "word/document2.xml", stale=False)
    with zipfile.ZipFile(path) as z:
        assert "word/_rels/document2.xml.rels" in z.namelist()
    to.edit_package(path, lambda parts: parts.update({
        name: blob.replace(b"</w:ftr>", b'<w:p><w:r><w:t>Typed in the footer</w:t></w:r></w:p></w:ftr>')
        for name, blob in parts.items() if name.startswith("word/footer")}))
    unclaimed = [u.text for u in parse_form(path).unclaimed]
    assert "Typed in the footer" in unclaimed


def test_a_renamed_return_is_sniffed_as_a_word_document(base: tc.Base, tmp_path: Path) -> None:
    path = renamed(base, tmp_path, "word/document2.xml", stale=False)
    assert sniff_file(path).suffix == ".docx"


@pytest.mark.parametrize(("target", "external", "says"), [
    ("../outside.xml", False, "outside the file"),
    ("word/missing.xml", False, "is not in the file"),
    ("http://example.org/doc.xml", True, "external link"),
    ("docProps/core.xml", False, "is not a Word document's body"),
])
def test_a_bad_target_refuses_the_file_in_one_line(base: tc.Base, tmp_path: Path, target: str, external: bool,
                                                   says: str) -> None:
    path = renamed(base, tmp_path, "word/document2.xml", stale=False)
    mode = ' TargetMode="External"' if external else ""

    def retarget(parts: dict[str, bytes]) -> None:
        parts["_rels/.rels"] = parts["_rels/.rels"].replace(b'Target="word/document2.xml"',
                                                            f'Target="{target}"{mode}'.encode())
    to.edit_package(path, retarget)
    with pytest.raises(DocxformError) as caught:
        parse_form(path)
    assert says in str(caught.value) and "\n" not in str(caught.value)


def test_feedback_comments_go_into_the_part_word_opens(base: tc.Base, tmp_path: Path) -> None:
    """A feedback copy of such a return: before, the comment's anchor went into the stale word/document.xml,
    which Word never shows; now into the part the relationship names, and the copy's parse finds it."""
    path = renamed(base, tmp_path, "word/document2.xml", stale=True)
    copy = tmp_path / "feedback.docx"
    assert add_comments(path, [Note(Anchor(table=2, row=2, cell=7), "evidence-vague: say which report")], copy) == 1
    with zipfile.ZipFile(copy) as z:
        assert b"commentReference" in z.read("word/document2.xml")
        assert b"commentReference" not in z.read("word/document.xml")
        assert b"comments.xml" in z.read("word/_rels/document2.xml.rels")
    found = tc.verdicts(parse_form(copy).to_dict(), base.values, [])
    assert found["wrong"] == found["lost"] == [], found
