"""One function decides which framework a file is: framework.choice.framework_for, and nothing else does."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import docxform
from docxform.core.errors import DocxformError
from docxform.framework import load_framework
from docxform.framework.choice import framework_for
from tests.support.definitions import GOOD

PACKAGE = Path(docxform.__file__).parent


def test_the_users_choice_wins_over_what_the_file_names() -> None:
    sa = load_framework("sa2003")
    assert framework_for(["stocktake2003"], "r.docx", given=sa) is sa
    assert framework_for(["stocktake2003"], "r.docx", given="sa2003").id == "sa2003"


def test_a_built_in_id_named_by_the_file_or_by_every_file_of_a_batch() -> None:
    assert framework_for(["sa2003"], "r.json").id == "sa2003"
    assert framework_for(["sa2003", "sa2003"], None).id == "sa2003"
    with pytest.raises(DocxformError, match=r"the inputs belong to 2 frameworks \(beacon2003, sa2003\); pass "):
        framework_for(["sa2003", "beacon2003"], None)
    with pytest.raises(DocxformError, match=r"belong to 0 frameworks \(none\)"):
        framework_for([], None)


def test_an_id_not_built_in_is_refused_naming_the_file_never_followed_as_a_path(tmp_path: Path) -> None:
    (tmp_path / "mine.yaml").write_text(GOOD, "utf-8")
    with pytest.raises(DocxformError) as caught:
        framework_for([str(tmp_path / "mine.yaml")], "r.json")
    assert caught.value.describe().startswith("r.json: names framework ") and "not built in" in str(caught.value)


def test_a_users_definition_beside_the_forms_own_mapping(tmp_path: Path) -> None:
    mapping = tmp_path / "mine-default.yaml"
    with pytest.raises(DocxformError, match=r"mine\.yaml is not beside its mapping"):
        framework_for(["mine"], "f.docx", beside=mapping)
    (tmp_path / "mine.yaml").write_text(GOOD, "utf-8")
    assert framework_for(["mine"], "f.docx", beside=mapping).id == "mine"
    with pytest.raises(DocxformError, match="not a framework id"):
        framework_for(["../mine"], "f.docx", beside=mapping)


def test_no_other_module_looks_up_the_built_ins_by_a_files_id() -> None:
    """The duplicates this replaced (parse's _framework_ref, validate's _builtin_for, inputs' framework_of,
    framework_named_in) tested an id against BUILTIN_IDS themselves; now only framework/ and the places
    that list every built-in (or default a plan to one) may name BUILTIN_IDS."""
    allowed = {"framework", "api.py", "generate/shipped.py", "plan/read.py"}
    found = []
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE).as_posix()
        if rel.split("/")[0] in allowed or rel in allowed:
            continue
        names = {n.id for n in ast.walk(ast.parse(path.read_text("utf-8"))) if isinstance(n, ast.Name)}
        if "BUILTIN_IDS" in names:
            found.append(rel)
    assert found == []
    for gone in ("_framework_ref", "_builtin_for", "framework_of", "framework_named_in"):
        assert not any(f"def {gone}(" in p.read_text("utf-8") for p in PACKAGE.rglob("*.py")), gone
