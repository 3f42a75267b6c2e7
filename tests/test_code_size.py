"""Size limits for the package: no module under salesdocs/ over 600 lines, no function or method over 80.

A function's length runs from its `def` line to its last line (decorators not counted; nested functions
count inside their parent and are also checked on their own).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "salesdocs"
MAX_MODULE_LINES = 600
MAX_FUNCTION_LINES = 80


def modules() -> list[Path]:
    """Every Python module of the package (the packaged defaults are data, not code)."""
    return sorted(p for p in PACKAGE.rglob("*.py") if "defaults" not in p.relative_to(PACKAGE).parts)


def function_lengths(source: str) -> Iterator[tuple[str, int, int]]:
    """(qualified name, def line, length in lines) of every function and method in `source`."""

    def walk(node: ast.AST, prefix: str) -> Iterator[tuple[str, int, int]]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                name = prefix + child.name
                end = child.end_lineno if child.end_lineno is not None else child.lineno
                yield name, child.lineno, end - child.lineno + 1
                yield from walk(child, name + ".")
            elif isinstance(child, ast.ClassDef):
                yield from walk(child, prefix + child.name + ".")
            else:
                yield from walk(child, prefix)

    yield from walk(ast.parse(source), "")


def relative(path: Path) -> str:
    return path.relative_to(PACKAGE.parent).as_posix()


def test_the_package_has_modules() -> None:
    assert len(modules()) > 10


def test_no_module_over_600_lines() -> None:
    too_long = []
    for path in modules():
        count = len(path.read_text(encoding="utf-8").splitlines())
        if count > MAX_MODULE_LINES:
            too_long.append(f"{relative(path)}: {count} lines")
    if too_long:
        pytest.fail(f"modules over {MAX_MODULE_LINES} lines (split them by concern):\n" + "\n".join(too_long), pytrace=False)


def test_no_function_over_80_lines() -> None:
    too_long = []
    for path in modules():
        for name, line, count in function_lengths(path.read_text(encoding="utf-8")):
            if count > MAX_FUNCTION_LINES:
                too_long.append(f"{relative(path)}:{line} {name}: {count} lines")
    if too_long:
        pytest.fail(f"functions over {MAX_FUNCTION_LINES} lines (def line to last line):\n" + "\n".join(too_long), pytrace=False)


def test_function_length_counts_from_def_to_last_line_without_decorators() -> None:
    source = """\
import functools


@functools.cache
def decorated(x):
    return x


class Shape:
    @property
    def area(self):
        def inner():
            return 1

        return inner()


async def fetch():
    pass
"""
    assert list(function_lengths(source)) == [
        ("decorated", 5, 2),
        ("Shape.area", 11, 5),
        ("Shape.area.inner", 12, 2),
        ("fetch", 18, 2),
    ]
