"""The console in a real Chromium, as a coordinator uses it: start a round, send, receive, report.

Debian's chromium driven by Selenium through Debian's chromium-driver (nothing
downloads a browser); the form is filled inside LibreOffice through UNO, as a
person fills it; the server listens on 127.0.0.1 only and is stopped by the
test. Every page is checked with axe-core for WCAG 2.2 A/AA and kept as a
screenshot in ``tests/artifacts/console/`` (ignored by git) and the test's
own folder. The outputs got through the browser must equal the CLI's for the
same round.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from docxform import api
from docxform.serve import Server, start_server
from tests.e2e.test_libreoffice_fill import answers_for
from tests.support import axe, browser
from tests.support.respondent import fill_in_libreoffice, uno_or_skip
from tests.support.roundkit import run

pytestmark = [pytest.mark.browser, pytest.mark.libreoffice, pytest.mark.slow]

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "console"
PEOPLE = "Jane Smith, Salford City Council, Community Safety Manager, jane.smith@example.org\n" \
         "Brian Wroe, Greater Manchester Police, Divisional Commander, brian.wroe@example.org\n" \
         "Val Armstrong, Salford City Council, Community Safety Unit, val.armstrong@example.org\n"


@pytest.fixture
def console(tmp_path: Path) -> Iterator[tuple[Server, Any, Path]]:
    """A console over an empty folder of rounds, and a browser signed in to it; both stopped at the end."""
    uno_or_skip()
    rounds = tmp_path / "rounds"
    rounds.mkdir()
    server = start_server(rounds, background=True)
    driver = browser.webdriver(tmp_path / "downloads")
    try:
        yield server, driver, tmp_path
    finally:
        driver.quit()
        server.stop()


def _shot(driver: Any, folder: Path, name: str) -> None:
    """The whole page as a PNG, in the test's folder and in tests/artifacts/console/."""
    height = driver.execute_script("return Math.max(document.body.scrollHeight, 600)")
    driver.set_window_size(1280, min(int(height) + 40, 4000))
    time.sleep(1)  # a frame (the report) is painted again after the resize: the shot waits for it
    target = folder / "screens" / f"{name}.png"
    target.parent.mkdir(exist_ok=True)
    driver.save_screenshot(str(target))
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(target, ARTIFACTS / target.name)
    driver.set_window_size(1280, 1000)


def _check_page(driver: Any, folder: Path, name: str) -> None:
    found = axe.violations(driver)
    assert not found, f"{name}: {axe.describe(found)}"
    _shot(driver, folder, name)


def _wait(condition: Any, what: str, timeout: float = 120) -> Any:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        got = condition()
        if got:
            return got
        time.sleep(0.2)
    raise AssertionError(f"waited {timeout} s for {what}")


def _downloaded(folder: Path, name: str) -> Path:
    path = folder / "downloads" / name
    return _wait(lambda: path if path.is_file() and not list(path.parent.glob("*.crdownload")) else None,
                 f"the download of {name}")


def test_axe_finds_a_violation_when_there_is_one(console: tuple[Server, Any, Path]) -> None:
    """The checker itself can fail: an image with no text and an unlabelled field are found."""
    _server, driver, _tmp = console
    driver.get("data:text/html,<html lang=en><title>t</title><main><img src=x.png><input></main></html>")
    assert {"image-alt", "label"} <= {v["id"] for v in axe.violations(driver)}


def test_a_round_from_start_to_report_in_the_browser(console: tuple[Server, Any, Path]) -> None:
    server, driver, tmp = console
    by = pytest.importorskip("selenium.webdriver.common.by").By
    driver.get(server.url)  # the token sets the cookie and leaves the address
    assert "token" not in driver.current_url
    _check_page(driver, tmp, "01-rounds")

    driver.find_element(by.LINK_TEXT, "Start a new round").click()
    driver.find_element(by.ID, "partnership").send_keys("Salford Crime and Disorder Partnership")
    driver.execute_script("document.getElementById('due').value = '2004-03-31'")
    driver.find_element(by.ID, "people").send_keys(PEOPLE)
    _check_page(driver, tmp, "02-start")
    driver.find_element(by.CSS_SELECTOR, "form button[type=submit]").click()
    _wait(lambda: "/forms" in driver.current_url, "the forms page")
    [rid] = [p.name for p in (tmp / "rounds").iterdir()]
    folder = tmp / "rounds" / rid
    assert "Round started" in driver.page_source
    _check_page(driver, tmp, "03-forms")

    driver.find_element(by.PARTIAL_LINK_TEXT, "sa2003-jane-smith.docx").click()
    form = _downloaded(tmp, "sa2003-jane-smith.docx")
    assert form.read_bytes() == (folder / "forms" / "sa2003-jane-smith.docx").read_bytes()
    answers = answers_for(form)
    filled = fill_in_libreoffice(form, tmp / "Jane's return.docx", answers.actions)

    driver.find_element(by.LINK_TEXT, "Returns").click()
    driver.find_element(by.ID, "files").send_keys(str(filled))
    driver.execute_script(  # a drop of the chosen file on the drop zone, as the mouse would do
        "const input = document.getElementById('files'); const data = new DataTransfer();"
        "data.items.add(input.files[0]);"
        "document.getElementById('dropzone').dispatchEvent(new DragEvent('drop', {dataTransfer: data, bubbles: true}));")
    _wait(lambda: driver.find_element(by.ID, "summary").text.startswith("Done"), "the file to be processed")
    [line] = [li.text for li in driver.find_elements(by.CSS_SELECTOR, "#lines li")]
    assert line.startswith("Jane's return.docx: Jane Smith: new; "), line
    _check_page(driver, tmp, "04-returns")

    driver.find_element(by.LINK_TEXT, "Who has returned").click()
    row = driver.find_element(by.XPATH, "//tr[th/a[text()='Jane Smith']]")
    assert "returned" in row.text
    assert "1 of 3 returned" in driver.page_source
    assert driver.find_element(by.XPATH, "//tr[th/a[text()='Val Armstrong']]").text.count("overdue") == 1
    _check_page(driver, tmp, "05-status")
    row.find_element(by.TAG_NAME, "a").click()
    assert "Jane's return.docx" in driver.page_source
    _check_page(driver, tmp, "06-person")

    driver.find_element(by.LINK_TEXT, "Problems").click()
    _check_page(driver, tmp, "07-problems")

    driver.find_element(by.LINK_TEXT, "Report").click()
    if "round_agree" in dir(api):
        _agree(driver, by)
    driver.find_element(by.XPATH, "//button[starts-with(text(), 'Make the report')]").click()
    _wait(lambda: "Report made" in driver.page_source, "the report")
    _check_page(driver, tmp, "08-report")
    cli = run("round", "report", str(folder), "-o", str(tmp / "cli-report"))
    assert cli.returncode == 0, cli.stderr
    for key in ("summary.xlsx", "consolidated.docx", "plan.xlsx", "report.html", "merged.json"):
        driver.find_element(by.XPATH, f"//a[@href='/r/{rid}/report/files/{key}']").click()
        got = _downloaded(tmp, f"{rid}-{key}")
        assert got.read_bytes() == (tmp / "cli-report" / key).read_bytes(), key
    frame = driver.find_element(by.CSS_SELECTOR, "iframe.report")
    driver.switch_to.frame(frame)
    assert "1 of 3 returned" in driver.page_source
    driver.switch_to.default_content()


def _agree(driver: Any, by: Any) -> None:
    """The meeting's agreed level for the first standard, entered on the report page."""
    from selenium.webdriver.support.ui import Select

    Select(driver.find_element(by.ID, "agree-item")).select_by_index(0)
    Select(driver.find_element(by.ID, "agree-level")).select_by_index(0)
    driver.find_element(by.ID, "agree-note").send_keys("Agreed at the steering group")
    driver.find_element(by.XPATH, "//button[text()='Record the decision']").click()
    _wait(lambda: "Recorded:" in driver.page_source, "the decision")


def test_the_report_page_itself_meets_wcag_aa(console: tuple[Server, Any, Path]) -> None:
    """The report shown in the frame (the round's own report.html), checked outside its script-free sandbox."""
    _server, driver, tmp = console
    folder = tmp / "rounds" / "r"
    api.round_start("sa2003", folder, respondents=Path(__file__).parents[2] / "samples" / "people.csv")
    api.round_ingest(folder, sorted((Path(__file__).parents[2] / "samples" / "returns").glob("*.docx")))
    api.round_report(folder)
    driver.get((folder / "report" / "report.html").as_uri())
    found = axe.violations(driver)
    assert not found, axe.describe(found)


def _focus_ring(driver: Any) -> str:
    """The outline style of the focused element, as the page draws it.

    In a date field's calendar button the focus is in the browser's own part of the control
    (the element no longer matches :focus), which Chromium rings itself.
    """
    return str(driver.execute_script(
        "const e = document.activeElement;"
        "return e.matches(':focus') ? getComputedStyle(e).outlineStyle : 'drawn by the browser';"))


def test_the_console_is_usable_with_the_keyboard_alone(console: tuple[Server, Any, Path]) -> None:
    """Tab reaches the skip link first, then the form's fields in order; a round is started with keys only.

    Keys go to whatever has the focus (ActionChains), as a person's keyboard does; focus is always visible.
    """
    server, driver, tmp = console
    keys = pytest.importorskip("selenium.webdriver.common.keys").Keys
    chains = pytest.importorskip("selenium.webdriver.common.action_chains").ActionChains

    def press(*typed: str) -> Any:
        chains(driver).send_keys(*typed).perform()
        return driver.switch_to.active_element

    driver.get(server.url)
    driver.get(f"http://127.0.0.1:{server.guard.port}/new")
    skip = press(keys.TAB)
    assert skip.text == "Skip to the content" and skip.is_displayed()
    assert _focus_ring(driver) != "none"
    press(keys.ENTER)
    seen = []
    for _ in range(12):
        el = press(keys.TAB)
        ident = el.get_attribute("id") or el.tag_name
        if not seen or seen[-1] != ident:  # a date field has a stop per part (day, month, year)
            seen.append(ident)
        assert _focus_ring(driver) != "none", ident
        if ident == "partnership":
            press("Keyboard CDRP")
        if ident == "people":
            press("Tom Healey, Salford City Council, YOT Manager, tom.healey@example.org")
            break
    assert seen == ["framework", "partnership", "due", "respondents", "people"], seen
    button = press(keys.TAB)
    assert button.tag_name == "button" and button.text == "Start the round"
    press(keys.ENTER)
    _wait(lambda: "/forms" in driver.current_url, "the forms page")
    [rid] = [p.name for p in (tmp / "rounds").iterdir()]
    state = api.round_status(tmp / "rounds" / rid)
    assert [r.name for r in state.respondents] == ["Tom Healey"] and state.info.partnership == "Keyboard CDRP"
