"""Merging returns: statistics per standard, duplicates, anonymising, regions."""

from __future__ import annotations

import hashlib
import json
from importlib import resources
from typing import Any

import jsonschema
import pytest

from docxform.framework import load_framework
from docxform.records.merged import MergedDataset, MergedItem
from docxform.survey.consensus import Rule
from docxform.survey.merge import item_stats, merge_returns, pseudonym
from tests.support.returns import records

SA = load_framework("sa2003")
SCALE = SA.rating_scale
assert SCALE is not None
LETTER = {"G": "gap_identified", "W": "working_towards", "S": "some_success", "D": "doing_well", "-": None}


def make_return(name: str | None, ratings: dict[str, str | None] | None = None, *, form_id: str | None = None,
                path: str | None = None, partnership: str = "Anytown CDRP", comments: str = "",
                completed_by: str | None = None) -> dict[str, Any]:
    """A parsed sa2003 return; unlisted standards are rated 'some success'."""
    items: dict[str, dict[str, Any]] = {}
    for item_id in SA.item_ids:
        rating = (ratings or {}).get(item_id, "some_success")
        items[item_id] = {"rating": rating, "comments": comments, "evidence": "Crime Audit 2003, p.12",
                          "goals": "", "provenance": {}}
    stem = (name or "unnamed").lower().replace(" ", "-")
    return {
        "kind": "form", "framework": {"id": "sa2003", "version": "2003-12"}, "layout": "annexb",
        "mapping": "sa2003-annexb", "form_id": form_id, "respondent": name,
        "source": {"path": path or f"returns/{stem}.docx", "sha256": hashlib.sha256(stem.encode()).hexdigest()},
        "fields": {"partnership": partnership, "completed_by": completed_by or ""}, "items": items, "problems": [],
    }


def schema() -> dict[str, Any]:
    text = resources.files("docxform.schemas").joinpath("merged.schema.json").read_text("utf-8")
    return dict(json.loads(text))


def merge_json(returns: list[dict[str, Any]], **options: Any) -> dict[str, Any]:
    """The merged dataset of sa2003 returns as merged.json holds it (what the schema and these tests describe)."""
    return merge_returns(records(returns), SA, **options).to_dict()


def stats(letters: str) -> MergedItem:
    """Statistics under the strict rule (the rules themselves are tested in test_consensus.py)."""
    return item_stats([LETTER[c] for c in letters], SCALE, Rule("strict"))


# statistics ---------------------------------------------------------------------------------------

def test_unanimous() -> None:
    s = stats("SSSS")
    assert s.counts == {"gap_identified": 0, "working_towards": 0, "some_success": 4, "doing_well": 0}
    assert (s.rated, s.unrated, s.mode, s.median, s.spread) == (4, 0, "some_success", "some_success", 0)
    assert (s.disputed, s.dispute_reason) == (False, None)


def test_tie_has_no_mode_and_the_lower_median() -> None:
    s = stats("WWSS")
    assert (s.mode, s.median, s.spread) == (None, "working_towards", 1)
    assert (s.disputed, s.dispute_reason) == (True, "no majority")


def test_odd_count_median_is_the_middle() -> None:
    assert stats("GWWSD").median == "working_towards"
    assert stats("GSSSD").median == "some_success"


def test_two_levels_apart_is_disputed_even_with_a_majority() -> None:
    s = stats("GGGGS")
    assert (s.mode, s.median, s.spread) == ("gap_identified", "gap_identified", 2)
    assert (s.disputed, s.dispute_reason) == (True, "levels two or more apart")


def test_both_reasons() -> None:
    s = stats("GWS")
    assert s.dispute_reason == "levels two or more apart; no majority"


def test_exactly_half_is_no_majority_more_than_half_is() -> None:
    assert stats("WWSS").disputed is True
    assert stats("WWWSS").disputed is False


def test_one_rating_is_not_disputed_and_unrated_are_counted() -> None:
    s = stats("D---")
    assert (s.rated, s.unrated, s.mode, s.median, s.disputed) == (1, 3, "doing_well", "doing_well", False)


def test_nobody_rated() -> None:
    s = stats("---")
    assert (s.rated, s.unrated, s.mode, s.median, s.spread, s.disputed) == (0, 3, None, None, 0, False)
    assert set(s.counts.values()) == {0}


# merging ------------------------------------------------------------------------------------------

def test_merge_collates_every_respondent_per_standard() -> None:
    returns = [
        make_return("Alice Adams", {"1.1": "gap_identified", "1.2": None}, form_id="f1", comments="a comment"),
        make_return("Bob Brown", {"1.1": "doing_well"}, form_id="f2"),
        make_return("Cat Chen", {"1.1": "gap_identified"}, form_id="f3"),
    ]
    merged = merge_json(returns)
    jsonschema.validate(merged, schema())
    assert merged["kind"] == "merged"
    assert merged["framework"] == {"id": "sa2003", "version": "2003-12", "title": SA.title}
    assert merged["respondent_label"] == "respondent"
    assert [r["id"] for r in merged["respondents"]] == ["Alice Adams", "Bob Brown", "Cat Chen"]
    assert merged["respondents"][0] == {"id": "Alice Adams", "name": "Alice Adams", "form_id": "f1",
                                        "source": returns[0]["source"], "partnership": "Anytown CDRP"}
    assert list(merged["items"]) == list(SA.item_ids)
    one = merged["items"]["1.1"]
    assert one["counts"] == {"gap_identified": 2, "working_towards": 0, "some_success": 0, "doing_well": 1}
    assert (one["mode"], one["median"], one["spread"], one["disputed"]) == ("gap_identified", "gap_identified", 3, True)
    assert one["responses"]["Alice Adams"] == {"rating": "gap_identified", "comments": "a comment",
                                               "evidence": "Crime Audit 2003, p.12", "goals": "",
                                               "source": "returns/alice-adams.docx"}
    two = merged["items"]["1.2"]
    assert (two["rated"], two["unrated"], two["mode"], two["disputed"]) == (2, 1, "some_success", False)
    assert two["responses"]["Alice Adams"]["rating"] is None
    assert [(p["code"], p["item"]) for p in merged["problems"]] == [("rating-disputed", "1.1")]
    assert merged["duplicates"] == []


def test_merge_returns_a_typed_dataset_that_its_json_reads_back_as() -> None:
    returns = [make_return("Alice Adams", {"1.1": "gap_identified"}, form_id="f1", comments="first thoughts"),
               make_return("Bob Brown", {"1.1": "doing_well", "2.1": "excellent"}, form_id="f2"),
               make_return("Alice Adams", {"1.1": "working_towards"}, form_id="f1", comments="on reflection",
                           path="in/alice-v2.docx")]
    for anonymise in (False, True):
        merged = merge_returns(records(returns), SA, anonymise=anonymise)
        assert isinstance(merged, MergedDataset)
        rid = merged.respondents[0].id
        assert merged.items["1.1"].responses[rid].rating == "working_towards"
        assert merged.items["1.1"].responses[rid].texts["comments"] == "on reflection"
        assert merged.items["2.1"].unrated == 1 and merged.duplicates[0].reason == "form_id"
        assert (merged.duplicates[0].kept.path, merged.respondents[0].name) == (
            (None, None) if anonymise else ("in/alice-v2.docx", "Alice Adams"))
        assert MergedDataset.from_dict(json.loads(json.dumps(merged.to_dict()))) == merged


def test_the_agency_a_form_was_issued_to_is_kept_when_anonymised_and_prompt_answers_are_merged() -> None:
    issued = make_return("Amy", form_id="f1", comments="see 1a")
    issued["organisation"] = "Essex Police"
    issued["items"]["1.1"]["prompts"] = {"1a": {"comments": " yes ", "score": 0.9}, "1b": {"goals": "", "x": 3}}
    for anonymise in (False, True):
        merged = merge_returns(records([issued, make_return("Ben")]), SA, anonymise=anonymise)
        assert [r.organisation for r in merged.respondents] == ["Essex Police", None]
        response = merged.items["1.1"].responses[merged.respondents[0].id]
        assert response.prompts == {"1a": {"comments": "yes"}}
        assert response.item_text("comments") == "see 1a\n1a: yes"


def test_name_falls_back_to_completed_by_then_the_file_stem() -> None:
    merged = merge_json([make_return(None, completed_by="Dee Dunn"),
                         make_return(None, path="returns/eve.docx")])
    assert [r["id"] for r in merged["respondents"]] == ["Dee Dunn", "eve"]


def test_returns_of_another_framework_are_left_out() -> None:
    other = make_return("Zed")
    other["framework"] = {"id": "sa2003", "version": "2003-08"}
    merged = merge_json([make_return("Amy"), other])
    assert [r["id"] for r in merged["respondents"]] == ["Amy"]
    assert [p["code"] for p in merged["problems"]] == ["framework-mismatch"]
    assert merged["problems"][0]["location"] == {"file": "returns/zed.docx"}


def test_a_rating_not_on_the_scale_counts_as_unrated() -> None:
    merged = merge_json([make_return("Amy", {"2.1": "excellent"}), make_return("Ben")])
    entry = merged["items"]["2.1"]
    assert (entry["rated"], entry["unrated"]) == (1, 1)
    assert [(p["code"], p["item"]) for p in merged["problems"]] == [("rating-unclear", "2.1")]


def test_merge_does_not_change_its_input() -> None:
    returns = [make_return("Amy"), make_return("amy")]
    before = json.dumps(returns, sort_keys=True)
    merge_json(returns, anonymise=True)
    assert json.dumps(returns, sort_keys=True) == before


# duplicates ---------------------------------------------------------------------------------------

def test_same_form_id_the_later_return_wins() -> None:
    first = make_return("Alice Adams", {"1.1": "gap_identified"}, form_id="f1", path="in/alice-v1.docx")
    second = make_return("Alice A.", {"1.1": "doing_well"}, form_id="f1", path="in/alice-v2.docx")
    merged = merge_json([first, make_return("Bob", form_id="f2"), second])
    assert [r["id"] for r in merged["respondents"]] == ["Alice A.", "Bob"]
    assert merged["items"]["1.1"]["counts"]["doing_well"] == 1
    assert merged["items"]["1.1"]["counts"]["gap_identified"] == 0
    assert merged["duplicates"] == [{"respondent": "Alice A.", "reason": "form_id",
                                     "kept": second["source"], "dropped": first["source"]}]
    dup = [p for p in merged["problems"] if p["code"] == "duplicate-return"]
    assert len(dup) == 1 and dup[0]["severity"] == "warning"
    assert dup[0]["location"] == {"file": "in/alice-v1.docx"}
    jsonschema.validate(merged, schema())


def test_same_name_ignoring_case_the_later_return_wins() -> None:
    first = make_return("Alice Adams", {"3.3": "working_towards"}, form_id="f1", path="a.docx")
    second = make_return("  alice   ADAMS ", {"3.3": "doing_well"}, form_id="f9", path="b.docx")
    merged = merge_json([first, second])
    assert len(merged["respondents"]) == 1
    assert merged["respondents"][0]["source"]["path"] == "b.docx"
    assert merged["items"]["3.3"]["mode"] == "doing_well"
    assert merged["duplicates"][0]["reason"] == "respondent"


def test_order_given_decides_not_the_content() -> None:
    first = make_return("Amy", {"1.1": "gap_identified"}, path="x.docx")
    second = make_return("Amy", {"1.1": "doing_well"}, path="y.docx")
    assert merge_json([first, second])["items"]["1.1"]["mode"] == "doing_well"
    assert merge_json([second, first])["items"]["1.1"]["mode"] == "gap_identified"


def test_a_chain_of_resubmissions_keeps_only_the_last() -> None:
    v1 = make_return("Amy", form_id="f1", path="v1.docx")
    v2 = make_return("Amy", form_id="f2", path="v2.docx")
    v3 = make_return("Amy", form_id="f2", path="v3.docx")
    merged = merge_json([v1, make_return("Ben"), v2, v3])
    assert [r["source"]["path"] for r in merged["respondents"]] == ["v3.docx", "returns/ben.docx"]
    assert [(d["dropped"]["path"], d["kept"]["path"]) for d in merged["duplicates"]] == [
        ("v1.docx", "v3.docx"), ("v2.docx", "v3.docx")]


def test_file_stems_alone_never_make_duplicates() -> None:
    merged = merge_json([make_return(None, path="north/return.docx"),
                         make_return(None, path="south/return.docx")])
    assert [r["id"] for r in merged["respondents"]] == ["return", "return (2)"]
    assert merged["duplicates"] == []


def test_same_name_in_different_partnerships_is_not_a_duplicate() -> None:
    merged = merge_json([make_return("Community Safety Manager", partnership="Braintree CDRP"),
                         make_return("community safety manager", partnership="Harlow CDRP")])
    assert merged["duplicates"] == []
    assert [r["id"] for r in merged["respondents"]] == ["Braintree CDRP", "Harlow CDRP"]


def test_null_form_ids_are_not_duplicates() -> None:
    merged = merge_json([make_return("Amy"), make_return("Ben")])
    assert len(merged["respondents"]) == 2


# anonymising --------------------------------------------------------------------------------------

def test_anonymise_replaces_identities_with_stable_pseudonyms() -> None:
    returns = [make_return("Alice Adams", form_id="f1", comments="Alice thinks so"),
               make_return("Bob Brown", form_id="f2")]
    merged = merge_json(returns, anonymise=True)
    jsonschema.validate(merged, schema())
    ids = [r["id"] for r in merged["respondents"]]
    assert ids == [pseudonym("Alice Adams", "sa2003"), pseudonym("Bob Brown", "sa2003")]
    assert all(i.startswith("Respondent ") and len(i) == len("Respondent ") + 6 for i in ids)
    assert merged["anonymised"] is True
    assert merged["respondents"][0] == {"id": ids[0], "source": {"sha256": returns[0]["source"]["sha256"]},
                                        "partnership": "Anytown CDRP"}
    text = json.dumps(merged)
    for identity in ("Bob Brown", "Alice Adams", "alice-adams", "returns/", "\"f1\"", "\"f2\""):
        assert identity not in text
    # Only identity fields: free text is kept as written.
    assert merged["items"]["1.1"]["responses"][ids[0]]["comments"] == "Alice thinks so"
    assert "source" not in merged["items"]["1.1"]["responses"][ids[0]]


def test_pseudonyms_are_the_same_in_every_run_and_order() -> None:
    a, b = make_return("Alice Adams"), make_return("Bob Brown")
    one = merge_json([a, b], anonymise=True)
    two = merge_json([b, a], anonymise=True)
    assert {r["id"] for r in one["respondents"]} == {r["id"] for r in two["respondents"]}
    assert one["items"]["1.1"]["responses"] == two["items"]["1.1"]["responses"]
    assert pseudonym("alice  adams", "sa2003") == pseudonym("Alice Adams", "sa2003")
    assert pseudonym("Alice Adams", "stocktake2003") != pseudonym("Alice Adams", "sa2003")
    assert pseudonym("Alice Adams", "sa2003", salt="s3cret") != pseudonym("Alice Adams", "sa2003")


def test_anonymised_duplicates_do_not_name_files() -> None:
    merged = merge_json([make_return("Amy", path="amy-1.docx"), make_return("Amy", path="amy-2.docx")],
                           anonymise=True)
    assert "amy" not in json.dumps(merged).lower()
    assert merged["duplicates"][0]["kept"] == {"sha256": merged["respondents"][0]["source"]["sha256"]}


# regions ------------------------------------------------------------------------------------------

def test_returns_of_different_partnerships_are_labelled_by_partnership() -> None:
    returns = [make_return("Coordinator", partnership="Braintree CDRP", path="a.docx"),
               make_return("Someone Else", partnership="Colchester CDRP", path="b.docx"),
               make_return("Third Person", partnership="Harlow CDRP", path="c.docx")]
    merged = merge_json(returns)
    assert merged["respondent_label"] == "partnership"
    assert [r["id"] for r in merged["respondents"]] == ["Braintree CDRP", "Colchester CDRP", "Harlow CDRP"]
    assert "Braintree CDRP" in merged["items"]["1.1"]["responses"]
    anonymous = merge_json(returns, anonymise=True)
    assert all(r["id"].startswith("Partnership ") and "partnership" not in r for r in anonymous["respondents"])
    assert "Braintree" not in json.dumps(anonymous)


def test_one_partnership_s_members_are_labelled_by_name() -> None:
    merged = merge_json([make_return("Amy", partnership="Braintree CDRP"),
                         make_return("Ben", partnership="braintree cdrp")])
    assert merged["respondent_label"] == "respondent"
    assert [r["id"] for r in merged["respondents"]] == ["Amy", "Ben"]


@pytest.mark.parametrize("partnerships", [["A", "B", ""], ["A"]])
def test_region_rule_needs_two_or_more_named_partnerships(partnerships: list[str]) -> None:
    returns = [make_return(f"P{i}", partnership=p) for i, p in enumerate(partnerships)]
    assert merge_json(returns)["respondent_label"] == "respondent"
