"""Read a YAML file into plain data plus a map from data paths to line numbers.

Line numbers are what make a bad definition fixable: every problem found
later (by the schema or the consistency checks) is reported at the line of
the key it concerns. Duplicate keys (which PyYAML silently overwrites) and
aliases (which can expand without bound) are reported here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from docxform.core.errors import DocxformError
from docxform.core.problems import Problem, problem
from docxform.io.files import read_text_input

PathKey = tuple[str | int, ...]
MAX_DEFINITION_BYTES = 5_000_000


@dataclass
class YamlDocument:
    """Parsed YAML: the data and the line of every path in it."""

    data: Any
    lines: dict[PathKey, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def line_of(self, path: PathKey) -> int | None:
        """Line of the nearest known ancestor of ``path``."""
        path = tuple(path)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), None)


def format_path(path: PathKey) -> str:
    """``('items', 3, 'theme')`` -> ``items[3].theme``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


#: Flow collections (``[...]``, ``{...}``) open at once beyond which a text is refused as nested too deeply.
#: A definition or mapping needs three or four; PyYAML's composer recurses and fails a little beyond 300,
#: after a scan that grows with the square of the depth (a second for 20,000 brackets).
MAX_FLOW_DEPTH = 200
_SPECIAL = re.compile(r"[\[\]{}\"'\\\n]")


def flow_too_deep(text: str) -> bool:
    """Whether more than MAX_FLOW_DEPTH brackets outside quoted text are open at some point.

    Linear in the text (a hostile file must not make this check the slow
    part). A quote not closed on its line is not taken as one, so its
    brackets count: the bound errs towards refusing absurd text, never
    towards letting a deep file reach PyYAML's scan.
    """
    if text.count("[") + text.count("{") <= MAX_FLOW_DEPTH:
        return False  # every real file: decided by two scans in C
    depth = 0
    for step in _bracket_steps(text):
        depth = max(depth + step, 0)
        if depth > MAX_FLOW_DEPTH:
            return True
    return False


def _bracket_steps(text: str) -> Iterator[int]:
    """+1 for each opening and -1 for each closing bracket, in order, leaving out those in quoted text."""
    quote: str | None = None
    inside: list[int] = []  # the steps since the open quote, counted after all if it is not closed on its line
    skip = -1  # a character escaped by a backslash ("...\\"...") or the second of a doubled quote ('...''...')
    for match in _SPECIAL.finditer(text):
        char, at = match.group(), match.start()
        if at == skip:
            continue
        if char == "\n":
            yield from inside
            inside, quote = [], None
        elif quote is None:
            if char in "\"'":
                quote = char
            elif char != "\\":
                yield 1 if char in "[{" else -1
        elif char in "[]{}":
            inside.append(1 if char in "[{" else -1)
        elif _escapes_next(text, at, quote):
            skip = at + 1
        elif char == quote:
            inside, quote = [], None
    yield from inside


def _escapes_next(text: str, at: int, quote: str) -> bool:
    """In double quotes a backslash escapes the next character; in single quotes '' is one quote."""
    char = text[at]
    return (quote == '"' and char == "\\") or (quote == "'" == char and text.startswith("'", at + 1))


def load_yaml(text: str, file: str) -> YamlDocument:
    """Parse YAML text; syntax errors become problems, never exceptions."""
    if flow_too_deep(text):
        return _too_deep(file)
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return YamlDocument(None)
        doc = YamlDocument(None)
        _walk(node, (), doc, file, set())
        if doc.problems:
            return doc
        doc.data = loader.construct_document(node)
        return doc
    except RecursionError:
        return _too_deep(file)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        what = exc.problem or str(exc)
        return YamlDocument(None, problems=[problem(
            "definition-syntax", f"not valid YAML: {what}", file=file, line=line,
            hint="check the indentation and quote text that contains ': ' or starts with a special character",
        )])
    except yaml.YAMLError as exc:
        return YamlDocument(None, problems=[problem("definition-syntax", f"not valid YAML: {exc}", file=file)])
    finally:
        loader.dispose()


def _too_deep(file: str) -> YamlDocument:
    return YamlDocument(None, problems=[problem(
        "definition-syntax", "nested too deeply to be a framework definition", file=file,
        hint="a definition needs only a few levels: themes, items, prompts")])


def _walk(node: yaml.Node, path: PathKey, doc: YamlDocument, file: str, seen: set[int]) -> None:
    if id(node) in seen:
        doc.problems.append(problem(
            "definition-syntax", "YAML aliases (*name) are not supported", file=file,
            line=node.start_mark.line + 1, path=format_path(path), hint="write the value out in full",
        ))
        return
    seen.add(id(node))
    doc.lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        keys_seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node.value)
            line = key_node.start_mark.line + 1
            if key in keys_seen:
                doc.problems.append(problem(
                    "duplicate-key", f"key {key!r} appears twice in the same mapping (first at line {keys_seen[key]})",
                    file=file, line=line, path=format_path((*path, key)), hint="remove or rename one of them",
                ))
            keys_seen[key] = line
            doc.lines[(*path, key)] = line
            _walk(value_node, (*path, key), doc, file, seen)
    elif isinstance(node, yaml.SequenceNode):
        for index, child in enumerate(node.value):
            _walk(child, (*path, index), doc, file, seen)


#: Nodes a YAML document may expand to, aliases followed (a billion-laughs document expands without bound).
MAX_YAML_NODES = 2_000_000


def load_limited(text: str, file: str | Path, what: str) -> Any:
    """``yaml.safe_load`` with bounds: aliases are followed only up to MAX_YAML_NODES nodes in all.

    Raises a one-line DocxformError for a document beyond that, nested too
    deeply, or not valid YAML.
    """
    if flow_too_deep(text):
        raise DocxformError(file, f"nested too deeply to be a {what}")
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        if _expanded_size(node, MAX_YAML_NODES) > MAX_YAML_NODES:
            raise DocxformError(file, f"YAML expands to more than {MAX_YAML_NODES:,} values (an alias bomb?); "
                                      f"not a {what}")
        return loader.construct_document(node)
    except RecursionError:
        raise DocxformError(file, f"nested too deeply to be a {what}") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f" at line {mark.line + 1}" if mark else ""
        raise DocxformError(file, f"{what} is not valid YAML{where}: {exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:
        raise DocxformError(file, f"{what} is not valid YAML: {str(exc).splitlines()[0]}") from None
    finally:
        loader.dispose()


def _expanded_size(root: yaml.Node, limit: int) -> int:
    """Nodes in the document with every alias expanded, counted up to just past ``limit``."""
    count, stack = 0, [root]
    while stack and count <= limit:
        node = stack.pop()
        count += 1
        if isinstance(node, yaml.MappingNode):
            stack.extend(part for pair in node.value for part in pair)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
    return count


def read_text(path: Path) -> str:
    """Read a definition file as UTF-8, refusing absurd sizes."""
    return read_text_input(path, limit=MAX_DEFINITION_BYTES, what="definition file")
