"""One run's state: the chosen target, shared transports, and running contracts on it.

Kept free of pytest hooks so the same object serves marker tests, YAML items,
the ``cors`` fixture and the stand-alone scan.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Optional, Sequence, Tuple

from pytest_cors.browser.cookies import Cookie, merge_cookies
from pytest_cors.browser.exchange import Exchange
from pytest_cors.browser.fetch import BrowserVerdict
from pytest_cors.browser.profiles import BrowserProfile
from pytest_cors.check.case import CaseResult, check_case, console_verdict, judge, run_verdicts
from pytest_cors.contract.model import ContractCase, ContractError, CorsContract
from pytest_cors.contract.schema import parse_contract
from pytest_cors.errors import (
    CorsConfigurationError,
    CorsContractFailure,
    CorsNetworkError,
)
from pytest_cors.report.case_failure import format_case_failure
from pytest_cors.report.faults import format_transport_error
from pytest_cors.report.redaction import Redactor
from pytest_cors.transport import Transport, TransportError

if TYPE_CHECKING:  # the transports import requests, werkzeug, asyncio: loaded when a run first needs one
    from pytest_cors.transport.asgi_lifespan import LifespanProblem
    from pytest_cors.transport.asgi_loop import AsgiLoop
    from pytest_cors.transport.in_process import InProcessTransport
    from pytest_cors.transport.live import FaultRegistry, LiveTransport

NO_TARGET_MESSAGE = """no target to check CORS contracts against. Give one of:
  - an in-process WSGI or ASGI app: override the `cors_app` fixture in conftest.py
        @pytest.fixture
        def cors_app():
            from myproject.wsgi import application   # FastAPI/Starlette: from app.main import app
            return application
    or pass --cors-app module:attribute (ini: cors_app = myproject.wsgi:application or app.main:app)
  - with pytest-django: the project's application is used when DJANGO_SETTINGS_MODULE is set (--ds or ini)
  - with pytest-flask: the Flask app of your `app` fixture is used
  - a live URL: --cors-url https://staging.example.com (ini: cors_url), or `target:` in a YAML contract file"""

def in_process_label(transport: Transport) -> str:
    """How a fault report names an in-process app and its interface (a live URL is already in ``URL:``)."""
    return "" if transport.is_live else transport.describe()


def contract_with_jar(contract: CorsContract, jar: Tuple[Cookie, ...]) -> CorsContract:
    """The contract with a run-wide cookie jar under its own cookies (credentialed contracts only)."""
    if not jar or not contract.credentials:
        return contract
    return dataclasses.replace(contract, cookies=merge_cookies(jar, contract.cookies))


class CorsRun:
    """Per-run state: settings-derived choices and one live transport (one Session) per base URL."""

    def __init__(
        self,
        *,
        profiles: Sequence[BrowserProfile],
        redactor: Redactor,
        app_origin: str = "http://testserver",
        timeout: float = 10.0,
        verify: Any = True,
        retries: int = 0,
        send_unsafe: bool = False,
        app_interface: str = "auto",
        app_interface_option: str = "--cors-app-interface",
    ) -> None:
        self.profiles = tuple(profiles)
        self.redactor = redactor
        self.app_origin = app_origin
        self.timeout = timeout
        self.verify = verify
        self.retries = retries
        self.send_unsafe = send_unsafe
        self._live: Dict[str, LiveTransport] = {}
        self._faults: Optional[FaultRegistry] = None
        #: Actual requests not sent to a live URL (unsafe methods without --cors-send-unsafe).
        self.withheld: List[str] = []
        self.app_interface = app_interface
        self.app_interface_option = app_interface_option  # named in errors: the flag the user typed
        self._apps: Dict[int, InProcessTransport] = {}
        #: The run's one event loop for ASGI apps (created, then started, on first use; closed by close()).
        self._asgi_loop: Optional[AsgiLoop] = None
        #: Lifespan startup/shutdown problems of the run's ASGI apps, for the end-of-run summary.
        self.lifespan_problems: List[Tuple[str, LifespanProblem]] = []
        #: Called with every contract case checked in this run (the plugin records them for reports).
        self.case_observers: List[Callable[[CaseResult], None]] = []

    def live(self, url: str) -> LiveTransport:
        """The transport for the live base URL ``url``, one per URL for the whole run (its connections are reused)."""
        from pytest_cors.transport.live import FaultRegistry, LiveTransport

        base = url.rstrip("/")
        transport = self._live.get(base)
        if transport is None:
            shared = next(iter(self._live.values()), None)
            if self._faults is None:
                self._faults = FaultRegistry()  # one fail-fast registry per run
            transport = LiveTransport(
                base,
                timeout=self.timeout,
                verify=self.verify,
                retries=self.retries,
                session=shared.session if shared else None,
                faults=self._faults,
            )
            self._live[base] = transport
        return transport

    def app(self, app: Callable[..., Any], name: Optional[str] = None) -> InProcessTransport:
        """The in-process transport for ``app`` (WSGI or ASGI, see --cors-app-interface), one per app."""
        from pytest_cors.transport.asgi_loop import AsgiLoop
        from pytest_cors.transport.in_process import app_transport

        transport = self._apps.get(id(app))
        if transport is None or transport.app is not app:
            if self._asgi_loop is None:
                self._asgi_loop = AsgiLoop()
            transport = app_transport(
                app, self.app_origin, interface=self.app_interface, loop=self._asgi_loop, timeout=self.timeout, name=name,
                where=self.app_interface_option,
            )
            self._apps[id(app)] = transport
        return transport

    def close_apps(self) -> None:
        """Shut down every ASGI app's lifespan, then close the run's event loop (at the end of the run)."""
        from pytest_cors.transport.asgi import AsgiTransport

        for transport in self._apps.values():
            if isinstance(transport, AsgiTransport):
                transport.close()
                problem = transport.lifespan.problem
                if problem is not None and (transport.describe(), problem) not in self.lifespan_problems:
                    self.lifespan_problems.append((transport.describe(), problem))
        self._apps.clear()
        if self._asgi_loop is not None:
            self._asgi_loop.close()

    def unreachable_targets(self) -> Dict[str, Any]:
        """Targets that failed for good in this run: origin -> (TransportError, requests not sent)."""
        return self._faults.unreachable_targets() if self._faults is not None else {}

    def close(self) -> None:
        """Shut the ASGI apps down, then close every live transport's connections (end of the run)."""
        self.close_apps()
        for transport in self._live.values():
            transport.close()
        self._live.clear()

    # --- running ---------------------------------------------------------------------------

    def ensure_cross_origin(self, contract: CorsContract, transport: Transport) -> None:
        """Refuse a contract origin that is the target's own origin: a browser sends no CORS there."""
        own = transport.origin
        for origin in contract.origins + contract.deny_origins:
            if origin == own:
                raise CorsConfigurationError(
                    f"{contract.where or contract.name}: origin {origin!r} is the target's own origin "
                    f"({transport.describe()}). Same-origin requests never use CORS, so this contract would "
                    "check nothing. Use the origin of the page that calls the API (a dev proxy that serves the "
                    "page and the API together hides CORS until staging)."
                )

    def withholds_unsafe(self, transport: Transport) -> bool:
        """Whether unsafe actual requests are held back: against a live URL unless --cors-send-unsafe.

        An in-process app is the user's own test double; a live server holds real data.
        """
        return transport.is_live and not self.send_unsafe

    def run_case(self, case: ContractCase, transport: Transport) -> CaseResult:
        """Check one contract case against ``transport`` in every selected profile."""
        withhold = self.withholds_unsafe(transport)
        try:
            result = check_case(case, transport.send, transport.base_url(), self.profiles, withhold_unsafe=withhold)
        except TransportError as error:
            raise CorsNetworkError(format_transport_error(error, self.redactor, in_process_label(transport))) from None
        if result.actual_withheld:
            self.withheld.append(f"{case.method} {self.redactor.url(result.url)} ({case.contract.name})")
        if not result.passed:  # only a failure report names the target (WSGI / ASGI app or live URL)
            result = dataclasses.replace(result, target=transport.describe())
        for observer in self.case_observers:
            observer(result)
        return result

    def run_contract(self, contract: CorsContract, transport: Transport) -> List[CaseResult]:
        """Check every case of ``contract`` against ``transport``."""
        self.ensure_cross_origin(contract, transport)
        return [self.run_case(case, transport) for case in contract.cases()]

    def failure_text(self, results: Sequence[CaseResult]) -> Optional[str]:
        """The failure report for the cases that did not hold, or ``None`` when all did."""
        failed = [r for r in results if not r.passed]
        if not failed:
            return None
        parts = [format_case_failure(r, self.redactor) for r in failed]
        if len(failed) > 1:
            header = f"{len(failed)} of {len(results)} CORS cases failed"
            return header + "\n\n" + "\n\n".join(f"[{i}] {p}" for i, p in enumerate(parts, 1))
        return parts[0]


@dataclass
class CheckResult:
    """The outcome of ``cors.check(...)``: what every selected browser did with one fetch()."""

    result: CaseResult
    _run: CorsRun
    _fetch: Any
    _sender: Any

    def __repr__(self) -> str:
        # Short and secret-free: pytest prints it when an assertion about the result fails.
        case = self.result.case
        state = "allowed" if self.allowed else f"blocked by {', '.join(self.blocked_by)}"
        return f"<CheckResult {case.method} {self._run.redactor.url(self.result.url)} from {case.origin}: {state}>"

    @property
    def verdicts(self) -> Dict[str, BrowserVerdict]:
        """Each profile's verdict, by profile name."""
        return {v.profile: v for v in self.result.verdicts}

    @property
    def allowed(self) -> bool:
        """True when every selected browser lets the page read the response."""
        return all(v.allowed for v in self.result.verdicts)

    @property
    def blocked_by(self) -> Tuple[str, ...]:
        """The profiles whose browser blocked the read."""
        return self.result.blocking_profiles

    def _first_blocking(self) -> Optional[BrowserVerdict]:
        return console_verdict(self.result.verdicts)

    @property
    def reason(self) -> str:
        """The reason code of the first blocking profile (or of the first profile when allowed)."""
        verdict = self._first_blocking()
        return verdict.reason if verdict else self.result.verdicts[0].reason

    @property
    def console_message(self) -> str:
        """The console line of the first blocking browser; empty when allowed."""
        verdict = self._first_blocking()
        return verdict.message if verdict else ""

    @property
    def preflight(self) -> Optional[Exchange]:
        """The preflight exchange, if any profile sent one."""
        return next((v.preflight for v in self.result.verdicts if v.preflight), None)

    @property
    def actual(self) -> Optional[Exchange]:
        """The actual request's exchange, if any profile sent one."""
        return next((v.actual for v in self.result.verdicts if v.actual), None)

    @property
    def exchanges(self) -> Tuple[Exchange, ...]:
        """Every distinct exchange the profiles made, each once."""
        return self.result.exchanges

    @property
    def readable_headers(self) -> Dict[str, str]:
        """Headers JS can read, as the strictest selected browser sees them."""
        readable: Optional[Dict[str, str]] = None
        for verdict in self.result.verdicts:
            if readable is None:
                readable = dict(verdict.readable_headers)
            else:
                readable = {k: val for k, val in readable.items() if k in verdict.readable_headers}
        return readable or {}

    def assert_allowed(self) -> CheckResult:
        """Fail with the full report unless every selected browser lets the page read the response."""
        __tracebackhide__ = True
        if not self.result.passed:
            raise CorsContractFailure(format_case_failure(self.result, self._run.redactor))
        return self

    def assert_blocked(self) -> CheckResult:
        """Fail with the full report unless every selected browser blocks the read."""
        __tracebackhide__ = True
        case = self.result.case
        deny_case = ContractCase(case.contract, case.origin, case.method, False)
        judged = judge(deny_case, self._fetch, self._sender, self.result.verdicts, self._run.profiles)
        judged = dataclasses.replace(judged, target=self.result.target)
        if not judged.passed:
            raise CorsContractFailure(format_case_failure(judged, self._run.redactor))
        return self


class CorsChecker:
    """The ``cors`` fixture: imperative checks against the configured target."""

    def __init__(
        self, run: CorsRun, transport_factory: Callable[[], Transport], where: str = "cors.check", jar: Tuple[Cookie, ...] = ()
    ) -> None:
        self._run = run
        self._jar = jar
        self._factory = transport_factory
        self._transport: Optional[Transport] = None
        self._where = where

    def _with_jar(self, contract: CorsContract) -> CorsContract:
        """The run-wide ``cors_cookies`` under the call's own cookies; every cookie value is a secret."""
        contract = contract_with_jar(contract, self._jar)
        self._run.redactor.values.add(cookie.value for cookie in contract.cookies)
        return contract

    @property
    def transport(self) -> Transport:
        """The transport of the current target, created on first use."""
        if self._transport is None:
            self._transport = self._factory()
        return self._transport

    @property
    def profiles(self) -> Tuple[str, ...]:
        """The names of the selected browser profiles."""
        return tuple(p.name for p in self._run.profiles)

    def check(
        self,
        path: str,
        *,
        origin: str,
        method: str = "GET",
        headers: Any = None,
        credentials: bool = False,
        body: Any = None,
        expose_headers: Sequence[str] = (),
        cookies: Any = None,
    ) -> CheckResult:
        """Send what a browser would for ``fetch(path, {method, headers, credentials, body})`` from ``origin``."""
        __tracebackhide__ = True
        data: Dict[str, Any] = {"path": path, "origins": [origin], "methods": [method], "credentials": credentials, "vary": False}
        if headers:
            data["request_headers"] = dict(headers) if not isinstance(headers, (list, tuple)) else list(headers)
        if body is not None:
            data["body"] = body
        if expose_headers:
            data["expose_headers"] = list(expose_headers)
        if cookies:
            data["cookies"] = cookies
        try:
            contract = self._with_jar(parse_contract(data, default_name=f'cors.check("{path}")', where=self._where))
        except ContractError as exc:
            raise CorsConfigurationError(f"cors.check(): {exc.message}") from None
        transport = self.transport
        self._run.ensure_cross_origin(contract, transport)
        case = contract.cases()[0]
        withhold = self._run.withholds_unsafe(transport)
        try:
            fetch, sender, verdicts = run_verdicts(case, transport.send, transport.base_url(), self._run.profiles, withhold_unsafe=withhold)
            result = judge(case, fetch, sender, verdicts, self._run.profiles)
        except TransportError as error:
            raise CorsNetworkError(format_transport_error(error, self._run.redactor, in_process_label(transport))) from None
        return CheckResult(dataclasses.replace(result, target=transport.describe()), self._run, fetch, sender)

    def check_contract(self, **contract: Any) -> List[CaseResult]:
        """Check a whole contract (same keys as the marker); raises CorsContractFailure on violation."""
        __tracebackhide__ = True
        try:
            parsed = self._with_jar(parse_contract(contract, where=self._where))  # unnamed: named after its path
        except ContractError as exc:
            raise CorsConfigurationError(f"cors.check_contract(): {exc.message}") from None
        results = self._run.run_contract(parsed, self.transport)
        text = self._run.failure_text(results)
        if text:
            raise CorsContractFailure(text)
        return results
