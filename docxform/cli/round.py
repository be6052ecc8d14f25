"""``docxform round``: the survey round as a coordinator runs it (thin wrappers over docxform.api.round_*)."""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from docxform import api
from docxform.io.safety import shown, shown_json

F = TypeVar("F", bound=Callable[..., Any])


@click.group("round")
def round_group() -> None:
    """A survey round: send forms, receive returns, see who is outstanding, report.

    \b
    Example (the whole cycle on the bundled samples):
      docxform round start sa2003 myround --respondents samples/people.csv
      docxform round ingest myround samples/returns
      docxform round status myround
      docxform round report myround
    """


@round_group.command("start")
@click.argument("framework")
@click.argument("folder", type=click.Path())
@click.option("--respondents", type=click.Path(), help="CSV with name, organisation, role, email: one form each.")
@click.option("--recipients", type=click.Path(),
              help="CSV like --respondents: who the one generic form is sent to (counted and chased).")
@click.option("--partnership", default="", help="Prefill the partnership name.")
@click.option("--layout", help="Form layout id (default: the framework's first).")
@click.option("--due", help="When returns are due (YYYY-MM-DD).")
def start(framework: str, folder: str, respondents: str | None, recipients: str | None, partnership: str,
          layout: str | None, due: str | None) -> None:
    """Create FOLDER with the forms to send and the round's store.

    One personalised form per respondent (forms/), or one generic form when
    there is no respondents list (sent to the --recipients, if given). Every
    form carries a token signed with the round's secret.

    \b
    Examples:
      docxform round start sa2003 myround --respondents people.csv --due 2004-03-31
      docxform round start sa2003 open --recipients people.csv
    """
    result = api.round_start(framework, folder, respondents=respondents, partnership=partnership, layout=layout,
                             due=due, recipients=recipients)
    for form in result.forms:
        who = form.respondent.name if form.respondent else "generic form (for everyone)"
        click.echo(shown(f"{form.path}\t{who}", keep="\t"))
    click.echo(f"round started in {result.folder}: {len(result.forms)} form(s) to send")


@round_group.command("ingest")
@click.argument("folder", type=click.Path())
@click.argument("paths", nargs=-1, required=True, type=click.Path())
def ingest(folder: str, paths: tuple[str, ...]) -> None:
    """Receive returns into the round: files, folders (recursively), .eml and Outlook .msg files, mbox exports.

    Each file is kept in the round by its content hash; one line each says
    from whom, and whether it is new, a resubmission, the same as before or
    unreadable (and why). Exit status 1 when a file could not be read.

    \b
    Example:
      docxform round ingest myround inbox/ replies.mbox
    """
    result = api.round_ingest(folder, list(paths))
    for line in result.lines:
        click.echo(line.text(), err=line.outcome in ("unreadable", "not received"))
    if result.stopped is not None:
        click.echo(shown(f"docxform: stopped: {result.stopped.describe()}; the files above it were received"), err=True)
    sys.exit(1 if result.unreadable or result.stopped else 0)


@round_group.command("status")
@click.argument("folder", type=click.Path())
@click.option("--json", "as_json", is_flag=True, help="Print the status as JSON (round-status.schema.json).")
@click.option("--chase", type=click.Path(),
              help="Write the outstanding people to this CSV, and an e-mail draft each to CSV-STEM-drafts/.")
def status(folder: str, as_json: bool, chase: str | None) -> None:
    """Who returned, who is outstanding, held returns (with the command that settles each), versions,
    the evidence of who sent each and when, what changed, problem counts, corrections.

    \b
    Examples:
      docxform round status myround
      docxform round status myround --json --chase chase.csv
    """
    state = api.round_status(folder, today=dt.date.today().isoformat(), chase=chase)
    if chase and not as_json:
        click.echo(f"chase list {chase}; {len(state.drafts)} e-mail draft(s) in "
                   f"{Path(chase).parent / (Path(chase).stem + '-drafts')}", err=True)
    click.echo(shown_json(json.dumps(state.to_dict(), indent=2, ensure_ascii=False)) if as_json
               else state.to_text())


@round_group.command("report")
@click.argument("folder", type=click.Path())
@click.option("-o", "--output", type=click.Path(), help="Folder for the outputs (default: FOLDER/report).")
@click.option("--author", default="docxform", show_default=True,
              help="Name shown as the author of the feedback copies' comments.")
def report(folder: str, output: str | None, author: str) -> None:
    """Summary workbook, HTML report, merged.json, consolidated form, draft plan and feedback copies from the
    current returns.

    \b
    Example:
      docxform round report myround -o myround/report --author "Community Safety Team"
    """
    result = api.round_report(folder, output, author=author)
    for line in result.lines():
        click.echo(shown(line))  # a note names a respondent, whose name may be typed on a return


@round_group.command("verify")
@click.argument("folder", type=click.Path())
def verify(folder: str) -> None:
    """Check the round: its store (SQLite's integrity check) and every received copy against its hash.

    Says what is missing or altered and how to restore it; exit status 1
    when anything is. Ingesting a file's original again restores its copy.

    \b
    Example:
      docxform round verify myround
    """
    result = api.round_verify(folder)
    for line in result.lines():
        click.echo(line)
    sys.exit(0 if result.ok else 1)


def _done(correction: api.Correction | api.Added) -> None:
    # The text names people, and a name may be typed on a return (assign --new): printed escaped, as status does.
    click.echo(shown(f"correction {correction.event}: {correction.text} (undo: --undo {correction.event})"))


def _undo(folder: str, event: int, reason: str, kind: str) -> None:
    done = api.round_undo(folder, event, reason=reason, kind=kind)
    click.echo(shown(f"correction {done.event}: {done.text}"))


def _usage(message: str) -> None:
    raise click.UsageError(message)


@round_group.command("assign")
@click.argument("folder", type=click.Path())
@click.argument("receipt", type=int, required=False)
@click.option("--to", "to", help="The person (by name, or e-mail address when two share a name) whose return it is.")
@click.option("--new", "new", is_flag=True, help="It is a new respondent's (named by the name typed, else the sender).")
@click.option("--reason", default="", help="Why (kept with the correction).")
@click.option("--undo", "undo", type=int, help="Undo assignment number EVENT instead.")
def assign(folder: str, receipt: int | None, to: str | None, new: bool, reason: str, undo: int | None) -> None:
    """Receipt RECEIPT (its number in round status) is PERSON's return, or a new respondent's.

    Settles a held return either way; recorded as a correction, undone with --undo.

    \b
    Examples:
      docxform round assign myround 7 --new --reason "forwarded to a colleague"
      docxform round assign myround 7 --to "Ann Archer"
      docxform round assign myround --undo 3
    """
    if undo is not None:
        return _undo(folder, undo, reason, "assign")
    if receipt is None:
        _usage("give RECEIPT (or --undo EVENT)")
    if (to is None) == (not new):
        _usage("give either --to PERSON or --new")
    _done(api.round_assign(folder, receipt or 0, to=to, new=new, reason=reason))


@round_group.command("add")
@click.argument("folder", type=click.Path())
@click.option("--respondents", type=click.Path(), help="CSV of the people to add (as for round start).")
@click.option("--reason", default="", help="Why (kept with the correction).")
@click.option("--undo", "undo", type=int, help="Undo addition number EVENT instead.")
def add(folder: str, respondents: str | None, reason: str, undo: int | None) -> None:
    """More respondents mid-round: a personalised form each, written to FOLDER/forms.

    \b
    Example:
      docxform round add myround --respondents more.csv
    """
    if undo is not None:
        return _undo(folder, undo, reason, "add")
    if respondents is None:
        _usage("give --respondents more.csv (or --undo EVENT)")
    done = api.round_add(folder, respondents or "", reason=reason)
    for form in done.forms:
        click.echo(shown(str(form)))
    _done(done)


@round_group.command("withdraw")
@click.argument("folder", type=click.Path())
@click.argument("receipt", type=int, required=False)
@click.option("--person", help="Withdraw this person (no longer invited; their returns no longer count).")
@click.option("--reason", default="", help="Why (kept with the correction).")
@click.option("--undo", "undo", type=int, help="Undo withdrawal number EVENT instead.")
def withdraw(folder: str, receipt: int | None, person: str | None, reason: str, undo: int | None) -> None:
    """A return (RECEIPT number) or a person (--person) no longer counts.

    \b
    Examples:
      docxform round withdraw myround 4 --reason "sent by mistake"
      docxform round withdraw myround --person "Lee Lowe" --reason "left the partnership"
    """
    if undo is not None:
        return _undo(folder, undo, reason, "withdraw")
    if (receipt is None) == (person is None):
        _usage("give either a RECEIPT number or --person NAME (or --undo EVENT)")
    _done(api.round_withdraw(folder, receipt, person=person, reason=reason))


@round_group.command("agree")
@click.argument("folder", type=click.Path())
@click.argument("item", required=False)
@click.argument("level", required=False)
@click.option("--note", default="", help="The meeting's note (printed on the consolidated form).")
@click.option("--reason", default="", help="Why (kept with the correction, shown by round status).")
@click.option("--undo", "undo", type=int, help="Undo decision number EVENT instead.")
def agree(folder: str, item: str | None, level: str | None, note: str, reason: str, undo: int | None) -> None:
    """The meeting's agreed LEVEL for standard ITEM: the consolidated form and plan use it, marked as agreed.

    \b
    Example:
      docxform round agree myround 1.1 doing_well --note "agreed 12 March"
    """
    if undo is not None:
        return _undo(folder, undo, reason or note, "agree")
    if item is None or level is None:
        _usage("give ITEM and LEVEL (or --undo EVENT)")
    _done(api.round_agree(folder, item or "", level or "", note=note, reason=reason))


@round_group.command("undo")
@click.argument("folder", type=click.Path())
@click.argument("event", type=int)
@click.option("--reason", default="", help="Why (kept with the undoing).")
def undo(folder: str, event: int, reason: str) -> None:
    """Undo correction EVENT (any kind; its number is in round status)."""
    done = api.round_undo(folder, event, reason=reason)
    click.echo(shown(f"correction {done.event}: {done.text}"))


def serve_options(command: F) -> F:
    """--port, --host, --password: the same on ``round serve`` and ``serve``."""
    command = click.option("--password", envvar="DOCXFORM_SERVE_PASSWORD",
                           help="Needed with --host: people sign in with it (or set DOCXFORM_SERVE_PASSWORD).")(command)
    command = click.option("--host", default="127.0.0.1", show_default=True,
                           help="Address to listen on; anything but this computer needs --password.")(command)
    return click.option("--port", default=8765, show_default=True, type=click.IntRange(0, 65535),
                        help="Port to listen on (0: any free one).")(command)


@round_group.command("serve")
@click.argument("folder", type=click.Path())
@serve_options
def serve(folder: str, port: int, host: str, password: str | None) -> None:
    """The round in a browser: a console on this computer over the round in FOLDER.

    Prints the address to open (it holds a token, as Jupyter's does). Returns
    can be dropped on its pages; the CLI keeps working beside it.

    \b
    Example:
      docxform round serve myround
    """
    from docxform.serve import serve as run

    api.round_status(folder)  # not a round: the one-line error, before listening
    run(folder, only=True, host=host, port=port, password=password, echo=click.echo)
