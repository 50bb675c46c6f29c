"""A response's CORS headers, parsed once and read by every browser profile.

A check simulates the same fetch() in three or four engines over one shared set of
responses; each engine reads the same Access-Control-* headers of the same response.
What does not depend on the engine (joining the lines, trimming, parsing the token
lists) is done here once per response and kept on it (:func:`~pytest_cors.browser.exchange.memo`);
the rules in :mod:`pytest_cors.browser.rules` decide from it, engine by engine.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, FrozenSet, Optional, Tuple

from pytest_cors.browser.exchange import HttpResponse, memo
from pytest_cors.browser.safelist import SAFELISTED_RESPONSE_HEADERS, parse_token_list

ACAO = "Access-Control-Allow-Origin"
ACAC = "Access-Control-Allow-Credentials"
ACAM = "Access-Control-Allow-Methods"
ACAH = "Access-Control-Allow-Headers"
ACEH = "Access-Control-Expose-Headers"
ACMA = "Access-Control-Max-Age"
NEVER_EXPOSED = frozenset({"set-cookie", "set-cookie2"})


def trim(value: str) -> str:
    """A header value without the spaces and tabs around it (HTTP whitespace)."""
    return value.strip(" \t")


def _parsed(value: Optional[str]) -> Optional[Tuple[str, ...]]:
    items = parse_token_list(value)
    return None if items is None else tuple(items)


@dataclass(frozen=True)
class CorsHeaders:
    """What a response says about CORS, engine-independent: lines joined, values trimmed, lists parsed."""

    #: Access-Control-Allow-Origin, line by line (engines differ on several lines).
    acao_lines: Tuple[str, ...]
    #: The lines joined by ``, `` and trimmed; ``None`` when the header is absent.
    acao: Optional[str]
    #: Access-Control-Allow-Credentials trimmed; ``None`` when absent.
    acac: Optional[str]
    #: Access-Control-Allow-Methods as received (lines joined), and its items (``None``: it does not parse).
    allow_methods_value: Optional[str]
    allow_methods: Optional[Tuple[str, ...]]
    #: Access-Control-Allow-Headers as received, its items, and those lowercased.
    allow_headers_value: Optional[str]
    allow_headers: Optional[Tuple[str, ...]]
    allow_headers_lower: FrozenSet[str]
    max_age_lines: Tuple[str, ...]
    #: Access-Control-Expose-Headers items, lowercased (none when it does not parse: it exposes nothing).
    exposed: FrozenSet[str]
    #: Every header name of the response, lowercased.
    names: FrozenSet[str]
    #: Location, lines joined; ``None`` when absent.
    location: Optional[str]
    #: A 301/302/303/307/308 with a non-blank Location: a redirect fetch() follows.
    followable_redirect: bool


def _parse(response: HttpResponse) -> CorsHeaders:
    acao_lines = tuple(response.header_lines(ACAO))
    acac = response.header(ACAC)
    acam = response.header(ACAM)
    acah = response.header(ACAH)
    allow_headers = _parsed(acah)
    location = response.header("Location")
    return CorsHeaders(
        acao_lines=acao_lines,
        acao=trim(", ".join(acao_lines)) if acao_lines else None,
        acac=trim(acac) if acac is not None else None,
        allow_methods_value=acam,
        allow_methods=_parsed(acam),
        allow_headers_value=acah,
        allow_headers=allow_headers,
        allow_headers_lower=frozenset(h.lower() for h in allow_headers or ()),
        max_age_lines=tuple(response.header_lines(ACMA)),
        exposed=frozenset(item.lower() for item in _parsed(response.header(ACEH)) or ()),
        names=frozenset(name.lower() for name, _ in response.headers),
        location=location,
        followable_redirect=response.is_redirect and bool((location or "").strip()),
    )


def cors_headers(response: HttpResponse) -> CorsHeaders:
    """The response's CORS headers, parsed on the first call and kept on the response."""
    view: Optional[CorsHeaders] = response.__dict__.get("_cors_headers")  # asked several times per profile
    return view if view is not None else memo(response, "_cors_headers", lambda: _parse(response))


def exposed_names(response: HttpResponse, credentials: bool) -> FrozenSet[str]:
    """Lowercased names JS may read: the safelist, plus Access-Control-Expose-Headers (``*`` without credentials).

    An unparsable Access-Control-Expose-Headers (a non-token item) exposes nothing,
    in every engine (verified in Chromium, Firefox and WebKit).
    """

    def compute() -> FrozenSet[str]:
        view = cors_headers(response)
        names = SAFELISTED_RESPONSE_HEADERS | view.exposed
        if "*" in view.exposed and not credentials:
            names |= view.names
        return frozenset(names - NEVER_EXPOSED)

    return memo(response, f"_exposed_{credentials}", compute)


def readable(response: HttpResponse, credentials: bool) -> Dict[str, str]:
    """What ``response.headers.get(name)`` returns for each readable header present (a fresh dict per call)."""

    def compute() -> Dict[str, str]:
        exposed = exposed_names(response, credentials)
        result: Dict[str, str] = {}
        for name, _ in response.headers:
            lowered = name.lower()
            if lowered in exposed and lowered not in result:
                result[lowered] = response.header(lowered) or ""
        return result

    return dict(memo(response, f"_readable_{credentials}", compute))


def basic_readable(response: HttpResponse) -> Dict[str, str]:
    """What a same-origin response lets JavaScript read (Fetch "basic filtered response"): all but Set-Cookie."""
    result: Dict[str, str] = {}
    for name, _ in response.headers:
        lowered = name.lower()
        if lowered not in NEVER_EXPOSED and lowered not in result:
            result[lowered] = response.header(lowered) or ""
    return result
