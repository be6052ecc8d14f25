"""Each problem code is raised from one module: one owner per check, so two stages never report one finding twice.

A code is "raised" where its string is an argument of a call (``problem("code", ...)``,
``ctx.report("code", ...)``, ``FileError(path, "code", ...)``) or the value a name is
given (``INTERNAL_ERROR = "internal-error"``). Reading a code (``p.code == "..."``, a set of
codes to skip) is not raising it. core/problems.py, which registers every code, is left out.
"""

from __future__ import annotations

import ast
from pathlib import Path

import docxform
from docxform.core.problems import CODES

PACKAGE = Path(docxform.__file__).parent

#: Codes two modules raise, each for a reason; a change to either side must be checked against it here.
ALLOWED: dict[str, tuple[set[str], str]] = {
    "rating-missing": ({"parse/form.py", "validate/rules.py"},
                       "the parse reports a row with no tick where it reads the document (with the cell); validation "
                       "reports a missing rating only in a return it did not see parsed (a parse JSON), and skips "
                       "every item the parse already reported (RATING_PARSE_CODES): one finding, never both"),
    "rating-unclear": ({"parse/form.py", "validate/rules.py"},
                       "the parse judges a mark in a cell that is not clearly a tick; validation (validate.off_scale, "
                       "which the merge asks too) judges a rating value off the scale in a parse JSON, and skips items "
                       "the parse reported (RATING_PARSE_CODES)"),
    "item-not-found": ({"parse/form.py", "parse/textanchors.py"},
                       "the parse stage's two readers, by tags and positions and by wording: a form is read by exactly "
                       "one of them (its mapping says which), so a finding comes from one"),
    "row-not-read": ({"parse/form.py", "parse/textanchors.py"}, "as item-not-found: one reader per form"),
    "duplicate-return": ({"plan/merge.py", "survey/merge.py"},
                         "two different checks under one stable code: the plan merge finds the same plan file given "
                         "twice, the survey merge two returns of one person (by identity); a file is a plan or a "
                         "return, never both"),
}


def raised_in(sources: dict[str, str]) -> dict[str, set[str]]:
    """Code -> the modules (by path) that raise it, by the rule in the module docstring."""
    found: dict[str, set[str]] = {}
    for name, text in sources.items():
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.Call):
                values = [*node.args, *(k.value for k in node.keywords)]
            elif isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
                values = [node.value]
            else:
                continue
            for value in values:
                if isinstance(value, ast.Constant) and isinstance(value.value, str) and value.value in CODES:
                    found.setdefault(value.value, set()).add(name)
    return found


def _package_sources() -> dict[str, str]:
    return {p.relative_to(PACKAGE).as_posix(): p.read_text("utf-8") for p in sorted(PACKAGE.rglob("*.py"))
            if p.relative_to(PACKAGE).as_posix() != "core/problems.py"}


def owners_problems(found: dict[str, set[str]]) -> list[str]:
    """Each code raised nowhere, or from more modules than one and not as ALLOWED says."""
    out = []
    for code in CODES:
        modules = found.get(code, set())
        allowed = ALLOWED.get(code, (set(), ""))[0]
        if not modules:
            out.append(f"{code}: raised nowhere (a dead code, or raised in a way this scan does not see)")
        elif len(modules) > 1 and modules != allowed:
            out.append(f"{code}: raised from {', '.join(sorted(modules))}")
    return out


def test_each_problem_code_is_raised_from_one_module() -> None:
    assert owners_problems(raised_in(_package_sources())) == []


def test_the_allow_list_is_not_stale() -> None:
    found = raised_in(_package_sources())
    stale = [code for code, (modules, _) in ALLOWED.items() if found.get(code) != modules]
    assert stale == [], "these codes now have one owner (or other owners): update ALLOWED"


def test_framework_mismatch_has_one_owner() -> None:
    """It was raised in four places (parse, validate, merge, plan read); framework.choice.mismatch owns it."""
    assert raised_in(_package_sources())["framework-mismatch"] == {"framework/choice.py"}


def test_the_scan_finds_a_second_owner_and_ignores_reading_a_code() -> None:
    sources = {
        "a.py": 'problem("framework-mismatch", "x")\nif p.code == "goal-missing":\n    pass\n',
        "b.py": 'ctx.report("framework-mismatch", "y")\nSKIP = frozenset({"goal-missing"})\n',
        "c.py": 'INTERNAL = "goal-missing"\n',
    }
    found = raised_in(sources)
    assert found == {"framework-mismatch": {"a.py", "b.py"}, "goal-missing": {"c.py"}}
    assert "framework-mismatch: raised from a.py, b.py" in owners_problems(found)
