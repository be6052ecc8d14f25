"""The README's command table and every command's --help name the same options.

Both are parsed as text: the table row of each command (its first cell names
the command) and the Options section of ``docxform COMMAND --help``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from docxform.cli.main import cli

README = Path(__file__).resolve().parents[2] / "README.md"
def _cli_commands() -> list[str]:
    """Every command the CLI has, groups opened ("round start"): a command added without a row fails."""
    import click

    from docxform.cli.main import cli

    found = []
    for name, command in sorted(cli.commands.items()):
        if isinstance(command, click.Group):
            found += [f"{name} {sub}" for sub in sorted(command.commands)]
        else:
            found.append(name)
    return found


COMMANDS = _cli_commands()
_OPTION_LINE = re.compile(r"^\s{1,4}(-[A-Za-z])?(?:,\s*)?(--[a-z][a-z-]*)?")
_OPTION_WORD = re.compile(r"(?<![\w-])(--[a-z][a-z-]*|-[a-zA-Z])(?![\w-])")


def table_rows() -> dict[str, str]:
    """Command -> its README table row (the first cell starts with `docxform COMMAND`)."""
    rows = {}
    for line in README.read_text("utf-8").splitlines():
        match = re.match(r"\|\s*`docxform ([a-z-]+(?: [a-z-]+)?)", line)
        if match:
            words = match.group(1).split()
            name = " ".join(words) if words[0] in ("generate", "round") else words[0]
            rows[name] = line
    return rows


def help_options(command: str) -> list[tuple[str, ...]]:
    """Each option in the Options section of ``--help``, as its spellings (short, long)."""
    result = CliRunner().invoke(cli, [*command.split(), "--help"], terminal_width=200)
    assert result.exit_code == 0
    section = result.output.split("Options:", 1)[1]
    options = []
    for line in section.splitlines():
        match = _OPTION_LINE.match(line)
        spellings = tuple(s for s in match.groups() if s) if match else ()
        if spellings and "--help" not in spellings:
            options.append(spellings)
    return options


def test_the_table_has_one_row_per_command() -> None:
    assert sorted(table_rows()) == sorted(COMMANDS)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_help_option_is_in_the_table_row(command: str) -> None:
    row = table_rows()[command]
    named = set(_OPTION_WORD.findall(row))
    missing = [" / ".join(o) for o in help_options(command) if not named & set(o)]
    assert missing == [], f"README row for {command} lacks {missing}"


@pytest.mark.parametrize("command", COMMANDS)
def test_every_option_in_the_table_row_exists(command: str) -> None:
    known = {s for o in help_options(command) for s in o}
    unknown = sorted(set(_OPTION_WORD.findall(table_rows()[command])) - known)
    assert unknown == [], f"README row for {command} names {unknown}, which --help does not have"


def test_the_parsers_find_options_in_both() -> None:
    """The check itself can fail: parse's help has its five options and the table words are read."""
    assert help_options("parse") == [("--mapping",), ("--framework",), ("-o", "--output"), ("-j", "--jobs"),
                                     ("--mapping-dir",)]
    assert _OPTION_WORD.findall("a `--from x.json`, `-o DIR` and e-mail or re-save") == ["--from", "-o"]
