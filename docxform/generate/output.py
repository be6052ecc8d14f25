"""Write forms: one blank form, or one personalised form per respondent.

The form is laid out once into a template; each copy only fills its slots
(partnership, respondent) and its form id. Files are written to a temporary
name and renamed, and a failed batch removes what it wrote, so no
half-written form is ever left behind.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from docxform.core.errors import DocxformError
from docxform.framework.mapping import Mapping, mapping_to_yaml
from docxform.framework.model import FormLayout, Framework
from docxform.generate.form import FormOptions, build_form
from docxform.generate.respondents import Respondent
from docxform.io.files import output_folder, write_file
from docxform.oxml.package import write_package
from docxform.oxml.writer import DocxTemplate, build_template

FORM_ID_NAMESPACE = uuid.UUID("6f1c2a4e-8d0b-4c57-9a3e-2b7f5d9e1c01")


#: Extra custom properties for one form, from its form id and respondent (the survey round's signed token).
Signer = Callable[[str, Respondent | None], dict[str, str]]


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

    def parts(self, partnership: str, respondent: Respondent | None,
              sign: Signer | None = None) -> tuple[dict[str, bytes], str]:
        form_id = form_id_for(self.framework, self.mapping.layout, partnership, respondent)
        props = {"docxform.form_id": form_id, "docxform.personalised": "true" if respondent else "false"}
        if sign is not None:
            props |= sign(form_id, respondent)
        if respondent:
            props["docxform.respondent"] = respondent.name
            # Organisation and role travel with the form, so a return says whose view it is.
            props |= {f"docxform.{k}": v for k, v in (("organisation", respondent.organisation),
                                                        ("role", respondent.role)) if v}
        return self.template.render(self.values_for(partnership, respondent), props), form_id


def write_mapping(mapping: Mapping, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{mapping.id}.yaml"
    write_file(path, mapping_to_yaml(mapping).encode("utf-8"))
    return path


def generate_form(framework: Framework, target: Path, options: FormOptions | None = None, *,
                  partnership: str = "", respondent: Respondent | None = None,
                  sign: Signer | None = None) -> GeneratedForm:
    """Write one form to ``target`` (a .docx path); ``sign`` adds properties (a round's token)."""
    return _write_one(FormWriter(framework, options or FormOptions()), target, partnership, respondent, sign)


def _write_one(writer: FormWriter, target: Path, partnership: str,
               respondent: Respondent | None = None, sign: Signer | None = None) -> GeneratedForm:
    parts, form_id = writer.parts(partnership, respondent, sign)
    output_folder(target.parent)
    write_file(target, _zip_bytes(parts))
    return GeneratedForm(target, form_id, respondent)


def generate_forms(framework: Framework, folder: Path, respondents: Iterable[Respondent],
                   options: FormOptions | None = None, *, partnership: str = "",
                   sign: Signer | None = None) -> list[GeneratedForm]:
    """One personalised form per respondent, named ``<framework>-<name>.docx``; ``sign`` as for generate_form."""
    return _write_copies(FormWriter(framework, options or FormOptions()), folder, respondents, partnership, sign)


def _write_copies(writer: FormWriter, folder: Path, respondents: Iterable[Respondent],
                  partnership: str, sign: Signer | None = None) -> list[GeneratedForm]:
    """Every copy or none: a failure removes the copies already written."""
    framework = writer.framework
    output_folder(folder, create=True)
    written: list[GeneratedForm] = []
    try:
        for person in respondents:
            parts, form_id = writer.parts(partnership, person, sign)
            path = folder / f"{framework.id}-{person.slug}.docx"
            write_file(path, _zip_bytes(parts))
            written.append(GeneratedForm(path, form_id, person))
    except BaseException:
        for form in written:
            form.path.unlink(missing_ok=True)
        raise
    return written


def form_layout(framework: Framework, layout: str | None) -> FormLayout:
    """The layout asked for (None: the framework's default), or a one-line error naming the ones it has."""
    try:
        return framework.form(layout)
    except KeyError as exc:
        raise DocxformError(None, str(exc.args[0])) from None


def write_forms(framework: Framework, target: Path, options: FormOptions, *,
                people: Sequence[Respondent] | None = None, partnership: str = "",
                mapping_folder: Path | None = None, sign: Signer | None = None) -> list[GeneratedForm]:
    """The forms a coordinator sends, and their mapping: what ``generate form`` and ``round start`` both write.

    With ``people``, one personalised form each into the folder ``target``; without, one form to
    ``target`` (a .docx). The mapping goes to ``mapping_folder``, else beside the forms. One
    template is rendered for the forms and the mapping alike. ``sign``: extra properties per form (a
    survey round's token).
    """
    form_layout(framework, options.layout)
    if people is None and target.suffix.lower() != ".docx":
        raise DocxformError(target, "the output of a single form must end in .docx")
    writer = FormWriter(framework, options)
    if people is not None:
        forms = _write_copies(writer, target, people, partnership, sign)
    else:
        forms = [_write_one(writer, target, partnership, sign=sign)]
    write_mapping(writer.mapping, mapping_folder or (target if people is not None else target.parent))
    return forms


def _zip_bytes(parts: dict[str, bytes]) -> bytes:
    import io

    buffer = io.BytesIO()
    write_package(parts, buffer)
    return buffer.getvalue()
