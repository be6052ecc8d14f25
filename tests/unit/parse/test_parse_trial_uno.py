"""Returns edited inside LibreOffice as a new user edits them (issue 20): every value right, or flagged.

Two sets of trials, each a shipped blank form filled through UNO (ticks and
typing by control) and then edited one way:

- ``tc.uno_trials()``: a rating retyped as "Level 3", an "x" or "3 -
  established"; a remark in a rating cell; a row added; a control removed; a
  table pasted into a cell; a bulleted list; line breaks; a merged cell typed
  in; paragraphs between tables; a split cell; a remark under the standard's
  text. The edit's answer and its stray text may each be flagged.
- ``to.uno_cases()`` (the third trial: things that are not plain text): a
  formula inserted, a picture inserted, words formatted hidden, words typed
  with Track Changes on and left unaccepted, special characters typed. Only
  the edit's own answer may be flagged.

Each is saved as .docx, .doc and .odt (one LibreOffice start for all). The
parse of each must hold every value right, or flag it (a problem naming the
item and field, or the text in the unclaimed list): nothing silently wrong,
nothing silently lost.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.support import trialcorpus as tc
from tests.support import trialobjects as to

pytestmark = pytest.mark.libreoffice
#: Each trial, with how many of its values may be flagged (the edit's own answer, and its stray text).
TRIALS = {t.name: (t, 2) for t in tc.uno_trials()} | {t.name: (t, 1) for t in to.uno_cases()}
FORMATS = ("docx", "doc", "odt")


@pytest.fixture(scope="module")
def parsed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    return tc.parse_uno_trials([t for t, _ in TRIALS.values()], tmp_path_factory.mktemp("trial-uno"), FORMATS)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", list(TRIALS))
def test_nothing_silently_wrong_or_lost(parsed: dict[str, dict[str, Any]], name: str, fmt: str) -> None:
    trial, flags = TRIALS[name]
    found = tc.verdicts(parsed[f"{name}.{fmt}"], tc.expected_answers(trial), trial.stray)
    assert found["wrong"] == [], trial.how
    assert found["lost"] == [], trial.how
    assert len(found["flagged"]) <= flags, found["flagged"]
