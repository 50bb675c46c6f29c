"""The one schema of a CORS contract: validate user input and build a :class:`CorsContract`.

Marker keyword arguments, YAML mappings and ``cors.check_contract(**keys)`` go
through the same :func:`parse_contract`, so they accept exactly the same keys
and fail with the same messages. Every error names the offending value and
where it was written, through the ``locate`` callback that turns a key path
(``("origins", 2)``) into a :class:`~pytest_cors.contract.model.Location`.
"""

from __future__ import annotations

import json
import re
from collections import abc  # isinstance checks: typing.Mapping's are several times slower
from typing import Any, Callable, Dict, List, Mapping, Optional, Tuple, Union

from pytest_cors.audit.catalogue import PROBE_IDS
from pytest_cors.browser.cors_headers import NEVER_EXPOSED
from pytest_cors.browser.origins import OriginError, parse_origin
from pytest_cors.browser.safelist import (
    FORBIDDEN_REQUEST_HEADERS,
    is_forbidden_method,
    is_token,
    normalize_method,
)
from pytest_cors.contract.cookie_key import COOKIES_NEED_CREDENTIALS, parse_cookies
from pytest_cors.contract.model import (
    ANY_ORIGIN,
    AuditSettings,
    ContractError,
    CorsContract,
    Location,
    MaxAge,
    parse_origin_pattern,
)
from pytest_cors.contract.values import (
    KEY_ITSELF,
    KeyPath,
    Locate,
    did_you_mean,
    fail_at,
    shown_value,
    string_list,
    type_name,
)

#: Keys a contract accepts, with the aliases users naturally write.
KEYS = (
    "name",
    "path",
    "origins",
    "deny_origins",
    "methods",
    "request_headers",
    "credentials",
    "expose_headers",
    "max_age",
    "vary",
    "body",
    "cookies",
    "audit",
)
ALIASES = {"origin": "origins", "method": "methods", "deny_origin": "deny_origins"}
#: Largest max_age a contract may state (delta-seconds beyond 2**31 - 1 are treated as 2**31 - 1 by caches).
MAX_AGE_LIMIT = 2**31 - 1

#: A value that is never CORS-safelisted, per header name (the worst case a script can send).
_WORST_CASE_VALUES = {
    "accept": 'application/vnd.pytest-cors+json; q="1"',
    "accept-language": "en (pytest-cors)",
    "content-language": "en (pytest-cors)",
    "content-type": "application/json",
    "range": "bytes=0-0, 1-1",
}
_DEFAULT_WORST_CASE = "pytest-cors"

# --- one function per key --------------------------------------------------------------------


def _one_origin(locate: Locate, path: KeyPath, key: str, text: str, *, patterns: bool) -> str:
    if text == ANY_ORIGIN and patterns:
        return ANY_ORIGIN
    try:
        if "*" in text and patterns:
            return parse_origin_pattern(text).text
        if "," in text or (" " in text.strip() and "://" in text):
            items = [part.strip() for part in re.split(r"[,\s]+", text) if part.strip()]
            raise fail_at(locate, path, f"{key}: {text!r} is several origins in one string; write a list: [{', '.join(items)}]")
        if "*" in text:
            raise fail_at(locate, path, f"{key}: {text!r} is a pattern; {key} takes exact origins only")
        return parse_origin(text)
    except OriginError as exc:
        raise fail_at(locate, path, f"{key}: {exc}") from None


def _origin_list(locate: Locate, key: str, value: Any, *, patterns: bool) -> Tuple[str, ...]:
    result: List[str] = []
    for path, text in string_list(locate, key, value):
        origin = _one_origin(locate, path, key, text, patterns=patterns)
        if origin in result and origin != ANY_ORIGIN:
            raise fail_at(locate, path, f"{key}: origin {origin!r} is listed twice")
        if origin not in result:
            result.append(origin)
    return tuple(result)


def _methods(locate: Locate, value: Any) -> Tuple[str, ...]:
    result: List[str] = []
    items = string_list(locate, "methods", value)
    if not items:
        raise fail_at(locate, ("methods",), "methods is empty: list at least one method (or drop the key for GET)")
    for path, text in items:
        if not is_token(text):
            raise fail_at(locate, path, f"methods: {text!r} is not a valid HTTP method token")
        if is_forbidden_method(text):
            raise fail_at(locate, path, f"methods: {text!r} is a forbidden method; fetch() refuses to send it")
        method = normalize_method(text)
        if method in result:
            raise fail_at(locate, path, f"methods: {method!r} is listed twice")
        result.append(method)
    return tuple(result)


def _header_name(locate: Locate, path: KeyPath, name: Any, key: str) -> str:
    if not isinstance(name, str):
        raise fail_at(locate, path, f"{key}: header name must be a string, got {type_name(name)} {shown_value(name)}")
    if not is_token(name):
        raise fail_at(locate, path, f"{key}: {name!r} is not a valid header name")
    return name


def _header_value(locate: Locate, path: KeyPath, name: str, value: Any) -> str:
    if value is None:
        return _WORST_CASE_VALUES.get(name.lower(), _DEFAULT_WORST_CASE)
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise fail_at(
            locate, path,
            f"request_headers: the value of {name!r} must be a string, got {type_name(value)} "
            f"{shown_value(value)}" + (" (quote it in YAML)" if isinstance(value, bool) else ""),
        )
    text = str(value)
    if any(ch in text for ch in "\r\n\0"):
        raise fail_at(locate, path, f"request_headers: the value of {name!r} contains CR, LF or NUL")
    if any(ord(ch) > 0xFF for ch in text):
        raise fail_at(locate, path, f"request_headers: the value of {name!r} has characters beyond Latin-1; fetch() rejects it")
    return text


def _request_headers(locate: Locate, value: Any) -> Tuple[Tuple[str, str], ...]:
    if isinstance(value, abc.Mapping):
        raw = [(("request_headers", name), name, v) for name, v in value.items()]
    elif isinstance(value, (list, tuple, str)):
        raw = [(path, name, None) for path, name in string_list(locate, "request_headers", value)]
    else:
        raise fail_at(
            locate, ("request_headers",),
            f"request_headers must be a list of header names or a mapping name -> value, got {type_name(value)}",
        )
    pairs: List[Tuple[str, str]] = []
    seen = set()
    for path, name, header_value in raw:
        name = _header_name(locate, path, name, "request_headers")
        lowered = name.lower()
        if lowered in FORBIDDEN_REQUEST_HEADERS or lowered.startswith(("proxy-", "sec-")):
            raise fail_at(
                locate, path,
                f"request_headers: {name!r} is a forbidden request header: browsers never let "
                "scripts set it (fetch() silently drops it), so it cannot be part of a CORS contract",
            )
        if lowered in seen:
            raise fail_at(locate, path, f"request_headers: {name!r} is listed twice")
        seen.add(lowered)
        pairs.append((name, _header_value(locate, path, name, header_value)))
    return tuple(pairs)


def _expose_headers(locate: Locate, value: Any) -> Tuple[str, ...]:
    headers = tuple(_header_name(locate, p, n, "expose_headers") for p, n in string_list(locate, "expose_headers", value))
    for header in headers:
        if header.lower() in NEVER_EXPOSED:
            raise fail_at(locate, ("expose_headers",), f"expose_headers: {header!r} is never readable by JavaScript, whatever the server sends")
    return headers


def _boolean(locate: Locate, key: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise fail_at(locate, (key,), f"{key} must be true or false, got {type_name(value)} {shown_value(value)}")
    return value


def _seconds(locate: Locate, path: KeyPath, label: str, number: Any) -> int:
    if isinstance(number, bool) or not isinstance(number, int):
        raise fail_at(locate, path, f"{label} must be a whole number of seconds, got {type_name(number)} {shown_value(number)}")
    if number < 0:
        raise fail_at(locate, path, f"{label} must not be negative, got {number}")
    if number > MAX_AGE_LIMIT:
        raise fail_at(
            locate, path,
            f"{label} {number} is out of range (at most {MAX_AGE_LIMIT} seconds; browsers cap it anyway: "
            "Chromium at 7200, Firefox at 86400)",
        )
    return number


def _max_age(locate: Locate, value: Any) -> MaxAge:
    if not isinstance(value, abc.Mapping):
        return MaxAge(_seconds(locate, ("max_age",), "max_age", value))
    unknown = [k for k in value if k not in ("min", "max")]
    if unknown:
        raise fail_at(locate, ("max_age", unknown[0]), f"max_age: unknown key {unknown[0]!r}; use min and/or max")
    if not value:
        raise fail_at(locate, ("max_age",), "max_age: give min and/or max")
    low = _seconds(locate, ("max_age", "min"), "max_age.min", value["min"]) if "min" in value else None
    high = _seconds(locate, ("max_age", "max"), "max_age.max", value["max"]) if "max" in value else None
    if low is not None and high is not None and low > high:
        raise fail_at(locate, ("max_age",), f"max_age: min ({low}) is greater than max ({high})")
    return MaxAge(None, low, high)


def _body(locate: Locate, value: Any) -> Optional[str]:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, (abc.Mapping, list)):
        return json.dumps(value, separators=(",", ":"))
    raise fail_at(locate, ("body",), f"body must be a string (or a mapping/list sent as JSON), got {type_name(value)}")


def _audit(locate: Locate, value: Any) -> AuditSettings:
    if isinstance(value, bool):
        return AuditSettings(enabled=value)
    if not isinstance(value, abc.Mapping):
        raise fail_at(locate, ("audit",), f"audit must be true, false or {{skip: [probe ids]}}, got {type_name(value)}")
    unknown = [k for k in value if k != "skip"]
    if unknown:
        raise fail_at(locate, ("audit", unknown[0]), f"audit: unknown key {unknown[0]!r}; use audit: {{skip: [probe ids]}}")
    skips = []
    for path, probe in string_list(locate, "skip", value.get("skip", []), at=("audit", "skip")):
        if probe not in PROBE_IDS:
            raise fail_at(
                locate, path,
                f"audit.skip: unknown probe {probe!r}{did_you_mean(probe, PROBE_IDS)} (probes: {', '.join(PROBE_IDS)})",
            )
        skips.append(probe)
    return AuditSettings(True, tuple(skips))


def _path(locate: Locate, value: Any) -> str:
    def fail(message: str) -> ContractError:
        return fail_at(locate, ("path",), message)

    if not isinstance(value, str):
        raise fail(f"path must be a string like '/api/users', got {type_name(value)} {shown_value(value)}")
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", value):
        raise fail(
            f"path {value!r} is a full URL; give the path only (e.g. '/api/users') and set the target "
            "with --cors-url, the cors_url ini key, or target: in the YAML file"
        )
    if not value.startswith("/"):
        raise fail(f"path {value!r} must start with '/'; did you mean {'/' + value!r}?")
    if value.split() != [value] or "#" in value:  # str.split() splits exactly at str.isspace() characters
        raise fail(f"path {value!r} contains whitespace or a fragment (#)")
    return value


def _name(locate: Locate, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise fail_at(locate, ("name",), f"name must be a non-empty string, got {type_name(value)} {shown_value(value)}")
    return value.strip()


# --- the whole contract ----------------------------------------------------------------------


def _canonical_keys(locate: Locate, data: Mapping[Any, Any]) -> Dict[str, Tuple[str, Any]]:
    """Canonical key -> (key as written, value); unknown keys and alias clashes are errors."""
    values: Dict[str, Tuple[str, Any]] = {}
    for key, value in data.items():
        if not isinstance(key, str):
            raise fail_at(locate, (key,), f"contract keys must be strings, got {type_name(key)} {shown_value(key)}")
        canonical = ALIASES.get(key, key)
        if canonical not in KEYS:
            raise fail_at(
                locate, (key, KEY_ITSELF),
                f"unknown key {key!r}{did_you_mean(key, KEYS + tuple(ALIASES))} (valid keys: {', '.join(KEYS)})",
            )
        if canonical in values:
            first = values[canonical][0]
            alias = first if first != canonical else key
            raise fail_at(locate, (key,), f"{alias!r} and {canonical!r} given together; use {canonical!r} only")
        values[canonical] = (key, value)
    return values


#: key -> how its value is read; keys without a reader default as in :class:`CorsContract`.
_READERS: Dict[str, Callable[[Locate, Any], Any]] = {
    "methods": _methods,
    "request_headers": _request_headers,
    "credentials": lambda locate, value: _boolean(locate, "credentials", value),
    "expose_headers": _expose_headers,
    "max_age": lambda locate, value: None if value is None else _max_age(locate, value),
    "vary": lambda locate, value: _boolean(locate, "vary", value),
    "body": _body,
    "cookies": lambda locate, value: parse_cookies(value, lambda path, message: fail_at(locate, path, message)),
    "audit": _audit,
}


def _fields(locate: Locate, values: Dict[str, Tuple[str, Any]], label: str) -> Dict[str, Any]:
    """Read every given key into the keyword arguments of :class:`CorsContract`."""
    fields: Dict[str, Any] = {"path": _path(locate, values["path"][1])}
    fields["name"] = _name(locate, values["name"][1]) if "name" in values else label
    for key in ("origins", "deny_origins"):
        written, value = values.get(key, (key, []))
        fields[key] = _origin_list(locate, written, value, patterns=key == "origins")
    for key, reader in _READERS.items():
        if key in values:
            fields[key] = reader(locate, values[key][1])
    return {k: v for k, v in fields.items() if v is not None}


def _check_consistency(locate: Locate, contract: CorsContract, methods_given: bool) -> None:
    """Rules that involve several keys at once."""
    origins, deny = contract.origins, contract.deny_origins
    if not origins and not deny:
        raise fail_at(
            locate, (),
            f"contract {contract.name!r} has nothing to check: give origins (that must be allowed) and/or "
            "deny_origins (that must be blocked)",
        )
    both = [o for o in deny if o in origins]
    if both:
        raise fail_at(locate, ("deny_origins",), f"origin {both[0]!r} is both allowed (origins) and denied (deny_origins)")
    if ANY_ORIGIN in origins and deny:
        raise fail_at(locate, ("deny_origins",), "origins: ['*'] allows every origin, so deny_origins can never hold")
    if ANY_ORIGIN in origins and contract.credentials:
        raise fail_at(
            locate, ("credentials",),
            "origins: ['*'] with credentials: true cannot work: browsers refuse "
            "'Access-Control-Allow-Origin: *' on credentialed requests; list the trusted origins instead",
        )
    bodiless = [m for m in contract.methods if m in ("GET", "HEAD")]
    if contract.body is not None and bodiless:
        raise fail_at(
            locate, ("body",),
            f"body is given but methods include {bodiless[0]}" + ("" if methods_given else " (the default)")
            + ": fetch() refuses a body on GET/HEAD requests (TypeError: Request with GET/HEAD method cannot have "
            "body); put the body on a POST/PUT/PATCH contract or drop it",
        )
    if contract.cookies and not contract.credentials:
        raise fail_at(locate, ("cookies",), COOKIES_NEED_CREDENTIALS)
    if contract.expose_headers and not origins:
        raise fail_at(locate, ("expose_headers",), "expose_headers needs at least one allowed origin to read them")


def parse_contract(
    data: Mapping[str, Any],
    *,
    default_name: Optional[str] = None,
    locate: Optional[Locate] = None,
    where: Union[Location, str] = "",
) -> CorsContract:
    """Validate a mapping of contract keys and build the contract (or raise :class:`ContractError`).

    ``locate`` maps a key path to where that value was written; without it every
    error points at ``where`` (a Location, or a label such as a test's node id).
    """
    fixed = where if isinstance(where, Location) else Location(where)
    find: Locate = locate or (lambda path: fixed)
    if not isinstance(data, abc.Mapping):
        raise fail_at(find, (), f"a contract must be a mapping of keys, got {type_name(data)} {shown_value(data)}")
    values = _canonical_keys(find, data)
    if "path" not in values:
        name = values.get("name", ("name", None))[1]
        named = f"contract {name!r}" if isinstance(name, str) else "the contract with " + ", ".join(values)
        raise fail_at(find, (), f"{named} is missing the required key 'path' (e.g. path: /api/users)")
    fields = _fields(find, values, default_name or values["path"][1])
    contract = CorsContract(**fields, where=find(()))
    _check_consistency(find, contract, "methods" in values)
    return contract
