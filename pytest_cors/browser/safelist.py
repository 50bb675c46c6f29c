"""Fetch's request-side rules: method normalisation, tokens, and header safelisting.

These decide whether a browser sends a preflight at all, so they follow the
Fetch standard byte for byte ("CORS-safelisted request-header", "CORS-unsafe
request-header names", "normalize a method"). Engine-specific deviations are
expressed as :class:`~pytest_cors.browser.profiles.BrowserProfile` switches, not here.
"""

from __future__ import annotations

import re
from typing import Iterable, Literal, Optional, Sequence, Tuple

SAFELISTED_METHODS = frozenset({"GET", "HEAD", "POST"})
NORMALIZED_METHODS = frozenset({"DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"})
FORBIDDEN_METHODS = frozenset({"CONNECT", "TRACE", "TRACK"})

SAFELISTED_CONTENT_TYPES = frozenset(
    {"application/x-www-form-urlencoded", "multipart/form-data", "text/plain"}
)
#: Response headers JavaScript can always read on a CORS response.
SAFELISTED_RESPONSE_HEADERS = frozenset(
    {
        "cache-control",
        "content-language",
        "content-length",
        "content-type",
        "expires",
        "last-modified",
        "pragma",
    }
)
#: Headers a script cannot set; fetch() silently drops them from the request.
FORBIDDEN_REQUEST_HEADERS = frozenset(
    {
        "accept-charset",
        "accept-encoding",
        "access-control-request-headers",
        "access-control-request-method",
        "connection",
        "content-length",
        "cookie",
        "cookie2",
        "date",
        "dnt",
        "expect",
        "host",
        "keep-alive",
        "origin",
        "referer",
        "set-cookie",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "via",
    }
)
METHOD_OVERRIDE_HEADERS = frozenset({"x-http-method", "x-http-method-override", "x-method-override"})
REQUEST_BODY_HEADERS = frozenset(
    {"content-encoding", "content-language", "content-location", "content-type"}
)

_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_UNSAFE_BYTES = frozenset(
    [c for c in range(0x20) if c != 0x09] + [0x22, 0x28, 0x29, 0x3A, 0x3C, 0x3E, 0x3F, 0x40,
                                             0x5B, 0x5C, 0x5D, 0x7B, 0x7D, 0x7F]
)
_LANGUAGE_BYTES = frozenset(b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz *,-.;=")
_HTTP_WHITESPACE = "\t\n\r "
MAX_SAFELISTED_VALUE = 128
MAX_SAFELISTED_TOTAL = 1024
#: Largest ``Range`` position any engine safelists. The standard sets no bound, but every engine
#: parses positions into a 64-bit integer and preflights a value that does not fit.
RANGE_POSITION_MAX = 2**64 - 1

#: ``spec``: ``bytes=N-`` / ``bytes=N-M`` with N <= M. ``webkit``: an empty or zero end means
#: "to the end", so ``bytes=-N``, ``bytes=-`` and ``bytes=5-0`` pass too; otherwise N < M.
RangeRule = Literal["spec", "webkit"]


def is_token(text: str) -> bool:
    """RFC 9110 ``token``: what method names and header names must be."""
    return bool(_TOKEN.fullmatch(text))  # fullmatch: ``$`` would also accept a trailing newline


def normalize_method(method: str) -> str:
    """Uppercase only the six methods Fetch normalises; ``patch`` stays ``patch``."""
    upper = method.upper()
    return upper if upper in NORMALIZED_METHODS else method


def is_forbidden_method(method: str) -> bool:
    """Whether fetch() refuses ``method`` outright (CONNECT, TRACE, TRACK)."""
    return method.upper() in FORBIDDEN_METHODS


def normalize_header_value(value: str) -> str:
    """fetch() strips leading and trailing HTTP whitespace from header values."""
    return value.strip(_HTTP_WHITESPACE)


def header_value_bytes(value: str) -> bytes:
    """Isomorphic encoding, as a ByteString header value travels; best effort beyond Latin-1."""
    try:
        return value.encode("latin-1")
    except UnicodeEncodeError:
        return value.encode("utf-8")


def has_unsafe_byte(data: bytes) -> bool:
    """Whether ``data`` contains a byte that makes a header value not CORS-safelisted."""
    return any(b in _UNSAFE_BYTES for b in data)


def mime_essence(value: str) -> Optional[str]:
    """WHATWG "parse a MIME type", reduced to the essence; ``None`` on failure."""
    text = value.strip(_HTTP_WHITESPACE)
    slash = text.find("/")
    if slash <= 0:
        return None
    kind = text[:slash]
    rest = text[slash + 1 :]
    subtype = rest.split(";", 1)[0].rstrip(_HTTP_WHITESPACE)
    if not is_token(kind) or not subtype or not is_token(subtype):
        return None
    return f"{kind}/{subtype}".lower()


def _is_safelisted_range(data: bytes, rule: RangeRule, position_max: int) -> bool:
    """One ``bytes=`` range whose positions are at most ``position_max`` (see :data:`RangeRule`)."""
    match = re.fullmatch(rb"bytes=([0-9]*)-([0-9]*)", data)
    if not match or (rule == "spec" and not match.group(1)):
        return False
    start, end = (int(group) if group else None for group in match.groups())
    if any(position is not None and position > position_max for position in (start, end)):
        return False
    if rule == "webkit":  # WebKit reads a missing position as 0, and an end of 0 as "to the end"
        return not end or (start or 0) < end
    return end is None or (start or 0) <= end


def is_safelisted_header(
    name: str,
    value: str,
    *,
    non_ascii_unsafe: bool = False,
    content_type_comma_unsafe: bool = False,
    range_rule: RangeRule = "spec",
    range_position_max: int = RANGE_POSITION_MAX,
) -> bool:
    """Fetch's "CORS-safelisted request-header" for one (name, value).

    The keyword arguments express engine deviations (see :mod:`pytest_cors.browser.profiles`).
    """
    data = header_value_bytes(value)
    if len(data) > MAX_SAFELISTED_VALUE:
        return False
    lowered = name.lower()
    if non_ascii_unsafe and lowered in ("accept", "content-type") and any(b > 0x7F for b in data):
        return False
    if lowered == "accept":
        return not has_unsafe_byte(data)
    if lowered in ("accept-language", "content-language"):
        return all(b in _LANGUAGE_BYTES for b in data)
    if lowered == "content-type":
        if has_unsafe_byte(data) or (content_type_comma_unsafe and b"," in data):
            # A comma inside a quoted string would pass Firefox's check, but the quote is unsafe anyway.
            return False
        essence = mime_essence(data.decode("latin-1"))
        return essence in SAFELISTED_CONTENT_TYPES
    if lowered == "range":
        return _is_safelisted_range(data, range_rule, range_position_max)
    return False


def join_repeated_headers(headers: Iterable[Tuple[str, str]]) -> Tuple[Tuple[str, str], ...]:
    """``headers.append()`` twice: one entry per name, values joined by ``, `` (first spelling kept)."""
    order: list[str] = []
    names: dict[str, str] = {}
    values: dict[str, str] = {}
    for name, value in headers:
        key = name.lower()
        if key not in values:
            order.append(key)
            names[key] = name
            values[key] = value
        else:
            values[key] = f"{values[key]}, {value}"
    return tuple((names[key], values[key]) for key in order)


def unsafe_header_names(
    headers: Iterable[Tuple[str, str]],
    *,
    total_limit: Optional[int] = MAX_SAFELISTED_TOTAL,
    non_ascii_unsafe: bool = False,
    content_type_comma_unsafe: bool = False,
    range_rule: RangeRule = "spec",
    range_position_max: int = RANGE_POSITION_MAX,
) -> list[str]:
    """Fetch's "CORS-unsafe request-header names": lowercased, de-duplicated, sorted.

    This is exactly what goes into ``Access-Control-Request-Headers``.
    """
    unsafe: list[str] = []
    potentially_unsafe: list[str] = []
    total = 0
    for name, value in headers:
        if is_safelisted_header(
            name,
            value,
            non_ascii_unsafe=non_ascii_unsafe,
            content_type_comma_unsafe=content_type_comma_unsafe,
            range_rule=range_rule,
            range_position_max=range_position_max,
        ):
            potentially_unsafe.append(name)
            total += len(header_value_bytes(value))
        else:
            unsafe.append(name)
    if total_limit is not None and total > total_limit:
        unsafe.extend(potentially_unsafe)
    return sorted({name.lower() for name in unsafe})


def needs_preflight(method: str, headers: Sequence[Tuple[str, str]], *, forced: bool = False) -> bool:
    """Whether a cross-origin cors-mode request is preceded by an OPTIONS preflight."""
    return forced or method not in SAFELISTED_METHODS or bool(unsafe_header_names(headers))


def parse_token_list(value: Optional[str]) -> Optional[list[str]]:
    """Parse ``Access-Control-Allow-Methods``/``-Headers``: ``None`` if unparsable.

    Empty items are skipped; any non-token item fails the whole list, as in
    every engine. A missing header is an empty list.
    """
    if value is None:
        return []
    items = []
    for raw in value.split(","):
        item = raw.strip(" \t")
        if not item:
            continue
        if not is_token(item):
            return None
        items.append(item)
    return items


def first_invalid_token(value: Optional[str]) -> Optional[str]:
    """The first item that makes :func:`parse_token_list` fail (Firefox names it)."""
    if value is None:
        return None
    for raw in value.split(","):
        item = raw.strip(" \t")
        if item and not is_token(item):
            return item
    return None
