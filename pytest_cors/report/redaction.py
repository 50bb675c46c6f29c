"""What may leave the plugin: secrets hidden, control characters escaped, huge values clipped.

Every text shown to humans (failure reports, curl lines, audit findings, fault
summaries) passes through here, so a token in a header or a password in a URL
never reaches a terminal, a CI log or a JUnit file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, FrozenSet, Iterable, List, Set
from urllib.parse import urlsplit, urlunsplit

if TYPE_CHECKING:
    from pytest_cors.contract.model import CorsContract

REDACTED = "<redacted>"
ALWAYS_REDACTED = frozenset({"authorization", "cookie", "proxy-authorization", "set-cookie"})
#: ``scheme://user:password@`` in any text; group 1 keeps ``scheme://user:``.
_URL_PASSWORD = re.compile(r"(\b[A-Za-z][A-Za-z0-9+.\-]*://[^\s/?#@:]*:)[^\s/?#@]*@")


#: Shorter values are not hidden: replacing ``a`` or ``42`` everywhere would mangle reports.
MIN_SECRET_LENGTH = 4


def _worth_hiding(value: str) -> bool:
    return len(value) >= MIN_SECRET_LENGTH


def _hide_values(text: str, values: Iterable[str]) -> str:
    """``text`` with each of ``values`` replaced by ``<redacted>``, longest first so a secret's prefix leaves no tail."""
    for secret in sorted(values, key=len, reverse=True):
        text = text.replace(secret, REDACTED)
    return text


class SecretValues:
    """Values hidden wherever they appear, whatever the header: ``${VAR}`` values and cookie values.

    Filled while collecting (contract files are expanded before any report is
    written); one registry per run, shared by every copy of the run's redactor.
    """

    def __init__(self) -> None:
        self._values: Set[str] = set()

    def add(self, values: Iterable[str]) -> None:
        """Remember values to hide (all but the ones shorter than :data:`MIN_SECRET_LENGTH`)."""
        self._values.update(value for value in values if _worth_hiding(value))

    def hide(self, text: str) -> str:
        """``text`` with every remembered value replaced by ``<redacted>``."""
        return _hide_values(text, self._values)


@dataclass(frozen=True)
class Redactor:
    """Hides secret header values, known secret values and URL passwords in anything shown to humans."""

    #: Header names (lowercase) hidden on top of ``ALWAYS_REDACTED`` (``--cors-redact``).
    extra: FrozenSet[str] = frozenset()
    #: Values hidden wherever they appear (``${VAR}`` values, cookie values), shared by the run.
    values: SecretValues = field(default_factory=SecretValues, compare=False)

    @classmethod
    def with_names(cls, names: Iterable[str]) -> Redactor:
        """A redactor that also hides the headers ``names`` (any case, blanks ignored)."""
        return cls(frozenset(n.strip().lower() for n in names if n.strip()))

    def is_secret(self, name: str) -> bool:
        """Whether the value of header ``name`` must never be shown."""
        lowered = name.lower()
        return lowered in ALWAYS_REDACTED or lowered in self.extra

    def contract_secrets(self, contract: CorsContract) -> List[str]:
        """The contract's secret header values and cookie values: hidden wherever a report quotes them, not only in their header."""
        values = [value for name, value in contract.request_headers if self.is_secret(name)]
        return values + [cookie.value for cookie in contract.cookies]

    def header(self, name: str, value: str) -> str:
        """The value of header ``name`` as it may be shown."""
        return REDACTED if self.is_secret(name) else self.values.hide(value)

    def url(self, url: str) -> str:
        """``url`` with its password (if any) hidden; the user name stays, it says which account."""
        try:
            parts = urlsplit(url)
            password = parts.password
        except ValueError:  # not parseable (bad port, bad IPv6): fall back to the pattern
            return self.values.hide(self.urls(url))
        if password is None:
            return self.values.hide(url)
        host = parts.netloc.rsplit("@", 1)[1]
        netloc = f"{parts.username}:{REDACTED}@{host}"
        return self.values.hide(urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment)))

    @staticmethod
    def urls(text: str) -> str:
        """Hide the password of every ``scheme://user:password@host`` inside free text."""
        return _URL_PASSWORD.sub(lambda m: f"{m.group(1)}{REDACTED}@", text)

    def text(self, text: str, secrets: Iterable[str] = ()) -> str:
        """``text`` with each of ``secrets`` (of :data:`MIN_SECRET_LENGTH` or more) and every URL password hidden."""
        text = _hide_values(text, {secret for secret in secrets if _worth_hiding(secret)})
        return self.values.hide(self.urls(text))


def shorten(text: str, limit: int = 200) -> str:
    """``text`` clipped to ``limit`` characters, saying how long it was."""
    return text if len(text) <= limit else text[:limit] + f"… ({len(text)} chars)"


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
_LONG_QUOTED = re.compile(r"(['‘])([^'’\n]{201,})(['’])")
MAX_LINE = 1000


def printable(text: str) -> str:
    """Report text safe for terminals, CI logs and XML: control bytes escaped, huge values clipped."""
    text = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04x}", text)
    text = _LONG_QUOTED.sub(lambda m: m.group(1) + shorten(m.group(2), 120) + m.group(3), text)
    return "\n".join(shorten(line, MAX_LINE) for line in text.split("\n"))
