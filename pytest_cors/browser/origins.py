"""Origins: parse what users write, serialise what browsers send.

A browser serialises an origin as ``scheme://host[:port]`` with the scheme and
host lowercased and the scheme's default port dropped; opaque origins serialise
as ``null``. Users write origins in many near-miss forms (trailing slash, a path,
``:443``); :func:`parse_origin` accepts the exact form and explains the others.
"""

from __future__ import annotations

import functools
import ipaddress
import re
from dataclasses import dataclass
from typing import NoReturn, Optional
from urllib.parse import SplitResult, urlsplit, urlunsplit

DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443, "ftp": 21}
SUPPORTED_SCHEMES = ("http", "https")
NULL_ORIGIN = "null"


def default_port(scheme: str) -> Optional[int]:
    """The port a URL of ``scheme`` uses when it names none (the one place that knows 80 and 443)."""
    return DEFAULT_PORTS.get(scheme.lower())

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
        """Whether this is an opaque origin (serialised as ``null``)."""
        return not self.scheme

    def serialize(self) -> str:
        """The origin exactly as a browser sends it in the ``Origin`` header."""
        if self.is_opaque:
            return NULL_ORIGIN
        host = f"[{self.host}]" if ":" in self.host else self.host
        if self.port is None or self.port == DEFAULT_PORTS.get(self.scheme):
            return f"{self.scheme}://{host}"
        return f"{self.scheme}://{host}:{self.port}"

    @property
    def effective_port(self) -> Optional[int]:
        """The port, or the scheme's default port when none is written."""
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


def _canonical_ipv6(text: str) -> Optional[str]:
    """The URL standard's IPv6 serialization (RFC 5952 compression, lowercase), or ``None``."""
    try:
        return ipaddress.IPv6Address(text).compressed
    except ValueError:
        return None


def is_ip_address(host: str) -> bool:
    """Whether ``host`` is an IPv4 or IPv6 literal (brackets allowed); such hosts have no DNS lookalikes."""
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


@functools.lru_cache(maxsize=1024)
def origin_of_url(url: str) -> Origin:
    """The origin of an absolute http(s) URL, as URL parsing would produce it.

    A URL that does not parse has an opaque origin (a browser would fail the request).
    Memoised: a check asks for the origins of the same few URLs in every browser profile.
    """
    try:
        parts = urlsplit(url)
    except ValueError:
        return OPAQUE
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        return OPAQUE
    netloc = parts.netloc.rsplit("@", 1)[-1]
    host, port_text = _split_host_port(netloc)
    host = host.lower()
    if host.startswith("[") and host.endswith("]"):
        host = _canonical_ipv6(host[1:-1]) or host[1:-1]
    port: Optional[int] = None
    if port_text and port_text.isascii() and port_text.isdigit() and len(port_text) <= 5:
        port = int(port_text)
    if port == DEFAULT_PORTS.get(scheme):
        port = None
    return Origin(scheme, host, port)


def serialize_url_origin(url: str) -> str:
    """The serialised origin of ``url`` (what a page at ``url`` sends as ``Origin``)."""
    return origin_of_url(url).serialize()


def same_origin(a: str, b: str) -> bool:
    """Whether two URLs (or serialized origins) share a tuple origin."""
    oa, ob = origin_of_url(a), origin_of_url(b)
    return not oa.is_opaque and oa == ob


def without_userinfo(url: str) -> str:
    """``url`` without ``user:password@``: the form WebKit prints in its redirect message and the one safe to commit."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urlunsplit((parts.scheme, parts.netloc.rsplit("@", 1)[1], parts.path, parts.query, parts.fragment))


_URL_HOST_FORBIDDEN = re.compile(r"[\x00-\x20#/:<>?@\[\\\]^|]")


def is_valid_http_url(url: str) -> bool:
    """Whether an absolute http(s) URL parses as a browser's URL parser would accept it.

    Checks what matters for a redirect ``Location``: a host without forbidden code points
    (or a valid IPv6 literal) and a port of at most 65535. Fetch turns a Location that
    fails to parse into a network error.
    """
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    if parts.scheme.lower() not in SUPPORTED_SCHEMES:
        return False
    host, port_text = _split_host_port(parts.netloc.rsplit("@", 1)[-1])
    if not host:
        return False
    if host.startswith("["):  # urlsplit refused an unclosed "[": the host ends at its "]"
        if _canonical_ipv6(host[1:-1]) is None:
            return False
    elif _URL_HOST_FORBIDDEN.search(host):
        return False
    if port_text:
        digits = port_text.lstrip("0") or "0"
        if not (port_text.isascii() and port_text.isdigit()) or len(digits) > 5 or int(digits) > 65535:
            return False
    return True


def url_has_credentials(url: str) -> bool:
    """Whether ``url`` has a user name or password, which fetch() refuses to follow in a redirect."""
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
    return _parse_origin_text(value)


@functools.lru_cache(maxsize=4096)
def _parse_origin_text(value: str) -> str:
    """:func:`parse_origin` of a string, memoised: the contracts of one file repeat the same few origins.

    Only successful parses are cached (an :class:`OriginError` is raised afresh each time).
    Each check below raises the error for the first near-miss it recognises, in the order
    a user most likely made the mistake (whitespace, ``null``, scheme, path, host, port).
    """
    text = value.strip()
    if text != value:
        raise OriginError(value, "surrounding whitespace", _best_guess(text) if text else None)
    if text.lower() == NULL_ORIGIN:
        if text != NULL_ORIGIN:
            raise OriginError(value, "the opaque origin is written in lowercase", NULL_ORIGIN)
        return NULL_ORIGIN
    if not text:
        raise OriginError(value, "empty origin")
    if "://" not in text:
        _reject_missing_scheme(value, text)
    try:
        parts = urlsplit(text)
    except ValueError as exc:  # e.g. an unclosed or invalid IPv6 literal
        raise OriginError(value, f"not a valid URL ({exc})") from None
    scheme = parts.scheme.lower()
    _check_scheme(value, parts)
    host_port = parts.netloc.rsplit("@", 1)[-1]
    _check_nothing_but_origin(value, text, parts, f"{scheme}://{host_port}")
    host, port_text = _split_host_port(host_port)
    if not host:
        raise OriginError(value, "missing host")
    if not host.startswith("[") and _HOST_FORBIDDEN.search(host):
        raise OriginError(value, f"host {host!r} contains a character a URL host cannot have")
    port = _parse_port(value, scheme, host, port_text)
    return Origin(scheme, _canonical_host(value, scheme, host.lower(), port), port).serialize()


def _reject_missing_scheme(value: str, text: str) -> NoReturn:
    """Raise for ``app.example.com``-style text, suggesting the https origin of that host when it looks like one."""
    guess = None
    if re.match(r"^[A-Za-z0-9.\-]+(:\d+)?(/.*)?$", text):
        try:
            guess = parse_origin("https://" + text.split("/", 1)[0])
        except OriginError:
            guess = None
    raise OriginError(value, "missing scheme (an origin is scheme://host[:port])", guess)


def _check_scheme(value: str, parts: SplitResult) -> None:
    """Raise unless the scheme is http(s); suggest the web origin a ws/ftp/typo'd scheme most likely meant."""
    scheme = parts.scheme.lower()
    if scheme in SUPPORTED_SCHEMES:
        return
    suggestion = None
    if scheme in ("ws", "wss"):
        # The page's origin is the http(s) origin of the same host; drop any path too.
        suggestion = ("http://" if scheme == "ws" else "https://") + parts.netloc.rsplit("@", 1)[-1]
    elif parts.hostname and "." in parts.hostname:
        # ftp://app.example.com, htps://app.example.com: the web origin of that host.
        suggestion = "https://" + parts.netloc.rsplit("@", 1)[-1]
    raise OriginError(
        value,
        f"unsupported scheme {parts.scheme!r} (CORS origins here are http or https)",
        _quiet_parse(suggestion) if suggestion else None,
    )


def _check_nothing_but_origin(value: str, text: str, parts: SplitResult, bare: str) -> None:
    """Raise, listing every extra at once, when a URL has userinfo, a path, a query or a fragment.

    All problems are reported together (with ``bare``, the origin alone, as the fix) so a
    user pasting a full URL fixes it in one go.
    """
    problems = []
    if "@" in parts.netloc:
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


def _parse_port(value: str, scheme: str, host: str, port_text: Optional[str]) -> Optional[int]:
    """The explicit port (leading zeros allowed, as URL parsing allows), or ``None``; raise when it is not 0-65535."""
    if port_text is None:
        return None
    if port_text == "":
        raise OriginError(value, "empty port after ':'", _quiet_parse(f"{scheme}://{host}"))
    if not port_text.isdigit() or not port_text.isascii():
        raise OriginError(value, f"port {port_text!r} is not a number")
    digits = port_text.lstrip("0") or "0"
    if len(digits) > 5 or int(digits) > 65535:
        shown = digits if len(digits) <= 12 else digits[:12] + "..."
        raise OriginError(value, f"port {shown} is out of range (0-65535)")
    return int(digits)


def _canonical_host(value: str, scheme: str, host: str, port: Optional[int]) -> str:
    """The lowercased ``host`` as a browser serialises it: IPv6 compressed; non-ASCII refused (browsers send punycode)."""
    if host.startswith("[") and host.endswith("]"):
        canonical = _canonical_ipv6(host[1:-1])
        if canonical is None:
            raise OriginError(value, f"host {host!r} is not a valid IPv6 address")
        return canonical
    if not host.isascii():
        raise OriginError(
            value,
            f"host {host!r} is not ASCII; browsers send the IDNA (punycode) form in Origin",
            _quiet_parse(_idna_origin(scheme, host, port)),
        )
    return host


def _idna_origin(scheme: str, host: str, port: Optional[int]) -> Optional[str]:
    """The punycode origin of a non-ASCII host, when Python's IDNA agrees with browsers' UTS #46."""
    if any(ch in host for ch in "\u00df\u03c2\u200c\u200d"):  # deviation characters: transitional != browsers
        return None
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except (UnicodeError, ValueError):
        return None
    return Origin(scheme, ascii_host.lower(), port).serialize()


def _best_guess(text: str) -> Optional[str]:
    """``text`` parsed, or the suggestion its own error carries."""
    try:
        return parse_origin(text)
    except OriginError as error:
        return error.suggestion


def _quiet_parse(text: Optional[str]) -> Optional[str]:
    if text is None:
        return None
    try:
        return parse_origin(text)
    except OriginError:
        return None
