"""Per-item records, made where the item runs (a pytest-xdist worker or the only process).

Every contract case the run checks is attributed to the item running at the
time; at teardown the item's record (cases, findings, snapshot changes,
outcome) is attached to the teardown report as ``report.cors_record``. pytest
serialises a report's attributes for pytest-xdist, so the controller receives
the same records a serial run makes, and workers never write files. The same
hook adds the JUnit properties (``item.user_properties``).
"""

from __future__ import annotations

import os
from typing import Any, Dict, List, Optional, Set

import pytest

from pytest_cors.audit.catalogue import at_or_above
from pytest_cors.check.case import CaseResult
from pytest_cors.plugin.audit_items import FINDINGS_BY_NODE_KEY, CorsAuditItem
from pytest_cors.plugin.fixtures import get_run, get_settings
from pytest_cors.plugin.items import YamlContractItem
from pytest_cors.report.records import case_record, finding_record, item_record
from pytest_cors.snapshot.diff import Change
from pytest_cors.snapshot.lockfile import Inventory, contract_label
from pytest_cors.snapshot.policy import case_key

CURRENT_KEY = pytest.StashKey[Optional[pytest.Item]]()
OBSERVED_KEY = pytest.StashKey[List[CaseResult]]()
CHANGES_KEY = pytest.StashKey[List[Change]]()
PHASES_KEY = pytest.StashKey[List[Any]]()
ORDER_KEY = pytest.StashKey[Dict[str, int]]()
INVENTORY_KEY = pytest.StashKey[Inventory]()
SENT_KEY = pytest.StashKey[Set[str]]()
#: Whether records carry exchanges (a .json or .html report) and full policies (a lockfile), per run.
DETAIL_KEY = pytest.StashKey[bool]()
POLICY_KEY = pytest.StashKey[bool]()
DETAILED_SUFFIXES = (".json", ".html", ".htm")
#: Whether records are built at each teardown (something reads every record), decided once per process.
EAGER_KEY = pytest.StashKey[bool]()
#: Otherwise: the records kept aside, and whether one of their items makes the matrix show.
PENDING_KEY = pytest.StashKey[List[Dict[str, Any]]]()
NOTABLE_KEY = pytest.StashKey[bool]()
REPORTS_KEY = pytest.StashKey[bool]()
STEP_SUMMARY = "GITHUB_STEP_SUMMARY"


def owner_of(item: pytest.Item) -> str:
    """The lockfile owner of an item's contracts: the YAML file, or the test's node id."""
    return item.nodeid.split("::", 1)[0] if isinstance(item, YamlContractItem) else item.nodeid


def observed(item: pytest.Item) -> List[CaseResult]:
    """The contract cases this item checked, in the order they ran."""
    return item.stash.get(OBSERVED_KEY, [])


def install_observer(config: pytest.Config) -> None:
    """Attribute every checked case to the running item (cases of audit items re-run contracts: not theirs)."""

    def observe(result: CaseResult) -> None:
        item = config.stash.get(CURRENT_KEY, None)
        if item is not None and not isinstance(item, CorsAuditItem):
            item.stash.setdefault(OBSERVED_KEY, []).append(result)

    get_run(config).case_observers.append(observe)


def build_inventory(items: List[pytest.Item]) -> Inventory:
    """Per file, every owner with its declared contracts and cases (audit items declare none)."""
    from pytest_cors.plugin.collect import CorsCaseItem
    from pytest_cors.plugin.hooks import CONTRACTS_KEY

    inventory: Inventory = {}
    for item in items:
        owner = owner_of(item)
        contracts = inventory.setdefault(owner.split("::", 1)[0], {}).setdefault(owner, {})
        if isinstance(item, CorsCaseItem):
            contracts.setdefault(item.case.contract.name, []).append(case_key(item.case))
        for contract in item.stash.get(CONTRACTS_KEY, []):  # marked tests
            contracts.setdefault(contract.name, []).extend(case_key(case) for case in contract.cases())
    return inventory


@pytest.hookimpl(trylast=True)
def pytest_collection_finish(session: pytest.Session) -> None:
    """Remember collection order: records are sorted by it, so xdist and serial runs agree."""
    session.config.stash[ORDER_KEY] = {item.nodeid: index for index, item in enumerate(session.items)}


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: Optional[pytest.Item]):
    """Mark the running item, so checked cases are attributed to it."""
    item.config.stash[CURRENT_KEY] = item
    try:
        return (yield)
    finally:
        item.config.stash[CURRENT_KEY] = None


def junit_properties(item: pytest.Item) -> List[Any]:
    """contract, origin, method, expected and each browser's verdict, per checked case."""
    properties: List[Any] = []
    for result in observed(item):
        case = result.case
        properties += [
            ("cors_contract", case.contract.name),
            ("cors_origin", case.origin),
            ("cors_method", case.method),
            ("cors_expected", "allowed" if case.expect_allowed else "blocked"),
        ]
        properties += [(f"cors_{v.profile}", "allowed" if v.allowed else "blocked") for v in result.verdicts]
    return properties


def _outcome(reports: List[Any]) -> str:
    for report in reports:
        if report.failed:
            return "failed" if report.when == "call" else "error"
    return "skipped" if any(r.skipped for r in reports) else "passed"


def _message(reports: List[Any]) -> str:
    for report in reports:
        if report.failed or report.skipped:
            crash = getattr(report.longrepr, "reprcrash", None)
            if crash is not None:
                return str(crash.message).split("\n", 1)[0]
            if isinstance(report.longrepr, tuple) and len(report.longrepr) == 3:
                return str(report.longrepr[2])
            return str(report.longrepr or "").split("\n", 1)[0]
    return ""


def make_record(item: pytest.Item) -> Optional[Dict[str, Any]]:
    """The item's record, or None for a test that checked no CORS at all."""
    config = item.config
    run, settings = get_run(config), get_settings(config)
    owner = owner_of(item)
    changes = item.stash.get(CHANGES_KEY, [])
    cases = []
    for result in observed(item):
        label = contract_label(owner, result.case.contract.name)
        mine = [c for c in changes if c.case == case_key(result.case) and c.contract == label]
        cases.append(
            case_record(
                result, owner, run.redactor, mine, detail=config.stash.get(DETAIL_KEY, True), policy=config.stash.get(POLICY_KEY, True)
            )
        )
    findings = [
        finding_record(f, owner, run.redactor, settings.audit_severity)
        for f in config.stash.get(FINDINGS_BY_NODE_KEY, {}).get(item.nodeid, [])
    ]
    if not cases and not findings and not isinstance(item, YamlContractItem):
        return None
    reports = item.stash.get(PHASES_KEY, [])
    record = item_record(item.nodeid, _outcome(reports), run.redactor.text(_message(reports)), cases, findings)
    record["order"] = config.stash.get(ORDER_KEY, {}).get(item.nodeid, -1)
    return record


def records_eager(config: pytest.Config) -> bool:
    """Whether every item's record is read: a report, a lockfile, -v, a step summary, or an xdist controller.

    Otherwise records only matter when an item makes the end-of-run matrix show: they
    are kept aside (``pending_records``) and a passing run shows none.
    """
    eager = config.stash.get(EAGER_KEY, None)
    if eager is None:
        eager = config.stash[EAGER_KEY] = (
            hasattr(config, "workerinput")  # the controller reads them; it cannot ask later
            or config.stash.get(REPORTS_KEY, True)
            or config.stash.get(POLICY_KEY, True)
            or config.getoption("verbose") > 0
            or bool(os.environ.get(STEP_SUMMARY))
        )
    return eager


def defer_record(item: pytest.Item) -> None:
    """Keep the item's record for ``pending_records``; note whether it makes the matrix show (as ``Endpoint.failing``)."""
    config = item.config
    if not config.stash.get(NOTABLE_KEY, False):
        threshold = get_settings(config).audit_severity
        config.stash[NOTABLE_KEY] = (
            _outcome(item.stash.get(PHASES_KEY, [])) in ("failed", "error")
            or any(not result.passed for result in observed(item))
            or any(at_or_above(f.severity, threshold) for f in config.stash.get(FINDINGS_BY_NODE_KEY, {}).get(item.nodeid, []))
        )
    record = make_record(item)
    if record is not None:
        config.stash.setdefault(PENDING_KEY, []).append(record)


def pending_records(config: pytest.Config) -> List[Dict[str, Any]]:
    """The kept-aside records, when one of their items makes the matrix show; none for a passing run."""
    if not config.stash.get(NOTABLE_KEY, False):
        return []
    pending: List[Dict[str, Any]] = config.stash.get(PENDING_KEY, [])
    return list(pending)


def release(item: pytest.Item) -> None:
    """Drop what the item checked once its record exists: the record holds everything read later.

    A checked case keeps every exchange, header and verdict of every browser profile.
    Kept on each item until the end of the run, they made the interpreter's garbage
    collector (which traverses every live object) cost more than building the compact
    record does; a run of 1,000 contracts spent about twice the floor's time in it.
    """
    item.stash[OBSERVED_KEY] = []
    item.stash[PHASES_KEY] = []


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """Add JUnit properties before the teardown report exists; attach the record to it."""
    if call.when == "teardown":
        item.user_properties.extend(junit_properties(item))
    report = yield
    item.stash.setdefault(PHASES_KEY, []).append(report)
    if call.when == "teardown":
        if records_eager(item.config):
            record = make_record(item)
            if record is not None:
                report.cors_record = record
        else:
            defer_record(item)
        release(item)
        inventory = item.config.stash.get(INVENTORY_KEY, None)
        if inventory:
            sent = item.config.stash.setdefault(SENT_KEY, set())
            path = owner_of(item).split("::", 1)[0]
            if path not in sent and path in inventory:
                sent.add(path)
                report.cors_inventory = {path: inventory[path]}
    return report


@pytest.hookimpl(trylast=True)
def pytest_configure(config: pytest.Config) -> None:
    """Observe the run's cases once the plugin's CorsRun exists; decide how much records carry."""
    install_observer(config)
    paths = list(config.getoption("cors_report", default=None) or []) + list(config.getini("cors_report") or [])
    config.stash[DETAIL_KEY] = any(str(p).lower().endswith(DETAILED_SUFFIXES) for p in paths)
    config.stash[REPORTS_KEY] = bool(paths)
