"""Forms with no ids, read by their wording: the matcher, the pairing, and seed 003's real return.

Seed 003's expected answers (tests/data/seed003_expected.json) were written by
hand, reading the seed as a person would; the matcher never produced them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from docxform import api
from docxform.core.errors import DocxformError
from docxform.framework import load_framework
from docxform.framework.mapping import load_mapping, mapping_from_data
from docxform.parse.textanchors import Unit, pair_answers, split_repeated
from docxform.parse.textmatch import THRESHOLD, PromptIndex, content_words
from tests.support.returns import records

ROOT = Path(__file__).resolve().parents[3]
SAMPLE = ROOT / "samples" / "seed003" / "hallmarks-action-plan.docx"
EXPECTED = ROOT / "tests" / "data" / "seed003_expected.json"
MAPPING = "hallmarks2007-issue_action-original"
FIELDS = ("action", "developments")


@pytest.fixture(scope="module")
def index() -> PromptIndex:
    return PromptIndex(load_framework("hallmarks2007"))


@pytest.fixture(scope="module")
def seed003() -> dict[str, Any]:
    [outcome] = list(api.parse([SAMPLE], mapping=MAPPING))
    assert outcome.error is None
    return outcome.result


# -- the matcher -------------------------------------------------------------------------------------

def test_a_rephrased_question_finds_its_prompt(index: PromptIndex) -> None:
    match = index.best("✓ Do you have an information sharing protocol?")
    assert match is not None and match.key == ("9", "9a") and match.status() == "ok"
    assert match.score >= THRESHOLD and match.score - match.runner_up_score >= 5


def test_a_requirement_the_framework_lacks_is_weak(index: PromptIndex) -> None:
    match = index.best("The partnership will consult its communities about crime and disorder issues in their area")
    assert match is not None and match.status() == "weak" and match.score < THRESHOLD


def test_two_prompts_nearly_equal_is_ambiguous(index: PromptIndex) -> None:
    # "priorities identified through the strategic assessment" is in 26a's list and in 28a's question.
    match = index.best("The plan will contain the priorities identified through the strategic assessment")
    assert match is not None and match.status() == "ambiguous"
    assert {match.candidate.prompt, match.runner_up.prompt if match.runner_up else None} == {"26a", "28a"}


def test_a_line_of_a_listed_prompt_matches_that_prompt(index: PromptIndex) -> None:
    match = index.best("The plan must be revised annually")
    assert match is not None and match.key == ("26", "26a") and match.status() == "ok"
    assert match.candidate.line == 2  # 26a's lead-in is line 0, its bullets follow


def test_headings_are_known_and_requirements_are_not_headings(index: PromptIndex) -> None:
    assert index.is_heading("Intelligence-led Business Processes:")
    assert index.is_heading("Publish Summary")
    assert not index.is_heading("The plan must be revised annually")


def test_content_words_drop_function_words_and_plural() -> None:
    assert content_words("Do you have the Meetings?") == content_words("meeting")


def test_the_addressee_after_a_question_opening_is_no_content_word() -> None:
    """"Have you", "Has the partnership", "Have we" (then a participle) ask the same body; before a noun, or
    after "does" (where a noun cannot be told from a verb), "partnership" still counts."""
    same = {content_words(q) for q in ("Have you produced a strategic assessment?",
                                       "Has the partnership produced a strategic assessment?",
                                       "Have we produced a strategic assessment?")}
    assert same == {"produc strategic assessment"}
    assert "partnership" in content_words("Is the partnership plan published?").split()
    assert "partnership" in content_words("Does the partnership run a summer scheme?").split()
    assert content_words("Is the partnership taking steps?") == content_words("Are you taking steps?")


def test_a_match_the_word_overlap_disputes_is_not_sure(index: PromptIndex) -> None:
    """Two questions in one: 10b wins on letters by 14 points, but 3f's rarer words are there too."""
    match = index.best("Do you have a clear meeting structure, and do partners understand its importance?")
    assert match is not None and match.key == ("10", "10b") and match.score >= THRESHOLD
    assert match.score - match.runner_up_score >= 5  # the margin alone would have placed it
    assert match.dissent is not None and match.dissent.prompt == "3f" and match.status() == "ambiguous"
    assert index.best("Do you share personal data when necessary?").dissent is None  # the two agree


def _at(item: str, score: float, rival_score: float, status: str, dissent: str | None = None) -> Unit:
    from docxform.parse.textmatch import Candidate, Match

    rival = Candidate("99", "99a", -1, "")
    other = Candidate(dissent, dissent + "a", -1, "") if dissent else None
    return Unit(item, 0, True, Match(Candidate(item, item + "a", -1, ""), score, rival, rival_score, other), status)


def test_a_weak_match_is_placed_only_beside_its_own_item_clear_of_rivals() -> None:
    """Just under the threshold, clear of every other prompt, both measures agreeing, next to its item."""
    from docxform.parse.textanchors import NEAR, _resolve_by_neighbours

    def settle(middle: Unit, before: str = "12", after: str = "13") -> str:
        _resolve_by_neighbours([_at(before, 100, 0, "ok"), middle, _at(after, 100, 0, "ok")], THRESHOLD)
        return middle.status

    assert settle(_at("12", THRESHOLD - 8, THRESHOLD - 16, "weak")) == "ok"  # 12b's sure neighbour is 12a
    assert settle(_at("12", THRESHOLD - 8, THRESHOLD - 16, "weak"), before="11") == "weak"  # no neighbour of 12
    assert settle(_at("12", THRESHOLD - NEAR - 1, THRESHOLD - 20, "weak")) == "weak"  # too far under
    assert settle(_at("12", THRESHOLD - 8, THRESHOLD - 11, "weak")) == "weak"  # a rival within the margin
    assert settle(_at("12", THRESHOLD - 8, THRESHOLD - 16, "weak", dissent="30")) == "weak"  # the words disagree


# -- pairing answers with questions --------------------------------------------------------------------

def _units(*questions: str, groups: tuple[int, ...] = ()) -> list[Unit]:
    return [Unit(q, groups[i] if groups else 0, q.endswith("?")) for i, q in enumerate(questions)]


def test_n_answers_for_n_questions_pair_in_order() -> None:
    units = _units("A?", "B?", "C?")
    assert [(u.text, t) for u, t in pair_answers(units, ["1", "2", "3"]) or []] == [("A?", "1"), ("B?", "2"),
                                                                                     ("C?", "3")]


def test_mismatched_counts_are_not_split() -> None:
    assert pair_answers(_units("A?", "B?", "C?"), ["1", "2"]) is None
    assert pair_answers(_units("A?", "B?"), ["Yes – will do Delivery Group"]) is None


def test_one_question_takes_every_paragraph() -> None:
    assert [t for _, t in pair_answers(_units("A?"), ["1", "2"]) or []] == ["1\n2"]


def test_one_answer_per_headed_group() -> None:
    units = _units("A?", "B?", "C?", "D?", groups=(1, 1, 2, 3))
    assert [(u.text, t) for u, t in pair_answers(units, ["Yes Yes", "x", "y"]) or []] == [
        ("A?", "Yes"), ("B?", "Yes"), ("C?", "x"), ("D?", "y")]
    assert pair_answers(units, ["Yes No", "x", "y"]) is None  # the two-question group's answer cannot be split


def test_statements_take_the_actions_when_counts_say_so() -> None:
    units = _units("Must do X", "Must do Y", "A?", "B?", "C?")
    assert [(u.text, t) for u, t in pair_answers(units, ["x", "y"]) or []] == [("Must do X", "x"), ("Must do Y", "y")]


def test_a_repeated_phrase_is_split_and_nothing_else_is() -> None:
    assert split_repeated("See Delivery Plan See Delivery Plan", 2) == ["See Delivery Plan"] * 2
    assert split_repeated("Yes No-PCT", 2) is None
    assert split_repeated("Yes Yes", 3) is None


# -- the mapping --------------------------------------------------------------------------------------

def test_the_mapping_says_text_anchors_and_checks_them(tmp_path: Path) -> None:
    assert load_mapping(MAPPING).anchors == "text"
    with pytest.raises(DocxformError, match="anchors must be one of"):
        mapping_from_data({"id": "x", "framework": "hallmarks2007", "anchors": "words"}, "m.yaml")
    with pytest.raises(DocxformError, match="text_threshold"):
        mapping_from_data({"id": "x", "framework": "hallmarks2007", "anchors": "text", "text_threshold": 0},
                          "m.yaml")
    assert "anchors" not in load_mapping("hallmarks2007-issue_action").to_data()  # generated mappings unchanged


# -- seed 003 -----------------------------------------------------------------------------------------

def _paragraphs(text: str) -> list[str]:
    return [p for p in text.split("\n") if p]


def _expected_by_prompt(entries: list[dict[str, Any]]) -> dict[tuple[str, str], list[str]]:
    """Every paragraph a person assigns to (prompt, field), over all the prompts an entry may be."""
    out: dict[tuple[str, str], list[str]] = {}
    for entry in entries:
        for prompt in entry["prompts"]:
            for fld in FIELDS:
                if fld in entry:
                    out.setdefault((prompt, fld), []).extend(_paragraphs(entry[fld]))
    return out


def _flagged(problems: list[dict[str, Any]], item: str | None, fld: str, at: tuple[int, int] | None) -> bool:
    """A problem names the item (and this field, or none), or sits on the row the answer is in."""
    for p in problems:
        if p["code"] == "item-not-found":
            continue
        on_row = at is not None and (p["location"].get("table"), p["location"].get("row")) == at
        if on_row and p["field"] in (None, fld):
            return True
        if item is not None and p["item"] == item and p["field"] in (None, fld):
            return True
    return False


def _item_of(prompt: str) -> str:
    return prompt.rstrip("abcdefghij")


def _read_at(result: dict[str, Any], prompt: str, fld: str, want: list[str], allowed: list[str]) -> bool:
    """The answer is read at this prompt: every paragraph wanted is there, and nothing another answer lacks."""
    got = _paragraphs(result["items"][_item_of(prompt)].get("prompts", {}).get(prompt, {}).get(fld, ""))
    return set(want) <= set(got) and set(got) <= set(allowed)


def _answer_outcomes(result: dict[str, Any], entries: list[dict[str, Any]],
                     allowed: dict[tuple[str, str], list[str]]) -> list[tuple[dict[str, Any], str, set[str], bool]]:
    """Each expected answer (entry, field), the prompts it is read at, and whether a problem is on its row."""
    out = []
    for entry in entries:
        for fld in FIELDS:
            if fld not in entry or not entry["prompts"]:
                continue
            want = _paragraphs(entry[fld])
            at = {p for p in entry["prompts"] if _read_at(result, p, fld, want, allowed[(p, fld)])}
            out.append((entry, fld, at, _flagged(result["problems"], None, fld, (entry["at"][0], entry["at"][1]))))
    return out


def _wrong(result: dict[str, Any], allowed: dict[tuple[str, str], list[str]]) -> list[tuple[str, str, Any]]:
    """Values read that a person would not give, with no problem saying so: (prompt or item, field, text)."""
    problems = result["problems"]
    wrong: list[tuple[str, str, Any]] = []
    for item, answer in result["items"].items():
        for fld in FIELDS:  # an answer given to the item as a whole must say why
            if answer.get(fld) and not _flagged(problems, item, fld, None):
                wrong.append((item, fld, answer[fld]))
        for prompt, given in answer.get("prompts", {}).items():
            for fld in FIELDS:
                extra = [p for p in _paragraphs(given.get(fld, "")) if p not in allowed.get((prompt, fld), [])]
                cell = given.get("cells", {}).get(fld, {})
                if extra and not _flagged(problems, item, fld, (cell.get("table"), cell.get("row"))):
                    wrong.append((prompt, fld, extra))
    return wrong


def _expected() -> tuple[list[dict[str, Any]], dict[tuple[str, str], list[str]]]:
    entries = json.loads(EXPECTED.read_text("utf-8"))["answers"]
    return entries, _expected_by_prompt(entries)


def score_seed003(result: dict[str, Any]) -> dict[str, list[Any]]:
    """Each expected answer right, flagged or missed; each value read that a person would not give, wrong.

    An answer several prompts share (a requirement merging two) is right when it is read at one of them.
    """
    entries, allowed = _expected()
    outcome: dict[str, list[Any]] = {"right": [], "flagged": [], "missed": [], "wrong": _wrong(result, allowed)}
    for entry, fld, at, flagged in _answer_outcomes(result, entries, allowed):
        key = (entry["prompts"][0], fld, entry[fld])
        outcome["right" if at else "flagged" if flagged else "missed"].append(key)
    return outcome


def score_prompts(result: dict[str, Any]) -> dict[str, list[str]]:
    """Each prompt the return answers (99 in seed 003) right, flagged, missed or wrong, as the issue counts them.

    A prompt is right when every answer the return gives for it is read at that prompt itself (a shared
    answer must be at each prompt it answers); wrong when any value read at it (or at its item as a whole)
    is not the person's, with no problem saying so; otherwise missed when an answer of it is neither read
    there nor flagged on its row, else flagged. A prompt the return gives no answer to and that gets one
    anyway, silently, is wrong too (an answer invented).
    """
    entries, allowed = _expected()
    wrong = {where for where, _, _ in _wrong(result, allowed)}
    states: dict[str, set[str]] = {}
    for entry, _, at, flagged in _answer_outcomes(result, entries, allowed):
        for prompt in entry["prompts"]:
            state = "right" if prompt in at else "flagged" if flagged else "missed"
            states.setdefault(prompt, set()).add(state)
    outcome: dict[str, list[str]] = {"right": [], "flagged": [], "missed": [], "wrong": []}
    for prompt, found in states.items():
        if prompt in wrong or _item_of(prompt) in wrong:
            outcome["wrong"].append(prompt)
        else:
            outcome["missed" if "missed" in found else "flagged" if "flagged" in found else "right"].append(prompt)
    outcome["wrong"] += sorted(w for w in wrong if w not in states and not any(_item_of(p) == w for p in states))
    return outcome


def _figures(answers: dict[str, list[Any]], prompts: dict[str, list[str]]) -> str:
    """The counts for an assertion message: prompts and answers, right / flagged / missed / wrong."""
    def counts(found: dict[str, list[Any]]) -> str:
        return " ".join(f"{k} {len(found[k])}" for k in ("right", "flagged", "missed", "wrong"))
    return f"prompts: {counts(prompts)}; answers: {counts(answers)}"


def assert_seed003_figures(result: dict[str, Any], least_prompts: float, least_answers: float) -> str:
    """Never silently wrong, nothing missed, and at least these shares of the 99 prompts and 145 answers right."""
    answers, prompts = score_seed003(result), score_prompts(result)
    figures = _figures(answers, prompts)
    answered = sum(len(answers[k]) for k in ("right", "flagged", "missed"))
    asked = sum(len(prompts[k]) for k in ("right", "flagged", "missed"))
    assert (answered, asked) == (145, 99), figures  # every answered prompt and field a person reads in the seed
    assert answers["wrong"] == [] and prompts["wrong"] == [], (figures, answers["wrong"])
    assert answers["missed"] == [] and prompts["missed"] == [], (figures, answers["missed"])
    assert len(prompts["right"]) / asked >= least_prompts, figures
    assert len(answers["right"]) / answered >= least_answers, figures
    return figures


def test_seed003_answers_right_or_flagged_never_silently_wrong(seed003: dict[str, Any]) -> None:
    """Issue 20's bar: no answer at the wrong prompt, none invented, at least 70% of the 99 prompts right
    (and of the 145 answers): 72 of 99 and 110 of 145 on 2026-12-06 (70 and 107 before that night's changes)."""
    assert_seed003_figures(seed003, least_prompts=0.70, least_answers=0.70)


def test_the_prompt_count_sees_an_answer_moved_lost_or_invented(seed003: dict[str, Any]) -> None:
    """The count can fail: an answer at the wrong prompt, one lost with no problem, one invented."""
    doctored = json.loads(json.dumps(seed003))
    prompts = {k: v.get("prompts", {}) for k, v in doctored["items"].items()}
    prompts["9"]["9d"]["developments"] = prompts["9"]["9c"]["developments"]  # 9c's answer given to 9d
    del prompts["7"]["7c"]  # 7c's answers lost, no problem on its row
    doctored["items"]["37"].setdefault("prompts", {})["37a"] = {"action": "Invented"}
    found = score_prompts(doctored)
    assert {"9d", "37a"} <= set(found["wrong"]) and "7c" in found["missed"]
    assert "7c" in score_prompts(seed003)["right"] and score_prompts(seed003)["wrong"] == []


def test_seed003_values_and_provenance(seed003: dict[str, Any]) -> None:
    import jsonschema

    schema = json.loads((ROOT / "docxform" / "schemas" / "response.schema.json").read_text("utf-8"))
    jsonschema.validate(seed003, schema)
    items = seed003["items"]
    assert items["2"]["prompts"]["2a"]["action"] == "Identify strategic group. Produce Strategic Assessment"
    assert items["2"]["prompts"]["2a"]["provenance"] == {"action": "text", "developments": "text"}
    assert items["9"]["prompts"]["9c"]["developments"] == "Probably – awaits County"
    assert items["7"]["prompts"]["7c"]["action"] == ("Protocol to be developed by all relevant authorities\n"
                                                     "Designated liaison officer to be nominated from each authority")
    assert items["30"]["prompts"]["30b"]["developments"] == "Yes"  # "Yes Yes" for two questions
    assert items["44"]["prompts"]["44c"]["developments"] == "Will"
    assert items["43"]["prompts"]["43c"]["action"] == "Costing and benefit structure to be in place"
    # 16 developments beside 9 requirements, the 7 questions of the row below left blank: shared out.
    assert items["11"]["prompts"]["11a"]["developments"] == ("Need to introduce one as part of the refresh "
                                                             "process of the Partnership Plan.")
    assert items["13"]["prompts"]["13b"]["developments"] == "Improving – specialist BME worker appointed"
    assert items["13"]["prompts"]["13b"]["cells"]["developments"] == {"table": 3, "row": 1, "cell": 3}
    # 2 developments paragraphs for a requirement and 5 questions: given to the item, with the reason.
    assert items["35"]["developments"] == ("PRIME\nYes (ASB, PPO, DVF, CDAG, JAG) Needs work – (Chair, Minutes, "
                                           "Management arrangements) Yes (Delivery group and JAG) Yes – (PRIME, "
                                           "CREW) Yes")
    [unsplit] = [p for p in seed003["problems"] if p["code"] == "answers-not-split" and p["item"] == "35"]
    assert unsplit["field"] == "developments" and unsplit["location"]["table"] == 8
    assert unsplit["extra"] == {"questions": 6, "answers": 2}
    assert "37a" not in items["37"].get("prompts", {})


def test_seed003_weak_and_ambiguous_matches_carry_their_score(seed003: dict[str, Any]) -> None:
    weak = [p for p in seed003["problems"] if p["code"] == "text-match-weak"]
    consult = [p for p in weak if p["extra"]["text"].startswith("The partnership will consult its communities")]
    assert len(consult) == 1 and consult[0]["extra"]["score"] < THRESHOLD
    assert consult[0]["location"] == {"file": str(SAMPLE), "table": 3, "row": 1}
    assert all(p["severity"] == "warning" and p["item"] for p in weak)


def test_seed003_a_match_taken_by_its_neighbours_is_said_for_each_answer_read_there(
        seed003: dict[str, Any]) -> None:
    """Not sure on its own (under the threshold, or as close to another item's prompt), a match taken because the
    prompts around it are its item's places answers with a notice naming the item, field and cell: never silently."""
    notices = [p for p in seed003["problems"] if p["code"] == "text-match-by-neighbours"]
    said = {(p["item"], p["field"], p["extra"]["prompt"]) for p in notices}
    assert said == {("2", "action", "2a"), ("2", "developments", "2a"), ("11", "action", "11c"),
                    ("11", "developments", "11c"), ("12", "developments", "12c")}
    assert all(p["severity"] == "info" for p in notices)
    [weak_12c] = [p for p in notices if p["extra"]["prompt"] == "12c"]
    assert weak_12c["extra"]["score"] < THRESHOLD and "under the threshold" in weak_12c["message"]
    assert weak_12c["location"] == {"file": str(SAMPLE), "table": 3, "row": 1, "cell": 3}
    assert seed003["items"]["12"]["prompts"]["12c"]["developments"]  # and the answer is read there
    [close_2a] = [p for p in notices if p["extra"]["prompt"] == "2a" and p["field"] == "action"]
    rival = close_2a["extra"]["runner_up"]
    assert rival == "4a" and close_2a["extra"]["score"] - close_2a["extra"]["runner_up_score"] < 5
    assert f"though {rival} scores {close_2a['extra']['runner_up_score']:.0f} against its" in close_2a["message"]


# -- recognition, and what happens downstream ----------------------------------------------------------

def test_seed003_is_recognised_without_a_mapping() -> None:
    [outcome] = list(api.parse([SAMPLE]))
    assert outcome.error is None and outcome.result["mapping"] == MAPPING


def test_validate_merge_summarise_consolidate_carry_prompt_answers(seed003: dict[str, Any], tmp_path: Path) -> None:
    import jsonschema
    from openpyxl import load_workbook

    from docxform.records.response import Response
    from docxform.reports.consolidated import agreed_answers, consolidate
    from docxform.reports.summary import write_summary
    from docxform.survey.merge import merge_returns
    from docxform.validate.rules import validate_return
    from tests.support.ooxml import check_ooxml

    framework = load_framework("hallmarks2007")
    problems = validate_return(Response.from_dict(seed003), framework)
    parsed = {p["code"] for p in seed003["problems"]}
    assert [p.code for p in problems if p.code not in parsed] == ["field-missing"]  # the form has no partnership
    second = json.loads(json.dumps(seed003))
    second["source"]["path"] = "other.docx"
    second["fields"] = {"partnership": "Other CDRP"}
    second["items"]["9"]["prompts"]["9a"]["developments"] = "=HYPERLINK(\"http://x\")"
    merged = merge_returns(records([seed003, second]), framework)
    written = merged.to_dict()
    schema = json.loads((ROOT / "docxform" / "schemas" / "merged.schema.json").read_text("utf-8"))
    jsonschema.validate(written, schema)
    responses = written["items"]["9"]["responses"]
    first, other = sorted(responses)
    assert responses[first]["prompts"]["9c"] == {"developments": "Probably – awaits County"}
    assert responses[other]["prompts"]["9a"]["developments"] == "=HYPERLINK(\"http://x\")"
    assert responses[first]["developments"] == ""  # nothing at the item level: all was per prompt

    target = tmp_path / "summary.xlsx"
    write_summary(merged, framework, target)
    sheet = load_workbook(target)["Comments"]
    rows = list(sheet.iter_rows(values_only=True))
    assert (first, "9", None, "Developments (9c)", "Probably – awaits County") in rows
    formula = next(c for row in sheet.iter_rows() for c in row if c.value == "=HYPERLINK(\"http://x\")")
    assert formula.data_type == "s" and formula.quotePrefix  # respondents' text never becomes a formula

    agreed = agreed_answers(merged, framework)["9"]["developments"].split("\n")
    assert f"{first}: 9a: Not yet (old one in existence badly in need of refresh)" in agreed
    assert "9d: Yes" in agreed  # one respondent's answers on following lines
    form = consolidate(merged, framework, tmp_path / "agreed.docx", layout="issue_action")
    back = api.parse([form.path])
    assert next(back).result["items"]["9"]["developments"] == "\n".join(agreed)  # the agreed form reads back
    assert check_ooxml(target) == ""  # last: it skips where the checker is not beside the checkout


@pytest.mark.libreoffice
def test_seed003_saved_by_libreoffice_as_doc_and_odt_reads_the_same(seed003: dict[str, Any], tmp_path: Path) -> None:
    """A word processor's re-save (and the old .doc format) keeps the wording, so the same answers come back."""
    from tests.support.lo import convert

    copy = tmp_path / "seed003.docx"
    copy.write_bytes(SAMPLE.read_bytes())
    doc_file = convert([copy], "doc", tmp_path / "doc")[0]
    odt_file = convert([copy], "odt", tmp_path / "odt")[0]
    for outcome in api.parse([doc_file, odt_file], mapping=MAPPING):
        assert outcome.error is None
        result = outcome.result
        assert any(p["code"] == "controls-lost" for p in result["problems"])
        outcome_counts = score_seed003(result)
        assert outcome_counts["wrong"] == [] and outcome_counts["missed"] == []
        assert {k: v.get("prompts") for k, v in result["items"].items()} == \
               {k: v.get("prompts") for k, v in seed003["items"].items()}
    recognised = [o.result["mapping"] for o in api.parse([doc_file, odt_file])]
    assert recognised == [MAPPING, MAPPING]


def test_seed003_reads_the_same_on_both_readers() -> None:
    """The fast path (C) and the reference walk see the same paragraphs and line breaks in the sample."""
    import zipfile

    from lxml import etree

    from docxform.oxml import fastread, reader

    with zipfile.ZipFile(SAMPLE) as archive:
        root = etree.fromstring(archive.read("word/document.xml"))
    fast = fastread.read_fast(root)
    assert fast is not None and fast == reader.read_document(root, str(SAMPLE))
    assert "\n" in fast.tables[3].rows[5].cells[1].text  # the two questions on two lines of one paragraph


def _plan_docx(path: Path, rows: list[tuple[str, str, str]], header: bool = True) -> Path:
    from docx import Document

    doc = Document()
    table = doc.add_table(rows=0, cols=3)
    for cells in ([("Issue", "Action", "Developments")] if header else []) + rows:
        row = table.add_row()
        for cell, text in zip(row.cells, cells, strict=True):
            cell.text = text
    doc.save(str(path))
    return path


def test_a_form_of_other_wording_is_flagged_not_guessed(tmp_path: Path) -> None:
    form = _plan_docx(tmp_path / "other.docx", [
        ("Our canteen serves hot meals on Fridays", "Keep it up", "Done"),
        ("=HYPERLINK(\"http://x\")\n" + "x" * 100_000, "a", "b"),
        ("", "an answer with no question", ""),
        ("Is there an information sharing protocol?", "Draft one", "Yes")])
    [outcome] = list(api.parse([form], mapping=MAPPING))
    assert outcome.error is None
    result = outcome.result
    answered = {(i, p): a for i, v in result["items"].items() for p, a in v.get("prompts", {}).items()}
    assert list(answered) == [("9", "9a")] and answered[("9", "9a")]["action"] == "Draft one"
    codes = [(p["code"], p["location"].get("row")) for p in result["problems"] if p["code"] != "item-not-found"]
    assert ("text-match-weak", 2) in codes and ("text-match-weak", 3) in codes and ("row-not-read", 4) in codes
    assert sum(1 for p in result["problems"] if p["code"] == "item-not-found") == 45
    # Below the threshold the answers are unclaimed, listed with where they are: not given to the closest item.
    unclaimed = [(u["where"], u["text"]) for u in result["unclaimed"]]
    assert ("unmatched", "Keep it up") in unclaimed and ("unmatched", "Done") in unclaimed
    assert ("table", "an answer with no question") in unclaimed  # no item matched above it


def test_no_header_row_reads_nothing_and_says_so(tmp_path: Path) -> None:
    form = _plan_docx(tmp_path / "bare.docx", [("Is there an information sharing protocol?", "x", "y")], header=False)
    [outcome] = list(api.parse([form], mapping=MAPPING))
    result = outcome.result
    assert all(not v.get("prompts") for v in result["items"].values())
    assert sum(1 for p in result["problems"] if p["code"] == "item-not-found") == 46


def test_recognised_by_its_wording_without_the_key_and_generated_forms_stay_theirs(tmp_path: Path) -> None:
    import zipfile

    from docx import Document

    from docxform.generate.form import FormOptions
    from docxform.generate.output import generate_form
    from docxform.parse.form import parse_form

    doc = Document(str(SAMPLE))
    for paragraph in list(doc.paragraphs):  # the Key and the blank lines between the tables
        paragraph._element.getparent().remove(paragraph._element)
    doc.save(str(tmp_path / "nokey.docx"))
    assert parse_form(tmp_path / "nokey.docx").mapping == MAPPING
    blank = tmp_path / "blank.docx"
    generate_form(load_framework("hallmarks2007"), blank, FormOptions(layout="issue_action"), partnership="X")
    bare = tmp_path / "bare.docx"
    with zipfile.ZipFile(blank) as src, zipfile.ZipFile(bare, "w") as dst:
        for name in src.namelist():
            if name != "docProps/custom.xml":
                dst.writestr(name, src.read(name))
    assert parse_form(bare).mapping == "hallmarks2007-issue_action"


@pytest.mark.parametrize("framework_id", ["hallmarks2007", "sa2003", "stocktake2003", "beacon2003"])
def test_every_prompt_of_a_builtin_framework_finds_itself_uniquely(framework_id: str) -> None:
    """Printed verbatim, every prompt (or item, where prompts have no ids) is a sure match to itself."""
    framework = load_framework(framework_id)
    index = PromptIndex(framework)
    texts = [((i.id, p.id), p.text) for i in framework.items for p in i.prompts if p.id]
    texts += [((i.id, None), i.text) for i in framework.items if not any(p.id for p in i.prompts)]
    assert texts
    for key, text in texts:
        match = index.best(text)
        assert match is not None and match.key == key and match.status() == "ok", (key, match)


def test_validate_counts_per_prompt_answers_for_required_texts() -> None:
    """Evidence given per prompt is evidence; none at all is still missing."""
    from docxform.records.response import Response
    from docxform.validate.rules import check_items

    framework = load_framework("sa2003")
    items: dict[str, Any] = {i.id: {"rating": None, "provenance": {}} for i in framework.items}
    items["1.1"] = {"rating": "doing_well", "evidence": "", "goals": "", "provenance": {},
                    "prompts": {"p1": {"evidence": "Board minutes 12 March 2004, item 4", "provenance": {}}}}
    items["1.2"] = {"rating": "doing_well", "evidence": "", "provenance": {},
                    "prompts": {"p1": {"comments": "Fine", "provenance": {}}, "p2": "not an object"}}
    items["1.3"] = {"rating": "gap_identified", "provenance": {}, "prompts": {"p1": {"goals": "Appoint a lead"}}}
    data = Response.from_dict({"kind": "form", "framework": {"id": "sa2003", "version": framework.version},
                               "source": {"path": "r.docx"}, "items": items})
    codes = {(p.code, p.item) for p in check_items(data, framework, None)}
    assert ("evidence-missing", "1.1") not in codes and ("evidence-vague", "1.1") not in codes
    assert ("evidence-missing", "1.2") in codes
    assert ("goal-missing", "1.3") not in codes


def test_a_cell_merged_over_an_answer_column_is_flagged(tmp_path: Path) -> None:
    form = _plan_docx(tmp_path / "merged.docx", [
        ("Lead and Guide", "", ""),
        ("Is there an information sharing protocol?", "Draft one", "Yes"),
        ("Do you share personal data when necessary and appropriate to do so?", "", "")])
    from docx import Document

    doc = Document(str(form))
    table = doc.tables[0]
    table.cell(1, 0).merge(table.cell(1, 2))  # the heading row across the table: no problem
    row = table.rows[3]
    row.cells[0].merge(row.cells[1]).add_paragraph("We do, under the county protocol")
    doc.save(str(form))
    [outcome] = list(api.parse([form], mapping=MAPPING))
    result = outcome.result
    flagged = [(p["code"], p["item"], p["field"], p["location"]["row"]) for p in result["problems"]
               if p["code"] == "answers-not-split"]
    assert flagged == [("answers-not-split", "9", "action", 4)]
    assert result["items"]["9"]["prompts"]["9a"]["action"] == "Draft one"


def test_the_sample_is_what_its_script_writes(tmp_path: Path) -> None:
    """samples/make_seed003.py rebuilds the committed sample (same tables, same text)."""
    import importlib.util

    from docxform.parse.source import load_source

    spec = importlib.util.spec_from_file_location("make_seed003", ROOT / "samples" / "make_seed003.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    rebuilt = module.build(tmp_path / "rebuilt.docx")
    assert load_source(rebuilt).document == load_source(SAMPLE).document


@pytest.mark.parametrize(("seed", "wording"), [(0, "typed"), (2, "typed"), (1, "reworded"), (3, "second")])
def test_seed003_in_another_order_is_still_never_silently_wrong(seed: int, wording: str, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """Rows and tables shuffled (the neighbours that settle ambiguous and near-threshold matches change),
    as typed and in both rewordings: right or flagged, never wrong (none in seeds 0-4 of all three, tried)."""
    import importlib.util
    import random

    spec = importlib.util.spec_from_file_location("make_seed003_shuffled", ROOT / "samples" / "make_seed003.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    rng = random.Random(seed)
    tables = [rng.sample(rows, len(rows)) for rows in module.TABLES]
    rng.shuffle(tables)
    reword = {"typed": lambda line: line, "reworded": _reworded, "second": _reworded_2}[wording]
    tables = [[([reword(x) for x in issue], action, developments) for issue, action, developments in rows]
              for rows in tables]
    monkeypatch.setattr(module, "TABLES", tables)
    [outcome] = list(api.parse([module.build(tmp_path / "shuffled.docx")], mapping=MAPPING))
    found = score_seed003(outcome.result)
    assert found["wrong"] == [] and score_prompts(outcome.result)["wrong"] == []
    # 101-110 of 145 answers as typed in these orders, 99-111 reworded (fewer than in the form's own order: the
    # answers typed on into the next row, and the neighbours, depend on it); the typed floor is the test's old one.
    assert len(found["right"]) >= (100 if wording == "typed" else 99)


# -- held out: wording written by hand after the matcher was built, never used to tune it ----------------------

#: Hallmarks 2007 prompts reworded as a partnership might (reordered, shortened, a typo, synonyms), with
#: the prompt each one means. Written on 2026-11-30, after the matcher and its thresholds were settled.
REWORDED = (
    ("Do you have a clear process to agree and review the chair?", ("3", "3d")),
    ("The five statutory authorities must all be represented on this group", ("2", "2b")),
    ("Does the county strategy group encourage cross-border working across the county actively?", ("5", "5a")),
    ("Is there clarity about membership and any gaps; how often is the membership reviewed?", ("6", "6c")),
    ("Are additional protocols required to govern processes where there was confusion or disagreement previously?", ("8", "8c")),
    ("Could other parties sign up to and comply with the protocol?", ("9", "9c")),
    ("Do all the partners understand why information sharing is important?", ("10", "10b")),
    ("Has this year's strategic assessment been produced?", ("19", "19a")),
    ("Are the links with other strategic assessments sufficient", ("19", "19d")),
    ("Is there analytical capacity and capability across the partnership to support the strategic assessment?", ("20", "20b")),
    ("How are the priorities going to be resourced?", ("29", "29a")),
    ("Have other ways of publishing the summary been considered, e.g. the internet, flyers or voluntary "
     "organisations?", ("32", "32b")),
    ("How can we be sure the partnership's messages reach the intended audiences?", ("34", "34a")),
    ("Do these groups deliver what's required of them to meet the partnership plan?", ("37", "37b")),
    ("Does the group respond flexibly to community issues as they emerge?", ("40", "40a")),
    ("Is evaluation embeded in these projects?", ("45", "45b")),
    ("Is there a process to learn from previous evaluations?", ("46", "46a")),
    ("Each responsible authority must nominate a designated liaison officer to facilitate information sharing "
     "with other partners.", ("7", "7c")),
    ("Are actions in place to prevent reoffending and identify pre-emptive intervention for those most "
     "vulnerable and at risk?", ("24", "24c")),
    ("Is it clear how effectively the previous partnership plans were implemented?", ("44", "44b")),
    ("Have the requirements and what they mean for the partnership been understood?", ("17", "17a")),
    ("Has the correct medium been identified for sharing information with the community, including the hard "
     "to reach?", ("30", "30b")),
    ("Do partner agencies all grasp the value of sharing data?", ("10", "10b")),
    ("Who chairs the group, and how is the chair agreed and reviewed?", ("3", "3d")),
    ("Has a strategic assessment been done this year", ("19", "19a")),
    ("Learning from past evaluations - is there a process?", ("46", "46a")),
    ("Where will the money for the priorities come from?", ("29", "29a")),
)
#: Questions the framework does not ask: never an "ok" match to anything.
OFF_FRAMEWORK = (
    "Have you got a budget for graffiti removal?",
    "Does the partnership run a summer diversionary scheme for young people?",
    "Is CCTV coverage adequate in the town centre?",
    "Are police response times monitored monthly?",
    "Is the council's licensing policy reviewed with the fire service?",
    "Do you have a protocol?",
    "Are partners aware?",
)


def test_held_out_wording_is_matched_right_or_flagged_never_wrong(index: PromptIndex) -> None:
    """Seed 003's figures are in-sample; these texts were not seen while the matcher was tuned."""
    right, flagged, wrong = [], [], []
    for text, meant in REWORDED:
        match = index.best(text)
        if match is None or match.status() != "ok":
            flagged.append(text)
        elif match.key == meant:
            right.append(text)
        else:
            wrong.append((text, match.key, meant))
    assert wrong == []
    assert len(right) >= 2 * len(REWORDED) // 3, (len(right), flagged)  # 25 of 27 when written
    for text in OFF_FRAMEWORK:
        match = index.best(text)
        assert match is None or match.status() != "ok", (text, match.key, match.score)


# -- questions asking two prompts at once, and matches that must abstain ----------------------------------

MERGED_9AB = ("Is there an information sharing protocol and have the responsible authorities signed it and do they "
              "comply with it?")


def test_a_question_asking_two_prompts_is_found_as_a_pair(index: PromptIndex) -> None:
    single = index.best(MERGED_9AB)
    assert single is not None and single.status() != "ok"  # no one prompt explains it
    pair = index.best_pair(MERGED_9AB, single)
    assert pair is not None and (pair.first.prompt, pair.second.prompt) == ("9a", "9b") and pair.score >= THRESHOLD
    one = "Is there an information sharing protocol?"
    assert index.best_pair(one, index.best(one)) is None  # one prompt explains it: not read as two
    off = "Is there a budget for graffiti removal and have the shops signed up to it?"
    assert index.best_pair(off, index.best(off)) is None


def test_a_paragraph_answering_two_questions_is_given_to_both_with_a_notice(tmp_path: Path) -> None:
    form = _plan_docx(tmp_path / "merged.docx", [(MERGED_9AB, "Protocol signed in May", "Yes")])
    [outcome] = list(api.parse([form], mapping=MAPPING))
    result = outcome.result
    prompts = result["items"]["9"]["prompts"]
    assert {k: (v["action"], v["developments"]) for k, v in prompts.items()} == {
        "9a": ("Protocol signed in May", "Yes"), "9b": ("Protocol signed in May", "Yes")}
    shared = [(p["code"], p["item"], p["field"], p["severity"]) for p in result["problems"]
              if p["code"] == "answer-shared"]
    assert shared == [("answer-shared", "9", "action", "info"), ("answer-shared", "9", "developments", "info")]
    assert "unclaimed" not in result


def test_the_runner_up_is_never_taken_in_place_of_the_best(index: PromptIndex) -> None:
    """An ambiguous match whose *rival* belongs to the neighbours' item stays ambiguous (no swap to a lower score)."""
    from docxform.parse.textanchors import _resolve_by_neighbours
    from docxform.parse.textmatch import Candidate, Match

    def sure(item: str) -> Unit:
        return Unit(item, 0, True, Match(Candidate(item, item + "a", -1, ""), 100.0, None, 0.0), "ok")

    best, rival = Candidate("7", "7a", -1, ""), Candidate("9", "9a", -1, "")
    middle = Unit("x", 0, True, Match(best, 80.0, rival, 78.0), "ambiguous")
    _resolve_by_neighbours([sure("9"), middle, sure("9")], THRESHOLD)
    assert middle.status == "ambiguous" and middle.match is not None and middle.match.candidate == best
    kept = Unit("y", 0, True, Match(rival, 80.0, best, 78.0), "ambiguous")
    _resolve_by_neighbours([sure("9"), kept, sure("9")], THRESHOLD)
    assert kept.status == "ok"  # the best is over the threshold and its neighbours are its item's


# -- seed 003 typed again in other words ------------------------------------------------------------------

#: How a partnership words the same requirements and questions differently: question openings swapped
#: ("Is there" / "Do you have"), verbs and nouns said otherwise. Applied to every requirement and question
#: of the Issue column (headings kept), never to answers.
REWORDING = (
    (r"^(✓ )?Is there ", r"\1Do you have "), (r"^(✓ )?Do you have ", r"\1Is there "),
    (r"^(✓ )?Have you ", r"\1Has the partnership "), (r"^(✓ )?Are you ", r"\1Is the partnership "),
    (r"\bensure\b", "make sure"), (r"\bconsider\b", "think about"), (r"\bmust\b", "has to"),
    (r"\bpartners\b", "partner agencies"), (r"\bthe group\b", "this group"),
    (r"\bregularly\b", "on a regular basis"), (r"\bappropriate\b", "suitable"), (r"\bidentified\b", "found"),
    (r"\bIn doing so, ", "When doing this, "),
)


def _reworded(line: str) -> str:
    import re

    if line.startswith("#"):  # a heading (make_seed003's bold marker)
        return line
    for pattern, replacement in REWORDING:
        line = re.sub(pattern, replacement, line)
    return line


def _rebuilt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, reword: Any) -> dict[str, Any]:
    """Seed 003 built again by its script, each requirement and question passed through ``reword``."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_seed003_again", ROOT / "samples" / "make_seed003.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    tables = [[([reword(x) for x in issue], action, developments) for issue, action, developments in rows]
              for rows in module.TABLES]
    changed = sum(a != b for new, old in zip(tables, module.TABLES, strict=True)
                  for (n, _, _), (o, _, _) in zip(new, old, strict=True) for a, b in zip(n, o, strict=True))
    assert changed >= 40  # the rewording reaches a good part of the form's requirements and questions
    monkeypatch.setattr(module, "TABLES", tables)
    [outcome] = list(api.parse([module.build(tmp_path / "reworded.docx")], mapping=MAPPING))
    return outcome.result


def test_seed003_in_other_wording_is_right_or_flagged_never_wrong(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 20's rebuild in other wording: no answer at the wrong prompt, none invented, at least 70% of the
    99 prompts right (73 of 99, 111 of 145 answers on 2026-12-06; 65 and 102 before that night's changes)."""
    assert_seed003_figures(_rebuilt(tmp_path, monkeypatch, _reworded), least_prompts=0.70, least_answers=0.70)


#: A second rewording, written independently of REWORDING (2026-12-06, after the first of that night's
#: changes to the matcher, the addressee, and before the others were measured on it): questions turned
#: passive ("Have you produced X?" -> "Has X been produced?", "Have you ensured that" -> "Is it ensured
#: that", "Have you considered X?" -> "Is X considered?"), "Do you have" -> "Have you got", "Are you able
#: to" -> "Can you", "must" -> "is required to", articles dropped, American spelling, and common typos.
#: Applied in order to every issue line but the headings.
REWORDING_2 = (
    (r"^(✓ )?Have you ensured that (that )?", r"\1Is it ensured that "),
    (r"^(✓ )?Have you (produced|made|embedded|identified|maximised|put in place) (.*?)\?$", r"\1Has \3 been \2?"),
    (r"^(✓ )?Have you considered (.*?)\?$", r"\1Is \2 considered?"),
    (r"^(✓ )?Do you have ", r"\1Have you got "), (r"\bAre you able to\b", "Can you"),
    (r"\bmust\b", "is required to"), (r"\b(?:[Tt]he|a|an) ", ""),
    (r"\b(organi|prioriti|maximi|personali|recogni)s(e|ed|es|ation|ing)\b", r"\1z\2"),
    (r"\bco-ordinat", "coordinat"), (r"\bresponsible\b", "responsable"), (r"\bnecessary\b", "neccessary"),
    (r"\breceive\b", "recieve"), (r"\bprocesses\b", "proccesses"),
)


def _reworded_2(line: str) -> str:
    import re

    if line.startswith("#"):
        return line
    for pattern, replacement in REWORDING_2:
        line = re.sub(pattern, replacement, line)
    return line[:1].upper() + line[1:]


def test_seed003_in_a_second_wording_is_right_or_flagged_never_wrong(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """REWORDING_2 (passive questions, dropped articles, American spelling, typos): never wrong, never missed.

    71 of 99 prompts and 108 of 145 answers right on 2026-12-06 (69 and 105 before that night's changes to the
    matcher); the floors sit a little under (68 prompts, 105 answers), not at the issue's 70%.
    """
    assert_seed003_figures(_rebuilt(tmp_path, monkeypatch, _reworded_2), least_prompts=0.68, least_answers=0.72)
