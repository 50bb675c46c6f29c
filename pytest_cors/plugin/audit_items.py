"""The audit in pytest: audit items of YAML contracts, marker audits, the stand-alone scan.

The decisions live in :mod:`pytest_cors.audit`; this module turns findings into
test outcomes. A YAML contract ``users`` yields items ``users[audit:<probe>]``;
a marker test runs its probes after its contract cases and reports them as part
of the test; ``--cors-scan URL`` replaces collection with one item per probe of
that URL. Findings at or above ``--cors-audit-severity`` fail (or warn with
``--cors-audit warn``); the others are listed under "CORS audit findings" at
``-v``.
"""

from __future__ import annotations

import warnings
from typing import Any, Dict, Iterator, List, Optional, Sequence, Tuple

import pytest

from pytest_cors.audit.catalogue import HEADER_PROBES, PROBE_IDS, at_or_above
from pytest_cors.audit.derive import scan_contract, scan_probes
from pytest_cors.audit.model import Finding
from pytest_cors.audit.runner import AuditRegistry, ContractAudit, probe_ids
from pytest_cors.check.case import CaseResult
from pytest_cors.contract.model import CorsContract
from pytest_cors.errors import CorsAuditFailure, CorsReportedError
from pytest_cors.plugin.fixtures import YamlTarget, get_run, get_settings
from pytest_cors.plugin.items import YamlContractItem
from pytest_cors.report.findings import findings_table, format_findings
from pytest_cors.transport import Transport

REGISTRY_KEY = pytest.StashKey[AuditRegistry]()
FINDINGS_KEY = pytest.StashKey[List[Tuple[str, Finding]]]()
#: The same findings by node id, so an item's record reads its own without scanning the run's.
FINDINGS_BY_NODE_KEY = pytest.StashKey[Dict[str, List[Finding]]]()
ACCEPTED_RISK = "accepted risk (audit: skip in the contract)"


def covered_reason(root: str) -> str:
    """Why a narrower probe's item is skipped: a broader finding explains all of its findings."""
    return f"covered by {root} (the same cause: its findings are reported under [audit:{root}])"


def audit_findings(audit: ContractAudit, probe_id: str) -> Tuple[Finding, ...]:
    """Run a probe for its item (in setup); skip the item when a broader finding covers it."""
    root = audit.covered_by(probe_id)
    if root is not None:  # reported at the item (as a skip marker would be), not at this line
        raise pytest.skip.Exception(covered_reason(root), _use_item_location=True)
    return audit.reported_findings(probe_id)


class CorsAuditWarning(pytest.PytestWarning):
    """A CORS audit finding at or above the severity threshold, with ``--cors-audit warn``."""


def audit_enabled(config: pytest.Config, contract: CorsContract) -> bool:
    """Whether ``contract`` is audited in this run (``--cors-audit`` not off, the contract does not opt out)."""
    return get_settings(config).audit != "off" and contract.audit.enabled


def get_registry(config: pytest.Config) -> AuditRegistry:
    """The run's audit registry (one audit per contract and target), created on first use."""
    registry = config.stash.get(REGISTRY_KEY, None)
    if registry is None:
        registry = config.stash[REGISTRY_KEY] = AuditRegistry(get_run(config))
    return registry


def record_case_result(config: pytest.Config, result: CaseResult, transport: Transport) -> None:
    """Let the audit reuse a contract case's exchanges (no second request for the same thing)."""
    if audit_enabled(config, result.case.contract):
        get_registry(config).get(result.case.contract, transport).record(result)


def judge_findings(
    config: pytest.Config,
    nodeid: str,
    findings: Sequence[Finding],
    *,
    mode: Optional[str] = None,
    where: Optional[Tuple[str, int]] = None,
) -> Optional[str]:
    """Remember findings for the summary; return the failure text, or warn, per the settings.

    ``where``: the user's file and 1-based line the warning points at (the test, the YAML contract).
    """
    settings = get_settings(config)
    config.stash.setdefault(FINDINGS_KEY, []).extend((nodeid, f) for f in findings)
    if findings:
        config.stash.setdefault(FINDINGS_BY_NODE_KEY, {}).setdefault(nodeid, []).extend(findings)
    threshold = settings.audit_severity
    if not any(at_or_above(f.severity, threshold) for f in findings):
        return None
    text = format_findings(findings, get_run(config).redactor, threshold=threshold)
    if (mode or settings.audit) == "warn":
        if where is None:  # a --cors-scan item: no file of the user's to point at
            warnings.warn(CorsAuditWarning(text), stacklevel=2)
        else:
            warnings.warn_explicit(CorsAuditWarning(text), CorsAuditWarning, *where)
        return None
    return text


# --- YAML audit items ----------------------------------------------------------------------


class CorsAuditItem(YamlContractItem):
    """One probe id of one YAML contract: ``users[audit:null-origin]``."""

    label = "cors audit"

    def __init__(self, *, contract: CorsContract, probe_id: str, **kwargs: Any) -> None:
        self.contract = contract
        self.probe_id = probe_id
        super().__init__(**kwargs)


def audit_items(parent: pytest.Collector, contract: CorsContract, yaml_target: YamlTarget, line: int) -> Iterator[pytest.Item]:
    """The audit items of one YAML contract (none with ``audit: false`` or ``--cors-audit off``)."""
    if not audit_enabled(parent.config, contract):
        return
    for probe_id in probe_ids(contract):
        item = CorsAuditItem.in_file(
            parent,
            name=f"{contract.name}[audit:{probe_id}]",
            callobj=_check_yaml_audit,
            contract=contract,
            probe_id=probe_id,
            yaml_target=yaml_target,
            contract_line=line,
        )
        if probe_id in contract.audit.skip:
            item.add_marker(pytest.mark.skip(reason=ACCEPTED_RISK))
        yield item


@pytest.fixture
def _cors_audit_findings(request: pytest.FixtureRequest) -> Tuple[Finding, ...]:
    """Runs an audit item's probe during setup (network faults are errors, not findings)."""
    item = request.node
    if not isinstance(item, CorsAuditItem):  # pragma: no cover - only audit items request it
        raise RuntimeError("_cors_audit_findings is internal to YAML audit items")
    transport = item.target(request, item.contract)
    return audit_findings(get_registry(request.config).get(item.contract, transport), item.probe_id)


def _check_yaml_audit(request: pytest.FixtureRequest, _cors_audit_findings: Tuple[Finding, ...]) -> None:
    """The body of every audit item: the probe already ran in setup; judge its findings."""
    __tracebackhide__ = True
    item = request.node
    text = judge_findings(request.config, item.nodeid, _cors_audit_findings, where=(str(item.path), item.contract_line + 1))
    if text:
        raise CorsAuditFailure(text)


# --- marker tests ----------------------------------------------------------------------------


def marker_findings(config: pytest.Config, contract: CorsContract, results: Sequence[CaseResult], transport: Transport) -> Tuple[Finding, ...]:
    """Run a marker contract's probes (after its cases, reusing their exchanges)."""
    if not audit_enabled(config, contract):
        return ()
    audit = ContractAudit(contract, get_run(config), transport)
    for result in results:
        audit.record(result)
    return audit.all_findings()


# --- the stand-alone scan ------------------------------------------------------------------


class CorsScanItem(pytest.Item):
    """One probe id against one ``--cors-scan`` URL."""

    def __init__(self, *, base: str, contract: CorsContract, probe_id: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.base = base
        self.contract = contract
        self.probe_id = probe_id
        self._findings: Tuple[Finding, ...] = ()

    def setup(self) -> None:
        """Send the probe's requests here, like every other item: a network fault is an error, not a failure."""
        run = get_run(self.config)
        transport = run.live(self.base)
        run.ensure_cross_origin(self.contract, transport)
        audit = get_registry(self.config).get(self.contract, transport, probes=scan_probes(self.contract))
        self._findings = audit_findings(audit, self.probe_id)

    def runtest(self) -> None:
        """Fail (or warn, with ``--cors-audit warn``) on the findings of this probe at or above the threshold."""
        __tracebackhide__ = True
        mode = "warn" if get_settings(self.config).audit == "warn" else "fail"
        text = judge_findings(self.config, self.nodeid, self._findings, mode=mode)
        if text:
            raise CorsAuditFailure(text)

    def reportinfo(self):
        """Where pytest says the item is: the scanned URL."""
        return "cors-scan", 0, f"cors scan: {self.name}"

    def repr_failure(self, excinfo, style=None):
        """The findings text for a CORS failure, pytest's usual report otherwise."""
        if isinstance(excinfo.value, CorsReportedError):
            return excinfo.value.text
        return super().repr_failure(excinfo, style=style)


def scan_items(session: pytest.Session) -> List[pytest.Item]:
    """One item per probe and ``--cors-scan`` URL."""
    settings = get_settings(session.config)
    items: List[pytest.Item] = []
    for url in settings.scan_urls:
        base, contract = scan_contract(url, settings.scan_origins)
        derived = {p.id for p in scan_probes(contract)}
        applicable = set(probe_ids(contract))
        for probe_id in PROBE_IDS:
            if probe_id in derived or (probe_id in HEADER_PROBES and probe_id in applicable):
                items.append(
                    CorsScanItem.from_parent(
                        session,
                        name=f"{url}[audit:{probe_id}]",
                        nodeid=f"cors-scan::{url}[audit:{probe_id}]",
                        base=base,
                        contract=contract,
                        probe_id=probe_id,
                    )
                )
    return items


@pytest.hookimpl(tryfirst=True)
def pytest_collection(session: pytest.Session) -> Optional[bool]:
    """With ``--cors-scan``, the run is the scan: one item per probe and URL, nothing else collected."""
    if not get_settings(session.config).scan_urls:
        return None
    hook = session.config.hook
    items = scan_items(session)
    hook.pytest_collectreport(report=pytest.CollectReport(session.nodeid, "passed", None, list(items)))
    hook.pytest_collection_modifyitems(session=session, config=session.config, items=items)
    session.items = items
    hook.pytest_collection_finish(session=session)
    session.testscollected = len(items)
    return True


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    """Every finding, failing or not, at ``-v`` (always with ``--cors-scan``)."""
    findings = config.stash.get(FINDINGS_KEY, [])
    settings = get_settings(config)
    if not (config.getoption("verbose") >= 1 or settings.scan_urls):
        return
    if not findings and not settings.scan_urls:
        return
    terminalreporter.write_sep("=", "CORS audit findings")
    for line in findings_table([f for _, f in findings], get_run(config).redactor):
        terminalreporter.write_line(line)
    failing = sum(1 for _, f in findings if at_or_above(f.severity, settings.audit_severity))
    covered = sum(1 for _, f in findings if f.covered_by is not None)
    terminalreporter.write_line(
        f"{len(findings)} finding(s), {failing} at or above {settings.audit_severity} (--cors-audit-severity)"
        + (f"; {covered} grouped under the broader finding that covers them" if covered else "")
    )
