"""The CORS contract of one endpoint, as values: what it promises and where it was written.

These are plain frozen dataclasses with no validation of their own: every
contract is built by :func:`pytest_cors.contract.schema.parse_contract`, which
checks the user's input and names the offending value and its location.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import List, Optional, Tuple

from pytest_cors.browser.cookies import Cookie
from pytest_cors.browser.origins import (
    NULL_ORIGIN,
    OriginError,
    default_port,
    origin_of_url,
)

ANY_ORIGIN = "*"
#: The concrete origin used to check a public (``origins: ["*"]``) contract.
PUBLIC_SAMPLE_ORIGIN = "https://any-origin.pytest-cors.test"


@dataclass(frozen=True)
class Location:
    """Where something was written: a YAML position, or a test and the marker argument in it.

    Travels as an object so that callers read ``line`` instead of parsing text back;
    ``str()`` gives the ``file:line:column: detail`` form shown to users.
    """

    file: str
    line: Optional[int] = None  # 1-based
    column: Optional[int] = None  # 1-based
    #: What at that place, e.g. ``@pytest.mark.cors argument 'origins'``.
    detail: str = ""

    def __str__(self) -> str:
        text = self.file
        if self.line is not None:
            text += f":{self.line}"
            if self.column is not None:
                text += f":{self.column}"
        return f"{text}: {self.detail}" if self.detail and text else (self.detail or text)

    def __bool__(self) -> bool:
        return bool(self.file or self.detail)


class ContractError(ValueError):
    """A contract that cannot be checked; the message says what, where and how to fix it."""

    def __init__(self, message: str, where: Optional[Location] = None) -> None:
        self.message = message
        self.where = where if where is not None else Location("")
        super().__init__(f"{self.where}: {message}" if self.where else message)


@dataclass(frozen=True)
class MaxAge:
    """Expected ``Access-Control-Max-Age``: an exact value or a range (inclusive)."""

    exact: Optional[int] = None
    minimum: Optional[int] = None
    maximum: Optional[int] = None

    def accepts(self, seconds: Optional[int]) -> bool:
        """Whether a preflight that declares ``seconds`` keeps the promise (an absent header never does)."""
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
        """The expectation in the words of a failure report (``600`` or ``between 0 and 7200``)."""
        if self.exact is not None:
            return str(self.exact)
        low = "" if self.minimum is None else str(self.minimum)
        high = "" if self.maximum is None else str(self.maximum)
        return f"between {low or '0'} and {high or 'any'}"


#: The subdomain and port that stand for ``*.`` and ``:*`` in an origin pattern's concrete examples.
PATTERN_EXAMPLE_SUBDOMAIN = "cors-check"
PATTERN_EXAMPLE_PORT = 8443


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
        """Whether a browser's ``Origin`` value falls under this pattern."""
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
        return parsed.effective_port == (self.port or default_port(self.scheme))

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


def parse_origin_pattern(text: str) -> OriginPattern:
    """Read ``https://*.example.com`` or ``https://example.com:*``; raise OriginError for anything else."""
    match = re.fullmatch(r"(?i:(https?))://(\*\.)?([^:/*]+)(?::(\*|\d+))?", text)  # the scheme in any case, like exact origins
    if not match or "*" not in text:
        raise OriginError(text, "not a supported origin pattern (use https://*.example.com or https://example.com:*)")
    scheme, sub, host, port = match.groups()
    scheme = scheme.lower()
    host_lower = host.lower()
    if not re.fullmatch(r"[a-z0-9-]+(\.[a-z0-9-]+)*", host_lower):
        raise OriginError(text, f"host {host!r} in a pattern must be a plain domain name")
    if sub and "." not in host_lower:
        raise OriginError(text, f"a wildcard over a top-level name ({host!r}) would trust the whole internet")
    any_port = port == "*"
    number = int(port) if port and port != "*" else None
    if number is not None and number == default_port(scheme):
        number = None
    canonical = f"{scheme}://{'*.' if sub else ''}{host_lower}" + (":*" if any_port else (f":{number}" if number else ""))
    return OriginPattern(canonical, scheme, host_lower, bool(sub), any_port, number)


@dataclass(frozen=True)
class AuditSettings:
    """Whether the security audit runs for a contract, and which probes it accepts as known risks."""

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
    cookies: Tuple[Cookie, ...] = ()
    audit: AuditSettings = field(default_factory=AuditSettings)
    where: Location = field(default_factory=lambda: Location(""))

    @property
    def is_public(self) -> bool:
        """``origins: ["*"]``: every origin may read the response."""
        return ANY_ORIGIN in self.origins

    @property
    def patterns(self) -> Tuple[OriginPattern, ...]:
        """The wildcard origin patterns among ``origins``."""
        return tuple(parse_origin_pattern(o) for o in self.origins if "*" in o and o != ANY_ORIGIN)

    @property
    def exact_origins(self) -> Tuple[str, ...]:
        """The origins listed literally (no pattern, no ``*``)."""
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

    def cases(self) -> Tuple[ContractCase, ...]:
        """Every (origin, method) the contract promises: allowed ones first, then the denied ones."""
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
        """The case's part of a test id: ``GET https://app.example.com`` or ``deny:GET https://evil.example``."""
        verb = "" if self.expect_allowed else "deny:"
        return f"{verb}{self.method} {self.origin}"
