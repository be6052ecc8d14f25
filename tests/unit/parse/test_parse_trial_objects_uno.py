"""Returns edited inside LibreOffice with things that are not plain text (issue 20, third trial).

``to.uno_cases()``: sa2003 filled through UNO, then a formula inserted, a
picture inserted, words formatted hidden, words typed with Track Changes on
and left unaccepted, special characters typed. Each is saved as .docx, .doc
and .odt (one LibreOffice start) and parsed: every value right or flagged
(a problem naming its item and field), none silently wrong or lost.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.support import trialcorpus as tc
from tests.support import trialobjects as to

pytestmark = pytest.mark.libreoffice
TRIALS = {t.name: t for t in to.uno_cases()}
FORMATS = ("docx", "doc", "odt")


@pytest.fixture(scope="module")
def parsed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    return tc.parse_uno_trials(list(TRIALS.values()), tmp_path_factory.mktemp("trial-objects-uno"), FORMATS)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", list(TRIALS))
def test_nothing_silently_wrong_or_lost(parsed: dict[str, dict[str, Any]], name: str, fmt: str) -> None:
    trial = TRIALS[name]
    found = tc.verdicts(parsed[f"{name}.{fmt}"], tc.expected_answers(trial), trial.stray)
    assert found["wrong"] == [], trial.how
    assert found["lost"] == [], trial.how
    assert len(found["flagged"]) <= 1, found["flagged"]  # the edit's own answer, nothing else
