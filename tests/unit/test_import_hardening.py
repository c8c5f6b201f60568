"""Bad import files, as a hostile tester wrote them: each refused with its file, line and field.

And whatever bytes a file holds, reading it either gives a document or an ImportFileError:
never any other exception (property-based).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.unit.test_import_parse import CSV_HEADER, GOOD_YAML
from workflow.errors import ImportFileError
from workflow.intake.read import read_import_file
from workflow.store.tables import limit, person, report


def write(tmp_path: Path, name: str, data: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


def refused(path: Path) -> ImportFileError:
    with pytest.raises(ImportFileError) as err:
        read_import_file(path)
    assert str(path) in str(err.value)
    return err.value


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b"])
def test_a_raw_control_byte_in_yaml_is_refused_with_its_line(tmp_path: Path, char: str) -> None:
    err = refused(write(tmp_path, "in.yaml", GOOD_YAML.replace("A Owner", f"A{char}Owner")))
    assert err.line == 2
    assert "control character" in err.problem


def test_an_escaped_control_character_is_refused_too(tmp_path: Path) -> None:
    err = refused(write(tmp_path, "in.yaml", GOOD_YAML.replace("A Owner", '"A\\x07Owner"')))
    assert (err.line, err.field) == (2, "name")


def test_an_unterminated_quote_swallows_nothing(tmp_path: Path) -> None:
    """It once swallowed the next rows into one recommendation's text: two vanished."""
    rows = (
        'da,DA,District Audit,audit,2001-12-14,R1,"Include PIs,,,no\n'
        "da,DA,District Audit,audit,2001-12-14,R2,HMIC work,,,no\n"
        "da,DA,District Audit,audit,2001-12-14,R3,Reviews,,,no\n"
    )
    err = refused(write(tmp_path, "in.csv", CSV_HEADER + rows))
    assert err.line == 2
    assert "not closed" in err.problem


def test_a_row_shorter_than_the_header_is_refused(tmp_path: Path) -> None:
    row = "da,DA,District Audit,audit,2001-12-14,R1,Include PIs\n"
    err = refused(write(tmp_path, "in.csv", CSV_HEADER + row))
    assert (err.line, err.field) == (2, "paragraph")
    assert "fewer fields" in err.problem


def test_excel_csv_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    row = "da,DA,District Audit,audit,2001-12-14,R1,Include PIs,,,no\n"
    doc, _ = read_import_file(
        write(tmp_path, "in.csv", b"\xef\xbb\xbf" + (CSV_HEADER + row).encode())
    )
    assert doc.reports[0].key == "da"


def test_a_key_twice_in_one_json_object_is_refused(tmp_path: Path) -> None:
    text = '{\n  "people": [],\n  "reports": [],\n  "people": []\n}\n'
    err = refused(write(tmp_path, "in.json", text))
    assert (err.line, err.field) == (4, "people")
    # The same key in two objects is no repeat.
    ok = '{"people": [{"email": "a@x.org", "name": "A", "roles": ["ilau"]},\n'
    ok += ' {"email": "b@x.org", "name": "B", "roles": ["ilau"]}]}'
    assert len(read_import_file(write(tmp_path, "ok.json", ok))[0].people) == 2


@pytest.mark.parametrize("value", ["1065312000", "20031001", "2003.5"])
def test_a_number_is_not_a_date(tmp_path: Path, value: str) -> None:
    """It was read as a Unix time."""
    doc = {
        "reports": [
            {
                "key": "k",
                "title": "T",
                "body": "HMIC",
                "kind": "inspection",
                "published": json.loads(value),
                "responding_bodies": ["MPS"],
            }
        ]
    }
    err = refused(write(tmp_path, "in.json", json.dumps(doc)))
    assert err.field == "published"
    assert "not a number" in err.problem


@pytest.mark.parametrize("day", ["1899-12-31", "2201-01-01", "9999-12-31"])
def test_a_date_out_of_any_sane_range_is_refused(tmp_path: Path, day: str) -> None:
    err = refused(write(tmp_path, "in.yaml", GOOD_YAML.replace("2003-10-01", day)))
    assert (err.line, err.field) == (8, "published")


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ("responding_bodies: [MPS, MPA]", "responding_bodies: [MPS, MPS]", "responding_bodies"),
        ("statutory: true", "statutory: true\n        related: [x/R1, x/R1]", "related"),
        (
            "statutory: true",
            "statutory: true\n        repeats: x/R1\n        related: [x/R1]",
            "recommendations",
        ),
    ],
)
def test_the_same_body_or_link_twice_is_refused(
    tmp_path: Path, old: str, new: str, field: str
) -> None:
    err = refused(write(tmp_path, "in.yaml", GOOD_YAML.replace(old, new)))
    assert err.field == field
    assert "listed" in err.problem


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ("body: HMIC", f"body: {'H' * ((limit(report.c.body) or 0) + 1)}", "body"),
        ("kind: inspection", f"kind: {'k' * 61}", "kind"),
        ("committee: PPRC", f"committee: {'C' * 121}", "committee"),
        ("group: TP", f"group: {'G' * ((limit(person.c.group_name) or 0) + 1)}", "group"),
        ("A.Owner@Example.org", f"{'a' * 250}@example.org", "email"),
        ("A.Owner@Example.org", "comma,victim@evil.example", "email"),
        ("A.Owner@Example.org", '"\\"q\\"@x.org"', "email"),
    ],
)
def test_the_tables_limits_are_checked_before_any_database(
    tmp_path: Path, old: str, new: str, field: str
) -> None:
    """SQLite would have stored these and PostgreSQL refused them with a bare database error."""
    assert old in GOOD_YAML
    err = refused(write(tmp_path, "in.yaml", GOOD_YAML.replace(old, new, 1)))
    assert err.field == field


@pytest.mark.parametrize(
    "header",
    [
        '",,report_key,report_title\n',  # a quote opened and never closed
        '"report_key"x,report_title\n',  # text after a closing quote
    ],
)
def test_a_header_that_is_not_csv_is_refused_at_line_1(tmp_path: Path, header: str) -> None:
    """The header was read outside the CSV error handling: `internal error (Error)`, exit 1."""
    row = "da,DA,District Audit,audit,2001-12-14,R1,Include PIs,,,no\n"
    err = refused(write(tmp_path, "in.csv", header + row))
    assert err.line == 1
    assert err.problem.startswith("not valid CSV")


@pytest.mark.parametrize(
    "key",
    [
        "[]: x",
        "[a, b]: x",
        "{a: 1}: x",
        "{[a]: 1}: x",
        "? [a]\n: 1",
        "? {a: 1}\n: 1",
        "&k [a]: 1\n*k : 2",
    ],
)
def test_a_yaml_key_that_is_a_list_or_mapping_is_refused_with_its_line(
    tmp_path: Path, key: str
) -> None:
    """It was `internal error (TypeError): unhashable type`, exit 1."""
    item = key.replace("\n", "\n    ")
    err = refused(write(tmp_path, "in.yaml", f"people: []\nreports:\n  - {item}\n"))
    assert err.line == 3
    assert "key" in err.problem and "list or mapping" in err.problem


def test_a_yaml_key_in_a_flow_mapping_is_refused_with_its_line_too(tmp_path: Path) -> None:
    err = refused(write(tmp_path, "in.yaml", "people: []\nreports: [{key: k,\n  [a]: 1}]\n"))
    assert err.line == 3


def _nest(suffix: str, shape: str, depth: int) -> str:
    opening, leaf, closing = {
        "list": ("[", "1", "]"),
        "mapping": ('{"a": ' if suffix == ".json" else "{a: ", "1", "}"),
        "block": ("- ", "1", ""),  # YAML's block sequences, all on one line
    }[shape]
    return (
        "people: []\nreports:\n  " * (suffix != ".json")
        + opening * depth
        + leaf
        + (closing * depth)
    )


@pytest.mark.parametrize("depth", [65, 1_000, 100_000])
@pytest.mark.parametrize(
    ("suffix", "shape"),
    [
        (".json", "list"),
        (".json", "mapping"),
        (".yaml", "list"),
        (".yaml", "mapping"),
        (".yaml", "block"),
    ],
)
def test_deep_nesting_is_refused_not_a_recursion_error(
    tmp_path: Path, suffix: str, shape: str, depth: int
) -> None:
    """`[` a hundred thousand times was a RecursionError, exit 1."""
    err = refused(write(tmp_path, f"in{suffix}", _nest(suffix, shape, depth)))
    assert "nested too deeply" in err.problem
    assert err.line == (1 if suffix == ".json" else 3)


@pytest.mark.parametrize(("suffix", "shape"), [(".json", "list"), (".yaml", "block")])
def test_nesting_within_the_limit_is_read(tmp_path: Path, suffix: str, shape: str) -> None:
    """64 levels are allowed: this file is refused, but by validation, not for its depth."""
    err = refused(write(tmp_path, f"in{suffix}", _nest(suffix, shape, 60)))
    assert "nested too deeply" not in err.problem


def test_deep_nesting_on_a_later_line_names_that_line(tmp_path: Path) -> None:
    text = '{\n  "people": [],\n  "reports": [\n' + "[" * 500 + "]" * 500 + "\n]}"
    err = refused(write(tmp_path, "in.json", text))
    assert err.line == 4
    assert err.problem == "nested too deeply (more than 64 levels of lists and mappings)"


def test_brackets_inside_json_strings_are_no_nesting(tmp_path: Path) -> None:
    text = json.dumps({"people": [], "reports": [], "x": "[{" * 1000 + '\\"' + "[" * 100})
    err = refused(write(tmp_path, "in.json", text))
    assert "nested too deeply" not in err.problem


def test_yaml_aliases_cannot_build_a_structure_deeper_than_the_limit(tmp_path: Path) -> None:
    """Each anchor within the limit as written, but each holding the one before, and built
    (the outer ones first) only when the last is used: 300 levels, once a RecursionError."""
    items = []
    for n in range(10):
        inner = "[" * 30 + (f"*a{n - 1}" if n else "1") + "]" * 30
        items.append("[" * (10 - n) + f"&a{n} {{k: {inner}}}" + "]" * (10 - n))
    text = "[" + ",\n ".join([*items, "{k: *a9}"]) + "]\n"
    err = refused(write(tmp_path, "in.yaml", text))
    assert "nested too deeply" in err.problem


def _stack_depth() -> int:
    frame, depth = sys._getframe(), 0
    while frame is not None:
        frame, depth = frame.f_back, depth + 1  # type: ignore[assignment]
    return depth


@pytest.mark.parametrize(("suffix", "shape"), [(".json", "list"), (".yaml", "list")])
def test_no_recursion_error_escapes_even_from_a_call_already_deep(
    tmp_path: Path, suffix: str, shape: str
) -> None:
    """Within the depth limit, but with little stack left: still refused, not a traceback."""
    path = write(tmp_path, f"in{suffix}", _nest(suffix, shape, 60))
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(_stack_depth() + 60)
    try:
        with pytest.raises(ImportFileError) as err:
            read_import_file(path)
    finally:
        sys.setrecursionlimit(limit)
    assert "nested too deeply" in err.value.problem


@pytest.mark.parametrize(
    "value",
    [
        "!!int abc",
        "!!int 0x",
        "!!int",
        "!!float",
        "!!float abc",
        "!!bool maybe",
        "!!timestamp 2003-02-30",
        "!!timestamp 2003-10-01T99:00:00",
        "!!timestamp abc",
        "1" * 5000,
    ],
)
def test_a_yaml_value_its_tag_cannot_take_is_refused_with_its_line(
    tmp_path: Path, value: str
) -> None:
    """The constructors raised ValueError, KeyError, AttributeError: `internal error`."""
    err = refused(write(tmp_path, "in.yaml", f"people: []\nreports:\n  - key: {value}\n"))
    assert err.line == 3
    assert err.problem.startswith("not valid YAML") and "is not a valid !!" in err.problem


def test_a_yaml_sequence_tagged_as_a_mapping_is_refused(tmp_path: Path) -> None:
    err = refused(write(tmp_path, "in.yaml", "people: []\nreports: !!map [a]\n"))
    assert err.line == 2
    assert "expected a mapping" in err.problem


def test_a_json_number_too_long_to_read_is_refused_with_its_line(tmp_path: Path) -> None:
    """Python refuses to convert more than 4300 digits: a ValueError, not a JSONDecodeError."""
    err = refused(write(tmp_path, "in.json", '{"people": [],\n "reports": ' + "7" * 5000 + "}"))
    assert err.line == 2
    assert "5000-digit number" in err.problem


_GOOD_CSV = CSV_HEADER + "da,DA,District Audit,audit,2001-12-14,R1,Include PIs,,,no\n"
_GOOD_JSON = json.dumps(
    {
        "people": [{"email": "a@x.org", "name": "A", "roles": ["owner"]}],
        "reports": [
            {
                "key": "da",
                "title": "DA",
                "body": "District Audit",
                "kind": "audit",
                "responding_bodies": ["MPS"],
                "recommendations": [{"ref": "R1", "text": "Include PIs", "owner": "a@x.org"}],
            }
        ],
    },
    indent=1,
)
# What broke reading once: a quote (in a CSV header), a collection as a YAML key, a value
# its YAML tag cannot take, nesting past the limit, a number too long to convert.
_HOSTILE = [b'"', b"? [a]\n: ", b"[]: ", b"{[a]: 1}: ", b"!!int ", b"!!bool ", b"!!timestamp "]
_HOSTILE += [b"[" * 65, b"{" * 65, b"- " * 65, b"[" * 5000, b"1" * 5000]


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    base=st.sampled_from([("in.yaml", GOOD_YAML), ("in.csv", _GOOD_CSV), ("in.json", _GOOD_JSON)]),
    cut=st.integers(min_value=0, max_value=400),
    junk=st.binary(max_size=12) | st.sampled_from(_HOSTILE),
)
def test_mutated_files_give_a_document_or_a_clear_error(
    tmp_path: Path, base: tuple[str, str], cut: int, junk: bytes
) -> None:
    """Bytes spliced into a good file: never any exception but ImportFileError."""
    name, text = base
    data = text.encode()
    at = min(cut, len(data))
    mutated = data[:at] + junk + data[at + len(junk) // 2 :]
    try:
        read_import_file(write(tmp_path, name, mutated))
    except ImportFileError as err:
        assert err.problem


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    value=st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner),
        max_leaves=12,
    )
)
def test_any_json_structure_gives_a_document_or_a_clear_error(
    tmp_path: Path, value: object
) -> None:
    try:
        read_import_file(write(tmp_path, "in.json", json.dumps(value)))
    except ImportFileError as err:
        assert err.problem
