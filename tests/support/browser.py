"""Headless Chromium for tests: the one launcher, with the project's flags and a profile per start."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

NAMES = ("chromium", "chromium-browser", "google-chrome")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update"]


def binary() -> str | None:
    """The Chromium binary, or None when none is installed."""
    for name in NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def chromium_or_skip() -> str:
    """The Chromium binary; skips the test when none is installed."""
    found = binary()
    if found is None:
        pytest.skip("no chromium binary")
    return found


def run(args: list[str], profile: Path, *, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """One headless Chromium start with its own profile folder; fails the test when Chromium fails."""
    command = [chromium_or_skip(), *FLAGS, f"--user-data-dir={profile}", *args]
    return subprocess.run(command, capture_output=True, timeout=timeout, check=True, text=True,
                          stdin=subprocess.DEVNULL)


def print_to_pdf(page: Path, folder: Path) -> Path:
    """Print a local HTML page to ``folder/<name>.pdf`` as a person's browser would (no header or footer)."""
    pdf = folder / f"{page.stem}.pdf"
    run([f"--print-to-pdf={pdf}", "--no-pdf-header-footer", page.resolve().as_uri()], folder / "profile")
    return pdf


CHROMEDRIVER = "/usr/bin/chromedriver"


def webdriver(downloads: Path, *, width: int = 1280, height: int = 1000):  # -> selenium WebDriver
    """A Selenium-driven headless Chromium (Debian's chromium and chromium-driver; nothing is downloaded).

    Started through :func:`binary`, so an unmarked test cannot start it. Files the
    page downloads go to ``downloads``. The caller quits it.
    """
    chromium = binary()
    if chromium is None:
        pytest.skip("no chromium binary")
    if not Path(CHROMEDRIVER).is_file():
        pytest.skip(f"no {CHROMEDRIVER} (Debian's chromium-driver)")
    selenium = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    options = selenium.ChromeOptions()
    options.binary_location = chromium
    for flag in [*FLAGS, f"--window-size={width},{height}"]:
        options.add_argument(flag.replace("--headless", "--headless=new") if flag == "--headless" else flag)
    options.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                              "download.prompt_for_download": False})
    return selenium.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
