"""The HTML report: one self-contained file (inline CSS and script, no external assets).

It shows the counts, lockfile changes, the matrix of every endpoint (failing
first) and, per item, each exchange in a ``<details>`` element: request and
response headers as sent and received (secrets already redacted).
"""

from __future__ import annotations

from html import escape
from typing import Any, Dict, List, Sequence

from pytest_cors.report.matrix import Cell, endpoints, has_changes, header, rows
from pytest_cors.report.run_report import RunReport

STYLE = """
body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#1f2328}
table{border-collapse:collapse;margin:.5em 0 1em}th,td{border:1px solid #d0d7de;padding:2px 8px;text-align:left}
th{background:#f6f8fa}.good{background:#dafbe1}.bad{background:#ffebe9;font-weight:600}.warn{background:#fff8c5}
.failing>h3::after{content:" failing";color:#cf222e;font-size:.8em}
details{margin:.3em 0 .3em 1em}summary{cursor:pointer}pre{background:#f6f8fa;padding:.5em;overflow:auto}
"""
SCRIPT = """
document.getElementById("expand").addEventListener("click", function () {
  var all = document.querySelectorAll("details");
  for (var i = 0; i < all.length; i++) { all[i].open = true; }
});
document.body.setAttribute("data-ready", "yes");
"""


def _table(head: Sequence[str], table: Sequence[Sequence[Cell]]) -> str:
    out = ["<table><tr>" + "".join(f"<th>{escape(h)}</th>" for h in head) + "</tr>"]
    for row in table:
        cells = "".join(f'<td class="{style}">{escape(text)}</td>' if style else f"<td>{escape(text)}</td>" for text, style in row)
        out.append(f"<tr>{cells}</tr>")
    return "".join(out) + "</table>"


def _exchange(exchange: Dict[str, Any]) -> str:
    request, response = exchange["request"], exchange["response"]
    lines = [f"{request['method']} {request['url']}"] + [f"{n}: {v}" for n, v in request["headers"]]
    lines += ["", f"HTTP {response['status']} {response['reason']}"] + [f"{n}: {v}" for n, v in response["headers"]]
    title = f"{exchange['kind']}: {request['method']} -> {response['status']}"
    return f"<details><summary>{escape(title)}</summary><pre>{escape(chr(10).join(lines))}</pre></details>"


def _record(record: Dict[str, Any]) -> str:
    parts = [f"<details><summary>{escape(record['outcome'])}: {escape(record['nodeid'])}</summary>"]
    if record["message"]:
        parts.append(f"<p>{escape(record['message'])}</p>")
    for case in record["cases"]:
        verdicts = ", ".join(f"{b}: {v['verdict']}" for b, v in case["browsers"].items())
        parts.append(f"<p><b>{escape(case['contract'])}</b> {escape(case['case'])} expected {case['expected']} ({escape(verdicts)})</p>")
        parts += [f"<p class=\"bad\">{escape(p['summary'])}</p>" for p in case["problems"]]
        parts += [f"<p class=\"bad\">{escape(c['kind'])}: {escape(c['summary'])}</p>" for c in case["snapshot"]]
        parts += [_exchange(e) for e in case["exchanges"]]
    for finding in record["findings"]:
        style = "bad" if finding["failing"] else "warn"
        parts.append(f"<p class=\"{style}\">audit {escape(finding['severity'])} {escape(finding['probe'])}: {escape(finding['summary'])}</p>")
    parts.append("</details>")
    return "".join(parts)


def render_html(report: RunReport) -> str:
    """The whole HTML report as one string."""
    counts = report.counts
    with_changes = has_changes(report.records)
    body: List[str] = [
        f"<h1>pytest-cors: {counts['endpoints_failing']} of {counts['endpoints']} endpoints failing</h1>",
        _table(list(counts), [[(str(v), "bad" if v and k in ("cases_failed", "endpoints_failing", "loosened") else "") for k, v in counts.items()]]),
    ]
    if report.lockfile is not None and (report.lockfile.changes or report.lockfile.stale):
        body.append(f"<h2>Policy changes since {escape(report.lockfile.path)}</h2><ul>")
        for kind in ("loosened", "tightened", "changed"):
            body += [f"<li><b>{kind}</b> {escape(c['contract'])} [{escape(c['case'])}]: {escape(c['summary'])}</li>"
                     for c in report.lockfile.changes if c["kind"] == kind]
        body += [f"<li><b>stale</b> {escape(s['owner'])} {escape(s['contract'])} {escape(s['case'])}: {escape(s['reason'])}</li>"
                 for s in report.lockfile.stale]
        body.append("</ul>")
    body.append('<h2>Endpoints</h2><button id="expand" type="button">expand all exchanges</button>')
    for endpoint in sorted(endpoints(report.records), key=lambda e: not e.failing):
        css = "endpoint failing" if endpoint.failing else "endpoint"
        body.append(f'<section class="{css}"><h3>{escape(endpoint.contract_id)} <code>{escape(endpoint.path)}</code></h3>')
        body.append(_table(header(report.browsers, with_changes), rows(endpoint, report.browsers, with_changes)) + "</section>")
    body.append("<h2>Items</h2>")
    body += [_record(r) for r in report.records]
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>pytest-cors report</title>"
        f"<style>{STYLE}</style></head><body>{''.join(body)}<script>{SCRIPT}</script></body></html>\n"
    )
