"""A prompt left beside typed text in a tagged control: read as it stands and said, never silently kept.

The blank form's control shows "Improvement goals" as its placeholder. A respondent who clears the
placeholder mark (or a program that drops it) and types below it leaves the prompt as a line of the
answer. Which lines were typed is not for the parser to guess ("Improvement goals" may be a heading the
respondent wrote), so the answer is read as it stands, with a notice naming the item and field.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from lxml import etree

from docxform.parse import parse_form

ROOT = Path(__file__).resolve().parents[3]
RETURN = ROOT / "samples" / "returns" / "sa2003-jane-smith.docx"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _edited(dst: Path, typed: str, *, same_line: bool) -> Path:
    """The return with 1.3's goals control no longer marked as showing its prompt, ``typed`` added."""
    with zipfile.ZipFile(RETURN) as zin:
        parts = {n: zin.read(n) for n in zin.namelist()}
    root = etree.fromstring(parts["word/document.xml"])
    sdt = next(s for s in root.iter(f"{W}sdt") if s.find(f"{W}sdtPr/{W}tag").get(f"{W}val") == "dxf:1.3:goals")
    properties = sdt.find(f"{W}sdtPr")
    properties.remove(properties.find(f"{W}showingPlcHdr"))
    run = next(sdt.iter(f"{W}r"))
    run.remove(run.find(f"{W}rPr"))
    if same_line:
        run.find(f"{W}t").text += " " + typed
    else:
        paragraph = etree.SubElement(sdt.getparent(), f"{W}p")
        etree.SubElement(etree.SubElement(paragraph, f"{W}r"), f"{W}t").text = typed
    parts["word/document.xml"] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for name, data in parts.items():
            zout.writestr(name, data)
    return dst


def _notices(result: object, item: str) -> list[tuple[str, str | None, str]]:
    return [(p.code, p.field, p.severity) for p in result.problems if p.item == item]  # type: ignore[attr-defined]


def test_the_prompt_on_a_line_above_the_typed_goal_is_kept_and_said(tmp_path: Path) -> None:
    result = parse_form(_edited(tmp_path / "above.docx", "Set up a task group by June.", same_line=False))
    lines = [line for line in result.items["1.3"].texts["goals"].split("\n") if line]
    assert lines == ["Improvement goals", "Set up a task group by June."]
    assert ("prompt-in-answer", "goals", "info") in _notices(result, "1.3")


def test_the_prompt_on_the_typed_line_is_kept_and_said(tmp_path: Path) -> None:
    result = parse_form(_edited(tmp_path / "inline.docx", "set up a task group by June.", same_line=True))
    assert result.items["1.3"].texts["goals"] == "Improvement goals set up a task group by June."
    assert ("prompt-in-answer", "goals", "info") in _notices(result, "1.3")


def test_an_answer_that_only_mentions_the_prompt_is_not_flagged(tmp_path: Path) -> None:
    result = parse_form(RETURN)
    assert all(code != "prompt-in-answer" for code, _, _ in _notices(result, "1.3"))
    assert not [p for p in result.problems if p.code == "prompt-in-answer"]
