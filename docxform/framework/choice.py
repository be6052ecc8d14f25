"""Which framework a file is read, checked and merged against: the one place that decides.

Every stage asks here (the parse of a form, validation and feedback of a return,
a batch of returns or merged datasets, compare), so two commands can never read
one file as two frameworks. The rule, first match wins:

1. the framework the user gave (``--framework``: an id, a definition file, or its model);
2. the built-in framework the file names by id (its mapping, its parse JSON, a merged
   dataset); a batch must name one framework between all its files;
3. for a form whose mapping file was found on disk, the user's definition kept beside
   that mapping as ``<framework id>.yaml``;
4. otherwise one line naming the file: the id it names is not built in.

It is also the one owner of ``framework-mismatch`` (:func:`mismatch`): every stage that finds a
file of another framework or version than the one it works with asks here, and says what it did
about it.

A file's contents are data, never a path to follow: the id a file names is only ever
looked up among the built-ins or as a plain file name beside the user's own mapping.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from docxform.core.errors import DocxformError
from docxform.core.problems import Problem, problem
from docxform.framework.loader import BUILTIN_IDS, load_framework
from docxform.framework.mapping import MAPPING_ID
from docxform.framework.model import Framework

_HINT = "give its definition file with --framework"


def framework_for(named: Iterable[object], source: str | Path | None, *,
                  given: str | Path | Framework | None = None, beside: str | Path | None = None) -> Framework:
    """The framework of a file (``named``: the id it names) or of a batch (every input's id).

    ``source`` is the file a refusal names; ``given`` is the user's choice, which wins;
    ``beside`` is the path of the form's own mapping file, where a user's definition may be kept.
    """
    if isinstance(given, Framework):
        return given
    if given:
        return load_framework(given)
    names = list(dict.fromkeys(str(n) if not isinstance(n, str) else n for n in named))
    if len(names) != 1:
        raise DocxformError(None, f"the inputs belong to {len(names)} frameworks "
                            f"({', '.join(sorted(names)) or 'none'}); pass --framework")
    [framework_id] = names
    if framework_id in BUILTIN_IDS:
        return load_framework(framework_id)
    if beside is not None:
        return _beside_mapping(framework_id, Path(beside), source)
    raise DocxformError(source, f"names framework {framework_id!r}, which is not built in", hint=_HINT)


def _beside_mapping(framework_id: str, mapping: Path, source: str | Path | None) -> Framework:
    """The user's definition ``<id>.yaml`` in the folder of the form's mapping; the id must be a plain name."""
    if not MAPPING_ID.fullmatch(framework_id) or ".." in framework_id:
        raise DocxformError(source, f"names framework {framework_id[:60]!r}, which is not a framework id",
                            hint=_HINT)
    definition = mapping.parent / f"{framework_id}.yaml"
    if definition.is_file():
        return load_framework(definition)
    raise DocxformError(source, f"names framework {framework_id!r}, which is not built in and "
                        f"{definition.name} is not beside its mapping", hint=_HINT)


def mismatch(what: str, named: tuple[str, str | None], expected: Framework, *, outcome: str = "",
             file: str | None = None, hint: str | None = None) -> Problem | None:
    """framework-mismatch when a file names another framework (or version) than ``expected``; else None.

    ``what`` says what the file is and how it names its framework ("the return is", "the form was
    made"); ``named`` is the id and version it names (version None: not known, only the id is
    compared); ``outcome`` what the caller did about it ("it was left out of the merge").
    """
    framework_id, version = named
    if framework_id == expected.id and (version is None or version == expected.version):
        return None
    theirs, ours = (framework_id, expected.id) if version is None else (
        f"{framework_id} version {version}", f"{expected.id} version {expected.version}")
    return problem("framework-mismatch", f"{what} for framework {theirs}, not {ours}" + (f"; {outcome}" if outcome else ""),
                   file=file, hint=hint)
