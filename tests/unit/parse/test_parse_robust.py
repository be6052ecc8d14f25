"""Returns that went through other programs or other hands read back exactly, or say why not.

Forms are generated and filled in code (tests/filler.py), then re-saved by
headless LibreOffice (tags lost: answers found by alias), converted to .doc
and back (controls lost: answers found by position and anchors), or edited
the way people edit tables: rows added, duplicated or deleted, a table split
in two, a merged title row, a header retyped in lower case.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from docxform.framework import load_framework
from docxform.framework.model import Framework
from docxform.generate.form import FormOptions
from docxform.generate.output import generate_form
from docxform.oxml.fill import edit_document, fill
from docxform.parse import parse_form
from tests.support.lo import convert, soffice_or_skip
from tests.support.trialcorpus import unwrap

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
PARTNERSHIP = "Salford Crime and Disorder Partnership"
CASES = {
    "sa2003": ("sa2003", None),
    "stocktake2003": ("stocktake2003", None),
    "hallmarks2007-braintree": ("hallmarks2007", "braintree"),
    "hallmarks2007-issue_action": ("hallmarks2007", "issue_action"),
    "beacon2003": ("beacon2003", None),
}
EXTRA_FIELDS = {"sa2003": {"assessment_month": "October", "assessment_year": "2003"},
                "stocktake2003": {"chair_date": "17th October 2003"},
                "hallmarks2007-braintree": {"completed_by": "Community Safety Manager"},
                "hallmarks2007-issue_action": {"review_date": "November 2007"},
                "beacon2003": {}}


def w(name: str) -> str:
    return f"{{{W}}}{name}"


@dataclass
class Filled:
    key: str
    framework: Framework
    path: Path
    ratings: dict[str, str]
    texts: dict[tuple[str, str], str]
    fields: dict[str, str]

    def expected(self) -> dict[str, dict[str, Any]]:
        """Every item's answers as parse_form should report them (provenance aside)."""
        layout = self.framework.form(CASES[self.key][1])
        assert layout.items_block is not None
        columns = [c for c in layout.items_block.columns if c != "rating"]
        out: dict[str, dict[str, Any]] = {}
        for item in self.framework.items:
            answer: dict[str, Any] = {"rating": self.ratings.get(item.id)} if self.framework.rating_scale else {}
            answer.update({c: self.texts.get((item.id, c), "") for c in columns})
            out[item.id] = answer
        return out

    def unrated(self) -> set[str]:
        if self.framework.rating_scale is None:
            return set()
        return {i for i in self.framework.item_ids if i not in self.ratings}


def answers(fw: Framework, layout: str | None) -> tuple[dict[str, str], dict[tuple[str, str], str]]:
    """Varied answers: most items rated (every level used), texts with paragraph breaks, some blanks."""
    form = fw.form(layout)
    assert form.items_block is not None
    levels = fw.rating_scale.keys if fw.rating_scale else ()
    ratings: dict[str, str] = {}
    texts: dict[tuple[str, str], str] = {}
    for n, item in enumerate(fw.items):
        if levels and n % 5 != 4:
            ratings[item.id] = levels[n % len(levels)]
        for column in form.items_block.columns:
            if column != "rating" and n % 3 != 2:
                texts[(item.id, column)] = (f"{column} for {item.id}: the first paragraph & <more>\n"
                                            f"Second paragraph, about “{item.id}”.")
    return ratings, texts


def annexed_blank_and_filled(key: str, folder: Path) -> tuple[Path, Path]:
    """A shipped layout (``CASES[key]``) generated with its guidance annex, blank and filled with :func:`answers`."""
    framework_id, layout = CASES[key]
    fw = load_framework(framework_id)
    blank, filled = folder / "blank.docx", folder / "filled.docx"
    generate_form(fw, blank, FormOptions(layout=layout, guidance_annex=True), partnership=PARTNERSHIP)
    ratings, texts = answers(fw, layout)
    fill(blank, filled, ratings, texts, EXTRA_FIELDS[key])
    return blank, filled


def filled_sa2003(folder: Path) -> Filled:
    """A generated sa2003 form filled with :func:`answers` (the partnership named): the return many tests edit."""
    fw = load_framework("sa2003")
    generate_form(fw, folder / "blank.docx", FormOptions(), partnership=PARTNERSHIP)
    ratings, texts = answers(fw, None)
    fill(folder / "blank.docx", folder / "filled.docx", ratings, texts, {})
    return Filled("sa2003", fw, folder / "filled.docx", ratings, texts, {"partnership": PARTNERSHIP})


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Filled]:
    folder = tmp_path_factory.mktemp("filled")
    out: dict[str, Filled] = {}
    for key, (framework_id, layout) in CASES.items():
        fw = load_framework(framework_id)
        blank = folder / f"{key}-blank.docx"
        generate_form(fw, blank, FormOptions(layout=layout) if layout else FormOptions(), partnership=PARTNERSHIP)
        ratings, texts = answers(fw, layout)
        fields = EXTRA_FIELDS[key]
        path = folder / f"{key}.docx"
        fill(blank, path, ratings, texts, fields)
        out[key] = Filled(key, fw, path, ratings, texts, {"partnership": PARTNERSHIP, **fields})
    return out


def _through_libreoffice(filled: dict[str, Filled], target: str, folder: Path) -> dict[str, Path]:
    soffice_or_skip()
    keys = list(filled)
    return dict(zip(keys, convert([filled[k].path for k in keys], target, folder), strict=True))


@pytest.fixture(scope="module")
def resaved(filled: dict[str, Filled], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every filled form opened and saved as .docx by LibreOffice (one run for all)."""
    return _through_libreoffice(filled, "docx:MS Word 2007 XML", tmp_path_factory.mktemp("lo"))


@pytest.fixture(scope="module")
def as_doc(filled: dict[str, Filled], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every filled form saved as Word 97 .doc by LibreOffice (one run for all)."""
    return _through_libreoffice(filled, "doc", tmp_path_factory.mktemp("doc"))


def items_of(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {k: {f: v for f, v in a.items() if f not in ("provenance", "cells")} for k, a in result["items"].items()}


def provenances(result: dict[str, Any]) -> set[str]:
    return {how for a in result["items"].values() for how in a["provenance"].values()}


def codes(result: dict[str, Any]) -> list[tuple[str, str | None]]:
    return by_code((p["code"], p["item"]) for p in result["problems"])


def by_code(found: Any) -> list[tuple[str, str | None]]:
    """(code, item) pairs in one order, problems naming no item first within a code."""
    return sorted(found, key=lambda pair: (pair[0], pair[1] or ""))


def unclaimed(result: dict[str, Any]) -> list[tuple[str, str | None, str]]:
    """The parse output's unclaimed text: (where, nearest item, text)."""
    return [(u["where"], u["item"], u["text"]) for u in result.get("unclaimed", [])]


def rating_missing(f: Filled) -> list[tuple[str, str | None]]:
    return [("rating-missing", i) for i in f.unrated()]


def check_fields(result: dict[str, Any], f: Filled) -> None:
    for key, value in f.fields.items():
        assert result["fields"][key] == value, key


# --- round trips

@pytest.mark.parametrize("key", list(CASES))
def test_filled_form_reads_back_by_tag(filled: dict[str, Filled], key: str) -> None:
    f = filled[key]
    result = parse_form(f.path).to_dict()
    assert items_of(result) == f.expected()
    assert provenances(result) == {"tag"}
    check_fields(result, f)
    assert codes(result) == sorted(rating_missing(f))


@pytest.mark.libreoffice
@pytest.mark.parametrize("key", list(CASES))
def test_libreoffice_resave_reads_back_by_alias(filled: dict[str, Filled], resaved: dict[str, Path],
                                                key: str) -> None:
    f = filled[key]
    result = parse_form(resaved[key]).to_dict()
    assert items_of(result) == f.expected()
    assert provenances(result) == {"alias"}
    check_fields(result, f)
    assert codes(result) == sorted([*rating_missing(f), ("tags-lost", None)])


@pytest.mark.libreoffice
@pytest.mark.parametrize("key", list(CASES))
def test_doc_round_trip_reads_back_by_position(filled: dict[str, Filled], as_doc: dict[str, Path],
                                               key: str) -> None:
    f = filled[key]
    result = parse_form(as_doc[key]).to_dict()
    assert items_of(result) == f.expected()
    assert provenances(result) == {"position"}  # controls gone, rows where the mapping says
    check_fields(result, f)
    assert codes(result) == sorted([*rating_missing(f), ("controls-lost", None)])
    lost = next(p for p in result["problems"] if p["code"] == "controls-lost")
    assert lost["severity"] == "warning"


# --- tables edited by hand

def edit(src: Path, dst: Path, change: Callable[[etree._Element], None]) -> Path:
    """Apply ``change`` to the body of a .docx and write the result to ``dst``."""
    return edit_document(src, dst, lambda root: change(root.find(w("body"))))


def strip_controls(body: etree._Element) -> None:
    """Replace every content control by its content: what a program without controls leaves behind."""
    for sdt in reversed(list(body.iter(w("sdt")))):
        unwrap(sdt)


def cell_text(tc: etree._Element) -> str:
    return "".join(x.text or "" for x in tc.iter(w("t"))).strip()


def item_row(body: etree._Element, item: str) -> etree._Element:
    for tr in body.iter(w("tr")):
        cells = tr.findall(w("tc"))
        if cells and cell_text(cells[0]) == item:
            return tr
    raise AssertionError(f"no row for {item}")


def set_texts(tr: etree._Element, text: str) -> None:
    """Put ``text`` in every cell of a row (all its paragraphs replaced by one)."""
    for tc in tr.findall(w("tc")):
        for child in list(tc):
            if child.tag != w("tcPr"):
                tc.remove(child)
        etree.SubElement(etree.SubElement(etree.SubElement(tc, w("p")), w("r")), w("t")).text = text


def blank_row_after(item: str) -> Callable[[etree._Element], None]:
    def change(body: etree._Element) -> None:
        row = item_row(body, item)
        extra = copy.deepcopy(row)
        set_texts(extra, "")
        row.addnext(extra)
    return change


def noted_row_after(item: str, note: str) -> Callable[[etree._Element], None]:
    """A row with no id but with text in the answer columns (someone's extra notes)."""
    def change(body: etree._Element) -> None:
        row = item_row(body, item)
        extra = copy.deepcopy(row)
        set_texts(extra, note)
        row.addnext(extra)
    return change


def duplicate_row(item: str) -> Callable[[etree._Element], None]:
    def change(body: etree._Element) -> None:
        row = item_row(body, item)
        row.addnext(copy.deepcopy(row))
    return change


def delete_row(item: str) -> Callable[[etree._Element], None]:
    def change(body: etree._Element) -> None:
        row = item_row(body, item)
        row.getparent().remove(row)
    return change


def split_table_before(item: str) -> Callable[[etree._Element], None]:
    """Split the table holding ``item`` in two at its row; the header is not repeated."""
    def change(body: etree._Element) -> None:
        row = item_row(body, item)
        table = row.getparent()
        second = etree.Element(w("tbl"))
        for child in table:
            if child.tag in (w("tblPr"), w("tblGrid")):
                second.append(copy.deepcopy(child))
        rows = list(table.iterchildren(w("tr")))
        for moved in rows[rows.index(row):]:
            second.append(moved)
        gap = etree.Element(w("p"))
        table.addnext(gap)
        gap.addnext(second)
    return change


def title_row_before(item: str, title: str) -> Callable[[etree._Element], None]:
    """A merged title row (one cell spanning the grid) at the top of the table holding ``item``."""
    def change(body: etree._Element) -> None:
        table = item_row(body, item).getparent()
        grid = len(table.find(w("tblGrid")).findall(w("gridCol")))
        tr = etree.Element(w("tr"))
        tc = etree.SubElement(tr, w("tc"))
        etree.SubElement(etree.SubElement(tc, w("tcPr")), w("gridSpan")).set(w("val"), str(grid))
        etree.SubElement(etree.SubElement(etree.SubElement(tc, w("p")), w("r")), w("t")).text = title
        table.find(w("tr")).addprevious(tr)
    return change


def lower_case_headers(body: etree._Element) -> None:
    for table in body.iterchildren(w("tbl")):
        first = table.find(w("tr"))
        for t in first.iter(w("t")):
            if t.text and t.text.isupper():
                t.text = t.text.lower()


def both(*changes: Callable[[etree._Element], None]) -> Callable[[etree._Element], None]:
    def change(body: etree._Element) -> None:
        for one in changes:
            one(body)
    return change


@pytest.fixture(params=["tags", "no-controls"])
def mode(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def edited(filled: dict[str, Filled], key: str, tmp_path: Path, mode: str,
           change: Callable[[etree._Element], None]) -> dict[str, Any]:
    """Parse the filled form after ``change`` (and, in no-controls mode, with every control unwrapped)."""
    run = both(strip_controls, change) if mode == "no-controls" else change
    return parse_form(edit(filled[key].path, tmp_path / f"{key}-edited.docx", run)).to_dict()


def document_codes(mode: str) -> list[tuple[str, None]]:
    return [("tags-lost", None)] if mode == "no-controls" else []


@pytest.mark.parametrize("key", ["sa2003", "stocktake2003"])
def test_blank_row_inserted_between_items(filled: dict[str, Filled], tmp_path: Path, mode: str, key: str) -> None:
    f = filled[key]
    result = edited(filled, key, tmp_path, mode, blank_row_after("1.2"))
    assert items_of(result) == f.expected()
    assert codes(result) == sorted([*rating_missing(f), *document_codes(mode)])
    if mode == "no-controls":
        assert result["items"]["1.1"]["provenance"]["rating"] == "position"
        assert result["items"]["1.3"]["provenance"]["rating"] == "anchor"  # its row moved down


def test_row_of_notes_without_an_id_is_reported(filled: dict[str, Filled], tmp_path: Path, mode: str) -> None:
    f = filled["sa2003"]
    result = edited(filled, "sa2003", tmp_path, mode, noted_row_after("1.2", "see the appendix"))
    assert items_of(result) == f.expected()
    assert codes(result) == sorted([*rating_missing(f), *document_codes(mode), ("row-not-read", "1.2")])
    extra = next(p for p in result["problems"] if p["code"] == "row-not-read")
    assert extra["severity"] == "warning"
    assert {k: v for k, v in extra["location"].items() if k != "file"} == {"table": 2, "row": 4}


def test_duplicated_item_row_is_combined_once(filled: dict[str, Filled], tmp_path: Path, mode: str) -> None:
    f = filled["sa2003"]
    result = edited(filled, "sa2003", tmp_path, mode, duplicate_row("1.2"))
    assert items_of(result) == f.expected()  # the copy says the same: nothing doubled
    assert codes(result) == sorted([*rating_missing(f), *document_codes(mode), ("item-duplicated", "1.2")])


def test_duplicated_row_with_other_answers_is_combined(filled: dict[str, Filled], tmp_path: Path,
                                                       mode: str) -> None:
    f = filled["sa2003"]

    def change(body: etree._Element) -> None:
        duplicate_row("1.1")(body)
        copy_row = item_row(body, "1.1").getnext()
        cells = copy_row.findall(w("tc"))
        set_texts(copy_row, "")
        cells[0].find(w("p")).find(w("r")).find(w("t")).text = "1.1"
        cells[6].find(w("p")).find(w("r")).find(w("t")).text = "A second comment."

    result = edited(filled, "sa2003", tmp_path, mode, change)
    expected = f.expected()
    expected["1.1"]["comments"] += "\nA second comment."
    assert items_of(result) == expected
    assert codes(result) == sorted([*rating_missing(f), *document_codes(mode), ("item-duplicated", "1.1")])


def test_row_under_a_vertically_merged_id_cell_belongs_to_the_item(filled: dict[str, Filled], tmp_path: Path,
                                                                    mode: str) -> None:
    f = filled["sa2003"]

    def change(body: etree._Element) -> None:
        row = item_row(body, "1.1")
        extra = copy.deepcopy(row)
        set_texts(extra, "")
        for tr, state in ((row, "restart"), (extra, None)):
            for tc in tr.findall(w("tc"))[:2]:
                tcpr = tc.find(w("tcPr"))
                merge = etree.SubElement(tcpr, w("vMerge"))
                if state:
                    merge.set(w("val"), state)
        extra.findall(w("tc"))[6].find(w("p")).find(w("r")).find(w("t")).text = "More comments."
        row.addnext(extra)

    result = edited(filled, "sa2003", tmp_path, mode, change)
    expected = f.expected()
    expected["1.1"]["comments"] += "\nMore comments."
    assert items_of(result) == expected
    assert codes(result) == sorted([*rating_missing(f), *document_codes(mode)])


def test_deleted_item_row_is_not_found(filled: dict[str, Filled], tmp_path: Path, mode: str) -> None:
    f = filled["sa2003"]
    result = edited(filled, "sa2003", tmp_path, mode, delete_row("1.3"))
    expected = f.expected()
    expected["1.3"] = {"rating": None, "comments": "", "evidence": "", "goals": ""}
    assert items_of(result) == expected
    assert result["items"]["1.3"]["provenance"] == {}
    missing = [c for c in rating_missing(f) if c[1] != "1.3"]
    assert codes(result) == sorted([*missing, *document_codes(mode), ("item-not-found", "1.3")])


@pytest.mark.parametrize("key, item", [("sa2003", "1.3"), ("stocktake2003", "2.3"),
                                       ("hallmarks2007-braintree", "3"), ("beacon2003", "1.3")])
def test_table_split_in_two_without_repeated_header(filled: dict[str, Filled], tmp_path: Path, mode: str,
                                                    key: str, item: str) -> None:
    f = filled[key]
    result = edited(filled, key, tmp_path, mode, split_table_before(item))
    assert items_of(result) == f.expected()
    assert codes(result) == sorted([*rating_missing(f), *document_codes(mode)])


@pytest.mark.parametrize("key", ["sa2003", "stocktake2003", "beacon2003"])
def test_merged_title_row_inserted(filled: dict[str, Filled], tmp_path: Path, mode: str, key: str) -> None:
    f = filled[key]
    result = edited(filled, key, tmp_path, mode, title_row_before("1.1", "SECTION ONE: LEADERSHIP"))
    assert items_of(result) == f.expected()
    # The title is the respondent's text, not the form's: kept in the output and reported, not dropped.
    assert unclaimed(result) == [("table", None, "SECTION ONE: LEADERSHIP")]
    assert codes(result) == by_code([*rating_missing(f), *document_codes(mode), ("text-unclaimed", None)])


@pytest.mark.parametrize("key", list(CASES))
def test_headers_retyped_in_lower_case(filled: dict[str, Filled], tmp_path: Path, mode: str, key: str) -> None:
    f = filled[key]
    result = edited(filled, key, tmp_path, mode, lower_case_headers)
    assert items_of(result) == f.expected()
    assert codes(result) == sorted([*rating_missing(f), *document_codes(mode)])


def test_everything_at_once_without_controls(filled: dict[str, Filled], tmp_path: Path) -> None:
    f = filled["sa2003"]
    change = both(lower_case_headers, title_row_before("2.1", "AUDIT"), split_table_before("1.4"),
                  blank_row_after("1.1"), delete_row("5.2"), duplicate_row("3.1"))
    result = edited(filled, "sa2003", tmp_path, "no-controls", change)
    expected = f.expected()
    expected["5.2"] = {"rating": None, "comments": "", "evidence": "", "goals": ""}
    assert items_of(result) == expected
    missing = [c for c in rating_missing(f) if c[1] != "5.2"]
    assert unclaimed(result) == [("table", None, "AUDIT")]
    assert codes(result) == by_code([*missing, ("tags-lost", None), ("item-not-found", "5.2"),
                                     ("item-duplicated", "3.1"), ("text-unclaimed", None)])
