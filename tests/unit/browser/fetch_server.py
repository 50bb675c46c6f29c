"""The canned server and names the fetch() simulation tests share (test_fetch.py, test_fetch_wire.py)."""

from __future__ import annotations

from typing import Dict, List, Tuple

from pytest_cors.browser.exchange import HttpRequest, HttpResponse
from pytest_cors.browser.profiles import CHROME, FIREFOX, SAFARI, SPEC

PAGE = "https://app.example"
API = "https://api.example"
API2 = "https://api2.example"
ALL = [CHROME, FIREFOX, SAFARI, SPEC]


def ids(profile):
    return profile.name


class Server:
    """Canned responses keyed by (method, url); ``*`` matches any method. Unknown: 404. Records every request."""

    def __init__(self, routes: Dict[Tuple[str, str], HttpResponse]):
        self.routes = routes
        self.requests: List[HttpRequest] = []

    def __call__(self, request: HttpRequest) -> HttpResponse:
        self.requests.append(request)
        for key in ((request.method, request.url), ("*", request.url)):
            if key in self.routes:
                return self.routes[key]
        return HttpResponse(404)

    def wire(self):
        return [(r.method, r.url, r.header("Origin")) for r in self.requests]
