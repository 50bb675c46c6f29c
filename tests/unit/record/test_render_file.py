"""The contract file ``pytest-cors record`` writes, exactly, from recordings of real WSGI apps in-process."""

from __future__ import annotations

import dataclasses
import re

import pytest

from pytest_cors.audit.model import Finding
from pytest_cors.contract.yaml_loader import YamlFileError
from pytest_cors.record.openapi import Endpoint
from pytest_cors.record.recorder import RecordedContract, RecordedEndpoint
from pytest_cors.record.render import parse_rendered, render_contract, render_file, scalar

from .servers import Grant, Server, Target

A, B, C = "https://app.example.com", "https://admin.example.com", "https://other.example.org"
PREFLIGHT_BLOCKED = ("Access to fetch at 'http://testserver{path}' from origin '{origin}' has been blocked by CORS policy: "
                     "Response to preflight request doesn't pass access control check: No 'Access-Control-Allow-Origin' "
                     "header is present on the requested resource.")


def blocked(method: str, origin: str, path: str) -> str:
    return f"  # {method} from {origin}: blocked: " + PREFLIGHT_BLOCKED.format(path=path, origin=origin)


def test_a_deny_only_path_and_a_path_with_nothing_to_record():
    orders = Target(Server()).record("/api/orders/1", [A, B], ["GET", "PUT"], ["X-Trace"], True)
    orders = dataclasses.replace(orders, endpoint=Endpoint(
        "/api/orders/1", ("GET", "PUT"), "/api/orders/{id}", ("{id} in /api/orders/{id} is a placeholder ('1'): replace it",)))
    users = Target(Server({A: Grant(("GET",), ("*",), wildcard=True)}), "chrome,spec").record("/api/users", [A], ["GET"], ["Authorization"])
    text = render_file([orders, users], target="shop.wsgi:app", header=["CORS contracts", "", "Review."])
    assert text.split("\n") == [
        "# CORS contracts",
        "#",
        "# Review.",
        "",
        "target: shop.wsgi:app  # --cors-url / --cors-app on the pytest command line override it",
        "",
        "contracts:",
        "",
        "  # --- GET PUT /api/orders/1  (OpenAPI: /api/orders/{id})",
        "  # {id} in /api/orders/{id} is a placeholder ('1'): replace it",
        blocked("GET", A, "/api/orders/1"),
        blocked("PUT", A, "/api/orders/1"),
        blocked("GET", B, "/api/orders/1"),
        blocked("PUT", B, "/api/orders/1"),
        "  # no given origin can call this endpoint today: recorded as deny-only",
        "  - name: /api/orders/1",
        "    path: /api/orders/1",
        "    deny_origins: [https://app.example.com, https://admin.example.com]",
        "    methods: [GET, PUT]",
        "    request_headers: [X-Trace]",
        "    credentials: true",
        "",
        "  # --- GET /api/users",
        "  # GET from https://app.example.com: browsers disagree: allowed by Chrome, blocked by Fetch standard: Access to "
        "fetch at 'http://testserver/api/users' from origin 'https://app.example.com' has been blocked by CORS policy: "
        "Request header field authorization is not allowed by Access-Control-Allow-Headers in preflight response.",
        "  # nothing recorded for this path: no origin is allowed or cleanly refused",
        "",
    ]
    [contract] = parse_rendered(text, "cors_api.yaml")
    assert (contract.deny_origins, contract.methods, contract.credentials) == ((A, B), ("GET", "PUT"), True)


def test_the_template_is_shown_only_when_it_differs_from_the_path():
    users = Target(Server()).record("/api/users", [A])
    same = dataclasses.replace(users, endpoint=Endpoint("/api/users", ("GET",), "/api/users"))
    assert "\n  # --- GET /api/users\n" in render_file([same], target="t", header=[])


def test_a_recorded_shop_with_refused_origins_commented_one_per_line():
    server = Server({A: Grant(("GET", "POST"), ("Authorization",), True, "X-Total-Count", "600"),
                     B: Grant(("GET", "POST"), ("Authorization",), True, "X-Total-Count", "60")})
    recorded = Target(server).record("/api/users", [A, B, C], ["GET", "POST"], ["Authorization"], True)
    lines = render_file([recorded], target="http://127.0.0.1:8000", header=[]).split("\n")
    assert lines[:8] == ["", "target: http://127.0.0.1:8000  # --cors-url / --cors-app on the pytest command line override it",
                         "", "contracts:", "", "  # --- GET POST /api/users",
                         blocked("GET", C, "/api/users"), blocked("POST", C, "/api/users")]
    assert lines[8].startswith("  # audit LOW missing-vary: CORS headers differ between origins")
    assert lines[8].endswith(" (and 1 more origin) (not failing by default)")
    assert lines[9].startswith("  # audit INFO csrf-exposure: ") and lines[9].endswith(" (not failing by default)")
    assert lines[10:] == [
        "  - name: /api/users",
        "    path: /api/users",
        "    origins: [https://app.example.com, https://admin.example.com]",
        "    deny_origins:",
        "      - https://other.example.org  # one of --origin: refused today",
        "      - https://evil.invalid  # audit probe reflect-any-origin: refused today",
        '      - "null"  # audit probe null-origin: refused today',
        "      - https://app.example.com.evil.invalid  # audit probe prefix-lookalike of https://app.example.com: refused today",
        "      - https://evilapp.example.com  # audit probe suffix-lookalike of https://app.example.com: refused today",
        "      - https://appxexample.com  # audit probe unescaped-dot of https://app.example.com: refused today",
        "      - https://evil.app.example.com  # audit probe untrusted-subdomain of https://app.example.com: refused today",
        "      - http://app.example.com  # audit probe scheme-downgrade of https://app.example.com: refused today",
        "      - https://app.example.com:8443  # audit probe port-confusion of https://app.example.com: refused today",
        "      - https://app.example.com_.evil.invalid  # audit probe special-characters of https://app.example.com: refused today",
        "    methods: [GET, POST]",
        "    request_headers: [Authorization]",
        "    credentials: true",
        "    expose_headers: [X-Total-Count]",
        "    max_age: {min: 60, max: 600}",
        "    vary: true",
        "",
    ]
    [contract] = parse_rendered("\n".join(lines), "cors_api.yaml")
    assert contract.max_age is not None and contract.origins == (A, B)


def test_accepted_findings_are_written_under_a_loud_block_one_line_per_probe():
    recorded = Target(Server(anyone=Grant(credentials=True))).record("/u", [A], credentials=True)
    lines = render_file([recorded], target="t", header=[]).split("\n")
    start = lines.index("  # --- GET /u") + 1
    assert lines[start:start + 3] == [
        "  # !!! SECURITY: the audit found the problems below, and this contract ACCEPTS them as the server",
        "  # !!! behaves today (audit: skip). Review before committing: fix the server, then delete the skip.",
        "  # !!! CRITICAL reflect-any-origin: https://evil.invalid can read GET http://testserver/u with the user's "
        "credentials (cookies) in Chrome, Firefox, Safari",
    ]
    assert ("  # !!! CRITICAL suffix-lookalike: https://evilapp.example.com can read GET http://testserver/u with the user's "
            "credentials (cookies) in Chrome, Firefox, Safari (derived from https://app.example.com) (and 1 more origin)") in lines
    assert any(re.fullmatch(r"  # !!! CRITICAL special-characters: .* \(and \d+ more origins\)", line) for line in lines)
    assert lines[-8:] == [
        "  - name: /u",
        "    path: /u",
        "    origins: [https://app.example.com]",
        "    methods: [GET]",
        "    credentials: true",
        "    vary: true",
        "    audit: {skip: [null-origin, port-confusion, prefix-lookalike, reflect-any-origin, scheme-downgrade, "
        "special-characters, suffix-lookalike, unescaped-dot, untrusted-subdomain]}  # !!! accepted findings, see above",
        "",
    ]
    assert lines[-9].startswith("  # audit LOW missing-vary: ") and lines[-9].endswith(" (not failing by default)")


def test_notes_are_comments_over_the_contract_and_a_public_contract_lists_star():
    recorded = Target(Server(anyone=Grant())).record("/u", [A])
    lines = render_file([recorded], target="t", header=[]).split("\n")
    assert ("  # origins: ['*'] because any origin (e.g. https://evil.invalid) can read this endpoint today without "
            "credentials: it is public in fact. If it should not be, the server needs an allowlist of origins.") in lines
    assert '    origins: ["*"]' in lines


def test_scalars_escape_what_yaml_would_misread():
    assert scalar("é") == '"\\u00e9"'
    assert scalar("\x7f") == '"\\u007f"'
    assert scalar("\x1f") == '"\\u001f"'
    assert scalar(" ~") == '" ~"'
    assert scalar("\uffff") == '"\\uffff"'
    assert scalar("\U00010000") == '"\\U00010000"'
    assert scalar('a "b" \\c') == '"a \\"b\\" \\\\c"'
    assert scalar("a:b") == "a:b" and scalar("~") == '"~"' and scalar("0x1F") == '"0x1F"'
    assert scalar("X: y") == '"X: y"'


def test_text_that_would_not_collect_is_refused_naming_the_file():
    with pytest.raises(YamlFileError, match=r"^cors_users\.yaml:2:1: invalid YAML"):
        parse_rendered("contracts: [\n", "cors_users.yaml")
    assert scalar(False) == "false" and scalar(0) == "0"


def test_a_contract_with_every_key_its_notes_and_findings_grouped_per_probe():
    findings = tuple(Finding("unescaped-dot", "high", f"{origin} can read GET", origin)
                     for origin in ("https://a1.example", "https://a2.example", "https://a3.example")) + (
        Finding("csrf-exposure", "info", "a POST reached the handler"), Finding("missing-vary", "low", "no Vary", "x"),
        Finding("missing-vary", "low", "no Vary again", "y"))
    item = RecordedContract(
        {"name": "users", "path": "/u", "origins": ["https://a.example", "null"], "deny_origins": ["https://b.example", "null"],
         "methods": ["GET"], "request_headers": ["X-A"], "credentials": True, "expose_headers": ["X-B"],
         "max_age": {"min": 5, "max": 60}, "vary": False, "audit": {"skip": ["unescaped-dot"]}},
        notes=["first note", "second note\nover two lines"], deny_comments={"null": "refused today"}, findings=findings)
    assert render_contract(item) == [
        "  # first note",
        "  # second note",
        "  # over two lines",
        "  # !!! SECURITY: the audit found the problems below, and this contract ACCEPTS them as the server",
        "  # !!! behaves today (audit: skip). Review before committing: fix the server, then delete the skip.",
        "  # !!! HIGH unescaped-dot: https://a1.example can read GET (and 2 more origins)",
        "  # audit INFO csrf-exposure: a POST reached the handler (not failing by default)",
        "  # audit LOW missing-vary: no Vary (and 1 more origin) (not failing by default)",
        "  - name: users",
        "    path: /u",
        '    origins: [https://a.example, "null"]',
        "    deny_origins:",
        "      - https://b.example",
        '      - "null"  # refused today',
        "    methods: [GET]",
        "    request_headers: [X-A]",
        "    credentials: true",
        "    expose_headers: [X-B]",
        "    max_age: {min: 5, max: 60}",
        "    vary: false",
        "    audit: {skip: [unescaped-dot]}  # !!! accepted findings, see above",
    ]
    assert render_contract(RecordedContract({"path": "/v", "deny_origins": ["https://b.example"]})) == [
        "  - path: /v", "    deny_origins: [https://b.example]"]


def test_endpoint_notes_and_narrowed_request_shapes_are_comments_under_the_path():
    recorded = Target(Server({A: Grant(("GET",), ("Content-Type",))})).record("/u/7/x", [A], ["GET"], ["Authorization"])
    recorded = dataclasses.replace(recorded, endpoint=Endpoint("/u/7/x", ("GET",), "/u/{id}/{x}", ("note one", "note two")))
    lines = render_file([recorded], target="t", header=[]).split("\n")
    start = lines.index("  # --- GET /u/7/x  (OpenAPI: /u/{id}/{x})")
    assert lines[start + 1:start + 3] == ["  # note one", "  # note two"]
    assert lines[start + 3] == (
        "  # GET from https://app.example.com: request header Authorization is not allowed (Access to fetch at "
        "'http://testserver/u/7/x' from origin 'https://app.example.com' has been blocked by CORS policy: Request header "
        "field authorization is not allowed by Access-Control-Allow-Headers in preflight response.)")


def test_contracts_read_back_name_the_file_they_come_from():
    text = render_file([RecordedEndpoint(Endpoint("/u"), ("GET",), (), (RecordedContract(
        {"name": "/u", "path": "/u", "deny_origins": [A], "methods": ["GET"], "credentials": False}),))], target="t", header=[])
    [contract] = parse_rendered(text, "api/cors_users.yaml")
    assert contract.where.file == "api/cors_users.yaml" and contract.name == "/u"


def test_the_notes_of_a_blocked_or_disagreeing_cell_are_written_above_it():
    # credentials refused at the first preflight, the origin at the second
    blocked = Target(Server(changing={A: [Grant(("PUT",)), None]})).record("/u", [A], ["PUT"], credentials=True)
    mixed = Target(Server({A: Grant(("GET",), ("*",), wildcard=True)}), "chrome,spec").record(
        "/v", [A], ["GET"], ["Authorization"], credentials=True)
    lines = render_file([blocked, mixed], target="t", header=[]).split("\n")
    notes = [line.split(" (Access to fetch")[0] for line in lines if line.startswith("  # PUT from") or line.startswith("  # GET from")]
    assert notes == [
        "  # PUT from https://app.example.com: credentialed requests are refused",
        "  # PUT from https://app.example.com: blocked: Access to fetch at 'http://testserver/u' from origin "
        "'https://app.example.com' has been blocked by CORS policy: Response to preflight request doesn't pass access "
        "control check: No 'Access-Control-Allow-Origin' header is present on the requested resource.",
        "  # GET from https://app.example.com: credentialed requests are refused",
        "  # GET from https://app.example.com: browsers disagree: allowed by Chrome, blocked by Fetch standard: Access to "
        "fetch at 'http://testserver/v' from origin 'https://app.example.com' has been blocked by CORS policy: Request "
        "header field authorization is not allowed by Access-Control-Allow-Headers in preflight response.",
    ]
