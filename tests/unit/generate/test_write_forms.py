"""``round start`` and ``generate form`` write their forms and mapping through one function (generate.output.write_forms)."""

from __future__ import annotations

from pathlib import Path

import pytest

from docxform import api
from docxform.core.errors import DocxformError

PEOPLE = Path(__file__).resolve().parents[3] / "samples" / "people.csv"


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def test_a_rounds_forms_are_the_forms_generate_form_writes(tmp_path: Path) -> None:
    api.round_start("sa2003", tmp_path / "r", respondents=PEOPLE, partnership="Anytown CDRP")
    api.generate_form("sa2003", tmp_path / "g", respondents=PEOPLE, partnership="Anytown CDRP")
    made = _files(tmp_path / "g")
    assert len(made) == 9 and "sa2003-annexb.yaml" in made  # eight forms and their mapping
    assert _files(tmp_path / "r" / "forms") == made


def test_a_generic_rounds_form_is_the_blank_generate_form_writes(tmp_path: Path) -> None:
    api.round_start("hallmarks2007", tmp_path / "r", partnership="Anytown CDRP")
    (tmp_path / "g").mkdir()
    api.generate_form("hallmarks2007", tmp_path / "g" / "hallmarks2007.docx", partnership="Anytown CDRP")
    assert _files(tmp_path / "r" / "forms") == _files(tmp_path / "g")


def test_an_unknown_layout_is_one_line_and_nothing_is_written(tmp_path: Path) -> None:
    for start in (lambda: api.round_start("sa2003", tmp_path / "r", layout="nope"),
                  lambda: api.generate_form("sa2003", tmp_path / "f.docx", layout="nope")):
        with pytest.raises(DocxformError, match="has no form layout 'nope'"):
            start()
    assert list(tmp_path.iterdir()) == []
