"""Input handling in one place: which files a command reads, how each is read, and where outputs go.

Every command (and ``collate``'s stages) reads its inputs through here, so a
folder, a parse JSON or a form to parse mean the same thing everywhere, and
:mod:`docxform.api` and :mod:`docxform.pipeline.collate` can both use it without
importing each other.

This is the JSON edge of the inputs: a form or plan parsed here is its typed
record at once (:class:`docxform.records.response.Response`,
:class:`docxform.records.plan.PlanResult`), and a docxform JSON file is checked
for shape and read into its record here (``Response.from_dict``,
``MergedDataset.from_dict``), so every later stage takes records. The parse
JSON itself (:attr:`ParseOutcome.result`) is made only where it is written or
printed.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docxform.core.errors import BatchStopped, DocxformError, FileError
from docxform.framework import load_framework
from docxform.framework.choice import framework_for
from docxform.framework.model import Framework
from docxform.io.boundary import guarded
from docxform.io.files import output_folder, read_json_input, write_file
from docxform.io.jsontext import indented, indented_bytes
from docxform.records.plan import PlanResult
from docxform.records.response import Response, check_return

if TYPE_CHECKING:
    from docxform.records.merged import MergedDataset


@dataclass
class ParseOutcome:
    """One input's parse: its record, or why the file could not be read; ``written``: where its JSON went."""

    path: str
    record: Response | PlanResult | None
    error: FileError | None
    written: Path | None = None

    @cached_property
    def result(self) -> dict[str, Any] | None:
        """The parse JSON (``docxform parse`` output) of the record, made the first time it is asked for."""
        return self.record.to_dict() if self.record is not None else None


#: How a plan workbook is read (``docxform.plan``'s reader): given by a caller above the plan stage,
#: since parsing comes before plans in the pipeline and never imports them.
PlanReader = Callable[[Path, Framework | None], PlanResult]
#: A plan workbook, by its name (an improvement plan, never a return).
PLAN_SUFFIXES = (".xlsx", ".xlsm", ".xls")


def parse_files(paths: Sequence[str | Path], *, mapping: str | None = None, framework: str | None = None,
                jobs: int = 1, mapping_dir: str | Path | None = None, read_plan: PlanReader | None = None,
                kinds: tuple[str, ...] = ("form",)) -> Iterator[ParseOutcome]:
    """Parse returns (forms, and plans when ``read_plan`` is given); one outcome per file, errors included, in input order.

    A bad --mapping or --framework stops the batch at once (one line), rather than failing every file.
    ``mapping_dir`` is the user's folder of mappings, where a mapping id a return names is looked for.
    Without ``read_plan`` a plan workbook is that file's refusal (:func:`plan_refused`, naming the
    ``kinds`` the command takes), never opened.
    """
    if mapping:
        from docxform.framework.mapping import load_mapping

        load_mapping(mapping)
    if framework:
        load_framework(framework)
    folder = str(mapping_dir) if mapping_dir else None
    args = [(str(p), mapping, framework, folder, read_plan, kinds) for p in paths]
    from docxform.parse.source import batch_conversions

    with batch_conversions(paths):  # .doc/.odt/.rtf/Word 2003 XML: one LibreOffice start for the batch
        if jobs > 1 and len(args) > 1:
            yield from _parse_in_workers(args, jobs)
        else:
            yield from map(_parse_one, args)


_ParseArg = tuple[str, str | None, str | None, str | None, PlanReader | None, tuple[str, ...]]


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
        return ParseOutcome(arg[0], None, FileError.refused(arg[0], "the process reading it ended abruptly "
                                                                  "(out of memory?); refused"))


def _parse_one(arg: _ParseArg) -> ParseOutcome:
    """One file's outcome: its result, or its error record (never an exception: see docxform.io.boundary)."""
    path, read_plan, kinds = arg[0], arg[4], arg[5]
    if read_plan is None and path.lower().endswith(PLAN_SUFFIXES):
        return ParseOutcome(path, None, plan_refused(path, kinds))
    result, error = guarded(path, lambda: _parse_file(*arg[:5]))
    return ParseOutcome(path, result, error)


def _parse_file(path: str, mapping: str | None, framework: str | None, mapping_dir: str | None,
                read_plan: PlanReader | None) -> Response | PlanResult:
    if read_plan is not None and path.lower().endswith(PLAN_SUFFIXES):
        return read_plan(Path(path), load_framework(framework) if framework else None)
    from docxform.parse import parse_form

    return parse_form(path, mapping=mapping, framework=framework, mapping_dir=mapping_dir)


@dataclass
class Inputs:
    """What :func:`load_inputs` read: the returns' records, merged datasets (with their files), and the failures."""

    returns: list[Response] = field(default_factory=list)
    merged: list[tuple[Path, MergedDataset]] = field(default_factory=list)
    errors: list[FileError] = field(default_factory=list)

    @property
    def datasets(self) -> list[MergedDataset]:
        return [dataset for _, dataset in self.merged]


def load_inputs(paths: list[str | Path], *, framework: str | None = None, jobs: int = 1,
                kinds: tuple[str, ...] = ("form", "merged")) -> Inputs:
    """Returns and merged datasets as records: forms are parsed, .json files (docxform's JSON) are read.

    A file of a kind the command does not take (a merged dataset given to
    merge, a plan workbook given to summarise) is that file's error, not a
    respondent nor silently skipped.
    """
    out = Inputs()
    to_parse: list[str | Path] = []
    for p in paths:
        if str(p).lower().endswith(".json"):
            record, error = guarded(p, lambda: _read_record(Path(p), kinds))  # noqa: B023 - called at once
            _keep(out, p, record, error)
        else:
            to_parse.append(p)
    for outcome in parse_files(to_parse, framework=framework, jobs=jobs, kinds=kinds):
        _keep(out, outcome.path, outcome.record if isinstance(outcome.record, Response) else None, outcome.error)
    return out


def _keep(out: Inputs, path: str | Path, record: Response | MergedDataset | FileError | None,
          error: FileError | None) -> None:
    if isinstance(record, Response):
        out.returns.append(record)
    elif isinstance(record, FileError):
        out.errors.append(record)
    elif record is not None:
        out.merged.append((Path(path), record))
    elif error is not None:
        out.errors.append(error)


def _read_record(path: Path, kinds: tuple[str, ...]) -> Response | MergedDataset | FileError:
    """The record of a docxform JSON file (shape-checked by :func:`read_json`), or why this command refuses it."""
    data = read_json(path)
    if data.get("kind") not in kinds:
        return _refused(path, data.get("kind"), kinds)
    if data["kind"] == "form":
        return Response.from_dict(data)
    from docxform.records.merged import MergedDataset

    return MergedDataset.from_dict(data, path)


def _refused(path: str | Path, kind: Any, kinds: tuple[str, ...]) -> FileError:
    return FileError.refused(path, f"a docxform {kind} file; this command "
                                   f"takes {' or '.join(_KIND_NAMES[k] for k in kinds)}")


def plan_refused(path: str | Path, kinds: tuple[str, ...] = ("form",)) -> FileError:
    """A plan workbook given where returns are read: its error, never a respondent without answers."""
    return FileError.refused(path, "an improvement plan, not a return; this command "
                                   f"takes {' or '.join(_KIND_NAMES[k] for k in kinds)}")


MAX_JSON_BYTES = 1024 * 1024 * 1024
_KIND_NAMES = {"form": "returns", "merged": "a merged dataset", "plan": "plans"}


def read_json(path: Path) -> dict[str, Any]:
    """A docxform JSON output (a parsed return or plan, or a merged dataset), or a one-line error.

    The shape is checked here (a parsed return fully, by :func:`docxform.records.response.check_return`),
    so a hand-edited or foreign file fails with its name and the cause, not deep in a later stage.
    """
    data = read_json_input(path, limit=MAX_JSON_BYTES, what="docxform JSON file")
    kind = data.get("kind") if isinstance(data, dict) else None
    if kind == "form":
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


def require_some(inputs: Sequence[object], errors: list[FileError]) -> None:
    """Stop with the reasons when not one input could be read."""
    if not inputs:
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise DocxformError(None, f"no input could be read: {errors[0].describe()}{more}" if errors
                            else "no inputs given")


def batch_framework(inputs: Sequence[Response | MergedDataset], unread: Sequence[FileError] = (),
                    given: str | None = None, *, source: str | Path | None = None) -> Framework:
    """The framework given, or the one all the inputs belong to (:func:`docxform.framework.choice.framework_for`).

    When that framework is not built in, the line names one return's file, else ``source``
    (the file a merged dataset was read from). When it cannot choose, the unreadable files'
    lines (``unread``) are kept before why the batch stopped.
    """
    sources = [r.source_path for r in inputs if isinstance(r, Response)]
    named = [r.framework_id if isinstance(r, Response) else r.framework.id for r in inputs]
    try:
        return framework_for(named, (sources[0] or None) if len(sources) == 1 else source, given=given)
    except DocxformError as exc:
        if not unread:
            raise
        raise BatchStopped(exc.describe(), list(unread)) from None


def to_json(data: object, *, compact: bool = False) -> str:
    """docxform's JSON text: indented for files, one line per document for a stream (JSON Lines)."""
    if compact:
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return indented(data)  # json.dumps(data, indent=2, ensure_ascii=False) + "\n", in C (io/jsontext.py)


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
            write_file(outcome.written, indented_bytes(outcome.result))  # to_json's text, as UTF-8
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
