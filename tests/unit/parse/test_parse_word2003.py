"""Word 2003 XML returns ("Word XML Document", .xml) are read through LibreOffice, like .doc/.odt/.rtf.

Word 2003 has no content controls: a respondent there ticks by typing an X.
The returns here are a filled form with its checkboxes replaced by typed
X's, saved by LibreOffice as Word 2003 XML (and as .doc). A batch of such
files is converted in one LibreOffice start, inputs with the same name in
different folders included, and no input is changed.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from docxform import api
from docxform.framework import load_framework
from docxform.generate.form import FormOptions
from docxform.generate.output import generate_form
from docxform.io import office
from docxform.oxml.fill import edit_document, fill
from docxform.parse import parse_form
from tests.support.lo import convert, soffice_or_skip
from tests.unit.parse.test_parse_robust import PARTNERSHIP, Filled, answers, codes, items_of, rating_missing, strip_controls, w

W14 = "http://schemas.microsoft.com/office/word/2010/wordml"


def ticks_typed(root: etree._Element) -> None:
    """Every checkbox control replaced by what a Word 2003 user types: "X" when ticked, nothing otherwise."""
    for sdt in list(root.iter(w("sdt"))):
        box = sdt.find(f"{w('sdtPr')}/{{{W14}}}checkbox")
        if box is None:
            continue
        checked = box.find(f"{{{W14}}}checked")
        ticked = checked is not None and checked.get(f"{{{W14}}}val") == "1"
        run = etree.Element(w("r"))
        etree.SubElement(run, w("t")).text = "X" if ticked else ""
        sdt.addprevious(run)
        sdt.getparent().remove(sdt)
    strip_controls(root.find(w("body")))


@pytest.fixture(scope="module")
def returns(tmp_path_factory: pytest.TempPathFactory) -> tuple[Filled, dict[str, Path]]:
    """One filled sa2003 return as Word 2003 XML twice (same name, two folders) and as .doc."""
    soffice_or_skip()
    folder = tmp_path_factory.mktemp("word2003")
    fw = load_framework("sa2003")
    generate_form(fw, folder / "blank.docx", FormOptions(), partnership=PARTNERSHIP)
    ratings, texts = answers(fw, None)
    fill(folder / "blank.docx", folder / "filled.docx", ratings, texts, {})
    typed = edit_document(folder / "filled.docx", folder / "return.docx", ticks_typed)
    [xml] = convert([typed], "xml:MS Word 2003 XML", folder / "a")
    [doc] = convert([typed], "doc", folder / "c")
    second = folder / "b" / "return.xml"
    second.parent.mkdir()
    second.write_bytes(xml.read_bytes())
    filled = Filled("sa2003", fw, typed, ratings, texts, {"partnership": PARTNERSHIP})
    return filled, {"a": xml, "b": second, "c": doc}


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def check(result: dict[str, Any], f: Filled, source: str) -> None:
    assert items_of(result) == f.expected()
    assert codes(result) == sorted([*rating_missing(f), ("controls-lost", None)])
    lost = next(p for p in result["problems"] if p["code"] == "controls-lost")
    assert f"converted from {source}" in lost["message"]


@pytest.mark.libreoffice
def test_word_2003_xml_return_is_read(returns: tuple[Filled, dict[str, Path]]) -> None:
    f, files = returns
    assert files["a"].read_bytes().find(b"<w:wordDocument") > 0
    check(parse_form(files["a"]).to_dict(), f, "Word 2003 XML")


@pytest.mark.libreoffice
def test_batch_converts_in_one_libreoffice_start(returns: tuple[Filled, dict[str, Path]],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    f, files = returns
    before = {k: sha(p) for k, p in files.items()}
    starts: list[int] = []
    real = office.convert

    def counted(inputs: Any, *args: Any, **kwargs: Any) -> Any:
        starts.append(len(inputs))
        return real(inputs, *args, **kwargs)

    monkeypatch.setattr(office, "convert", counted)
    outcomes = list(api.parse([files["a"], files["b"], files["c"]]))
    assert starts == [3]  # three conversions, one start
    assert [o.error for o in outcomes] == [None, None, None]
    for outcome, source in zip(outcomes, ("Word 2003 XML", "Word 2003 XML", ".doc"), strict=True):
        assert outcome.result is not None
        check(outcome.result, f, source)
    assert [o.result["source"]["path"] for o in outcomes if o.result] == [str(files[k]) for k in "abc"]
    assert {k: sha(p) for k, p in files.items()} == before  # inputs untouched


def test_xml_that_is_not_word_2003_is_refused_in_one_line(tmp_path: Path) -> None:
    other = tmp_path / "notes.xml"
    other.write_text('<?xml version="1.0"?><notes><note>hello</note></notes>')
    [outcome] = api.parse([other])
    assert outcome.result is None and outcome.error is not None
    line = outcome.error.describe()
    assert line.startswith(str(other)) and "not a Word 2003 XML document" in line
    assert "\n" not in line


def test_folder_of_returns_includes_word_2003_xml_only(tmp_path: Path) -> None:
    (tmp_path / "return.xml").write_text('<?xml version="1.0"?><w:wordDocument '
                                         'xmlns:w="http://schemas.microsoft.com/office/word/2003/wordml"/>')
    (tmp_path / "notes.xml").write_text("<notes/>")
    (tmp_path / "form.docx").write_bytes(b"")
    assert [p.name for p in api.expand_paths([str(tmp_path)])] == ["form.docx", "return.xml"]
