"""The JSON docxform reads and writes, as types (instead of ``Any``) for the public API.

Records typed field by field are the goal; until every stage has one, a
value that is "some JSON" says so, and mypy checks what callers do with it.
"""

from __future__ import annotations

from typing import TypeAlias

JsonValue: TypeAlias = "str | int | float | bool | list[JsonValue] | dict[str, JsonValue] | None"
JsonObject: TypeAlias = "dict[str, JsonValue]"
