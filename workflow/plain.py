"""Read models as plain data: the one place where dataclasses become JSON.

The command line's `--json`, and the web's API, print what `plain` returns. A field may say,
in its metadata, under which name it is shown (`field(metadata=json_name("from"))`), that it
is left out while it holds its default (`OMIT_DEFAULT`) or always (`INTERNAL`); dates print as
ISO dates, instants as the audit trail writes them (UTC, to the microsecond).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from workflow.clock import instant_text

_NAME = "json_name"
_OMIT = "omit_default"


OMIT_DEFAULT: Mapping[str, Any] = {_OMIT: True}
"""Field metadata: the field is left out of the JSON while it holds its default."""
INTERNAL: Mapping[str, Any] = {_OMIT: "always"}
"""Field metadata: the field is for the code only (a database id), never shown."""


def json_name(name: str) -> Mapping[str, Any]:
    """Field metadata: the field is shown under `name` (for keys Python reserves, as `from`)."""
    return {_NAME: name}


def _default(f: dataclasses.Field[Any]) -> Any:
    if f.default is not dataclasses.MISSING:
        return f.default
    if f.default_factory is not dataclasses.MISSING:
        return f.default_factory()
    return dataclasses.MISSING


_Spec = tuple[tuple[str, str, Any, Any], ...]
_SPECS: dict[type, _Spec | None] = {}
_MISSING = dataclasses.MISSING


def _spec(cls: type) -> _Spec | None:
    """How instances of `cls` print, worked out once per class (None: not a dataclass):
    per field, its attribute, its JSON name, whether it is left out, and its default."""
    if cls not in _SPECS:
        _SPECS[cls] = (
            tuple(
                (f.name, f.metadata.get(_NAME, f.name), f.metadata.get(_OMIT), _default(f))
                for f in dataclasses.fields(cls)
            )
            if dataclasses.is_dataclass(cls)
            else None
        )
    return _SPECS[cls]


def plain(value: Any) -> Any:
    """`value` as JSON-ready data: dicts, lists, strings, numbers, booleans and None."""
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    spec = _spec(type(value))
    if spec is not None:
        out: dict[str, Any] = {}
        for attr, key, omit, default in spec:
            item = getattr(value, attr)
            if omit == "always" or (omit and item == default):
                continue
            out[key] = plain(item)
        return out
    if isinstance(value, datetime):
        return instant_text(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, Decimal):
        return str(value)
    return value
