"""``pytest --help`` documents every ``--cors-*`` option: its form, its ini twin, its default.

The help is the user's reference. Read from a real ``pytest --help`` (pytest-cors loaded alone),
it must list each option of ``plugin/options.py`` with its metavar, the ini key of the same name
with its type and the same text, and every default the text names must be the value the run
really uses when the option is not given. The wording itself is not pinned here.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Dict, List

import pytest

from pytest_cors.plugin.options import FLAGS, OPTIONS

GROUP = re.compile(r"^CORS contract testing \(pytest-cors\):$", re.MULTILINE)
#: pytest's title of the ini section (its wording varies between pytest versions)
INI_SECTION = re.compile(r"^\[pytest\] .* file found:$", re.MULTILINE)

#: What a user types, as --help shows it (metavar: the ini key without ``cors_``, upper-case).
SIGNATURES = [
    "--cors-url=URL",
    "--cors-app=APP",
    "--cors-app-interface=APP_INTERFACE",
    "--cors-app-origin=APP_ORIGIN",
    "--cors-browser=BROWSER",
    "--cors-timeout=TIMEOUT",
    "--cors-retries=RETRIES",
    "--cors-ca-bundle=CA_BUNDLE",
    "--cors-redact=REDACT",
    "--cors-audit=AUDIT",
    "--cors-audit-severity=AUDIT_SEVERITY",
    "--cors-send-unsafe",
    "--cors-insecure",
    "--cors-scan=URL",
    "--cors-scan-origin=ORIGIN",
]


def _entries(lines: List[str], key_pattern: str) -> Dict[str, str]:
    """``{entry: text}`` of an argparse-style listing (continuation lines joined with one space)."""
    entries: Dict[str, str] = {}
    key = ""
    for line in lines:
        start = re.fullmatch(r"  (" + key_pattern + r")(?: +(.*))?", line)
        if start:
            key = start.group(1)
            entries[key] = (start.group(2) or "").strip()
        elif key and line.strip():
            entries[key] = (entries[key] + " " + line.strip()).strip()
    return entries


def _section(text: str, title: re.Pattern) -> List[str]:
    """The lines of one section of ``--help``: after its title, up to the next blank line."""
    start = title.search(text)
    assert start, title.pattern
    return text[start.end() :].lstrip("\n").split("\n\n", 1)[0].splitlines()


def help_sections(folder: Path) -> Dict[str, Dict[str, str]]:
    """The ``--cors-*`` group and the ini-options section of ``pytest --help``, as ``{entry: text}``.

    Read again by every test that needs it (not a cached fixture): mutation testing maps each test to
    the code it runs, and a cached help would be mapped to the first test only.
    """
    (folder / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("COLUMNS", "300")  # no wrapping inside a sentence
        patch.delenv("PYTEST_ADDOPTS", raising=False)
        capture = _Capture()
        with capture:
            code = pytest.main(
                ["--help", "--disable-plugin-autoload", "-p", "pytest_cors.plugin.hooks", "-c", str(folder / "pytest.ini")]
            )
    assert code == 0
    text = capture.text
    return {
        "options": _entries(_section(text, GROUP), r"--[\w-]+(?:=\w+)?"),
        "ini": _entries(_section(text, INI_SECTION), r"\w+ \([^)]*\):"),
    }


class _Capture:
    """stdout of an in-process ``pytest.main`` (the running test's own capture is not ours to read)."""

    def __enter__(self) -> None:
        import io
        import sys

        self._saved, self._buffer = sys.stdout, io.StringIO()
        sys.stdout = self._buffer

    def __exit__(self, *exc: object) -> None:
        import sys

        sys.stdout = self._saved
        self.text = self._buffer.getvalue()


def test_every_option_is_listed_with_its_metavar_text_and_ini_twin(tmp_path):
    sections = help_sections(tmp_path)
    listed = [key for key in sections["options"] if not key.startswith(("--cors-snapshot", "--cors-report"))]
    assert listed == SIGNATURES
    twins = [(flag, ini, text, ini_type) for flag, ini, text, ini_type, _ in OPTIONS] + [(*f, "bool") for f in FLAGS]
    for flag, ini, help_text, ini_type in twins:
        signature = next(s for s in SIGNATURES if s.split("=")[0] == flag)
        assert (flag, sections["options"][signature]) == (flag, help_text)
        assert (flag, sections["ini"].get(f"{ini} ({ini_type}):")) == (flag, help_text)


def test_the_scan_options_have_no_ini_twin_and_say_they_repeat(tmp_path):
    sections = help_sections(tmp_path)
    assert not [key for key in sections["ini"] if key.startswith("cors_scan")]
    for signature in ("--cors-scan=URL", "--cors-scan-origin=ORIGIN"):
        assert sections["options"][signature].endswith("(repeatable)")
    assert sections["options"]["--cors-scan-origin=ORIGIN"].startswith("with --cors-scan: ")


#: (option, the default its help names, the setting read when the option is not given, its value)
DOCUMENTED_DEFAULTS = [
    ("--cors-app-interface", "auto (default: detected)", "app_interface", "auto"),
    ("--cors-app-origin", "(default http://testserver)", "app_origin", "http://testserver"),
    ("--cors-browser", "all (default: chrome, firefox, safari)", "profile_names", ("chrome", "firefox", "safari")),
    ("--cors-timeout", "(default 10)", "timeout", 10.0),
    ("--cors-retries", "(default 0)", "retries", 0),
    ("--cors-audit", "fail (default)", "audit", "fail"),
    ("--cors-audit-severity", "medium (default)", "audit_severity", "medium"),
]


def test_the_default_the_help_names_is_the_one_used(tmp_path, settings_from):
    options = help_sections(tmp_path)["options"]
    loaded = settings_from()
    for flag, phrase, attribute, value in DOCUMENTED_DEFAULTS:
        signature = next(s for s in SIGNATURES if s.split("=")[0] == flag)
        assert (flag, phrase in options[signature]) == (flag, True)
        assert (flag, getattr(loaded, attribute)) == (flag, value)


def test_every_option_that_names_no_default_is_off_or_empty_by_default(settings_from):
    documented = {flag for flag, *_ in DOCUMENTED_DEFAULTS}
    undocumented = [o[0] for o in OPTIONS if o[0] not in documented] + [f[0] for f in FLAGS]
    assert undocumented == ["--cors-url", "--cors-app", "--cors-ca-bundle", "--cors-redact", "--cors-send-unsafe", "--cors-insecure"]
    loaded = settings_from()
    assert (loaded.url.value, loaded.app.value, loaded.verify, loaded.redact, loaded.send_unsafe) == (None, None, True, (), False)
    assert (loaded.scan_urls, loaded.scan_origins) == ((), ())
    assert re.search(r"default", " ".join(o[2] for o in OPTIONS if o[0] in undocumented)) is None
