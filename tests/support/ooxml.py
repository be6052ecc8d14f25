"""The ECMA-376 schema check (shared/ooxml/check.py), found relative to this checkout.

The checker lies beside the checkout (``../shared/ooxml/check.py``), as the
project's machines and CI lay it out. Where it is missing the test fails under
CI (CI=true) rather than skipping silently, and skips elsewhere.
"""

from __future__ import annotations

import importlib.util
import os
from functools import cache
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHECKER = ROOT.parent / "shared" / "ooxml" / "check.py"


def checker() -> Path:
    """The checker's path; fails under CI and skips elsewhere when it is missing."""
    if not CHECKER.exists():
        if os.environ.get("CI"):
            pytest.fail(f"the OOXML schema checker is missing: {CHECKER}")
        pytest.skip(f"the OOXML schema checker is not at {CHECKER}")
    return CHECKER


@cache
def _loaded_checker(path: Path) -> ModuleType:
    """The checker as a module, loaded once per test process: it keeps its parsed schemas between files
    (loading them is most of a run: 0.3 s a call when it was started as a process per call)."""
    spec = importlib.util.spec_from_file_location("ooxml_check", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def check_ooxml(*files: Path) -> str:
    """What the checker finds wrong with ``files`` (its own ``check``, one line per problem): empty when all pass."""
    check = _loaded_checker(checker()).check
    problems: list[str] = []
    for file in files:
        try:
            problems += check(Path(file))
        except Exception as exc:  # the checker's own failure on a file is a failure of the file, said in full
            problems.append(f"{file}: the checker failed: {type(exc).__name__}: {exc}")
    return "\n".join(problems)
