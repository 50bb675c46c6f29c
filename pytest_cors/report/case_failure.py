"""Failure reports that read like a good bug report.

Each report says which case broke, what Chromium would print, which browsers
block, how to reproduce each request with curl, the expected and actual CORS
headers side by side, and a one-line hint at the usual fix. Secrets are
redacted everywhere text leaves the plugin.
"""

from __future__ import annotations

from typing import List, Sequence, Tuple

from pytest_cors.browser import rules
from pytest_cors.browser.exchange import Exchange, HttpRequest, HttpResponse
from pytest_cors.browser.fetch import BrowserVerdict
from pytest_cors.browser.profiles import PROFILES
from pytest_cors.check.case import CaseResult, Problem, ProblemKind, console_verdict
from pytest_cors.report.cookie_lines import cookie_hint, cookie_lines
from pytest_cors.report.curl import curl_command
from pytest_cors.report.framework_hints import starlette_preflight_hint
from pytest_cors.report.redaction import Redactor, printable, shorten

# --- hints -------------------------------------------------------------------------------------


def hint_for(failure: rules.Failure, origin: str, method: str) -> str:
    """One line at the usual fix, in the words of flask-cors / django-cors-headers users."""
    code, status = failure.code, failure.status or 0
    if code == rules.ACAO_MISSING and failure.on_preflight:
        if status in (401, 403):
            return (f"the preflight got {status}: authentication runs before the CORS layer; let OPTIONS "
                    "requests through unauthenticated (browsers never send credentials on a preflight)")
        if status in (404, 405, 501):
            return (f"the preflight got {status}: nothing answers OPTIONS on this route; let the CORS "
                    "middleware answer preflights before routing")
        return f"the preflight response has no Access-Control-Allow-Origin: add {origin} to the server's allowed origins"
    if code == rules.ACAO_MISSING:
        if status >= 400:
            return (f"the {status} response lacks the CORS headers: error handlers and proxies (nginx "
                    "'add_header ... always') must add them too, or the browser shows a CORS error instead of the status")
        return f"the server does not send Access-Control-Allow-Origin for {origin}: add it to the allowed origins"
    if code == rules.PREFLIGHT_STATUS:
        return (f"OPTIONS answered {status}: auth, routing or a redirect rejects the preflight; let the CORS "
                "layer answer OPTIONS with a 2xx first")
    if code == rules.PREFLIGHT_REDIRECT:
        return ("preflights never follow redirects (often a trailing-slash or http->https redirect): call the "
                "final URL, or answer OPTIONS before redirecting")
    if code == rules.ACAO_WILDCARD_WITH_CREDENTIALS:
        return "'*' never works with credentials: echo the validated origin instead, and send Vary: Origin"
    if code == rules.ACAC_NOT_TRUE:
        return ("send 'Access-Control-Allow-Credentials: true' (exactly, lowercase): flask-cors "
                "supports_credentials=True, django-cors-headers CORS_ALLOW_CREDENTIALS = True")
    if code == rules.ACAO_MULTIPLE:
        return ("Access-Control-Allow-Origin arrived with several values: two layers (app and proxy) both add it, "
                "or a list was sent; send exactly one origin")
    if code in (rules.ACAO_MISMATCH, rules.ACAO_INVALID):
        return (f"origins are exact (scheme, host and port; no trailing slash): the server allows "
                f"{failure.detail!r}, the page is {origin!r}")
    if code == rules.ACAM_INVALID:
        return "Access-Control-Allow-Methods must be a comma-separated list of method names"
    if code == rules.ACAH_INVALID:
        return "Access-Control-Allow-Headers must be a comma-separated list of header names"
    if code == rules.METHOD_NOT_ALLOWED:
        extra = ""
        if method != method.upper():
            extra = f" (fetch() sends {method!r} as written and the match is case-sensitive: write {method.upper()!r} in the client, or list {method!r})"
        return f"add {method} to the server's allowed methods (Access-Control-Allow-Methods){extra}"
    if code == rules.HEADER_NOT_ALLOWED:
        return f"list {failure.detail} in the server's allowed headers (Access-Control-Allow-Headers)"
    if code == rules.REDIRECT_CREDENTIALS:
        return "a cross-origin redirect to a URL with user:password@ is always refused: drop the userinfo"
    if code == rules.REDIRECT_SCHEME:
        return "a CORS request can only be redirected to http or https URLs"
    if code == rules.REDIRECT_INVALID_LOCATION:
        return "the redirect's Location header is not a valid URL, so browsers fail the request: fix the Location value"
    if code == rules.REDIRECT_TOO_MANY:
        return "the request was redirected more than 20 times (a redirect loop?)"
    return ""


def problem_hint(problem: Problem, result: CaseResult) -> str:
    """What to look at in the server for ``problem``: the usual causes of this kind of failure."""
    if problem.kind is ProblemKind.EXPOSED_NOT_SENT:
        return ("the server exposes the header but does not send it on this response: set it on every response "
                "the page reads (error and empty responses too), or drop it from expose_headers")
    if problem.kind is ProblemKind.ALLOWED:
        return ("the server lets an origin read that it should refuse: check for an origin reflected without an "
                "allowlist, an unanchored regex or an endswith() check")
    if problem.kind is ProblemKind.VARY:
        return "add 'Vary: Origin' to every response whose Access-Control-Allow-Origin depends on the request's Origin"
    if problem.kind is ProblemKind.EXPOSE:
        if result.case.contract.credentials:
            return ("list the header by name in Access-Control-Expose-Headers ('*' does not expose anything on "
                    "credentialed requests): flask-cors expose_headers, django-cors-headers CORS_EXPOSE_HEADERS")
        return "list the header in Access-Control-Expose-Headers (flask-cors expose_headers, django-cors-headers CORS_EXPOSE_HEADERS)"
    if problem.kind is ProblemKind.MAX_AGE:
        return "set Access-Control-Max-Age on the preflight response (flask-cors max_age, django-cors-headers CORS_PREFLIGHT_MAX_AGE)"
    return ""


# --- header tables -----------------------------------------------------------------------------


def _expected_preflight(result: CaseResult, preflight: HttpRequest) -> List[Tuple[str, str]]:
    """What this preflight's response must hold: the method and headers it asks for, as sent."""
    case, contract = result.case, result.case.contract
    unsafe = preflight.header("Access-Control-Request-Headers") or ""
    method = preflight.header("Access-Control-Request-Method") or case.method
    if not case.expect_allowed:
        return [("Access-Control-Allow-Origin", f"absent, or not {case.origin}")]
    rows = [
        ("status", "2xx"),
        ("Access-Control-Allow-Origin", case.origin if contract.credentials else f"{case.origin} or *"),
    ]
    if contract.credentials:
        rows.append(("Access-Control-Allow-Credentials", "true"))
    if method not in ("GET", "HEAD", "POST"):
        rows.append(("Access-Control-Allow-Methods", f"includes {method}" + ("" if contract.credentials else " (or *)")))
    if unsafe:
        rows.append(("Access-Control-Allow-Headers", f"includes {unsafe}" + ("" if contract.credentials else " (or *)")))
    if contract.max_age is not None:
        rows.append(("Access-Control-Max-Age", contract.max_age.describe()))
    return rows


def _expected_actual(result: CaseResult) -> List[Tuple[str, str]]:
    case, contract = result.case, result.case.contract
    if not case.expect_allowed:
        return [("Access-Control-Allow-Origin", f"absent, or not {case.origin}")]
    rows = [("Access-Control-Allow-Origin", case.origin if contract.credentials else f"{case.origin} or *")]
    if contract.credentials:
        rows.append(("Access-Control-Allow-Credentials", "true"))
    if contract.expose_headers:
        rows.append(("Access-Control-Expose-Headers", "includes " + ", ".join(contract.expose_headers)))
    if contract.vary:
        rows.append(("Vary", "includes Origin (unless ACAO is *)"))
    return rows


def _actual_value(response: HttpResponse, name: str, redactor: Redactor) -> str:
    if name == "status":
        return f"{response.status} {response.reason}".strip()
    lines = response.header_lines(name)
    if not lines:
        return "(missing)"
    shown = [redactor.header(name, line) for line in lines]
    joined = " | ".join(repr(s) if s != s.strip() or not s or not s.isprintable() else s for s in shown)
    return shorten(joined) + (f"  ({len(lines)} lines)" if len(lines) > 1 else "")


def header_table(expected: Sequence[Tuple[str, str]], response: HttpResponse, redactor: Redactor, *, extra: Sequence[str] = ()) -> List[str]:
    """Expected vs actual response headers, one row each (secret values hidden)."""
    names = [n for n, _ in expected]
    for name in extra:
        if name not in names and response.has_header(name):
            names.append(name)
    expected_map = dict(expected)
    rows = [(n, expected_map.get(n, ""), _actual_value(response, n, redactor)) for n in names]
    width_name = max(len(r[0]) for r in rows)
    width_expected = max(max(len(r[1]) for r in rows), len("expected"))
    lines = [f"    {'header':<{width_name}}  {'expected':<{width_expected}}  actual"]
    for name, exp, act in rows:
        lines.append(f"    {name:<{width_name}}  {exp:<{width_expected}}  {act}")
    return lines


#: Response headers every report shows for an exchange (CORS headers, Vary, and Location for redirects).
SHOWN_HEADERS = rules.CORS_RESPONSE_HEADERS + ("Vary", "Location")


def _exchange_section(title: str, exchange: Exchange, expected: Sequence[Tuple[str, str]], redactor: Redactor) -> List[str]:
    lines = [f"{title}:", "  " + curl_command(exchange.request, redactor)]
    lines.append(f"  -> {exchange.response.status} {exchange.response.reason}".rstrip())
    lines += header_table(expected, exchange.response, redactor, extra=SHOWN_HEADERS)
    return lines


def preflight_cache_line(response: HttpResponse, profiles: Sequence[str]) -> str:
    """How long each browser caches this preflight (Max-Age is capped and parsed differently)."""
    lines = response.header_lines(rules.ACMA)
    parts = []
    for name in profiles:
        seconds = rules.max_age_seconds(lines, PROFILES[name])
        parts.append(f"{PROFILES[name].display_name} {seconds} s" if seconds else f"{PROFILES[name].display_name} not cached")
    declared = "absent" if not lines else repr(", ".join(lines))
    return f"preflight cached: {', '.join(parts)} (Access-Control-Max-Age {declared})"


def _console_lines(verdicts: Sequence[BrowserVerdict]) -> List[str]:
    shown = console_verdict(verdicts)
    if shown is None:
        return []
    lines: List[str] = []
    for verdict in [shown] + [other for other in verdicts if not other.allowed and other is not shown]:
        lines.append(f"{PROFILES[verdict.profile].display_name} console:")
        lines += ["  " + line for line in verdict.message.splitlines()]
    return lines


def format_case_failure(result: CaseResult, redactor: Redactor = Redactor()) -> str:
    """The full failure text for one case."""
    case, contract = result.case, result.case.contract
    expectation = "allowed" if case.expect_allowed else "blocked"
    credentials = " with credentials" if contract.credentials else ""
    lines = [
        f"CORS contract {contract.name!r} violated: {case.method} {redactor.url(result.url)} from origin {case.origin}{credentials}",
        f"  expected: {expectation}",
    ]
    for problem in result.problems:
        lines.append(f"  problem:  {problem.summary}")
    browsers = [PROFILES[verdict.profile].display_name for verdict in result.verdicts]
    blocking = [PROFILES[verdict.profile].display_name for verdict in result.verdicts if not verdict.allowed]
    allowing = [b for b in browsers if b not in blocking]
    lines.append(f"  blocks:   {', '.join(blocking) or 'none'}" + (f"   allows: {', '.join(allowing)}" if allowing else ""))
    console = _console_lines(result.verdicts)
    if console:
        lines.append("")
        lines += console
    hints = [cookie_hint(result.verdicts)] if case.expect_allowed else []
    first_blocked = next((verdict for verdict in result.verdicts if verdict.failure is not None), None)
    if case.expect_allowed and first_blocked is not None and first_blocked.failure is not None:
        framework_hint = starlette_preflight_hint(first_blocked)
        hints.append(framework_hint or hint_for(first_blocked.failure, case.origin, case.method))
    for problem in result.problems:
        if problem.kind is not ProblemKind.BLOCKED:
            hints.append(problem_hint(problem, result))
    hints = [h for h in dict.fromkeys(hints) if h]
    cookies = cookie_lines(result.verdicts)
    if cookies:
        lines.append("")
        lines += cookies
    if hints:
        lines.append("")
        lines += [f"Hint: {h}" for h in hints]
    for exchange in result.exchanges:
        lines.append("")
        if exchange.kind == "preflight":
            lines += _exchange_section("Preflight request", exchange, _expected_preflight(result, exchange.request), redactor)
            lines.append("    " + preflight_cache_line(exchange.response, [verdict.profile for verdict in result.verdicts]))
        else:
            title = "Actual request"
            if exchange.response.is_redirect:
                title += " (redirect hop)"
            lines += _exchange_section(title, exchange, _expected_actual(result), redactor)
    for note in result.notes + result.response_warnings:
        lines.append("")
        lines.append(f"Note: {note}")
    if contract.where or result.target:
        lines.append("")
    if result.target:
        lines.append(f"Target:   {result.target}")
    if contract.where:
        lines.append(f"Contract: {contract.where}")
    text = "\n".join(lines)
    return printable(redactor.text(text, redactor.contract_secrets(contract)))
