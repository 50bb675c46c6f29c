"""Ways to reach the app under test, behind one interface: ``send(HttpRequest) -> HttpResponse``.

A transport performs exactly one HTTP exchange, never follows redirects (the
browser simulation does, hop by hop) and never reads more of a body than it
must. Faults of the network are raised as :class:`TransportError`, so they are
reported as faults and never mistaken for a CORS verdict.
"""

from __future__ import annotations

from typing import Optional, Protocol

from pytest_cors.browser.exchange import HttpRequest, HttpResponse

#: The most of a response body any transport reads (then discards): CORS is decided by headers,
#: and a huge or endless body must not stall the run.
BODY_READ_LIMIT = 1 << 20


class TransportError(Exception):
    """The request could not be completed; ``kind`` names the fault for humans and hints."""

    def __init__(self, kind: str, url: str, cause: str, hint: Optional[str] = None) -> None:
        self.kind = kind
        self.url = url
        self.cause = cause
        self.hint = hint
        text = f"{kind}: {url}: {cause}"
        if hint:
            text += f" ({hint})"
        super().__init__(text)


class Transport(Protocol):
    """Anything that can perform one exchange; ``origin`` is the target's own origin."""

    origin: str
    #: A real server over the network (its data is real: unsafe actual requests are held back by default).
    is_live: bool

    def send(self, request: HttpRequest) -> HttpResponse:
        """Perform one HTTP exchange (no redirects followed); network faults raise ``TransportError``."""

    def base_url(self) -> str:
        """The origin requests are sent to (``scheme://host[:port]``)."""

    def describe(self) -> str:
        """The target in words, for reports (secrets hidden)."""

    def close(self) -> None:
        """Release connections; the transport is not used afterwards."""
