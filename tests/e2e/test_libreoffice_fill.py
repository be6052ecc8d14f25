"""Forms filled inside LibreOffice, as a person does, read back exactly (issue 11, section 4).

Every shipped blank form is opened in a real word processor (LibreOffice through
UNO: tests/support/respondent.py), a rating box ticked for each item, every text
control typed into and some form-level fields filled, then saved as .docx, .odt
and .doc. The parser must return exactly what was typed. One LibreOffice start
serves the whole round trip (5 forms edited once, each saved 3 ways).
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from lxml import etree

from docxform.generate.shipped import shipped_layouts
from docxform.parse import parse_form
from tests.support.respondent import RespondentError, fill_in_libreoffice, fill_many_in_libreoffice, uno_or_skip

pytestmark = pytest.mark.libreoffice

ROOT = Path(__file__).resolve().parents[2]
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
FORMATS = ("docx", "odt", "doc")
STEMS = [stem for _fid, _layout, stem in shipped_layouts()]


@dataclass
class Answers:
    """What the respondent did to one blank form, and so what the parser must return."""

    actions: list[dict] = field(default_factory=list)
    ratings: dict[str, str] = field(default_factory=dict)
    texts: dict[tuple[str, str], str] = field(default_factory=dict)
    fields: dict[str, str] = field(default_factory=dict)


def controls(blank: Path) -> list[tuple[str, str]]:
    """(alias, tag) of every content control, in document order: the labels a person reads."""
    with zipfile.ZipFile(blank) as z:
        root = etree.fromstring(z.read("word/document.xml"))
    out = []
    for pr in root.iter(f"{W}sdtPr"):
        alias, tag = pr.find(f"{W}alias"), pr.find(f"{W}tag")
        if alias is not None and tag is not None:
            out.append((alias.get(f"{W}val"), tag.get(f"{W}val")))
    return out


def answers_for(blank: Path) -> Answers:
    """Tick one level per item (varied), type into every item text control and the first form fields."""
    found = controls(blank)
    aliases = [a for a, _t in found]
    levels: dict[str, list[tuple[str, str]]] = {}
    out = Answers()
    for alias, tag in found:
        parts = tag.split(":")
        if len(parts) == 4 and parts[2] == "rating":
            levels.setdefault(parts[1], []).append((parts[3], alias))
        elif len(parts) == 3 and parts[1] != "form":
            text = f"{parts[2]} for {parts[1]}: 50% done, <b>not</b> = 1+1 & more"
            out.texts[(parts[1], parts[2])] = text
            out.actions.append({"op": "type", "alias": alias, "text": text})
        elif len(parts) == 3 and aliases.count(alias) == 1 and len(out.fields) < 3:
            out.fields[parts[2]] = f"{alias} – typed in LibreOffice"
            out.actions.append({"op": "type", "alias": alias, "text": out.fields[parts[2]]})
    for i, (item, choices) in enumerate(levels.items()):
        level, alias = choices[(i * 3) % len(choices)]
        out.ratings[item] = level
        out.actions.append({"op": "tick", "alias": alias})
    return out


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], tuple[Path, Answers]]:
    """Every shipped blank form filled in LibreOffice and saved in every format: one LibreOffice start."""
    uno_or_skip()
    out_dir = tmp_path_factory.mktemp("lo-filled")
    jobs, results = [], {}
    for stem in STEMS:
        blank = ROOT / "blank_forms" / f"{stem}.docx"
        answers = answers_for(blank)
        for fmt in FORMATS:
            dst = out_dir / f"{stem}.{fmt}"
            jobs.append((blank, dst, answers.actions, fmt))
            results[(stem, fmt)] = (dst, answers)
    fill_many_in_libreoffice(jobs)
    return results


def flagged(problems: list[dict], item: str | None, name: str) -> bool:
    return any(p["item"] == item and p["field"] in (name, None) for p in problems)


def misread(data: dict, answers: Answers) -> list[str]:
    """Every answer that came back different from what was typed, marked whether a problem flags it."""
    out = []
    problems = data["problems"]
    for item, level in answers.ratings.items():
        got = data["items"][item]["rating"]
        if got != level:
            out.append(f"{item} rating {got!r} != {level!r}{' (flagged)' if flagged(problems, item, 'rating') else ''}")
    for (item, name), text in answers.texts.items():
        got = data["items"][item][name]
        if got != text:
            out.append(f"{item} {name} {got!r} != {text!r}{' (flagged)' if flagged(problems, item, name) else ''}")
    for name, text in answers.fields.items():
        got = data["fields"].get(name)
        if got != text:
            out.append(f"form field {name} {got!r} != {text!r}{' (flagged)' if flagged(problems, None, name) else ''}")
    return out


@pytest.mark.parametrize("stem", STEMS)
@pytest.mark.parametrize("fmt", FORMATS)
def test_form_filled_in_libreoffice_reads_back_exactly(filled, fmt: str, stem: str) -> None:
    path, answers = filled[(stem, fmt)]
    assert answers.ratings or answers.texts, stem
    data = parse_form(path).to_dict()
    assert misread(data, answers) == []
    codes = {p["code"] for p in data["problems"]}
    assert not codes & {"rating-missing", "rating-ambiguous", "rating-unclear", "item-not-found"}


#: The edits of issue 11 made on sa2003's blank form, in this order (rows shift after insert_row).
EDITS = [
    {"op": "tick", "alias": "1.1 Doing well"},
    {"op": "tick", "alias": "1.2 Gap identified"},
    {"op": "untick", "alias": "1.2 Gap identified"},
    {"op": "type_cell", "table": 2, "row": 3, "cell": 7, "text": "typed\nin the cell"},
    {"op": "type_cell", "table": 2, "row": 3, "cell": 7, "text": "and more", "append": True},
    {"op": "delete_control", "alias": "1.3 Comments"},
    {"op": "type_symbol", "table": 2, "row": 5, "cell": 7, "font": "Symbol", "char": "\uf0b3"},
    {"op": "insert_column", "table": 3, "after": 6, "header": "RAG status", "texts": {"2": "Green"}},
    {"op": "delete_column", "table": 4, "cell": 7},  # the header's 7th cell: its first cell spans two
    {"op": "merge_cells", "table": 5, "row": 2, "from": 7, "to": 8},
    {"op": "insert_row", "table": 2, "after": 2, "texts": ["", "", "", "", "", "", "Comments (cont.): more"]},
]


def body_tables(path: Path) -> tuple[etree._Element, list[etree._Element]]:
    with zipfile.ZipFile(path) as z:
        root = etree.fromstring(z.read("word/document.xml"))
    return root, root.findall(f"{W}body/{W}tbl")


def cell_text(tables: list[etree._Element], table: int, row: int, cell: int) -> str:
    tc = tables[table - 1].findall(f"{W}tr")[row - 1].findall(f"{W}tc")[cell - 1]
    return "\n".join("".join(t.text or "" for t in p.iter(f"{W}t")) for p in tc.iter(f"{W}p")).strip("\n")


def test_each_table_edit_is_made_as_in_a_word_processor(tmp_path: Path) -> None:
    uno_or_skip()
    out = fill_in_libreoffice(ROOT / "blank_forms" / "sa2003.docx", tmp_path / "edited.docx", EDITS)
    root, tables = body_tables(out)
    xml = etree.tostring(root, encoding="unicode")
    assert xml.count('w14:checked w14:val="1"') == 1
    assert cell_text(tables, 2, 2, 6) == "\u2612" and cell_text(tables, 2, 4, 3) == "\u2610"
    assert cell_text(tables, 2, 3, 7) == "Comments (cont.): more" and cell_text(tables, 2, 3, 1) == ""
    assert cell_text(tables, 2, 4, 7) == "typed\nin the cell\nand more"
    assert cell_text(tables, 2, 5, 7) == "Comments" and 'w:val="1.3 Comments"' not in xml
    assert 'w:val="1.4 Comments"' in xml
    symbol_cell = etree.tostring(tables[1].findall(f"{W}tr")[5].findall(f"{W}tc")[6], encoding="unicode")
    assert "Symbol" in symbol_cell and ("\uf0b3" in symbol_cell or 'w:char="F0B3"' in symbol_cell.upper())
    assert cell_text(tables, 3, 1, 7) == "RAG status" and cell_text(tables, 3, 1, 8) == "SUPPORTING EVIDENCE"
    evidence = "Evidence (document, date, page or paragraph)"
    assert [cell_text(tables, 3, 2, c) for c in (7, 8, 9)] == ["Comments", "Green", evidence]
    assert [cell_text(tables, 3, r, 8) for r in (3, 4)] == ["", ""]
    assert len(tables[2].findall(f"{W}tr")[0].findall(f"{W}tc")) == 9
    header = [cell_text(tables, 4, 1, c) for c in range(1, 8)]
    assert "SUPPORTING EVIDENCE" not in header and header[-1] == "IMPROVEMENT GOALS"
    assert [cell_text(tables, 4, 2, c) for c in (7, 8)] == ["Comments", "Improvement goals"]
    merged = tables[4].findall(f"{W}tr")[1].findall(f"{W}tc")
    assert len(merged) == 8 and merged[6].find(f"{W}tcPr/{W}gridSpan").get(f"{W}val") == "2"
    assert cell_text(tables, 5, 2, 7) == f"Comments\n\n{evidence}"  # each cell ended in an empty paragraph


def test_an_action_that_cannot_be_done_fails_with_one_line(tmp_path: Path) -> None:
    uno_or_skip()
    blank = ROOT / "blank_forms" / "sa2003.docx"
    before = blank.read_bytes()
    with pytest.raises(RespondentError, match=r"^uno_driver: job 1 \(sa2003.docx\): action 2 \(tick\): "
                                              r"no content control with alias '9.9 Nowhere'$"):
        fill_in_libreoffice(blank, tmp_path / "x.docx", [{"op": "tick", "alias": "1.1 Doing well"},
                                                          {"op": "tick", "alias": "9.9 Nowhere"}])
    assert not (tmp_path / "x.docx").exists() and blank.read_bytes() == before
    assert not list(blank.parent.glob(".~lock*"))
