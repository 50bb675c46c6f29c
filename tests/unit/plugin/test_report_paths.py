"""Where --cors-report and the ini key cors_report write, and their errors (in-process ``pytest.Config``)."""

from __future__ import annotations

import pytest

from pytest_cors.plugin.reporting import report_paths

from .conftest import build_config
from .test_option_help import help_sections


@pytest.fixture
def dirs(tmp_path):
    """(rootdir holding pytest.ini, a subfolder pytest is started from)."""
    (tmp_path / "sub").mkdir()
    return tmp_path, tmp_path / "sub"


def test_command_line_paths_are_relative_to_where_pytest_started_and_win_over_the_ini(dirs):
    root, sub = dirs
    args = ("--cors-report", "out/cors.json", "--cors-report", "cors.MD")
    config = build_config(root, args, ini="cors_report = reports/a.json", invocation_dir=sub)
    assert report_paths(config) == [sub / "out" / "cors.json", sub / "cors.MD"]


def test_ini_paths_are_relative_to_the_rootdir(dirs):
    root, sub = dirs
    config = build_config(root, (), ini="cors_report = reports/a.json reports/b.html", invocation_dir=sub)
    assert report_paths(config) == [root / "reports" / "a.json", root / "reports" / "b.html"]
    assert report_paths(build_config(root, (), invocation_dir=sub)) == []


@pytest.mark.parametrize(
    ("args", "ini", "source", "name"),
    [(("--cors-report", "cors.txt"), "", "--cors-report", "sub/cors.txt"), ((), "cors_report = a.json cors", "ini cors_report", "cors")],
    ids=["option", "ini"],
)
def test_an_unknown_format_is_a_usage_error_naming_its_source(dirs, args, ini, source, name):
    root, sub = dirs
    with pytest.raises(pytest.UsageError) as error:
        report_paths(build_config(root, args, ini=ini, invocation_dir=sub))
    suffix = "'.txt'" if name.endswith(".txt") else "'(no suffix)'"
    assert str(error.value) == (
        f"pytest-cors: {source}: {str(root / name)!r}: unknown report format {suffix}; end the file name with .json, .md or .html"
    )


def test_the_help_lists_the_option_and_its_ini_twin(tmp_path):
    sections = help_sections(tmp_path)
    text = "write a CORS report; the format follows the suffix: .json, .md or .html (repeatable)"
    assert sections["options"]["--cors-report=PATH"] == text
    assert sections["ini"]["cors_report (args):"] == text + " (space-separated paths)"
