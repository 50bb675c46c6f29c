"""A WSGI server whose CORS policy a test states per origin, and the recorder's check/audit closures over a real run.

Every request goes through the real in-process transport and the real verdict engine (no mocked HTTP).
"""

from __future__ import annotations

import contextlib
import threading
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Iterable, Iterator, List, Optional, Sequence, Tuple

from werkzeug.serving import make_server

from pytest_cors.audit.runner import ContractAudit
from pytest_cors.browser.profiles import select_profiles
from pytest_cors.check.case import CaseResult
from pytest_cors.check.run import CorsRun
from pytest_cors.contract.model import ContractCase, CorsContract
from pytest_cors.record.openapi import Endpoint
from pytest_cors.record.recorder import RecordSettings, record_endpoint
from pytest_cors.report.redaction import Redactor


@dataclass(frozen=True)
class Grant:
    """What the server grants one origin."""

    methods: Tuple[str, ...] = ("GET",)
    headers: Tuple[str, ...] = ()
    credentials: bool = False
    expose: str = ""
    max_age: str = ""
    vary: bool = True
    wildcard: bool = False  # Access-Control-Allow-Origin: * instead of the origin


@dataclass
class Server:
    """``grants``: origin -> Grant; ``anyone``: the Grant of every other origin (None: refused).

    ``strict_headers``: answer a preflight asking for an unlisted header with 400 (Starlette's way), else
    list only the allowed headers and let the browser refuse. ``requests``: what the server received.
    """

    grants: Dict[str, Grant] = field(default_factory=dict)
    anyone: Optional[Grant] = None
    strict_headers: bool = False
    requests: List[str] = field(default_factory=list)
    #: origin -> the Grant of its 1st, 2nd, ... request (the last one for every later request): a policy that changes
    changing: Dict[str, List[Optional[Grant]]] = field(default_factory=dict)
    #: Access-Control-Allow-Origin sent to every refused origin (a server that answers with its one allowed origin)
    fallback_origin: str = ""

    def grant(self, origin: str) -> Optional[Grant]:
        if origin in self.changing:
            seen = sum(1 for r in self.requests if r.split(" ", 1)[1] == origin)
            sequence = self.changing[origin]
            return sequence[min(seen, len(sequence)) - 1]
        return self.grants.get(origin, self.anyone)

    def __call__(self, environ: Dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        origin, method = environ.get("HTTP_ORIGIN", ""), environ["REQUEST_METHOD"]
        self.requests.append(f"{method} {origin}")
        grant = self.grant(origin) if origin else None
        headers: List[Tuple[str, str]] = []
        status = "200 OK"
        asked = environ.get("HTTP_ACCESS_CONTROL_REQUEST_METHOD")
        if method == "OPTIONS" and asked:
            status = "204 No Content"
            if grant is not None and asked in grant.methods:
                wanted = [h.strip() for h in environ.get("HTTP_ACCESS_CONTROL_REQUEST_HEADERS", "").split(",") if h.strip()]
                allowed = {h.lower() for h in grant.headers}
                if self.strict_headers and any(h.lower() not in allowed for h in wanted):
                    start_response("400 Bad Request", self._origin_headers(origin, grant) + [("Content-Type", "text/plain")])
                    return [b"Disallowed CORS headers"]
                headers += self._origin_headers(origin, grant)
                headers.append(("Access-Control-Allow-Methods", ", ".join(grant.methods)))
                if grant.headers:
                    headers.append(("Access-Control-Allow-Headers", ", ".join(grant.headers)))
                if grant.max_age:
                    headers.append(("Access-Control-Max-Age", grant.max_age))
        elif grant is not None and method in grant.methods:
            headers += self._origin_headers(origin, grant)
            if grant.expose:
                headers.append(("Access-Control-Expose-Headers", grant.expose))
            headers += [("X-Total-Count", "1"), ("X-Request-Id", "r1")]
        elif origin and self.fallback_origin:
            headers.append(("Access-Control-Allow-Origin", self.fallback_origin))
        start_response(status, headers + [("Content-Type", "application/json")])
        return [b"[]"]

    @staticmethod
    def _origin_headers(origin: str, grant: Grant) -> List[Tuple[str, str]]:
        headers = [("Access-Control-Allow-Origin", "*" if grant.wildcard else origin)]
        if grant.credentials:
            headers.append(("Access-Control-Allow-Credentials", "true"))
        if grant.vary and not grant.wildcard:
            headers.append(("Vary", "Origin"))
        return headers


@contextlib.contextmanager
def serve(app: Callable[..., Any]) -> Iterator[str]:
    """``app`` over real HTTP on 127.0.0.1 (an ephemeral port): its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


class Target:
    """A real run against ``app`` (in-process, or the live URL ``url``): ``check`` and ``audit`` as the command builds them."""

    def __init__(self, app: Callable[..., Any], browsers: str = "all", url: str = "") -> None:
        self.run = CorsRun(profiles=select_profiles(browsers), redactor=Redactor())
        self.transport: Any = self.run.live(url) if url else self.run.app(app)

    def check(self, case: ContractCase) -> CaseResult:
        return self.run.run_case(case, self.transport)

    def audit(self, contract: CorsContract) -> Any:
        return ContractAudit(contract, self.run, self.transport).all_findings()

    def record(self, path: str, origins: Sequence[str], methods: Sequence[str] = ("GET",), headers: Sequence[str] = (),
               credentials: bool = False, endpoint_methods: Sequence[str] = ()) -> Any:
        settings = RecordSettings(tuple(origins), tuple(methods), tuple(headers), credentials, self.transport.base_url())
        return record_endpoint(Endpoint(path, tuple(endpoint_methods)), settings, self.check, self.audit)
