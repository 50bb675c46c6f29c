"""The registrable-by-anyone finding: trusted origins on public suffixes or hosting suffixes (Public Suffix List)."""

from __future__ import annotations

import pytest

from pytest_cors.audit.registrable import registrable_by_anyone
from pytest_cors.contract.schema import parse_contract

APP = '''
def app(environ, start_response):
    origin = environ.get("HTTP_ORIGIN", "")
    headers = [("Vary", "Origin"), ("Content-Type", "application/json")]
    if origin.endswith(".github.io") or origin == "https://app.example.com":
        headers += [("Access-Control-Allow-Origin", origin), ("Access-Control-Allow-Credentials", "true")]
    start_response("200 OK", headers)
    return [b"[]"]
'''

YAML = """
target: pages_app:app
contracts:
  - name: profile
    path: /api/profile
    origins: [https://app.example.com, "{trusted}"]
    credentials: {credentials}
"""


@pytest.mark.parametrize(
    "credentials,severity",
    [("true", "HIGH"), ("false", "MEDIUM")],
)
def test_a_pattern_over_github_io_is_a_finding_high_with_credentials_medium_without(pytester, credentials, severity):
    pytester.makepyfile(pages_app=APP)
    pytester.syspathinsert()
    pytester.makefile(".yaml", cors_pages=YAML.format(trusted="https://*.github.io", credentials=credentials))
    result = pytester.runpytest("-p", "no:cacheprovider", "-p", "no:hypothesispytest", "-v", "--cors-audit", "fail",
                                "--cors-audit-severity", "medium")
    out = result.stdout.str()
    assert "profile[audit:registrable-by-anyone] FAILED" in out
    result.stdout.fnmatch_lines([
        f"*{severity} registrable-by-anyone: the contract trusts https://*.github.io: github.io is a hosting domain "
        "from the Public Suffix List's private section: anyone can register a name under it*",
    ])


def test_an_own_domain_gets_no_item(pytester):
    pytester.makepyfile(pages_app=APP)
    pytester.syspathinsert()
    pytester.makefile(".yaml", cors_pages=YAML.format(trusted="https://*.example.com", credentials="true"))
    result = pytester.runpytest("-p", "no:cacheprovider", "-p", "no:hypothesispytest", "--collect-only", "-q")
    assert "registrable-by-anyone" not in result.stdout.str()


@pytest.mark.parametrize(
    "origin,flagged",
    [
        ("https://*.github.io", True),
        ("https://*.vercel.app", True),
        ("https://*.co.uk", True),
        ("https://github.io", True),
        ("https://myapp.herokuapp.com", True),  # whoever holds the app name (or takes it over)
        ("https://*.myorg.github.io", False),  # a pattern under one owner's site
        ("https://*.example.com", False),
        ("https://app.example.co.uk", False),
        ("http://localhost:3000", False),
    ],
)
def test_which_entries_are_flagged(origin, flagged):
    contract = parse_contract({"path": "/x", "origins": [origin]})
    assert bool(registrable_by_anyone(contract)) is flagged


def test_every_entry_is_read_after_a_public_or_null_one():
    contract = parse_contract({"path": "/x", "origins": ["null", "*", "https://*.github.io", "https://myapp.herokuapp.com"]})
    assert [entry for entry, _ in registrable_by_anyone(contract)] == ["https://*.github.io", "https://myapp.herokuapp.com"]
