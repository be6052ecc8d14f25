"""The CLI drives the library: same results, documented exit codes, help with examples."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from docxform import __version__, api
from docxform.cli.main import cli
from docxform.framework import load_framework
from docxform.survey.merge import merge_returns
from docxform.validate.rules import validate_files
from tests.support.cli import run_main
from tests.support.returns import records

SAMPLES = Path(__file__).resolve().parents[2] / "samples" / "returns"
COMMANDS = [["frameworks"], ["show"], ["check-framework"], ["generate", "form"], ["generate", "plan"], ["parse"],
            ["validate"], ["merge"], ["summarise"], ["consolidate"], ["collate"]]


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_has_help_with_an_example(command: list[str]) -> None:
    code, out = run(*command, "--help")
    assert code == 0 and "Example" in out and "docxform " + " ".join(command) in out


def test_version() -> None:
    assert run("--version") == (0, f"docxform, version {__version__}\n")


def test_frameworks_json_is_the_library_result() -> None:
    code, out = run("frameworks", "--json")
    assert code == 0 and json.loads(out) == api.frameworks()
    assert [f["id"] for f in json.loads(out)] == ["sa2003", "stocktake2003", "hallmarks2007", "beacon2003"]
    assert [f["items"] for f in json.loads(out)] == [20, 20, 46, 49]


def test_show_lists_all_20_standards_with_prompts() -> None:
    code, out = run("show", "sa2003")
    assert code == 0
    for item in load_framework("sa2003").items:
        assert f"  {item.id}  {item.text}" in out
        assert f"- {item.prompts[0].text}" in out


def test_check_framework_exit_codes(tmp_path: Path) -> None:
    from docxform.framework.loader import builtin_path

    assert run("check-framework", str(builtin_path("sa2003")))[0] == 0
    bad = tmp_path / "bad.yaml"
    bad.write_text("format: 1\nid: x\n", "utf-8")
    code, out = run("check-framework", str(bad))
    assert code == 1 and "missing required key 'version'" in out and "bad.yaml" in out
    code, out = run("check-framework", str(tmp_path / "none.yaml"))
    assert code == 1 and "none.yaml: no such definition file" in out


def test_validate_json_is_the_library_report() -> None:
    files = sorted(SAMPLES.glob("*.docx"))[:3]
    code, out = run("validate", "--json", *map(str, files))
    assert code == 1  # the samples carry errors on purpose (unsigned by the chair)
    assert json.loads(out) == validate_files(files).to_dict()


def test_merge_writes_the_library_dataset(tmp_path: Path) -> None:
    files = sorted(SAMPLES.glob("*.docx"))
    code, out = run("merge", *map(str, files), "-o", str(tmp_path / "m.json"))
    assert code == 0 and "8 respondents, 20 items" in out
    returns = [o.result for o in api.parse(files)]
    assert json.loads((tmp_path / "m.json").read_text("utf-8")) == json.loads(
        json.dumps(merge_returns(records(returns), load_framework("sa2003")).to_dict()))


def test_a_bad_file_in_a_batch_fails_alone(tmp_path: Path) -> None:
    bad = tmp_path / "notes.docx"
    bad.write_text("not a word file", "utf-8")
    good = sorted(SAMPLES.glob("*.docx"))[0]
    result = CliRunner().invoke(cli, ["parse", str(good), str(bad), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert (tmp_path / "out" / f"{good.stem}.json").exists() and not (tmp_path / "out" / "notes.json").exists()


def test_problem_codes_doc_lists_every_code() -> None:
    from docxform.core.problems import codes_markdown

    doc = Path(__file__).resolve().parents[2] / "docs" / "problem-codes.md"
    assert doc.read_text("utf-8") == codes_markdown()


def test_same_named_returns_in_two_folders_do_not_overwrite_each_other(tmp_path: Path) -> None:
    import shutil

    sample = sorted(SAMPLES.glob("*.docx"))
    for folder, source in (("a", sample[0]), ("b", sample[1])):
        (tmp_path / folder).mkdir()
        shutil.copyfile(source, tmp_path / folder / "return.docx")
    code, _ = run("parse", str(tmp_path / "a" / "return.docx"), str(tmp_path / "b" / "return.docx"),
                  "-o", str(tmp_path / "out"))
    assert code == 0
    first = json.loads((tmp_path / "out" / "return.json").read_text("utf-8"))
    second = json.loads((tmp_path / "out" / "return-2.json").read_text("utf-8"))
    assert first["respondent"] != second["respondent"]
    assert first["source"]["path"].endswith("a/return.docx") and second["source"]["path"].endswith("b/return.docx")


@pytest.mark.parametrize("content,message,real", [
    pytest.param("- [unclosed\n", "mapping is not valid YAML at line 2", False, id="unclosed"),
    # A real process for the deep one: a stack overflow there would kill the process, not raise.
    pytest.param("[" * 20000 + "]" * 20000, "nested too deeply", True, id="deep"),
    pytest.param("just: text\n", "not a docxform mapping", False, id="not-a-mapping"),
])
def test_a_bad_mapping_stops_the_batch_with_one_line(tmp_path: Path, content: str, message: str, real: bool) -> None:
    import subprocess
    import sys

    mapping = tmp_path / "m.yaml"
    mapping.write_text(content, "utf-8")
    files = [str(p) for p in sorted(SAMPLES.glob("*.docx"))[:2]]
    args = ["parse", *files, "--mapping", str(mapping), "-o", str(tmp_path / "out")]
    done = (subprocess.run([sys.executable, "-m", "docxform", *args], capture_output=True, text=True, timeout=120)
            if real else run_main(*args))
    assert done.returncode == 1 and message in done.stderr and "m.yaml" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr


@pytest.mark.parametrize("content,cause", [
    pytest.param("[" * 200_000 + "]" * 200_000, "JSON nested too deeply", id="deep"),
    pytest.param('{"kind": "form"}', 'not a docxform return: "framework" must be', id="thin-return"),
    pytest.param("{not json", "not a docxform JSON file", id="not-json"),
    pytest.param('{"kind": "merged", "framework": {"id": "sa2003"}, "items": []}', "not a merged dataset",
                 id="thin-merged"),
])
@pytest.mark.parametrize("command", [["merge", "-o", "m.json"], ["summarise", "-o", "s.xlsx"],
                                     ["consolidate", "-o", "a.docx"], ["validate"]], ids=lambda c: c[0])
def test_hostile_json_inputs_get_one_line(tmp_path: Path, content: str, cause: str, command: list[str]) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(content, "utf-8")
    args = [command[0], str(bad), *[str(tmp_path / a) if a.endswith((".json", ".xlsx", ".docx")) else a
                                    for a in command[1:]]]
    done = run_main(*args)
    output = done.stdout + done.stderr
    assert done.returncode == 1 and "Traceback" not in output and "internal error" not in output
    assert "bad.json" in output
    validate_words = {"not a docxform JSON file": "not JSON", "not a merged dataset": "not a docxform return"}
    assert (validate_words.get(cause, cause) if command[0] == "validate" else cause) in output
    assert not any((tmp_path / n).exists() for n in ("m.json", "s.xlsx", "a.docx"))


def test_every_documented_code_is_reported_somewhere_in_the_code() -> None:
    from docxform.core.problems import CODES

    package = Path(__file__).resolve().parents[2] / "docxform"
    source = "\n".join(p.read_text("utf-8") for p in package.rglob("*.py") if p.name != "problems.py")
    assert [code for code in CODES if f'"{code}"' not in source] == []


@pytest.mark.parametrize("args", [
    ["parse", "{sample}", "-o", "{missing}/x.json"],
    ["parse", "{sample}", "{sample2}", "-o", "{file}/out"],
    ["merge", "{sample}", "-o", "{missing}/m.json"],
    ["summarise", "{sample}", "-o", "{missing}/s.xlsx"],
    ["summarise", "{sample}", "-o", "{tmp}/s.xlsx", "--html", "{missing}/r.html"],
    ["collate", "{sample}", "-o", "{file}/out"],
    ["generate", "plan", "sa2003", "-o", "{missing}/p.xlsx"],
    ["validate", "{sample}", "--xlsx", "{missing}/v.xlsx"],
], ids=lambda a: " ".join(a[:2]))
def test_outputs_that_cannot_be_written_get_one_line(tmp_path: Path, args: list[str]) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", "utf-8")
    samples = sorted(SAMPLES.glob("*.docx"))
    values = {"sample": str(samples[0]), "sample2": str(samples[1]), "missing": str(tmp_path / "no" / "such"),
              "file": str(blocker), "tmp": str(tmp_path)}
    done = run_main(*[a.format(**values) for a in args])
    assert done.returncode == 1
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr
    last = done.stderr.strip().splitlines()[-1]
    assert ("cannot write" in last or "cannot create output folder" in last or "not writable" in last
            or "does not exist" in last), last


def test_inputs_beyond_their_size_limit_are_refused_before_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    import docxform.parse.source

    monkeypatch.setattr(docxform.parse.source, "MAX_RETURN_BYTES", 1000)
    sample = sorted(SAMPLES.glob("*.docx"))[0]
    (outcome,) = api.parse([sample])
    assert outcome.result is None and outcome.error is not None
    assert outcome.error.path == str(sample) and "is too large for a file (limit 1,000)" in outcome.error.message
    assert outcome.error.code == "file-refused"


def test_several_returns_to_stdout_are_json_lines() -> None:
    files = sorted(SAMPLES.glob("*.docx"))[:3]
    code, out = run("parse", *map(str, files))
    assert code == 0
    lines = out.strip().split("\n")
    assert [json.loads(line) for line in lines] == [o.result for o in api.parse(files)]
