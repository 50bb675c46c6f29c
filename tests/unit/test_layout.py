"""The test tree's shape: every folder below ``tests/`` is a package, and unit tests mirror the package.

``tests/`` itself is the rootdir pytest inserts into ``sys.path`` (it is not a package: that
would put the repository root, and the setuptools ``*.egg-info`` there, on ``sys.path`` and
make pytest warn about plugins it can no longer rewrite). Below it, a folder without
``__init__.py`` would import its modules by bare name, and two ``test_x.py`` in different
folders would collide.
"""

from __future__ import annotations

from pathlib import Path

import pytest_cors

TESTS = Path(__file__).resolve().parents[1]
PACKAGE = Path(pytest_cors.__file__).resolve().parent


def python_folders(root: Path):
    return sorted(
        {p.parent for p in root.rglob("*.py") if "__pycache__" not in p.parts and p.parent != root}
    )


def test_every_test_folder_is_a_package():
    missing = [str(folder.relative_to(TESTS)) for folder in python_folders(TESTS) if not (folder / "__init__.py").exists()]
    assert missing == [], f"add an __init__.py to: {missing}"


def test_the_check_sees_the_suites():
    names = {folder.relative_to(TESTS).parts[0] for folder in python_folders(TESTS)}
    assert {"unit", "browser", "plugin", "live", "frameworks", "reliability", "audit"} <= names


def test_unit_test_folders_mirror_packages():
    """``tests/unit/<name>/`` exists only for a package ``pytest_cors/<name>/``."""
    unit = TESTS / "unit"
    folders = {p.name for p in unit.iterdir() if p.is_dir() and p.name != "__pycache__"}
    packages = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()}
    assert folders <= packages, f"tests/unit folders without a package: {sorted(folders - packages)}"
