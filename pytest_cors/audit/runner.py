"""The audit's I/O: run the probes of one contract against one target through its Transport.

A :class:`ContractAudit` runs each probe lazily and at most once: origin probes
(:mod:`pytest_cors.audit.origin_probes`) for the attacker origins
:mod:`pytest_cors.audit.derive` derives, then the header-level checks
(:mod:`pytest_cors.audit.header_checks`) over every exchange seen. The
:class:`AuditRegistry` keeps one audit per (contract, target) in a run so every
item shares the exchanges. No pytest here: :mod:`pytest_cors.plugin.audit_items`
turns findings into test outcomes; :mod:`pytest_cors.report.findings` turns them
into text.
"""

from __future__ import annotations

import dataclasses
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

from pytest_cors.audit.catalogue import (
    CATALOGUE,
    ORIGIN_PROBES,
    PROBE_IDS,
    PROBES,
    SEVERITY_RANK,
    Explains,
    Family,
    ProbeId,
)
from pytest_cors.audit.derive import Probe, derive_probes
from pytest_cors.audit.header_checks import HEADER_CHECKS, answers_wildcard, csrf_form_post, origin_less
from pytest_cors.audit.model import AuditContext, Finding, Observation
from pytest_cors.audit.origin_probes import run_origin_probe
from pytest_cors.browser.exchange import HttpRequest, HttpResponse
from pytest_cors.browser.origins import NULL_ORIGIN, same_origin
from pytest_cors.check.case import CaseResult
from pytest_cors.check.run import CorsRun
from pytest_cors.contract.model import ContractCase, CorsContract
from pytest_cors.errors import CorsNetworkError
from pytest_cors.report.faults import format_transport_error
from pytest_cors.transport import Transport, TransportError


def probe_ids(contract: CorsContract) -> Tuple[ProbeId, ...]:
    """The probe ids that apply to ``contract`` (one test item each), in catalogue order.

    A row applies when its ``applies_to`` says so; an origin probe also needs an
    attacker origin derived from the contract.
    """
    derived = {p.id for p in derive_probes(contract)}
    return tuple(
        row.id
        for row in CATALOGUE
        if row.applies_to(contract) and (row.family is not Family.ORIGIN or row.id in derived)
    )


def by_severity(findings: Iterable[Finding]) -> Tuple[Finding, ...]:
    """Most severe first (stable: equal severities keep their order)."""
    return tuple(sorted(findings, key=lambda f: SEVERITY_RANK[f.severity]))


def explains(broad: Finding, narrow: Finding) -> bool:
    """Whether ``broad`` explains ``narrow``, the way the broad probe's catalogue row says."""
    how = PROBES[broad.probe].explains
    if how is Explains.WILDCARD_ANSWER:
        return any(answers_wildcard(exchange.response) for exchange in narrow.evidence)
    return SEVERITY_RANK[broad.severity] <= SEVERITY_RANK[narrow.severity]


class ContractAudit:
    """Runs the audit of one contract against one target, lazily and at most once per probe.

    Contract case results already produced (by the contract's own checks) are
    reused through :meth:`record`, so header-level findings cost no requests of
    their own beyond one Origin-less request, one private-network preflight and,
    for POST endpoints, one form POST from a refused origin.
    """

    def __init__(
        self,
        contract: CorsContract,
        run: CorsRun,
        transport: Transport,
        *,
        probes: Optional[Sequence[Probe]] = None,
    ) -> None:
        self.contract = contract
        self.run = run
        self.transport = transport
        self.probes: Tuple[Probe, ...] = tuple(derive_probes(contract) if probes is None else probes)
        self.context = AuditContext(
            contract=contract,
            base_url=transport.base_url(),
            profiles=run.profiles,
            send=self._send,
            withhold_unsafe=run.withholds_unsafe(transport),
        )
        self._results: Dict[ContractCase, CaseResult] = {}
        self._origin_findings: Dict[str, Tuple[Finding, ...]] = {}
        self._probe_observations: Dict[str, List[Observation]] = {}
        self._header_findings: Optional[Dict[str, Tuple[Finding, ...]]] = None
        self._skip: Tuple[str, ...] = contract.audit.skip

    @property
    def url(self) -> str:
        """The contract's endpoint on the target."""
        return self.context.url

    def _send(self, request: HttpRequest) -> HttpResponse:
        try:
            return self.transport.send(request)
        except TransportError as error:
            raise CorsNetworkError(format_transport_error(error, self.run.redactor)) from None

    def _runs(self, probe_id: str) -> bool:
        """Whether a probe's own work is done: it applies to the contract and is not skipped."""
        return probe_id not in self._skip and PROBES[probe_id].applies_to(self.contract)

    def record(self, result: CaseResult) -> None:
        """Reuse a contract case result the contract check already produced."""
        if result.case.contract == self.contract:
            self._results[result.case] = result

    def case_results(self) -> List[CaseResult]:
        """The contract's own case results (run now for those not recorded)."""
        results = []
        for case in self.contract.cases():
            if case not in self._results:
                self._results[case] = self.run.run_case(case, self.transport)
            results.append(self._results[case])
        return results

    def findings(self, probe_id: str) -> Tuple[Finding, ...]:
        """Findings of one probe id (runs what it needs, once)."""
        if probe_id not in PROBES:
            raise ValueError(f"unknown probe {probe_id!r}")
        if PROBES[probe_id].family is Family.ORIGIN:
            if probe_id not in self._origin_findings:
                self._run_origin_probes(probe_id)
            return self._origin_findings[probe_id]
        if self._header_findings is None:
            self._header_findings = self._run_header_checks()
        return self._header_findings.get(probe_id, ())

    def covered_by(self, probe_id: str) -> Optional[ProbeId]:
        """The root cause that explains every finding of ``probe_id``, if a broader probe's finding does.

        The catalogue's ``covered_by`` names the candidates; a candidate the contract
        skips (an accepted risk) covers nothing. Chains resolve to their root: ``null``
        is covered by the reflection, which a ``*`` answer covers in turn.
        """
        narrow = self.findings(probe_id)
        if not narrow:
            return None
        for broad_id in PROBES[probe_id].covered_by:
            if broad_id in self._skip:
                continue
            broad = self.findings(broad_id)
            if broad and all(any(explains(b, n) for b in broad) for n in narrow):
                return self.covered_by(broad_id) or broad_id
        return None

    def reported_findings(self, probe_id: str) -> Tuple[Finding, ...]:
        """What ``probe_id``'s item reports: its own findings, then those it covers (marked ``covered_by``)."""
        covered = [
            dataclasses.replace(finding, covered_by=probe_id)
            for other in PROBE_IDS
            if other != probe_id and other not in self._skip and self.covered_by(other) == probe_id
            for finding in self.findings(other)
        ]
        return self.findings(probe_id) + tuple(covered)

    def all_findings(self, skip: Iterable[str] = ()) -> Tuple[Finding, ...]:
        """Every finding of every probe the contract does not skip, most severe first (covered ones marked)."""
        skipped = set(skip) | set(self._skip)
        result: List[Finding] = []
        for probe_id in PROBE_IDS:
            if probe_id not in skipped:
                root = self.covered_by(probe_id)
                result.extend(dataclasses.replace(f, covered_by=root) for f in self.findings(probe_id))
        return by_severity(result)

    def _run_origin_probes(self, probe_id: str) -> None:
        findings: List[Finding] = []
        observations: List[Observation] = []
        for probe in self.probes:
            if probe.id != probe_id:
                continue
            if probe.origin != NULL_ORIGIN and same_origin(self.url, probe.origin):
                continue  # the target's own origin: same-origin requests never use CORS
            finding, seen = run_origin_probe(self.context, probe)
            observations.extend(seen)
            if finding is not None:
                findings.append(finding)
        self._origin_findings[probe_id] = by_severity(findings)
        self._probe_observations[probe_id] = observations

    def _observations(self) -> List[Observation]:
        """Every exchange the header checks read: the cases, the origin probes, and their own requests."""
        observations: List[Observation] = []
        for result in self.case_results():
            for exchange in result.exchanges:
                sent = exchange.request.header("Origin")
                observations.append(Observation(exchange, sent, self.contract.allows(sent) if sent else False))
        for probe_id in ORIGIN_PROBES:
            if probe_id in self._skip:
                continue
            if probe_id not in self._origin_findings:
                self._run_origin_probes(probe_id)
            observations.extend(self._probe_observations[probe_id])
        replay = origin_less(self.context, observations)
        if replay is not None:
            observations.append(replay)
        if self._runs("csrf-exposure"):
            form_post = csrf_form_post(self.context)
            if form_post is not None:
                observations.append(form_post)
        return observations

    def _run_header_checks(self) -> Dict[str, Tuple[Finding, ...]]:
        observations = self._observations()
        found: Dict[str, Tuple[Finding, ...]] = {}
        for probe_id, check in HEADER_CHECKS.items():
            if not self._runs(probe_id):
                continue
            keyed: Dict[object, Finding] = {}
            for finding, key in check(self.context, observations):
                keyed.setdefault(key, finding)
            found[probe_id] = tuple(keyed.values())
        return found


class AuditRegistry:
    """One :class:`ContractAudit` per (contract, target) in a run, so every item shares the exchanges."""

    def __init__(self, run: CorsRun) -> None:
        self.run = run
        self._audits: Dict[Tuple[CorsContract, int], Tuple[Transport, ContractAudit]] = {}

    def get(self, contract: CorsContract, transport: Transport, *, probes: Optional[Sequence[Probe]] = None) -> ContractAudit:
        """The audit of ``contract`` on ``transport``, created on first use."""
        key = (contract, id(transport))
        entry = self._audits.get(key)
        if entry is None or entry[0] is not transport:
            entry = (transport, ContractAudit(contract, self.run, transport, probes=probes))
            self._audits[key] = entry
        return entry[1]
