"""The markers say what a test needs: unmarked tests cannot start LibreOffice or Chromium."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from docxform.io import office
from tests.support import browser


def test_an_unmarked_test_cannot_start_libreoffice_or_chromium() -> None:
    with pytest.raises(pytest.fail.Exception, match=r"mark this test @pytest\.mark\.libreoffice"):
        office.soffice()
    with pytest.raises(pytest.fail.Exception, match=r"mark this test @pytest\.mark\.browser"):
        browser.binary()


def test_a_child_process_finds_only_a_stand_in_that_leaves_a_trace() -> None:
    found = shutil.which("soffice")
    assert found is not None and "docxform-needs-" in found
    done = subprocess.run([found, "--version"], capture_output=True, check=False)
    trace = os.environ["DOCXFORM_TEST_UNMARKED_TRACE"]
    assert done.returncode == 3 and Path(trace).read_text("utf-8").split() == ["libreoffice"]
    os.unlink(trace)  # this test started it on purpose; any other would now fail


@pytest.mark.libreoffice
@pytest.mark.browser
def test_marked_tests_get_the_real_launchers() -> None:
    assert office.soffice() is None or "docxform-needs-" not in office.soffice()
    assert browser.binary() is None or "docxform-needs-" not in str(browser.binary())
