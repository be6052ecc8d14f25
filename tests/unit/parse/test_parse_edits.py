"""Returns edited the way respondents edit a Word table: every value comes back right, or flagged.

Each edit is made by direct XML changes that mirror what Word writes (a
column inserted or deleted, two cells merged, a row added to continue an
answer, a header cell retyped, a Symbol-font sign, a text box), on a form
filled by script; with its controls kept ("tags") and with them gone
("no-controls", as after a trip through a program without content
controls), and some saved as .doc by LibreOffice. The expected values are
the answers typed, exactly, or the problem that flags a value not read.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from docxform.framework import load_framework
from docxform.generate.form import FormOptions
from docxform.generate.output import generate_form
from docxform.oxml.fill import fill
from docxform.parse import parse_form
from tests.support.lo import convert, soffice_or_skip
from tests.unit.parse.test_parse_robust import (
    PARTNERSHIP,
    Filled,
    answers,
    both,
    by_code,
    cell_text,
    codes,
    edit,
    item_row,
    items_of,
    rating_missing,
    set_texts,
    strip_controls,
    unclaimed,
    w,
)

RAG = ("Green", "Amber", "Red")
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
WPS = "http://schemas.microsoft.com/office/word/2010/wordprocessingShape"
V = "urn:schemas-microsoft-com:vml"
# sa2003 item tables: header cells (STANDARD spans the id and text columns), then one cell per grid column.
HEADER_COMMENTS, ROW_COMMENTS = 5, 6


@pytest.fixture(scope="module")
def sa2003(tmp_path_factory: pytest.TempPathFactory) -> Filled:
    """The sa2003 form generated and filled by script (varied ratings, two-paragraph texts, some blanks)."""
    folder = tmp_path_factory.mktemp("sa2003")
    fw = load_framework("sa2003")
    generate_form(fw, folder / "blank.docx", FormOptions(), partnership=PARTNERSHIP)
    ratings, texts = answers(fw, None)
    fill(folder / "blank.docx", folder / "filled.docx", ratings, texts, {})
    return Filled("sa2003", fw, folder / "filled.docx", ratings, texts, {"partnership": PARTNERSHIP})


@pytest.fixture(params=["tags", "no-controls"])
def mode(request: pytest.FixtureRequest) -> str:
    """With the form's controls kept, or with every control unwrapped (as a program without them leaves it)."""
    return str(request.param)


def item_tables(body: etree._Element) -> list[etree._Element]:
    return [t for t in body.iter(w("tbl")) if cell_text(t.find(w("tr")).find(w("tc"))) == "STANDARD"]


def header_and_items(table: etree._Element) -> tuple[etree._Element, list[etree._Element]]:
    rows = list(table.iterchildren(w("tr")))
    return rows[0], rows[1:]


def new_cell(text: str, span: int = 1) -> etree._Element:
    tc = etree.Element(w("tc"))
    pr = etree.SubElement(tc, w("tcPr"))
    if span > 1:
        etree.SubElement(pr, w("gridSpan")).set(w("val"), str(span))
    etree.SubElement(etree.SubElement(etree.SubElement(tc, w("p")), w("r")), w("t")).text = text
    return tc


def insert_rag_column(body: etree._Element, header_text: str = "RAG status") -> None:
    """A "RAG status" column after the rating columns, filled in Green/Amber/Red (typed: no control)."""
    n = 0
    for table in item_tables(body):
        grid = table.find(w("tblGrid"))
        grid[ROW_COMMENTS].addprevious(copy.deepcopy(grid[ROW_COMMENTS]))
        header, rows = header_and_items(table)
        header.findall(w("tc"))[HEADER_COMMENTS].addprevious(new_cell(header_text))
        for tr in rows:
            tr.findall(w("tc"))[ROW_COMMENTS].addprevious(new_cell(RAG[n % 3]))
            n += 1


def delete_comments_column(body: etree._Element) -> None:
    for table in item_tables(body):
        grid = table.find(w("tblGrid"))
        grid.remove(grid[ROW_COMMENTS])
        header, rows = header_and_items(table)
        header.remove(header.findall(w("tc"))[HEADER_COMMENTS])
        for tr in rows:
            tr.remove(tr.findall(w("tc"))[ROW_COMMENTS])


def merge_comments_and_evidence(item: str) -> Callable[[etree._Element], None]:
    """Word's horizontal merge: the first cell spans both grid columns and holds both cells' content."""
    def change(body: etree._Element) -> None:
        tr = item_row(body, item)
        first, second = tr.findall(w("tc"))[ROW_COMMENTS:ROW_COMMENTS + 2]
        etree.SubElement(first.find(w("tcPr")), w("gridSpan")).set(w("val"), "2")
        for child in list(second):
            if child.tag != w("tcPr"):
                first.append(child)
        tr.remove(second)
    return change


def continuation_row(item: str, text: str, *, spanning: bool = False) -> Callable[[etree._Element], None]:
    """A row added under the item: blank but for ``text`` in its comments cell (or in one cell across the row)."""
    def change(body: etree._Element) -> None:
        row = item_row(body, item)
        extra = copy.deepcopy(row)
        set_texts(extra, "")
        if spanning:
            for tc in extra.findall(w("tc")):
                extra.remove(tc)
            extra.append(new_cell(text, span=9))
        else:
            extra.findall(w("tc"))[ROW_COMMENTS].find(w("p")).find(w("r")).find(w("t")).text = text
        row.addnext(extra)
    return change


def retype_header(index: int, text: str) -> Callable[[etree._Element], None]:
    """One header cell of every item table retyped (a stray note in place of the column's name)."""
    def change(body: etree._Element) -> None:
        for table in item_tables(body):
            header, _ = header_and_items(table)
            set_texts_cell(header.findall(w("tc"))[index], text)
    return change


def set_texts_cell(tc: etree._Element, text: str) -> None:
    for child in list(tc):
        if child.tag != w("tcPr"):
            tc.remove(child)
    etree.SubElement(etree.SubElement(etree.SubElement(tc, w("p")), w("r")), w("t")).text = text


def blank_headers(body: etree._Element) -> None:
    for table in item_tables(body):
        header, _ = header_and_items(table)
        set_texts(header, "")


def add_to_comments(item: str, *runs: etree._Element) -> Callable[[etree._Element], None]:
    """Append a paragraph made of ``runs`` to the item's comments (inside its control, if it still has one)."""
    def change(body: etree._Element) -> None:
        tc = item_row(body, item).findall(w("tc"))[ROW_COMMENTS]
        content = next(tc.iter(w("sdtContent")), tc)
        paragraph = etree.Element(w("p"))
        for run in runs:
            paragraph.append(run)
        typed = [q for q in content.iterchildren(w("p")) if cell_text(q)]
        if typed:
            typed[-1].addnext(paragraph)  # after the answer's last line, not after the cell's closing paragraph
        else:
            content.append(paragraph)
    return change


def run(text: str) -> etree._Element:
    r = etree.Element(w("r"))
    t = etree.SubElement(r, w("t"))
    t.text = text
    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return r


def symbol_run(char: str) -> etree._Element:
    r = etree.Element(w("r"))
    sym = etree.SubElement(r, w("sym"))
    sym.set(w("font"), "Symbol")
    sym.set(w("char"), char)
    return r


def text_box_run(text: str, *, drawingml: bool = True) -> etree._Element:
    """A floating text box as Word writes it: DrawingML with a VML fallback (or VML alone, as older Word)."""
    def box_content() -> etree._Element:
        content = etree.Element(w("txbxContent"))
        etree.SubElement(content, w("p")).append(run(text))
        return content

    r = etree.Element(w("r"))
    pict = etree.Element(w("pict"))
    shape = etree.SubElement(pict, f"{{{V}}}shape")
    etree.SubElement(shape, f"{{{V}}}textbox").append(box_content())
    if not drawingml:
        r.append(pict)
        return r
    alternate = etree.SubElement(r, f"{{{MC}}}AlternateContent")
    choice = etree.SubElement(alternate, f"{{{MC}}}Choice")
    choice.set("Requires", "wps")
    anchor = etree.SubElement(etree.SubElement(choice, w("drawing")), "{http://schemas.openxmlformats.org/"
                              "drawingml/2006/wordprocessingDrawing}anchor")
    graphic = etree.SubElement(anchor, "{http://schemas.openxmlformats.org/drawingml/2006/main}graphic")
    data = etree.SubElement(graphic, "{http://schemas.openxmlformats.org/drawingml/2006/main}graphicData")
    wsp = etree.SubElement(data, f"{{{WPS}}}wsp")
    etree.SubElement(wsp, f"{{{WPS}}}txbx").append(box_content())
    etree.SubElement(alternate, f"{{{MC}}}Fallback").append(pict)
    return r


def parse_edited(f: Filled, tmp_path: Path, mode: str, change: Callable[[etree._Element], None],
                 name: str = "edited") -> dict[str, Any]:
    run_change = both(strip_controls, change) if mode == "no-controls" else change
    return parse_form(edit(f.path, tmp_path / f"{name}.docx", run_change)).to_dict()


def document_codes(mode: str) -> list[tuple[str, None]]:
    return [("tags-lost", None)] if mode == "no-controls" else []


def expected_without(f: Filled, field: str) -> dict[str, dict[str, Any]]:
    expected = f.expected()
    for answer in expected.values():
        answer[field] = ""
    return expected


def problem_fields(result: dict[str, Any], code: str) -> list[tuple[str | None, str | None]]:
    return sorted((p["item"], p["field"]) for p in result["problems"] if p["code"] == code)


# --- a column inserted or deleted

def rag_unclaimed(f: Filled, header: str | None = None) -> list[tuple[str, str | None, str]]:
    """The inserted column's Green/Amber/Red, one per item row: text no answer of the form holds.

    With ``header``: the column's header, typed over each item table, comes first in each table (a header
    the blank form does not print is the respondent's text too).
    """
    out: list[tuple[str, str | None, str]] = []
    for n, item in enumerate(f.framework.items):
        if header is not None and item.id == f.framework.items_in(item.theme_id)[0].id:
            out.append(("table", None, header))
        out.append(("row", item.id, RAG[n % 3]))
    return out


def header_codes(f: Filled) -> list[tuple[str, None]]:
    """One text-unclaimed per item table for a header cell typed by the respondent."""
    return [("text-unclaimed", None)] * len(f.framework.themes)


def test_rag_column_inserted_after_the_ratings(sa2003: Filled, tmp_path: Path, mode: str) -> None:
    f = sa2003
    result = parse_edited(f, tmp_path, mode, insert_rag_column)
    assert items_of(result) == f.expected()  # no comment reads "Green", no evidence holds the comments
    assert unclaimed(result) == rag_unclaimed(f, "RAG status")  # nor is the RAG status lost: it is reported
    assert codes(result) == by_code([*rating_missing(f), *document_codes(mode),
                                     *(("text-unclaimed", i) for _, i, _ in rag_unclaimed(f, "RAG status"))])
    if mode == "no-controls":
        answer = result["items"]["1.1"]
        assert answer["provenance"]["comments"] == "anchor"  # the header's column, not the mapping's position
        assert answer["cells"]["comments"] == {"table": 2, "row": 2, "cell": 8}


def test_inserted_column_headed_like_its_neighbour_does_not_take_its_answers(sa2003: Filled, tmp_path: Path,
                                                                             mode: str) -> None:
    """A header that starts with another column's label ("Comments on rating") loses to the exact label."""
    f = sa2003
    result = parse_edited(f, tmp_path, mode, lambda body: insert_rag_column(body, "Comments on rating"))
    assert items_of(result) == f.expected()  # no comment reads "Amber"
    assert unclaimed(result) == rag_unclaimed(f, "Comments on rating")
    assert codes(result) == by_code([*rating_missing(f), *document_codes(mode),
                                     *(("text-unclaimed", i) for _, i, _ in rag_unclaimed(f, "Comments on rating"))])


def test_comments_column_deleted(sa2003: Filled, tmp_path: Path, mode: str) -> None:
    f = sa2003
    result = parse_edited(f, tmp_path, mode, delete_comments_column)
    assert items_of(result) == expected_without(f, "comments")  # evidence stays evidence
    every_item = [(i.id, "comments") for i in f.framework.items]
    assert problem_fields(result, "column-missing") == sorted(every_item)
    assert codes(result) == sorted([*rating_missing(f), *document_codes(mode),
                                    *(("column-missing", i) for i, _ in every_item)])


@pytest.fixture(scope="module")
def columns_as_doc(sa2003: Filled, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Both column edits (controls kept) saved as .doc by LibreOffice, one start for both."""
    soffice_or_skip()
    folder = tmp_path_factory.mktemp("columns")
    f = sa2003
    edits = {"rag": insert_rag_column, "deleted": delete_comments_column}
    sources = [edit(f.path, folder / f"{name}.docx", change) for name, change in edits.items()]
    docs = convert(sources, "doc", folder / "doc")
    return dict(zip(edits, docs, strict=True))


@pytest.mark.libreoffice
def test_rag_column_inserted_and_saved_as_doc(sa2003: Filled, columns_as_doc: dict[str, Path]) -> None:
    f = sa2003
    result = parse_form(columns_as_doc["rag"]).to_dict()
    assert items_of(result) == f.expected()
    assert unclaimed(result) == rag_unclaimed(f, "RAG status")  # reported after the .doc round trip too
    assert codes(result) == by_code([*rating_missing(f), ("controls-lost", None),
                                     *(("text-unclaimed", i) for _, i, _ in rag_unclaimed(f, "RAG status"))])
    assert result["items"]["2.1"]["provenance"]["evidence"] == "anchor"


@pytest.mark.libreoffice
def test_comments_column_deleted_and_saved_as_doc(sa2003: Filled,
                                                  columns_as_doc: dict[str, Path]) -> None:
    f = sa2003
    result = parse_form(columns_as_doc["deleted"]).to_dict()
    assert items_of(result) == expected_without(f, "comments")
    assert problem_fields(result, "column-missing") == sorted((i.id, "comments") for i in f.framework.items)
    assert {c for c, _ in codes(result)} == {"rating-missing", "controls-lost", "column-missing"}


# --- two answers merged into one cell

def test_merged_cell_with_both_controls_reads_each_controls_text(sa2003: Filled, tmp_path: Path) -> None:
    f = sa2003
    result = parse_edited(f, tmp_path, "tags", merge_comments_and_evidence("1.1"))
    assert items_of(result) == f.expected()
    assert result["items"]["1.1"]["comments"] == f.texts[("1.1", "comments")]
    assert result["items"]["1.1"]["evidence"] == f.texts[("1.1", "evidence")]
    assert codes(result) == sorted(rating_missing(f))


def test_merged_cell_without_controls_is_flagged(sa2003: Filled, tmp_path: Path) -> None:
    f = sa2003
    result = parse_edited(f, tmp_path, "no-controls", merge_comments_and_evidence("1.1"))
    expected = f.expected()
    both_texts = f.texts[("1.1", "comments")] + "\n" + f.texts[("1.1", "evidence")]
    merged = result["items"]["1.1"]["comments"]
    assert [line for line in merged.split("\n") if line] == both_texts.split("\n")  # the whole cell, flagged
    expected["1.1"]["comments"] = merged
    expected["1.1"]["evidence"] = ""
    assert items_of(result) == expected
    assert problem_fields(result, "cells-merged") == [("1.1", "comments"), ("1.1", "evidence")]
    assert codes(result) == sorted([*rating_missing(f), ("tags-lost", None), ("cells-merged", "1.1"),
                                    ("cells-merged", "1.1")])


# --- an answer continued in a row of its own

@pytest.mark.parametrize("spanning", [False, True], ids=["in-its-column", "across-the-row"])
def test_continuation_row_is_appended_and_reported(sa2003: Filled, tmp_path: Path, mode: str,
                                                   spanning: bool) -> None:
    f = sa2003
    change = continuation_row("1.1", "Comments (cont.): and the panel met twice more.", spanning=spanning)
    result = parse_edited(f, tmp_path, mode, change)
    expected = f.expected()
    expected["1.1"]["comments"] += "\nand the panel met twice more."
    assert items_of(result) == expected
    assert codes(result) == sorted([*rating_missing(f), *document_codes(mode), ("row-continued", "1.1")])
    continued = next(p for p in result["problems"] if p["code"] == "row-continued")
    assert continued["field"] == "comments"
    assert {k: v for k, v in continued["location"].items() if k != "file"} == {"table": 2, "row": 3}


@pytest.mark.parametrize("spanning", [False, True], ids=["in-its-column", "across-the-row"])
def test_a_continuation_row_further_down_is_read_not_also_reported_unclaimed(sa2003: Filled, tmp_path: Path,
                                                                             mode: str, spanning: bool) -> None:
    """Below 1.4 (not in the first rows, which pass for a header): the text read is not "text no answer holds"."""
    f = sa2003
    result = parse_edited(f, tmp_path, mode, continuation_row("1.4", "Comments (cont.): the panel met again.",
                                                              spanning=spanning))
    expected = f.expected()
    expected["1.4"]["comments"] += "\nthe panel met again."
    assert items_of(result) == expected
    assert codes(result) == sorted([*rating_missing(f), *document_codes(mode), ("row-continued", "1.4")])
    assert not result.get("unclaimed")


def test_a_continuation_row_carrying_the_next_items_checkboxes_leaves_that_item_at_its_own_row(
        sa2003: Filled, tmp_path: Path) -> None:
    """LibreOffice's Insert Rows Below under 1.1 copies the checkbox controls of the row below (1.2's) into the new row.

    The item's rating is still read at its own row (the one its id names), so its rating-missing finding and
    a feedback comment on it go there, not into the continuation row above it.
    """
    f = sa2003
    ids = [i.id for i in f.framework.items]
    item = next(i for i in f.unrated() if ids.index(i) > 0)
    above = ids[ids.index(item) - 1]

    def change(body: etree._Element) -> None:
        extra = copy.deepcopy(item_row(body, item))
        cells = extra.findall(w("tc"))
        for index in (0, 1, *range(ROW_COMMENTS, len(cells))):
            set_texts_cell(cells[index], "")
        set_texts_cell(cells[ROW_COMMENTS], "Comments (cont.): the panel met again.")
        item_row(body, above).addnext(extra)

    result = parse_edited(f, tmp_path, "tags", change)
    expected = f.expected()
    expected[above]["comments"] = "\n".join(t for t in (expected[above]["comments"], "the panel met again.") if t)
    assert items_of(result) == expected
    own = result["items"][item]["cells"]["comments"]["row"]
    assert result["items"][item]["cells"]["rating"]["row"] == own
    missing = next(p for p in result["problems"] if p["code"] == "rating-missing" and p["item"] == item)
    assert missing["location"]["row"] == own
    assert not result.get("unclaimed")


# --- a header naming only some of the answer columns

@pytest.mark.parametrize("index, field", [(6, "evidence"), (7, "goals")])
def test_stray_text_in_one_header_cell(sa2003: Filled, tmp_path: Path, mode: str, index: int,
                                       field: str) -> None:
    f = sa2003
    result = parse_edited(f, tmp_path, mode, retype_header(index, "see note 3 below"))
    assert items_of(result) == f.expected()
    assert codes(result) == sorted([*rating_missing(f), *document_codes(mode), *header_codes(f)])
    assert set(unclaimed(result)) == {("table", None, "see note 3 below")}  # the note typed: reported, not dropped
    if mode == "no-controls":
        assert result["items"]["1.1"]["provenance"][field] == "position"  # checked against its neighbours


def test_stray_header_with_rows_moved_reads_by_neighbours(sa2003: Filled, tmp_path: Path) -> None:
    """Rows below an added row are found by their ids; the unnamed column by its neighbours."""
    f = sa2003
    change = both(retype_header(6, "(see annex)"), continuation_row("1.1", ""))
    result = parse_edited(f, tmp_path, "no-controls", change)
    assert items_of(result) == f.expected()
    assert result["items"]["1.2"]["provenance"]["evidence"] == "anchor"
    assert codes(result) == sorted([*rating_missing(f), ("tags-lost", None), *header_codes(f)])


def test_stray_header_next_to_a_deleted_column_is_flagged(sa2003: Filled, tmp_path: Path) -> None:
    """Neighbours that disagree place nothing: the unnamed column's answers are reported, not guessed."""
    f = sa2003
    change = both(delete_comments_column, retype_header(5, "(see annex)"))  # evidence's header, after the deletion
    result = parse_edited(f, tmp_path, "no-controls", change)
    expected = expected_without(f, "comments")
    for answer in expected.values():
        answer["evidence"] = ""
    assert items_of(result) == expected
    assert problem_fields(result, "column-missing") == sorted(
        (i.id, k) for i in f.framework.items for k in ("comments", "evidence"))


def test_position_with_no_header_at_all_is_read_and_flagged(sa2003: Filled, tmp_path: Path) -> None:
    f = sa2003
    result = parse_edited(f, tmp_path, "no-controls", blank_headers)
    assert items_of(result) == f.expected()
    flagged = problem_fields(result, "value-unconfirmed")
    assert ("1.1", "comments") in flagged and ("5.2", "rating") in flagged
    assert len(flagged) == len(f.framework.items) * 4  # rating, comments, evidence, goals of every item


# --- symbols and text boxes

def test_symbol_font_sign_becomes_its_character(sa2003: Filled, tmp_path: Path, mode: str) -> None:
    f = sa2003
    change = add_to_comments("1.1", run("Response times "), symbol_run("F0B3"), run(" 95% ("), symbol_run("F061"),
                             run(" = 0.05)"))
    result = parse_edited(f, tmp_path, mode, change)
    expected = f.expected()
    expected["1.1"]["comments"] += "\nResponse times \u2265 95% (\u03b1 = 0.05)"
    assert items_of(result) == expected
    assert codes(result) == sorted([*rating_missing(f), *document_codes(mode)])


@pytest.mark.parametrize("drawingml", [True, False], ids=["drawingml-with-vml-fallback", "vml"])
def test_text_in_a_text_box_is_read_once(sa2003: Filled, tmp_path: Path, mode: str,
                                         drawingml: bool) -> None:
    f = sa2003
    change = add_to_comments("1.2", run("See the box:"), text_box_run("Met 4 of 5 targets.", drawingml=drawingml))
    result = parse_edited(f, tmp_path, mode, change)
    expected = f.expected()
    expected["1.2"]["comments"] = "\n".join(filter(None, [expected["1.2"]["comments"],
                                                          "See the box:\nMet 4 of 5 targets."]))
    assert items_of(result) == expected
    assert codes(result) == sorted([*rating_missing(f), *document_codes(mode)])


@pytest.mark.libreoffice
def test_symbol_and_text_box_survive_a_libreoffice_resave(sa2003: Filled, tmp_path: Path) -> None:
    """LibreOffice writes the sign as private-use text in a Symbol-font run, and the box its own way."""
    soffice_or_skip()
    f = sa2003
    change = both(add_to_comments("1.1", run("Response times "), symbol_run("F0B3"), run(" 95%")),
                  add_to_comments("1.2", run("See the box:"), text_box_run("Met 4 of 5 targets.")))
    source = edit(f.path, tmp_path / "signs.docx", change)
    [resaved] = convert([source], "docx:MS Word 2007 XML", tmp_path / "lo")
    result = parse_form(resaved).to_dict()
    expected = f.expected()
    expected["1.1"]["comments"] += "\nResponse times \u2265 95%"
    # LibreOffice anchors the box at the start of its paragraph: its text comes first.
    expected["1.2"]["comments"] = "\n".join(filter(None, [expected["1.2"]["comments"],
                                                          "Met 4 of 5 targets.\nSee the box:"]))
    assert items_of(result) == expected


def test_braintree_header_with_a_stray_note_over_one_answer_column(tmp_path: Path) -> None:
    """Seed 004 above item 43: "(41a)." typed over "Partnership position"; the column is placed by its neighbours."""
    from tests.unit.parse.test_parse_foreign import (
        BRAINTREE,
        braintree_docx,
        nothing_unclaimed,
    )

    source = braintree_docx(tmp_path / "braintree.docx")

    def stray_note(body: etree._Element) -> None:
        for tr in body.iter(w("tr")):
            cells = tr.findall(w("tc"))
            if len(cells) == 5 and cell_text(cells[2]) == "Partnership position (and date)":
                following = tr.getparent().findall(w("tr"))[2]
                if "43" in [cell_text(p) for p in following.findall(w("tc"))[0].iter(w("p"))]:
                    set_texts_cell(cells[2], "(41a).")
                    return
        raise AssertionError("no header above item 43")

    result = parse_form(edit(source, tmp_path / "edited.docx", stray_note),
                        mapping="hallmarks2007-braintree-original").to_dict()
    assert items_of(result) == BRAINTREE
    assert result["items"]["43"]["provenance"]["position"] == "anchor"
    assert nothing_unclaimed(result)


def delete_rating_columns(body: etree._Element) -> None:
    """The four level columns removed (a respondent who rates in words elsewhere, or not at all)."""
    for table in item_tables(body):
        grid = table.find(w("tblGrid"))
        for col in list(grid)[2:6]:
            grid.remove(col)
        header, rows = header_and_items(table)
        for tc in header.findall(w("tc"))[1:5]:
            header.remove(tc)
        for tr in rows:
            for tc in tr.findall(w("tc"))[2:6]:
                tr.remove(tc)


def test_rating_columns_deleted(sa2003: Filled, tmp_path: Path, mode: str) -> None:
    """No level column left: every rating is reported missing as a column, the texts are still read exactly."""
    f = sa2003
    result = parse_edited(f, tmp_path, mode, delete_rating_columns)
    expected = f.expected()
    for answer in expected.values():
        answer["rating"] = None
    assert items_of(result) == expected
    every_item = [(i.id, "rating") for i in f.framework.items]
    assert problem_fields(result, "column-missing") == sorted(every_item)
    assert codes(result) == sorted([*document_codes(mode), *(("column-missing", i) for i, _ in every_item)])
