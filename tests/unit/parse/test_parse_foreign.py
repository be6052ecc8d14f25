"""Returns in layouts docxform did not make, read through hand-written mappings.

Each document is built here with python-docx, as the partnership made it in
Word: Salford's stocktake return (seed 002, its answers in
tests/data/salford_stocktake.json), a Home Office Annex B form filled in by
hand (seed 000), and Braintree's own Hallmarks action plan (seed 004, its
answers in tests/data/braintree_answers.json).
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from docxform.framework import load_framework
from docxform.framework.mapping import load_mapping
from docxform.generate.form import FormOptions
from docxform.generate.output import generate_form
from docxform.parse import parse_form
from tests.support.lo import convert, soffice_or_skip

DATA = Path(__file__).parents[2] / "data"
SALFORD = json.loads((DATA / "salford_stocktake.json").read_text("utf-8"))
BRAINTREE = json.loads((DATA / "braintree_answers.json").read_text("utf-8"))
LEVELS = ("gap_identified", "working_towards", "some_success", "doing_well")
RATING_HEADERS = ("GAP IDENTIFIED", "WORKING TOWARDS", "SOME SUCCESS", "DOING WELL")


# --- python-docx helpers

def add_sym(paragraph: Paragraph, font: str, char: str) -> None:
    """A Word symbol (Insert > Symbol): a ``w:sym`` run."""
    run = paragraph.add_run()
    sym = OxmlElement("w:sym")
    sym.set(qn("w:font"), font)
    sym.set(qn("w:char"), char)
    run._r.append(sym)


def set_paragraphs(cell: _Cell, text: str) -> None:
    """One paragraph per line of ``text``."""
    lines = text.split("\n")
    cell.text = lines[0]
    for line in lines[1:]:
        cell.add_paragraph(line)


def add_row(table: Table, *texts: str) -> list[_Cell]:
    cells = table.add_row().cells
    for cell, text in zip(cells, texts, strict=False):
        set_paragraphs(cell, text)
    return cells


def items_of(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {k: {f: v for f, v in a.items() if f not in ("provenance", "cells")} for k, a in result["items"].items()}


def located(problem: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in problem["location"].items() if k != "file"}


# --- Salford's stocktake return (seed 002)

def salford_docx(path: Path, data: dict[str, Any] = SALFORD) -> Path:
    """Salford's return as completed (``data``: its answers; :func:`salford_blank` gives the template's)."""
    fw = load_framework("stocktake2003")
    doc = docx.Document()
    doc.add_paragraph("STOCKTAKE TEMPLATE: AUGUST 2003")
    doc.add_paragraph("PART 1: TO BE COMPLETED BY CDRP’S")
    doc.add_paragraph(f"NAME OF PARTNERSHIP: {data['partnership']}")
    for theme in fw.themes:
        table = doc.add_table(rows=0, cols=7)
        table.style = "Table Grid"
        header = table.add_row().cells
        header[0].merge(header[1]).text = "STANDARD"
        for cell, label in zip(header[2:], (*RATING_HEADERS, "JUSTIFICATION"), strict=True):
            cell.text = label
        add_row(table, "", theme.heading)
        for item in fw.items_in(theme.id):
            answer = data["items"][item.id]
            cells = add_row(table, item.id, item.text, "", "", "", "", answer["justification"])
            if answer["rating"]:
                add_sym(cells[2 + LEVELS.index(answer["rating"])].paragraphs[0], "Wingdings", "F0FC")
        doc.add_paragraph()
    doc.add_paragraph("PLEASE LIST PEOPLE WHO HAVE UNDERTAKEN THE STOCKTAKE EXERCISE AND THEIR ORGANISATION")
    for person in data["people"]:
        doc.add_paragraph(person["name"])
        doc.add_paragraph()
        doc.add_paragraph(person["organisation"])
    doc.add_paragraph(data["consulted"])
    doc.add_paragraph("SIGNATURE OF CHAIR (OR PERSON WHO IS AUTHORISED TO SIGN ON BEHALF) OF THE PARTNERSHIP")
    doc.add_paragraph(f"DATE: {data['date']}")
    doc.add_paragraph("PLANNED DATES FOR COMPLETION OF FULL SELF ASSESSMENT:")
    planned = doc.add_table(rows=0, cols=2)
    add_row(planned, "", "DATE")
    add_row(planned, "FULL SELF ASSESSMENT TO BE COMPLETED BY", "")
    add_row(planned, "IMPROVEMENT PLAN TO BE COMPLETED BY", "")
    doc.add_paragraph("PART 2: TO BE COMPLETED BY THE GOVERNMENT OFFICE")
    part2 = doc.add_table(rows=0, cols=2)
    add_row(part2, "CDRP NAME:", "")
    add_row(part2, "CRIME RATE PER 1000 FOR 2002/03:\n1. Domestic Burglary\n2. Vehicle Crime\n3. Robbery", "")
    add_row(part2, "TARGET/TREND ANALYSIS\n1. Have relevant targets been set to reduce burglary, vehicle crime "
                   "and robbery?", "")
    doc.save(str(path))
    return path


def salford_expected() -> dict[str, dict[str, Any]]:
    return {k: {"rating": v["rating"], "justification": v["justification"]} for k, v in SALFORD["items"].items()}


def salford_unrated() -> list[str]:
    return sorted(k for k, v in SALFORD["items"].items() if v["rating"] is None)


@pytest.fixture(scope="module")
def salford(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return salford_docx(tmp_path_factory.mktemp("salford") / "salford-stocktake-2003.docx")


def check_salford(result: dict[str, Any], converted: bool = False) -> None:
    assert result["mapping"] == "stocktake2003-salford"
    assert result["layout"] == "salford"
    assert items_of(result) == salford_expected()
    assert {how for a in result["items"].values() for how in a["provenance"].values()} == {"anchor"}
    assert result["fields"] == {
        "partnership": "SALFORD CRIME AND DISORDER PARTNERSHIP", "chair_date": "17th October 2003",
        "full_sa_by": "", "plan_by": "", "people": SALFORD["people"]}
    assert len(result["fields"]["people"]) == 12
    found = sorted((p["code"], p["item"] or "") for p in result["problems"] if p["code"] != "text-unclaimed")
    expected = [("rating-missing", i) for i in salford_unrated()]
    if converted:
        expected.append(("controls-lost", ""))
    assert found == sorted(expected)
    # The paragraph on who was consulted is the partnership's own text and no field holds it: listed, not
    # dropped, and a warning (the mapping lists the layout's own print, Part 2 for the Government Office
    # included, so what else is there is the respondent's). LibreOffice's .doc keeps Part 2's table as
    # paragraphs: the same print, known as well, except where it ran two cells' texts together with no
    # space ("3. RobberyTARGET/TREND ANALYSIS"): text the form does not print, so reported.
    listed = [(u["where"], u["text"][:40]) for u in result["unclaimed"]]
    assert listed == SALFORD_UNCLAIMED + ([("after-form", "3. RobberyTARGET/TREND ANALYSIS")] if converted else [])
    assert [(p["code"], p["severity"]) for p in result["problems"] if p["code"] == "text-unclaimed"] == [
        ("text-unclaimed", "warning")] * len(listed)
    first_missing = next(p for p in result["problems"] if p["item"] == "3.1")
    assert located(first_missing) == {"table": 3, "row": 3, "cell": 3}  # third theme table, first rating cell


SALFORD_UNCLAIMED = [("after-form", SALFORD["consulted"][:40])]


def test_salford_return_reads_through_its_mapping(salford: Path) -> None:
    check_salford(parse_form(salford, mapping="stocktake2003-salford").to_dict())


def test_salford_return_is_recognised_without_a_mapping(salford: Path) -> None:
    check_salford(parse_form(salford).to_dict())


def test_salford_mapping_is_shipped_and_loads() -> None:
    mapping = load_mapping("stocktake2003-salford")
    assert mapping.framework == "stocktake2003"
    assert [f.where for f in mapping.fields] == ["after-label", "after-label", "next-cell", "next-cell"]
    assert mapping.people is not None and [c.field for c in mapping.people.columns] == ["name", "organisation"]


@pytest.mark.libreoffice
def test_salford_return_saved_as_doc_by_libreoffice(salford: Path, tmp_path: Path) -> None:
    """Word 97 keeps the Wingdings tick; LibreOffice brings it back as a private-use character."""
    soffice_or_skip()
    [doc_file] = convert([salford], "doc", tmp_path)
    check_salford(parse_form(doc_file).to_dict(), converted=True)


def test_generated_stocktake_without_properties_is_not_taken_for_salford(tmp_path: Path) -> None:
    """Without its docxform properties a generated form is still recognised as its own layout."""
    blank = tmp_path / "blank.docx"
    generate_form(load_framework("stocktake2003"), blank, FormOptions(), partnership="Anytown CDRP")
    bare = tmp_path / "bare.docx"
    with zipfile.ZipFile(blank) as src, zipfile.ZipFile(bare, "w") as dst:
        for name in src.namelist():
            if name != "docProps/custom.xml":
                dst.writestr(name, src.read(name))
    result = parse_form(bare).to_dict()
    assert result["mapping"] == "stocktake2003-stocktake"
    assert result["fields"]["partnership"] == "Anytown CDRP"


# --- the Home Office Annex B form, filled in by hand (seed 000)

# How the Annex B form groups the standards into tables, and where each table keeps the id:
# "id" (id | text), "lead" (blank | STANDARD over the text), "one" (id and text in one cell).
HOMEOFFICE_TABLES = [(("1.1", "1.2", "1.3", "1.4"), "id"), (("1.5",), "id"), (("2.1", "2.2", "2.3"), "one"),
                     (("2.4",), "one"), (("3.1", "3.2", "3.3"), "lead"), (("3.4",), "one"),
                     (("4.1", "4.2"), "one"), (("5.1", "5.2", "5.3"), "id"), (("5.4", "5.5"), "one")]
TEXT_HEADERS = ("COMMENTS", "SUPPORTING EVIDENCE", "IMPROVEMENT GOALS")
PROCESS = {"preparation": ("Preparation and Co-ordination – Sub-Group or individual",
                           "A sub-group of the Executive, chaired by the CSU manager."),
           "consultation_postal": ("Consultation – Postal", ""),
           "consultation_face_to_face": ("Consultation – Face-to-face", "Two workshops with partners."),
           "group_work": ("Group Work / Seminar Format", "Seminar on 12 February 2004\nthirty attended"),
           "conflict_resolution": ("Conflict Resolution or Voting Mechanism (manual/IT based)", "Show of hands"),
           "existing_meetings": ("Utilisation of Existing Meetings", "Executive Group, March 2004")}
SIGNATORIES = [("completed_by", "Form completed by", "Gordon Dickson"),
               ("completed_by_role", "Organisation/role", "Salford City Council / CSU Manager"),
               ("completed_by_signature", "* Signature", "G. Dickson"),
               ("chair_name", "Name of partnership Chair", "John Willis"),
               ("chair_organisation", "Organisation", "Salford City Council"),
               ("chair_signature", "* Signature", "J. Willis"),
               ("district_rep", "Name of District / Borough / Unitary\nAuthority Representative", "John Willis"),
               ("district_rep_signature", "* Signature", "J. Willis"),
               ("county_rep", "Name of County Council\nRepresentative (in two-tier areas)", ""),
               ("county_rep_signature", "* Signature", ""),
               ("police_rep", "Name of Police Representative", "Brian Wroe"),
               ("police_rep_signature", "* Signature", "B. Wroe"),
               ("police_authority_rep", "Name of Police Authority\nRepresentative", "Cllr Ann Smith"),
               ("police_authority_rep_signature", "* Signature", ""),
               ("fire_rep", "Name of Fire & Rescue Service\nRepresentative", "Station Officer Green"),
               ("fire_rep_signature", "* Signature", "P. Green"),
               ("pct_rep", "Name of Primary Care Trust\nRepresentative", "Dr Jo Brown"),
               ("pct_rep_signature", "* Signature", "J. Brown")]


def homeoffice_answers() -> dict[str, dict[str, Any]]:
    """Answers for every standard: most rated, texts with paragraph breaks, some blank."""
    fw = load_framework("sa2003")
    out: dict[str, dict[str, Any]] = {}
    for n, item in enumerate(fw.items):
        out[item.id] = {
            "rating": None if n % 6 == 5 else LEVELS[n % 4],
            "comments": f"Comments on {item.id}.\nA second paragraph." if n % 3 != 1 else "",
            "evidence": f"Crime Audit 2004, p. {n + 3}; minutes of {n + 1} May 2003" if n % 4 != 3 else "",
            "goals": f"Goal for {item.id}" if n % 2 == 0 else "",
        }
    return out


def homeoffice_docx(path: Path, answers: dict[str, dict[str, Any]]) -> Path:
    fw = load_framework("sa2003")
    doc = docx.Document()
    doc.add_paragraph("B")
    doc.add_paragraph("The self-assessment form")
    doc.add_paragraph("Name of partnership: Salford Crime and Disorder Partnership")
    doc.add_paragraph("Date of assessment:      Month March                      Year 2004")
    seen_themes: set[str] = set()
    for ids, kind in HOMEOFFICE_TABLES:
        theme = fw.item(ids[0]).theme_id
        if theme not in seen_themes:
            seen_themes.add(theme)
            doc.add_paragraph(f"{theme}. {fw.theme(theme).title}")
            if theme == "1":
                doc.add_paragraph("This section asks you to review your progress in establishing and maintaining "
                                  "the culture and systems needed for long-term success.")
        cols = 8 if kind == "one" else 9
        table = doc.add_table(rows=0, cols=cols)
        table.style = "Table Grid"
        lead = {"id": ("STANDARD", ""), "lead": ("", "STANDARD"), "one": ("STANDARD",)}[kind]
        add_row(table, *lead, *RATING_HEADERS, *TEXT_HEADERS)
        for item_id in ids:
            item = fw.item(item_id)
            answer = answers[item_id]
            marks = ["X" if answer["rating"] == level else "" for level in LEVELS]
            if item_id == "1.2" and answer["rating"]:
                marks = [m.lower() for m in marks]  # someone typed a small x
            first = (f"{item.id} {item.text}",) if kind == "one" else (item.id, item.text)
            add_row(table, *first, *marks, answer["comments"], answer["evidence"], answer["goals"])
        doc.add_paragraph()
    doc.add_paragraph("Process of Self-Assessment")
    doc.add_paragraph("This section asks how the partnership undertook the assessment process")
    process = doc.add_table(rows=0, cols=2)
    add_row(process, "Process", "Comments")
    for label, value in PROCESS.values():
        add_row(process, label, value)
    doc.add_paragraph("SIGNATORIES")
    doc.add_paragraph("*I have read the attached self-assessment and agree that it is an accurate and fair "
                      "assessment of the partnership at this time.")
    for _key, label, value in SIGNATORIES:
        lines = label.split("\n")
        paragraph = doc.add_paragraph(lines[0])
        for line in lines[1:]:
            run = paragraph.add_run()
            run.add_break()
            paragraph.add_run(line)
        paragraph.add_run(f": {value or '_____'}")
    doc.save(str(path))
    return path


@pytest.fixture(scope="module")
def homeoffice(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, dict[str, Any]]]:
    answers = homeoffice_answers()
    return homeoffice_docx(tmp_path_factory.mktemp("homeoffice") / "annexb-return.docx", answers), answers


def check_homeoffice(result: dict[str, Any], answers: dict[str, dict[str, Any]]) -> None:
    assert result["mapping"] == "sa2003-homeoffice"
    assert items_of(result) == answers
    assert {how for a in result["items"].values() for how in a["provenance"].values()} == {"anchor"}
    fields = result["fields"]
    assert fields["partnership"] == "Salford Crime and Disorder Partnership"
    assert (fields["assessment_month"], fields["assessment_year"]) == ("March", "2004")
    assert fields["process"] == {k: v for k, (_label, v) in PROCESS.items()}
    assert {k: fields[k] for k, _label, _v in SIGNATORIES} == {k: v for k, _label, v in SIGNATORIES}
    unrated = sorted(k for k, v in answers.items() if v["rating"] is None)
    assert sorted((p["code"], p["item"]) for p in result["problems"]) == [("rating-missing", i) for i in unrated]


def test_homeoffice_form_reads_through_its_mapping(homeoffice: tuple[Path, dict[str, dict[str, Any]]]) -> None:
    path, answers = homeoffice
    check_homeoffice(parse_form(path, mapping="sa2003-homeoffice").to_dict(), answers)


def test_homeoffice_form_is_recognised_without_a_mapping(homeoffice: tuple[Path, dict[str, dict[str, Any]]]
                                                         ) -> None:
    path, answers = homeoffice
    check_homeoffice(parse_form(path).to_dict(), answers)


def test_homeoffice_mapping_given_as_a_file(homeoffice: tuple[Path, dict[str, dict[str, Any]]]) -> None:
    path, answers = homeoffice
    mapping_file = Path(__file__).parents[3] / "mappings" / "sa2003-homeoffice.yaml"
    check_homeoffice(parse_form(path, mapping=mapping_file).to_dict(), answers)


def test_homeoffice_rows_with_id_and_text_in_one_cell_locate_the_ratings(
        homeoffice: tuple[Path, dict[str, dict[str, Any]]], tmp_path: Path) -> None:
    """Two X in a one-cell table's row: the problem points at the first ticked cell of that table's grid."""
    _path, answers = homeoffice
    answers = {k: dict(v) for k, v in answers.items()}
    path = homeoffice_docx(tmp_path / "twice.docx", answers)
    d = docx.Document(str(path))
    table = d.tables[2]  # 2.1-2.3, id and text in one cell
    row = table.rows[1]  # 2.1
    row.cells[1].text = "X"
    row.cells[3].text = "X"
    d.save(str(path))
    result = parse_form(path, mapping="sa2003-homeoffice").to_dict()
    assert result["items"]["2.1"]["rating"] is None
    problem = next(p for p in result["problems"] if p["item"] == "2.1")
    assert problem["code"] == "rating-ambiguous"
    assert located(problem) == {"table": 3, "row": 2, "cell": 2}


# --- Braintree's own Hallmarks action plan (seed 004)

def braintree_docx(path: Path, answers: dict[str, dict[str, str]] = BRAINTREE) -> Path:
    """Braintree's plan as completed (``answers``; :func:`braintree_blank` gives the plan before it was)."""
    fw = load_framework("hallmarks2007")
    doc = docx.Document()
    doc.add_paragraph("Braintree District CDRP")
    doc.add_paragraph("Delivering Safer Communities: A guide to effective Partnership Working")
    doc.add_paragraph("This document is for CDRPs to use as an action plan in achieving those six Hallmarks.")
    key = doc.add_paragraph()
    add_sym(key, "Wingdings", "F0FE")
    key.add_run(" = Statutory requirements to implement. ")
    add_sym(key, "Wingdings", "F0A8")
    key.add_run(" = Advice to be considered for effective working.")
    doc.add_paragraph("Summary of Actions resulting from review against all of the Hallmark recommendations.")
    for item in fw.items:
        table = doc.add_table(rows=0, cols=5)
        table.style = "Table Grid"
        add_row(table, "Guidance", "Detail", "Partnership position (and date)", "Further Action?", "Owner")
        theme_row = table.add_row().cells
        merged = theme_row[0].merge(theme_row[4])
        merged.text = fw.theme(item.theme_id).heading
        statutory = item.tag("kind") == "statutory"
        cells = table.add_row().cells
        number = cells[0]
        first = number.paragraphs[0]
        add_sym(first, "Wingdings", "F0FE" if statutory else "F0A8")
        if not statutory:
            first.add_run(" Advice")
        number.add_paragraph(item.id)
        number.add_paragraph("")
        number.add_paragraph("Statutory" if statutory else (item.tag("hallmark") or ""))
        detail = [item.text] + [f"· ({p.id}) {p.text}" for p in item.prompts if p.id]
        set_paragraphs(cells[1], "\n".join(detail))
        answer = answers[item.id]
        for cell, key_name in zip(cells[2:], ("position", "further_action", "owner"), strict=True):
            set_paragraphs(cell, answer[key_name])
        doc.add_paragraph()
    doc.save(str(path))
    return path


@pytest.fixture(scope="module")
def braintree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return braintree_docx(tmp_path_factory.mktemp("braintree") / "braintree-action-plan.docx")


def check_braintree(result: dict[str, Any]) -> None:
    assert result["mapping"] == "hallmarks2007-braintree-original"
    assert items_of(result) == BRAINTREE
    assert all("rating" not in a for a in result["items"].values())
    assert {how for a in result["items"].values() for how in a["provenance"].values()} == {"anchor"}
    assert result["fields"] == {}
    assert nothing_unclaimed(result)


def nothing_unclaimed(result: dict[str, Any]) -> bool:
    """No unclaimed text and no problem: Braintree's introduction and the key to its symbols above the tables
    are the layout's own print, which its mapping lists (``printed``)."""
    assert "unclaimed" not in result, result["unclaimed"]
    assert result["problems"] == []
    return True


def test_braintree_original_reads_through_its_mapping(braintree: Path) -> None:
    check_braintree(parse_form(braintree, mapping="hallmarks2007-braintree-original").to_dict())


def test_braintree_original_is_recognised_without_a_mapping(braintree: Path) -> None:
    check_braintree(parse_form(braintree).to_dict())


def test_braintree_answers_cover_every_item() -> None:
    assert sorted(BRAINTREE, key=int) == list(load_framework("hallmarks2007").item_ids)
    assert sum(1 for a in BRAINTREE.values() if a["further_action"]) == 18


# --- the foreign layouts blank: their own print is known, a typed note is not

def salford_blank(path: Path) -> Path:
    """The Government Office's template as Salford received it: no ticks, no justification, no people."""
    fw = load_framework("stocktake2003")
    blank = {"partnership": "", "date": "", "consulted": "", "people": [],
             "items": {item.id: {"rating": None, "justification": ""} for item in fw.items}}
    return salford_docx(path, blank)


def braintree_blank(path: Path) -> Path:
    """Braintree's plan before anything was written in it."""
    empty = {"position": "", "further_action": "", "owner": ""}
    return braintree_docx(path, {item.id: dict(empty) for item in load_framework("hallmarks2007").items})


def typed_note(path: Path, after_table: int, text: str) -> Path:
    """A paragraph typed below a table (counted from 0), as a respondent adds a note in Word."""
    d = docx.Document(str(path))
    paragraph = OxmlElement("w:p")
    d.tables[after_table]._tbl.addnext(paragraph)
    Paragraph(paragraph, d.tables[after_table]._parent).add_run(text)
    d.save(str(path))
    return path


@pytest.mark.parametrize("layout", ["salford", "braintree"])
def test_blank_foreign_form_read_with_its_mapping_leaves_nothing_unclaimed(tmp_path: Path, layout: str) -> None:
    """All the printed text of the layout (headings, Part 2 for the Government Office, Braintree's key) is known."""
    mapping = {"salford": "stocktake2003-salford", "braintree": "hallmarks2007-braintree-original"}[layout]
    build = {"salford": salford_blank, "braintree": braintree_blank}[layout]
    result = parse_form(build(tmp_path / f"{layout}.docx"), mapping=mapping)
    assert result.unclaimed == []
    assert "text-unclaimed" not in {p.code for p in result.problems}


@pytest.mark.parametrize("layout", ["salford", "braintree"])
def test_note_typed_in_a_foreign_form_is_reported_as_a_warning(tmp_path: Path, layout: str) -> None:
    mapping = {"salford": "stocktake2003-salford", "braintree": "hallmarks2007-braintree-original"}[layout]
    build = {"salford": salford_blank, "braintree": braintree_blank}[layout]
    path = typed_note(build(tmp_path / f"{layout}.docx"), 1, "We will send the figures in November.")
    result = parse_form(path, mapping=mapping)
    assert [(u.text, u.where, u.description) for u in result.unclaimed] == [
        ("We will send the figures in November.", "below-table", "in a paragraph below table 2")]
    assert [(p.code, p.severity) for p in result.problems if p.code == "text-unclaimed"] == [
        ("text-unclaimed", "warning")]


def test_mapping_printed_must_be_a_list_of_texts(tmp_path: Path) -> None:
    from docxform.core.errors import DocxformError
    from docxform.framework.mapping import mapping_from_data

    with pytest.raises(DocxformError, match="printed must be a list of texts"):
        mapping_from_data({"id": "x", "framework": "sa2003", "printed": "PART 2"}, "x.yaml")
    assert mapping_from_data({"id": "x", "framework": "sa2003", "printed": ["PART 2"]}, "x.yaml").printed == ("PART 2",)
    assert "printed" not in load_mapping("sa2003-annexb").to_data()  # written only when a mapping has some
