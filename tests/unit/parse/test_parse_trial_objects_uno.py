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

from docxform.framework import load_framework
from docxform.parse import parse_form
from docxform.parse.source import batch_conversions
from tests.support import trialcorpus as tc
from tests.support import trialobjects as to
from tests.support.respondent import fill_many_in_libreoffice, uno_or_skip

pytestmark = pytest.mark.libreoffice
TRIALS = {t.name: t for t in to.uno_cases()}
FORMATS = ("docx", "doc", "odt")


@pytest.fixture(scope="module")
def parsed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    uno_or_skip()
    folder = tmp_path_factory.mktemp("trial-objects-uno")
    jobs = [(tc.ROOT / "blank_forms" / tc.FORMS[t.base][2], folder / f"{t.name}.{fmt}", t.actions, fmt)
            for t in TRIALS.values() for fmt in FORMATS]
    paths = fill_many_in_libreoffice(jobs)
    with batch_conversions(paths):
        return {path.name: parse_form(path).to_dict() for path in paths}


def expected(trial: tc.UnoTrial) -> dict[tuple[str, str], str]:
    fw = load_framework(tc.FORMS[trial.base][0])
    block = fw.form(tc.FORMS[trial.base][1]).items_block
    assert block is not None
    out = {(item.id, column): "" for item in fw.items for column in block.columns}
    out.update(trial.values)
    return out


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", list(TRIALS))
def test_nothing_silently_wrong_or_lost(parsed: dict[str, dict[str, Any]], name: str, fmt: str) -> None:
    trial = TRIALS[name]
    found = tc.verdicts(parsed[f"{name}.{fmt}"], expected(trial), trial.stray)
    assert found["wrong"] == [], trial.how
    assert found["lost"] == [], trial.how
    assert len(found["flagged"]) <= 1, found["flagged"]  # the edit's own answer, nothing else
