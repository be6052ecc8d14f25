"""Read a framework definition: file -> YAML -> structure check -> consistency check -> model.

Each stage returns problems as data (with file, line and path) rather than
raising, so a user sees every mistake at once, each with how to fix it, in
the way pyxform reports XLSForm errors. Only :func:`load_framework` raises,
with all the problems attached, when the definition cannot be used.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable, Iterator
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from docxform.core.errors import DocxformError, FrameworkError
from docxform.core.problems import Problem, problem
from docxform.framework import build
from docxform.framework.model import RESERVED_ANSWER_KEYS, Framework
from docxform.framework.yamlsource import PathKey, YamlDocument, format_path, load_yaml, read_text

if TYPE_CHECKING:
    import jsonschema

BUILTIN_IDS = ("sa2003", "stocktake2003", "hallmarks2007", "beacon2003")


@cache
def framework_schema() -> dict[str, Any]:
    """The published JSON Schema of the definition format."""
    text = resources.files("docxform.schemas").joinpath("framework.schema.json").read_text("utf-8")
    return dict(json.loads(text))


def builtin_path(framework_id: str) -> Path:
    return Path(str(resources.files("docxform.framework.builtin").joinpath(f"{framework_id}.yaml")))


def check_definition_text(text: str, file: str) -> tuple[Framework | None, list[Problem]]:
    """Check a definition's text; the model when it is usable, and every problem found."""
    doc = load_yaml(text, file)
    if doc.problems:
        return None, doc.problems
    problems = list(check_structure(doc, file))
    if problems:
        return None, problems
    problems = list(check_consistency(doc, file))
    if any(p.severity == "error" for p in problems):
        return None, problems
    return build.framework_from_data(doc.data, path=file), problems


def check_definition(path: str | Path) -> tuple[Framework | None, list[Problem]]:
    """Check a definition file (``docxform check-framework``)."""
    path = Path(path)
    return check_definition_text(read_text(path), str(path))


def load_framework(ref: str | Path) -> Framework:
    """A built-in framework id (``sa2003``) or a path to a definition file.

    Raises :class:`FrameworkError` listing the problems when it is unusable,
    :class:`DocxformError` when the reference names nothing.
    """
    text_ref = str(ref)
    if text_ref in BUILTIN_IDS:
        return _load_builtin(text_ref)
    path = Path(text_ref)
    if not path.exists():
        known = ", ".join(BUILTIN_IDS)
        raise DocxformError(text_ref, f"no such framework: not a built-in id ({known}) nor a file")
    framework, problems = check_definition(path)
    if framework is None:
        raise FrameworkError(path, [p for p in problems if p.severity == "error"])
    return framework


@cache
def _load_builtin(framework_id: str) -> Framework:
    """A shipped definition, built straight from its YAML (read by libyaml where PyYAML has it).

    The checks a user's file goes through (schema, consistency) are what the
    test suite runs on every shipped definition (test_every_builtin_loads_cleanly);
    repeating them in every process would cost a parse run more than its first
    form, and jsonschema's import besides.
    """
    path = builtin_path(framework_id)
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # a shipped file: never deeply nested
    return build.framework_from_data(yaml.load(path.read_text("utf-8"), Loader=loader), path=f"builtin:{framework_id}")


def builtin_frameworks() -> list[Framework]:
    return [load_framework(fid) for fid in BUILTIN_IDS]


# --- stage 2: structure (the JSON Schema, with messages a coordinator can act on)

def check_structure(doc: YamlDocument, file: str) -> Iterator[Problem]:
    if not isinstance(doc.data, dict):
        yield problem("definition-structure", "the definition must be a mapping of keys (id, title, items ...)",
                      file=file, line=1, hint="see docs/framework-format.md for an example")
        return
    import jsonschema  # only for a user's definition: the shipped ones are checked by the tests

    validator = jsonschema.Draft202012Validator(framework_schema())
    reported: set[str] = set()
    for error in sorted(validator.iter_errors(doc.data), key=lambda e: list(map(str, e.absolute_path))):
        for leaf in _leaf_errors(error):
            path = tuple(leaf.absolute_path)
            message, hint, at = _explain(leaf, path)
            key = f"{format_path(at)}|{message}"
            if key in reported:
                continue
            reported.add(key)
            yield problem("definition-structure", message, file=file, line=doc.line_of(at),
                          path=format_path(at), hint=hint)


def _leaf_errors(error: jsonschema.ValidationError) -> Iterable[jsonschema.ValidationError]:
    """For oneOf/anyOf/if-then, the most specific sub-errors; otherwise the error itself."""
    if error.validator in ("oneOf", "anyOf") and error.context:
        from jsonschema.exceptions import best_match

        best = best_match(error.context)
        return [best] if best is not None else [error]
    return [error]


def _explain(error: jsonschema.ValidationError, path: PathKey) -> tuple[str, str | None, PathKey]:
    """A message, a hint and the path to report, for one schema error."""
    schema = error.schema if isinstance(error.schema, dict) else {}
    if error.validator == "additionalProperties":
        allowed = sorted(schema.get("properties", {}))
        extras = sorted(set(error.instance) - set(allowed)) if isinstance(error.instance, dict) else []
        name = extras[0] if extras else "?"
        close = difflib.get_close_matches(name, allowed, n=1)
        hint = f"did you mean {close[0]!r}?" if close else f"allowed keys here: {', '.join(allowed)}"
        return f"unknown key {name!r}", hint, (*path, name)
    if error.validator == "required":
        missing = str(error.message).split("'")[1] if "'" in error.message else error.message
        return f"missing required key {missing!r}", f"add '{missing}:' here", path
    if error.validator in ("enum", "const"):
        options: list[Any] = schema.get("enum") or [schema.get("const")]
        value = error.instance
        close = difflib.get_close_matches(str(value), [str(o) for o in options], n=1)
        suggestion = f"did you mean {close[0]!r}?" if close else None
        what = path[-1] if path else "value"
        return (f"{value!r} is not an allowed {what}; use one of: {', '.join(map(str, options))}", suggestion, path)
    if error.validator == "type":
        expected = schema.get("type")
        got = type(error.instance).__name__.replace("NoneType", "nothing").replace("dict", "mapping").replace("str", "text")
        numeric = expected == "string" and isinstance(error.instance, int | float)
        quote_hint = 'put quotes around ids such as "1.1"' if numeric else None
        return f"expected {_kind(expected)}, found {got}", quote_hint, path
    if error.validator == "pattern":
        return f"{error.instance!r} is not a valid {path[-1] if path else 'value'}", _pattern_hint(schema), path
    if error.validator == "minItems":
        return "must not be empty", None, path
    return error.message, None, path


def _kind(expected: Any) -> str:
    names = {"string": "text", "object": "a mapping of keys", "array": "a list", "integer": "a whole number",
             "number": "a number", "boolean": "true or false"}
    return names.get(str(expected), str(expected))


def _pattern_hint(schema: dict[str, Any]) -> str | None:
    if schema.get("pattern") == "^[a-z][a-z0-9_]*$":
        return "keys use lower-case letters, digits and underscores, starting with a letter (e.g. supporting_evidence)"
    return "ids use letters, digits, dots and hyphens (e.g. 1.1)"


# --- stage 3: consistency (what a schema cannot say)

def check_consistency(doc: YamlDocument, file: str) -> Iterator[Problem]:
    data: dict[str, Any] = doc.data

    def at(path: PathKey, code: str, message: str, hint: str | None = None) -> Problem:
        return problem(code, message, file=file, line=doc.line_of(path), path=format_path(path), hint=hint)

    scale = data.get("rating_scale")
    level_keys = [lv["key"] for lv in scale["levels"]] if scale else []
    yield from _duplicates([(("rating_scale", "levels", i, "key"), k) for i, k in enumerate(level_keys)], "rating level", at)

    field_keys = [f["key"] for f in data["fields"]]
    yield from _duplicates([(("fields", i, "key"), k) for i, k in enumerate(field_keys)], "field", at)
    rating_fields = [i for i, f in enumerate(data["fields"]) if f["type"] == "rating"]
    if len(rating_fields) > 1:
        yield at(("fields", rating_fields[1]), "definition-inconsistent", "more than one field of type rating",
                 "an item has one rating; make the others type: text")
    yield from _reserved_keys(data["fields"], at)
    if rating_fields and not scale:
        yield at(("fields", rating_fields[0]), "definition-inconsistent", "a rating field needs a rating_scale",
                 "add rating_scale with its levels, or make this field type: text")

    theme_ids = [t["id"] for t in data["themes"]]
    yield from _duplicates([(("themes", i, "id"), t) for i, t in enumerate(theme_ids)], "theme", at)
    yield from _duplicates([(("items", i, "id"), it["id"]) for i, it in enumerate(data["items"])], "item", at)
    for i, item in enumerate(data["items"]):
        if item["theme"] not in theme_ids:
            yield at(("items", i, "theme"), "unknown-reference",
                     f"item {item['id']} refers to theme {item['theme']!r}, which is not defined",
                     _suggest(item["theme"], theme_ids, "themes"))

    forms = data.get("forms", [])
    yield from _duplicates([(("forms", i, "id"), f["id"]) for i, f in enumerate(forms)], "form layout", at)
    for i, form in enumerate(forms):
        yield from _check_form(form, ("forms", i), field_keys, at)

    yield from _check_rules(data.get("rules", {}), level_keys, field_keys, forms, at)


def _reserved_keys(fields: list[dict[str, Any]], at: Any) -> Iterator[Problem]:
    """A text field keyed like the answer's own keys would be overwritten by them in every parse."""
    for i, fld in enumerate(fields):
        if fld["key"] in RESERVED_ANSWER_KEYS and (fld["type"], fld["key"]) != ("rating", "rating"):
            yield at(("fields", i, "key"), "field-key-reserved",
                     f"field {fld['key']!r} has a key every parsed answer already uses for its "
                     f"{fld['key']}; the respondent's text would be overwritten",
                     f"rename the key (e.g. {fld['key']}_text); reserved: {', '.join(RESERVED_ANSWER_KEYS)}")


def _check_form(form: dict[str, Any], path: PathKey, field_keys: list[str], at: Any) -> Iterator[Problem]:
    keys: list[tuple[PathKey, str]] = []
    items_blocks = 0
    for b, block in enumerate(form["blocks"]):
        bpath = (*path, "blocks", b)
        if block["type"] in ("fields", "signatories"):
            keys += [((*bpath, "fields", f, "key"), fld["key"]) for f, fld in enumerate(block["fields"])]
        if block["type"] == "items":
            items_blocks += 1
            for c, col in enumerate(block.get("columns", [])):
                if col not in field_keys:
                    yield at((*bpath, "columns", c), "unknown-reference", f"column {col!r} is not one of the item fields",
                             _suggest(col, field_keys, "fields"))
    if items_blocks != 1:
        yield at((*path, "blocks"), "definition-inconsistent",
                 f"a form layout needs exactly one block of type items, found {items_blocks}")
    yield from _duplicates(keys, "form field", at)


def _check_rules(rules: dict[str, Any], level_keys: list[str], field_keys: list[str],
                 forms: list[dict[str, Any]], at: Any) -> Iterator[Problem]:
    for name in ("evidence_required_for", "goal_required_for"):
        for i, key in enumerate(rules.get(name, [])):
            if key not in level_keys:
                yield at(("rules", name, i), "unknown-reference", f"{key!r} is not a rating level",
                         _suggest(key, level_keys, "rating levels"))
    for name in ("evidence_field", "goal_field"):
        if name in rules and rules[name] not in field_keys:
            yield at(("rules", name), "unknown-reference", f"{rules[name]!r} is not one of the item fields",
                     _suggest(rules[name], field_keys, "fields"))
    form_keys = {fld["key"] for form in forms for b in form["blocks"] if b["type"] in ("fields", "signatories")
                 for fld in b["fields"]}
    for name in ("required_fields", "signatures_required"):
        for i, key in enumerate(rules.get(name, [])):
            if forms and key not in form_keys:
                yield at(("rules", name, i), "unknown-reference", f"{key!r} is not a form-level field of any layout",
                         _suggest(key, sorted(form_keys), "form fields"))


def _duplicates(entries: list[tuple[PathKey, str]], what: str, at: Any) -> Iterator[Problem]:
    first: dict[str, PathKey] = {}
    for path, key in entries:
        if key in first:
            yield at(path, "duplicate-id", f"{what} {key!r} is defined twice (first at {format_path(first[key])})",
                     f"give each {what} its own id")
        else:
            first[key] = path


def _suggest(value: str, options: list[str], what: str) -> str:
    close = difflib.get_close_matches(str(value), options, n=1)
    if close:
        return f"did you mean {close[0]!r}?"
    return f"defined {what}: {', '.join(options[:12])}" if options else f"no {what} are defined"
