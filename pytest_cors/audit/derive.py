"""Attacker origins derived from a contract (pure: no I/O).

Every allow contract says which origins are trusted. From each trusted origin
(or origin pattern) the audit derives the origins an attacker would try:
``https://app.example.com.evil.invalid``, ``null``, ``http://app.example.com``,
... One function per origin probe, registered under its catalogue id with
:func:`derives`; :func:`derive_probes` runs them all and drops the origins the
contract itself trusts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Dict, Iterator, List, Optional, Sequence, Tuple
from urllib.parse import urlsplit

from pytest_cors.audit.catalogue import ORIGIN_PROBES, Family, ProbeId, registrar, require_functions
from pytest_cors.browser.origins import NULL_ORIGIN, Origin, is_ip_address, origin_of_url
from pytest_cors.contract.model import CorsContract, Location

ATTACKER_HOST = "evil.invalid"
ATTACKER_ORIGIN = f"https://{ATTACKER_HOST}"
#: Characters some browsers accept in a host name, tried right after the trusted name.
SPECIAL_CHARACTERS = ("_", "`", "!", "$", "&", "'", "(", ")", "*", "+", ",", ";", "=", "~")
#: Ports tried for ``port-confusion``, in order (the first one the contract does not allow).
CONFUSION_PORTS = (8443, 4443, 8080, 1337)


@dataclass(frozen=True)
class Probe:
    """One attacker origin to try: ``id`` is the probe id, ``derived_from`` the trusted origin or pattern."""

    id: ProbeId
    origin: str
    derived_from: str = ""
    #: Only a read *with credentials* is a finding (public endpoints may be read by anyone).
    credentialed_only: bool = False


@dataclass(frozen=True)
class Trusted:
    """A trusted origin, or an origin pattern through its concrete example, as derivations see it."""

    scheme: str
    host: str  # a concrete host (a pattern's example host)
    base_host: str  # the trusted name itself (the pattern's domain)
    port: Optional[int]
    source: str

    def origin(self, host: str, port: Optional[int] = None, scheme: Optional[str] = None) -> str:
        """A serialised origin on this trusted origin's scheme and port unless told otherwise."""
        return Origin(scheme or self.scheme, host, self.port if port is None else port).serialize()


#: (origin, what it was derived from) pairs of one probe.
Derived = Iterator[Tuple[str, str]]
Derivation = Callable[[CorsContract, Sequence[Trusted]], Derived]
DERIVATIONS: Dict[ProbeId, Derivation] = {}
#: ``@derives("probe-id")`` files the function that derives that probe's attacker origins.
derives = registrar(DERIVATIONS)


def trusted_origins(contract: CorsContract) -> List[Trusted]:
    """The contract's trusted origins with a host (``null`` and IPv6 literals get no lookalikes)."""
    result: List[Trusted] = []
    for text in contract.exact_origins:
        if text == NULL_ORIGIN:
            continue
        parsed = origin_of_url(text)
        if parsed.is_opaque or ":" in parsed.host:
            continue
        result.append(Trusted(parsed.scheme, parsed.host, parsed.host, parsed.port, text))
    for pattern in contract.patterns:
        result.append(Trusted(pattern.scheme, pattern.example_host, pattern.host, pattern.example_port, pattern.text))
    return result


def _named(trusted: Sequence[Trusted]) -> Iterator[Trusted]:
    """Trusted origins with a DNS name (IP literals have no registrable lookalikes)."""
    return (t for t in trusted if not is_ip_address(t.host))


@derives("reflect-any-origin")
def _reflect_any_origin(contract: CorsContract, trusted: Sequence[Trusted]) -> Derived:
    yield ATTACKER_ORIGIN, ""


@derives("null-origin")
def _null_origin(contract: CorsContract, trusted: Sequence[Trusted]) -> Derived:
    yield NULL_ORIGIN, ""


@derives("prefix-lookalike")
def _prefix_lookalike(contract: CorsContract, trusted: Sequence[Trusted]) -> Derived:
    for t in trusted:
        yield t.origin(f"{t.host}.{ATTACKER_HOST}"), t.source


@derives("suffix-lookalike")
def _suffix_lookalike(contract: CorsContract, trusted: Sequence[Trusted]) -> Derived:
    for t in _named(trusted):
        yield t.origin(f"evil{t.host}"), t.source
        labels = t.host.split(".")
        parent = ".".join(labels[1:]) if len(labels) > 2 else t.host
        yield t.origin(f"evil-{parent}"), t.source


@derives("unescaped-dot")
def _unescaped_dot(contract: CorsContract, trusted: Sequence[Trusted]) -> Derived:
    for t in _named(trusted):
        labels = t.host.split(".")
        for index in range(len(labels) - 2):  # every dot but the last: the result is registrable
            yield t.origin(".".join(labels[: index + 1]) + "x" + ".".join(labels[index + 1 :])), t.source


@derives("untrusted-subdomain")
def _untrusted_subdomain(contract: CorsContract, trusted: Sequence[Trusted]) -> Derived:
    for t in _named(trusted):
        yield t.origin(f"evil.{t.base_host}"), t.source


@derives("scheme-downgrade")
def _scheme_downgrade(contract: CorsContract, trusted: Sequence[Trusted]) -> Derived:
    for t in trusted:
        if t.scheme == "https":
            yield t.origin(t.host, scheme="http"), t.source


@derives("port-confusion")
def _port_confusion(contract: CorsContract, trusted: Sequence[Trusted]) -> Derived:
    for t in trusted:  # a pattern with any port (``:*``) allows every candidate: nothing to try
        candidates = (t.origin(t.host, port) for port in CONFUSION_PORTS if port != t.port)
        first = next((c for c in candidates if not contract.allows(c)), None)
        if first is not None:
            yield first, t.source


@derives("special-characters")
def _special_characters(contract: CorsContract, trusted: Sequence[Trusted]) -> Derived:
    for t in trusted:
        for char in SPECIAL_CHARACTERS:
            yield t.origin(f"{t.host}{char}.{ATTACKER_HOST}"), t.source


def derive_probes(contract: CorsContract) -> Tuple[Probe, ...]:
    """The attacker origins to try against ``contract`` (pure; origins the contract trusts are left out)."""
    if not contract.origins:
        return ()  # deny-only: trusts nothing, derives nothing
    if contract.is_public:
        # Reading a public endpoint is fine; reading it with the user's credentials never is.
        return (
            Probe("reflect-any-origin", ATTACKER_ORIGIN, credentialed_only=True),
            Probe("null-origin", NULL_ORIGIN, credentialed_only=True),
        )
    trusted = trusted_origins(contract)
    probes: Dict[Tuple[str, str], Probe] = {}
    for probe_id in ORIGIN_PROBES:
        for origin, source in DERIVATIONS[probe_id](contract, trusted):
            if not contract.allows(origin):
                probes.setdefault((probe_id, origin), Probe(probe_id, origin, source))
    return tuple(probes.values())


def scan_contract(url: str, origins: Sequence[str]) -> Tuple[str, CorsContract]:
    """The contract a stand-alone scan checks: GET ``url`` with credentials, trusting ``origins``.

    ``url`` is an http(s) URL (``--cors-scan`` validates it); the base is its scheme and host, the
    contract's path the rest, query included (``https://api.example.com?page=1`` requests ``/?page=1``).
    """
    base = "{0.scheme}://{0.netloc}".format(urlsplit(url))
    rest = url[len(base) :]
    path = rest if rest.startswith("/") else "/" + rest
    contract = CorsContract(
        name=url,
        path=path,
        origins=tuple(dict.fromkeys(origins)),
        methods=("GET",),
        credentials=True,
        where=Location("", detail=f"--cors-scan {url}"),
    )
    return base, contract


def scan_probes(contract: CorsContract) -> Tuple[Probe, ...]:
    """A scan without trusted origins still tries an unrelated origin and ``null``."""
    if contract.origins:
        return derive_probes(contract)
    return (Probe("reflect-any-origin", ATTACKER_ORIGIN), Probe("null-origin", NULL_ORIGIN))


require_functions(DERIVATIONS, Family.ORIGIN)
