"""The API's response schemas, derived from the read models themselves.

The API answers with `workflow.plain.plain(...)` of the same dataclasses the command line
prints with `--json`, so its documented schema is built from those dataclasses too: a field's
JSON name, its type, whether it may be null; fields marked INTERNAL are left out. A read
model that gains a field gains it in the OpenAPI document with no second definition to keep.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from datetime import date, datetime
from functools import cache
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, create_model

_MODELS: dict[type, type[BaseModel]] = {}


def list_of(item: Any) -> Any:
    """`list[item]`, for an item type known only at run time."""
    return list.__class_getitem__(item)


def _annotation(hint: Any) -> Any:
    """The pydantic annotation standing for `hint` as `plain` prints it."""
    origin = typing.get_origin(hint)
    if dataclasses.is_dataclass(hint) and isinstance(hint, type):
        return model_of(hint)
    if origin in (typing.Union, types.UnionType):
        members = tuple(_annotation(a) for a in typing.get_args(hint))
        return typing.Union.__getitem__(members)
    if origin in (tuple, list):
        args = [a for a in typing.get_args(hint) if a is not Ellipsis]
        return list_of(_annotation(args[0])) if args else list[Any]
    if origin is dict:
        return dict[str, Any]
    if hint in (datetime, date, str, int, bool, float) or hint is type(None):
        return hint
    return Any


def model_of(cls: type) -> type[BaseModel]:
    """A pydantic model with the JSON shape `plain` gives instances of dataclass `cls`."""
    if cls in _MODELS:
        return _MODELS[cls]
    hints = typing.get_type_hints(cls)
    fields: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        if f.metadata.get("omit_default") == "always":
            continue
        name = f.metadata.get("json_name", f.name)
        fields[f"f_{name}"] = (_annotation(hints[f.name]), Field(alias=name))
    model: type[BaseModel] = create_model(
        cls.__name__,
        __config__=ConfigDict(populate_by_name=True),
        __doc__=(cls.__doc__ or "").strip() or None,
        **fields,
    )
    _MODELS[cls] = model
    return model


@cache
def page_of(cls: type, what: str) -> type[BaseModel]:
    """`{"items": [...], "next": URL or null}`: one page of a keyset-paged answer."""
    made: type[BaseModel] = create_model(
        f"{cls.__name__}Page",
        __doc__=f"One page of {what}; `next` is the address of the next page, or null.",
        items=(list_of(model_of(cls)), ...),
        next=(str | None, ...),
    )
    return made


class Problem(BaseModel):
    """An error, as RFC 9457 describes: `application/problem+json`."""

    model_config = ConfigDict(extra="allow")

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    instance: str | None = None
    guard: str | None = None
    """The guard that refused the event (422)."""
    field: str | None = None
    """The input field at fault (400, 422)."""
    request_id: str | None = None
