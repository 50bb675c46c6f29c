"""What the server does today for one (path, origin, method): asked of the real verdict engine.

Every probe is a one-case contract checked by :func:`pytest_cors.check.case.check_case`
through the run, i.e. exactly the requests and the verdicts a later ``pytest`` run
makes. Nothing here decides CORS: when the browsers block, the engine's failure
codes say why, and the probe retries without the refused request header or
without credentials to find the shape of request the server does accept.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

from pytest_cors.browser import rules
from pytest_cors.browser.profiles import display_names
from pytest_cors.check.case import CaseResult
from pytest_cors.contract.model import ContractCase, CorsContract
from pytest_cors.contract.schema import parse_contract

#: Checks one case against the target (a closure over the run and the transport).
CheckCase = Callable[[ContractCase], CaseResult]
#: Failure codes that mean "this origin may read, but not with credentials".
CREDENTIAL_FAILURES = frozenset({rules.ACAC_NOT_TRUE, rules.ACAO_WILDCARD_WITH_CREDENTIALS})


class Outcome(enum.Enum):
    """What every selected browser did with the request."""

    ALLOWED = "allowed"
    BLOCKED = "blocked"
    MIXED = "browsers disagree"


@dataclass(frozen=True)
class Request:
    """The request shape a frontend makes: extra header names and the credentials mode."""

    headers: Tuple[str, ...] = ()
    credentials: bool = False


@dataclass(frozen=True)
class Cell:
    """The outcome for one origin and method, with the request shape the server accepted."""

    origin: str
    method: str
    outcome: Outcome
    shape: Request
    result: Optional[CaseResult]
    reason: str = ""
    notes: Tuple[str, ...] = ()

    @property
    def allowed(self) -> bool:
        """Whether the browsers let the page read the response."""
        return self.outcome is Outcome.ALLOWED


def draft_contract(path: str, origins: Sequence[str], methods: Sequence[str], shape: Request, **extra: Any) -> CorsContract:
    """A contract through the one schema (so header values are the worst case a later run sends)."""
    data: Dict[str, Any] = {"path": path, "origins": list(origins), "methods": list(methods), "vary": False}
    if shape.headers:
        data["request_headers"] = list(shape.headers)
    data["credentials"] = shape.credentials
    data.update(extra)
    return parse_contract(data, default_name=path, where="pytest-cors record")


def _refused_header(result: CaseResult, headers: Sequence[str]) -> Optional[str]:
    """The request header the preflight refused, as the user spelled it (the engine lowercases)."""
    for verdict in result.verdicts:
        failure = verdict.failure
        if failure is not None and failure.code == rules.HEADER_NOT_ALLOWED and failure.detail:
            for name in headers:
                if name.lower() == failure.detail.lower():
                    return name
    return None


def _credentials_refused(result: CaseResult) -> bool:
    """Whether the server refuses credentials: one browser saying so is enough.

    The others may report another failure of the same response first (Safari names a
    preflight's error status before its missing ``Access-Control-Allow-Credentials: true``).
    """
    return any(v.failure is not None and v.failure.code in CREDENTIAL_FAILURES for v in result.verdicts)


def _headers_one_by_one(path: str, origin: str, method: str, headers: Sequence[str], result: CaseResult, check: CheckCase) -> Optional[List[str]]:
    """The headers a server accepts when its preflight fails with an error status instead of naming one.

    Some servers (Starlette's CORSMiddleware: 400 "Disallowed CORS headers")
    answer a preflight that asks for an unlisted header with an error, so the
    engine cannot say which header it was. Then each header is tried on top of
    those already accepted, without credentials (a server that refuses them is
    found out in the next round, with a note of its own); None when even no
    header at all is accepted.
    """
    if not headers or not all(v.failure is not None and v.failure.code == rules.PREFLIGHT_STATUS for v in result.verdicts):
        return None
    kept: List[str] = []
    for name in (None, *headers):
        candidate = kept + ([name] if name else [])
        trial = Request(tuple(candidate))
        if check(draft_contract(path, [origin], [method], trial).cases()[0]).passed:
            kept = candidate
        elif name is None:
            return None
    return kept


def probe_cell(path: str, origin: str, method: str, wanted: Request, check: CheckCase) -> Cell:
    """Find whether ``origin`` can call ``method path`` with ``wanted``, or the closest shape it can."""
    headers: List[str] = list(wanted.headers)
    credentials = wanted.credentials
    notes: List[str] = []
    while True:  # each round that does not return drops a header or the credentials: at most len(headers) + 1
        shape = Request(tuple(headers), credentials)
        case = draft_contract(path, [origin], [method], shape).cases()[0]
        result = check(case)
        if result.passed:
            return Cell(origin, method, Outcome.ALLOWED, shape, result, notes=tuple(notes))
        allowing = [v.profile for v in result.verdicts if v.allowed]
        if allowing:
            blocking = [v for v in result.verdicts if not v.allowed]
            reason = f"allowed by {display_names(allowing)}, blocked by {display_names(v.profile for v in blocking)}: {blocking[0].message}"
            return Cell(origin, method, Outcome.MIXED, shape, result, reason, tuple(notes))
        refused = _refused_header(result, headers)
        if refused is not None:
            headers.remove(refused)
            notes.append(f"{method} from {origin}: request header {refused} is not allowed ({result.verdicts[0].message})")
            continue
        if credentials and _credentials_refused(result):
            credentials = False
            notes.append(f"{method} from {origin}: credentialed requests are refused ({result.verdicts[0].message})")
            continue
        kept = _headers_one_by_one(path, origin, method, headers, result, check)
        if kept is not None and kept != headers:
            for name in headers:
                if name not in kept:
                    notes.append(
                        f"{method} from {origin}: request header {name} is refused: the preflight that asks for it "
                        f"fails ({result.verdicts[0].message})"
                    )
            headers = kept
            continue
        return Cell(origin, method, Outcome.BLOCKED, shape, result, result.verdicts[0].message, tuple(notes))


def probe_endpoint(path: str, origins: Sequence[str], methods: Sequence[str], wanted: Request, check: CheckCase) -> Tuple[Cell, ...]:
    """Every origin x method of one path."""
    return tuple(probe_cell(path, origin, method, wanted, check) for origin in origins for method in methods)


def refused_for_all(contract: CorsContract, origin: str, check: CheckCase) -> bool:
    """Whether every method of ``contract`` from ``origin`` is blocked in every browser (a deny case holds)."""
    return all(check(ContractCase(contract, origin, method, False)).passed for method in contract.methods)
