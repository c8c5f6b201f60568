"""YAML and JSON read with the line of every mapping, refusing what would break the reader:
duplicate keys, keys that are not plain values, numbers too long, nesting too deep."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml

from workflow.errors import ImportFileError


class Lines(dict[str, Any]):
    """A mapping that remembers the line of itself and of each key (1-based)."""

    line: int
    key_lines: dict[str, int]


# Deeper than this, a file is refused: an import document is seven levels deep, and the
# parsers recurse once or more a level (so that `[` a hundred thousand times would be a
# RecursionError). Checked before any recursion can go that far, in JSON and YAML alike.
MAX_DEPTH = 64
_TOO_DEEP = f"nested too deeply (more than {MAX_DEPTH} levels of lists and mappings)"


def _yaml_tag(tag: str) -> str:
    return tag.replace("tag:yaml.org,2002:", "!!")


class _LineLoader(yaml.SafeLoader):
    """YAML's safe loader with the line of every mapping and key, refusing a collection as a
    key, a value its tag cannot take, and nesting deeper than MAX_DEPTH: as written (while
    composing) and as built (while constructing, where aliases can stack one anchor's depth
    on another's)."""

    _composing = 0  # collections open around the node being composed
    _building = 0  # nodes being constructed around the one being constructed

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        if self._composing >= MAX_DEPTH and self.check_event(
            yaml.SequenceStartEvent, yaml.MappingStartEvent
        ):
            mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
            raise ImportFileError("", mark.line + 1, None, _TOO_DEEP)
        self._composing += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._composing -= 1

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        if node in self.constructed_objects:
            return self.constructed_objects[node]
        line = node.start_mark.line + 1
        if self._building >= MAX_DEPTH and isinstance(node, yaml.CollectionNode):
            raise ImportFileError("", line, None, _TOO_DEEP)
        self._building += 1
        try:
            return super().construct_object(node, deep)
        except Exception as exc:
            # A scalar's constructor parses its text and fails as it may on text its tag
            # cannot take: `!!int abc` (ValueError), `!!int` (IndexError), `!!bool maybe`
            # (KeyError), `!!timestamp abc` (AttributeError), an int of 5000 digits.
            if not isinstance(node, yaml.ScalarNode) or isinstance(
                exc, (yaml.YAMLError, ImportFileError)
            ):
                raise
            shown = node.value if len(node.value) <= 40 else node.value[:40] + "..."
            problem = f"not valid YAML: {shown!r} is not a valid {_yaml_tag(node.tag)}"
            raise ImportFileError("", line, None, problem) from None
        finally:
            self._building -= 1


def _construct_mapping(loader: _LineLoader, node: yaml.Node) -> Lines:
    if not isinstance(node, yaml.MappingNode):  # `!!map [a]`
        found = "a sequence" if isinstance(node, yaml.SequenceNode) else "text"
        raise yaml.constructor.ConstructorError(
            None, None, f"expected a mapping, but found {found}", node.start_mark
        )
    loader.flatten_mapping(node)
    out = Lines()
    out.line = node.start_mark.line + 1
    out.key_lines = {}
    for key_node, value_node in node.value:
        line = key_node.start_mark.line + 1
        if not isinstance(key_node, yaml.ScalarNode):  # `[a]: 1`, `{a: 1}: 2`, `? [a]`
            raise ImportFileError("", line, None, "a list or mapping cannot be a key")
        key = loader.construct_object(key_node, deep=True)
        if key in out:
            raise ImportFileError("", line, str(key), "duplicate key")
        out[key] = loader.construct_object(value_node, deep=True)
        out.key_lines[str(key)] = line
    return out


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
# Paragraph references such as 3.10 must stay text, not become the float 3.1; dates stay
# text too, so that a bad one is reported by validation with its line and field.
_AS_TEXT = {"tag:yaml.org,2002:float", "tag:yaml.org,2002:timestamp"}
_LineLoader.yaml_implicit_resolvers = {
    ch: [(tag, rx) for tag, rx in resolvers if tag not in _AS_TEXT]
    for ch, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def read_yaml(path: Path, text: str) -> Any:
    try:
        return yaml.load(text, Loader=_LineLoader)
    except ImportFileError as exc:
        raise ImportFileError(str(path), exc.line, exc.field, exc.problem) from None
    except RecursionError:  # only if called already deep in the stack: MAX_DEPTH stops it
        raise ImportFileError(str(path), None, None, _TOO_DEEP) from None
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        raise ImportFileError(str(path), line, None, f"not valid YAML: {exc.problem}") from None
    except yaml.reader.ReaderError as exc:  # a character YAML refuses: NUL, a control byte
        line = text.count("\n", 0, exc.position) + 1
        problem = f"a control character ({chr(exc.character)!r}) is not allowed"
        raise ImportFileError(str(path), line, None, f"not valid YAML: {problem}") from None
    except yaml.YAMLError as exc:
        raise ImportFileError(str(path), None, None, f"not valid YAML: {exc}") from None


class _DuplicateKey(Exception):
    pass


class _NumberTooLong(Exception):
    pass


def _json_int(digits: str) -> int:
    try:
        return int(digits)
    except ValueError:  # more digits than Python converts (sys.get_int_max_str_digits)
        raise _NumberTooLong(digits) from None


# A JSON string (escapes and all), or a bracket outside one.
_JSON_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]', re.DOTALL)


def _too_deep_line(text: str) -> int | None:
    """The line where the JSON text opens a list or object more than MAX_DEPTH levels deep,
    if it does: a scan (skipping strings) before the parser, which recurses a level at a time."""
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return None
    depth = 0
    for token in _JSON_TOKEN.finditer(text):
        bracket = token.group()
        if bracket in ("[", "{"):
            depth += 1
            if depth > MAX_DEPTH:
                return text.count("\n", 0, token.start()) + 1
        elif bracket in ("]", "}"):
            depth = max(depth - 1, 0)
    return None


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise _DuplicateKey(key)
        found[key] = value
    return found


def read_json(path: Path, text: str) -> Any:
    deep = _too_deep_line(text)
    if deep is not None:
        raise ImportFileError(str(path), deep, None, _TOO_DEEP)
    try:
        return json.loads(text, object_pairs_hook=_unique_keys, parse_int=_json_int)
    except RecursionError:  # only if called already deep in the stack: MAX_DEPTH stops it
        raise ImportFileError(str(path), None, None, _TOO_DEEP) from None
    except _NumberTooLong as exc:
        digits = str(exc.args[0])
        at = text.count("\n", 0, max(text.find(digits), 0)) + 1
        raise ImportFileError(
            str(path), at, None, f"a {len(digits)}-digit number is too long"
        ) from None
    except json.JSONDecodeError as exc:
        raise ImportFileError(str(path), exc.lineno, None, f"not valid JSON: {exc.msg}") from None
    except _DuplicateKey as exc:
        key = str(exc.args[0])
        line = _duplicate_key_line(text)
        raise ImportFileError(str(path), line, key, "duplicate key in one object") from None


def _duplicate_key_line(text: str) -> int | None:
    """The line of the first key that repeats in its object (a small scan of the text: the
    JSON parser does not say where a key was)."""
    objects: list[set[str]] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "{":
            objects.append(set())
        elif ch == "}" and objects:
            objects.pop()
        elif ch == '"':
            end = i + 1
            while end < n and text[end] != '"':
                end += 2 if text[end] == "\\" else 1
            after = text[end + 1 :].lstrip()
            if objects and after.startswith(":"):
                key = json.loads(text[i : end + 1])
                if key in objects[-1]:
                    return text.count("\n", 0, i) + 1
                objects[-1].add(key)
            i = end
        i += 1
    return None
