"""Write forms: one blank form, or one personalised form per respondent.

The form is laid out once into a template; each copy only fills its slots
(partnership, respondent) and its form id. Files are written to a temporary
name and renamed, and a failed batch removes what it wrote, so no
half-written form is ever left behind.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from docxform.errors import DocxformError
from docxform.framework.model import Framework
from docxform.generate.form import FormOptions, build_form
from docxform.generate.respondents import Respondent
from docxform.mapping import Mapping, mapping_to_yaml
from docxform.oxml.package import write_package
from docxform.oxml.writer import DocxTemplate, build_template

FORM_ID_NAMESPACE = uuid.UUID("6f1c2a4e-8d0b-4c57-9a3e-2b7f5d9e1c01")


@dataclass(frozen=True)
class GeneratedForm:
    path: Path
    form_id: str
    respondent: Respondent | None


def form_id_for(framework: Framework, layout: str, partnership: str, respondent: Respondent | None) -> str:
    """Deterministic and unique per (framework, layout, partnership, respondent)."""
    who = f"{respondent.name}|{respondent.email}" if respondent else "blank"
    return str(uuid.uuid5(FORM_ID_NAMESPACE, f"{framework.id}|{framework.version}|{layout}|{partnership}|{who}"))


class FormWriter:
    """Holds one rendered template and writes copies of it."""

    def __init__(self, framework: Framework, options: FormOptions) -> None:
        spec, self.mapping = build_form(framework, options)
        self.template: DocxTemplate = build_template(spec)
        self.framework = framework
        self.options = options

    def values_for(self, partnership: str, respondent: Respondent | None) -> dict[str, str]:
        layout = self.framework.form(self.options.layout)
        sources = {"partnership": partnership}
        if respondent:
            sources |= {"respondent.name": respondent.name, "respondent.organisation": respondent.organisation,
                        "respondent.role": respondent.role, "respondent.email": respondent.email}
        return {f.key: sources.get(f.prefill or "", "") for f in layout.form_fields}

    def parts(self, partnership: str, respondent: Respondent | None) -> tuple[dict[str, bytes], str]:
        form_id = form_id_for(self.framework, self.mapping.layout, partnership, respondent)
        props = {"docxform.form_id": form_id, "docxform.personalised": "true" if respondent else "false"}
        if respondent:
            props["docxform.respondent"] = respondent.name
        return self.template.render(self.values_for(partnership, respondent), props), form_id


def write_mapping(mapping: Mapping, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{mapping.id}.yaml"
    _atomic_write(path, mapping_to_yaml(mapping).encode("utf-8"))
    return path


def generate_form(framework: Framework, target: Path, options: FormOptions | None = None, *,
                  partnership: str = "", respondent: Respondent | None = None) -> GeneratedForm:
    """Write one form to ``target`` (a .docx path)."""
    writer = FormWriter(framework, options or FormOptions())
    parts, form_id = writer.parts(partnership, respondent)
    _check_target_dir(target.parent)
    _atomic_write(target, _zip_bytes(parts))
    return GeneratedForm(target, form_id, respondent)


def generate_forms(framework: Framework, folder: Path, respondents: Iterable[Respondent],
                   options: FormOptions | None = None, *, partnership: str = "") -> list[GeneratedForm]:
    """One personalised form per respondent, named ``<framework>-<name>.docx``."""
    writer = FormWriter(framework, options or FormOptions())
    _check_target_dir(folder, create=True)
    written: list[GeneratedForm] = []
    try:
        for person in respondents:
            parts, form_id = writer.parts(partnership, person)
            path = folder / f"{framework.id}-{person.slug}.docx"
            _atomic_write(path, _zip_bytes(parts))
            written.append(GeneratedForm(path, form_id, person))
    except BaseException:
        for form in written:
            form.path.unlink(missing_ok=True)
        raise
    return written


def _zip_bytes(parts: dict[str, bytes]) -> bytes:
    import io

    buffer = io.BytesIO()
    write_package(parts, buffer)
    return buffer.getvalue()


def _check_target_dir(folder: Path, create: bool = False) -> None:
    folder = folder if str(folder) else Path(".")
    try:
        if create:
            folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DocxformError(folder, f"cannot create output folder: {exc.strerror}") from None
    if not folder.is_dir():
        raise DocxformError(folder, "output folder does not exist")
    if not os.access(folder, os.W_OK):
        raise DocxformError(folder, "output folder is not writable")


def _atomic_write(path: Path, data: bytes) -> None:
    try:
        handle, temp = tempfile.mkstemp(prefix=".docxform-", suffix=".tmp", dir=path.parent or ".")
    except OSError as exc:
        raise DocxformError(path, f"cannot write: {exc.strerror}") from None
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.chmod(temp, 0o644 & ~_umask())
        os.replace(temp, path)
    except OSError as exc:
        Path(temp).unlink(missing_ok=True)
        raise DocxformError(path, f"cannot write: {exc.strerror}") from None


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
