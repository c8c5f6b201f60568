"""A plan file's YAML, with the line of each action and of each of its fields (for errors)."""

from __future__ import annotations

from typing import Any

import yaml

from workflow.lifecycle.plans import Lines, PlanFileError


def _error(file: str, problem: str, line: int | None = None) -> PlanFileError:
    return PlanFileError(file, problem, line=line)


class _PlanLoader(yaml.SafeLoader):
    """YAML's safe loader keeping numbers with a point and dates as text: 1234.50 stays
    exact, and a bad date is reported by validation with its action and field."""


_AS_TEXT = {"tag:yaml.org,2002:float", "tag:yaml.org,2002:timestamp"}
_PlanLoader.yaml_implicit_resolvers = {
    ch: [(tag, rx) for tag, rx in resolvers if tag not in _AS_TEXT]
    for ch, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def read_yaml(file: str, text: str, most: int) -> tuple[Any, Lines]:
    try:
        loader = _PlanLoader(text)
    except yaml.reader.ReaderError as exc:  # a character YAML refuses: NUL, a control byte
        at = text.count("\n", 0, exc.position) + 1
        raise _error(file, "not valid YAML: a control character", at) from None
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        raise _error(file, f"not valid YAML: {exc.problem}", line) from None
    except (yaml.YAMLError, RecursionError, ValueError, TypeError, IndexError, KeyError) as exc:
        # A scalar's constructor fails on text its tag cannot take (`!!int abc`, `!!bool x`).
        raise _error(file, f"not valid YAML: {exc}") from None
    finally:
        loader.dispose()
    return data, _yaml_lines(node, most)


def _yaml_lines(node: yaml.Node | None, most: int) -> Lines:
    """The line of each action and of each of its fields, from the composed document."""
    lines: Lines = {}
    if not isinstance(node, yaml.MappingNode):
        return lines
    for key, value in node.value:
        if key.value != "actions" or not isinstance(value, yaml.SequenceNode):
            continue
        for n, item in enumerate(value.value[:most], start=1):
            lines[(n, None)] = item.start_mark.line + 1
            if isinstance(item, yaml.MappingNode):
                for k, v in item.value:
                    lines[(n, str(k.value))] = v.start_mark.line + 1
    return lines
