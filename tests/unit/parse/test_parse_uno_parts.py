"""Text typed in the page header and in a comment inside LibreOffice: both reported, with where they are.

sa2003's blank form is filled inside LibreOffice through UNO (tests/support/respondent.py),
then the respondent switches the page header on and types in it, and adds a comment on an
answer cell (Insert > Comment). LibreOffice writes its own footer, header and comments parts
when it saves: the form's own footer is still the form's, and the two typed texts are the
only unclaimed text, each said where it is.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from docxform.parse import parse_form
from tests.support.respondent import fill_many_in_libreoffice, uno_or_skip
from tests.unit.parse.test_parse_uno_edits import BLANK, answers, expected, theme_one

pytestmark = pytest.mark.libreoffice
HEADER = "Draft for the board, not yet agreed"
COMMENT = "The audit is on the shared drive."


@pytest.fixture(scope="module")
def returns(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    uno_or_skip()
    folder = tmp_path_factory.mktemp("uno-parts")
    fill, _, _ = answers()
    edits = [{"op": "type_header", "text": HEADER},
             {"op": "comment", "table": 2, "row": 3, "cell": 8, "author": "Jane Smith", "text": COMMENT}]
    jobs = [(BLANK, folder / "plain.docx", fill, "docx"), (BLANK, folder / "typed.docx", fill + edits, "docx")]
    fill_many_in_libreoffice(jobs)
    return {"plain": folder / "plain.docx", "typed": folder / "typed.docx"}


def test_a_return_saved_by_libreoffice_has_nothing_unclaimed_in_its_parts(returns: dict[str, Path]) -> None:
    result = parse_form(returns["plain"]).to_dict()
    assert theme_one(result) == expected()
    assert "unclaimed" not in result


def test_header_and_comment_typed_in_libreoffice_are_reported(returns: dict[str, Path]) -> None:
    result = parse_form(returns["typed"]).to_dict()
    assert theme_one(result) == expected()
    evidence = result["items"]["1.2"]["cells"]["evidence"]
    assert [(u["where"], u["text"], u["description"], u["item"], u["field"]) for u in result["unclaimed"]] == [
        ("header", HEADER, "in the page header", None, None),
        ("comment", COMMENT, "in a comment by Jane Smith on the evidence cell of 1.2", "1.2", "evidence")]
    assert result["unclaimed"][1]["location"] == {k: evidence[k] for k in ("table", "row", "cell")}
    assert [(p["item"], p["field"], p["severity"]) for p in result["problems"] if p["code"] == "text-unclaimed"] == [
        (None, None, "warning"), ("1.2", "evidence", "warning")]
