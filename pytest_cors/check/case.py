"""Check a contract case against a target in every selected browser profile.

The exchanges are shared: profiles that would send the same request get the
same response from a per-case cache, so checking three engines costs one set
of requests. No pytest here; the plugin turns :class:`CaseResult` into test
outcomes and reports.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Dict, List, Optional, Sequence, Tuple

from pytest_cors.browser.equivalence import decide_alike
from pytest_cors.browser.exchange import (
    Exchange,
    FetchRequest,
    HttpRequest,
    HttpResponse,
)
from pytest_cors.browser.fetch import (
    ActualRequestWithheld,
    BrowserVerdict,
    Send,
    simulate_fetch,
)
from pytest_cors.browser.profiles import PROFILES, BrowserProfile, display_names
from pytest_cors.browser.rules import (
    ACAO,
    ACMA,
    AUTHORIZATION_UNDER_WILDCARD,
    exposed_header_names,
    parse_max_age,
    vary_lists_origin,
)
from pytest_cors.contract.model import ContractCase, CorsContract

SAFE_ACTUAL_METHODS = frozenset({"GET", "HEAD"})


def is_withheld(request: HttpRequest, *, withhold_unsafe: bool) -> bool:
    """Whether ``request`` is held back, so a check never changes data.

    With ``withhold_unsafe`` (a live URL without --cors-send-unsafe), only preflights
    and GET/HEAD actual requests are sent.
    """
    return withhold_unsafe and request.method != "OPTIONS" and request.method.upper() not in SAFE_ACTUAL_METHODS


class ProblemKind(str, Enum):
    """The ways a case can break its contract (each compares equal to its plain name)."""

    #: An origin the contract allows cannot read the response.
    BLOCKED = "blocked"
    #: An origin the contract denies can read the response.
    ALLOWED = "allowed"
    #: A header the contract exposes is sent but not exposed to JavaScript.
    EXPOSE = "expose"
    #: A header the contract exposes is listed in Access-Control-Expose-Headers but not sent: JS reads null.
    EXPOSED_NOT_SENT = "exposed-not-sent"
    MAX_AGE = "max-age"
    VARY = "vary"


@dataclass(frozen=True)
class Problem:
    """One way a case broke its contract, in one line, and the profiles it happened in."""

    kind: ProblemKind
    summary: str
    profiles: Tuple[str, ...] = ()


#: Whose console message a report shows first when several browsers block: Chromium's wording is what
#: most users see, and the standard profile prints it too.
CONSOLE_PREFERENCE = ("chrome", "spec")


def console_verdict(verdicts: Sequence[BrowserVerdict]) -> Optional[BrowserVerdict]:
    """The blocking verdict whose console message is shown first (the one place that chooses it)."""
    blocking = [v for v in verdicts if not v.allowed]
    preferred = (v for name in CONSOLE_PREFERENCE for v in blocking if v.profile == name)
    return next(preferred, blocking[0] if blocking else None)


def distinct_exchanges(verdicts: Sequence[BrowserVerdict]) -> Tuple[Exchange, ...]:
    """The exchanges several profiles made, each once (profiles share one exchange cache)."""
    seen: Dict[Tuple[str, HttpRequest], Exchange] = {}
    for verdict in verdicts:
        for exchange in verdict.exchanges:
            seen.setdefault((exchange.kind, exchange.request), exchange)
    return tuple(seen.values())


@dataclass(frozen=True)
class CaseResult:
    """The result of one contract case in every selected profile: verdicts, problems, notes."""

    case: ContractCase
    url: str
    verdicts: Tuple[BrowserVerdict, ...]
    problems: Tuple[Problem, ...]
    notes: Tuple[str, ...] = ()
    spec_warning: Optional[str] = None
    #: The target in words for failure reports, e.g. "ASGI app app.main:app served as http://testserver".
    target: str = ""
    #: What the page would trip over although the contract holds (a body cut short): shown as notes
    #: in a failure report and as a warning of a passing test.
    response_warnings: Tuple[str, ...] = ()

    @property
    def passed(self) -> bool:
        """Whether the case holds in every selected browser."""
        return not self.problems

    @property
    def exchanges(self) -> Tuple[Exchange, ...]:
        """Every distinct exchange any profile made, in first-seen order."""
        return distinct_exchanges(self.verdicts)

    @property
    def blocking_profiles(self) -> Tuple[str, ...]:
        """The profiles whose browser blocked the read."""
        return tuple(v.profile for v in self.verdicts if not v.allowed)

    @property
    def actual_withheld(self) -> bool:
        """Whether the actual request was held back (an unsafe method against a live URL)."""
        return any(v.actual_withheld for v in self.verdicts)


class CachingSender:
    """Memoises exchanges within one case so every profile sees the same server answer."""

    def __init__(self, send: Send, *, withhold_unsafe: bool) -> None:
        self._send = send
        self._withhold = withhold_unsafe
        self._cache: Dict[HttpRequest, HttpResponse] = {}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        """The server's answer to ``request``, sent once per case; withheld requests raise ``ActualRequestWithheld``."""
        if is_withheld(request, withhold_unsafe=self._withhold):
            raise ActualRequestWithheld(request.url)
        cached = self._cache.get(request)
        if cached is None:
            cached = self._send(request)
            self._cache[request] = cached
        return cached


def fetch_for(case: ContractCase, base_url: str) -> FetchRequest:
    """The fetch() a contract case stands for."""
    return contract_fetch(case.contract, base_url, case.origin, case.method)


def contract_fetch(
    contract: CorsContract, base_url: str, origin: str, method: str, *, credentials: Optional[bool] = None
) -> FetchRequest:
    """The fetch() a page at ``origin`` makes to the contract's endpoint (the audit overrides ``credentials``)."""
    return FetchRequest(
        url=base_url.rstrip("/") + contract.path,
        origin=origin,
        method=method,
        headers=contract.request_headers,
        credentials=contract.credentials if credentials is None else credentials,
        body=contract.body,
        cookies=contract.cookies,
    )


def _expose_problems(header: str, credentials: bool, verdicts: Sequence[BrowserVerdict]) -> List[Problem]:
    """Can the page read ``header``? Not exposed, or exposed but never sent (``headers.get()`` is null)."""
    hidden: List[str] = []
    missing: List[str] = []
    for verdict in verdicts:
        if verdict.actual is None or verdict.actual_withheld or header.lower() in verdict.readable_headers:
            continue
        exposed = header.lower() in exposed_header_names(verdict.actual.response, credentials)
        (missing if exposed else hidden).append(verdict.profile)
    problems = []
    if hidden:
        summary = f"JavaScript cannot read response header {header!r} (it is not exposed)"
        problems.append(Problem(ProblemKind.EXPOSE, summary, tuple(hidden)))
    if missing:
        summary = (
            f"response header {header!r} is exposed but not sent: Access-Control-Expose-Headers lists it, "
            f"the response has no {header} header, so JavaScript reads null"
        )
        problems.append(Problem(ProblemKind.EXPOSED_NOT_SENT, summary, tuple(missing)))
    return problems


def _allow_problems(contract: CorsContract, verdicts: Sequence[BrowserVerdict]) -> List[Problem]:
    problems: List[Problem] = []
    blocked = [v for v in verdicts if not v.allowed]
    if blocked:
        names = tuple(v.profile for v in blocked)
        problems.append(Problem(ProblemKind.BLOCKED, f"blocked by {display_names(names)}", names))
        return problems
    for header in contract.expose_headers:
        problems += _expose_problems(header, contract.credentials, verdicts)
    first = verdicts[0]
    if contract.max_age is not None and first.preflight is not None:
        declared = parse_max_age(first.preflight.response.header_lines(ACMA))
        if not contract.max_age.accepts(declared):
            shown = first.preflight.response.header(ACMA)
            problems.append(
                Problem(
                    ProblemKind.MAX_AGE,
                    f"Access-Control-Max-Age is {shown!r}, expected {contract.max_age.describe()}"
                    if shown is not None
                    else f"Access-Control-Max-Age is missing, expected {contract.max_age.describe()}",
                )
            )
    actual = first.actual
    if contract.vary and actual is not None:
        acao = actual.response.header(ACAO)
        if acao is not None and acao.strip() != "*" and not vary_lists_origin(actual.response):
            problems.append(
                Problem(
                    ProblemKind.VARY,
                    f"the response allows {acao.strip()!r} but its Vary header does not list Origin "
                    "(a shared cache can serve this origin's answer to another)",
                )
            )
    return problems


def run_verdicts(
    case: ContractCase,
    send: Send,
    base_url: str,
    profiles: Sequence[BrowserProfile],
    *,
    withhold_unsafe: bool = False,
) -> Tuple[FetchRequest, CachingSender, Tuple[BrowserVerdict, ...]]:
    """Simulate the case's fetch() in every profile over one shared exchange cache."""
    sender = CachingSender(send, withhold_unsafe=withhold_unsafe)
    fetch = fetch_for(case, base_url)
    return fetch, sender, tuple(simulate_fetch(fetch, profile, sender) for profile in profiles)


def _standard_needed(fetch: FetchRequest, verdicts: Sequence[BrowserVerdict], profiles: Sequence[BrowserProfile]) -> bool:
    """Whether the Fetch standard must be simulated for the spec-deviation warning of an allowed case.

    Not when it is selected (its verdict is among the others), nor when a selected profile that
    allowed the read provably decides this fetch() as the standard does: the standard allows it too.
    """
    spec = PROFILES["spec"]
    allowed = {v.profile for v in verdicts if v.allowed}
    return not any(p.name == spec.name or (p.name in allowed and decide_alike(p, spec, fetch)) for p in profiles)


def judge(
    case: ContractCase,
    fetch: FetchRequest,
    sender: Send,
    verdicts: Tuple[BrowserVerdict, ...],
    profiles: Sequence[BrowserProfile],
) -> CaseResult:
    """Compare what the browsers did with what the case expects."""
    problems: List[Problem] = []
    notes: List[str] = []
    spec_warning: Optional[str] = None
    if case.expect_allowed:
        problems = _allow_problems(case.contract, verdicts)
        if not problems and _standard_needed(fetch, verdicts, profiles):
            spec = simulate_fetch(fetch, PROFILES["spec"], sender)
            if not spec.allowed:
                reason = (
                    "Authorization is covered by 'Access-Control-Allow-Headers: *' only by a browser "
                    "deprecation; list Authorization explicitly"
                    if any(AUTHORIZATION_UNDER_WILDCARD in v.warnings for v in verdicts)
                    else spec.message
                )
                spec_warning = (
                    f"{case.contract.name} [{case.id}]: allowed by every selected browser, but the Fetch "
                    f"standard blocks it: {reason} (use --cors-browser spec to make this fail)"
                )
        if contract_max_age_unchecked(case, verdicts):
            notes.append("max_age not checked: this request needs no preflight, so no preflight response exists")
    else:
        allowed = tuple(v.profile for v in verdicts if v.allowed and not v.actual_withheld)
        if allowed:
            problems.append(
                Problem(
                    ProblemKind.ALLOWED,
                    f"origin {case.origin} can read the response in {display_names(allowed)}, "
                    "but the contract says it must be blocked",
                    allowed,
                )
            )
        elif any(v.actual_withheld and v.allowed for v in verdicts):
            problems.append(
                Problem(
                    ProblemKind.ALLOWED,
                    f"the preflight allows origin {case.origin}, which the contract says must be blocked "
                    "(the actual request was not sent: pass --cors-send-unsafe to send it)",
                    tuple(v.profile for v in verdicts if v.allowed),
                )
            )
    if any(v.actual_withheld for v in verdicts):
        notes.append(
            f"the actual {case.method} request was not sent to the live URL (it could change data); "
            "only the preflight was checked. Pass --cors-send-unsafe to send it."
        )
    body_notes = truncated_body_notes(case, verdicts)
    return CaseResult(
        case, fetch.url, verdicts, tuple(problems), tuple(notes), spec_warning, response_warnings=body_notes
    )


def truncated_body_notes(case: ContractCase, verdicts: Sequence[BrowserVerdict]) -> Tuple[str, ...]:
    """A note per actual response whose body broke off: fetch() resolves, reading the body fails.

    No contract key says whether the page reads the body, so every case whose actual request
    was made gets the note (a warning when it passes); a browser-level verdict does not change.
    """
    return tuple(
        f"{case.contract.name} [{case.id}]: the actual response to {exchange.request.method} {exchange.request.url} "
        f"is broken: {exchange.response.body_error}. fetch() resolves with the headers, but reading the body "
        "(response.json(), .text()) fails in the page with a TypeError (a network error)"
        for exchange in distinct_exchanges(verdicts)
        if exchange.kind == "actual" and exchange.response.body_error
    )


def check_case(
    case: ContractCase,
    send: Send,
    base_url: str,
    profiles: Sequence[BrowserProfile],
    *,
    withhold_unsafe: bool = False,
) -> CaseResult:
    """Run one case in every profile and judge it; network faults propagate as TransportError."""
    fetch, sender, verdicts = run_verdicts(case, send, base_url, profiles, withhold_unsafe=withhold_unsafe)
    return judge(case, fetch, sender, verdicts, profiles)


def contract_max_age_unchecked(case: ContractCase, verdicts: Sequence[BrowserVerdict]) -> bool:
    """Whether the contract sets ``max_age`` but no profile sent a preflight to check it against."""
    return case.contract.max_age is not None and all(v.preflight is None for v in verdicts)
