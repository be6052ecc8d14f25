"""``round start`` and ``generate form`` write their forms and mapping through one function (generate.output.write_forms).

A round's forms carry one more custom property, the round's signed token (docs/round.md); otherwise
they are generate form's, part for part.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest

from docxform import api
from docxform.core.errors import DocxformError

PEOPLE = Path(__file__).resolve().parents[3] / "samples" / "people.csv"


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def _unsigned(files: dict[str, bytes]) -> dict[str, object]:
    """Each file as it would be without the round's token: a round's forms are generate form's, signed.

    A .docx becomes its parts, with the ``docxform.token`` custom property taken out (after checking
    it is there exactly when the form came from a round); other files stay as they are.
    """
    out: dict[str, object] = {}
    for name, data in files.items():
        if not name.endswith(".docx"):
            out[name] = data
            continue
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            parts = {n: z.read(n) for n in z.namelist()}
        custom = parts["docProps/custom.xml"].decode("utf-8")
        props = re.findall(r'name="([^"]+)"[^>]*><vt:lpwstr>([^<]*)</vt:lpwstr>', custom)
        parts["docProps/custom.xml"] = repr(sorted((k, v) for k, v in props if k != "docxform.token")).encode()
        out[name] = (parts, any(k == "docxform.token" for k, _ in props))
    return out


def _signed(forms: dict[str, object], signed: bool) -> dict[str, object]:
    for name, value in forms.items():
        if name.endswith(".docx"):
            assert isinstance(value, tuple) and value[1] is signed, name
    return {name: value[0] if isinstance(value, tuple) else value for name, value in forms.items()}


def test_a_rounds_forms_are_the_forms_generate_form_writes(tmp_path: Path) -> None:
    api.round_start("sa2003", tmp_path / "r", respondents=PEOPLE, partnership="Anytown CDRP")
    api.generate_form("sa2003", tmp_path / "g", respondents=PEOPLE, partnership="Anytown CDRP")
    made = _files(tmp_path / "g")
    assert len(made) == 9 and "sa2003-annexb.yaml" in made  # eight forms and their mapping
    assert _signed(_unsigned(_files(tmp_path / "r" / "forms")), True) == _signed(_unsigned(made), False)


def test_a_generic_rounds_form_is_the_blank_generate_form_writes(tmp_path: Path) -> None:
    api.round_start("hallmarks2007", tmp_path / "r", partnership="Anytown CDRP")
    (tmp_path / "g").mkdir()
    api.generate_form("hallmarks2007", tmp_path / "g" / "hallmarks2007.docx", partnership="Anytown CDRP")
    assert _signed(_unsigned(_files(tmp_path / "r" / "forms")), True) == \
        _signed(_unsigned(_files(tmp_path / "g")), False)


def test_an_unknown_layout_is_one_line_and_nothing_is_written(tmp_path: Path) -> None:
    for start in (lambda: api.round_start("sa2003", tmp_path / "r", layout="nope"),
                  lambda: api.generate_form("sa2003", tmp_path / "f.docx", layout="nope")):
        with pytest.raises(DocxformError, match="has no form layout 'nope'"):
            start()
    assert list(tmp_path.iterdir()) == []
