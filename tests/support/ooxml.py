"""The ECMA-376 schema check (shared/ooxml/check.py), found relative to this checkout.

The checker lies beside the checkout (``../shared/ooxml/check.py``), as the
project's machines and CI lay it out. Where it is missing the test fails under
CI (CI=true) rather than skipping silently, and skips elsewhere.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

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


def check_ooxml(*files: Path) -> str:
    """What the checker prints about ``files``: empty when every file passes."""
    done = subprocess.run([sys.executable, str(checker()), "--quiet", *map(str, files)], capture_output=True,
                          text=True, timeout=300, check=False)
    return done.stdout + done.stderr if done.returncode else ""
