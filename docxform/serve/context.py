"""What one console run serves, reachable from any request: its rounds, its guard and its staging folder."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import cast

from flask import abort, current_app

from docxform.serve.security import Guard
from docxform.serve.uploads import Staging

DB_NAME = "round.sqlite"  # what marks a folder as a round (docxform.round.store.DB_NAME)
FORM_SLACK = 1024 * 1024  # room for a form's fields beside a file of the upload cap


@dataclass
class Console:
    """What one console run serves: a folder of rounds, or one round; its guard and its staging folder."""

    folder: Path
    guard: Guard
    staging: Staging
    only: Path | None = None  # ``round serve DIR``: this round, and no starting of others

    def rounds(self) -> dict[str, Path]:
        """The rounds served, by folder name (the only names a URL can choose from)."""
        if self.only is not None:
            return {self.only.name: self.only}
        found = sorted(p for p in self.folder.iterdir() if p.is_dir() and (p / DB_NAME).is_file())
        return {p.name: p for p in found}

    def round(self, rid: str) -> Path:
        """The round a URL names, looked up among those served: a request's text never becomes a path."""
        found = self.rounds().get(rid)
        if found is None:
            abort(404)
        return found


def console() -> Console:
    return cast(Console, current_app.extensions["docxform"])
