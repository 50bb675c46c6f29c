"""HTTP requests and responses as plain values.

The verdict engine never touches a socket: transports turn these values into
real traffic and back. Headers are kept as ordered ``(name, value)`` pairs with
duplicates preserved, because CORS verdicts depend on how many
``Access-Control-Allow-Origin`` lines arrived, not only on their values.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Callable, Dict, Iterable, List, Optional, Tuple, TypeVar, Union
from urllib.parse import urlsplit

from pytest_cors.browser.cookies import Cookie

HeaderPairs = Tuple[Tuple[str, str], ...]
HeadersInput = Union[Mapping[str, str], Iterable[Tuple[str, str]], None]


def header_pairs(headers: HeadersInput) -> HeaderPairs:
    """Normalise any header collection to an ordered tuple of pairs."""
    if headers is None:
        return ()
    if isinstance(headers, Mapping):
        return tuple((str(k), str(v)) for k, v in headers.items())
    return tuple((str(k), str(v)) for k, v in headers)


HeaderIndex = Dict[str, Tuple[str, ...]]
T = TypeVar("T")


def memo(message: object, key: str, compute: Callable[[], T]) -> T:
    """``compute()``, computed on the first call for ``message`` and kept on it under ``key``.

    For what every browser profile reads of the same request or response (a header index,
    the parsed CORS headers): requests and responses are immutable, so a value derived from
    one never goes stale. It lives outside the dataclass fields: equality and hashing ignore it.
    """
    kept = message.__dict__
    if key in kept:
        return kept[key]  # type: ignore[no-any-return]
    value = kept[key] = compute()
    return value


def _index(message: object, headers: HeaderPairs) -> HeaderIndex:
    """Lowercased name -> values in arrival order, built on the first lookup and kept on the value.

    One check asks a response for dozens of headers across the browser profiles;
    scanning every pair per lookup was a measurable share of a passing item's cost.
    """
    index: Optional[HeaderIndex] = message.__dict__.get("_header_index")
    if index is None:
        collected: Dict[str, List[str]] = {}
        for key, value in headers:
            collected.setdefault(key.lower(), []).append(value)
        index = {key: tuple(values) for key, values in collected.items()}
        message.__dict__["_header_index"] = index
    return index


def _values(message: object, headers: HeaderPairs, name: str) -> list[str]:
    return list(_index(message, headers).get(name.lower(), ()))


@dataclass(frozen=True)
class HttpRequest:
    """One request exactly as it goes on the wire."""

    method: str
    url: str
    headers: HeaderPairs = ()
    body: Optional[bytes] = None

    def header(self, name: str) -> Optional[str]:
        """All values of header ``name`` (any case) joined by ``, ``, as fetch()'s ``headers.get()``; ``None`` when absent."""
        values = _values(self, self.headers, name)
        return ", ".join(values) if values else None

    @property
    def path(self) -> str:
        """The request target as sent on the request line: path and query."""
        parts = urlsplit(self.url)
        return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


@dataclass(frozen=True)
class HttpResponse:
    """One response as it came off the wire (redirects are never followed)."""

    status: int
    headers: HeaderPairs = ()
    reason: str = ""
    #: Why the body could not be read to its end (cut short before its Content-Length, a broken chunk);
    #: fetch() still resolves with the headers, but reading the body then fails in the page.
    body_error: Optional[str] = None

    def header_lines(self, name: str) -> list[str]:
        """Every line of a header, in arrival order."""
        return _values(self, self.headers, name)

    def header(self, name: str) -> Optional[str]:
        """The header as a browser's network layer sees it: lines joined by ``, ``."""
        values = self.header_lines(name)
        return ", ".join(values) if values else None

    def has_header(self, name: str) -> bool:
        """Whether the response carries header ``name`` at all (even with an empty value)."""
        return bool(self.header_lines(name))

    @property
    def is_redirect(self) -> bool:
        """Whether the status is one fetch() follows (301, 302, 303, 307, 308)."""
        return self.status in (301, 302, 303, 307, 308)


@dataclass(frozen=True)
class Exchange:
    """A request and the response it got; ``kind`` is ``preflight`` or ``actual``."""

    kind: str
    request: HttpRequest
    response: HttpResponse


@dataclass(frozen=True)
class FetchRequest:
    """What a page's script asks for: ``fetch(url, {method, headers, credentials, body})``.

    ``origin`` is the serialized origin of the page making the call.
    ``method`` is as the script wrote it; the engine normalises it as Fetch does.
    ``cookies`` is the browser's jar for the target; only credentialed requests may carry them.
    """

    url: str
    origin: str
    method: str = "GET"
    headers: HeaderPairs = ()
    credentials: bool = False
    body: Optional[Union[str, bytes]] = None
    cookies: Tuple[Cookie, ...] = ()
