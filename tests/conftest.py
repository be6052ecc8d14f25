"""Shared fixtures."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHECK = ROOT.parent / "shared" / "ooxml" / "check.py"
sys.path.insert(0, str(Path(__file__).resolve().parent))


@pytest.fixture
def ooxml_check():
    """Run the ECMA-376 schema check on files; returns the problems printed (empty when all pass)."""
    if not CHECK.exists():
        pytest.skip("shared/ooxml/check.py not available")

    def run(*files: Path) -> str:
        done = subprocess.run([sys.executable, str(CHECK), "--quiet", *map(str, files)], capture_output=True,
                              text=True, timeout=300)
        return done.stdout + done.stderr if done.returncode else ""

    return run
