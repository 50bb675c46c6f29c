"""The ``cookies`` contract key (and the ``cors_cookies`` fixture's value): validated like every other key.

``cookies`` is a mapping ``name: value`` or ``name: {value, samesite, secure, partitioned}``.
Errors name the cookie and say how to fix it; the caller supplies where (``file:line:column``
for YAML, the marker argument, or the fixture).
"""

from __future__ import annotations

import re
from typing import Any, Callable, Mapping, Tuple

from pytest_cors.browser.cookies import Cookie, SameSite
from pytest_cors.browser.safelist import is_token
from pytest_cors.contract.values import did_you_mean, type_name

ErrorAt = Callable[[Tuple[Any, ...], str], Exception]
COOKIE_ATTRIBUTES = ("value", "samesite", "secure", "partitioned")
#: RFC 6265 cookie-octet: what a browser keeps intact in a cookie value.
_COOKIE_VALUE = re.compile(r'[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]*|"[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]*"')
COOKIES_NEED_CREDENTIALS = (
    "cookies are given but credentials is false: browsers send cookies only on credentialed requests "
    "(fetch(..., {credentials: 'include'})); set credentials: true"
)
_SAMESITE = {member.value.lower(): member for member in SameSite}


def _value(error: ErrorAt, path: Tuple[Any, ...], name: str, value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        hint = " (quote it in YAML)" if isinstance(value, bool) else ""
        raise error(path, f"cookies: the value of cookie {name!r} must be a string, got {type_name(value)}{hint}")
    text = str(value)
    if not _COOKIE_VALUE.fullmatch(text):
        raise error(
            path,
            f"cookies: the value of cookie {name!r} has characters a cookie value cannot hold (space, comma, "
            "semicolon, backslash, quotes or non-ASCII); encode it (e.g. URL-encode or base64) as the server does",
        )
    return text


def _flag(error: ErrorAt, path: Tuple[Any, ...], name: str, attribute: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise error(path, f"cookies: {name}.{attribute} must be true or false, got {value!r}")
    return value


def _samesite(error: ErrorAt, path: Tuple[Any, ...], name: str, value: Any) -> SameSite:
    if isinstance(value, str) and value.strip().lower() in _SAMESITE:
        return _SAMESITE[value.strip().lower()]
    hint = ' (in YAML, quote "None": a bare None is still the string None, but null/~ mean no value)' if value is None else ""
    raise error(path, f"cookies: {name}.samesite must be Strict, Lax or None, got {value!r}{hint}")


def _one(error: ErrorAt, key: str, name: Any, spec: Any) -> Cookie:
    path: Tuple[Any, ...] = (key, name)
    if not isinstance(name, str) or not is_token(name):
        raise error(path, f"cookies: {name!r} is not a valid cookie name (letters, digits and !#$%&'*+-.^_`|~)")
    if not isinstance(spec, Mapping):
        return Cookie(name, _value(error, path, name, spec))
    unknown = [k for k in spec if k not in COOKIE_ATTRIBUTES]
    if unknown:
        hint = did_you_mean(str(unknown[0]).lower(), COOKIE_ATTRIBUTES)
        raise error(path + (unknown[0],), f"cookies: unknown attribute {unknown[0]!r} of cookie {name!r}{hint} (valid: {', '.join(COOKIE_ATTRIBUTES)})")
    if "value" not in spec:
        raise error(path, f"cookies: cookie {name!r} needs a value (e.g. {name}: {{value: abc123, samesite: Lax}})")
    cookie = Cookie(
        name,
        _value(error, path + ("value",), name, spec["value"]),
        _samesite(error, path + ("samesite",), name, spec["samesite"]) if "samesite" in spec else None,
        _flag(error, path + ("secure",), name, "secure", spec["secure"]) if "secure" in spec else False,
        _flag(error, path + ("partitioned",), name, "partitioned", spec["partitioned"]) if "partitioned" in spec else False,
    )
    if cookie.partitioned and not cookie.secure:
        raise error(path, f"cookies: cookie {name!r} is partitioned but not secure; browsers reject Partitioned cookies without Secure")
    return cookie


def parse_cookies(value: Any, error: ErrorAt, key: str = "cookies") -> Tuple[Cookie, ...]:
    """Validate a ``cookies`` mapping into cookies (raise what ``error`` builds on the first problem)."""
    if value is None:
        return ()
    if not isinstance(value, Mapping):
        raise error((key,), f"cookies must be a mapping of cookie name to value (or to {{value, samesite, secure, partitioned}}), got {type_name(value)}")
    return tuple(_one(error, key, name, spec) for name, spec in value.items())  # a mapping cannot repeat a name
