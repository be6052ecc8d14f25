"""The blank forms and mappings shipped in ``blank_forms/`` and ``mappings/``.

One function regenerates them all; a test proves the shipped files equal a
fresh run (generation is deterministic, byte for byte).
"""

from __future__ import annotations

from pathlib import Path

from docxform.framework import BUILTIN_IDS, load_framework
from docxform.generate.form import FormOptions
from docxform.generate.output import FormWriter, generate_form, write_mapping


def shipped_layouts() -> list[tuple[str, str | None, str]]:
    """(framework id, layout id, file stem) for every shipped blank form."""
    out: list[tuple[str, str | None, str]] = []
    for fid in BUILTIN_IDS:
        fw = load_framework(fid)
        for i, layout in enumerate(fw.forms):
            out.append((fid, layout.id, fid if i == 0 else f"{fid}-{layout.id}"))
    return out


def regenerate(blank_dir: Path, mapping_dir: Path) -> list[Path]:
    written = []
    blank_dir.mkdir(parents=True, exist_ok=True)
    for fid, layout, stem in shipped_layouts():
        fw = load_framework(fid)
        options = FormOptions(layout=layout, guidance_annex=True)
        written.append(generate_form(fw, blank_dir / f"{stem}.docx", options).path)
        written.append(write_mapping(FormWriter(fw, options).mapping, mapping_dir))
    return written
