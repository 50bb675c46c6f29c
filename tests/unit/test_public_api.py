"""The public API is what ``pytest_cors`` exports, and the README uses nothing else."""

from __future__ import annotations

import re
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
