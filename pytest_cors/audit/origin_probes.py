"""Running one attacker origin through the browser model: can it read the response, and how badly.

The origin is sent as a page at that origin would send it (the contract's
methods, headers and body), with credentials first; a probe that is not
``credentialed_only`` is tried without credentials too. The worst read over the
contract's methods is the finding: the catalogue's full severity with the
user's credentials, its lesser severity without.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import List, Optional, Tuple

from pytest_cors.audit.catalogue import PROBES, SEVERITY_RANK, Severity
from pytest_cors.audit.derive import Probe
from pytest_cors.audit.model import AuditContext, Finding, Observation
from pytest_cors.browser.fetch import BrowserVerdict, simulate_fetch
from pytest_cors.browser.profiles import display_names
from pytest_cors.check.case import CachingSender, contract_fetch, distinct_exchanges


@dataclass(frozen=True)
class _Read:
    """The probe origin can read one method: with credentials or without, as these verdicts say."""

    severity: Severity
    credentialed: bool
    verdicts: Tuple[BrowserVerdict, ...]


def _read(ctx: AuditContext, probe: Probe, method: str, seen: List[Observation]) -> Optional[_Read]:
    """Whether ``probe.origin`` can read ``method``: with credentials, else (unless credentialed only) without."""
    row = PROBES[probe.id]
    sender = CachingSender(ctx.send, withhold_unsafe=ctx.withhold_unsafe)
    fetch = contract_fetch(ctx.contract, ctx.base_url, probe.origin, method, credentials=True)
    with_credentials = tuple(simulate_fetch(fetch, p, sender) for p in ctx.profiles)
    seen.extend(Observation(e, probe.origin, False) for e in distinct_exchanges(with_credentials))
    if any(x.allowed for x in with_credentials):
        return _Read(row.severity_of(), True, with_credentials)
    if probe.credentialed_only:
        return None
    uncredentialed = contract_fetch(ctx.contract, ctx.base_url, probe.origin, method, credentials=False)
    without = tuple(simulate_fetch(uncredentialed, p, sender) for p in ctx.profiles)
    if any(x.allowed for x in without):
        return _Read(row.severity_of(lesser=True), False, without)
    return None


def run_origin_probe(ctx: AuditContext, probe: Probe) -> Tuple[Optional[Finding], List[Observation]]:
    """The finding of one attacker origin (the worst read over the contract's methods) and what it saw."""
    seen: List[Observation] = []
    reads = [(method, _read(ctx, probe, method, seen)) for method in ctx.contract.methods]
    readable = [(method, read) for method, read in reads if read is not None]
    if not readable:
        return None, seen
    worst = min((read for _, read in readable), key=lambda read: SEVERITY_RANK[read.severity])
    allowing = [x.profile for x in worst.verdicts if x.allowed]
    evidence = next((x.exchanges for x in worst.verdicts if x.allowed and x.exchanges), ())
    withheld = any(x.actual_withheld for x in worst.verdicts if x.allowed)
    how = "with the user's credentials (cookies)" if worst.credentialed else "without credentials"
    summary = (
        f"{probe.origin} can read {'/'.join(m for m, _ in readable)} {ctx.url} {how} in {display_names(allowing)}"
        + (f" (derived from {probe.derived_from})" if probe.derived_from else "")
        + (" (the preflight allows it; the actual request was not sent to the live URL)" if withheld else "")
    )
    finding = ctx.finding(probe.id, summary, probe.origin, evidence, lesser=not worst.credentialed, profiles=allowing)
    return finding, seen
