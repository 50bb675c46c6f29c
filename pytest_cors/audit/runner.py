"""The security audit: attacker origins derived from a contract, and header-level findings.

Every allow contract says which origins are trusted. From them the audit derives
the origins an attacker would try (``https://app.example.com.evil.invalid``,
``null``, ``http://app.example.com``, ...) and checks, with the run's browser
profiles, that none of them can read the response. It then reads every response
the contract checks and the probes collected for over-permissive headers
(``*`` with credentials, missing ``Vary: Origin``, private network access
granted to anyone, ...). Each weakness is a :class:`Finding` with a severity,
evidence (the request as curl and the response headers), why it matters and the
usual fix.

No pytest here: :mod:`pytest_cors.plugin.collect` and :mod:`pytest_cors.plugin.hooks` turn
findings into test outcomes; the stand-alone scan uses the same objects.
"""

from __future__ import annotations

import dataclasses
import ipaddress
from dataclasses import dataclass
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

from pytest_cors.browser import rules as v
from pytest_cors.browser.exchange import (
    Exchange,
    FetchRequest,
    HttpRequest,
    HttpResponse,
)
from pytest_cors.browser.fetch import BrowserVerdict, build_preflight, simulate_fetch
from pytest_cors.browser.origins import NULL_ORIGIN, Origin, origin_of_url, same_origin
from pytest_cors.browser.profiles import display_names
from pytest_cors.browser.safelist import needs_preflight, unsafe_header_names
from pytest_cors.check.case import CachingSender, CaseResult, distinct_exchanges
from pytest_cors.contract.schema import (
    AUDIT_PROBES,
    SEVERITIES,
    ContractCase,
    CorsContract,
)
from pytest_cors.errors import CorsContractFailure, CorsNetworkError
from pytest_cors.report.case_failure import Redactor, curl_command
from pytest_cors.transport import Transport, TransportError
from pytest_cors.transport.live import LiveTransport

SEVERITY_RANK = {name: rank for rank, name in enumerate(SEVERITIES)}

#: Probes that send a derived attacker origin.
ORIGIN_PROBES = AUDIT_PROBES[:9]
#: Probes that read headers of responses (plus one private-network preflight and one form POST).
HEADER_PROBES = AUDIT_PROBES[9:]

ATTACKER_HOST = "evil.invalid"
ATTACKER_ORIGIN = f"https://{ATTACKER_HOST}"
#: Characters some browsers accept in a host name, tried right after the trusted name.
SPECIAL_CHARACTERS = ("_", "`", "!", "$", "&", "'", "(", ")", "*", "+", ",", ";", "=", "~")
#: Ports tried for ``port-confusion``, in order (the first one the contract does not allow).
CONFUSION_PORTS = (8443, 4443, 8080, 1337)
ACRPN = "Access-Control-Request-Private-Network"
SENSITIVE_EXPOSED = ("set-cookie", "authorization", "*")
CSRF_BODY = b"pytest-cors=csrf-probe"

_SHOWN_HEADERS = v.CORS_RESPONSE_HEADERS + ("Vary", "Location")


def at_or_above(severity: str, threshold: str) -> bool:
    """Whether ``severity`` is as severe as ``threshold`` or more (``critical`` is the most)."""
    return SEVERITY_RANK[severity] <= SEVERITY_RANK[threshold]


# --- why and fix, per probe ------------------------------------------------------------------

WHY: Dict[str, str] = {
    "reflect-any-origin": "any website the user visits can read this response, with the user's session if credentials are allowed",
    "null-origin": "sandboxed iframes, data: URLs and local files all send 'Origin: null', so any website can read the response through one",
    "prefix-lookalike": "an attacker registers a domain that starts with the trusted name and reads the response from it",
    "suffix-lookalike": "an attacker registers a domain that ends with the trusted name and reads the response from it",
    "unescaped-dot": "an unescaped '.' in an origin regex matches any character, so an attacker can register the lookalike domain",
    "untrusted-subdomain": "any subdomain (a forgotten staging host, user content, a taken-over DNS record) can read the response",
    "scheme-downgrade": "a plain-http page can be rewritten by anyone on the network path, who then reads what the https app can",
    "port-confusion": "another service on the same host (any port) can read the response",
    "special-characters": "some browsers accept characters like _ ! $ & ' ( ) * + , ; = ~ ` in host names, so an attacker-controlled host that starts with the trusted name passes a loose check",
    "wildcard-with-credentials": "browsers refuse '*' with credentials, so credentialed callers break, and it shows a policy meant to share credentialed data with everyone",
    "missing-vary": "a shared cache (CDN, proxy, the browser's HTTP cache) can serve one origin's CORS answer to another, which then breaks or leaks",
    "credentials-on-refused-origin": "credentials are granted without the origin check, one small change away from handing sessions to any website",
    "private-network": "Private Network Access lets a public website reach this server on the user's private network only if the server opts in; granting it to an untrusted origin exposes an internal service to the internet (CVE-2024-6221 in flask-cors)",
    "max-age-over-cap": "browsers silently cap Access-Control-Max-Age, so the declared caching never happens",
    "sensitive-exposed-header": "exposing Authorization, Set-Cookie or '*' on credentialed responses hands tokens to every origin allowed to read them",
    "missing-max-age": "without Access-Control-Max-Age browsers cache a preflight for 5 s only, so almost every such call costs two round trips",
    "csrf-exposure": "CORS only hides the response from the page: the refused origin's request reached the handler and its side effect happened (CORS is not CSRF protection)",
}

_ALLOWLIST_FIX = (
    "set an explicit allowlist instead of reflecting the Origin header: flask-cors origins=[...] (never the default "
    "'*' with supports_credentials=True), django-cors-headers CORS_ALLOWED_ORIGINS instead of CORS_ALLOW_ALL_ORIGINS, "
    "Starlette CORSMiddleware(allow_origins=[...]) instead of allow_origin_regex='.*'"
)
_ANCHOR_FIX = (
    "anchor and escape origin regexes: r'^https://app\\.example\\.com$' (flask-cors origins and django-cors-headers "
    "CORS_ALLOWED_ORIGIN_REGEXES use re.match, which anchors only the start; Starlette allow_origin_regex), or list "
    "exact origins instead"
)
FIX: Dict[str, str] = {
    "reflect-any-origin": _ALLOWLIST_FIX,
    "null-origin": (
        "remove 'null' from the allowed origins (flask-cors origins, django-cors-headers CORS_ALLOWED_ORIGINS, "
        "Starlette allow_origins); serve the calling page from a real origin instead"
    ),
    "prefix-lookalike": _ANCHOR_FIX,
    "suffix-lookalike": (
        "compare whole origins; for subdomains match a leading dot (host == 'example.com' or host.endswith('.example.com')), "
        "never endswith('example.com'); in a regex anchor the start and escape dots: r'^https://([a-z0-9-]+\\.)*example\\.com$'"
    ),
    "unescaped-dot": "escape every dot in origin regexes (r'^https://app\\.example\\.com$'): flask-cors origins, "
    "django-cors-headers CORS_ALLOWED_ORIGIN_REGEXES, Starlette allow_origin_regex",
    "untrusted-subdomain": (
        "list the subdomains you trust instead of a regex like r'^https://.*\\.example\\.com$'; if every subdomain "
        "really is trusted, say so in the contract with the pattern https://*.example.com"
    ),
    "scheme-downgrade": (
        "allow https origins only: drop http:// entries from flask-cors origins / CORS_ALLOWED_ORIGINS / allow_origins, "
        "and write 'https://' rather than 'https?://' in origin regexes"
    ),
    "port-confusion": "list exact origins (scheme://host[:port]) instead of a regex with '(:\\d+)?' or a host-only check",
    "special-characters": _ANCHOR_FIX + "; in hand-written code parse the origin and compare scheme, host and port exactly",
    "wildcard-with-credentials": (
        "for a public endpoint drop Access-Control-Allow-Credentials; otherwise echo the validated origin instead of '*' "
        "(flask-cors: origins=[...] with supports_credentials=True; django-cors-headers: CORS_ALLOWED_ORIGINS with "
        "CORS_ALLOW_CREDENTIALS; Starlette: allow_origins=[...] with allow_credentials=True)"
    ),
    "missing-vary": (
        "send 'Vary: Origin' on every response whose CORS headers depend on Origin, refusals and Origin-less requests "
        "included (django-cors-headers and Starlette do; flask-cors only with several origins or a regex, so list "
        "them or add the header yourself)"
    ),
    "credentials-on-refused-origin": (
        "send Access-Control-Allow-Credentials only together with an allowed Access-Control-Allow-Origin (in hand-written "
        "middleware set both inside the same allowlist branch)"
    ),
    "private-network": (
        "grant private network access only to trusted origins: flask-cors allow_private_network=False (upgrade past "
        "4.0.1), django-cors-headers CORS_ALLOW_PRIVATE_NETWORK only with a strict CORS_ALLOWED_ORIGINS"
    ),
    "max-age-over-cap": (
        "declare a Max-Age at or below the caps that matter (Safari 600, Chromium 7200): flask-cors max_age, "
        "django-cors-headers CORS_PREFLIGHT_MAX_AGE (default 86400), Starlette max_age"
    ),
    "sensitive-exposed-header": (
        "expose only the headers the frontend reads, by name: flask-cors expose_headers, django-cors-headers "
        "CORS_EXPOSE_HEADERS, Starlette expose_headers; never Authorization, Set-Cookie or '*'"
    ),
    "missing-max-age": (
        "set Access-Control-Max-Age on preflight answers (e.g. 600): flask-cors max_age=600, django-cors-headers "
        "CORS_PREFLIGHT_MAX_AGE, Starlette max_age"
    ),
    "csrf-exposure": (
        "protect state-changing endpoints with CSRF tokens and SameSite cookies (Django's CsrfViewMiddleware, "
        "Flask-WTF CSRFProtect), or accept only non-simple requests (e.g. require Content-Type: application/json) so "
        "browsers preflight them"
    ),
}


# --- values ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Probe:
    """One attacker origin to try: ``id`` is the probe id, ``derived_from`` the trusted origin or pattern."""

    id: str
    origin: str
    derived_from: str = ""
    #: Only a read *with credentials* is a finding (public endpoints may be read by anyone).
    credentialed_only: bool = False


@dataclass(frozen=True)
class Finding:
    """One weakness: what, how bad, the exchanges that show it, why it matters and the usual fix."""

    probe: str
    severity: str
    summary: str
    origin: Optional[str] = None
    evidence: Tuple[Exchange, ...] = ()
    contract: str = ""
    url: str = ""
    profiles: Tuple[str, ...] = ()
    where: str = ""

    @property
    def why(self) -> str:
        return WHY[self.probe]

    @property
    def fix(self) -> str:
        return FIX[self.probe]


# --- probe derivation (pure) -----------------------------------------------------------------


def _origin(scheme: str, host: str, port: Optional[int]) -> str:
    return Origin(scheme, host, port).serialize()


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class _Trusted:
    scheme: str
    host: str  # a concrete host (a pattern's example host)
    base_host: str  # the trusted name itself (the pattern's domain)
    port: Optional[int]
    any_port: bool
    source: str


def _trusted(contract: CorsContract) -> List[_Trusted]:
    result: List[_Trusted] = []
    for text in contract.exact_origins:
        if text == NULL_ORIGIN:
            continue
        parsed = origin_of_url(text)
        if parsed.is_opaque or ":" in parsed.host:
            continue
        result.append(_Trusted(parsed.scheme, parsed.host, parsed.host, parsed.port, False, text))
    for pattern in contract.patterns:
        host = f"cors-check.{pattern.host}" if pattern.any_subdomain else pattern.host
        port = 8443 if pattern.any_port else pattern.port
        result.append(_Trusted(pattern.scheme, host, pattern.host, port, pattern.any_port, pattern.text))
    return result


def derive_probes(contract: CorsContract) -> Tuple[Probe, ...]:
    """The attacker origins to try against ``contract`` (pure; origins the contract trusts are left out)."""
    if not contract.origins:
        return ()  # deny-only: trusts nothing, derives nothing
    probes: Dict[Tuple[str, str], Probe] = {}

    def add(probe_id: str, origin: str, source: str = "", credentialed_only: bool = False) -> None:
        if contract.allows(origin) and not (credentialed_only and contract.is_public):
            return
        probes.setdefault((probe_id, origin), Probe(probe_id, origin, source, credentialed_only))

    if contract.is_public:
        # Reading a public endpoint is fine; reading it with the user's credentials never is.
        add("reflect-any-origin", ATTACKER_ORIGIN, "*", True)
        add("null-origin", NULL_ORIGIN, "*", True)
        return tuple(probes.values())
    add("reflect-any-origin", ATTACKER_ORIGIN)
    add("null-origin", NULL_ORIGIN)
    for t in _trusted(contract):
        ip = _is_ip(t.host)
        add("prefix-lookalike", _origin(t.scheme, f"{t.host}.{ATTACKER_HOST}", t.port), t.source)
        if not ip:
            add("suffix-lookalike", _origin(t.scheme, f"evil{t.host}", t.port), t.source)
            labels = t.host.split(".")
            parent = ".".join(labels[1:]) if len(labels) > 2 else t.host
            add("suffix-lookalike", _origin(t.scheme, f"evil-{parent}", t.port), t.source)
            for index in range(len(labels) - 2):  # every dot but the last: the result is registrable
                host = ".".join(labels[: index + 1]) + "x" + ".".join(labels[index + 1 :])
                add("unescaped-dot", _origin(t.scheme, host, t.port), t.source)
            add("untrusted-subdomain", _origin(t.scheme, f"evil.{t.base_host}", t.port), t.source)
        if t.scheme == "https":
            add("scheme-downgrade", _origin("http", t.host, t.port), t.source)
        if not t.any_port:
            for port in CONFUSION_PORTS:
                candidate = _origin(t.scheme, t.host, port)
                if port != t.port and not contract.allows(candidate):
                    add("port-confusion", candidate, t.source)
                    break
        for char in SPECIAL_CHARACTERS:
            add("special-characters", _origin(t.scheme, f"{t.host}{char}.{ATTACKER_HOST}", t.port), t.source)
    return tuple(probes.values())


def _needs_preflight(contract: CorsContract) -> bool:
    return any(needs_preflight(method, contract.request_headers) for method in contract.methods)


def probe_ids(contract: CorsContract) -> Tuple[str, ...]:
    """The probe ids that apply to ``contract`` (one test item each), in AUDIT_PROBES order."""
    derived = {p.id for p in derive_probes(contract)}
    ids = []
    for probe_id in AUDIT_PROBES:
        if probe_id in ORIGIN_PROBES:
            if probe_id in derived:
                ids.append(probe_id)
        elif probe_id in ("private-network", "csrf-exposure"):
            if contract.is_public:
                continue
            if probe_id == "csrf-exposure" and "POST" not in contract.methods:
                continue
            ids.append(probe_id)
        elif probe_id in ("max-age-over-cap", "missing-max-age"):
            if contract.origins and _needs_preflight(contract):
                ids.append(probe_id)
        else:
            ids.append(probe_id)
    return tuple(ids)


def scan_contract(url: str, origins: Sequence[str]) -> Tuple[str, CorsContract]:
    """The contract a stand-alone scan checks: GET ``url`` with credentials, trusting ``origins``."""
    parts = url.split("://", 1)
    rest = parts[1] if len(parts) == 2 else url
    slash = rest.find("/")
    base = parts[0] + "://" + (rest if slash == -1 else rest[:slash])
    path = "/" if slash == -1 else rest[slash:]
    contract = CorsContract(
        name=url,
        path=path,
        origins=tuple(dict.fromkeys(origins)),
        methods=("GET",),
        credentials=True,
        where=f"--cors-scan {url}",
    )
    return base, contract


def scan_probes(contract: CorsContract) -> Tuple[Probe, ...]:
    """A scan without trusted origins still tries an unrelated origin and ``null``."""
    if contract.origins:
        return derive_probes(contract)
    return (Probe("reflect-any-origin", ATTACKER_ORIGIN), Probe("null-origin", NULL_ORIGIN))


# --- header helpers --------------------------------------------------------------------------


def _acao(response: HttpResponse) -> Optional[str]:
    value = response.header(v.ACAO)
    return None if value is None else value.strip(" \t")


def _acac_true(response: HttpResponse) -> bool:
    return (response.header(v.ACAC) or "").strip(" \t").lower() == "true"


def _allows_origin(response: HttpResponse, origin: str) -> bool:
    acao = _acao(response)
    return acao is not None and (acao == "*" or acao == origin)


def _signature(response: HttpResponse) -> Tuple[Tuple[str, ...], ...]:
    return tuple(tuple(response.header_lines(name)) for name in v.CORS_RESPONSE_HEADERS)


@dataclass(frozen=True)
class Observation:
    """One exchange the audit reads, with the origin that made it and whether the contract trusts it."""

    exchange: Exchange
    origin: Optional[str]
    trusted: bool


# --- running ---------------------------------------------------------------------------------


class ContractAudit:
    """Runs the audit of one contract against one target, lazily and at most once per probe.

    Contract case results already produced (by the contract's own checks) are
    reused through :meth:`record`, so header-level findings cost no requests of
    their own beyond one Origin-less request, one private-network preflight and,
    for POST endpoints, one form POST from a refused origin.
    """

    def __init__(
        self,
        contract: CorsContract,
        run,  # runtime.CorsRun (not imported: runtime stays independent of the audit)
        transport: Transport,
        *,
        probes: Optional[Sequence[Probe]] = None,
    ) -> None:
        self.contract = contract
        self.run = run
        self.transport = transport
        self.probes: Tuple[Probe, ...] = tuple(derive_probes(contract) if probes is None else probes)
        self._results: Dict[ContractCase, CaseResult] = {}
        self._origin_findings: Dict[str, Tuple[Finding, ...]] = {}
        self._probe_observations: Dict[str, List[Observation]] = {}
        self._header_findings: Optional[Dict[str, Tuple[Finding, ...]]] = None
        self._skip: Tuple[str, ...] = contract.audit.skip

    # -- plumbing --

    @property
    def url(self) -> str:
        return self.transport.base_url().rstrip("/") + self.contract.path

    @property
    def _withhold(self) -> bool:
        return isinstance(self.transport, LiveTransport) and not self.run.send_unsafe

    def _send(self, request: HttpRequest) -> HttpResponse:
        from pytest_cors.check.run import format_transport_error

        try:
            return self.transport.send(request)
        except TransportError as error:
            raise CorsNetworkError(format_transport_error(error, self.run.redactor)) from None

    def record(self, result: CaseResult) -> None:
        """Reuse a contract case result the contract check already produced."""
        if result.case.contract == self.contract:
            self._results[result.case] = result

    def case_results(self) -> List[CaseResult]:
        results = []
        for case in self.contract.cases():
            if case not in self._results:
                self._results[case] = self.run.run_case(case, self.transport)
            results.append(self._results[case])
        return results

    def _finding(self, probe: str, severity: str, summary: str, origin: Optional[str], evidence: Sequence[Exchange], profiles: Sequence[str] = ()) -> Finding:
        return Finding(
            probe=probe,
            severity=severity,
            summary=summary,
            origin=origin,
            evidence=tuple(evidence),
            contract=self.contract.name,
            url=self.url,
            profiles=tuple(profiles),
            where=self.contract.where,
        )

    # -- public --

    def findings(self, probe_id: str) -> Tuple[Finding, ...]:
        """Findings of one probe id (runs what it needs, once)."""
        if probe_id not in AUDIT_PROBES:
            raise ValueError(f"unknown probe {probe_id!r}")
        if probe_id in ORIGIN_PROBES:
            if probe_id not in self._origin_findings:
                self._run_origin_probes(probe_id)
            return self._origin_findings[probe_id]
        if self._header_findings is None:
            self._header_findings = self._analyse_headers()
        return self._header_findings.get(probe_id, ())

    def all_findings(self, skip: Iterable[str] = ()) -> Tuple[Finding, ...]:
        skipped = set(skip) | set(self._skip)
        ids = [p for p in AUDIT_PROBES if p not in skipped]
        result: List[Finding] = []
        for probe_id in ids:
            result.extend(self.findings(probe_id))
        return tuple(sorted(result, key=lambda f: SEVERITY_RANK[f.severity]))

    # -- attacker origins --

    def _run_origin_probes(self, probe_id: str) -> None:
        findings: List[Finding] = []
        observations: List[Observation] = []
        for probe in self.probes:
            if probe.id != probe_id:
                continue
            if probe.origin != NULL_ORIGIN and same_origin(self.url, probe.origin):
                continue  # the target's own origin: same-origin requests never use CORS
            finding, seen = self._run_probe(probe)
            observations.extend(seen)
            if finding is not None:
                findings.append(finding)
        self._origin_findings[probe_id] = tuple(sorted(findings, key=lambda f: SEVERITY_RANK[f.severity]))
        self._probe_observations[probe_id] = observations

    def _run_probe(self, probe: Probe) -> Tuple[Optional[Finding], List[Observation]]:
        contract = self.contract
        profiles = self.run.profiles
        worst: Optional[Tuple[str, List[str], Tuple[BrowserVerdict, ...], bool]] = None
        readable_methods: List[str] = []
        observations: List[Observation] = []
        for method in contract.methods:
            sender = CachingSender(self._send, withhold_unsafe=self._withhold)
            fetch = FetchRequest(self.url, probe.origin, method, contract.request_headers, True, contract.body)
            with_credentials = tuple(simulate_fetch(fetch, p, sender) for p in profiles)
            observations.extend(Observation(e, probe.origin, False) for e in distinct_exchanges(with_credentials))
            severity: Optional[str] = None
            verdicts: Tuple[BrowserVerdict, ...] = with_credentials
            credentialed = True
            if any(x.allowed for x in with_credentials):
                severity = "critical"
            elif not probe.credentialed_only:
                without = tuple(
                    simulate_fetch(dataclasses.replace(fetch, credentials=False), p, sender) for p in profiles
                )
                if any(x.allowed for x in without):
                    severity = "medium" if probe.origin == NULL_ORIGIN else "high"
                    verdicts, credentialed = without, False
            if severity is None:
                continue
            readable_methods.append(method)
            if worst is None or SEVERITY_RANK[severity] < SEVERITY_RANK[worst[0]]:
                worst = (severity, [x.profile for x in verdicts if x.allowed], verdicts, credentialed)
        if worst is None:
            return None, observations
        severity, allowing, verdicts, credentialed = worst
        evidence = next((x.exchanges for x in verdicts if x.allowed and x.exchanges), ())
        withheld = any(x.actual_withheld for x in verdicts if x.allowed)
        how = "with the user's credentials (cookies)" if credentialed else "without credentials"
        summary = (
            f"{probe.origin} can read {'/'.join(readable_methods)} {self.url} {how} in {display_names(allowing)}"
            + (f" (derived from {probe.derived_from})" if probe.derived_from and probe.derived_from != "*" else "")
            + (" (the preflight allows it; the actual request was not sent to the live URL)" if withheld else "")
        )
        return self._finding(probe.id, severity, summary, probe.origin, evidence, allowing), observations

    # -- header-level --

    def _observations(self) -> List[Observation]:
        observations: List[Observation] = []
        for result in self.case_results():
            for exchange in result.exchanges:
                sent = exchange.request.header("Origin")
                observations.append(Observation(exchange, sent, self.contract.allows(sent) if sent else False))
        for probe_id in ORIGIN_PROBES:
            if probe_id in self._skip:
                continue
            if probe_id not in self._origin_findings:
                self._run_origin_probes(probe_id)
            observations.extend(self._probe_observations.get(probe_id, ()))
        return observations

    def _origin_less(self, observations: Sequence[Observation]) -> Optional[Observation]:
        """Replay one trusted actual request without Origin (to see whether CORS headers depend on it)."""
        actual = [o for o in observations if o.exchange.kind == "actual" and o.trusted]
        if not actual:
            return None
        actual.sort(key=lambda o: o.exchange.request.method not in ("GET", "HEAD"))
        request = actual[0].exchange.request
        if self._withhold and request.method not in ("GET", "HEAD"):
            return None
        stripped = HttpRequest(
            request.method, request.url, tuple((n, val) for n, val in request.headers if n.lower() != "origin"), request.body
        )
        return Observation(Exchange("actual", stripped, self._send(stripped)), None, False)

    def _attacker(self) -> Optional[str]:
        for origin in (ATTACKER_ORIGIN, *self.contract.deny_origins):
            if not self.contract.allows(origin) and origin != NULL_ORIGIN:
                return origin
        return None

    def _analyse_headers(self) -> Dict[str, Tuple[Finding, ...]]:
        contract = self.contract
        observations = self._observations()
        origin_less = self._origin_less(observations)
        if origin_less is not None:
            observations.append(origin_less)
        found: Dict[str, List[Finding]] = {p: [] for p in HEADER_PROBES}
        keys: set = set()

        def add(finding: Finding, key: Tuple) -> None:
            if (finding.probe,) + key not in keys:
                keys.add((finding.probe,) + key)
                found[finding.probe].append(finding)

        extra: List[Observation] = []
        if "private-network" not in self._skip and not contract.is_public:
            extra += self._private_network(add)
        if "csrf-exposure" not in self._skip and not contract.is_public and "POST" in contract.methods:
            extra += self._csrf(add)
        observations += extra

        # wildcard-with-credentials, credentials-on-refused-origin, sensitive-exposed-header: any response
        for obs in observations:
            response = obs.exchange.response
            acao = _acao(response)
            if acao == "*" and _acac_true(response):
                add(
                    self._finding(
                        "wildcard-with-credentials", "medium",
                        f"{obs.exchange.kind} response to {obs.origin or 'a request without Origin'} has "
                        "'Access-Control-Allow-Origin: *' with 'Access-Control-Allow-Credentials: true'",
                        obs.origin, [obs.exchange],
                    ),
                    (),
                )
            elif obs.origin and _acac_true(response) and not _allows_origin(response, obs.origin):
                shown = "no Access-Control-Allow-Origin" if acao is None else f"Access-Control-Allow-Origin {acao!r}"
                add(
                    self._finding(
                        "credentials-on-refused-origin", "low",
                        f"{obs.exchange.kind} response to refused origin {obs.origin} has "
                        f"'Access-Control-Allow-Credentials: true' ({shown})",
                        obs.origin, [obs.exchange],
                    ),
                    (obs.exchange.kind,),
                )
            if _acac_true(response):
                listed = [i.strip() for i in (response.header(v.ACEH) or "").split(",") if i.strip()]
                bad = [i for i in listed if i.lower() in SENSITIVE_EXPOSED]
                if bad:
                    add(
                        self._finding(
                            "sensitive-exposed-header", "medium",
                            f"credentialed response exposes {', '.join(bad)} (Access-Control-Expose-Headers: "
                            f"{response.header(v.ACEH)})",
                            obs.origin, [obs.exchange],
                        ),
                        tuple(sorted(b.lower() for b in bad)),
                    )

        # missing-vary
        self._missing_vary(observations, add)

        # max-age-over-cap, missing-max-age: successful preflights for trusted origins
        for obs in observations:
            exchange = obs.exchange
            if exchange.kind != "preflight" or not obs.trusted or obs.origin is None:
                continue
            response = exchange.response
            if not (200 <= response.status <= 299 and _allows_origin(response, obs.origin)):
                continue
            lines = response.header_lines(v.ACMA)
            if not lines:
                add(
                    self._finding(
                        "missing-max-age", "low",
                        f"the preflight answer to {obs.origin} has no Access-Control-Max-Age: browsers repeat the "
                        "preflight every 5 s",
                        obs.origin, [exchange],
                    ),
                    (),
                )
                continue
            declared = v.parse_max_age(lines)
            if declared is None:
                continue
            capped = [
                (p, v.max_age_seconds(lines, p)) for p in self.run.profiles if p.max_age_cap is not None and declared > p.max_age_cap
            ]
            if capped:
                effective = ", ".join(f"{p.display_name} {p.max_age_cap} s" for p, _ in capped)
                add(
                    self._finding(
                        "max-age-over-cap", "low",
                        f"Access-Control-Max-Age: {declared} is capped by browsers: effectively {effective}",
                        obs.origin, [exchange],
                    ),
                    (declared,),
                )
        return {probe: tuple(items) for probe, items in found.items()}

    def _missing_vary(self, observations: Sequence[Observation], add) -> None:
        actual = [o for o in observations if o.exchange.kind == "actual"]
        medium_requests = set()
        for obs in actual:
            response = obs.exchange.response
            acao = _acao(response)
            if obs.trusted and acao is not None and acao != "*" and not v.vary_lists_origin(response):
                medium_requests.add(obs.exchange.request)
                add(
                    self._finding(
                        "missing-vary", "medium",
                        f"the response to {obs.origin} allows {acao!r} but its Vary header does not list Origin",
                        obs.origin, [obs.exchange],
                    ),
                    ("medium",),
                )
        groups: Dict[Tuple[str, str], List[Observation]] = {}
        for obs in actual:
            request = obs.exchange.request
            groups.setdefault((request.method, request.url), []).append(obs)
        for group in groups.values():
            if len({_signature(o.exchange.response) for o in group}) < 2:
                continue
            for obs in group:
                response = obs.exchange.response
                if obs.exchange.request in medium_requests or v.vary_lists_origin(response) or obs.trusted:
                    continue
                who = f"refused origin {obs.origin}" if obs.origin else "a request without Origin"
                add(
                    self._finding(
                        "missing-vary", "low",
                        f"CORS headers differ between origins, but the response to {who} has no 'Vary: Origin' "
                        "(a cache can serve it to a trusted origin, or the trusted answer to others)",
                        obs.origin, [obs.exchange],
                    ),
                    ("low", obs.origin is None),
                )

    def _private_network(self, add) -> List[Observation]:
        attacker = self._attacker()
        if attacker is None:
            return []
        method = self.contract.methods[0]
        unsafe = unsafe_header_names(self.contract.request_headers)
        base = build_preflight(self.url, attacker, method, unsafe)
        request = HttpRequest(base.method, base.url, base.headers + ((ACRPN, "true"),))
        response = self._send(request)
        exchange = Exchange("preflight", request, response)
        if (response.header(v.ACAPN) or "").strip().lower() == "true":
            granted = [
                p.name
                for p in self.run.profiles
                if v.evaluate_preflight(response, method, unsafe, False, attacker, p).failure is None
            ]
            if granted:
                add(
                    self._finding(
                        "private-network", "high",
                        f"the private-network preflight from {attacker} gets 'Access-Control-Allow-Private-Network: "
                        f"true' and passes ({display_names(granted)}): any website can reach this server from inside the "
                        "user's network",
                        attacker, [exchange], granted,
                    ),
                    (),
                )
            else:
                add(
                    self._finding(
                        "private-network", "low",
                        f"the private-network preflight from refused origin {attacker} gets "
                        "'Access-Control-Allow-Private-Network: true' (unusable only because the rest of the preflight fails)",
                        attacker, [exchange],
                    ),
                    (),
                )
        return []  # preflights are not counted for Vary; its CORS headers are judged above

    def _csrf(self, add) -> List[Observation]:
        attacker = self._attacker()
        if attacker is None or self._withhold:
            return []
        request = HttpRequest(
            "POST",
            self.url,
            (("Origin", attacker), ("Content-Type", "application/x-www-form-urlencoded")),
            CSRF_BODY,
        )
        response = self._send(request)
        exchange = Exchange("actual", request, response)
        refused = all(v.cors_check(response, attacker, False, p) is not None for p in self.run.profiles)
        if refused and 200 <= response.status <= 299:
            add(
                self._finding(
                    "csrf-exposure", "info",
                    f"a form-encoded POST from refused origin {attacker} (a simple request: no preflight) reached the "
                    f"handler and got {response.status}; the browser hides the response, but the side effect happened",
                    attacker, [exchange],
                ),
                (),
            )
        return [Observation(exchange, attacker, False)]


class AuditRegistry:
    """One :class:`ContractAudit` per (contract, target) in a run, so every item shares the exchanges."""

    def __init__(self, run) -> None:
        self.run = run
        self._audits: Dict[Tuple[CorsContract, int], Tuple[Transport, ContractAudit]] = {}

    def get(self, contract: CorsContract, transport: Transport, *, probes: Optional[Sequence[Probe]] = None) -> ContractAudit:
        key = (contract, id(transport))
        entry = self._audits.get(key)
        if entry is None or entry[0] is not transport:
            entry = (transport, ContractAudit(contract, self.run, transport, probes=probes))
            self._audits[key] = entry
        return entry[1]


# --- text ------------------------------------------------------------------------------------


class CorsAuditFailure(CorsContractFailure):
    """Audit findings at or above the failing severity."""

    title = "CORS audit finding"


def _response_lines(response: HttpResponse, redactor: Redactor) -> List[str]:
    lines = [f"-> {response.status} {response.reason}".rstrip()]
    for name in _SHOWN_HEADERS:
        values = response.header_lines(name)
        if values:
            for value in values:
                lines.append(f"   {name}: {redactor.header(name, value)}")
        elif name in (v.ACAO, "Vary"):
            lines.append(f"   {name}: (missing)")
    return lines


def format_finding(finding: Finding, redactor: Redactor = Redactor(), *, index: Optional[int] = None) -> str:
    """A finding as text: severity, probe, what, why, fix, and each exchange as curl + response headers."""
    label = f"[{index}] " if index is not None else ""
    lines = [
        f"{label}{finding.severity.upper()} {finding.probe}: {redactor.text(finding.summary)}",
        f"  why: {finding.why}",
        f"  fix: {finding.fix}",
    ]
    for exchange in finding.evidence:
        lines.append(f"  {exchange.kind} request:")
        lines.append("    " + curl_command(exchange.request, redactor))
        lines += ["    " + line for line in _response_lines(exchange.response, redactor)]
    return "\n".join(lines)


def format_findings(findings: Sequence[Finding], redactor: Redactor = Redactor(), *, threshold: str = "medium", limit: int = 5) -> str:
    """The report of an audit item or marker test: findings at or above ``threshold`` in full, the rest listed."""
    if not findings:
        return ""
    contract = findings[0].contract
    failing = [f for f in findings if at_or_above(f.severity, threshold)]
    head = (
        f"CORS audit of {contract!r}: {len(failing)} finding{'s' if len(failing) != 1 else ''} "
        f"at or above {threshold}" + (f" ({len(findings) - len(failing)} below)" if len(findings) > len(failing) else "")
    )
    parts = [head]
    shown = failing[:limit]
    for i, finding in enumerate(shown, 1):
        parts.append(format_finding(finding, redactor, index=i if len(failing) > 1 else None))
    rest = failing[limit:] + [f for f in findings if not at_or_above(f.severity, threshold)]
    if rest:
        groups: Dict[Tuple[str, str], List[Finding]] = {}
        for finding in rest:
            groups.setdefault((finding.severity, finding.probe), []).append(finding)
        lines = []
        for (severity, probe), group in groups.items():
            if len(group) == 1:
                lines.append(f"  {severity:<8} {probe}: {redactor.text(group[0].summary)}")
            else:
                origins = ", ".join(f.origin or "(no Origin)" for f in group)
                lines.append(f"  {severity:<8} {probe}: {len(group)} more, from {origins}")
        parts.append("Also:\n" + "\n".join(lines))
    probes = sorted({f.probe for f in failing})
    if not probes:
        return "\n\n".join(parts)
    footer = (
        f"To accept a known, documented risk: audit: {{skip: [{', '.join(probes)}]}} in the contract"
        + (f" ({findings[0].where})" if findings[0].where else "")
        + "; or --cors-audit warn / --cors-audit-severity to change what fails."
    )
    parts.append(footer)
    return "\n\n".join(parts)


def findings_table(findings: Sequence[Finding], redactor: Redactor = Redactor()) -> List[str]:
    """One line per finding, most severe first: severity, probe, origin, contract, summary."""
    if not findings:
        return ["no findings"]
    ordered = sorted(findings, key=lambda f: SEVERITY_RANK[f.severity])
    rows = [(f.severity, f.probe, f.origin or "-", f.contract, redactor.text(f.summary)) for f in ordered]
    widths = [max(len(r[i]) for r in rows + [("severity", "probe", "origin", "contract", "")]) for i in range(4)]
    header = ("severity", "probe", "origin", "contract")
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths)) + "  summary"]
    for row in rows:
        lines.append("  ".join(c.ljust(w) for c, w in zip(row[:4], widths)) + "  " + row[4])
    return lines
