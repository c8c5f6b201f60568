"""The code keeps the shape the project promised: packages by concern, short modules, functions
that fit on a screen, no production `assert`."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
WORKFLOW = ROOT / "workflow"
SHARED = {"__init__.py", "bootstrap.py", "clock.py", "errors.py", "plain.py"}
MODULES = sorted(WORKFLOW.rglob("*.py"))
SHIPPED = sorted(
    p
    for top in ("states", "config", "notifications", "workflow")
    for p in (ROOT / top).rglob("*.py")
)


def test_only_shared_modules_sit_at_the_top_of_workflow() -> None:
    """Everything else belongs to a package named for its concern."""
    assert {p.name for p in WORKFLOW.glob("*.py")} <= SHARED


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(WORKFLOW)))
def test_modules_are_short_enough_to_read_in_one_sitting(path: Path) -> None:
    assert len(path.read_text().splitlines()) <= 400


def _functions(path: Path) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    tree = ast.parse(path.read_text())
    return [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]


@pytest.mark.parametrize(
    "path",
    [p for p in MODULES if "demo" not in p.parts],
    ids=lambda p: str(p.relative_to(WORKFLOW)),
)
def test_functions_fit_on_a_screen(path: Path) -> None:
    long = [
        f"{f.name} ({f.end_lineno - f.lineno + 1} lines)"
        for f in _functions(path)
        if f.end_lineno is not None and f.end_lineno - f.lineno + 1 > 60
    ]
    assert long == []


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_assert_in_shipped_code(path: Path) -> None:
    """`python -O` drops asserts: what must hold is checked with an explicit error."""
    asserts = [n.lineno for n in ast.walk(ast.parse(path.read_text())) if isinstance(n, ast.Assert)]
    assert asserts == []
