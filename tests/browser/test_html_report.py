"""The --cors-report .html file opens in headless Chromium: it renders, its script runs, no console errors."""

import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from .browsers import _CHROME_CONSOLE, BrowserUnavailable, _kill_group, command_for, start_browser

pytestmark = pytest.mark.browser

POLICY_APP = (Path(__file__).parents[1] / "plugin" / "policy_app.py").read_text(encoding="utf-8")
CONTRACTS = """
contracts:
  - name: users
    path: /api/users
    origins: [https://app.example.com]
    deny_origins: [https://evil.example.net]
    methods: [GET, PUT]
"""


def dump_dom(page: Path):
    """Chromium's DOM after the page's scripts ran, and its stderr (console messages); skip if it cannot start."""
    profile = tempfile.mkdtemp(prefix="pytest-cors-report-")
    try:
        try:
            cmd, env = command_for("chromium", page.as_uri(), profile)
        except BrowserUnavailable as exc:
            pytest.skip(str(exc))
        cmd.insert(-1, "--dump-dom")
        try:
            proc = start_browser(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=profile,
                                 stdin=subprocess.DEVNULL)
        except OSError as exc:
            pytest.skip(f"chromium could not be started: {exc}")
        try:
            out, err = proc.communicate(timeout=90)
        except subprocess.TimeoutExpired:
            _kill_group(proc)
            pytest.skip("chromium did not finish dumping the page within 90 s")
        finally:
            _kill_group(proc)
        if proc.returncode != 0 or not out.strip():
            pytest.skip(f"chromium could not render (exit {proc.returncode}): {err.decode('utf-8', 'replace')[-500:]}")
        return out.decode("utf-8", "replace"), err.decode("utf-8", "replace")
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def test_html_report_renders_in_chromium_without_console_errors(pytester, monkeypatch):
    monkeypatch.setattr("sys.dont_write_bytecode", True)
    pytester.makepyfile(policy_app=POLICY_APP)
    pytester.makepyfile(myapp="from policy_app import make_app\napp = make_app({'origins': ['https://app.example.com'], 'methods': 'GET'})\n")
    pytester.makeconftest("import pytest\nimport myapp\n\n@pytest.fixture\ndef cors_app():\n    return myapp.app\n")
    pytester.makefile(".yaml", cors_api=CONTRACTS)
    result = pytester.runpytest("-p", "no:cacheprovider", "--cors-report", "report.html")
    result.assert_outcomes(failed=1, passed=19)
    dom, stderr = dump_dom(pytester.path / "report.html")
    assert 'data-ready="yes"' in dom  # the inline script ran to its end
    assert "cors_api.yaml::users" in dom and "<table>" in dom and "<details>" in dom
    assert "blocked" in dom
    console = [m.group("msg") for line in stderr.splitlines() for m in [_CHROME_CONSOLE.search(line)] if m]
    assert console == []
