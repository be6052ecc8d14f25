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
from docxform.io.files import write_file

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
@click.option("--partnership", default="", help="Prefill the partnership name.")
@click.option("--layout", help="Form layout id (default: the framework's first).")
@click.option("--due", help="When returns are due (YYYY-MM-DD).")
def start(framework: str, folder: str, respondents: str | None, partnership: str, layout: str | None,
          due: str | None) -> None:
    """Create FOLDER with the forms to send and the round's store.

    One personalised form per respondent (forms/), or one generic form when
    there is no respondents list.

    \b
    Example:
      docxform round start sa2003 myround --respondents people.csv --due 2004-03-31
    """
    result = api.round_start(framework, folder, respondents=respondents, partnership=partnership, layout=layout,
                             due=due)
    for form in result.forms:
        who = form.respondent.name if form.respondent else "generic form (for everyone)"
        click.echo(f"{form.path}\t{who}")
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
        click.echo(line.text(), err=line.outcome == "unreadable")
    sys.exit(1 if result.unreadable else 0)


@round_group.command("status")
@click.argument("folder", type=click.Path())
@click.option("--json", "as_json", is_flag=True, help="Print the status as JSON (round-status.schema.json).")
@click.option("--chase", type=click.Path(), help="Write the outstanding people with their e-mail to this CSV.")
def status(folder: str, as_json: bool, chase: str | None) -> None:
    """Who returned, who is outstanding, versions, what changed, problem counts.

    \b
    Examples:
      docxform round status myround
      docxform round status myround --json --chase chase.csv
    """
    state = api.round_status(folder, today=dt.date.today().isoformat())
    if chase:
        write_file(Path(chase), state.chase_csv())
    click.echo(json.dumps(state.to_dict(), indent=2, ensure_ascii=False) if as_json else state.to_text())


@round_group.command("report")
@click.argument("folder", type=click.Path())
@click.option("-o", "--output", type=click.Path(), help="Folder for the outputs (default: FOLDER/report).")
def report(folder: str, output: str | None) -> None:
    """Summary workbook, HTML report, merged.json, consolidated form and draft plan from the current returns.

    \b
    Example:
      docxform round report myround -o myround/report
    """
    result = api.round_report(folder, output)
    for line in result.lines():
        click.echo(line)


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
