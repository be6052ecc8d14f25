"""Returns no one here designed (issue 20): every value typed comes back right, or flagged; none silently.

The corpus is tests/support/trialcorpus.py: each shipped form filled by
script, then edited one way per return in the XML that Word writes for what
a person did (tracked changes, fields, hyperlinks, smart tags, custom XML,
symbols, soft hyphens, right-to-left text, emoji, a 20,000-character answer,
a table pasted into a cell, a rating retyped as words ...). Each return is
read twice: as edited, and with every content control unwrapped (as after a
trip through a program without controls). A value is *right* (read exactly),
*flagged* (a problem names its item and field, or its text is unclaimed),
or silently *wrong* / *lost*: the last two must never happen. Where the
trial is ``exact``, every typed value must be right, not merely flagged.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from docxform.parse import parse_form
from tests.support import trialcorpus as tc

TRIALS = {t.name: t for t in tc.trials()}


@pytest.fixture(scope="module")
def bases(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tc.Base]:
    folder = tmp_path_factory.mktemp("trial-bases")
    return {key: tc.filled(key, folder) for key in tc.FORMS}


def read(bases: dict[str, tc.Base], trial: tc.Trial, folder: Path, strip: bool) -> dict[str, list[str]]:
    path, expected, stray = tc.make(bases[trial.base], trial, folder, strip=strip)
    result: dict[str, Any] = parse_form(path).to_dict()
    return tc.verdicts(result, expected, stray)


CASES = [(name, strip) for name, trial in TRIALS.items() for strip in (False, True) if trial.stripped or not strip]


@pytest.mark.parametrize(("name", "strip"), CASES, ids=[f"{n}-{'no-controls' if s else 'controls'}" for n, s in CASES])
def test_nothing_silently_wrong_or_lost(bases: dict[str, tc.Base], tmp_path: Path, name: str, strip: bool) -> None:
    trial = TRIALS[name]
    found = read(bases, trial, tmp_path, strip)
    assert found["wrong"] == [], trial.how
    assert found["lost"] == [], trial.how
    if trial.exact:
        assert found["flagged"] == [], trial.how
    assert found["right"], "nothing was read at all"


def test_the_verdicts_can_fail() -> None:
    """The classifier itself: a changed value is wrong, a missing one lost, a reported one flagged."""
    result = {"items": {"1.1": {"rating": None, "comments": "other"}, "1.2": {"comments": ""},
                        "1.3": {"comments": ""}},
              "problems": [{"code": "rating-missing", "item": "1.1", "field": "rating", "severity": "warning"}],
              "unclaimed": [{"text": "typed for 1.3", "where": "row", "item": "1.3"}], "fields": {}}
    expected = {("1.1", "rating"): "doing_well", ("1.1", "comments"): "mine", ("1.2", "comments"): "lost words",
                ("1.3", "comments"): "typed for 1.3"}
    found = tc.verdicts(result, expected, ["stray words", "other"])
    assert tc.counts(found) == {"right": 1, "flagged": 2, "wrong": 1, "lost": 2}
