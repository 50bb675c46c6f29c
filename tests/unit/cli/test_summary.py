"""What ``pytest-cors record`` prints after recording: the origin x method matrix, notes, findings, what was written."""

from __future__ import annotations

import io
from pathlib import Path

from pytest_cors.cli.summary import matrix, print_summary
from pytest_cors.record.probe import Cell, Outcome, Request

from ..record.servers import Grant, Server, Target

A, B, C = "https://app.example.com", "https://admin.example.com", "https://other.example.org"


def cell(origin: str, method: str, outcome: Outcome, notes=()) -> Cell:
    return Cell(origin, method, outcome, Request(), None, notes=tuple(notes))


def test_the_matrix_has_a_column_per_method_and_marks_narrowed_shapes():
    cells = [cell("https://a.example", "GET", Outcome.ALLOWED, ["narrowed"]), cell("https://a.example", "PROPFIND-EXTENDED", Outcome.MIXED),
             cell(B, "GET", Outcome.BLOCKED)]
    assert matrix(cells, ["GET", "PROPFIND-EXTENDED", "DELETE"]) == [
        "    origin                     GET                PROPFIND-EXTENDED  DELETE",
        "    https://a.example          allowed*           browsers disagree  -",
        "    https://admin.example.com  blocked            -                  -",
    ]
    assert matrix([], ["GET"]) == ["    origin  GET"]


def test_the_summary_of_two_paths_one_given_up_and_the_file_written():
    target = Target(Server({A: Grant(("GET", "DELETE"))}, changing={B: [Grant(), None]}))
    users = target.record("/u", [A, B, C], ["GET", "DELETE"])
    unstable = Server(changing={A: [Grant(), Grant(), Grant(), None], B: [Grant(), None], C: [Grant(), Grant(), None]})
    orders = Target(unstable).record("/v", [A, B, C])
    out = io.StringIO()
    print_summary([users, orders], target.run, out, written=Path("api/cors_x.yaml"), app="shop.wsgi:app")
    lines = out.getvalue().split("\n")
    assert lines[:12] == [
        "/u  (2 contracts)",
        "    origin                     GET                DELETE",
        "    https://app.example.com    allowed            allowed",
        "    https://admin.example.com  allowed            blocked",
        "    https://other.example.org  blocked            blocked",
        "/v  (0 contracts)",
        "    origin                     GET",
        "    https://app.example.com    allowed",
        "    https://admin.example.com  allowed",
        "    https://other.example.org  allowed",
        "    ! /v: could not be verified: the server answered differently on every check (unstable policy?)",
        "",
    ]
    assert lines[12] == "CORS audit of '/u GET/DELETE': 0 findings at or above medium (3 below)"
    assert "Audit findings: none" not in lines and not any(line.startswith("!!!") for line in lines)
    assert lines[-4:] == [
        "",
        "Wrote api/cors_x.yaml (2 contracts). Review it, commit it, run it with: pytest api/cors_x.yaml",
        "pytest must be able to import shop.wsgi: set pythonpath = . in the ini file (or install the project)",
        "",
    ]


def test_a_summary_without_findings_says_so_and_counts_one_contract():
    target = Target(Server(anyone=Grant(wildcard=True)))
    out = io.StringIO()
    print_summary([target.record("/u", [A])], target.run, out, written=Path("cors_api.yaml"))
    assert out.getvalue().split("\n")[3:] == [
        "",
        "CORS audit of '/u': 0 findings at or above medium (2 below)",
        "",
        "Also:",
        "  low      missing-vary: 2 more, from https://evil.invalid, (no Origin)",
        "",
        "Wrote cors_api.yaml (1 contract). Review it, commit it, run it with: pytest cors_api.yaml",
        "",
    ]
    out = io.StringIO()
    print_summary([target.record("/u", [A])][:0], target.run, out)
    assert out.getvalue() == "\nAudit findings: none\n"
