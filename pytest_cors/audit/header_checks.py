"""Header-level checks: one function per probe, each reading the responses the audit saw.

A check gets the :class:`AuditContext` and every :class:`Observation` (the
contract's own cases, the origin probes, one Origin-less replay and, for POST
endpoints, one form POST from a refused origin) and yields its findings, each
with a key: findings of one probe with the same key are one finding. A check
that needs a request of its own (``private-network``) sends it through the
context. Register a check under its catalogue id with :func:`checks`.
"""

from __future__ import annotations

from typing import Callable, Dict, Hashable, Iterator, List, Optional, Sequence, Set, Tuple

from pytest_cors.audit.catalogue import Family, ProbeId, registrar, require_functions
from pytest_cors.audit.model import AuditContext, Finding, Observation
from pytest_cors.browser import rules
from pytest_cors.browser.exchange import Exchange, HttpRequest, HttpResponse
from pytest_cors.browser.fetch import build_preflight
from pytest_cors.browser.profiles import display_names
from pytest_cors.browser.safelist import unsafe_header_names
from pytest_cors.check.case import is_withheld
from pytest_cors.contract.model import parse_origin_pattern

ACRPN = "Access-Control-Request-Private-Network"
SENSITIVE_EXPOSED = ("set-cookie", "authorization", "*")
CSRF_BODY = b"pytest-cors=csrf-probe"

#: A finding and its de-duplication key (one finding per probe and key).
Keyed = Tuple[Finding, Hashable]
HeaderCheck = Callable[[AuditContext, Sequence[Observation]], Iterator[Keyed]]
HEADER_CHECKS: Dict[ProbeId, HeaderCheck] = {}
#: ``@checks("probe-id")`` files the function that runs that header-level probe.
checks = registrar(HEADER_CHECKS)


# --- header helpers --------------------------------------------------------------------------


def _acao(response: HttpResponse) -> Optional[str]:
    value = response.header(rules.ACAO)
    return None if value is None else value.strip(" \t")


def _acac_true(response: HttpResponse) -> bool:
    return (response.header(rules.ACAC) or "").strip(" \t").lower() == "true"


def allows_origin(response: HttpResponse, origin: str) -> bool:
    """Whether the response's Access-Control-Allow-Origin is ``*`` or ``origin``."""
    acao = _acao(response)
    return acao is not None and (acao == "*" or acao == origin)


def answers_wildcard(response: HttpResponse) -> bool:
    """Whether the response answers every origin: ``Access-Control-Allow-Origin: *``."""
    return _acao(response) == "*"


def _signature(response: HttpResponse) -> Tuple[Tuple[str, ...], ...]:
    return tuple(tuple(response.header_lines(name)) for name in rules.CORS_RESPONSE_HEADERS)


# --- extra requests --------------------------------------------------------------------------


def origin_less(ctx: AuditContext, observations: Sequence[Observation]) -> Optional[Observation]:
    """Replay one trusted actual request without Origin (to see whether CORS headers depend on it).

    Only a request that was sent is replayed (a GET or HEAD if there is one), so the replay is never
    one the run withholds from a live URL.
    """
    actual = [o for o in observations if o.exchange.kind == "actual" and o.trusted]
    if not actual:
        return None
    actual.sort(key=lambda o: o.exchange.request.method not in ("GET", "HEAD"))
    request = actual[0].exchange.request
    stripped = HttpRequest(
        request.method, request.url, tuple((n, val) for n, val in request.headers if n.lower() != "origin"), request.body
    )
    return Observation(Exchange("actual", stripped, ctx.send(stripped)), None, False)


def csrf_form_post(ctx: AuditContext) -> Optional[Observation]:
    """A form-encoded POST from a refused origin: a simple request, so it reaches the handler unpreflighted."""
    attacker = ctx.attacker
    if attacker is None:
        return None
    headers = (("Origin", attacker), ("Content-Type", "application/x-www-form-urlencoded"))
    request = HttpRequest("POST", ctx.url, headers, CSRF_BODY)
    if is_withheld(request, withhold_unsafe=ctx.withhold_unsafe):
        return None
    return Observation(Exchange("actual", request, ctx.send(request)), attacker, False, "csrf-probe")


# --- checks on every response ----------------------------------------------------------------


@checks("wildcard-with-credentials")
def _wildcard_with_credentials(ctx: AuditContext, observations: Sequence[Observation]) -> Iterator[Keyed]:
    for obs in observations:
        response = obs.exchange.response
        if answers_wildcard(response) and _acac_true(response):
            summary = (
                f"{obs.exchange.kind} response to {obs.origin or 'a request without Origin'} has "
                "'Access-Control-Allow-Origin: *' with 'Access-Control-Allow-Credentials: true'"
            )
            yield ctx.finding("wildcard-with-credentials", summary, obs.origin, [obs.exchange]), ()


@checks("credentials-on-refused-origin")
def _credentials_on_refused_origin(ctx: AuditContext, observations: Sequence[Observation]) -> Iterator[Keyed]:
    for obs in observations:
        response = obs.exchange.response
        acao = _acao(response)
        if acao == "*" or not obs.origin or not _acac_true(response) or allows_origin(response, obs.origin):
            continue
        shown = "no Access-Control-Allow-Origin" if acao is None else f"Access-Control-Allow-Origin {acao!r}"
        summary = (
            f"{obs.exchange.kind} response to refused origin {obs.origin} has "
            f"'Access-Control-Allow-Credentials: true' ({shown})"
        )
        yield ctx.finding("credentials-on-refused-origin", summary, obs.origin, [obs.exchange]), (obs.exchange.kind,)


@checks("sensitive-exposed-header")
def _sensitive_exposed_header(ctx: AuditContext, observations: Sequence[Observation]) -> Iterator[Keyed]:
    for obs in observations:
        response = obs.exchange.response
        if not _acac_true(response):
            continue
        listed = [i.strip() for i in (response.header(rules.ACEH) or "").split(",") if i.strip()]
        bad = [i for i in listed if i.lower() in SENSITIVE_EXPOSED]
        if bad:
            summary = (
                f"credentialed response exposes {', '.join(bad)} (Access-Control-Expose-Headers: "
                f"{response.header(rules.ACEH)})"
            )
            yield ctx.finding("sensitive-exposed-header", summary, obs.origin, [obs.exchange]), tuple(
                sorted(b.lower() for b in bad)
            )


# --- Vary ------------------------------------------------------------------------------------


@checks("missing-vary")
def _missing_vary(ctx: AuditContext, observations: Sequence[Observation]) -> Iterator[Keyed]:
    actual = [o for o in observations if o.exchange.kind == "actual"]
    medium_requests: Set[HttpRequest] = set()
    for obs in actual:
        response = obs.exchange.response
        acao = _acao(response)
        if obs.trusted and acao is not None and acao != "*" and not rules.vary_lists_origin(response):
            medium_requests.add(obs.exchange.request)
            summary = f"the response to {obs.origin} allows {acao!r} but its Vary header does not list Origin"
            yield ctx.finding("missing-vary", summary, obs.origin, [obs.exchange]), ("medium",)
    groups: Dict[Tuple[str, str], List[Observation]] = {}
    for obs in actual:
        groups.setdefault((obs.exchange.request.method, obs.exchange.request.url), []).append(obs)
    for group in groups.values():
        if len({_signature(o.exchange.response) for o in group}) < 2:
            continue
        for obs in group:
            if obs.exchange.request in medium_requests or rules.vary_lists_origin(obs.exchange.response) or obs.trusted:
                continue
            who = f"refused origin {obs.origin}" if obs.origin else "a request without Origin"
            summary = (
                f"CORS headers differ between origins, but the response to {who} has no 'Vary: Origin' "
                "(a cache can serve it to a trusted origin, or the trusted answer to others)"
            )
            yield ctx.finding("missing-vary", summary, obs.origin, [obs.exchange], lesser=True), ("low", obs.origin is None)


# --- preflight caching -----------------------------------------------------------------------


def _trusted_preflights(observations: Sequence[Observation]) -> Iterator[Tuple[Observation, str]]:
    """Successful preflights for trusted origins, with the origin."""
    for obs in observations:
        response = obs.exchange.response
        if obs.exchange.kind != "preflight" or not obs.trusted or obs.origin is None:
            continue
        if 200 <= response.status <= 299 and allows_origin(response, obs.origin):
            yield obs, obs.origin


@checks("missing-max-age")
def _missing_max_age(ctx: AuditContext, observations: Sequence[Observation]) -> Iterator[Keyed]:
    for obs, origin in _trusted_preflights(observations):
        if not obs.exchange.response.header_lines(rules.ACMA):
            summary = f"the preflight answer to {origin} has no Access-Control-Max-Age: browsers repeat the preflight every 5 s"
            yield ctx.finding("missing-max-age", summary, origin, [obs.exchange]), ()


@checks("max-age-over-cap")
def _max_age_over_cap(ctx: AuditContext, observations: Sequence[Observation]) -> Iterator[Keyed]:
    for obs, origin in _trusted_preflights(observations):
        declared = rules.parse_max_age(obs.exchange.response.header_lines(rules.ACMA))
        if declared is None:
            continue
        capped = [p for p in ctx.profiles if p.max_age_cap is not None and declared > p.max_age_cap]
        if capped:
            effective = ", ".join(f"{p.display_name} {p.max_age_cap} s" for p in capped)
            summary = f"Access-Control-Max-Age: {declared} is capped by browsers: effectively {effective}"
            yield ctx.finding("max-age-over-cap", summary, origin, [obs.exchange]), (declared,)


# --- checks with a request of their own ------------------------------------------------------


@checks("private-network")
def _private_network(ctx: AuditContext, observations: Sequence[Observation]) -> Iterator[Keyed]:
    attacker = ctx.attacker
    if attacker is None:
        return
    method = ctx.contract.methods[0]
    unsafe = unsafe_header_names(ctx.contract.request_headers)
    base = build_preflight(ctx.url, attacker, method, unsafe)
    request = HttpRequest(base.method, base.url, base.headers + ((ACRPN, "true"),))
    response = ctx.send(request)
    exchange = Exchange("preflight", request, response)
    if (response.header(rules.ACAPN) or "").strip().lower() != "true":
        return
    granted = [
        p.name for p in ctx.profiles if rules.evaluate_preflight(response, method, unsafe, False, attacker, p).failure is None
    ]
    if granted:
        summary = (
            f"the private-network preflight from {attacker} gets 'Access-Control-Allow-Private-Network: "
            f"true' and passes ({display_names(granted)}): any website can reach this server from inside the "
            "user's network"
        )
        yield ctx.finding("private-network", summary, attacker, [exchange], profiles=granted), ()
    else:
        summary = (
            f"the private-network preflight from refused origin {attacker} gets "
            "'Access-Control-Allow-Private-Network: true' (unusable only because the rest of the preflight fails)"
        )
        yield ctx.finding("private-network", summary, attacker, [exchange], lesser=True), ()


@checks("csrf-exposure")
def _csrf_exposure(ctx: AuditContext, observations: Sequence[Observation]) -> Iterator[Keyed]:
    for obs in observations:
        if obs.purpose != "csrf-probe" or obs.origin is None:
            continue
        response = obs.exchange.response
        refused = all(rules.cors_check(response, obs.origin, False, p) is not None for p in ctx.profiles)
        if refused and 200 <= response.status <= 299:
            summary = (
                f"a form-encoded POST from refused origin {obs.origin} (a simple request: no preflight) reached the "
                f"handler and got {response.status}; the browser hides the response, but the side effect happened"
            )
            yield ctx.finding("csrf-exposure", summary, obs.origin, [obs.exchange]), ()


@checks("registrable-by-anyone")
def _registrable_by_anyone(ctx: AuditContext, observations: Sequence[Observation]) -> Iterator[Keyed]:
    from pytest_cors.audit.registrable import registrable_by_anyone

    credentials = ctx.contract.credentials
    for entry, why in registrable_by_anyone(ctx.contract):
        # the evidence: the contract's own exchange for that entry (for a pattern, its example origin)
        under = parse_origin_pattern(entry).matches if "*" in entry else entry.__eq__
        evidence = [o.exchange for o in observations if o.trusted and o.origin is not None and under(o.origin)][:1]
        reads = "with the user's credentials (cookies)" if credentials else "without credentials"
        summary = f"the contract trusts {entry}: {why}; a page there reads {ctx.url} {reads}"
        yield ctx.finding("registrable-by-anyone", summary, entry, evidence, lesser=not credentials), (entry,)


require_functions(HEADER_CHECKS, Family.HEADER)
