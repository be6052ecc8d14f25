"""The ``docxform`` command: thin wrappers over :mod:`docxform.api` and friends.

Exit status: 0 all well; 1 problems found (validation errors, files that
could not be read, a bad definition); 2 usage errors (click's own);
3 an internal error (a bug: please report it). Never a traceback unless
DOCXFORM_DEBUG=1.
"""

from __future__ import annotations

import gc
import json
import os
import sys
from typing import Any

import click

from docxform import __version__, api
from docxform.core.errors import BatchStopped, DocxformError, FrameworkError
from docxform.io.files import os_cause
from docxform.io.safety import shown, shown_json


def _consensus_options(command: Any) -> Any:
    """--consensus and --threshold, the same on every command that decides disputes."""
    command = click.option("--threshold", type=float, default=None,
                           help="Tune the rule: iqr, least share within one level of the median (default 0.8); "
                                "tastle, least consensus (default 0.5).")(command)
    return click.option("--consensus", type=click.Choice(["iqr", "tastle", "strict"]), default=None,
                        help="Rule for disputed ratings (default iqr; see docs/consensus.md).")(command)


def _fail(message: str, code: int = 1) -> None:
    click.echo(f"docxform: {shown(message, keep=chr(10))}", err=True)  # a file name's escapes are shown, not run
    sys.exit(code)


def _say(text: object, *, err: bool = False) -> None:
    """Print a line (or lines) for people: a control character from a file (a name typed on a return, a
    comment's author) is shown as its escape, never acted on by the terminal; line ends and tabs lay out."""
    click.echo(shown(str(text), keep="\n\t"), err=err)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="docxform")
@click.option("--debug", is_flag=True, help="On an internal error (a bug), show its traceback (as DOCXFORM_DEBUG=1).")
def cli(debug: bool) -> None:
    """Self-assessment forms on a round trip through Word and Excel.

    \b
    Generate blank forms from a framework, parse the returns, validate them,
    merge many respondents and summarise them into one workbook.

    \b
    Example (the whole survey on the bundled samples):
      docxform collate samples/returns -o out/
    """
    if debug:  # the environment, so worker processes see it too
        os.environ["DOCXFORM_DEBUG"] = "1"


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def frameworks(as_json: bool) -> None:
    """List the built-in frameworks with their counts.

    \b
    Example:
      docxform frameworks
    """
    rows = api.frameworks()
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    _say(f"{'id':<15} {'version':<8} {'themes':>6} {'items':>5} {'prompts':>7}  title")
    for r in rows:
        _say(f"{r['id']:<15} {r['version']:<8} {r['themes']:>6} {r['items']:>5} {r['prompts']:>7}  {r['title']}")


@cli.command()
@click.argument("framework")
def show(framework: str) -> None:
    """Outline a framework: themes, items and their prompts.

    FRAMEWORK is a built-in id (sa2003, stocktake2003, hallmarks2007,
    beacon2003) or a path to a definition file.

    \b
    Example:
      docxform show sa2003
    """
    _say(api.show(framework))


@cli.command("check-framework")
@click.argument("files", nargs=-1, required=True, type=click.Path())
@click.option("--json", "as_json", is_flag=True, help="Print the problems as JSON.")
def check_framework(files: tuple[str, ...], as_json: bool) -> None:
    """Check framework definition files; say where each problem is and how to fix it.

    \b
    Example:
      docxform check-framework my-framework.yaml
    """
    checks = api.check_frameworks(files)
    for check in checks:
        if check.error is not None:
            _say(check.error, err=True)
        for p in check.problems:
            _say(p.describe(), err=True)
        if check.ok and not as_json and check.framework is not None:
            fw = check.framework
            _say(f"{check.file}: ok ({fw.id} {fw.version}: {len(fw.themes)} themes, {len(fw.items)} items)")
    if as_json:
        click.echo(shown_json(json.dumps([c.to_dict() for c in checks if c.error is None], indent=2, ensure_ascii=False)))
    sys.exit(0 if all(c.ok for c in checks) else 1)


@cli.group()
def generate() -> None:
    """Generate blank forms (.docx) and improvement-plan workbooks (.xlsx)."""


@generate.command("form")
@click.argument("framework")
@click.option("-o", "--output", required=True, type=click.Path(),
              help="The .docx to write; with --respondents, the folder to write into.")
@click.option("--layout", help="Form layout id (default: the framework's first).")
@click.option("--respondents", type=click.Path(), help="CSV with name, organisation, role, email: one form each.")
@click.option("--partnership", default="", help="Prefill the partnership name.")
@click.option("--guidance", is_flag=True, help="Add a guidance annex: rating definitions and prompts.")
@click.option("--protect", is_flag=True, help="Restrict editing to filling in the form.")
@click.option("--mapping-dir", type=click.Path(), help="Where to write the mapping file (default: beside the form).")
def generate_form(framework: str, output: str, layout: str | None, respondents: str | None, partnership: str,
                  guidance: bool, protect: bool, mapping_dir: str | None) -> None:
    """Generate a blank form with native form controls, and its mapping file.

    \b
    Examples:
      docxform generate form sa2003 -o sa2003.docx --guidance
      docxform generate form sa2003 --respondents people.csv --partnership "Salford CDRP" -o forms/
    """
    forms = api.generate_form(framework, output, layout=layout, guidance=guidance, protect=protect,
                              partnership=partnership, respondents=respondents, mapping_dir=mapping_dir)
    for form in forms:
        _say(f"{form.path}\t{form.form_id}")


@generate.command("plan")
@click.argument("framework")
@click.option("-o", "--output", required=True, type=click.Path(), help="The .xlsx to write.")
@click.option("--from", "source", type=click.Path(), help="Prefill from a parsed return or merged dataset (JSON).")
@click.option("--partnership", default="", help="Prefill the partnership name.")
def generate_plan(framework: str, output: str, source: str | None, partnership: str) -> None:
    """Generate an improvement-plan workbook (Annex C), optionally prefilled.

    \b
    Examples:
      docxform generate plan sa2003 -o plan.xlsx
      docxform generate plan sa2003 --from merged.json -o plan.xlsx
    """
    api.generate_plan(framework, output, source=source, partnership=partnership)
    _say(str(output))


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path())
@click.option("--mapping", help="A mapping file or shipped mapping id (default: found from the form).")
@click.option("--framework", help="Framework id or definition file (default: the mapping's).")
@click.option("-o", "--output", type=click.Path(),
              help="Write JSON here: a folder (ends in '/', exists, or several inputs) gets one file each; else the file.")
@click.option("-j", "--jobs", default=1, show_default=True, help="Worker processes.")
@click.option("--mapping-dir", type=click.Path(), help="A folder of your own mappings, looked in for the id a form names.")
def parse(files: tuple[str, ...], mapping: str | None, framework: str | None, output: str | None, jobs: int,
          mapping_dir: str | None) -> None:
    """Parse returned forms (.docx, .doc, .odt, .rtf, Word 2003 XML) or plans (.xlsx) into JSON.

    One JSON document per file: into the folder given by -o (named after each
    input), or to stdout (indented for one file, one line per file for
    several: JSON Lines). Files that cannot be read get a one-line error; the
    others are still parsed; the exit status is 1.

    \b
    Examples:
      docxform parse return.docx
      docxform parse returns/*.docx -o parsed/ --jobs 2
      docxform parse salford.docx --mapping stocktake2003-salford
      docxform parse returns/ --mapping-dir my-mappings/
    """
    batch = api.parse(list(files), mapping=mapping, framework=framework, jobs=jobs, output=output,
                      mapping_dir=mapping_dir)
    failed = 0
    with _progress(batch, len(batch)) as bar:
        for outcome in bar:
            if outcome.result is None:
                failed += 1
                _say(outcome.error.describe() if outcome.error else outcome.path, err=True)
            elif output is None:
                click.echo(shown_json(api.to_json(outcome.result, compact=len(batch) > 1).rstrip("\n")))
    if failed:
        _say(f"docxform: {failed} of {len(batch)} file(s) could not be read", err=True)
    sys.exit(1 if failed else 0)


class _progress:
    """A progress bar on a terminal; nothing when output is piped."""

    def __init__(self, items: Any, length: int) -> None:
        self.items, self.length = items, length
        self.bar: Any = None

    def __enter__(self) -> Any:
        if sys.stderr.isatty() and self.length > 1:
            self.bar = click.progressbar(self.items, length=self.length, label="parsing", file=sys.stderr)
            return self.bar.__enter__()
        return self.items

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.__exit__(*exc)


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path())
@click.option("--framework", help="The framework the returns must belong to.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--xlsx", type=click.Path(), help="Also write the report as a workbook.")
@click.option("--as", "stage", type=click.Choice(["auto", "survey", "partnership"]), default="auto",
              show_default=True, help="survey: one person's response (no form-level rules); partnership: the "
              "endorsed return (signatories, date); auto: a form issued to a person is a survey response.")
def validate(files: tuple[str, ...], framework: str | None, as_json: bool, xlsx: str | None, stage: str) -> None:
    """Check returns against the framework's rules; exit 1 when any error is found.

    \b
    Examples:
      docxform validate returns/
      docxform validate returns/*.docx --json > report.json
      docxform validate agreed.docx --as partnership
    """
    report = api.validate(list(files), framework=framework, xlsx=xlsx, stage=stage)
    if as_json:
        click.echo(shown_json(json.dumps(report.to_dict(), indent=2, ensure_ascii=False)))
    else:
        _say(report.to_text())
    sys.exit(1 if report.has_errors else 0)


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path())
@click.option("-o", "--output", required=True, type=click.Path(), help="Folder for the commented copies.")
@click.option("--framework", help="The framework the returns must belong to.")
@click.option("--author", default="docxform", show_default=True, help="Name shown as the comments' author.")
def feedback(files: tuple[str, ...], output: str, framework: str | None, author: str) -> None:
    """Write each return with problems back with Word comments saying what to put right.

    Each comment sits in the cell concerned (a missing rating, vague evidence,
    a missing goal or signature...). Nothing else in the file changes, so the
    respondent corrects their own form and returns it. Returns without
    problems get no copy; a file that cannot be read gets one line.

    \b
    Example:
      docxform feedback returns/ -o feedback/ --author "Community Safety Team"
    """
    outcomes = api.feedback(list(files), output, framework=framework, author=author)
    for outcome in outcomes:
        _say(outcome.line(), err=outcome.error is not None)
    sys.exit(1 if any(o.error for o in outcomes) else 0)


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path())
@click.option("-o", "--output", required=True, type=click.Path(), help="The merged dataset (JSON) to write.")
@click.option("--framework", help="Framework id or definition (default: the returns').")
@click.option("--anonymise", is_flag=True, help="Replace respondents' names with stable pseudonyms.")
@_consensus_options
def merge(files: tuple[str, ...], output: str, framework: str | None, anonymise: bool, consensus: str | None,
          threshold: float | None) -> None:
    """Merge many respondents' returns into one dataset (the survey method).

    \b
    Examples:
      docxform merge returns/ -o merged.json
      docxform merge returns/ -o merged.json --consensus tastle --threshold 0.6
    """
    from docxform.survey.identity import merge_summary  # only merge needs it: a parse run does not load it

    result = api.merge(list(files), output, framework=framework, anonymise=anonymise, consensus=consensus,
                       threshold=threshold)
    for e in result.errors:
        _say(e.describe(), err=True)
    _say(f"{output}: {result.respondents} respondents, {result.items} items")
    _say(merge_summary(result.dataset))
    sys.exit(1 if result.errors else 0)


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path())
@click.option("-o", "--output", required=True, type=click.Path(), help="The summary workbook (.xlsx) to write.")
@click.option("--html", type=click.Path(), help="Also write the summary as a self-contained web page.")
@click.option("--plan", "plans", multiple=True, type=click.Path(), help="Improvement plans (.xlsx) to add.")
@click.option("--framework", help="Framework id or definition (default: the returns').")
@_consensus_options
def summarise(files: tuple[str, ...], output: str, html: str | None, plans: tuple[str, ...],
              framework: str | None, consensus: str | None, threshold: float | None) -> None:
    """Summarise returns (or a merged dataset) into one workbook for the steering group.

    \b
    Examples:
      docxform summarise returns/ -o summary.xlsx --html report.html
      docxform summarise merged.json -o summary.xlsx
    """
    result = api.summarise(list(files), output, html=html, plans=list(plans), framework=framework,
                           consensus=consensus, threshold=threshold)
    for e in result.errors:
        _say(e.describe(), err=True)
    _say(f"workbook: {output}" + (f"\nreport: {html}" if html else ""))
    sys.exit(1 if result.errors else 0)


@cli.command()
@click.argument("merged", type=click.Path())
@click.option("-o", "--output", required=True, type=click.Path(), help="The consolidated form (.docx) to write.")
@click.option("--partnership", default=None, help="Partnership name (default: the returns' own, when they agree).")
@_consensus_options
def consolidate(merged: str, output: str, partnership: str | None, consensus: str | None,
                threshold: float | None) -> None:
    """Write the form filled with the agreed ratings and collated comments.

    Each standard gets the agreed level under the consensus rule (the merged
    dataset's own, or --consensus); each comment shows who gave which rating.
    Disputed standards are left unrated and marked with a printed note and an
    "Agreed at the meeting" box to tick. The result parses like any return.

    \b
    Examples:
      docxform consolidate merged.json -o agreed.docx
      docxform consolidate merged.json -o agreed.docx --consensus strict
    """
    form = api.consolidate(merged, output, partnership=partnership, consensus=consensus, threshold=threshold)
    _say(f"{form.path}\t{form.form_id}")


@cli.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path())
@click.option("-o", "--output", required=True, type=click.Path(), help="Folder for the outputs.")
@click.option("--framework", help="Framework id or definition (default: the returns').")
@click.option("-j", "--jobs", default=1, show_default=True, help="Worker processes for parsing.")
@_consensus_options
def collate(inputs: tuple[str, ...], output: str, framework: str | None, jobs: int, consensus: str | None,
            threshold: float | None) -> None:
    """The whole survey: parse, validate, merge and summarise a folder of returns.

    Writes parsed/*.json, validation.json, merged.json, summary.xlsx and
    report.html into the output folder and says where they are.

    \b
    Example:
      docxform collate samples/returns -o out/
    """
    result = api.collate(list(inputs), output, framework=framework, jobs=jobs, consensus=consensus,
                         threshold=threshold)
    for e in result.errors:
        _say(e.describe(), err=True)
    for line in result.lines():
        _say(line)
    sys.exit(1 if result.errors or result.stopped else 0)


@cli.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path())
@click.option("-o", "--output", type=click.Path(), help="The trend workbook (.xlsx) to write.")
@click.option("--html", type=click.Path(), help="Also write the comparison as a self-contained web page.")
@click.option("--json", "as_json", is_flag=True, help="Print agreed levels and movements as JSON.")
@click.option("--labels", multiple=True,
              help="Column labels, one per input: comma-separated, or the option once per label (for a label "
                   "with a comma in it). Default: folder names, or partnership names when the inputs are "
                   "different partnerships.")
@click.option("--as", "arrangement", type=click.Choice(["auto", "rounds", "region"]), default="auto",
              show_default=True, help="rounds: movement from each input to the next; region: partnerships side "
                                      "by side, no movement; auto: a region when each input is a different "
                                      "partnership's (a partnership renamed between rounds looks like one).")
def compare(inputs: tuple[str, ...], output: str | None, html: str | None, as_json: bool, labels: tuple[str, ...],
            arrangement: str) -> None:
    """Compare rounds (or partnerships) standard by standard: movement of the agreed rating.

    Each input is a merged dataset (merged.json) or a folder holding one.
    Items are matched to the last input's framework, through a crosswalk when
    the frameworks differ (stocktake2003 -> sa2003 is shipped; docs/compare.md).

    \b
    Examples:
      docxform compare stocktake/merged.json march/merged.json -o trend.xlsx --html trend.html
      docxform compare 2004/ 2005/ --json
      docxform compare north.json south.json east.json -o region.xlsx
      docxform compare 2004/ 2005-renamed/ --as rounds -o trend.xlsx
      docxform compare a.json b.json --labels "March, 2004" --labels "March, 2005" --json
    """
    if not (output or html or as_json):
        raise click.UsageError("nothing to write: give -o, --html or --json")
    names = ([n.strip() for n in labels[0].split(",")] if len(labels) == 1 else [n.strip() for n in labels]) or None
    result = api.compare(list(inputs), output, html=html, labels=names, arrangement=arrangement)
    if as_json:
        click.echo(shown_json(json.dumps(result.to_json(), indent=2, ensure_ascii=False)))
        return
    _say(result.headline(decided=arrangement == "auto"))
    for path in (output, html):
        if path:
            _say(path)


from docxform.cli.round import round_group, serve_options  # noqa: E402  (the round's commands live in their own module)

cli.add_command(round_group)

#: Container allocations (net) between two young-generation collections; Python's default is 700.
GC_YOUNG_THRESHOLD = 10_000


def _tune_garbage_collection() -> None:
    """Fewer cycle collections for a command's run: the process's policy, set here and not by the library.

    Reading a return builds a thousand cells, controls and strings at once, so
    with Python's default threshold the collector ran two or three times a form
    and walked every object the imports had made at each full collection: 0.5 to
    0.8 ms a form, 6% of a parse run (measured with ``gc.callbacks`` over 300
    returns). Reading makes no reference cycles (its records are trees, freed by
    reference counting as each result is written; a test parses with the
    collector off and finds nothing for it to collect), so collecting less often
    keeps nothing alive longer; the objects made by the imports are frozen
    (never collected; they live as long as the process anyway).
    """
    gc.freeze()
    gc.set_threshold(GC_YOUNG_THRESHOLD, *gc.get_threshold()[1:])


@cli.command("serve")
@click.argument("folder", type=click.Path(exists=True, file_okay=False), default=".")
@serve_options
def serve(folder: str, port: int, host: str, password: str | None) -> None:
    """The rounds in FOLDER (default: here) in a browser: see each, start new ones.

    Prints the address to open; see ``docxform round serve`` for one round.

    \b
    Example:
      docxform serve rounds/
    """
    from docxform.serve import serve as run

    run(folder, host=host, port=port, password=password, echo=click.echo)


def main() -> None:
    """Entry point: one-line errors, never a traceback (unless DOCXFORM_DEBUG=1)."""
    _tune_garbage_collection()
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        _fail("aborted", 1)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except FrameworkError as exc:
        for p in exc.problems:
            _say(p.describe(), err=True)
        _fail(f"{exc.file}: unusable framework definition ({len(exc.problems)} problem(s))")
    except BatchStopped as exc:  # each unreadable file's line, then why the batch stopped
        for unread in exc.unread:
            _say(unread.describe(), err=True)
        _fail(exc.describe())
    except DocxformError as exc:
        _fail(exc.describe())
    except KeyboardInterrupt:
        _fail("interrupted", 130)
    except BrokenPipeError:
        sys.exit(0)
    except OSError as exc:  # the system's refusal (a full disk, a permission), never a bug: one line naming the path
        _fail(f"{exc.filename}: {os_cause(exc)}" if exc.filename else os_cause(exc))
    except Exception as exc:  # a bug: say so in one line
        if os.environ.get("DOCXFORM_DEBUG"):
            raise
        _fail(f"internal error: {type(exc).__name__}: {exc} (run with DOCXFORM_DEBUG=1 for details)", 3)
