"""Returns edited inside LibreOffice as a new user edits them (issue 20): every value right, or flagged.

Each return of ``tc.uno_trials()`` is a shipped blank form filled through
UNO (ticks and typing by control), then edited one way: a rating retyped as
"Level 3", an "x" or "3 - established"; a remark in a rating cell; a row
added; a control removed; a table pasted into a cell; a bulleted list; line
breaks; a merged cell typed in; paragraphs between tables; a split cell; a
remark under the standard's text. Each is saved as .docx, .doc and .odt
(one LibreOffice start for all). The parse of each must hold every value
right, or flag it (a problem naming the item and field, or the text in the
unclaimed list): nothing silently wrong, nothing silently lost.
"""

from __future__ import annotations

from typing import Any

import pytest

from docxform.framework import load_framework
from docxform.parse import parse_form
from docxform.parse.source import batch_conversions
from tests.support import trialcorpus as tc
from tests.support.respondent import fill_many_in_libreoffice, uno_or_skip

pytestmark = pytest.mark.libreoffice
TRIALS = {t.name: t for t in tc.uno_trials()}
FORMATS = ("docx", "doc", "odt")


@pytest.fixture(scope="module")
def parsed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    """Every trial saved in every format (one LibreOffice start) and parsed (.doc and .odt: one more start)."""
    uno_or_skip()
    folder = tmp_path_factory.mktemp("trial-uno")
    jobs = [(tc.ROOT / "blank_forms" / tc.FORMS[t.base][2], folder / f"{t.name}.{fmt}", t.actions, fmt)
            for t in TRIALS.values() for fmt in FORMATS]
    paths = fill_many_in_libreoffice(jobs)
    with batch_conversions(paths):
        return {path.name: parse_form(path).to_dict() for path in paths}


def expected(trial: tc.UnoTrial) -> dict[tuple[str, str], str]:
    """Every answer of the form: empty where nothing was typed, else what the trial typed."""
    framework_id, layout, _ = tc.FORMS[trial.base]
    fw = load_framework(framework_id)
    block = fw.form(layout).items_block
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
    assert len(found["flagged"]) <= 2, found["flagged"]  # the edit's own answer and text, nothing else
