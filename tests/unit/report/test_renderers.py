"""The run's reports (Markdown, HTML, JSON) and the writer that picks the format, from a real run's records."""

from __future__ import annotations

import dataclasses
import json

import jsonschema
import pytest

from pytest_cors.report.html import render_html
from pytest_cors.report.json_report import SCHEMA_ID, render_json, report_data, schema
from pytest_cors.report.markdown import render_markdown
from pytest_cors.report.run_report import ReportPathError, RunReport, render, report_format, write_reports

from .runs import BROWSERS, lockfile, records, run_report

MATRIX = [
    "#### `tests/test_api.py::test_users` `/users`",
    "",
    "| origin | method | expected | chrome | firefox | max-age | audit | lockfile |",
    "|---|---|---|---|---|---|---|---|",
    "| https://app.example.com | GET | allowed | ✅ allowed | ✅ allowed | - | - | - |",
    "| https://app.example.com | PUT | ❌ allowed | ❌ blocked | ❌ blocked | none | - | ❌ loosened |",
    "",
    "- PUT https://app.example.com: blocked by Chrome, Firefox",
    "",
    "#### `cors_api.yaml::orders` `http://testserver/orders`",
    "",
    "| origin | method | expected | chrome | firefox | max-age | audit | lockfile |",
    "|---|---|---|---|---|---|---|---|",
    "| https://app.example.com.evil.invalid | probe | - | - | - | - | ❌ high prefix-lookalike | - |",
    "| https://evil.invalid | probe | - | - | - | - | ❌ high reflect-any-origin | - |",
]


def test_the_markdown_summary_counts_then_changes_loosened_first_then_failing_endpoints():
    assert render_markdown(run_report(changes=True)).split("\n") == [
        "## pytest-cors: 2 of 2 endpoints failing",
        "",
        "| cases | failed | endpoints | failing | audit findings (failing) | loosened | tightened | stale |",
        "|---|---|---|---|---|---|---|---|",
        "| 2 | ❌ 1 | 2 | ❌ 2 | ❌ 2 (2) | ❌ 1 | 0 | ⚠️ 2 |",
        "",
        "### Policy changes since `cors.lock`",
        "",
        "- **loosened** `api.yaml::users` [GET https://app.example.com]: loosened \\| here",
        "- **tightened** `api.yaml::users` [GET https://app.example.com]: tightened \\| here",
        "- **changed** `api.yaml::users` [GET https://app.example.com]: changed \\| here",
        "- **stale** `old.yaml`: the file is gone",
        "- **stale** `api.yaml::users` [PUT x]: no such case",
        "",
        "Loosened needs a security review; tightened may break a client. If intended, run "
        "`pytest --cors-snapshot-update` and commit `cors.lock`.",
        "",
        "### Failing endpoints",
        "",
        *MATRIX,
        "",
    ]


def test_the_markdown_summary_without_lockfile_changes():
    lines = render_markdown(run_report(lock=None)).split("\n")
    assert lines[4] == "| 2 | ❌ 1 | 2 | ❌ 2 | ❌ 2 (2) | 0 | 0 | 0 |"
    assert lines[5:9] == ["", "### Failing endpoints", "", "#### `tests/test_api.py::test_users` `/users`"]
    assert lines[10] == "| origin | method | expected | chrome | firefox | max-age | audit |"
    assert render_markdown(RunReport(tuple(records()), BROWSERS, lockfile(empty=True))).split("\n")[5] == ""
    update = render_markdown(RunReport(tuple(records()), BROWSERS, lockfile("update")))
    assert "Loosened needs a security review" not in update and "- **stale** `old.yaml`: the file is gone" in update


def test_the_markdown_summary_of_a_green_run():
    passing = RunReport(tuple(records()[:1]), BROWSERS, None)
    assert render_markdown(passing) == (
        "## pytest-cors: all endpoints pass\n\n"
        "| cases | failed | endpoints | failing | audit findings (failing) | loosened | tightened | stale |\n"
        "|---|---|---|---|---|---|---|---|\n"
        "| 1 | 0 | 1 | 0 | 0 (0) | 0 | 0 | 0 |\n"
    )


HEAD = (
    '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>pytest-cors report</title><style>\n'
    "body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#1f2328}\n"
    "table{border-collapse:collapse;margin:.5em 0 1em}th,td{border:1px solid #d0d7de;padding:2px 8px;text-align:left}\n"
    "th{background:#f6f8fa}.good{background:#dafbe1}.bad{background:#ffebe9;font-weight:600}.warn{background:#fff8c5}\n"
    '.failing>h3::after{content:" failing";color:#cf222e;font-size:.8em}\n'
    "details{margin:.3em 0 .3em 1em}summary{cursor:pointer}pre{background:#f6f8fa;padding:.5em;overflow:auto}\n"
    "</style></head><body>"
)
TAIL = (
    "<script>\n"
    'document.getElementById("expand").addEventListener("click", function () {\n'
    '  var all = document.querySelectorAll("details");\n'
    "  for (var i = 0; i < all.length; i++) { all[i].open = true; }\n"
    "});\n"
    'document.body.setAttribute("data-ready", "yes");\n'
    "</script></body></html>\n"
)
ROW = "<tr>" + "".join(f"<th>{h}</th>" for h in ("origin", "method", "expected", "chrome", "firefox", "max-age",
                                                   "audit", "lockfile")) + "</tr>"


def test_the_html_report_is_one_self_contained_page():
    body = "".join([
        "<h1>pytest-cors: 2 of 2 endpoints failing</h1>",
        "<table><tr><th>items</th><th>cases</th><th>cases_failed</th><th>endpoints</th><th>endpoints_failing</th>"
        "<th>findings</th><th>findings_failing</th><th>loosened</th><th>tightened</th><th>changed</th><th>stale</th></tr>"
        '<tr><td>3</td><td>2</td><td class="bad">1</td><td>2</td><td class="bad">2</td><td>2</td><td>2</td>'
        '<td class="bad">1</td><td>0</td><td>0</td><td>2</td></tr></table>',
        "<h2>Policy changes since cors.lock</h2><ul>",
        "<li><b>loosened</b> api.yaml::users [GET https://app.example.com]: loosened | here</li>",
        "<li><b>tightened</b> api.yaml::users [GET https://app.example.com]: tightened | here</li>",
        "<li><b>changed</b> api.yaml::users [GET https://app.example.com]: changed | here</li>",
        "<li><b>stale</b> old.yaml  : the file is gone</li><li><b>stale</b> api.yaml users PUT x: no such case</li></ul>",
        '<h2>Endpoints</h2><button id="expand" type="button">expand all exchanges</button>',
        '<section class="endpoint failing"><h3>tests/test_api.py::test_users <code>/users</code></h3>',
        f"<table>{ROW}",
        '<tr><td>https://app.example.com</td><td>GET</td><td>allowed</td><td class="good">allowed</td>'
        '<td class="good">allowed</td><td>-</td><td>-</td><td>-</td></tr>',
        '<tr><td>https://app.example.com</td><td>PUT</td><td class="bad">allowed</td><td class="bad">blocked</td>'
        '<td class="bad">blocked</td><td>none</td><td>-</td><td class="bad">loosened</td></tr></table></section>',
        '<section class="endpoint failing"><h3>cors_api.yaml::orders <code>http://testserver/orders</code></h3>',
        f"<table>{ROW}",
        "<tr><td>https://app.example.com.evil.invalid</td><td>probe</td><td>-</td><td>-</td><td>-</td><td>-</td>"
        '<td class="bad">high prefix-lookalike</td><td>-</td></tr>',
        "<tr><td>https://evil.invalid</td><td>probe</td><td>-</td><td>-</td><td>-</td><td>-</td>"
        '<td class="bad">high reflect-any-origin</td><td>-</td></tr></table></section>',
        "<h2>Items</h2>",
        "<details><summary>passed: tests/test_api.py::test_users[GET]</summary>",
        "<p><b>test_users</b> GET https://app.example.com expected allowed (chrome: allowed, firefox: allowed)</p>",
        "<details><summary>actual: GET -&gt; 200</summary><pre>GET http://testserver/users\n"
        "Origin: https://app.example.com\n\nHTTP 200 OK\nAccess-Control-Allow-Origin: https://app.example.com\n"
        "Vary: Origin</pre></details></details>",
        "<details><summary>failed: tests/test_api.py::test_users[PUT]</summary><p>CORS &lt;contract&gt; violated</p>",
        "<p><b>test_users</b> PUT https://app.example.com expected allowed (chrome: blocked, firefox: blocked)</p>",
        '<p class="bad">blocked by Chrome, Firefox</p><p class="bad">loosened: now | open</p>',
        "<details><summary>preflight: OPTIONS -&gt; 204</summary><pre>OPTIONS http://testserver/users\nAccept: */*\n"
        "Origin: https://app.example.com\nAccess-Control-Request-Method: PUT\n\nHTTP 204 No Content\n"
        "Access-Control-Allow-Origin: https://app.example.com\nVary: Origin</pre></details></details>",
        "<details><summary>failed: cors_api.yaml::orders::audit</summary>",
        '<p class="bad">audit high reflect-any-origin: https://evil.invalid can read GET http://testserver/orders '
        "without credentials in Chrome, Firefox</p>",
        '<p class="bad">audit high prefix-lookalike: https://app.example.com.evil.invalid can read GET '
        "http://testserver/orders without credentials in Chrome, Firefox (derived from https://app.example.com)</p>",
        "</details>",
    ])
    assert render_html(run_report(changes=True)) == HEAD + body + TAIL


def test_the_html_report_lists_passing_endpoints_after_failing_ones_and_warns_on_findings_below_the_threshold():
    items = records()
    for finding in items[2]["findings"]:
        finding["failing"] = False
    items[2]["outcome"] = "passed"
    html = render_html(RunReport((items[2], items[1]), BROWSERS, lockfile(empty=True)))
    assert "Policy changes" not in html and "<h1>pytest-cors: 1 of 2 endpoints failing</h1>" in html
    assert html.index('<section class="endpoint failing"><h3>tests/test_api.py::test_users') < html.index(
        '<section class="endpoint"><h3>cors_api.yaml::orders')
    assert '<p class="warn">audit high reflect-any-origin: ' in html
    assert '<td class="warn">high reflect-any-origin</td>' in html
    assert "<th>lockfile</th>" not in html


def test_the_json_report_is_the_records_without_their_sort_key_and_validates():
    items = records(changes=True)
    items[0]["order"] = 7
    report = RunReport(tuple(items), BROWSERS, lockfile())
    data = report_data(report)
    assert json.loads(render_json(report)) == data and render_json(report).endswith("}\n")
    jsonschema.validate(data, schema())
    assert data["$schema"] == SCHEMA_ID == "https://pytest-cors.dev/schema/cors-report-1.json"
    assert data["version"] == 1 and data["browsers"] == ["chrome", "firefox"]
    assert data["summary"] == {"items": 3, "cases": 2, "cases_failed": 1, "endpoints": 2, "endpoints_failing": 2,
                               "findings": 2, "findings_failing": 2, "loosened": 1, "tightened": 0, "changed": 0,
                               "stale": 2}
    lock = lockfile()
    assert data["lockfile"] == {"path": "cors.lock", "mode": "compare", "written": False,
                                "changes": list(lock.changes), "stale": list(lock.stale)}
    assert data["records"][0] == {k: v for k, v in items[0].items() if k != "order"} and "order" not in data["records"][0]
    assert data["records"][1:] == items[1:]
    assert report_data(RunReport((), BROWSERS, None))["lockfile"] is None


def test_the_json_report_keeps_non_ascii_text():
    items = records()
    items[0]["message"] = "Zürich ✓"
    assert '"message": "Zürich ✓"' in render_json(RunReport(tuple(items), BROWSERS, None))


@pytest.mark.parametrize("path, fmt", [("r.json", "json"), ("r.md", "markdown"), ("R.MARKDOWN", "markdown"),
                                       ("out/r.html", "html"), ("r.HTM", "html")])
def test_the_format_follows_the_suffix(path, fmt):
    assert report_format(path) == fmt


@pytest.mark.parametrize("path, shown", [("r.txt", "'.txt'"), ("report", "'(no suffix)'")])
def test_an_unknown_suffix_is_refused_with_the_known_ones(path, shown):
    with pytest.raises(ReportPathError) as raised:
        report_format(path)
    assert str(raised.value) == (
        f"{path!r}: unknown report format {shown}; end the file name with .json, .md or .html"
    )


def test_counts_include_stale_entries_and_failing_names_are_in_collection_order():
    report = run_report()
    assert report.counts["stale"] == 2 and run_report(lock=None).counts["stale"] == 0
    assert report.failing_names() == ["test_users", "orders"]


def test_write_reports_renders_each_format_into_new_directories(tmp_path):
    report = run_report(changes=True)
    paths = [tmp_path / "a" / "r.json", tmp_path / "b" / "c" / "r.md", tmp_path / "r.html"]
    write_reports(report, paths)
    assert paths[0].read_bytes() == render(report, "json").encode() == render_json(report).encode()
    assert paths[1].read_bytes() == render_markdown(report).encode() == render(report, "markdown").encode()
    assert paths[2].read_text(encoding="utf-8") == render_html(report) == render(report, "html")
    assert b"\r\n" not in paths[1].read_bytes()


def test_report_files_are_utf8_with_lf_on_a_platform_that_writes_cp1252_and_crlf(tmp_path, monkeypatch):
    """Windows with a cp1252 locale, simulated with the pure-Python io (it reads os.linesep and the locale)."""
    import _pyio
    import locale
    import os

    from pytest_cors.report import run_report as module

    monkeypatch.setattr(os, "linesep", "\r\n")
    monkeypatch.setattr(locale, "getencoding", lambda: "cp1252", raising=False)
    monkeypatch.setattr(locale, "getpreferredencoding", lambda do_setlocale=True: "cp1252")
    monkeypatch.setattr(module, "open", _pyio.open, raising=False)
    report = run_report(changes=True)
    write_reports(report, [tmp_path / "r.md"])
    assert (tmp_path / "r.md").read_bytes() == render_markdown(report).encode("utf-8")
    with _pyio.open(tmp_path / "plain.txt", "w") as stream:  # the simulation holds: a plain open writes CRLF
        stream.write("a\n")
    assert (tmp_path / "plain.txt").read_bytes() == b"a\r\n"


def test_a_lockfile_with_only_changes_or_only_stale_entries_gets_its_section():
    full = lockfile()
    only_changes = dataclasses.replace(full, stale=())
    only_stale = dataclasses.replace(full, changes=())
    for lock in (only_changes, only_stale):
        report = RunReport(tuple(records()), BROWSERS, lock)
        assert "<h2>Policy changes since cors.lock</h2><ul>" in render_html(report)
        assert "### Policy changes since `cors.lock`" in render_markdown(report)
    assert "<li><b>stale</b>" not in render_html(RunReport(tuple(records()), BROWSERS, only_changes))
    assert "<li><b>loosened</b>" not in render_html(RunReport(tuple(records()), BROWSERS, only_stale))


def test_the_json_text_is_indented_by_two_in_the_schemas_key_order():
    assert render_json(run_report()).split("\n")[:12] == [
        "{",
        '  "$schema": "https://pytest-cors.dev/schema/cors-report-1.json",',
        '  "version": 1,',
        '  "browsers": [',
        '    "chrome",',
        '    "firefox"',
        "  ],",
        '  "summary": {',
        '    "items": 3,',
        '    "cases": 2,',
        '    "cases_failed": 1,',
        '    "endpoints": 2,',
    ]


def test_markdown_marks_tightened_and_keeps_each_change_on_one_line():
    lock = lockfile()
    tightened = [dict(change, summary="was\nopen") if change["kind"] == "tightened" else change for change in lock.changes]
    items = records()
    items[1]["cases"][0]["snapshot"] = [{"kind": "tightened", "contract": "test_users", "case": "PUT x", "summary": "s"}]
    text = render_markdown(RunReport(tuple(items), BROWSERS, dataclasses.replace(lock, changes=tuple(tightened))))
    assert "| 2 | ❌ 1 | 2 | ❌ 2 | ❌ 2 (2) | 0 | ⚠️ 1 | ⚠️ 2 |" in text.split("\n")
    assert "- **tightened** `api.yaml::users` [GET https://app.example.com]: was open" in text.split("\n")
