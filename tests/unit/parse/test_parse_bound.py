"""Controls bound to custom XML (w:dataBinding): the shown text checked against the stored value.

Word shows a bound control's stored value when it opens the file. Before, the
parse read the body's cached copy and said nothing when the stored value was
another ("Cached text" read, "Stored answer" shown in Word): silently wrong.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from docxform.parse import parse_form
from tests.support import trialcorpus as tc
from tests.support import trialobjects as to


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> tc.Base:
    return tc.filled("sa2003", tmp_path_factory.mktemp("bound"))


def bound(base: tc.Base, folder: Path, shown: str, stored: str, *, xpath: str | None = None,
          parts: bool = True) -> list[tuple[str, str | None, str | None, str, str]]:
    edit = to.bound_control("5.2", "comments", shown, stored)

    def with_xpath(body: etree._Element) -> tc.Typed:
        typed = edit(body)
        if xpath is not None:
            for binding in body.iter(tc.w("dataBinding")):
                binding.set(tc.w("xpath"), xpath)
        return typed
    case = to.Case("bound", "sa2003", "", with_xpath, to.bound_parts(stored) if parts else None)
    path, _, _ = to.make(base, case, folder)
    return [(p.code, p.item, p.field, p.severity, p.message) for p in parse_form(path).problems
            if p.code == "bound-value-differs"]


def test_a_stored_value_that_differs_is_said_with_both(base: tc.Base, tmp_path: Path) -> None:
    [(_, item, fld, severity, message)] = bound(base, tmp_path, "Cached text", "Stored answer")
    assert (item, fld, severity) == ("5.2", "comments", "warning")
    assert "Cached text" in message and "Stored answer" in message


def test_the_same_value_says_nothing(base: tc.Base, tmp_path: Path) -> None:
    assert bound(base, tmp_path, "Same answer", "Same  answer") == []


@pytest.mark.parametrize("xpath", ["//ns0:answer", "/ns0:answers[1]/ns0:answer[1] | count(//*)",
                                   "/ns0:answers[1]/ns0:answer[position()=1]"])
def test_an_xpath_of_another_form_is_not_evaluated_but_said(base: tc.Base, tmp_path: Path, xpath: str) -> None:
    [(_, item, fld, severity, message)] = bound(base, tmp_path, "Cached", "Stored", xpath=xpath)
    assert (item, fld, severity) == ("5.2", "comments", "info") and "not of the plain form" in message


def test_an_attribute_and_a_missing_node(base: tc.Base, tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    [(_, _, _, severity, message)] = bound(base, tmp_path / "a", "Cached", "Stored", xpath="/ns0:answers[1]/@ns0:x")
    assert severity == "info" and "no value" in message
    [(_, _, _, severity, message)] = bound(base, tmp_path / "b", "Cached", "Stored", xpath="/ns0:answers[1]/ns0:other[1]")
    assert severity == "info" and "no value" in message


def test_a_missing_store_is_said(base: tc.Base, tmp_path: Path) -> None:
    [(_, _, _, severity, message)] = bound(base, tmp_path, "Cached", "Stored", parts=False)
    assert severity == "info" and "not in the file" in message
