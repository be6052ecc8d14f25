"""Make docs/images/console.png: the console's "Who has returned" page over the bundled samples.

A round of the samples' eight people, due 2004-03-31 (so passed), six of whose
returns have arrived; the page shot in headless Chromium at 1280 px wide, cut below the status table,
and stored as a 64-colour PNG (Pillow), well under 200 KB.

    PYTHONPATH=. python3 docs/images/make_console_png.py
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from PIL import Image

from docxform import api
from docxform.serve import start_server
from tests.support import browser

ROOT = Path(__file__).resolve().parents[2]
TARGET = ROOT / "docs" / "images" / "console.png"


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="console-png-") as tmp:
        folder = Path(tmp) / "rounds" / "salford-2004"
        api.round_start("sa2003", folder, respondents=ROOT / "samples" / "people.csv",
                        partnership="Salford Crime and Disorder Partnership", due="2004-03-31")
        returns = sorted((ROOT / "samples" / "returns").glob("*.docx"))
        api.round_ingest(folder, [r for r in returns if "val-armstrong" not in r.name and "tom-healey" not in r.name])
        server = start_server(folder.parent, background=True)
        driver = browser.webdriver(Path(tmp) / "downloads", width=1280, height=860)
        try:
            driver.get(server.url)
            driver.get(f"http://127.0.0.1:{server.guard.port}/r/{folder.name}/")
            shot = Path(tmp) / "shot.png"
            driver.save_screenshot(str(shot))
            bottom = int(driver.execute_script(
                "return document.querySelector('table.status').getBoundingClientRect().bottom")) + 20
        finally:
            driver.quit()
            server.stop()
        image = Image.open(shot).convert("RGB")
        image = image.crop((0, 0, image.width, min(bottom, image.height))).quantize(colors=64, method=Image.Quantize.MEDIANCUT)
        image.save(TARGET, optimize=True)
    print(f"{TARGET}: {TARGET.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()
