"""Which form is this: recognised over all header rows, and accepted only with a margin over the runner-up.

The case behind it: a self-assessment form printed and retyped by hand, its
header over two rows ("RATING" merged over the four levels, the levels in the
row below), was taken for the stocktake when headers were compared one row at
a time (the stocktake's four levels were all its single row named).
"""

from __future__ import annotations

import copy
import zipfile
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import pytest
from lxml import etree

from docxform.core.errors import DocxformError
from docxform.framework import load_framework
from docxform.framework.mapping import load_mapping
from docxform.oxml.fill import edit_document
from docxform.parse import parse_form
from docxform.parse.anchors import header_map, header_rows_map
from docxform.parse.fields import LabelIndex
from docxform.parse.recognise import FRAMEWORK_MARGIN, LAYOUT_MARGIN, _rival, form_mappings, score
from docxform.parse.source import load_source
from tests.unit.parse.test_parse_robust import PARTNERSHIP, Filled, cell_text, filled_sa2003, items_of, strip_controls, w

FW = load_framework("sa2003")


@pytest.fixture(scope="module")
def sa2003(tmp_path_factory: pytest.TempPathFactory) -> Filled:
    return filled_sa2003(tmp_path_factory.mktemp("recognise"))


def _vmerge(tc: etree._Element, value: str | None) -> None:
    pr = tc.find(w("tcPr"))
    if pr is None:
        pr = etree.Element(w("tcPr"))
        tc.insert(0, pr)
    merge = etree.SubElement(pr, w("vMerge"))
    if value:
        merge.set(w("val"), value)


def two_row_header(body: etree._Element) -> None:
    """Every item table's header over two rows: STANDARD, RATING (merged over the levels) and the text
    columns' labels above, each merged down; the four levels in the row below."""
    for table in body.iter(w("tbl")):
        first = table.find(w("tr"))
        cells = first.findall(w("tc"))
        if not cells or cell_text(cells[0]) != "STANDARD":
            continue
        second = copy.deepcopy(first)
        rating = cells[1]
        for tc in cells[2:5]:
            first.remove(tc)
        etree.SubElement(rating.find(w("tcPr")), w("gridSpan")).set(w("val"), "4")
        texts = list(rating.iter(w("t")))
        for t in texts:
            t.text = ""
        texts[0].text = "RATING"
        for tc in (cells[0], *cells[5:]):
            _vmerge(tc, "restart")
        for i, tc in enumerate(second.findall(w("tc"))):
            if i == 0 or i >= 5:
                for p in tc.findall(w("p")):
                    for run in p.findall(w("r")):
                        p.remove(run)
                _vmerge(tc, None)
        first.addnext(second)


def fields_as_paragraphs(body: etree._Element) -> None:
    """The form-level table retyped as paragraphs ("Name of partnership: ...")."""
    table = body.find(w("tbl"))
    for tr in table.findall(w("tr")):
        p = etree.Element(w("p"))
        etree.SubElement(etree.SubElement(p, w("r")), w("t")).text = ": ".join(cell_text(tc) for tc in
                                                                              tr.findall(w("tc")))
        table.addprevious(p)
    body.remove(table)


def retyped(src: Path, dst: Path, *changes: Any) -> Path:
    """As typed again by hand: no controls, no docxform properties, then ``changes``."""
    def change(root: etree._Element) -> None:
        body = root.find(w("body"))
        strip_controls(body)
        for one in changes:
            one(body)

    work = dst.with_suffix(".work.docx")
    edit_document(src, work, change)
    with zipfile.ZipFile(work) as inp, zipfile.ZipFile(dst, "w") as out:
        for name in inp.namelist():
            if name != "docProps/custom.xml":
                out.writestr(name, inp.read(name))
    return dst


def scores(path: Path) -> dict[str, float]:
    source = load_source(path)
    labels = LabelIndex(source.document)
    return {m.id: score(source, m, labels) for m in form_mappings()}


def test_two_row_header_names_every_column_together(sa2003: Filled, tmp_path: Path) -> None:
    path = retyped(sa2003.path, tmp_path / "two-row.docx", two_row_header)
    table = load_source(path).document.tables[1]
    columns = load_mapping("sa2003-annexb").columns
    assert max(len(header_map(row, columns)) for row in table.rows[:2]) == 4  # one row alone: the levels only
    found, _ = header_rows_map(table.rows, columns, FW.item_id_set)
    assert sorted(a.level or a.field for a in found.values()) == sorted(a.level or a.field for a in columns)


def test_two_row_header_is_recognised_and_read_exactly(sa2003: Filled, tmp_path: Path) -> None:
    path = retyped(sa2003.path, tmp_path / "two-row.docx", two_row_header)
    by_mapping = scores(path)
    assert by_mapping["sa2003-annexb"] - by_mapping["stocktake2003-stocktake"] >= FRAMEWORK_MARGIN
    result = parse_form(path).to_dict()
    assert result["mapping"] == "sa2003-annexb"
    assert items_of(result) == sa2003.expected()
    # Every position confirmed by the header over two rows: nothing unconfirmed, missing or unclaimed.
    assert {p["code"] for p in result["problems"]} <= {"rating-missing"}
    assert "unclaimed" not in result


def test_close_runner_up_is_refused_naming_both(sa2003: Filled, tmp_path: Path) -> None:
    """Retyped with the form-level table as paragraphs, the form reads as well as the Home Office layout."""
    path = retyped(sa2003.path, tmp_path / "retyped.docx", two_row_header, fields_as_paragraphs)
    by_mapping = scores(path)
    assert by_mapping["sa2003-annexb"] - by_mapping["sa2003-homeoffice"] < LAYOUT_MARGIN
    with pytest.raises(DocxformError) as refused:
        parse_form(path)
    message = str(refused.value)
    assert "which form is this?" in message
    assert "sa2003-annexb" in message and "sa2003-homeoffice" in message
    assert "--mapping sa2003-annexb or --mapping sa2003-homeoffice" in (refused.value.hint or "")
    settled = parse_form(path, mapping="sa2003-homeoffice").to_dict()  # --mapping settles it
    assert items_of(settled) == sa2003.expected()
    assert settled["fields"]["partnership"] == PARTNERSHIP


def _scored(*entries: tuple[float, str, str]) -> list[tuple[float, str, Any]]:
    return [(s, mid, cast(Any, SimpleNamespace(framework=fw))) for s, mid, fw in entries]


@pytest.mark.parametrize("entries, rival", [
    ([(4.0, "a", "x"), (3.6, "b", "y")], "b"),      # another framework within 0.5
    ([(4.0, "a", "x"), (3.4, "b", "y")], None),     # another framework 0.6 behind
    ([(4.0, "a", "x"), (3.85, "b", "x")], "b"),     # a layout of the same framework within 0.2
    ([(4.0, "a", "x"), (3.75, "b", "x")], None),    # ... 0.25 behind
    ([(1.5, "a", "x"), (1.1, "b", "y")], None),     # the runner-up fits no form at all (below MIN_SCORE)
])
def test_margins(entries: list[tuple[float, str, str]], rival: str | None) -> None:
    found = _rival(_scored(*entries))
    assert (found[1] if found else None) == rival
