"""Returns holding equations, pictures, objects, WordArt, hidden text, ruby... (issue 20, third trial).

The corpus is tests/support/trialobjects.py: each case is a shipped form
filled by script, then edited the way Word writes what a person did. A value
the answer's text cannot hold (a picture, an embedded object) is expected as
a description in brackets, so it can only be *flagged* (a problem naming its
item and field) or silently *lost*. Nothing may be silently wrong or lost;
an ``exact`` case must be read exactly.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from docxform.parse import parse_form
from tests.support import trialcorpus as tc
from tests.support import trialobjects as to

CASES = {c.name: c for c in to.cases()}
#: Cases still open (each fixed in its own commit, then taken off this list): strict, so a fix shows.
OPEN: set[str] = set()


@pytest.fixture(scope="module")
def bases(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tc.Base]:
    folder = tmp_path_factory.mktemp("trial-objects")
    return {key: tc.filled(key, folder) for key in {c.base for c in CASES.values()}}


def verdicts(bases: dict[str, tc.Base], case: to.Case, folder: Path) -> dict[str, list[str]]:
    path, expected, stray = to.make(bases[case.base], case, folder)
    result: dict[str, Any] = parse_form(path).to_dict()
    return tc.verdicts(result, expected, stray)


#: Each case also read with every control unwrapped (a bound control is no control then: left out).
RUNS = [(n, strip) for n in CASES for strip in (False, True) if not (strip and n == "bound")]


@pytest.mark.parametrize(("name", "strip"), [pytest.param(n, s, marks=pytest.mark.xfail(strict=True, reason="open"))
                                             if n in OPEN else (n, s) for n, s in RUNS],
                         ids=[f"{n}-{'no-controls' if s else 'controls'}" for n, s in RUNS])
def test_nothing_silently_wrong_or_lost(bases: dict[str, tc.Base], tmp_path: Path, name: str, strip: bool) -> None:
    case = to.stripped(CASES[name]) if strip else CASES[name]
    found = verdicts(bases, case, tmp_path)
    assert found["wrong"] == [], case.how
    assert found["lost"] == [], case.how
    if case.exact:
        assert found["flagged"] == [], case.how
    assert found["right"], "nothing was read at all"


def codes(bases: dict[str, tc.Base], name: str, folder: Path) -> list[tuple[str, str | None, str | None, str]]:
    path, _, _ = to.make(bases[CASES[name].base], CASES[name], folder)
    return [(p.code, p.item, p.field, p.severity) for p in parse_form(path).problems]


@pytest.mark.parametrize(("name", "code", "item", "fld", "severity"), [
    ("pic-alt", "content-not-read", "1.3", "evidence", "warning"),
    ("pic-bare", "content-not-read", "1.4", "goals", "warning"),
    ("ole", "content-not-read", "2.1", "evidence", "warning"),
    ("chart", "content-not-read", "2.2", "evidence", "warning"),
    ("smartart", "content-not-read", "2.3", "goals", "warning"),
    ("altchunk", "content-not-read", "5.1", "evidence", "warning"),
    ("ruby", "content-not-read", "3.2", "goals", "info"),
    ("eq-built", "equation-read", "1.2", "evidence", "warning"),
    ("hidden", "text-hidden", "3.1", "comments", "warning"),
    ("pic-tick", "content-not-read", "1.3", "rating", "warning"),
    ("activex", "content-not-read", "5.4", "comments", "warning"),
])
def test_each_is_said_with_its_item_and_field(bases: dict[str, tc.Base], tmp_path: Path, name: str, code: str,
                                              item: str, fld: str, severity: str) -> None:
    assert (code, item, fld, severity) in codes(bases, name, tmp_path)


def test_plain_equation_and_wordart_are_read_without_a_problem(bases: dict[str, tc.Base], tmp_path: Path) -> None:
    """An equation of plain characters and WordArt's text are text: read exactly, nothing to say."""
    for name in ("eq-flat", "wordart"):
        (tmp_path / name).mkdir()
        assert not [c for c in codes(bases, name, tmp_path / name) if c[0] in ("equation-read", "content-not-read")]


def test_an_equation_in_a_footnote_is_unclaimed_not_dropped(bases: dict[str, tc.Base], tmp_path: Path) -> None:
    """A footnote holding an equation: before, its characters (m:t, not w:t) were dropped from the note's text."""
    case = to.Case("eq-footnote", "sa2003", "", tc.footnote("1.1", "comments", "Source: "))
    path, _, _ = to.make(bases["sa2003"], case, tmp_path)
    math = f'<m:oMath xmlns:m="{to.M}"><m:r><m:t>n=42</m:t></m:r></m:oMath>'.encode()
    to.edit_package(path, lambda parts: parts.update(
        {"word/footnotes.xml": parts["word/footnotes.xml"].replace(b"</w:p></w:footnote>", math + b"</w:p></w:footnote>")}))
    unclaimed = [u.text for u in parse_form(path).unclaimed if u.where == "footnote"]
    assert any("n=42" in text for text in unclaimed), unclaimed


@pytest.mark.parametrize(("name", "words"), [("smartart", "Plan the audit\nConsult partners\nAgree priorities"),
                                             ("altchunk", "Imported from the audit\nSecond imported line")])
def test_the_words_kept_in_another_part_are_quoted(bases: dict[str, tc.Base], tmp_path: Path, name: str,
                                                   words: str) -> None:
    """A diagram's words (word/diagrams/data1.xml) and an imported HTML file's are in the problem, for the
    coordinator to read without opening the return."""
    path, _, _ = to.make(bases["sa2003"], CASES[name], tmp_path)
    [found] = [p for p in parse_form(path).problems if p.code == "content-not-read"]
    assert found.extra["text"] == words
    assert words.split("\n")[0] in found.message


@pytest.mark.parametrize("target", ["../../outside.htm", "afchunk-missing.htm", "http://example.org/a.htm"])
def test_an_imported_part_out_of_reach_is_named_without_words(bases: dict[str, tc.Base], tmp_path: Path,
                                                              target: str) -> None:
    path, _, _ = to.make(bases["sa2003"], CASES["altchunk"], tmp_path)
    mode = b' TargetMode="External"' if target.startswith("http") else b""
    to.edit_package(path, lambda parts: parts.update({"word/_rels/document.xml.rels": parts[
        "word/_rels/document.xml.rels"].replace(b'Target="afchunk1.htm"', b'Target="' + target.encode() + b'"' + mode)}))
    [found] = [p for p in parse_form(path).problems if p.code == "content-not-read"]
    assert (found.item, found.field) == ("5.1", "evidence") and "text" not in found.extra


def test_an_imported_html_file_gives_its_words_only(bases: dict[str, tc.Base], tmp_path: Path) -> None:
    """Script, style and the head are no words; markup never reaches the message."""
    path, _, _ = to.make(bases["sa2003"], CASES["altchunk"], tmp_path)
    page = (b"<html><head><title>T</title><style>p{}</style></head><body><script>alert(1)</script>"
            b"<p>One &amp; two</p><ul><li>three</li></ul></body></html>")
    to.edit_package(path, lambda parts: parts.update({"word/afchunk1.htm": page}))
    [found] = [p for p in parse_form(path).problems if p.code == "content-not-read"]
    assert found.extra["text"] == "One & two\nthree"


def test_outside_the_answers_a_picture_is_a_notice_and_a_diagrams_words_are_unclaimed(
        bases: dict[str, tc.Base], tmp_path: Path) -> None:
    """A logo below a table is in no answer: a notice. A diagram's words there are typed text no answer holds:
    a warning, and listed in ``unclaimed`` as text below a table is."""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    assert ("content-not-read", "1.5", None, "info") in codes(bases, "pic-below", tmp_path / "a")
    path, _, _ = to.make(bases["sa2003"], CASES["smartart-below"], tmp_path / "b")
    response = parse_form(path)
    assert [(p.code, p.severity) for p in response.problems if p.code == "content-not-read"] == [
        ("content-not-read", "warning")]
    [piece] = [u for u in response.unclaimed if u.where == "below-table"]
    assert piece.text == "\n".join(to.DIAGRAM_WORDS) and piece.item == "1.5" and piece.table == 2
