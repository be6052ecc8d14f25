"""The consensus rules on hand-computed distributions (docs/consensus.md works the same examples).

Positions 1..4 = gap identified, working towards, some success, doing well.
Quartiles by linear interpolation (h = (n-1)p), as QUARTILE.INC.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from docxform.core.errors import DocxformError
from docxform.framework import load_framework
from docxform.records.merged import MergedItem
from docxform.survey.consensus import Rule, make_rule, quartiles, tastle_wierman
from docxform.survey.merge import item_stats, merge_returns, rejudge
from tests.support.cli import run_main
from tests.support.returns import records

SA = load_framework("sa2003")
SCALE = SA.rating_scale
assert SCALE is not None
KEYS = SCALE.keys


def ratings(counts: tuple[int, int, int, int]) -> list[str | None]:
    return [k for k, n in zip(KEYS, counts, strict=True) for _ in range(n)]


def judged(counts: tuple[int, int, int, int], rule: Rule) -> MergedItem:
    return item_stats(ratings(counts), SCALE, rule)


ONE_OUTLIER = (0, 9, 0, 1)       # nine working towards, one doing well
FAR_OUTLIER = (9, 0, 0, 1)       # nine gap identified, one doing well
BIMODAL = (5, 0, 0, 5)           # five at each end
UNIFORM = (2, 2, 2, 2)
UNANIMOUS = (0, 10, 0, 0)
ADJACENT = (0, 5, 5, 0)          # an even split between neighbours


# --- iqr (the default) ------------------------------------------------------------------------------

@pytest.mark.parametrize(("counts", "iqr", "within", "agreed"), [
    # sorted 2x9,4: Q1 = x[2.25] = 2, Q3 = x[6.75] = 2; IQR 0; 9 of 10 within one level of median 2
    (ONE_OUTLIER, 0, 0.9, "working_towards"),
    (FAR_OUTLIER, 0, 0.9, "gap_identified"),
    # 1x5,4x5: Q1 = x[2.25] = 1, Q3 = x[6.75] = 4; IQR 3; median (lower) 1, 5 of 10 within one
    (BIMODAL, 3, 0.5, None),
    # 1,1,2,2,3,3,4,4: Q1 = x[1.75] = 1 + .75 = 1.75, Q3 = x[5.25] = 3 + .25 = 3.25; IQR 1.5; median 2, 6 of 8
    (UNIFORM, 1.5, 0.75, None),
    (UNANIMOUS, 0, 1.0, "working_towards"),
    # 2x5,3x5: Q1 = 2, Q3 = 3; IQR 1; all within one of median 2: agreed at the lower (cautious) level
    (ADJACENT, 1, 1.0, "working_towards"),
])
def test_iqr_rule(counts: tuple[int, int, int, int], iqr: float, within: float, agreed: str | None) -> None:
    s = judged(counts, Rule("iqr"))
    c = s.consensus
    assert c is not None
    assert (c.rule, c.measure, c.value, c.within_one, c.threshold) == (
        "iqr", "interquartile range", iqr, within, 0.8)
    assert c.agreed_level == agreed
    assert s.disputed is (agreed is None)


def test_iqr_reasons_and_threshold() -> None:
    assert judged(UNIFORM, Rule("iqr")).dispute_reason == (
        "interquartile range 1.5 is more than 1 level; only 75% of ratings within one level of the median "
        "(needs 80%)")
    # Two outliers of ten: 80% within one level, just enough; with --threshold 0.9, disputed.
    two = (0, 8, 0, 2)
    assert judged(two, Rule("iqr")).disputed is False
    assert judged(two, Rule("iqr", 0.9)).dispute_reason == (
        "only 80% of ratings within one level of the median (needs 90%)")


def test_quartiles_match_spreadsheet_quartile_inc() -> None:
    assert quartiles([1, 2, 3, 4, 5]) == (2.0, 4.0)
    assert quartiles([1, 1, 2, 2, 3, 3, 4, 4]) == (1.75, 3.25)
    assert quartiles([3]) == (3.0, 3.0)


# --- tastle ------------------------------------------------------------------------------------------

def test_tastle_wierman_matches_the_published_example() -> None:
    # Tastle & Wierman's measure as implemented by R's agrmt::consensus, whose documented example is 0.7256876.
    assert tastle_wierman([30, 40, 210, 130, 530, 50, 10]) == pytest.approx(0.7256876, abs=1e-7)


@pytest.mark.parametrize(("counts", "value", "agreed"), [
    # mean 2.2, d = 3: 1 + .9 log2(1 - .2/3) + .1 log2(1 - 1.8/3) = 1 - .0896 - .1322 = .7782
    (ONE_OUTLIER, 0.7782, "working_towards"),
    # mean 1.3: 1 + .9 log2(.9) + .1 log2(.1) = 1 - .1368 - .3322 = .5310 (just above .5)
    (FAR_OUTLIER, 0.531, "gap_identified"),
    # mean 2.5: log2(1 - 1.5/3) = -1 for everyone: 0
    (BIMODAL, 0.0, None),
    # mean 2.5: .5 log2(.5) + .5 log2(1 - .5/3) = -.5 - .1315 = -.6315 -> .3685
    (UNIFORM, 0.3685, None),
    (UNANIMOUS, 1.0, "working_towards"),
    # log2(1 - .5/3) = -.263 -> .737
    (ADJACENT, 0.737, "working_towards"),
])
def test_tastle_rule(counts: tuple[int, int, int, int], value: float, agreed: str | None) -> None:
    s = judged(counts, Rule("tastle"))
    c = s.consensus
    assert c is not None
    assert (c.rule, c.measure, c.threshold) == ("tastle", "Tastle-Wierman consensus", 0.5)
    assert c.value == pytest.approx(value, abs=1e-4)
    assert (c.agreed_level, s.disputed) == (agreed, agreed is None)


def test_tastle_threshold() -> None:
    assert judged(FAR_OUTLIER, Rule("tastle", 0.6)).dispute_reason == "consensus 0.53 is below 0.6"


# --- strict (the old rule) -----------------------------------------------------------------------------

@pytest.mark.parametrize(("counts", "reason"), [
    (ONE_OUTLIER, "levels two or more apart"),            # one outlier is enough: why it is no longer the default
    (FAR_OUTLIER, "levels two or more apart"),
    (BIMODAL, "levels two or more apart; no majority"),
    (UNIFORM, "levels two or more apart; no majority"),
    (UNANIMOUS, None),
    (ADJACENT, "no majority"),
])
def test_strict_rule(counts: tuple[int, int, int, int], reason: str | None) -> None:
    s = judged(counts, Rule("strict"))
    assert s.dispute_reason == reason
    assert s.consensus.value == s.spread
    assert s.consensus.agreed_level == (None if reason else "working_towards")


def test_nobody_rated_is_neither_agreed_nor_disputed() -> None:
    for name in ("iqr", "tastle", "strict"):
        s = item_stats([None, None], SCALE, Rule(name))
        assert (s.disputed, s.consensus.agreed_level, s.consensus.value) == (False, None, None)


# --- options -------------------------------------------------------------------------------------------

def test_bad_options_are_one_line_errors() -> None:
    with pytest.raises(DocxformError, match="unknown consensus rule 'vote'"):
        make_rule("vote")
    with pytest.raises(DocxformError, match="strict consensus rule takes no --threshold"):
        make_rule("strict", 0.5)
    with pytest.raises(DocxformError, match="above 0 and at most 1"):
        make_rule("iqr", 1.5)
    assert make_rule(None, 0.9) == Rule("iqr", 0.9)


def _return(n: int, rating: str) -> dict[str, Any]:
    items = {i: {"rating": rating if i == "1.1" else "some_success", "comments": "", "evidence": "", "goals": ""}
             for i in SA.item_ids}
    return {"kind": "form", "framework": {"id": "sa2003", "version": "2003-12"}, "form_id": f"f{n}",
            "respondent": f"Person {n}", "source": {"path": f"r{n}.docx", "sha256": "0"},
            "fields": {"partnership": "X"}, "items": items, "problems": []}


def test_merge_records_the_rule_and_the_problem_names_it() -> None:
    returns = [_return(n, "working_towards") for n in range(9)] + [_return(9, "doing_well")]
    merged = merge_returns(records(returns), SA)
    assert merged.consensus is not None and merged.consensus.rule == "iqr" and not merged.items["1.1"].disputed
    strict = merge_returns(records(returns), SA, consensus=Rule("strict"))
    problem = [p for p in strict.problems if p.code == "rating-disputed"]
    assert [p.item for p in problem] == ["1.1"]
    assert problem[0].message == ("ratings disagree under the strict rule (levels two or more apart): "
                                     "9 working towards, 1 doing well")
    assert problem[0].extra == {"rule": "strict", "measure": "spread", "value": 2}
    again = rejudge(strict, SA, Rule("iqr"))
    assert again.consensus is not None and again.consensus.rule == "iqr"
    assert not again.items["1.1"].disputed and not [p for p in again.problems if p.code == "rating-disputed"]
    assert again.items["1.1"].responses == strict.items["1.1"].responses
    assert strict.items["1.1"].disputed and strict.consensus and strict.consensus.rule == "strict"  # input unchanged


def test_cli_consensus_options(tmp_path: Path) -> None:
    parsed = tmp_path / "parsed"
    parsed.mkdir()
    for n in range(10):
        (parsed / f"r{n}.json").write_text(json.dumps(_return(n, "working_towards" if n < 9 else "doing_well")))
    out = tmp_path / "merged.json"
    files = [str(p) for p in sorted(parsed.glob("*.json"))]

    run = run_main  # in this process: the options are under test, not the Python start

    done = run("merge", *files, "-o", str(out), "--consensus", "strict")
    assert done.returncode == 0, done.stderr
    assert json.loads(out.read_text())["items"]["1.1"]["disputed"] is True
    done = run("merge", *files, "-o", str(out), "--consensus", "tastle", "--threshold", "0.8")
    data = json.loads(out.read_text())
    assert data["consensus"]["threshold"] == 0.8 and data["items"]["1.1"]["consensus"]["value"] == 0.7782
    assert data["items"]["1.1"]["disputed"] is True  # .7782 < .8
    bad = run("merge", *files, "-o", str(out), "--consensus", "strict", "--threshold", "0.5")
    assert bad.returncode == 1 and bad.stderr.strip() == "docxform: the strict consensus rule takes no --threshold"
    for command in ("merge", "summarise", "consolidate", "collate"):
        assert "--consensus [iqr|tastle|strict]" in run(command, "--help").stdout
