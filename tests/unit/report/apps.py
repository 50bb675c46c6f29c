"""Plain WSGI apps that answer with exactly the headers a test gives, and the failure report of a case against one."""

from __future__ import annotations

from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

from pytest_cors.browser.profiles import PROFILES
from pytest_cors.check.case import CaseResult, check_case
from pytest_cors.contract.schema import parse_contract
from pytest_cors.report.case_failure import format_case_failure
from pytest_cors.report.redaction import Redactor
from pytest_cors.transport.wsgi import WsgiTransport

Headers = Sequence[Tuple[str, str]]
ALL = ("chrome", "firefox", "safari")


def app(
    preflight: Headers = (),
    actual: Headers = (),
    *,
    preflight_status: str = "204 No Content",
    status: str = "200 OK",
    body: bytes = b"{}",
) -> Callable[..., Iterable[bytes]]:
    """A WSGI app: OPTIONS gets ``preflight_status`` + ``preflight``, every other method ``status`` + ``actual``."""

    def wsgi(environ: Dict[str, Any], start_response: Callable[..., Any]) -> List[bytes]:
        if environ["REQUEST_METHOD"] == "OPTIONS":
            start_response(preflight_status, list(preflight))
            return [b""]
        start_response(status, list(actual))
        return [body]

    return wsgi


def result_of(
    wsgi: Callable[..., Iterable[bytes]],
    contract: Mapping[str, Any],
    *,
    case: int = 0,
    profiles: Sequence[str] = ALL,
    where: str = "",
    served_as: str = "http://testserver",
) -> CaseResult:
    """The result of the contract's ``case``-th case against ``wsgi`` served as ``served_as``."""
    parsed = parse_contract({"name": "api", **contract}, where=where)
    transport = WsgiTransport(wsgi, served_as, name="tests.app")
    return check_case(parsed.cases()[case], transport.send, transport.base_url(), [PROFILES[p] for p in profiles])


def report(
    wsgi: Callable[..., Iterable[bytes]],
    contract: Mapping[str, Any],
    *,
    case: int = 0,
    profiles: Sequence[str] = ALL,
    redactor: Optional[Redactor] = None,
    where: str = "",
    served_as: str = "http://testserver",
) -> List[str]:
    """The failure report's lines."""
    result = result_of(wsgi, contract, case=case, profiles=profiles, where=where, served_as=served_as)
    assert not result.passed, "the case passed: no failure report"
    return format_case_failure(result, redactor or Redactor()).split("\n")


def section(lines: List[str], title: str) -> List[str]:
    """The lines of the section that starts with ``title``, up to the next blank line."""
    start = lines.index(title)
    end = lines.index("", start) if "" in lines[start:] else len(lines)
    return lines[start:end]
