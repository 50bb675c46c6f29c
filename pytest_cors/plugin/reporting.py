"""The end of the run, in the process that owns the session: merge item records, print the matrix, write reports.

Under pytest-xdist this is the controller: records arrive inside the workers'
serialised test reports (``report.cors_record``), are put back in collection
order, and everything below reads only them, so a ``-n 2`` run prints and
writes exactly what a serial run does.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Dict, List, Optional, Set

import pytest

from pytest_cors.plugin.fixtures import get_settings
from pytest_cors.plugin.item_records import pending_records
from pytest_cors.plugin.options import option_group
from pytest_cors.plugin.snapshot_plugin import SnapshotOutcome, finish, get_snapshot
from pytest_cors.report.markdown import render_markdown
from pytest_cors.report.matrix import endpoints, has_changes, header, one_line, rows, text_table
from pytest_cors.report.run_report import LockfileSummary, ReportPathError, RunReport, report_format, write_reports
from pytest_cors.snapshot.lockfile import Inventory

HELP_REPORT = "write a CORS report; the format follows the suffix: .json, .md or .html (repeatable)"
STEP_SUMMARY = "GITHUB_STEP_SUMMARY"
STYLES = {"good": {"green": True}, "bad": {"red": True, "bold": True}, "warn": {"yellow": True}}


def pytest_addoption(parser: pytest.Parser) -> None:
    """Add ``--cors-report`` and its ini twin to the plugin's option group."""
    group = option_group(parser)
    group.addoption("--cors-report", action="append", metavar="PATH", help=HELP_REPORT)  # read as cors_report; None when absent
    parser.addini("cors_report", help=HELP_REPORT + " (space-separated paths)", type="args", default=[])


def report_paths(config: pytest.Config) -> List[Path]:
    """--cors-report paths are relative to the invocation directory, ini ones to the rootdir."""
    paths = [(config.invocation_params.dir / p, "--cors-report") for p in config.getoption("cors_report") or []]
    if not paths:
        paths = [(config.rootpath / p, "ini cors_report") for p in config.getini("cors_report") or []]
    for path, source in paths:
        try:
            report_format(str(path))
        except ReportPathError as exc:
            raise pytest.UsageError(f"pytest-cors: {source}: {exc}") from None
    return [p for p, _ in paths]


class CorsRunRecords:
    """Collects records from every test report, then writes what the run found."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.paths = report_paths(config)
        self.records: List[Dict[str, Any]] = []
        self.inventory: Inventory = {}
        self.completed: Set[str] = set()
        self.snapshot: Optional[SnapshotOutcome] = None
        self.report: Optional[RunReport] = None

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        """Keep each item's record, the inventory of its file, and which tests completed."""
        if report.when == "call" and report.passed:
            self.completed.add(report.nodeid)
        record = getattr(report, "cors_record", None)
        if record is not None:
            self.records.append(record)
        for path, owners in (getattr(report, "cors_inventory", None) or {}).items():
            self.inventory.setdefault(path, owners)

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        """Settle the lockfile, then write every report (trylast: after the items' own hooks)."""
        self.records.extend(pending_records(self.config))
        records = tuple(sorted(self.records, key=lambda r: (r.get("order", -1), r["nodeid"])))
        self.snapshot = finish(self.config, list(records), self.inventory, self.completed)
        lockfile = None
        if self.snapshot is not None:
            snapshot = get_snapshot(self.config)
            lockfile = LockfileSummary(
                path=snapshot.shown,
                mode="update" if snapshot.update else "compare",
                written=self.snapshot.written,
                changes=tuple(c.to_dict() for c in self.snapshot.changes),
                stale=tuple(s.to_dict() for s in self.snapshot.stale),
            )
        self.report = RunReport(records, get_settings(self.config).profile_names, lockfile)
        if not records and lockfile is None:
            return
        write_reports(self.report, self.paths)
        summary_file = os.environ.get(STEP_SUMMARY)
        if summary_file and records:
            with open(summary_file, "a", encoding="utf-8") as stream:
                stream.write(render_markdown(self.report) + "\n")

    @pytest.hookimpl(wrapper=True, tryfirst=True)
    def pytest_terminal_summary(self, terminalreporter: Any):
        """After pytest's short test summary, right above the final count: the matrix, or one line with -q.

        A passing run at the default verbosity prints nothing; ``-v`` shows every endpoint.
        """
        result = yield
        report = self.report
        if report is None or (not report.records and report.lockfile is None):
            return result
        verbosity = self.config.getoption("verbose")
        lockfile = report.lockfile
        notable = bool(report.failing_names()) or (
            lockfile is not None and bool(lockfile.changes or lockfile.stale or lockfile.mode == "update")
        )
        if verbosity > 0 or (verbosity == 0 and notable):
            self._matrices(terminalreporter, report, verbose=verbosity > 0)
            self._lockfile(terminalreporter, report)
        if verbosity > 0 or notable:
            terminalreporter.write_line(one_line(report.counts, report.failing_names()))
        return result

    def _matrices(self, terminalreporter: Any, report: RunReport, *, verbose: bool) -> None:
        shown = [e for e in endpoints(report.records) if verbose or e.failing]
        if not shown:
            return
        tw = terminalreporter._tw
        with_changes = has_changes(report.records)

        def style(text: str, kind: str) -> str:
            return tw.markup(text, **STYLES[kind])

        terminalreporter.write_sep("=", "CORS matrix" if verbose else "CORS matrix: failing endpoints")
        for endpoint in shown:
            state = tw.markup("FAILING", red=True, bold=True) if endpoint.failing else tw.markup("ok", green=True)
            terminalreporter.write_line(f"{endpoint.contract_id}  {endpoint.path}  {state}")
            table = rows(endpoint, report.browsers, with_changes)
            for line in text_table(header(report.browsers, with_changes), table, style, tw.fullwidth):
                terminalreporter.write_line(line)

    def _lockfile(self, terminalreporter: Any, report: RunReport) -> None:
        lockfile = report.lockfile
        if lockfile is None:
            return
        if lockfile.stale:
            terminalreporter.write_sep("=", f"CORS lockfile {lockfile.path}: stale entries", yellow=True)
            for stale in self.snapshot.stale if self.snapshot else ():
                terminalreporter.write_line(f"  stale  {stale.line()}")
            if lockfile.mode == "compare":
                terminalreporter.write_line("  remove them with pytest --cors-snapshot-update")
        if lockfile.mode == "update":
            state = "written" if lockfile.written else "unchanged"
            removed = f", {len(lockfile.stale)} stale entries removed" if lockfile.stale else ""
            terminalreporter.write_line(f"cors: lockfile {lockfile.path} {state} ({len(lockfile.changes)} changes recorded{removed})")


@pytest.hookimpl(trylast=True)
def pytest_configure(config: pytest.Config) -> None:
    """Collect records only where the session is owned: never in an xdist worker."""
    if hasattr(config, "workerinput"):  # an xdist worker: records travel in its reports
        return
    config.pluginmanager.register(CorsRunRecords(config), "pytest-cors-records")


def pytest_unconfigure(config: pytest.Config) -> None:
    """Unregister the collector, so an in-process pytester run leaves nothing behind."""
    plugin = config.pluginmanager.get_plugin("pytest-cors-records")
    if plugin is not None:
        config.pluginmanager.unregister(plugin)
