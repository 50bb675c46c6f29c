"""The CORS contract of one endpoint, and the one schema that validates it.

Marker keyword arguments and YAML mappings go through the same
:func:`parse_contract`, so both accept exactly the same keys and fail with the
same messages. Every error names where it happened (``file:line:column`` for
YAML, the test and marker argument for markers) through the ``locate`` callback.
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple

from pytest_cors.audit.catalogue import PROBE_IDS
from pytest_cors.browser.origins import NULL_ORIGIN, OriginError, parse_origin
from pytest_cors.browser.safelist import (
    FORBIDDEN_REQUEST_HEADERS,
    is_forbidden_method,
    is_token,
    normalize_method,
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
    "audit",
)
ALIASES = {"origin": "origins", "method": "methods", "deny_origin": "deny_origins"}
ANY_ORIGIN = "*"
#: Largest max_age a contract may state (delta-seconds beyond 2**31 - 1 are treated as 2**31 - 1 by caches).
MAX_AGE_LIMIT = 2**31 - 1
#: The subdomain and port that stand for ``*.`` and ``:*`` in an origin pattern's concrete examples.
PATTERN_EXAMPLE_SUBDOMAIN = "cors-check"
PATTERN_EXAMPLE_PORT = 8443
#: The concrete origin used to check a public (``origins: ["*"]``) contract.
PUBLIC_SAMPLE_ORIGIN = "https://any-origin.pytest-cors.test"

#: A value that is never CORS-safelisted, per header name (the worst case a script can send).
_WORST_CASE_VALUES = {
    "accept": 'application/vnd.pytest-cors+json; q="1"',
    "accept-language": "en (pytest-cors)",
    "content-language": "en (pytest-cors)",
    "content-type": "application/json",
    "range": "bytes=0-0, 1-1",
}
_DEFAULT_WORST_CASE = "pytest-cors"

Locate = Callable[[Tuple[Any, ...]], str]
#: Last element of a ``locate`` path that asks for the position of the key, not of its value.
KEY_ITSELF = "<key>"


class ContractError(ValueError):
    """A contract that cannot be checked; the message says what, where and how to fix it."""

    def __init__(self, message: str, where: str = "") -> None:
        self.message = message
        self.where = where
        super().__init__(f"{where}: {message}" if where else message)


@dataclass(frozen=True)
class MaxAge:
    """Expected ``Access-Control-Max-Age``: an exact value or a range (inclusive)."""

    exact: Optional[int] = None
    minimum: Optional[int] = None
    maximum: Optional[int] = None

    def accepts(self, seconds: Optional[int]) -> bool:
        if seconds is None:
            return False
        if self.exact is not None:
            return seconds == self.exact
        if self.minimum is not None and seconds < self.minimum:
            return False
        if self.maximum is not None and seconds > self.maximum:
            return False
        return True

    def describe(self) -> str:
        if self.exact is not None:
            return str(self.exact)
        low = "" if self.minimum is None else str(self.minimum)
        high = "" if self.maximum is None else str(self.maximum)
        return f"between {low or '0'} and {high or 'any'}"


@dataclass(frozen=True)
class OriginPattern:
    """``https://*.example.com`` (any subdomain, any depth) or ``https://example.com:*`` (any port)."""

    text: str
    scheme: str
    host: str
    any_subdomain: bool
    any_port: bool
    port: Optional[int]

    def matches(self, origin: str) -> bool:
        from pytest_cors.browser.origins import origin_of_url

        if origin == NULL_ORIGIN:
            return False
        parsed = origin_of_url(origin)
        if parsed.scheme != self.scheme:
            return False
        if self.any_subdomain:
            if not parsed.host.endswith("." + self.host):
                return False
        elif parsed.host != self.host:
            return False
        if self.any_port:
            return True
        return parsed.effective_port == (self.port or (443 if self.scheme == "https" else 80))

    @property
    def example_host(self) -> str:
        """The concrete host checks and audit probes use for this pattern (a subdomain for ``*.``)."""
        return f"{PATTERN_EXAMPLE_SUBDOMAIN}.{self.host}" if self.any_subdomain else self.host

    @property
    def example_port(self) -> Optional[int]:
        """The concrete port checks and audit probes use for this pattern (a non-default one for ``:*``)."""
        return PATTERN_EXAMPLE_PORT if self.any_port else self.port

    def examples(self) -> Tuple[str, ...]:
        """Concrete origins a browser could send that this pattern allows."""
        port = "" if self.example_port is None else f":{self.example_port}"
        hosts = [self.example_host, f"a.b.{self.host}"] if self.any_subdomain else [self.host]
        return tuple(f"{self.scheme}://{h}{port}" for h in hosts)


@dataclass(frozen=True)
class AuditSettings:
    enabled: bool = True
    skip: Tuple[str, ...] = ()


@dataclass(frozen=True)
class CorsContract:
    """What one endpoint promises browsers. Origins are stored in their browser serialization."""

    name: str
    path: str
    origins: Tuple[str, ...] = ()
    deny_origins: Tuple[str, ...] = ()
    methods: Tuple[str, ...] = ("GET",)
    request_headers: Tuple[Tuple[str, str], ...] = ()
    credentials: bool = False
    expose_headers: Tuple[str, ...] = ()
    max_age: Optional[MaxAge] = None
    vary: bool = True
    body: Optional[str] = None
    audit: AuditSettings = field(default_factory=AuditSettings)
    where: str = ""

    @property
    def is_public(self) -> bool:
        return ANY_ORIGIN in self.origins

    @property
    def patterns(self) -> Tuple[OriginPattern, ...]:
        return tuple(parse_origin_pattern(o) for o in self.origins if "*" in o and o != ANY_ORIGIN)

    @property
    def exact_origins(self) -> Tuple[str, ...]:
        return tuple(o for o in self.origins if "*" not in o)

    def allows(self, origin: str) -> bool:
        """Whether the contract trusts ``origin`` (exactly, by pattern, or as a public endpoint)."""
        if self.is_public:
            return True
        return origin in self.exact_origins or any(p.matches(origin) for p in self.patterns)

    def concrete_origins(self) -> Tuple[str, ...]:
        """The origins actually sent to check the allow side (patterns become examples)."""
        result: List[str] = []
        for origin in self.origins:
            if origin == ANY_ORIGIN:
                result.append(PUBLIC_SAMPLE_ORIGIN)
            elif "*" in origin:
                result.extend(parse_origin_pattern(origin).examples()[:1])
            else:
                result.append(origin)
        return tuple(dict.fromkeys(result))

    def cases(self) -> Tuple["ContractCase", ...]:
        cases = [ContractCase(self, origin, method, True) for origin in self.concrete_origins() for method in self.methods]
        cases += [ContractCase(self, origin, method, False) for origin in self.deny_origins for method in self.methods]
        return tuple(cases)


@dataclass(frozen=True)
class ContractCase:
    """One (origin, method) of a contract, expected allowed or expected blocked."""

    contract: CorsContract
    origin: str
    method: str
    expect_allowed: bool

    @property
    def id(self) -> str:
        verb = "" if self.expect_allowed else "deny:"
        return f"{verb}{self.method} {self.origin}"


# --- parsing ---------------------------------------------------------------------------------


def parse_origin_pattern(text: str) -> OriginPattern:
    match = re.fullmatch(r"(https?)://(\*\.)?([^:/*]+)(?::(\*|\d+))?", text)
    if not match or "*" not in text:
        raise OriginError(text, "not a supported origin pattern (use https://*.example.com or https://example.com:*)")
    scheme, sub, host, port = match.groups()
    host_lower = host.lower()
    if not re.fullmatch(r"[a-z0-9-]+(\.[a-z0-9-]+)*", host_lower):
        raise OriginError(text, f"host {host!r} in a pattern must be a plain domain name")
    if sub and "." not in host_lower:
        raise OriginError(text, f"a wildcard over a top-level name ({host!r}) would trust the whole internet")
    any_port = port == "*"
    number = int(port) if port and port != "*" else None
    if number is not None and number == (443 if scheme == "https" else 80):
        number = None
    canonical = f"{scheme}://{'*.' if sub else ''}{host_lower}" + (":*" if any_port else (f":{number}" if number else ""))
    return OriginPattern(canonical, scheme, host_lower, bool(sub), any_port, number)


def _quote_hint(key: str, value: Any) -> str:
    """YAML turns unquoted null, yes/no/on/off and numbers into non-strings: say how to keep the text."""
    if "origin" in key and value is None:
        return ' (the opaque origin is the string "null": in YAML quote it, a bare null means no value)'
    if isinstance(value, bool):
        return " (in YAML, unquoted yes/no/on/off/true/false are booleans: quote the value)"
    return ""


def _did_you_mean(word: str, choices: Sequence[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, Mapping):
        return "mapping"
    if isinstance(value, (list, tuple)):
        return "list"
    return type(value).__name__


class _Parser:
    def __init__(self, locate: Locate) -> None:
        self.locate = locate

    def error(self, path: Tuple[Any, ...], message: str) -> ContractError:
        return ContractError(message, self.locate(path))

    def string_list(self, key: str, value: Any, *, allow_scalar: bool = True) -> List[Tuple[Tuple[Any, ...], str]]:
        if isinstance(value, str) and allow_scalar:
            return [((key,), value)]
        if isinstance(value, (list, tuple)):
            items = []
            for index, item in enumerate(value):
                if not isinstance(item, str):
                    raise self.error(
                        (key, index), f"{key}[{index}] must be a string, got {_type_name(item)} {item!r}{_quote_hint(key, item)}"
                    )
                items.append(((key, index), item))
            return items
        raise self.error(
            (key,), f"{key} must be a string or a list of strings, got {_type_name(value)} {value!r}{_quote_hint(key, value)}"
        )

    def origin_list(self, key: str, value: Any, *, patterns: bool) -> Tuple[str, ...]:
        result: List[str] = []
        for path, text in self.string_list(key, value):
            if text == ANY_ORIGIN and patterns:
                result.append(ANY_ORIGIN)
                continue
            if "*" in text and patterns:
                try:
                    result.append(parse_origin_pattern(text).text)
                except OriginError as exc:
                    raise self.error(path, f"{key}: {exc}") from None
                continue
            if "," in text or (" " in text.strip() and "://" in text):
                items = [part.strip() for part in re.split(r"[,\s]+", text) if part.strip()]
                raise self.error(
                    path,
                    f"{key}: {text!r} is several origins in one string; write a list: [{', '.join(items)}]",
                )
            if "*" in text:
                raise self.error(path, f"{key}: {text!r} is a pattern; {key} takes exact origins only")
            try:
                origin = parse_origin(text)
            except OriginError as exc:
                raise self.error(path, f"{key}: {exc}") from None
            if origin in result:
                raise self.error(path, f"{key}: origin {origin!r} is listed twice")
            result.append(origin)
        return tuple(result)

    def methods(self, value: Any) -> Tuple[str, ...]:
        result: List[str] = []
        items = self.string_list("methods", value)
        if not items:
            raise self.error(("methods",), "methods is empty: list at least one method (or drop the key for GET)")
        for path, text in items:
            if not is_token(text):
                raise self.error(path, f"methods: {text!r} is not a valid HTTP method token")
            if is_forbidden_method(text):
                raise self.error(path, f"methods: {text!r} is a forbidden method; fetch() refuses to send it")
            method = normalize_method(text)
            if method in result:
                raise self.error(path, f"methods: {method!r} is listed twice")
            result.append(method)
        return tuple(result)

    def header_name(self, path: Tuple[Any, ...], name: Any, key: str) -> str:
        if not isinstance(name, str):
            raise self.error(path, f"{key}: header name must be a string, got {_type_name(name)} {name!r}")
        if not is_token(name):
            raise self.error(path, f"{key}: {name!r} is not a valid header name")
        return name

    def request_headers(self, value: Any) -> Tuple[Tuple[str, str], ...]:
        pairs: List[Tuple[str, str]] = []
        if isinstance(value, Mapping):
            raw = [((("request_headers", name)), name, v) for name, v in value.items()]
        elif isinstance(value, (list, tuple, str)):
            raw = [(path, name, None) for path, name in self.string_list("request_headers", value)]
        else:
            raise self.error(
                ("request_headers",),
                f"request_headers must be a list of header names or a mapping name -> value, got {_type_name(value)}",
            )
        seen = set()
        for path, name, header_value in raw:
            name = self.header_name(path, name, "request_headers")
            lowered = name.lower()
            if lowered in FORBIDDEN_REQUEST_HEADERS or lowered.startswith(("proxy-", "sec-")):
                raise self.error(
                    path,
                    f"request_headers: {name!r} is a forbidden request header: browsers never let "
                    "scripts set it (fetch() silently drops it), so it cannot be part of a CORS contract",
                )
            if lowered in seen:
                raise self.error(path, f"request_headers: {name!r} is listed twice")
            seen.add(lowered)
            if header_value is None:
                text = _WORST_CASE_VALUES.get(lowered, _DEFAULT_WORST_CASE)
            elif isinstance(header_value, bool) or not isinstance(header_value, (str, int, float)):
                raise self.error(
                    path,
                    f"request_headers: the value of {name!r} must be a string, got {_type_name(header_value)} "
                    f"{header_value!r}" + (" (quote it in YAML)" if isinstance(header_value, bool) else ""),
                )
            else:
                text = str(header_value)
            if any(ch in text for ch in "\r\n\0"):
                raise self.error(path, f"request_headers: the value of {name!r} contains CR, LF or NUL")
            if any(ord(ch) > 0xFF for ch in text):
                raise self.error(path, f"request_headers: the value of {name!r} has characters beyond Latin-1; fetch() rejects it")
            pairs.append((name, text))
        return tuple(pairs)

    def boolean(self, key: str, value: Any) -> bool:
        if not isinstance(value, bool):
            raise self.error((key,), f"{key} must be true or false, got {_type_name(value)} {value!r}")
        return value

    def max_age(self, value: Any) -> MaxAge:
        def seconds(path: Tuple[Any, ...], label: str, number: Any) -> int:
            if isinstance(number, bool) or not isinstance(number, int):
                raise self.error(path, f"{label} must be a whole number of seconds, got {_type_name(number)} {number!r}")
            if number < 0:
                raise self.error(path, f"{label} must not be negative, got {number}")
            if number > MAX_AGE_LIMIT:
                raise self.error(
                    path,
                    f"{label} {number} is out of range (at most {MAX_AGE_LIMIT} seconds; browsers cap it anyway: "
                    "Chromium at 7200, Firefox at 86400)",
                )
            return number

        if isinstance(value, Mapping):
            unknown = [k for k in value if k not in ("min", "max")]
            if unknown:
                raise self.error(("max_age", unknown[0]), f"max_age: unknown key {unknown[0]!r}; use min and/or max")
            if not value:
                raise self.error(("max_age",), "max_age: give min and/or max")
            low = seconds(("max_age", "min"), "max_age.min", value["min"]) if "min" in value else None
            high = seconds(("max_age", "max"), "max_age.max", value["max"]) if "max" in value else None
            if low is not None and high is not None and low > high:
                raise self.error(("max_age",), f"max_age: min ({low}) is greater than max ({high})")
            return MaxAge(None, low, high)
        return MaxAge(seconds(("max_age",), "max_age", value))

    def body(self, value: Any) -> Optional[str]:
        if value is None or isinstance(value, str):
            return value
        if isinstance(value, (Mapping, list)):
            return json.dumps(value, separators=(",", ":"))
        raise self.error(("body",), f"body must be a string (or a mapping/list sent as JSON), got {_type_name(value)}")

    def audit(self, value: Any) -> AuditSettings:
        if isinstance(value, bool):
            return AuditSettings(enabled=value)
        if isinstance(value, Mapping):
            unknown = [k for k in value if k != "skip"]
            if unknown:
                raise self.error(("audit", unknown[0]), f"audit: unknown key {unknown[0]!r}; use audit: {{skip: [probe ids]}}")
            skips = []
            for path, probe in self.string_list("audit", value.get("skip", [])):
                if probe not in PROBE_IDS:
                    raise self.error(
                        ("audit", "skip") + path[1:],
                        f"audit.skip: unknown probe {probe!r}{_did_you_mean(probe, PROBE_IDS)} "
                        f"(probes: {', '.join(PROBE_IDS)})",
                    )
                skips.append(probe)
            return AuditSettings(True, tuple(skips))
        raise self.error(("audit",), f"audit must be true, false or {{skip: [probe ids]}}, got {_type_name(value)}")

    def path(self, value: Any) -> str:
        if not isinstance(value, str):
            raise self.error(("path",), f"path must be a string like '/api/users', got {_type_name(value)} {value!r}")
        if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", value):
            raise self.error(
                ("path",),
                f"path {value!r} is a full URL; give the path only (e.g. '/api/users') and set the target "
                "with --cors-url, the cors_url ini key, or target: in the YAML file",
            )
        if not value.startswith("/"):
            raise self.error(("path",), f"path {value!r} must start with '/'; did you mean {'/' + value!r}?")
        if any(ch.isspace() for ch in value) or "#" in value:
            raise self.error(("path",), f"path {value!r} contains whitespace or a fragment (#)")
        return value


def parse_contract(
    data: Mapping[str, Any],
    *,
    default_name: Optional[str] = None,
    locate: Optional[Locate] = None,
    where: str = "",
) -> CorsContract:
    """Validate a mapping of contract keys and build the contract (or raise :class:`ContractError`)."""
    loc: Locate = locate or (lambda path: where)
    parser = _Parser(loc)
    if not isinstance(data, Mapping):
        raise ContractError(f"a contract must be a mapping of keys, got {_type_name(data)}", loc(()))
    values: Dict[str, Any] = {}
    for key, value in data.items():
        if not isinstance(key, str):
            raise parser.error((key,), f"contract keys must be strings, got {_type_name(key)} {key!r}")
        canonical = ALIASES.get(key, key)
        if canonical not in KEYS:
            raise parser.error(
                (key, KEY_ITSELF),
                f"unknown key {key!r}{_did_you_mean(key, KEYS + tuple(ALIASES))} (valid keys: {', '.join(KEYS)})",
            )
        if canonical in values:
            first = values[canonical][0]
            alias = first if first != canonical else key
            raise parser.error((key,), f"{alias!r} and {canonical!r} given together; use {canonical!r} only")
        values[canonical] = (key, value)

    def raw(name: str, default: Any = None) -> Any:
        return values[name][1] if name in values else default

    if "path" not in values:
        raise ContractError("missing required key 'path' (e.g. path: /api/users)", loc(()))
    path = parser.path(raw("path"))
    name = raw("name", default_name or path)
    if not isinstance(name, str) or not name.strip():
        raise parser.error(("name",), f"name must be a non-empty string, got {_type_name(name)} {name!r}")
    origins = parser.origin_list(values["origins"][0] if "origins" in values else "origins", raw("origins", []), patterns=True)
    deny = parser.origin_list(values["deny_origins"][0] if "deny_origins" in values else "deny_origins", raw("deny_origins", []), patterns=False)
    methods = parser.methods(raw("methods")) if "methods" in values else ("GET",)
    request_headers = parser.request_headers(raw("request_headers")) if "request_headers" in values else ()
    credentials = parser.boolean("credentials", raw("credentials")) if "credentials" in values else False
    expose: Tuple[str, ...] = ()
    if "expose_headers" in values:
        expose = tuple(
            parser.header_name(p, n, "expose_headers") for p, n in parser.string_list("expose_headers", raw("expose_headers"))
        )
    max_age = parser.max_age(raw("max_age")) if "max_age" in values and raw("max_age") is not None else None
    vary = parser.boolean("vary", raw("vary")) if "vary" in values else True
    body = parser.body(raw("body"))
    audit = parser.audit(raw("audit")) if "audit" in values else AuditSettings()

    if not origins and not deny:
        raise ContractError(
            "the contract has nothing to check: give origins (that must be allowed) and/or deny_origins (that must be blocked)",
            loc(()),
        )
    both = [o for o in deny if o in origins]
    if both:
        raise parser.error(("deny_origins",), f"origin {both[0]!r} is both allowed (origins) and denied (deny_origins)")
    if ANY_ORIGIN in origins and deny:
        raise parser.error(("deny_origins",), "origins: ['*'] allows every origin, so deny_origins can never hold")
    if ANY_ORIGIN in origins and credentials:
        raise parser.error(
            ("credentials",),
            "origins: ['*'] with credentials: true cannot work: browsers refuse "
            "'Access-Control-Allow-Origin: *' on credentialed requests; list the trusted origins instead",
        )
    if body is not None:
        bodiless = [m for m in methods if m in ("GET", "HEAD")]
        if bodiless:
            raise parser.error(
                ("body",),
                f"body is given but methods include {bodiless[0]}"
                + (" (the default)" if "methods" not in values else "")
                + ": fetch() refuses a body on GET/HEAD requests "
                "(TypeError: Request with GET/HEAD method cannot have body); put the body on a POST/PUT/PATCH "
                "contract or drop it",
            )
    if expose and not origins:
        raise parser.error(("expose_headers",), "expose_headers needs at least one allowed origin to read them")
    for header in expose:
        if header.lower() in ("set-cookie", "set-cookie2"):
            raise parser.error(("expose_headers",), f"expose_headers: {header!r} is never readable by JavaScript, whatever the server sends")
    return CorsContract(
        name=name.strip(),
        path=path,
        origins=origins,
        deny_origins=deny,
        methods=methods,
        request_headers=request_headers,
        credentials=credentials,
        expose_headers=expose,
        max_age=max_age,
        vary=vary,
        body=body,
        audit=audit,
        where=loc(()),
    )
