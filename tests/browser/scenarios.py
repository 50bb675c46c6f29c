"""Generated CORS scenarios for the real-browser differential.

Each :class:`Scenario` says what the page's script does (method, headers,
credentials, body) and how the API server answers (preflight response, redirect
hops, final response). Nothing here says what the *outcome* should be: the
expectation is whatever the real browser did, and the test compares the
engine's verdict to it.

Header values may use the placeholders documented in ``scenario_server``
(``{origin}``, ``{api}``, ``{api2}``, ``{next}``, ``{echo}``, ``{pport}`` ...).

Design notes:
* Safelisting scenarios answer the preflight with a plain 404 without any CORS
  header (``DENY``) and the actual request with a good response, so "allowed"
  means exactly "the browser did not preflight".
* Every scenario gets its own URL path (``/s/<run>/<id>/<step>``), so no cached
  preflight leaks from one scenario to another.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Optional, Tuple

Headers = Tuple[Tuple[str, str], ...]

O = "{origin}"  # noqa: E741  (reads as the page origin placeholder in every scenario)
ACAO = "Access-Control-Allow-Origin"
ACAC = "Access-Control-Allow-Credentials"
ACAM = "Access-Control-Allow-Methods"
ACAH = "Access-Control-Allow-Headers"
ACEH = "Access-Control-Expose-Headers"

BASE_PROBES = ("content-type", "content-length", "cache-control", "content-language", "expires",
               "last-modified", "pragma", "x-custom", "x-secret", "set-cookie", "access-control-allow-origin",
               "access-control-expose-headers", "connection", "location")


@dataclass(frozen=True)
class Resp:
    status: int = 200
    headers: Headers = ()
    body: str = ""


@dataclass(frozen=True)
class Hop:
    """One redirect of the actual request. ``location`` defaults to the next
    step on server ``to`` (``api`` = same origin, ``api2`` = a third origin)."""

    status: int = 302
    headers: Headers = ((ACAO, O),)
    to: str = "api"
    userinfo: bool = False
    location: str = "{next}"


@dataclass(frozen=True)
class Scenario:
    id: str
    family: str
    method: str = "GET"
    headers: Headers = ()
    credentials: bool = False
    body: Optional[str] = None
    preflight: Resp = Resp(204, ((ACAO, O),))
    actual: Resp = Resp(200, ((ACAO, O), ("Content-Type", "text/plain")), "ok")
    hops: Tuple[Hop, ...] = ()
    step_preflights: Tuple[Tuple[int, Resp], ...] = ()   # per-step preflight overrides
    note: str = ""
    #: The server of the first URL: ``api``, or ``page`` for a fetch that starts on the page's own origin.
    start: str = "api"
    #: Browsers whose wire is known to differ from the engine's (the verdict still must match): see the note.
    wire_reported_only: Tuple[str, ...] = ()
    #: Browsers that block this scenario without a console message (the capture check skips them).
    console_silent: Tuple[str, ...] = ()

    def preflight_for(self, step: int) -> Resp:
        return dict(self.step_preflights).get(step, self.preflight)

    @property
    def probes(self) -> Tuple[str, ...]:
        names = list(BASE_PROBES)
        for k, _ in self.actual.headers:
            if k.lower() not in names:
                names.append(k.lower())
        return tuple(names)

    def describe(self) -> str:
        parts = [f"{self.id} [{self.family}]", f"  fetch: {self.method} {self.start}/0 headers={list(self.headers)}"
                 f" credentials={'include' if self.credentials else 'same-origin'} body={self.body!r}"]
        parts.append(f"  preflight -> {self.preflight.status} {list(self.preflight.headers)}")
        for step, r in self.step_preflights:
            parts.append(f"  preflight@step{step} -> {r.status} {list(r.headers)}")
        for i, h in enumerate(self.hops):
            parts.append(f"  hop{i} -> {h.status} to={h.to} userinfo={h.userinfo} location={h.location} "
                         f"{list(h.headers)}")
        parts.append(f"  actual -> {self.actual.status} {list(self.actual.headers)}")
        if self.note:
            parts.append(f"  note: {self.note}")
        return "\n".join(parts)


def ok(*extra: Tuple[str, str], acao: Optional[str] = O, status: int = 200, cred: bool = False,
       body: str = "ok") -> Resp:
    hs = []
    if acao is not None:
        hs.append((ACAO, acao))
    if cred:
        hs.append((ACAC, "true"))
    hs.append(("Content-Type", "text/plain"))
    hs.extend(extra)
    return Resp(status, tuple(hs), body)


def pf(*extra: Tuple[str, str], status: int = 204, acao: Optional[str] = O, methods: Optional[str] = None,
       headers: Optional[str] = None, cred: bool = False) -> Resp:
    hs = []
    if acao is not None:
        hs.append((ACAO, acao))
    if cred:
        hs.append((ACAC, "true"))
    if methods is not None:
        hs.append((ACAM, methods))
    if headers is not None:
        hs.append((ACAH, headers))
    hs.extend(extra)
    return Resp(status, tuple(hs))


DENY = Resp(404, (("Content-Type", "text/plain"),), "no preflight expected")


def _build() -> list:
    S = []
    add = S.append

    # ---------------------------------------------------------------- methods
    fam = "method"
    for m in ("GET", "get", "HEAD", "POST", "post"):
        add(Scenario(f"method-simple-{m}", fam, method=m, preflight=DENY,
                     body="hi" if m.upper() == "POST" else None))
    add(Scenario("method-put-acam-put", fam, "PUT", preflight=pf(methods="PUT")))
    add(Scenario("method-put-no-acam", fam, "PUT", preflight=pf()))
    add(Scenario("method-put-lower-acam-PUT", fam, "put", preflight=pf(methods="PUT")))
    add(Scenario("method-delete-lower-acam-DELETE", fam, "delete", preflight=pf(methods="DELETE")))
    add(Scenario("method-delete-acam-delete-lower", fam, "DELETE", preflight=pf(methods="delete")))
    add(Scenario("method-patch-lower-acam-PATCH", fam, "patch", preflight=pf(methods="PATCH")))
    add(Scenario("method-patch-lower-acam-patch", fam, "patch", preflight=pf(methods="patch")))
    add(Scenario("method-PATCH-acam-PATCH", fam, "PATCH", preflight=pf(methods="PATCH")))
    add(Scenario("method-PATCH-acam-patch", fam, "PATCH", preflight=pf(methods="patch")))
    add(Scenario("method-Patch-acam-PATCH", fam, "Patch", preflight=pf(methods="PATCH")))
    add(Scenario("method-options-acam-OPTIONS", fam, "OPTIONS", preflight=pf(methods="OPTIONS")))
    add(Scenario("method-query-acam-QUERY", fam, "QUERY", preflight=pf(methods="QUERY")))
    add(Scenario("method-foo-acam-star", fam, "FOO", preflight=pf(methods="*")))
    add(Scenario("method-put-acam-star-cred", fam, "PUT", credentials=True,
                 preflight=pf(methods="*", cred=True), actual=ok(cred=True)))
    add(Scenario("method-put-acam-star-and-put-cred", fam, "PUT", credentials=True,
                 preflight=pf(methods="*, PUT", cred=True), actual=ok(cred=True)))
    add(Scenario("method-put-acam-list", fam, "PUT", preflight=pf(methods="GET, PUT, DELETE")))
    add(Scenario("method-put-acam-empty-items", fam, "PUT", preflight=pf(methods=",GET,, PUT ,")))
    add(Scenario("method-put-acam-PU-T", fam, "PUT", preflight=pf(methods="PU T")))
    add(Scenario("method-put-acam-PU-T-other", fam, "PUT", preflight=pf(methods="PUT, DE LETE")))
    add(Scenario("method-put-acam-semicolon", fam, "PUT", preflight=pf(methods="PUT;")))
    add(Scenario("method-put-acam-empty", fam, "PUT", preflight=pf(methods="")))
    add(Scenario("method-put-acam-two-lines", fam, "PUT",
                 preflight=pf((ACAM, "GET"), (ACAM, "PUT"))))
    add(Scenario("method-get-acam-PU-T", fam, "GET", headers=(("X-Token", "1"),),
                 preflight=pf(methods="PU T", headers="x-token"),
                 note="safelisted method but unparsable ACAM"))
    add(Scenario("method-post-json-acam-missing", fam, "POST", headers=(("Content-Type", "application/json"),),
                 body='{"a":1}', preflight=pf(headers="content-type"),
                 note="POST is safelisted, so no ACAM is needed"))

    # ------------------------------------------------------ unsafe request headers
    fam = "request-headers"
    add(Scenario("hdr-xtoken-acah-exact", fam, headers=(("X-Token", "1"),), preflight=pf(headers="x-token")))
    add(Scenario("hdr-xtoken-acah-upper", fam, headers=(("X-Token", "1"),), preflight=pf(headers="X-TOKEN")))
    add(Scenario("hdr-xtoken-acah-missing", fam, headers=(("X-Token", "1"),), preflight=pf()))
    add(Scenario("hdr-xtoken-acah-other", fam, headers=(("X-Token", "1"),), preflight=pf(headers="x-other")))
    add(Scenario("hdr-xtoken-acah-star", fam, headers=(("X-Token", "1"),), preflight=pf(headers="*")))
    add(Scenario("hdr-xtoken-acah-star-cred", fam, headers=(("X-Token", "1"),), credentials=True,
                 preflight=pf(headers="*", cred=True), actual=ok(cred=True)))
    add(Scenario("hdr-xtoken-acah-star-and-name-cred", fam, headers=(("X-Token", "1"),), credentials=True,
                 preflight=pf(headers="*, X-Token", cred=True), actual=ok(cred=True)))
    add(Scenario("hdr-two-acah-list", fam, headers=(("X-Token", "1"), ("X-Other", "2")),
                 preflight=pf(headers="x-other, x-token")))
    add(Scenario("hdr-two-acah-one-missing", fam, headers=(("X-Token", "1"), ("X-Other", "2")),
                 preflight=pf(headers="x-token")))
    add(Scenario("hdr-acah-empty-items", fam, headers=(("X-Token", "1"),), preflight=pf(headers=",,x-token,")))
    add(Scenario("hdr-acah-space-in-item", fam, headers=(("X-Token", "1"),), preflight=pf(headers="x token")))
    add(Scenario("hdr-acah-invalid-other-item", fam, headers=(("X-Token", "1"),),
                 preflight=pf(headers="x-token, x@bad")))
    add(Scenario("hdr-acah-two-lines", fam, headers=(("X-Token", "1"), ("X-Other", "2")),
                 preflight=pf((ACAH, "x-token"), (ACAH, "x-other"))))
    add(Scenario("hdr-put-method-missing-acah-invalid", fam, "PUT", headers=(("X-Token", "1"),),
                 preflight=pf(headers="x token"), note="Chromium vs Firefox order of checks"))
    add(Scenario("hdr-put-method-missing-header-missing", fam, "PUT", headers=(("X-Token", "1"),),
                 preflight=pf()))
    add(Scenario("hdr-authorization-acah-star", fam, headers=(("Authorization", "Bearer x"),),
                 preflight=pf(headers="*")))
    add(Scenario("hdr-authorization-acah-name", fam, headers=(("Authorization", "Bearer x"),),
                 preflight=pf(headers="Authorization")))
    add(Scenario("hdr-authorization-acah-star-cred", fam, headers=(("Authorization", "Bearer x"),),
                 credentials=True, preflight=pf(headers="*", cred=True), actual=ok(cred=True)))
    add(Scenario("hdr-authorization-xtoken-acah-star", fam,
                 headers=(("Authorization", "Bearer x"), ("X-Token", "1")), preflight=pf(headers="*")))
    add(Scenario("hdr-put-xtoken-all-star", fam, "PUT", headers=(("X-Token", "1"),),
                 preflight=pf(methods="*", headers="*")))
    add(Scenario("hdr-contenttype-json-acah", fam, "POST", headers=(("Content-Type", "application/json"),),
                 body="{}", preflight=pf(headers="Content-Type")))
    add(Scenario("hdr-contenttype-json-acah-missing", fam, "POST",
                 headers=(("Content-Type", "application/json"),), body="{}", preflight=pf()))
    # headers a script may set but an engine may drop (or refuse)
    for name, value in (("User-Agent", "pytest-cors"), ("X-HTTP-Method-Override", "PUT"),
                        ("X-Method-Override", "DELETE"), ("X-HTTP-Method", "PUT"), ("Cookie", "a=b"),
                        ("Sec-Custom", "1"), ("Proxy-Custom", "1"), ("Keep-Alive", "5"),
                        ("Referer", "http://example.com/")):
        slug = name.lower()
        add(Scenario(f"dropped-{slug}", "dropped-headers", headers=((name, value),), preflight=DENY,
                     note="preflight denied: allowed <=> header dropped or safelisted"))
    add(Scenario("dropped-method-override-safe-value", "dropped-headers",
                 headers=(("X-HTTP-Method-Override", "GET"),), preflight=DENY))
    for name, value in (("X-HTTP-Method-Override", "TRACE"), ("X-HTTP-Method", "CONNECT"),
                        ("X-Method-Override", "get, track")):
        add(Scenario(f"dropped-{name.lower()}-{value.split(',')[-1].strip().lower()}", "dropped-headers",
                     headers=((name, value),), preflight=DENY,
                     note="method-override header naming a forbidden method"))

    # ------------------------------------------------------------- safelisting
    fam = "safelist"

    def safelist(slug: str, headers: Headers, method: str = "GET", body: Optional[str] = None, note: str = ""):
        add(Scenario(f"safe-{slug}", fam, method=method, headers=headers, body=body, preflight=DENY, note=note))

    safelist("accept-json", (("Accept", "application/json"),))
    safelist("accept-tab", (("Accept", "text/html,\tapplication/json"),))
    safelist("accept-quote", (("Accept", 'text/html"'),))
    safelist("accept-paren", (("Accept", "text/html(1)"),))
    safelist("accept-colon", (("Accept", "a:b"),))
    safelist("accept-brace", (("Accept", "a{b}"),))
    safelist("accept-at", (("Accept", "a@b"),))
    safelist("accept-del", (("Accept", "a\x7fb"),))
    safelist("accept-nonascii", (("Accept", "text/h\u00e9ml"),))
    safelist("accept-128", (("Accept", "a" * 128),))
    safelist("accept-129", (("Accept", "a" * 129),))
    safelist("accept-twice-short", (("Accept", "text/html"), ("Accept", "application/json")))
    safelist("accept-twice-100", (("Accept", "a" * 100), ("Accept", "b" * 100)),
             note="each line <=128 but combined >128")
    safelist("accept-many-over-1024", tuple(("Accept", "x" * 120) for _ in range(9)))
    safelist("all-safelisted-under-1024",
             (("Accept", "a" * 128), ("Accept-Language", "b" * 128), ("Content-Language", "c" * 128),
              ("Range", "bytes=0-1")))
    safelist("ctype-text-plain", (("Content-Type", "text/plain"),), "POST", "x")
    safelist("ctype-text-plain-charset-x", (("Content-Type", "text/plain;charset=x"),), "POST", "x")
    safelist("ctype-text-plain-space-charset", (("Content-Type", "text/plain; charset=utf-8"),), "POST", "x")
    safelist("ctype-TEXT-PLAIN", (("Content-Type", "TEXT/PLAIN"),), "POST", "x")
    safelist("ctype-json", (("Content-Type", "application/json"),), "POST", "{}")
    safelist("ctype-form", (("Content-Type", "application/x-www-form-urlencoded"),), "POST", "a=1")
    safelist("ctype-multipart-no-boundary", (("Content-Type", "multipart/form-data"),), "POST", "x")
    safelist("ctype-text-html", (("Content-Type", "text/html"),), "POST", "x")
    safelist("ctype-quoted-param", (("Content-Type", 'text/plain;charset="x"'),), "POST", "x")
    safelist("ctype-two-types", (("Content-Type", "text/plain, application/json"),), "POST", "x")
    safelist("ctype-two-types-rev", (("Content-Type", "application/json, text/plain"),), "POST", "x")
    safelist("ctype-no-subtype", (("Content-Type", "text"),), "POST", "x")
    safelist("ctype-spaces-in-essence", (("Content-Type", "text / plain"),), "POST", "x")
    safelist("ctype-nonascii-param", (("Content-Type", "text/plain;a=\u00e9"),), "POST", "x")
    safelist("ctype-trailing-semicolon", (("Content-Type", "text/plain;"),), "POST", "x")
    safelist("ctype-on-get", (("Content-Type", "application/json"),), "GET")
    safelist("ctype-string-body-implied", (), "POST", "plain string body")
    safelist("range-0-1", (("Range", "bytes=0-1"),))
    safelist("range-open", (("Range", "bytes=0-"),))
    safelist("range-BYTES", (("Range", "BYTES=0-1"),))
    safelist("range-reversed", (("Range", "bytes=5-1"),))
    safelist("range-equal", (("Range", "bytes=5-5"),))
    safelist("range-suffix", (("Range", "bytes=-5"),))
    safelist("range-multi", (("Range", "bytes=0-1,2-3"),))
    safelist("range-spaces", (("Range", "bytes = 0-1"),))
    safelist("range-leading-zero", (("Range", "bytes=00-01"),))
    safelist("range-other-unit", (("Range", "items=0-1"),))
    # Position limits: no engine safelists a position beyond 64 bits; Chromium stops below
    # 2^63 - 1, WebKit at 2^32 - 1 (and reads a missing or zero end as "to the end").
    for slug, value in (
        ("64bit-max-end", f"bytes=0-{2**64 - 1}"),
        ("over-64bit-end", f"bytes=0-{2**64}"),
        ("over-64bit-start", f"bytes={2**64}-"),
        ("over-64bit-both", f"bytes={2**64}-{2**64 + 1}"),
        ("over-64bit-suffix", f"bytes=-{2**64}"),
        ("20-digits", "bytes=0-99999999999999999999"),
        ("21-digits-small-value", "bytes=0-000000000000000000001"),
        ("int64-max-end", f"bytes=0-{2**63 - 1}"),
        ("int64-max-less-1-end", f"bytes=0-{2**63 - 2}"),
        ("int64-max-start", f"bytes={2**63 - 1}-"),
        ("int64-max-less-1-start", f"bytes={2**63 - 2}-"),
        ("uint32-max-end", f"bytes=0-{2**32 - 1}"),
        ("over-uint32-end", f"bytes=0-{2**32}"),
        ("uint32-max-start", f"bytes={2**32 - 1}-"),
        ("over-uint32-start", f"bytes={2**32}-"),
        ("uint32-max-suffix", f"bytes=-{2**32 - 1}"),
        ("over-uint32-suffix", f"bytes=-{2**32}"),
        ("end-zero", "bytes=5-0"),
        ("zero-zero", "bytes=0-0"),
        ("suffix-zero", "bytes=-0"),
        ("dash-only", "bytes=-"),
    ):
        safelist(f"range-{slug}", (("Range", value),))
    # A comma in Content-Type: Firefox reads the value as a request content type, which refuses
    # a list (a comma outside a quoted string); Chromium and WebKit parse one MIME type, where a
    # comma inside a parameter value is just a character. A quote is unsafe everywhere.
    for slug, value in (
        ("param-comma", "text/plain;a=b,c"),
        ("param-comma-space", "text/plain; a=b, c"),
        ("param-comma-type", "text/plain;a=b,text/html"),
        ("param-comma-json", "text/plain;a=b,application/json"),
        ("charset-trailing-comma", "text/plain;charset=utf-8,"),
        ("empty-param-comma", "text/plain;,a=b"),
        ("form-param-comma", "application/x-www-form-urlencoded;a=b,c"),
        ("multipart-boundary-comma", "multipart/form-data;boundary=a,b"),
        ("quoted-comma", 'text/plain;charset="a,b"'),
        ("quoted-comma-json", 'text/plain;a="b,application/json"'),
        ("trailing-comma", "text/plain,"),
        ("json-param-comma-plain", "application/json;a=b,text/plain"),
        ("plain-comma-plain", "text/plain,text/plain"),
    ):
        safelist(f"ctype-{slug}", (("Content-Type", value),), "POST", "x")
    safelist("accept-language-ok", (("Accept-Language", "en-US,en;q=0.9"),))
    safelist("ctype-padded", (("Content-Type", "  text/plain  "),), "POST", "x", note="fetch() trims values")
    safelist("ctype-space-before-semicolon", (("Content-Type", "text/plain ;charset=x"),), "POST", "x")
    safelist("accept-language-empty", (("Accept-Language", ""),))
    safelist("xtoken-empty-value", (("X-Token", ""),))
    safelist("accept-padded-129", (("Accept", "  " + "a" * 127 + "  "),), note="129+ bytes before trimming")
    safelist("accept-language-star", (("Accept-Language", "*"),))
    safelist("accept-language-underscore", (("Accept-Language", "en_US"),))
    safelist("accept-language-paren", (("Accept-Language", "en(US)"),))
    safelist("accept-language-129", (("Accept-Language", "e" * 129),))
    safelist("content-language-ok", (("Content-Language", "de-DE"),))
    safelist("content-language-slash", (("Content-Language", "de/DE"),))

    # ------------------------------------------------------------- ACAO variants
    fam = "acao"

    def acao_case(slug: str, *lines: str, cred: bool = False, acac: Optional[Tuple[str, ...]] = None,
                  status: int = 200):
        hs = [(ACAO, v) for v in lines]
        if acac is None and cred:
            acac = ("true",)
        for v in acac or ():
            hs.append((ACAC, v))
        hs.append(("Content-Type", "text/plain"))
        add(Scenario(f"acao-{slug}", fam, credentials=cred, preflight=DENY,
                     actual=Resp(status, tuple(hs), "ok")))

    acao_case("missing")
    acao_case("star", "*")
    acao_case("exact", O)
    acao_case("echo", "{echo}")
    acao_case("upper-scheme", "HTTP://127.0.0.1:{pport}")
    acao_case("localhost-host", "http://localhost:{pport}")
    acao_case("https", "https://127.0.0.1:{pport}")
    acao_case("no-port", "http://127.0.0.1")
    acao_case("trailing-slash", O + "/")
    acao_case("null", "null")
    acao_case("empty", "")
    acao_case("two-lines-same", O, O)
    acao_case("two-lines-origin-star", O, "*")
    acao_case("two-lines-star", "*", "*")
    acao_case("comma", O + ", " + O)
    acao_case("comma-other", "http://a.test, " + O)
    acao_case("space-two", O + " http://a.test")
    acao_case("garbage", "foo")
    acao_case("garbage-spaces", "not a url")
    acao_case("star-quoted", '"*"')
    acao_case("origin-path", O + "/path")
    # credentials
    acao_case("cred-exact-acac-true", O, cred=True)
    acao_case("cred-exact-acac-True", O, cred=True, acac=("True",))
    acao_case("cred-exact-acac-missing", O, cred=True, acac=())
    acao_case("cred-exact-acac-1", O, cred=True, acac=("1",))
    acao_case("cred-exact-acac-quoted", O, cred=True, acac=('"true"',))
    acao_case("cred-exact-acac-two-lines", O, cred=True, acac=("true", "true"))
    acao_case("cred-star-acac-true", "*", cred=True)
    acao_case("cred-star-acac-missing", "*", cred=True, acac=())
    acao_case("cred-mismatch-acac-missing", "http://a.test", cred=True, acac=())
    acao_case("cred-two-lines-acac-true", O, O, cred=True)
    acao_case("cred-missing-acac-true", cred=True)
    acao_case("cred-null", "null", cred=True)
    # actual status does not matter
    acao_case("status-404-good", O, status=404)
    acao_case("status-500-good", O, status=500)
    acao_case("status-500-missing", status=500)
    acao_case("status-204-good", O, status=204)
    acao_case("status-404-mismatch", "http://a.test", status=404)

    # ------------------------------------------------------------- preflight checks
    fam = "preflight"
    put = dict(method="PUT")
    add(Scenario("pf-acao-missing", fam, **put, preflight=pf(acao=None, methods="PUT")))
    add(Scenario("pf-acao-star", fam, **put, preflight=pf(acao="*", methods="PUT")))
    add(Scenario("pf-acao-mismatch", fam, **put, preflight=pf(acao="http://a.test", methods="PUT")))
    add(Scenario("pf-acao-null", fam, **put, preflight=pf(acao="null", methods="PUT")))
    add(Scenario("pf-acao-garbage", fam, **put, preflight=pf(acao="foo", methods="PUT")))
    add(Scenario("pf-acao-two-lines", fam, **put, preflight=pf((ACAO, O), methods="PUT")))
    add(Scenario("pf-acao-comma", fam, **put, preflight=pf(acao=O + ", " + O, methods="PUT")))
    add(Scenario("pf-acao-ok-actual-missing", fam, **put, preflight=pf(methods="PUT"), actual=ok(acao=None)))
    add(Scenario("pf-cred-star", fam, **put, credentials=True, preflight=pf(acao="*", methods="PUT", cred=True),
                 actual=ok(cred=True)))
    add(Scenario("pf-cred-acac-missing", fam, **put, credentials=True, preflight=pf(methods="PUT"),
                 actual=ok(cred=True)))
    add(Scenario("pf-cred-acac-True", fam, **put, credentials=True,
                 preflight=pf((ACAC, "True"), methods="PUT"), actual=ok(cred=True)))
    add(Scenario("pf-cred-ok-actual-acac-missing", fam, **put, credentials=True,
                 preflight=pf(methods="PUT", cred=True), actual=ok()))
    add(Scenario("pf-cred-ok", fam, **put, credentials=True, preflight=pf(methods="PUT", cred=True),
                 actual=ok(cred=True)))
    for st in (200, 204, 299):
        add(Scenario(f"pf-status-{st}", fam, **put, preflight=pf(status=st, methods="PUT")))
    for st in (400, 404, 500):
        add(Scenario(f"pf-status-{st}-good-headers", fam, **put, preflight=pf(status=st, methods="PUT")))
    add(Scenario("pf-status-404-no-acao", fam, **put, preflight=pf(status=404, acao=None)))
    add(Scenario("pf-status-500-acao-mismatch", fam, **put, preflight=pf(status=500, acao="http://a.test")))
    for st in (301, 302, 307, 308):
        add(Scenario(f"pf-redirect-{st}", fam, **put,
                     preflight=pf(("Location", "{next}"), status=st, methods="PUT")))
    add(Scenario("pf-redirect-302-no-acao", fam, **put,
                 preflight=pf(("Location", "{next}"), status=302, acao=None)))
    add(Scenario("pf-status-404-method-missing", fam, **put, preflight=pf(status=404)))

    # ------------------------------------------------------------- expose headers
    fam = "expose"
    rich = ((ACAO, O), ("Content-Type", "text/plain"), ("Cache-Control", "no-cache"), ("X-Custom", "1"),
            ("X-Secret", "2"), ("Set-Cookie", "a=b; Path=/"), ("Content-Language", "en"))

    def expose(slug: str, *aceh_lines: str, cred: bool = False, extra: Headers = ()):
        hs = list(rich) + [(ACEH, v) for v in aceh_lines] + list(extra)
        if cred:
            hs.append((ACAC, "true"))
        add(Scenario(f"expose-{slug}", fam, credentials=cred, preflight=DENY, actual=Resp(200, tuple(hs), "ok")))

    expose("none")
    expose("x-custom", "X-Custom")
    expose("x-custom-lower", "x-custom")
    expose("two-names", "X-Custom, X-Secret")
    expose("empty-items", ",X-Custom,,X-Secret,")
    expose("two-lines", "X-Custom", "X-Secret")
    expose("space-separated", "X-Custom X-Secret")
    expose("star", "*")
    expose("star-cred", "*", cred=True)
    expose("star-and-name-cred", "*, X-Custom", cred=True)
    expose("name-cred", "X-Custom", cred=True)
    expose("set-cookie", "Set-Cookie")
    expose("set-cookie-star", "Set-Cookie, *")
    expose("acao-itself", "Access-Control-Allow-Origin")
    expose("duplicate-values", "X-Custom", extra=(("X-Custom", "again"),))
    expose("invalid-token", "X-Custom, x@y")

    # ------------------------------------------------------------- redirects
    fam = "redirect"
    add(Scenario("redir-same-origin-302", fam, hops=(Hop(302),)))
    add(Scenario("redir-same-origin-relative", fam, hops=(Hop(302, location="{next_path}"),)))
    add(Scenario("redir-same-origin-hop-missing-acao", fam, hops=(Hop(302, headers=()),)))
    add(Scenario("redir-same-origin-hop-acao-star", fam, hops=(Hop(302, headers=((ACAO, "*"),)),)))
    add(Scenario("redir-two-hops", fam, hops=(Hop(301), Hop(307))))
    add(Scenario("redir-cross-final-star", fam, hops=(Hop(302, to="api2"),), actual=ok(acao="*")))
    add(Scenario("redir-cross-final-origin", fam, hops=(Hop(302, to="api2"),), actual=ok()))
    add(Scenario("redir-cross-final-null", fam, hops=(Hop(302, to="api2"),), actual=ok(acao="null")))
    add(Scenario("redir-cross-final-echo", fam, hops=(Hop(302, to="api2"),), actual=ok(acao="{echo}")))
    # back to the page's own origin: tainted too (Fetch: the current URL's origin is not the request's origin)
    add(Scenario("redir-to-page-origin-null", fam, hops=(Hop(302, to="page"),), actual=ok(acao="null")))
    add(Scenario("redir-to-page-origin-origin", fam, hops=(Hop(302, to="page"),), actual=ok()))
    add(Scenario("redir-cross-then-back-origin", fam, hops=(Hop(302, to="api2"), Hop(302, headers=((ACAO, "*"),))),
                 actual=ok(), note="api -> api2 -> api; is the origin still tainted?"))
    add(Scenario("redir-cross-then-back-echo", fam,
                 hops=(Hop(302, to="api2"), Hop(302, headers=((ACAO, "{echo}"),))), actual=ok(acao="{echo}")))
    add(Scenario("redir-cross-cred-null", fam, credentials=True,
                 hops=(Hop(302, to="api2", headers=((ACAO, O), (ACAC, "true"))),),
                 actual=ok(acao="null", cred=True)))
    add(Scenario("redir-cross-cred-echo", fam, credentials=True,
                 hops=(Hop(302, to="api2", headers=((ACAO, O), (ACAC, "true"))),),
                 actual=ok(acao="{echo}", cred=True)))
    add(Scenario("redir-cred-hop-acac-missing", fam, credentials=True, hops=(Hop(302),), actual=ok(cred=True)))
    add(Scenario("redir-cred-ok", fam, credentials=True, hops=(Hop(302, headers=((ACAO, O), (ACAC, "true"))),),
                 actual=ok(cred=True)))
    add(Scenario("redir-userinfo-same-origin", fam, hops=(Hop(302, userinfo=True),)))
    add(Scenario("redir-userinfo-cross", fam, hops=(Hop(302, to="api2", userinfo=True),), actual=ok(acao="*")))
    for st in (301, 302, 303, 307, 308):
        add(Scenario(f"redir-post-{st}", fam, "POST", body="payload", hops=(Hop(st),), preflight=DENY))
    add(Scenario("redir-post-xtoken-302", fam, "POST", headers=(("X-Token", "1"),), body="payload",
                 hops=(Hop(302),), preflight=pf(methods="POST", headers="x-token")))
    add(Scenario("redir-post-json-301", fam, "POST", headers=(("Content-Type", "application/json"),),
                 body='{"a":1}', hops=(Hop(301),), preflight=pf(headers="content-type")))
    add(Scenario("redir-post-json-301-deny-2nd", fam, "POST", headers=(("Content-Type", "application/json"),),
                 body='{"a":1}', hops=(Hop(301),), preflight=pf(headers="content-type"),
                 step_preflights=((1, DENY),), note="a second preflight (for the GET) is denied"))
    add(Scenario("redir-put-json-303", fam, "PUT", headers=(("Content-Type", "application/json"),),
                 body='{"a":1}', hops=(Hop(303),), preflight=pf(methods="PUT", headers="content-type")))
    add(Scenario("redir-put-json-303-deny-2nd", fam, "PUT", headers=(("Content-Type", "application/json"),),
                 body='{"a":1}', hops=(Hop(303),), preflight=pf(methods="PUT", headers="content-type"),
                 step_preflights=((1, DENY),)))
    add(Scenario("redir-put-307-same", fam, "PUT", body="x", hops=(Hop(307),), preflight=pf(methods="PUT")))
    add(Scenario("redir-put-307-deny-2nd", fam, "PUT", body="x", hops=(Hop(307),), preflight=pf(methods="PUT"),
                 step_preflights=((1, DENY),)))
    add(Scenario("redir-put-308-cross-star", fam, "PUT", body="x", hops=(Hop(308, to="api2"),),
                 preflight=pf(methods="PUT", acao="*"), actual=ok(acao="*")))
    add(Scenario("redir-put-307-cross-echo", fam, "PUT", body="x", hops=(Hop(307, to="api2"),),
                 preflight=pf(methods="PUT", acao="{echo}"), actual=ok(acao="{echo}")))
    add(Scenario("redir-xtoken-302-cross-echo", fam, headers=(("X-Token", "1"),),
                 hops=(Hop(302, to="api2"),), preflight=pf(headers="x-token", acao="{echo}"),
                 actual=ok(acao="{echo}")))
    add(Scenario("redir-delete-303-cross-echo", fam, "DELETE", hops=(Hop(303, to="api2"),),
                 preflight=pf(methods="DELETE", acao="{echo}"), actual=ok(acao="{echo}")))
    add(Scenario("redir-post-303-cross-xtoken", fam, "POST", headers=(("X-Token", "1"),), body="x",
                 hops=(Hop(303, to="api2"),), preflight=pf(headers="x-token", methods="POST", acao="{echo}"),
                 actual=ok(acao="{echo}")))
    add(Scenario("redir-expose-final", fam, hops=(Hop(302, headers=((ACAO, O), (ACEH, "X-Secret"))),),
                 actual=ok(("X-Custom", "1"), ("X-Secret", "2"), (ACEH, "X-Custom"))))

    # ----------------------------------------- what the network stack normalises
    fam = "wire-normalisation"
    add(Scenario("ws-acao-padded", fam, preflight=DENY, actual=ok(acao="  {origin}  ".replace("{origin}", O))))
    add(Scenario("ws-acac-padded-cred", fam, credentials=True, preflight=DENY,
                 actual=Resp(200, ((ACAO, O), (ACAC, " true ")), "ok")))
    add(Scenario("ws-acac-two-lines-cred", fam, credentials=True, preflight=DENY,
                 actual=Resp(200, ((ACAO, O), (ACAC, "true"), (ACAC, "true")), "ok")))
    add(Scenario("ws-acao-same-twice", fam, preflight=DENY, actual=Resp(200, ((ACAO, O), (ACAO, O)), "ok")))
    add(Scenario("pf-302-no-location", fam, "PUT", preflight=pf(methods="PUT", status=302)))
    add(Scenario("pf-300-no-location", fam, "PUT", preflight=pf(methods="PUT", status=300)))
    add(Scenario("pf-200-with-body-fields", fam, "PUT", preflight=pf(("Content-Type", "text/html"), methods="PUT", status=200)))
    add(Scenario("actual-302-no-location", fam, preflight=DENY, actual=Resp(302, ((ACAO, O),), "moved")))
    add(Scenario("actual-304", fam, preflight=DENY, actual=Resp(304, ((ACAO, O),), "")))
    add(Scenario("acao-star-cred-false-acac-true", fam, preflight=DENY,
                 actual=Resp(200, ((ACAO, "*"), (ACAC, "true")), "ok")))
    add(Scenario("form-post-urlencoded", fam, "POST", headers=(("Content-Type", "application/x-www-form-urlencoded"),),
                 body="a=1", preflight=DENY))
    add(Scenario("form-post-multipart-boundary", fam, "POST",
                 headers=(("Content-Type", "multipart/form-data; boundary=xyz"),), body="--xyz--", preflight=DENY))
    add(Scenario("content-type-text-plain-upper", fam, "POST", headers=(("Content-Type", "TEXT/PLAIN"),),
                 body="x", preflight=DENY))

    # ------------------------------------------- Authorization across a cross-origin redirect
    fam = "redirect-authorization"
    add(Scenario("redir-auth-307-cross-echo", fam, headers=(("Authorization", "Bearer t"),),
                 hops=(Hop(307, to="api2"),), preflight=pf(headers="authorization", acao="{echo}"),
                 actual=ok(acao="{echo}"), note="is Authorization stripped (and the 2nd preflight skipped)?"))
    add(Scenario("redir-auth-xtoken-307-cross-echo", fam, headers=(("Authorization", "Bearer t"), ("X-Token", "1")),
                 hops=(Hop(307, to="api2"),), preflight=pf(headers="authorization, x-token", acao="{echo}"),
                 actual=ok(acao="{echo}")))
    add(Scenario("redir-auth-307-same-origin", fam, headers=(("Authorization", "Bearer t"),),
                 hops=(Hop(307),), preflight=pf(headers="authorization")))

    # ------------------------------- a fetch of the page's own origin redirected to another origin
    # Measured (Chromium, Firefox ESR, WPE WebKit 2.38 alike unless said): the first hop is same-origin (Fetch
    # response tainting "basic": no CORS check, no preflight, Origin only for a method other than GET/HEAD);
    # from the first hop at another origin on, every hop is a CORS request with the page's Origin (untainted:
    # the redirect left from the page's own origin), preflighted there when needed; back at the page's origin
    # after that, the Origin is null and the response is still CORS-checked.
    fam = "same-origin-redirect"
    so = dict(start="page")
    add(Scenario("so-get-302-api-origin", fam, **so, hops=(Hop(302, headers=()),), preflight=DENY))
    add(Scenario("so-get-307-api-origin", fam, **so, hops=(Hop(307, headers=()),), preflight=DENY))
    add(Scenario("so-get-302-api-missing", fam, **so, hops=(Hop(302, headers=()),), preflight=DENY,
                 actual=ok(acao=None)))
    add(Scenario("so-get-302-api-echo", fam, **so, hops=(Hop(302, headers=()),), preflight=DENY,
                 actual=ok(("X-Custom", "1"), acao="{echo}")))
    add(Scenario("so-get-302-api-star-expose", fam, **so, hops=(Hop(302, headers=()),), preflight=DENY,
                 actual=ok(("X-Custom", "1"), ("X-Secret", "2"), (ACEH, "X-Custom"), acao="*")))
    add(Scenario("so-head-302-api-missing", fam, "HEAD", **so, hops=(Hop(302, headers=()),), preflight=DENY,
                 actual=ok(acao=None)))
    add(Scenario("so-put-307-api-pf-ok", fam, "PUT", **so, body="x", hops=(Hop(307, headers=()),),
                 preflight=pf(methods="PUT"), actual=ok(acao="{echo}")))
    add(Scenario("so-put-307-api-pf-refused", fam, "PUT", **so, body="x", hops=(Hop(307, headers=()),),
                 preflight=pf()))
    add(Scenario("so-xtoken-307-api-pf-ok", fam, **so, headers=(("X-Token", "1"),), hops=(Hop(307, headers=()),),
                 preflight=pf(headers="x-token"), actual=ok(acao="{echo}")))
    add(Scenario("so-xtoken-307-api-pf-refused", fam, **so, headers=(("X-Token", "1"),),
                 hops=(Hop(307, headers=()),), preflight=pf()))
    add(Scenario("so-post-302-api", fam, "POST", **so, body="payload", hops=(Hop(302, headers=()),),
                 preflight=DENY, actual=ok(acao="{echo}")))
    add(Scenario("so-post-307-api", fam, "POST", **so, body="payload", hops=(Hop(307, headers=()),),
                 preflight=DENY, actual=ok(acao="{echo}")))
    add(Scenario("so-post-307-api-missing", fam, "POST", **so, body="payload", hops=(Hop(307, headers=()),),
                 preflight=DENY, actual=ok(acao=None)))
    add(Scenario("so-put-302-page-stays", fam, "PUT", **so, body="x", hops=(Hop(302, headers=(), to="page"),),
                 preflight=DENY, actual=ok(acao=None), note="never leaves the page's origin: no CORS at all"))
    add(Scenario("so-get-302-page-then-api", fam, **so,
                 hops=(Hop(302, headers=(), to="page"), Hop(302, headers=())), preflight=DENY,
                 actual=ok(acao="{echo}")))
    # WebKit 2.38 only (profile field same_origin_start_credentials_redirects): once a fetch() that began at
    # the page's origin left it, a redirect response at another origin is checked as credentialed
    # (ACAC: true needed) though credentials are 'same-origin'; the final response is not.
    add(Scenario("so-get-api-and-back-echo", fam, **so, hops=(Hop(302, headers=()), Hop(302, to="page")),
                 preflight=DENY, actual=ok(acao="{echo}"), note="page -> api -> page: Origin null at home"))
    add(Scenario("so-get-api-and-back-missing", fam, **so, hops=(Hop(302, headers=()), Hop(302, to="page")),
                 preflight=DENY, actual=ok(acao=None)))
    add(Scenario("so-get-api-and-back-acac", fam, **so,
                 hops=(Hop(302, headers=()), Hop(302, to="page", headers=((ACAO, O), (ACAC, "true")))),
                 preflight=DENY, actual=ok(acao="{echo}")))
    add(Scenario("so-get-api-api2-echo", fam, **so, hops=(Hop(302, headers=()), Hop(302, to="api2")),
                 preflight=DENY, actual=ok(acao="{echo}")))
    add(Scenario("so-get-api-star-acac-api2", fam, **so,
                 hops=(Hop(302, headers=()), Hop(302, to="api2", headers=((ACAO, "*"), (ACAC, "true")))),
                 preflight=DENY, actual=ok(acao="{echo}")))
    add(Scenario("so-get-api-acac-api2-final", fam, **so,
                 hops=(Hop(302, headers=()), Hop(302, to="api2", headers=((ACAO, O), (ACAC, "true")))),
                 preflight=DENY, actual=ok(acao="{echo}")))
    add(Scenario("so-put-api-acac-pf-api2", fam, "PUT", **so, body="x",
                 hops=(Hop(307, headers=()), Hop(307, to="api2", headers=((ACAO, O), (ACAC, "true")))),
                 preflight=pf(methods="PUT", acao="{echo}"), actual=ok(acao="{echo}")))
    webkit_preflights_first = ("WebKit 2.38 sends the next hop's (sticky) preflight before it refuses the redirect"
                               " response without ACAC; the engine refuses at the redirect (same verdict)")
    add(Scenario("so-put-api-pf-api2", fam, "PUT", **so, body="x",
                 hops=(Hop(307, headers=()), Hop(307, to="api2")), preflight=pf(methods="PUT", acao="{echo}"),
                 actual=ok(acao="{echo}"), wire_reported_only=("cog",), note=webkit_preflights_first))
    add(Scenario("so-put-api-pf-api2-acac-pf", fam, "PUT", **so, body="x",
                 hops=(Hop(307, headers=()), Hop(307, to="api2")), preflight=pf(methods="PUT", acao="{echo}"),
                 step_preflights=((2, pf(methods="PUT", acao="{echo}", cred=True)),),
                 actual=ok(acao="{echo}", cred=True), wire_reported_only=("cog",), note=webkit_preflights_first))
    # A redirect to a URL with credentials from and to the page's own origin: Firefox and WebKit follow it,
    # Chromium refuses it (a network error without a console message). From the API to the page's origin
    # all three refuse it (Chromium silently).
    add(Scenario("so-get-302-page-userinfo", fam, **so, hops=(Hop(302, headers=(), to="page", userinfo=True),),
                 preflight=DENY, actual=ok(acao=None), console_silent=("chromium",)))
    add(Scenario("xo-get-302-page-userinfo", fam, hops=(Hop(302, to="page", userinfo=True),), preflight=DENY,
                 actual=ok(acao="*"), console_silent=("chromium",)))
    add(Scenario("so-get-302-api-userinfo", fam, **so, hops=(Hop(302, headers=(), userinfo=True),),
                 preflight=DENY, actual=ok(acao="*")))
    add(Scenario("xo-get-api-page-api", fam, hops=(Hop(302, to="page"), Hop(302, headers=((ACAO, "null"),))),
                 preflight=DENY, actual=ok(acao="null"), note="began at the API: no credentialed redirects in WebKit"))
    return S


SCENARIOS = _build()
_ids = [s.id for s in SCENARIOS]
assert len(_ids) == len(set(_ids)), "duplicate scenario ids"
BY_ID: Dict[str, Scenario] = {s.id: s for s in SCENARIOS}


def page_spec(ctx, run: str) -> list:
    """The JSON the page runs: one entry per scenario, in order."""
    out = []
    for s in SCENARIOS:
        out.append({"id": s.id, "url": ctx.url(run, s.id, 0, s.start), "method": s.method,
                    "headers": [list(h) for h in s.headers], "credentials": s.credentials,
                    "body": s.body, "probe": list(s.probes)})
    return out
