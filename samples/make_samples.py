"""Build the bundled sample returns (run from the repository root).

Eight personalised sa2003 forms are generated for samples/people.csv, filled
in code with known answers (samples/answers.json), and three of them are
re-saved through headless LibreOffice, as a partner using LibreOffice would.

    python samples/make_samples.py
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import tempfile
from pathlib import Path

from docxform import api
from docxform.framework import load_framework
from docxform.oxml.fill import fill

HERE = Path(__file__).resolve().parent

EVIDENCE = ["Community Safety Strategy 2002-05, section 3, p.14", "Partnership board minutes 12 March 2004, item 4",
            "minutes", "Crime and Disorder Audit 2004, table 2.1", "", "Best Value Inspection report (2002), para 4.2"]
COMMENTS = ["Joint chairs provide clear direction.", "Progress is uneven across sub-groups.\nSee the audit.",
            "=HYPERLINK(\"http://example.com\",\"x\")", "", "Good links with the LSP and YOT."]


def answers_for(framework_id: str, person: int, rng: random.Random) -> tuple[dict, dict]:
    fw = load_framework(framework_id)
    levels = fw.rating_scale.keys
    ratings, texts = {}, {}
    for i, item in enumerate(fw.items):
        centre = (i * 3 + 1) % 4
        level = max(0, min(3, centre + rng.choice([-1, 0, 0, 0, 1]) + (2 if i == 7 and person % 2 else 0)))
        ratings[item.id] = levels[level]
        texts[(item.id, "comments")] = rng.choice(COMMENTS)
        texts[(item.id, "evidence")] = rng.choice(EVIDENCE)
        if level <= 1:
            texts[(item.id, "goals")] = f"Agree an action plan for standard {item.id} by March 2004."
    return ratings, {k: v for k, v in texts.items() if v}


def main() -> None:
    out = HERE / "returns"
    shutil.rmtree(out, ignore_errors=True)
    with tempfile.TemporaryDirectory() as work:
        forms = api.generate_form("sa2003", Path(work) / "forms", respondents=HERE / "people.csv",
                                  partnership="Salford Crime and Disorder Partnership")
        rng = random.Random(2003)
        known = {}
        out.mkdir()
        via_lo = []
        for n, form in enumerate(forms):
            ratings, texts = answers_for("sa2003", n, rng)
            target = out / form.path.name
            fill(form.path, target, ratings, texts, {"assessment_month": "March", "assessment_year": "2004",
                                                     "completed_by_signature": form.respondent.name if n != 3 else ""})
            known[form.path.name] = {"ratings": ratings,
                                     "texts": {f"{k[0]}/{k[1]}": v for k, v in texts.items()}}
            if n in (1, 4, 6):
                via_lo.append(target)
        profile = Path(work) / "profile"
        subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to",
                        "docx:MS Word 2007 XML", "--outdir", str(Path(work) / "lo"), *map(str, via_lo)],
                       check=True, capture_output=True, timeout=300)
        for path in via_lo:
            shutil.copyfile(Path(work) / "lo" / path.name, path)
            known[path.name]["resaved_by"] = "LibreOffice"
    (HERE / "answers.json").write_text(json.dumps(known, indent=1, ensure_ascii=False) + "\n", "utf-8")


if __name__ == "__main__":
    main()
