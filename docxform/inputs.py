"""Input handling in one place: which files a command reads, how each is read, and where outputs go.

Every command (and ``collate``'s stages) reads its inputs through here, so a
folder, a parse JSON or a form to parse mean the same thing everywhere, and
:mod:`docxform.api` and :mod:`docxform.pipeline` can both use it without
importing each other.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docxform.boundary import guarded
from docxform.errors import BatchStopped, DocxformError, FileError
from docxform.files import output_folder, read_json_input, write_file
from docxform.framework import framework_named_in, load_framework
from docxform.framework.model import Framework


@dataclass
class ParseOutcome:
    """One input's parse: the result, or why the file could not be read; ``written``: where its JSON went."""

    path: str
    result: dict[str, Any] | None
    error: FileError | None
    written: Path | None = None


def parse_files(paths: Sequence[str | Path], *, mapping: str | None = None, framework: str | None = None,
                jobs: int = 1, mapping_dir: str | Path | None = None) -> Iterator[ParseOutcome]:
    """Parse returns (forms or plans); one outcome per file, errors included, in input order.

    A bad --mapping or --framework stops the batch at once (one line), rather than failing every file.
    ``mapping_dir`` is the user's folder of mappings, where a mapping id a return names is looked for.
    """
    if mapping:
        from docxform.mapping import load_mapping

        load_mapping(mapping)
    if framework:
        load_framework(framework)
    folder = str(mapping_dir) if mapping_dir else None
    args = [(str(p), mapping, framework, folder) for p in paths]
    from docxform.parse.source import batch_conversions

    with batch_conversions(paths):  # .doc/.odt/.rtf/Word 2003 XML: one LibreOffice start for the batch
        if jobs > 1 and len(args) > 1:
            yield from _parse_in_workers(args, jobs)
        else:
            yield from map(_parse_one, args)


_ParseArg = tuple[str, str | None, str | None, str | None]


def _parse_in_workers(args: list[_ParseArg], jobs: int) -> Iterator[ParseOutcome]:
    """Parse in worker processes; a worker that dies (a crash, the memory limit) fails only its own file.

    After a worker dies, the files not yet reported are parsed one per
    single-worker pool, so the file that kills its worker is found and
    reported, and every other file is still parsed.
    """
    from concurrent.futures import ProcessPoolExecutor  # here: one job never needs multiprocessing
    from concurrent.futures.process import BrokenProcessPool

    done = 0
    try:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            # Small chunks: a worker left with a long last chunk would keep the other waiting.
            for outcome in pool.map(_parse_one, args, chunksize=max(1, len(args) // (jobs * 32))):
                done += 1
                yield outcome
    except BrokenProcessPool:
        for arg in args[done:]:
            yield _parse_alone(arg)


def _parse_alone(arg: _ParseArg) -> ParseOutcome:
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    try:
        with ProcessPoolExecutor(max_workers=1) as pool:
            return pool.submit(_parse_one, arg).result()
    except BrokenProcessPool:
        return ParseOutcome(arg[0], None, FileError(arg[0], "file-refused", "the process reading it ended abruptly "
                                                                            "(out of memory?); refused"))


def _parse_one(arg: _ParseArg) -> ParseOutcome:
    """One file's outcome: its result, or its error record (never an exception: see docxform.boundary)."""
    path = arg[0]
    result, error = guarded(path, lambda: _parse_file(*arg))
    return ParseOutcome(path, result, error)


def _parse_file(path: str, mapping: str | None, framework: str | None, mapping_dir: str | None) -> dict[str, Any]:
    if path.lower().endswith((".xlsx", ".xlsm", ".xls")):
        from docxform.plan import parse_plan

        fw = load_framework(framework) if framework else None
        return parse_plan(Path(path), fw).to_dict()
    from docxform.parse import parse_form

    return parse_form(path, mapping=mapping, framework=framework, mapping_dir=mapping_dir).to_dict()


def load_inputs(paths: list[str | Path], *, framework: str | None = None, jobs: int = 1,
                kinds: tuple[str, ...] = ("form", "merged", "plan")) -> tuple[list[dict[str, Any]], list[FileError]]:
    """Returns as parse dicts: .docx files are parsed, .json files (docxform's JSON) are read.

    A JSON file of a kind the command does not take (a merged dataset given to
    merge, say) is that file's error, not a respondent nor silently skipped.
    """
    results: list[dict[str, Any]] = []
    errors: list[FileError] = []
    to_parse: list[str | Path] = []
    for p in paths:
        if str(p).lower().endswith(".json"):
            data, error = guarded(p, lambda: read_json(Path(p)))  # noqa: B023 - called at once
            if data is not None and data.get("kind") not in kinds:
                errors.append(FileError(str(p), "file-refused", f"a docxform {data.get('kind')} file; this command "
                                                                  f"takes {' or '.join(_KIND_NAMES[k] for k in kinds)}"))
            elif data is not None:
                results.append(data)
            elif error is not None:
                errors.append(error)
        else:
            to_parse.append(p)
    for outcome in parse_files(to_parse, framework=framework, jobs=jobs):
        if outcome.result is not None:
            results.append(outcome.result)
        elif outcome.error is not None:
            errors.append(outcome.error)
    return results, errors


MAX_JSON_BYTES = 1024 * 1024 * 1024
_KIND_NAMES = {"form": "returns", "merged": "a merged dataset", "plan": "plans"}


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


def _is_return(path: Path) -> bool:
    """A file a folder given as input contributes: a Word document, a parsed return (parse JSON), or Word 2003 XML."""
    suffix = path.suffix.lower()
    if suffix == ".xml":
        from docxform.parse.source import needs_conversion

        return needs_conversion(path)
    return suffix in (".docx", ".doc", ".odt", ".rtf", ".docm", ".json")


def expand_paths(paths: list[str]) -> list[Path]:
    """Files as given; folders contribute their returns (see :func:`_is_return`), sorted."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out += sorted(f for f in p.iterdir() if _is_return(f) and not f.name.startswith((".", "~$")))
        else:
            out.append(p)
    return out


def require_some(inputs: list[dict[str, Any]], errors: list[FileError]) -> None:
    """Stop with the reasons when not one input could be read."""
    if not inputs:
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise DocxformError(None, f"no input could be read: {errors[0].describe()}{more}" if errors
                            else "no inputs given")


def batch_framework(inputs: list[dict[str, Any]], unread: list[FileError], given: str | None = None) -> Framework:
    """:func:`framework_of` in a batch: when it cannot choose, the unreadable files' lines are kept."""
    try:
        return framework_of(inputs, given)
    except DocxformError as exc:
        if not unread:
            raise
        raise BatchStopped(exc.describe(), unread) from None


def framework_of(inputs: list[dict[str, Any]], given: str | None = None) -> Framework:
    """The framework given, or the one all the inputs belong to (one-line error when they disagree)."""
    if given:
        return load_framework(given)
    ids = sorted({d["framework"]["id"] for d in inputs if isinstance(d.get("framework"), dict)})
    if len(ids) != 1:
        raise DocxformError(None, f"the inputs belong to {len(ids)} frameworks ({', '.join(ids) or 'none'}); "
                            "pass --framework")
    sources = [d.get("source", {}).get("path") for d in inputs if isinstance(d.get("source"), dict)]
    return framework_named_in(ids[0], sources[0] if len(sources) == 1 else None)


def to_json(data: object, *, compact: bool = False) -> str:
    """docxform's JSON text: indented for files, one line per document for a stream (JSON Lines)."""
    if compact:
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    from docxform.jsontext import indented

    return indented(data)  # json.dumps(data, indent=2, ensure_ascii=False) + "\n", at C speed


def save_parsed(outcomes: Iterable[ParseOutcome], folder: Path, inputs: Iterable[Path] = ()
                ) -> Iterator[ParseOutcome]:
    """Write each parsed result to ``folder/<input name>.json`` as it arrives, passing the outcomes on.

    Names of ``inputs`` that lie in ``folder`` are never used: inputs are only ever read.
    """
    output_folder(folder, create=True)
    here = folder.resolve()
    taken: set[str] = {p.name for p in inputs if p.resolve().parent == here}
    for outcome in outcomes:
        if outcome.result is not None:
            outcome.written = folder / json_name(outcome.path, taken)
            write_file(outcome.written, to_json(outcome.result))
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
