"""The audit's values: findings, the exchanges they read, and what every probe function receives.

A :class:`Finding` is one weakness, an :class:`Observation` one exchange it read, and the
:class:`AuditContext` every probe function receives (the contract, the target, how to send).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Literal, Optional, Sequence, Tuple

from pytest_cors.audit.catalogue import PROBES, ProbeId, Severity
from pytest_cors.audit.derive import ATTACKER_ORIGIN
from pytest_cors.browser.exchange import Exchange, HttpRequest, HttpResponse
from pytest_cors.browser.origins import NULL_ORIGIN
from pytest_cors.browser.profiles import BrowserProfile
from pytest_cors.contract.model import CorsContract


@dataclass(frozen=True)
class Finding:
    """One weakness: what, how bad, the exchanges that show it, why it matters and the usual fix."""

    probe: ProbeId
    severity: Severity
    summary: str
    origin: Optional[str] = None
    evidence: Tuple[Exchange, ...] = ()
    contract: str = ""
    url: str = ""
    profiles: Tuple[str, ...] = ()
    where: str = ""
    #: The broader probe whose finding explains this one (the root cause); it is reported under that finding.
    covered_by: Optional[ProbeId] = None

    @property
    def why(self) -> str:
        """Why the weakness matters (from the catalogue)."""
        return PROBES[self.probe].why

    @property
    def fix(self) -> str:
        """The usual fix, naming the common libraries' settings (from the catalogue)."""
        return PROBES[self.probe].fix


#: Why an exchange was made: a contract case or origin probe read it, or a header check sent it for itself.
Purpose = Literal["read", "csrf-probe"]


@dataclass(frozen=True)
class Observation:
    """One exchange the audit reads, with the origin that made it and whether the contract trusts it."""

    exchange: Exchange
    origin: Optional[str]
    trusted: bool
    purpose: Purpose = "read"


@dataclass(frozen=True)
class AuditContext:
    """What a probe function may use: the contract, the URL, the run's profiles and how to send."""

    contract: CorsContract
    #: The target's base URL (the contract's path is appended).
    base_url: str
    profiles: Tuple[BrowserProfile, ...]
    #: Sends one request to the target (network faults raise CorsNetworkError).
    send: Callable[[HttpRequest], HttpResponse]
    #: Unsafe actual requests are held back (a live URL without --cors-send-unsafe).
    withhold_unsafe: bool

    @property
    def url(self) -> str:
        """The contract's endpoint on the target."""
        return self.base_url.rstrip("/") + self.contract.path

    @property
    def attacker(self) -> Optional[str]:
        """An origin the contract refuses, for checks that need one (the attacker, else a deny origin)."""
        for origin in (ATTACKER_ORIGIN, *self.contract.deny_origins):
            if not self.contract.allows(origin) and origin != NULL_ORIGIN:
                return origin
        return None

    def finding(
        self,
        probe: ProbeId,
        summary: str,
        origin: Optional[str],
        evidence: Sequence[Exchange],
        *,
        lesser: bool = False,
        profiles: Sequence[str] = (),
    ) -> Finding:
        """A finding of ``probe`` with the catalogue's severity (its weaker form when ``lesser``)."""
        return Finding(
            probe=probe,
            severity=PROBES[probe].severity_of(lesser=lesser),
            summary=summary,
            origin=origin,
            evidence=tuple(evidence),
            contract=self.contract.name,
            url=self.url,
            profiles=tuple(profiles),
            where=str(self.contract.where),
        )
