"""Origins: parse what users write, serialise what browsers send.

A browser serialises an origin as ``scheme://host[:port]`` with the scheme and
host lowercased and the scheme's default port dropped; opaque origins serialise
as ``null``. Users write origins in many near-miss forms (trailing slash, a path,
``:443``); :func:`parse_origin` accepts the exact form and explains the others.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional
from urllib.parse import urlsplit

DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443, "ftp": 21}
SUPPORTED_SCHEMES = ("http", "https")
NULL_ORIGIN = "null"

_HOST_FORBIDDEN = re.compile(r"[\x00-\x20#%/:<>?@\[\\\]^|]")


class OriginError(ValueError):
    """An origin as written by a user is not a valid serialized origin.

    ``suggestion`` is the origin the user probably meant, when one can be derived.
    """

    def __init__(self, value: str, problem: str, suggestion: Optional[str] = None) -> None:
        self.value = value
        self.problem = problem
        self.suggestion = suggestion
        text = f"invalid origin {value!r}: {problem}"
        if suggestion:
            text += f"; did you mean {suggestion!r}?"
        super().__init__(text)


@dataclass(frozen=True)
class Origin:
    """A tuple origin (or the opaque ``null`` origin when ``scheme`` is empty)."""

    scheme: str
    host: str
    port: Optional[int]

    @property
    def is_opaque(self) -> bool:
        return not self.scheme

    def serialize(self) -> str:
        if self.is_opaque:
            return NULL_ORIGIN
        host = f"[{self.host}]" if ":" in self.host else self.host
        if self.port is None or self.port == DEFAULT_PORTS.get(self.scheme):
            return f"{self.scheme}://{host}"
        return f"{self.scheme}://{host}:{self.port}"

    @property
    def effective_port(self) -> Optional[int]:
        return self.port if self.port is not None else DEFAULT_PORTS.get(self.scheme)

    def __str__(self) -> str:
        return self.serialize()


OPAQUE = Origin("", "", None)


def _split_host_port(netloc: str) -> tuple[str, Optional[str]]:
    if netloc.startswith("["):
        end = netloc.find("]")
        if end == -1:
            return netloc, None
        host, rest = netloc[: end + 1], netloc[end + 1 :]
        return host, rest[1:] if rest.startswith(":") else (None if not rest else rest)
    if netloc.count(":") == 1:
        host, port = netloc.split(":")
        return host, port
    return netloc, None


def origin_of_url(url: str) -> Origin:
    """The origin of an absolute http(s) URL, as URL parsing would produce it."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        return OPAQUE
    netloc = parts.netloc.rsplit("@", 1)[-1]
    host, port_text = _split_host_port(netloc)
    host = host.lower()
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    port: Optional[int] = None
    if port_text:
        try:
            port = int(port_text)
        except ValueError:
            port = None
    if port == DEFAULT_PORTS.get(scheme):
        port = None
    return Origin(scheme, host, port)


def serialize_url_origin(url: str) -> str:
    return origin_of_url(url).serialize()


def same_origin(a: str, b: str) -> bool:
    """Whether two URLs (or serialized origins) share a tuple origin."""
    oa, ob = origin_of_url(a), origin_of_url(b)
    return not oa.is_opaque and oa == ob


def url_has_credentials(url: str) -> bool:
    parts = urlsplit(url)
    return bool(parts.username or parts.password)


def parse_origin(value: object) -> str:
    """Validate an origin written by a user and return its browser serialization.

    Accepts ``null``, and ``http``/``https`` origins in any letter case and with
    an explicit default port (both are normalised, as a browser would). Rejects
    paths, queries, fragments, userinfo, other schemes and missing schemes with
    an :class:`OriginError` that carries the origin the user probably meant.
    """
    if not isinstance(value, str):
        raise OriginError(repr(value), f"expected a string, got {type(value).__name__}")
    text = value.strip()
    if text != value:
        raise OriginError(value, "surrounding whitespace", text or None)
    if text.lower() == NULL_ORIGIN:
        if text != NULL_ORIGIN:
            raise OriginError(value, "the opaque origin is written in lowercase", NULL_ORIGIN)
        return NULL_ORIGIN
    if not text:
        raise OriginError(value, "empty origin")
    if "://" not in text:
        guess = None
        if re.match(r"^[A-Za-z0-9.\-]+(:\d+)?(/.*)?$", text):
            try:
                guess = parse_origin("https://" + text.split("/", 1)[0])
            except OriginError:
                guess = None
        raise OriginError(value, "missing scheme (an origin is scheme://host[:port])", guess)
    parts = urlsplit(text)
    scheme = parts.scheme.lower()
    if scheme not in SUPPORTED_SCHEMES:
        suggestion = None
        if scheme in ("ws", "wss"):
            suggestion = text.replace(parts.scheme + "://", "http://" if scheme == "ws" else "https://", 1)
        raise OriginError(
            value,
            f"unsupported scheme {parts.scheme!r} (CORS origins here are http or https)",
            _quiet_parse(suggestion) if suggestion else None,
        )
    netloc = parts.netloc
    userinfo = "@" in netloc
    host_port = netloc.rsplit("@", 1)[-1]
    bare = f"{scheme}://{host_port}"
    problems = []
    if userinfo:
        problems.append("it contains userinfo (user:password@), which an origin never has")
    if parts.path == "/" and not parts.query and not parts.fragment and not text.endswith("//"):
        problems.append("trailing slash (an origin has no path)")
    elif parts.path:
        problems.append(f"it contains a path {parts.path!r} (an origin has no path)")
    if parts.query or text.endswith("?"):
        problems.append("it contains a query")
    if parts.fragment or "#" in text:
        problems.append("it contains a fragment")
    if problems:
        raise OriginError(value, "; ".join(problems), _quiet_parse(bare))
    host, port_text = _split_host_port(host_port)
    if not host:
        raise OriginError(value, "missing host")
    if not host.startswith("[") and _HOST_FORBIDDEN.search(host):
        raise OriginError(value, f"host {host!r} contains a character a URL host cannot have")
    port: Optional[int] = None
    if port_text is not None:
        if not port_text.isdigit() or not port_text.isascii():
            raise OriginError(value, f"port {port_text!r} is not a number")
        port = int(port_text)
        if port > 65535:
            raise OriginError(value, f"port {port} is out of range (0-65535)")
    host = host.lower()
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    return Origin(scheme, host, port).serialize()


def _quiet_parse(text: Optional[str]) -> Optional[str]:
    if text is None:
        return None
    try:
        return parse_origin(text)
    except OriginError:
        return None
