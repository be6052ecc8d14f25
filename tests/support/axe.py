"""axe-core, the accessibility checker, run inside a page of the browser tests.

axe-core is an npm package (not Python): ``npm install -g axe-core@4.14.1`` puts
``axe.min.js`` under ``$(npm root -g)/axe-core/``, where :func:`axe_source` looks
(``DOCXFORM_AXE_JS`` may name the file instead). Injected by the test through
the driver (DevTools), so the console's Content-Security-Policy, which allows no
script but its own, stays as it is.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

#: WCAG 2.2 level A and AA (axe's tags include the 2.0 and 2.1 success criteria still in 2.2).
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
FALLBACKS = ("/usr/lib/node_modules", "/usr/local/lib/node_modules")


@functools.cache
def axe_path() -> Path | None:
    given = os.environ.get("DOCXFORM_AXE_JS")
    if given:
        return Path(given) if Path(given).is_file() else None
    roots = list(FALLBACKS)
    npm = shutil.which("npm")
    if npm:
        done = subprocess.run([npm, "root", "-g"], capture_output=True, text=True, check=False, timeout=60)
        if done.returncode == 0 and done.stdout.strip():
            roots.insert(0, done.stdout.strip())
    for root in roots:
        candidate = Path(root) / "axe-core" / "axe.min.js"
        if candidate.is_file():
            return candidate
    return None


def axe_source() -> str:
    """axe.min.js; skips the test when it is not installed (fails under CI, which installs it)."""
    path = axe_path()
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("axe-core is needed under CI: npm install -g axe-core@4.14.1")
        pytest.skip("axe-core is not installed (npm install -g axe-core@4.14.1)")
    return path.read_text("utf-8")


def violations(driver: Any) -> list[dict[str, Any]]:
    """axe-core's WCAG 2.2 A/AA violations on the page the driver shows (each with its nodes)."""
    driver.execute_script(axe_source())
    result = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}, resultTypes: ['violations']})"
        ".then(r => done(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.map(n => n.target.join(' ') + ': ' + n.failureSummary)}))))"
        ".catch(e => done([{id: 'axe-error', help: String(e), nodes: []}]));", WCAG_AA)
    return list(result)


def describe(found: list[dict[str, Any]]) -> str:
    return "; ".join(f"{v['id']} ({v.get('impact')}): {v['help']} at {v['nodes'][:3]}" for v in found)
