"""Sites: the registrable domain of a host, from the Public Suffix List shipped with the package.

Browsers decide whether a request is *same-site* (and so whether SameSite
cookies go with it) by the schemeful site: the scheme plus the registrable
domain ("eTLD+1"), which needs the Public Suffix List. ``api.example.com`` and
``app.example.com`` are one site; ``alice.github.io`` and ``bob.github.io`` are
two, because ``github.io`` is in the list's private section. IP addresses and
single-label hosts such as ``localhost`` are their own site.

The list is a dated snapshot (``data/public_suffix_list.dat``, MPL-2.0), read
once on first use; refresh it with ``scripts/refresh_public_suffix_list.py``.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Optional, Tuple

from pytest_cors.browser.origins import is_ip_address, origin_of_url

DATA_FILE = Path(__file__).resolve().parent / "data" / "public_suffix_list.dat"


@dataclass(frozen=True)
class SuffixRules:
    """The parsed list: rule (without ``!``) -> (is exception, is in the private section)."""

    rules: Dict[str, Tuple[bool, bool]]
    snapshot: str


@dataclass(frozen=True)
class PublicSuffix:
    """The public suffix of a host and which section of the list it came from."""

    suffix: str
    private: bool
    listed: bool  # False when only the implicit ``*`` rule matched


@functools.lru_cache(maxsize=1)
def suffix_rules() -> SuffixRules:
    """The shipped list, parsed once (about 10,000 rules)."""
    rules: Dict[str, Tuple[bool, bool]] = {}
    private = False
    snapshot = ""
    for line in DATA_FILE.read_text(encoding="utf-8").splitlines():
        if line.startswith("//"):
            snapshot = snapshot or line[2:].strip()
            continue
        if line == "PRIVATE":
            private = True
        elif line:
            exception = line.startswith("!")
            rules.setdefault(line.lstrip("!"), (exception, private))
    return SuffixRules(rules, snapshot)


def public_suffix(host: str) -> Optional[PublicSuffix]:
    """The longest matching rule of the list (``None`` for IP addresses)."""
    host = host.rstrip(".").lower()
    if not host or is_ip_address(host):
        return None
    labels = host.split(".")
    rules = suffix_rules().rules
    best: Optional[PublicSuffix] = None
    for start in range(len(labels)):
        candidate = ".".join(labels[start:])
        wildcard = ".".join(["*"] + labels[start + 1:])  # "*" for the last label: never listed (implicit rule)
        exact = rules.get(candidate)
        if exact is not None and exact[0]:
            # An exception rule: the suffix is the rule minus its first label.
            return PublicSuffix(".".join(labels[start + 1:]), exact[1], True)
        match = exact if exact is not None else rules.get(wildcard)
        if match is not None and best is None:
            best = PublicSuffix(candidate, match[1], True)
    return best or PublicSuffix(labels[-1], False, False)


def registrable_domain(host: str) -> str:
    """``eTLD+1`` of ``host``; the host itself for IP addresses, single labels and bare suffixes."""
    host = host.rstrip(".").lower()
    suffix = public_suffix(host)
    if suffix is None or host == suffix.suffix:
        return host
    rest = host[: -len(suffix.suffix) - 1]
    return rest.rsplit(".", 1)[-1] + "." + suffix.suffix


@dataclass(frozen=True)
class Site:
    """A schemeful site: ``https://example.com``."""

    scheme: str
    domain: str

    def __str__(self) -> str:
        return f"{self.scheme}://{self.domain}"


def site_of(url: str) -> Site:
    """The schemeful site of a URL or serialized origin."""
    origin = origin_of_url(url)
    return Site(origin.scheme, registrable_domain(origin.host))


def open_registration(host: str, *, any_subdomain: bool) -> Optional[str]:
    """Why pages on ``host`` (or, for a pattern, on any subdomain of it) may belong to anyone; ``None`` when not.

    A pattern over a public suffix (``*.github.io``, ``*.co.uk``) admits every name anyone
    registers there; a host that *is* a public suffix has no owner of its own; a host on a
    hosting suffix of the list's private section (``myapp.vercel.app``) belongs to whoever
    holds that name on the hosting service, today or after it lapses.
    """
    host = host.rstrip(".").lower()
    suffix = public_suffix(host)
    if suffix is None or not suffix.listed:
        return None
    section = "a hosting domain from the Public Suffix List's private section" if suffix.private else "a public suffix"
    if host == suffix.suffix:
        if any_subdomain:
            return f"{host} is {section}: anyone can register a name under it"
        return f"{host} is {section}, a name shared by everyone who registers under it"
    if suffix.private and not any_subdomain:
        return (
            f"{host} sits on {suffix.suffix}, {section}: pages there belong to whoever holds that name on the "
            "hosting service (a deleted or renamed app frees the name for anyone)"
        )
    return None
