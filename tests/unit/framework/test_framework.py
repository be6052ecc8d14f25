"""Framework definitions: the built-ins load and match the seeds; bad definitions are explained."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from docxform.framework import BUILTIN_IDS, check_definition, load_framework
from docxform.framework.loader import builtin_path
from docxform.framework.yamlsource import flow_too_deep, load_yaml
from tests.support.definitions import GOOD

SEEDS = Path(__file__).resolve().parents[4] / "shared" / "seeds"


def seed_text(name: str) -> str:
    path = next(SEEDS.glob(f"{name}_*.txt"), None)
    if path is None:
        pytest.skip("seeds not available")
    text = re.sub(r"<[^>]+>|\*\*", "", path.read_text("utf-8"))
    return re.sub(r"\s+", " ", text)


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.mark.parametrize("framework_id", BUILTIN_IDS)
def test_every_builtin_loads_cleanly(framework_id: str) -> None:
    fw, problems = check_definition(builtin_path(framework_id))
    assert problems == []
    assert fw is not None and fw.id == framework_id
    assert len({i.id for i in fw.items}) == len(fw.items)
    assert {i.theme_id for i in fw.items} <= {t.id for t in fw.themes}


def test_sa2003_has_5_themes_and_20_standards_matching_the_seed() -> None:
    fw = load_framework("sa2003")
    assert [t.title for t in fw.themes] == ["Leadership", "Audit and Strategies", "People and Partners",
                                            "Resources", "Processes"]
    assert fw.item_ids == ("1.1", "1.2", "1.3", "1.4", "1.5", "2.1", "2.2", "2.3", "2.4", "3.1", "3.2", "3.3",
                           "3.4", "4.1", "4.2", "5.1", "5.2", "5.3", "5.4", "5.5")
    seed = seed_text("000")
    for item in fw.items:
        assert squash(item.text) in seed, item.id
        if item.guidance_text:
            assert squash(item.guidance_text) in seed, item.id
        assert item.prompts, item.id
        for prompt in item.prompts:
            assert squash(prompt.text) in seed, (item.id, prompt.text)
    assert fw.rating_scale is not None
    assert fw.rating_scale.keys == ("gap_identified", "working_towards", "some_success", "doing_well")
    assert [lv.label for lv in fw.rating_scale.levels] == ["GAP IDENTIFIED", "WORKING TOWARDS", "SOME SUCCESS",
                                                            "DOING WELL"]


def test_sa2003_keeps_both_wordings_where_form_and_annex_a_differ() -> None:
    item = load_framework("sa2003").item("1.1")
    assert item.text == "The partnership is effectively led and supported and leadership is responsive and proactive."
    assert item.guidance_text == ("The partnership is well led and supported and the leadership is responsive "
                                  "and proactive.")


def test_stocktake_uses_its_own_wording_and_justification() -> None:
    fw = load_framework("stocktake2003")
    assert len(fw.items) == 20
    assert fw.item("1.1").text.startswith("The partnership is well-led and well supported and the Chair")
    assert [f.key for f in fw.fields] == ["rating", "justification"]
    seed = seed_text("002")
    for item in fw.items:
        assert squash(item.text) in seed, item.id


def test_hallmarks_has_46_items_with_kind_hallmark_and_subquestions() -> None:
    fw = load_framework("hallmarks2007")
    assert fw.item_ids == tuple(str(n) for n in range(1, 47))
    assert fw.rating_scale is None
    kinds = [i.tag("kind") for i in fw.items]
    assert set(kinds) == {"statutory", "advice"}
    assert all(i.tag("hallmark") for i in fw.items if i.tag("kind") == "advice")
    item2 = fw.item("2")
    assert [p.id for p in item2.prompts] == ["2a", "2b", "2c", "2d", "2e", "2f", "2g"]
    assert sum(len(i.prompts) for i in fw.items) == 115
    assert [f.id for f in fw.forms] == ["braintree", "issue_action"]


def test_beacon_statements_match_the_seed() -> None:
    fw = load_framework("beacon2003")
    seed = seed_text("001").replace("•", " ")
    seed = re.sub(r"\s+", " ", seed)
    assert fw.themes[0].title == "Leadership"
    assert fw.item("1.1").text == ("The partnership is well led with leaders of appropriate seniority who provide "
                                   "direction, motivation, and commitment.")
    for item in fw.items:
        assert squash(item.text) in seed, item.id
    assert fw.form().id == "default"


# --- bad definitions: each class gets its own code, a line and a hint



def check(tmp_path: Path, text: str) -> list:
    path = tmp_path / "def.yaml"
    path.write_text(text, "utf-8")
    fw, problems = check_definition(path)
    assert fw is None
    return problems


def test_good_definition_passes(tmp_path: Path) -> None:
    path = tmp_path / "def.yaml"
    path.write_text(GOOD, "utf-8")
    fw, problems = check_definition(path)
    assert problems == [] and fw is not None and fw.item_ids == ("1.1", "1.2")


def test_malformed_yaml(tmp_path: Path) -> None:
    (p,) = check(tmp_path, GOOD.replace("  - {id: \"1\", title: One}", "  - {id: \"1\", title: One"))
    assert p.code == "definition-syntax" and p.line is not None and p.line >= 14
    assert p.file and p.file.endswith("def.yaml") and p.hint


def test_duplicate_item_id(tmp_path: Path) -> None:
    (p,) = check(tmp_path, GOOD.replace('id: "1.2"', 'id: "1.1"'))
    assert p.code == "duplicate-id" and p.path == "items[1].id" and p.line == 18
    assert "1.1" in p.message and "defined twice" in p.message


def test_unknown_field_type(tmp_path: Path) -> None:
    (p,) = check(tmp_path, GOOD.replace("type: text", "type: txt"))
    assert p.code == "definition-structure" and p.path == "fields[1].type" and p.line == 11
    assert "'txt'" in p.message and p.hint == "did you mean 'text'?"


def test_misspelt_key(tmp_path: Path) -> None:
    problems = check(tmp_path, GOOD.replace("    text: Second item", "    txet: Second item"))
    assert {q.code for q in problems} == {"definition-structure"}
    unknown = next(q for q in problems if "txet" in q.message)
    assert unknown.path == "items[1].txet" and unknown.line == 20 and unknown.hint == "did you mean 'text'?"
    missing = next(q for q in problems if "missing" in q.message)
    assert missing.message == "missing required key 'text'" and missing.path == "items[1]"


def test_misspelt_key_suggests_the_right_one(tmp_path: Path) -> None:
    problems = check(tmp_path, GOOD.replace("    text: First item", "    text: First item\n    promts: [a]"))
    (p,) = problems
    assert p.message == "unknown key 'promts'" and p.hint == "did you mean 'prompts'?" and p.line == 18


def test_item_refers_to_missing_theme(tmp_path: Path) -> None:
    (p,) = check(tmp_path, GOOD.replace('    theme: "1"\n    text: Second', '    theme: "2"\n    text: Second'))
    assert p.code == "unknown-reference" and p.path == "items[1].theme" and p.line == 19
    assert "theme '2'" in p.message and p.hint == "defined themes: 1"


def test_duplicate_yaml_key(tmp_path: Path) -> None:
    (p,) = check(tmp_path, GOOD.replace('title: My framework', 'title: My framework\ntitle: Again'))
    assert p.code == "duplicate-key" and p.line == 5


def test_unquoted_numeric_id_gets_a_hint(tmp_path: Path) -> None:
    (p,) = check(tmp_path, GOOD.replace('id: "1.2"', "id: 1.2"))
    assert p.code == "definition-structure" and p.path == "items[1].id"
    assert p.hint and "quotes" in p.hint


def test_rating_field_without_scale(tmp_path: Path) -> None:
    text = re.sub(r"rating_scale:\n(  .*\n)+", "", GOOD)
    (p,) = check(tmp_path, text)
    assert p.code == "definition-inconsistent" and "rating_scale" in p.message


def test_aliases_are_refused(tmp_path: Path) -> None:
    text = GOOD.replace("title: My framework", "title: &t My framework\ndescription: *t")
    (p,) = check(tmp_path, text)
    assert p.code == "definition-syntax" and "alias" in p.message


def test_absurdly_nested_yaml_is_refused_in_one_problem(tmp_path: Path) -> None:
    (p,) = check(tmp_path, "[" * 20000 + "]" * 20000)
    assert p.code == "definition-syntax" and "nested too deeply" in p.message


def test_flow_nesting_beyond_the_bound_is_refused_before_parsing_and_quoted_brackets_are_text(tmp_path: Path) -> None:
    """201 open brackets are refused at once; 200 parse; brackets inside quotes are text; block nesting too
    deep for the parser is still refused (by its RecursionError)."""
    (p,) = check(tmp_path, "x: " + "[" * 201 + "]" * 201)
    assert p.code == "definition-syntax" and "nested too deeply" in p.message
    assert load_yaml("x: " + "[" * 200 + "]" * 200, "f").problems == []
    quoted = load_yaml('x: "' + "[" * 300 + '"\ny: \'' + "{" * 300 + "'", "f")
    assert quoted.problems == [] and quoted.data == {"x": "[" * 300, "y": "{" * 300}
    (deep,) = load_yaml("".join(" " * i + "a:\n" for i in range(1500)), "f").problems
    assert deep.code == "definition-syntax" and "nested too deeply" in deep.message


def test_the_nesting_check_is_linear_in_quotes_a_hostile_file_cannot_stall_it() -> None:
    """200,000 escaped quotes on one line (a regular expression once took the square of that: hours)."""
    junk = 'x: "' + '\\"' * 200_000 + "\n"
    assert flow_too_deep(junk + "y: " + "[" * 201) is True
    assert flow_too_deep(junk + "y: " + "[]" * 201) is False
    assert flow_too_deep("x: 'it''s " + "[" * 201 + "'") is False  # '' is a quote inside single quotes
    assert flow_too_deep('x: "a\\" ' + "[" * 201 + '"') is False  # \" is a quote inside double quotes
    assert flow_too_deep("a: don't " + "[" * 201) is True  # an apostrophe that closes nothing hides nothing
