"""The public API is what ``pytest_cors`` exports, and the README uses nothing else."""

from __future__ import annotations

import ast
import importlib.util
import re
import textwrap
from pathlib import Path

import pytest_cors

README = Path(__file__).parents[2] / "README.md"


def test_every_public_name_resolves():
    missing = [name for name in pytest_cors.__all__ if not hasattr(pytest_cors, name)]
    assert missing == []


def test_the_warnings_are_pytest_warnings_loaded_on_demand():
    import pytest

    for name in ("CorsSpecWarning", "CorsResponseWarning", "CorsAuditWarning"):
        assert issubclass(getattr(pytest_cors, name), pytest.PytestWarning)


def test_readme_code_imports_only_from_the_package_root():
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)
    imports = [line.strip() for block in blocks for line in block.splitlines() if "pytest_cors" in line and "import" in line]
    assert imports, "the README shows no import of pytest_cors"
    assert [line for line in imports if not line.startswith("from pytest_cors import ")] == []
    for line in imports:
        names = [n.strip() for n in line.split(" import ", 1)[1].split(",")]
        assert set(names) <= set(pytest_cors.__all__), line


#: Modules the README's snippets stand for (the user's own project), not modules to install.
PLACEHOLDER_MODULES = {"myproject", "app"}


def _python_blocks() -> list:
    return re.findall(r"^ *```python\n(.*?)^ *```", README.read_text(encoding="utf-8"), flags=re.S | re.M)


def _imported_modules(tree: ast.AST) -> set:
    modules = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            modules.add(node.module)
    return modules


def _self_contained(block: str, tree: ast.AST) -> bool:
    """A block that is not a conftest/test module and imports nothing of the user's project runs as it stands."""
    roots = {module.split(".")[0] for module in _imported_modules(tree)}
    return "@pytest." not in block and "def test_" not in block and not roots & PLACEHOLDER_MODULES


def test_every_readme_python_block_compiles_and_its_imports_resolve():
    blocks = _python_blocks()
    assert len(blocks) >= 6, "the README's python blocks were not found"
    for block in blocks:
        tree = ast.parse(textwrap.dedent(block))  # a SyntaxError names the block's line
        for module in sorted(_imported_modules(tree)):
            if module.split(".")[0] not in PLACEHOLDER_MODULES:
                assert importlib.util.find_spec(module) is not None, f"README imports {module!r}, which does not resolve"


def test_the_self_contained_readme_blocks_run(capsys):
    runnable = [block for block in _python_blocks() if _self_contained(block, ast.parse(textwrap.dedent(block)))]
    assert runnable, "the README has no self-contained python example"
    for block in runnable:
        exec(compile(textwrap.dedent(block), "README.md", "exec"), {"__name__": "readme_example"})  # noqa: S102
    assert "critical  reflect-any-origin  https://evil.invalid" in capsys.readouterr().out
