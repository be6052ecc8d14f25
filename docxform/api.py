"""The library functions behind every CLI command, one per command, same names.

The CLI only parses options and prints; everything it does can be done from
Python through these functions (and the tests compare the two).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docxform.errors import DocxformError
from docxform.files import output_folder, read_json_input, write_file
from docxform.framework import BUILTIN_IDS, check_definition, load_framework
from docxform.framework.model import Framework
from docxform.generate.form import FormOptions
from docxform.generate.output import GeneratedForm, generate_forms, write_mapping
from docxform.generate.output import generate_form as _generate_one
from docxform.generate.respondents import read_respondents
from docxform.problems import Problem


def frameworks() -> list[dict[str, Any]]:
    """The built-in frameworks with their counts."""
    out = []
    for fid in BUILTIN_IDS:
        fw = load_framework(fid)
        out.append({"id": fw.id, "version": fw.version, "title": fw.title, "themes": len(fw.themes),
                    "items": len(fw.items), "item_name": fw.item_name,
                    "prompts": sum(len(i.prompts) for i in fw.items),
                    "rating_levels": len(fw.rating_scale.levels) if fw.rating_scale else 0,
                    "layouts": [f.id for f in fw.forms]})
    return out


def show(framework: str) -> str:
    """An outline of a framework: themes, items with their prompts, fields, layouts."""
    fw = load_framework(framework)
    lines = [f"{fw.title}", f"id {fw.id}, version {fw.version}; {len(fw.themes)} themes, {len(fw.items)} "
             f"{fw.item_name}s", ""]
    if fw.rating_scale:
        lines.append("Rating: " + " / ".join(f"{lv.name} ({lv.key})" for lv in fw.rating_scale.levels))
    lines.append("Fields: " + ", ".join(f"{f.label} ({f.key})" for f in fw.fields))
    lines.append("Layouts: " + ", ".join(f.id for f in fw.forms))
    for theme in fw.themes:
        lines += ["", f"{theme.heading}"]
        if theme.intro:
            lines.append(f"  {theme.intro}")
        for item in fw.items_in(theme.id):
            lines.append(f"  {item.id}  {item.text}")
            for prompt in item.prompts:
                lines.append(f"        - {'(' + prompt.id + ') ' if prompt.id else ''}{prompt.text}")
    return "\n".join(lines)


def check_framework(path: str | Path) -> tuple[Framework | None, list[Problem]]:
    """Check a user's definition file; the model when usable, and every problem found."""
    return check_definition(path)


def generate_form(framework: str | Framework, output: str | Path, *, layout: str | None = None,
                  guidance: bool = False, protect: bool = False, partnership: str = "",
                  respondents: str | Path | None = None, mapping_dir: str | Path | None = None
                  ) -> list[GeneratedForm]:
    """One form to ``output`` (a .docx), or one per respondent into ``output`` (a folder)."""
    fw = framework if isinstance(framework, Framework) else load_framework(framework)
    options = FormOptions(layout=layout, guidance_annex=guidance, protect=protect)
    try:
        fw.form(layout)
    except KeyError as exc:
        raise DocxformError(None, str(exc.args[0])) from None
    output = Path(output)
    if respondents is not None:
        people = read_respondents(Path(respondents))
        forms = generate_forms(fw, output, people, options, partnership=partnership)
        mapping_folder = Path(mapping_dir) if mapping_dir else output
    else:
        if output.suffix.lower() != ".docx":
            raise DocxformError(output, "the output of a single form must end in .docx")
        forms = [_generate_one(fw, output, options, partnership=partnership)]
        mapping_folder = Path(mapping_dir) if mapping_dir else output.parent
    from docxform.generate.output import FormWriter

    write_mapping(FormWriter(fw, options).mapping, mapping_folder)
    return forms


@dataclass
class ParseOutcome:
    path: str
    result: dict[str, Any] | None
    error: str | None


def parse(paths: Sequence[str | Path], *, mapping: str | None = None, framework: str | None = None,
          jobs: int = 1) -> Iterator[ParseOutcome]:
    """Parse returns (forms or plans); one outcome per file, errors included, in input order.

    A bad --mapping or --framework stops the batch at once (one line), rather than failing every file.
    """
    if mapping:
        from docxform.mapping import load_mapping

        load_mapping(mapping)
    if framework:
        load_framework(framework)
    args = [(str(p), mapping, framework) for p in paths]
    if jobs > 1 and len(args) > 1:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            # Small chunks: a worker left with a long last chunk would keep the other waiting.
            yield from pool.map(_parse_one, args, chunksize=max(1, len(args) // (jobs * 32)))
    else:
        yield from map(_parse_one, args)


def _parse_one(arg: tuple[str, str | None, str | None]) -> ParseOutcome:
    path, mapping, framework = arg
    try:
        if path.lower().endswith((".xlsx", ".xlsm", ".xls")):
            from docxform.plan import parse_plan

            fw = load_framework(framework) if framework else None
            return ParseOutcome(path, parse_plan(Path(path), fw).to_dict(), None)
        from docxform.parse import parse_form

        return ParseOutcome(path, parse_form(path, mapping=mapping, framework=framework).to_dict(), None)
    except DocxformError as exc:
        return ParseOutcome(path, None, exc.describe() if exc.file else f"{path}: {exc.describe()}")
    except RecursionError:
        return ParseOutcome(path, None, f"{path}: XML nested too deeply; refused")
    except MemoryError:
        return ParseOutcome(path, None, f"{path}: too large to read")


def load_inputs(paths: list[str | Path], *, framework: str | None = None, jobs: int = 1
                ) -> tuple[list[dict[str, Any]], list[str]]:
    """Returns as parse dicts: .docx files are parsed, .json files (parse output) are read."""
    results: list[dict[str, Any]] = []
    errors: list[str] = []
    to_parse: list[str | Path] = []
    for p in paths:
        if str(p).lower().endswith(".json"):
            try:
                results.append(read_json(Path(p)))
            except DocxformError as exc:
                errors.append(exc.describe())
        else:
            to_parse.append(p)
    for outcome in parse(to_parse, framework=framework, jobs=jobs):
        if outcome.result is not None:
            results.append(outcome.result)
        else:
            errors.append(outcome.error or outcome.path)
    return results, errors


MAX_JSON_BYTES = 1024 * 1024 * 1024


def read_json(path: Path) -> dict[str, Any]:
    """A docxform JSON output (a parsed return or plan, or a merged dataset), or a one-line error.

    The shape is checked here (a parsed return fully, by :func:`docxform.validate.check_return`),
    so a hand-edited or foreign file fails with its name and the cause, not deep in a later stage.
    """
    data = read_json_input(path, limit=MAX_JSON_BYTES, what="docxform JSON file")
    kind = data.get("kind") if isinstance(data, dict) else None
    if kind == "form":
        from docxform.validate import check_return

        check_return(data, path)
    elif kind == "merged":
        _check_merged(data, path)
    elif kind != "plan":
        raise DocxformError(path, "not a docxform JSON file (no 'kind': form, merged or plan)")
    return data


def _check_merged(data: dict[str, Any], path: Path) -> None:
    framework = data.get("framework")
    if not (isinstance(framework, dict) and isinstance(framework.get("id"), str)):
        raise DocxformError(path, 'not a merged dataset: "framework" must be {"id": ..., "version": ...}')
    if not isinstance(data.get("respondents"), list) or not isinstance(data.get("items"), dict):
        raise DocxformError(path, 'not a merged dataset: needs "respondents" (a list) and "items" (an object)')
    if not all(isinstance(v, dict) for v in data["items"].values()):
        raise DocxformError(path, "not a merged dataset: every item must be an object")


def expand_paths(paths: list[str]) -> list[Path]:
    """Files as given; folders contribute their .docx/.doc/.odt/.rtf/.json files, sorted."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out += sorted(f for f in p.iterdir() if f.suffix.lower() in (".docx", ".doc", ".odt", ".rtf", ".docm")
                          and not f.name.startswith((".", "~$")))
        else:
            out.append(p)
    return out


def require_some(inputs: list[dict[str, Any]], errors: list[str]) -> None:
    """Stop with the reasons when not one input could be read."""
    if not inputs:
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise DocxformError(None, f"no input could be read: {errors[0]}{more}" if errors else "no inputs given")


def framework_of(inputs: list[dict[str, Any]], given: str | None = None) -> Framework:
    """The framework given, or the one all the inputs belong to (one-line error when they disagree)."""
    if given:
        return load_framework(given)
    ids = sorted({d["framework"]["id"] for d in inputs if isinstance(d.get("framework"), dict)})
    if len(ids) != 1:
        raise DocxformError(None, f"the inputs belong to {len(ids)} frameworks ({', '.join(ids) or 'none'}); "
                            "pass --framework")
    return load_framework(ids[0])


def generate_plan(framework: str, output: str | Path, *, source: str | Path | None = None,
                  partnership: str = "") -> Path:
    """An improvement-plan workbook, prefilled from a parsed return or merged dataset when given."""
    from docxform.plan import generate_plan as write_plan
    from docxform.plan import prefill_rows

    fw = load_framework(framework)
    rows = prefill_rows(fw, read_json(Path(source))) if source else None
    write_plan(fw, Path(output), prefill=rows, partnership=partnership)
    return Path(output)


def merge(paths: list[str | Path], output: str | Path, *, framework: str | None = None,
          anonymise: bool = False) -> tuple[dict[str, Any], list[str]]:
    """Merge returns (.docx or parse JSON) into ``output``; the dataset and the files that failed."""
    from docxform.merge import merge_returns

    returns, errors = load_inputs(list(expand_paths([str(p) for p in paths])), framework=framework)
    require_some(returns, errors)
    merged = merge_returns(returns, framework_of(returns, framework), anonymise=anonymise)
    write_file(Path(output), to_json(merged))
    return merged, errors


def consolidate(merged: str | Path, output: str | Path, *, partnership: str | None = None) -> GeneratedForm:
    """The form filled with a merged dataset's agreed answers (see :mod:`docxform.consolidate`)."""
    from docxform.consolidate import consolidate as write

    data = read_json(Path(merged))
    if data.get("kind") != "merged":
        raise DocxformError(merged, "not a merged dataset (make one with docxform merge)")
    names = {r.get("partnership") for r in data.get("respondents", []) if r.get("partnership")}
    name = partnership if partnership is not None else (names.pop() if len(names) == 1 else "")
    return write(data, framework_of([data]), Path(output), partnership=name)


def validate(paths: list[str | Path], *, framework: str | None = None) -> Any:
    """Check returns against their framework's rules (a :class:`docxform.validate.ValidationReport`)."""
    from docxform.validate import validate_files

    return validate_files(expand_paths([str(p) for p in paths]), framework)


def summarise(inputs: list[str], output: str | Path, *, html: str | Path | None = None,
              plans: list[str | Path] | None = None, framework: str | None = None) -> Any:
    """Returns or a merged dataset -> the summary workbook (and HTML report)."""
    from docxform.pipeline import summarise_inputs

    return summarise_inputs(inputs, Path(output), html=Path(html) if html else None,
                            plans=[Path(p) for p in plans or []], framework=framework)


def collate(inputs: list[str | Path], output: str | Path, *, framework: str | None = None, jobs: int = 1) -> Any:
    """The whole survey: parse, validate, merge and summarise into a folder."""
    from docxform.pipeline import collate as run

    return run([Path(i) for i in inputs], Path(output), framework=framework, jobs=jobs)


def to_json(data: Any, *, compact: bool = False) -> str:
    """docxform's JSON text: indented for files, one line per document for a stream (JSON Lines)."""
    if compact:
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def save_parsed(outcomes: Iterable[ParseOutcome], folder: Path) -> Iterator[ParseOutcome]:
    """Write each parsed result to ``folder/<input name>.json`` as it arrives, passing the outcomes on."""
    output_folder(folder, create=True)
    taken: set[str] = set()
    for outcome in outcomes:
        if outcome.result is not None:
            write_file(folder / json_name(outcome.path, taken), to_json(outcome.result))
        yield outcome


def json_name(path: str | Path, taken: set[str]) -> str:
    """``form.json`` for ``form.docx``; ``form-2.json`` when another input already had that name.

    Two returns called the same in different folders must not overwrite each other's output.
    """
    stem = Path(path).stem
    name, n = f"{stem}.json", 1
    while name in taken:
        n += 1
        name = f"{stem}-{n}.json"
    taken.add(name)
    return name
