"""The pytest11 entry point: options, the ``cors`` marker, YAML collection, reporting.

Everything that decides lives in pytest-free modules; this module only wires
them into pytest's hooks.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from typing import Any, List, Optional, Set

import pytest

from pytest_cors.contract.model import ContractError, CorsContract, Location
from pytest_cors.contract.schema import parse_contract
from pytest_cors.contract.values import KeyPath
from pytest_cors.errors import (
    CorsConfigurationError,
    CorsContractFailure,
    CorsReportedError,
)
from pytest_cors.plugin import audit_items, collect, fixtures, secret_logging
from pytest_cors.plugin.audit_items import (
    CorsAuditFailure,
    judge_findings,
    marker_findings,
)
from pytest_cors.plugin.case_warnings import warn_case_results
from pytest_cors.plugin.collect import CorsYamlFile, is_contract_file
from pytest_cors.plugin.faults import FaultSummary
from pytest_cors.plugin.fixtures import (
    RUN_KEY,
    SETTINGS_KEY,
    configured_app_header,
    get_run,
    resolve_target,
    session_cookies,
    with_session_cookies,
)
from pytest_cors.plugin.framework_defaults import announced_defaults
from pytest_cors.plugin.items import without_marker_fixture
from pytest_cors.plugin.options import add_options, load_settings
from pytest_cors.report.redaction import Redactor

#: Plugin modules whose hooks and fixtures pytest must see, registered in pytest_configure.
PLUGIN_MODULES = (
    ("pytest-cors-fixtures", fixtures),
    ("pytest-cors-yaml", collect),
    ("pytest-cors-audit", audit_items),
)

LOG_FILTER_KEY = pytest.StashKey[secret_logging.RedactingFilter]()
MARKER_HELP = (
    "cors(path=None, *, origins=(), deny_origins=(), methods=('GET',), request_headers=(), credentials=False, "
    "expose_headers=(), max_age=None, vary=True, body=None, cookies=None, audit=True): check this CORS contract against the "
    "target when the test runs (stack markers for several contracts; see pytest-cors README)"
)
#: Issue 10 wiring, each in its own module: item records, the policy lockfile, the end-of-run reports.
pytest_plugins = (
    "pytest_cors.plugin.item_records",
    "pytest_cors.plugin.snapshot_plugin",
    "pytest_cors.plugin.reporting",
)
CONTRACTS_KEY = pytest.StashKey[List[CorsContract]]()
RESULTS_KEY = pytest.StashKey[list]()
AUDIT_KEY = pytest.StashKey[list]()


@dataclasses.dataclass(frozen=True)
class _Crash:
    message: str
    path: str = ""
    lineno: int = 0


class PlainReport:
    """A failure report that is plain text (no traceback), with its first line as the summary.

    pytest prints ``reprcrash.message`` in the short test summary and in JUnit's
    ``message`` attribute, and calls ``toterminal`` for the full report.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.reprcrash = _Crash(text.split("\n", 1)[0])

    def toterminal(self, tw: Any) -> None:
        """Write the plain-text report line by line."""
        for line in self.text.splitlines():
            tw.line(line)

    def __str__(self) -> str:
        return self.text


def pytest_addoption(parser: pytest.Parser) -> None:
    """Register the ``--cors-*`` options and their ini twins."""
    add_options(parser)


def pytest_configure(config: pytest.Config) -> None:
    """Register the marker and the hook modules; validate the settings once and set up the run."""
    config.addinivalue_line("markers", MARKER_HELP)
    for name, module in PLUGIN_MODULES:
        if not config.pluginmanager.is_registered(module):
            config.pluginmanager.register(module, name)
    try:
        settings = load_settings(config)
    except CorsConfigurationError as exc:
        raise pytest.UsageError(f"pytest-cors: {exc}") from None
    config.stash[SETTINGS_KEY] = settings
    from pytest_cors.check.run import CorsRun

    config.stash[RUN_KEY] = CorsRun(
        profiles=settings.profiles,
        redactor=Redactor.with_names(settings.redact),
        app_origin=settings.app_origin,
        timeout=settings.timeout,
        verify=settings.verify,
        retries=settings.retries,
        send_unsafe=settings.send_unsafe,
        app_interface=settings.app_interface,
    )
    config.pluginmanager.register(FaultSummary(config.stash[RUN_KEY]), "pytest-cors-faults")
    config.stash[LOG_FILTER_KEY] = secret_logging.install(config.stash[RUN_KEY].redactor)


def pytest_unconfigure(config: pytest.Config) -> None:
    """Close the run's connections."""
    run = config.stash.get(RUN_KEY, None)
    if run is not None:
        run.close()
    log_filter = config.stash.get(LOG_FILTER_KEY, None)
    if log_filter is not None:
        secret_logging.uninstall(log_filter)
    for name in ("pytest-cors-faults", *(name for name, _ in PLUGIN_MODULES)):
        plugin = config.pluginmanager.get_plugin(name)
        if plugin is not None:
            config.pluginmanager.unregister(plugin)


def pytest_report_header(config: pytest.Config) -> Optional[List[str]]:
    """At ``-v``, say which target and browser profiles the run checks against."""
    if config.getoption("verbose") < 1 or SETTINGS_KEY not in config.stash:
        return None
    settings = config.stash[SETTINGS_KEY]
    sources = dict(settings.sources)
    browsers = ", ".join(settings.profile_names)
    lines = [f"cors: browsers {browsers} (from {sources.get('cors_browser', 'default')})"]
    if settings.url.value:
        lines.append(f"cors: live URL {Redactor.urls(str(settings.url.value))} (from {settings.url.source})")
    elif settings.app.value:
        lines.append(f"cors: {configured_app_header(config, settings)} (from {settings.app.source})")
    else:
        lines.extend(
            f"cors target: {default} served as {settings.app_origin}, where no cors_app fixture is given"
            for default in announced_defaults(config)
        )
    return lines


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Shut the ASGI apps' lifespans down before the summary, so a failing shutdown is reported."""
    run = session.config.stash.get(RUN_KEY, None)
    if run is not None:
        run.close_apps()


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> Optional[pytest.Collector]:
    """Collect ``cors_*.yaml`` contract files."""
    if file_path.suffix in (".yaml", ".yml") and is_contract_file(file_path):
        return CorsYamlFile.from_parent(parent, path=file_path)
    return None


# --- the marker -------------------------------------------------------------------------------


def marker_secrets(contract: CorsContract) -> Set[str]:
    """Cookie values, and environment values found in the path, header values or body (``os.environ`` in markers)."""
    from pytest_cors.contract.environment import environment_values_in

    texts = [contract.path, contract.body or "", *(value for _, value in contract.request_headers)]
    texts += [cookie.value for cookie in contract.cookies]
    return environment_values_in(texts, os.environ) | {cookie.value for cookie in contract.cookies}


def contract_from_marker(mark: pytest.Mark, test_name: str, nodeid: str) -> CorsContract:
    """Validate one ``@pytest.mark.cors(...)`` with the same schema as YAML."""
    kwargs = dict(mark.kwargs)
    where = Location(nodeid, detail="@pytest.mark.cors")
    if len(mark.args) > 1:
        raise ContractError(f"takes at most one positional argument (the path), got {len(mark.args)}: {mark.args!r}", where)
    if mark.args:
        if "path" in kwargs:
            raise ContractError("path given both positionally and as path=", where)
        kwargs["path"] = mark.args[0]

    def locate(path: KeyPath) -> Location:
        return Location(nodeid, detail=f"@pytest.mark.cors argument {path[0]!r}") if path else where

    return parse_contract(kwargs, default_name=test_name, locate=locate)


def _marker_contracts(item: pytest.Item) -> List[CorsContract]:
    marks = list(item.iter_markers("cors"))
    contracts = []
    for mark in reversed(marks):  # closest last -> report in source order
        contracts.append(contract_from_marker(mark, getattr(item, "originalname", item.name), item.nodeid))
    names = [c.name for c in contracts]
    if len(contracts) > 1 and len(set(names)) < len(names):
        contracts = [
            dataclasses.replace(c, name=f"{c.name}#{i}") for i, c in enumerate(contracts, 1)
        ]
    return contracts


@pytest.hookimpl(wrapper=True)
def pytest_pycollect_makeitem(collector: pytest.Collector, name: str, obj: Any):
    """Validate cors markers at collection time: a bad marker is a collection error of its file."""
    result = yield
    items = result if isinstance(result, list) else [result] if result is not None else []
    for item in items:
        if not isinstance(item, pytest.Function):
            continue
        if item.get_closest_marker("cors") is None:
            without_marker_fixture(item)  # nothing for _cors_marker_contracts to run
            continue
        try:
            item.stash[CONTRACTS_KEY] = _marker_contracts(item)
        except ContractError as exc:
            raise collector.CollectError(str(exc)) from None
        for contract in item.stash[CONTRACTS_KEY]:
            get_run(item.config).redactor.values.add(marker_secrets(contract))
    return result


@pytest.fixture(autouse=True)
def _cors_marker_contracts(request: pytest.FixtureRequest) -> None:
    """Runs a marked test's contracts during setup (faults become errors, not failures).

    Autouse, so it takes the place an autouse fixture has in the order; collection leaves it
    out of every item without marker contracts (``items.without_marker_fixture``).
    """
    contracts = request.node.stash.get(CONTRACTS_KEY, None)
    if not contracts:
        return
    run = get_run(request.config)
    transport = resolve_target(request)
    jar = session_cookies(request)
    results = []
    audits = []
    for contract in (with_session_cookies(c, jar) for c in contracts):
        contract_results = run.run_contract(contract, transport)
        results.extend(contract_results)
        audits.append(marker_findings(request.config, contract, contract_results, transport))
    request.node.stash[RESULTS_KEY] = results
    request.node.stash[AUDIT_KEY] = audits


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item):
    """Judge the ``@pytest.mark.cors`` contracts of a test after its body ran (then let go of their exchanges)."""
    try:
        result = yield
        results = item.stash.get(RESULTS_KEY, None)
        audits = item.stash.get(AUDIT_KEY, [])
    finally:
        if RESULTS_KEY in item.stash:  # the item's record is made from its own copy (plugin/item_records.py)
            del item.stash[RESULTS_KEY], item.stash[AUDIT_KEY]
    if results:
        run = get_run(item.config)
        where = (str(item.path), (item.location[1] or 0) + 1)  # warnings point at the test
        warn_case_results(results, *where)
        text = run.failure_text(results)
        audit_texts = [judge_findings(item.config, item.nodeid, f, where=where) for f in audits if f]
        audit_text = "\n\n".join(t for t in audit_texts if t)
        if text:
            raise CorsContractFailure(text + ("\n\n" + audit_text if audit_text else ""))
        if audit_text:
            raise CorsAuditFailure(audit_text)
    return result


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """Show a CORS failure as its plain-text report instead of a traceback."""
    report = yield
    excinfo = call.excinfo
    if excinfo is not None and isinstance(excinfo.value, CorsReportedError):
        report.longrepr = PlainReport(excinfo.value.text)
    return report
