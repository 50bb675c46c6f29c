"""parse_contract: every key and alias accepted, bad input rejected with a clear message.

Origins are validated with the rules of cors-ground-truth.md section 1; methods
with section 2 (normalisation, tokens); forbidden request headers are the ones
fetch() silently drops; ``'*'`` with credentials can never work (section 4.4).
"""

from __future__ import annotations

import json

import pytest

from pytest_cors.audit.catalogue import PROBE_IDS
from pytest_cors.browser.cookies import Cookie, SameSite
from pytest_cors.browser.origins import OriginError
from pytest_cors.browser.safelist import is_safelisted_header
from pytest_cors.contract.model import (
    PUBLIC_SAMPLE_ORIGIN,
    AuditSettings,
    ContractError,
    Location,
    MaxAge,
    parse_origin_pattern,
)
from pytest_cors.contract.schema import KEYS, parse_contract

A = "https://app.example"
B = "https://admin.example"


def parse(**data):
    return parse_contract(data)


def error(data, **kw) -> ContractError:
    with pytest.raises(ContractError) as info:
        parse_contract(data, **kw)
    return info.value


def base(**extra):
    return {"path": "/api", "origins": [A], **extra}


# --- accepted input ---------------------------------------------------------------------------


def test_minimal_contract_defaults():
    contract = parse(path="/api/users", origins=[A])
    assert contract.name == "/api/users"
    assert contract.path == "/api/users"
    assert contract.origins == (A,)
    assert contract.deny_origins == ()
    assert contract.methods == ("GET",)
    assert contract.request_headers == ()
    assert contract.credentials is False
    assert contract.expose_headers == ()
    assert contract.max_age is None
    assert contract.vary is True
    assert contract.body is None
    assert contract.audit == AuditSettings(True, ())


def test_every_key():
    contract = parse_contract(
        {
            "name": "  users  ",
            "path": "/api/users?x=1",
            "origins": ["HTTPS://App.Example:443", B],
            "deny_origins": ["https://evil.example", "null"],
            "methods": ["post", "delete", "patch", "PUT"],
            "request_headers": {"X-Token": "t", "Content-Type": "application/json"},
            "credentials": True,
            "expose_headers": ["X-Total-Count", "ETag"],
            "max_age": 600,
            "vary": False,
            "body": {"a": [1, 2]},
            "cookies": {"sid": "abc", "pref": {"value": "x", "samesite": "none", "secure": True}},
            "audit": {"skip": ["null-origin", "missing-vary"]},
        }
    )
    assert contract.name == "users"
    assert contract.path == "/api/users?x=1"
    assert contract.origins == (A, B)  # serialized as a browser sends them
    assert contract.deny_origins == ("https://evil.example", "null")
    # fetch()'s normalisation: delete -> DELETE, get -> GET, patch stays patch
    assert contract.methods == ("POST", "DELETE", "patch", "PUT")
    assert contract.request_headers == (("X-Token", "t"), ("Content-Type", "application/json"))
    assert contract.credentials is True
    assert contract.expose_headers == ("X-Total-Count", "ETag")
    assert contract.max_age == MaxAge(600)
    assert contract.vary is False
    assert json.loads(contract.body) == {"a": [1, 2]}
    assert contract.cookies == (Cookie("sid", "abc"), Cookie("pref", "x", SameSite.NONE, secure=True))
    assert contract.audit == AuditSettings(True, ("null-origin", "missing-vary"))
    assert set(KEYS) == {
        "name", "path", "origins", "deny_origins", "methods", "request_headers", "credentials",
        "expose_headers", "max_age", "vary", "body", "cookies", "audit",
    }


def test_aliases_and_scalars():
    contract = parse_contract({"path": "/a", "origin": "https://App.example", "method": "delete", "deny_origin": "http://x.example:80"})
    assert contract.origins == (A,)
    assert contract.methods == ("DELETE",)
    assert contract.deny_origins == ("http://x.example",)


def test_default_name_and_where():
    contract = parse_contract({"path": "/a", "origins": [A]}, default_name="test_users", where="tests/test_x.py::test_users")
    assert contract.name == "test_users"
    assert contract.where == Location("tests/test_x.py::test_users")
    assert str(contract.where) == "tests/test_x.py::test_users"


def test_request_headers_as_names_get_a_never_safelisted_value():
    contract = parse(path="/a", origins=[A], request_headers=["X-Token", "Accept", "Content-Type", "Accept-Language", "Content-Language", "Range"])
    values = dict(contract.request_headers)
    assert set(values) == {"X-Token", "Accept", "Content-Type", "Accept-Language", "Content-Language", "Range"}
    # a name-only header is checked with the worst case a script could send: one that needs a preflight
    for name, value in contract.request_headers:
        assert not is_safelisted_header(name, value), (name, value)
    assert parse(path="/a", origins=[A], request_headers="X-Token").request_headers[0][0] == "X-Token"


def test_request_header_numbers_become_strings():
    assert parse(path="/a", origins=[A], request_headers={"X-Version": 2}).request_headers == (("X-Version", "2"),)


@pytest.mark.parametrize(
    "value, accepts, rejects, text",
    [
        (0, [0], [1], "0"),
        (600, [600], [599, 601, None], "600"),
        ({"min": 60}, [60, 100000], [59, None], "between 60 and any"),
        ({"max": 7200}, [0, 7200], [7201], "between 0 and 7200"),
        ({"min": 5, "max": 5}, [5], [4, 6], "between 5 and 5"),
    ],
)
def test_max_age(value, accepts, rejects, text):
    max_age = parse(path="/a", origins=[A], max_age=value).max_age
    assert all(max_age.accepts(s) for s in accepts)
    assert not any(max_age.accepts(s) for s in rejects)
    assert max_age.describe() == text


def test_max_age_null_means_unchecked():
    assert parse(path="/a", origins=[A], max_age=None).max_age is None


def test_body_and_audit_forms():
    assert parse(path="/a", origins=[A], methods=["POST"], body="raw").body == "raw"
    assert parse(path="/a", origins=[A], methods=["PUT"], body=[1, "x"]).body == '[1,"x"]'
    assert parse(path="/a", origins=[A], audit=False).audit == AuditSettings(False, ())
    assert parse(path="/a", origins=[A], audit=True).audit == AuditSettings(True, ())


def test_deny_only_contract():
    contract = parse(path="/a", deny_origins=["https://evil.example"])
    assert contract.origins == ()
    assert [c.id for c in contract.cases()] == ["deny:GET https://evil.example"]


def test_cases_and_allows():
    contract = parse(path="/a", origins=[A, "https://*.example.org"], deny_origins=["https://evil.example"], methods=["GET", "put"])
    ids = [c.id for c in contract.cases()]
    assert ids == [
        f"GET {A}",
        f"PUT {A}",
        "GET https://cors-check.example.org",
        "PUT https://cors-check.example.org",
        "deny:GET https://evil.example",
        "deny:PUT https://evil.example",
    ]
    assert contract.allows(A)
    assert contract.allows("https://a.b.example.org")
    assert not contract.allows("https://example.org")
    assert not contract.allows("https://evil.example")
    assert not contract.allows("null")


def test_public_contract():
    contract = parse(path="/a", origins=["*"])
    assert contract.is_public
    assert contract.allows("https://anything.example") and contract.allows("null")
    assert contract.concrete_origins() == (PUBLIC_SAMPLE_ORIGIN,)


# --- origin patterns --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, canonical, matches, misses",
    [
        (
            "https://*.example.com",
            "https://*.example.com",
            ["https://a.example.com", "https://a.b.example.com"],
            ["https://example.com", "http://a.example.com", "https://evilexample.com", "https://a.example.com:8443", "https://a.example.com.evil.io"],
        ),
        (
            "https://*.Example.COM:443",
            "https://*.example.com",
            ["https://x.example.com"],
            ["https://x.example.com:444"],
        ),
        (
            "http://localhost:*",
            "http://localhost:*",
            ["http://localhost:3000", "http://localhost", "http://localhost:8080"],
            ["https://localhost:3000", "http://127.0.0.1:3000"],
        ),
        ("https://*.example.com:8443", "https://*.example.com:8443", ["https://a.example.com:8443"], ["https://a.example.com"]),
    ],
)
def test_origin_patterns(text, canonical, matches, misses):
    pattern = parse_origin_pattern(text)
    assert pattern.text == canonical
    assert all(pattern.matches(o) for o in matches)
    assert not any(pattern.matches(o) for o in misses)
    assert not pattern.matches("null")
    assert all(pattern.matches(o) for o in pattern.examples())


@pytest.mark.parametrize(
    "text, problem",
    [
        ("https://*.com", "would trust the whole internet"),
        ("https://*example.com", "not a supported origin pattern"),
        ("https://a.*.example.com", "not a supported origin pattern"),
        ("*.example.com", "not a supported origin pattern"),
        ("https://*.exa_mple.com", "must be a plain domain name"),
        ("ftp://*.example.com", "not a supported origin pattern"),
    ],
)
def test_bad_origin_patterns(text, problem):
    with pytest.raises(OriginError) as info:
        parse_origin_pattern(text)
    assert problem in str(info.value)
    assert problem in str(error(base(origins=[text])))


# --- rejected input ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "key, suggestion",
    [("orgins", "origins"), ("method_s", "methods"), ("credential", "credentials"), ("max-age", "max_age"), ("expose", "expose_headers"), ("deny_origns", "deny_origins")],
)
def test_unknown_key_did_you_mean(key, suggestion):
    message = str(error({**base(), key: 1}))
    assert message.startswith(f"unknown key {key!r}; did you mean {suggestion!r}?")
    assert "(valid keys: name, path, origins, deny_origins, methods, request_headers, credentials, expose_headers, max_age, vary, body, cookies, audit)" in message


def test_unknown_key_without_a_close_match():
    message = str(error({**base(), "zzzzzz": 1}))
    assert message.startswith("unknown key 'zzzzzz' (valid keys: ")


@pytest.mark.parametrize(
    "data",
    [
        {"path": "/a", "origin": A, "origins": [B]},
        {"path": "/a", "origins": [B], "origin": A},
    ],
)
def test_alias_and_canonical_together(data):
    assert str(error(data)) == "'origin' and 'origins' given together; use 'origins' only"


@pytest.mark.parametrize(
    "data, message",
    [
        ([A], "a contract must be a mapping of keys, got list ['https://app.example']"),
        ("path: /a", "a contract must be a mapping of keys, got string 'path: /a'"),
        ({"origins": [A]}, "the contract with origins is missing the required key 'path' (e.g. path: /api/users)"),
        ({"name": "users", "origins": [A]}, "contract 'users' is missing the required key 'path' (e.g. path: /api/users)"),
        ({**base(), 1: 2}, "contract keys must be strings, got integer 1"),
        (base(path=5), "path must be a string like '/api/users', got integer 5"),
        (base(path="api/users"), "path 'api/users' must start with '/'; did you mean '/api/users'?"),
        (base(path="/a b"), "path '/a b' contains whitespace or a fragment (#)"),
        (base(path="/a#x"), "path '/a#x' contains whitespace or a fragment (#)"),
        (base(name=""), "name must be a non-empty string, got string ''"),
        (base(name=3), "name must be a non-empty string, got integer 3"),
        (base(origins=5), "origins must be a string or a list of strings, got integer 5"),
        (base(origins=[A, 5]), "origins[1] must be a string, got integer 5"),
        (base(origins=[A, "https://App.example:443"]), "origins: origin 'https://app.example' is listed twice"),
        (base(deny_origins=["https://*.evil.example"]), "deny_origins: 'https://*.evil.example' is a pattern; deny_origins takes exact origins only"),
        (base(methods=[]), "methods is empty: list at least one method (or drop the key for GET)"),
        (base(methods=["GET", None]), "methods[1] must be a string, got null None"),
        (base(methods=["PU T"]), "methods: 'PU T' is not a valid HTTP method token"),
        (base(methods=["GET\n"]), "methods: 'GET\\n' is not a valid HTTP method token"),
        (base(methods=["get", "GET"]), "methods: 'GET' is listed twice"),
        (base(methods="TRACE"), "methods: 'TRACE' is a forbidden method; fetch() refuses to send it"),
        (base(methods=["connect"]), "methods: 'connect' is a forbidden method; fetch() refuses to send it"),
        (base(credentials="yes"), "credentials must be true or false, got string 'yes'"),
        (base(credentials=1), "credentials must be true or false, got integer 1"),
        (base(vary="no"), "vary must be true or false, got string 'no'"),
        (base(request_headers=5), "request_headers must be a list of header names or a mapping name -> value, got integer"),
        (base(request_headers=["X Token"]), "request_headers: 'X Token' is not a valid header name"),
        (base(request_headers=["X-A", "x-a"]), "request_headers: 'x-a' is listed twice"),
        (base(request_headers={"X-A": True}), "request_headers: the value of 'X-A' must be a string, got boolean True (quote it in YAML)"),
        (base(request_headers={"X-A": [1]}), "request_headers: the value of 'X-A' must be a string, got list [1]"),
        (base(request_headers={"X-A": "a\r\nb"}), "request_headers: the value of 'X-A' contains CR, LF or NUL"),
        (base(request_headers={"X-A": "\u20ac"}), "request_headers: the value of 'X-A' has characters beyond Latin-1; fetch() rejects it"),
        (base(expose_headers=["X Total"]), "expose_headers: 'X Total' is not a valid header name"),
        (base(expose_headers=[7]), "expose_headers[0] must be a string, got integer 7"),
        (base(expose_headers=["Set-Cookie"]), "expose_headers: 'Set-Cookie' is never readable by JavaScript, whatever the server sends"),
        (base(max_age=-1), "max_age must not be negative, got -1"),
        (base(max_age="600"), "max_age must be a whole number of seconds, got string '600'"),
        (base(max_age=1.5), "max_age must be a whole number of seconds, got number 1.5"),
        (base(max_age=True), "max_age must be a whole number of seconds, got boolean True"),
        (base(max_age={}), "max_age: give min and/or max"),
        (base(max_age={"minimum": 5}), "max_age: unknown key 'minimum'; use min and/or max"),
        (base(max_age={"min": 10, "max": 5}), "max_age: min (10) is greater than max (5)"),
        (base(max_age={"min": -5}), "max_age.min must not be negative, got -5"),
        (base(max_age={"max": "1"}), "max_age.max must be a whole number of seconds, got string '1'"),
        (base(body=5), "body must be a string (or a mapping/list sent as JSON), got integer"),
        (base(audit="yes"), "audit must be true, false or {skip: [probe ids]}, got string"),
        (base(audit={"skips": []}), "audit: unknown key 'skips'; use audit: {skip: [probe ids]}"),
    ],
)
def test_rejected(data, message):
    assert str(error(data)) == message


def test_full_url_as_path():
    message = str(error(base(path="https://api.example/users")))
    assert message.startswith("path 'https://api.example/users' is a full URL; give the path only")


@pytest.mark.parametrize(
    "origin, fragment",
    [
        ("https://app.example/", "trailing slash (an origin has no path); did you mean 'https://app.example'?"),
        ("https://app.example/api", "it contains a path '/api' (an origin has no path); did you mean 'https://app.example'?"),
        ("app.example", "missing scheme (an origin is scheme://host[:port]); did you mean 'https://app.example'?"),
        ("https://u:p@app.example", "userinfo"),
        ("ws://app.example", "did you mean 'http://app.example'?"),
        ("https://app.example:99999", "port 99999 is out of range"),
        ("NULL", "did you mean 'null'?"),
    ],
)
def test_bad_origins(origin, fragment):
    message = str(error(base(origins=[origin])))
    assert message.startswith(f"origins: invalid origin {origin!r}: ")
    assert fragment in message
    message = str(error({"path": "/a", "deny_origins": [origin]}))
    assert message.startswith(f"deny_origins: invalid origin {origin!r}: ")


def test_bad_origin_error_names_the_alias_used():
    assert str(error({"path": "/a", "origin": "app.example"})).startswith("origin: invalid origin 'app.example'")


@pytest.mark.parametrize(
    "name",
    ["Cookie", "cookie", "Host", "Origin", "Referer", "Content-Length", "Connection", "Access-Control-Request-Method", "Sec-Fetch-Mode", "Proxy-Authorization"],
)
def test_forbidden_request_headers(name):
    message = str(error(base(request_headers=[name])))
    assert message.startswith(f"request_headers: {name!r} is a forbidden request header")
    assert "fetch() silently drops it" in message


@pytest.mark.parametrize(
    "data, message",
    [
        ({"path": "/a"}, "contract '/a' has nothing to check: give origins (that must be allowed) and/or deny_origins (that must be blocked)"),
        ({"path": "/a", "origins": []}, "contract '/a' has nothing to check: give origins (that must be allowed) and/or deny_origins (that must be blocked)"),
        (base(deny_origins=["https://App.example"]), "origin 'https://app.example' is both allowed (origins) and denied (deny_origins)"),
        ({"path": "/a", "origins": ["*"], "deny_origins": [B]}, "origins: ['*'] allows every origin, so deny_origins can never hold"),
        ({"path": "/a", "deny_origins": [B], "expose_headers": ["X-A"]}, "expose_headers needs at least one allowed origin to read them"),
    ],
)
def test_contradictions(data, message):
    assert str(error(data)) == message


def test_wildcard_with_credentials_is_a_contradiction():
    message = str(error({"path": "/a", "origins": ["*"], "credentials": True}))
    assert message.startswith("origins: ['*'] with credentials: true cannot work")
    assert "Access-Control-Allow-Origin: *" in message


def test_unknown_audit_probe_did_you_mean():
    message = str(error(base(audit={"skip": ["null-orign"]})))
    assert message.startswith("audit.skip: unknown probe 'null-orign'; did you mean 'null-origin'? (probes: ")
    assert all(probe in message for probe in PROBE_IDS)


# --- where an error happened ------------------------------------------------------------------


@pytest.mark.parametrize(
    "data, path",
    [
        ({"path": "/a", "origins": [A, "bad"]}, ("origins", 1)),
        ({"path": "/a", "origin": "bad"}, ("origin",)),
        ({"path": "/a", "origins": [A], "methods": ["GET", "TRACE"]}, ("methods", 1)),
        ({"path": "/a", "origins": [A], "request_headers": {"Cookie": "x"}}, ("request_headers", "Cookie")),
        ({"path": "/a", "origins": [A], "orgins": 1}, ("orgins", "<key>")),
        ({"path": "/a", "origins": [A], "max_age": {"min": 9, "max": "x"}}, ("max_age", "max")),
        ({"path": "/a", "origins": [A], "audit": {"skip": ["x", "nope"]}}, ("audit", "skip", 0)),
        ({"path": "/a", "origins": [A], "credentials": "no"}, ("credentials",)),
        ({"origins": [A]}, ()),
    ],
)
def test_errors_are_located(data, path):
    seen = []

    def locate(p):
        seen.append(p)
        return Location("contracts.yaml", len(p) + 1, 1, "/".join(map(str, p)))

    err = error(data, locate=locate)
    assert seen[-1] == path
    assert err.where == Location("contracts.yaml", len(path) + 1, 1, "/".join(map(str, path)))
    assert str(err) == f"{err.where}: {err.message}"


@pytest.mark.parametrize("method", ["GET", "head"])
def test_a_body_on_get_or_head_is_refused_like_fetch_does(method):
    with pytest.raises(ContractError, match=r"fetch\(\) refuses a body on GET/HEAD requests"):
        parse_contract({"path": "/a", "origins": ["https://app.example.com"], "methods": [method, "POST"], "body": "x"})
