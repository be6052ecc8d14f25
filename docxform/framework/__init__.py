"""Framework definitions: the format, the built-ins, and the model built from them."""

from docxform.framework.choice import framework_for
from docxform.framework.loader import (
    BUILTIN_IDS,
    builtin_frameworks,
    check_definition,
    load_framework,
)
from docxform.framework.model import Framework, Item, Level, Theme

__all__ = ["BUILTIN_IDS", "Framework", "Item", "Level", "Theme", "builtin_frameworks", "check_definition",
           "framework_for", "load_framework"]
