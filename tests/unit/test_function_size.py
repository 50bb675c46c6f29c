"""The size rules of the package: no function over 60 lines, no module over 400 lines.

Measured on the AST (a function's length is ``end_lineno - lineno + 1`` of its ``def``,
decorators excluded, docstring and nested functions included), so the rule holds from now
on instead of being rediscovered in review. A failure names ``file:function:length``.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import List, Tuple

import pytest_cors

PACKAGE = Path(pytest_cors.__file__).resolve().parent
MAX_FUNCTION_LINES = 60
MAX_MODULE_LINES = 400


def function_lengths(source: str) -> List[Tuple[str, int]]:
    """``(qualified name, lines)`` of every function and method in ``source``, nested ones included."""
    found: List[Tuple[str, int]] = []

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                name = prefix + child.name
                found.append((name, (child.end_lineno or child.lineno) - child.lineno + 1))
                visit(child, name + ".")
            elif isinstance(child, ast.ClassDef):
                visit(child, prefix + child.name + ".")
            else:
                visit(child, prefix)

    visit(ast.parse(source), "")
    return found


def package_modules() -> List[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def test_the_measure_sees_long_functions_methods_and_nested_ones():
    body = "\n".join(f"    x{i} = {i}" for i in range(61))
    source = (
        f"def long():\n{body}\n\n"
        "class Holder:\n    @property\n    def short(self):\n        return 1\n\n"
        "    async def method(self):\n        def inner():\n            pass\n        return inner\n"
    )
    assert function_lengths(source) == [("long", 62), ("Holder.short", 2), ("Holder.method", 4), ("Holder.method.inner", 2)]


def test_the_check_sees_the_whole_package():
    names = {p.relative_to(PACKAGE).as_posix() for p in package_modules()}
    assert {"browser/fetch.py", "browser/origins.py", "plugin/hooks.py"} <= names


def test_no_function_over_60_lines():
    too_long = [
        f"pytest_cors/{path.relative_to(PACKAGE).as_posix()}:{name}:{length}"
        for path in package_modules()
        for name, length in function_lengths(path.read_text(encoding="utf-8"))
        if length > MAX_FUNCTION_LINES
    ]
    assert too_long == [], f"split these functions (at most {MAX_FUNCTION_LINES} lines each): {too_long}"


def test_no_module_over_400_lines():
    too_long = [
        f"pytest_cors/{path.relative_to(PACKAGE).as_posix()}:{length}"
        for path in package_modules()
        if (length := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    ]
    assert too_long == [], f"split these modules (at most {MAX_MODULE_LINES} lines each): {too_long}"
