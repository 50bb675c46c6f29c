"""The policy lockfile in pytest: options, comparison in each item, update at the end of the run.

Each item compares the cases it checked with ``cors.lock.yaml`` right after its
call phase and fails with the classified diff (workers only read the file).
With ``--cors-snapshot-update`` nothing fails on a difference; the process that
owns the session (the xdist controller, or the only process) merges what ran
into the file at the end, drops stale entries, and writes only if a byte changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional, Set

import pytest

from pytest_cors.errors import CorsContractFailure, CorsReportedError
from pytest_cors.plugin.item_records import CHANGES_KEY, INVENTORY_KEY, POLICY_KEY, build_inventory, observed, owner_of
from pytest_cors.plugin.options import option_group
from pytest_cors.snapshot.diff import Change, ChangeKind, compare, counts
from pytest_cors.snapshot.lockfile import (
    Inventory,
    LockfileError,
    Policies,
    StaleEntry,
    contract_label,
    find_stale,
    load,
    lookup,
    render,
    updated,
    write_if_changed,
)
from pytest_cors.snapshot.policy import case_key, observed_policy

DEFAULT_LOCKFILE = "cors.lock.yaml"
HELP_SNAPSHOT = f"policy lockfile path (command line: relative to the current directory; ini: to the rootdir; default {DEFAULT_LOCKFILE} at the rootdir)"
HELP_UPDATE = "write the observed CORS policy of every checked case to the lockfile instead of failing on changes"


class CorsSnapshotFailure(CorsContractFailure):
    """The observed policy differs from the lockfile."""

    title = "CORS policy changed"


@dataclass(frozen=True)
class SnapshotSettings:
    """Where the lockfile is, whether this run updates it, and what it held at the start."""

    path: Path
    shown: str  # the path as users wrote or see it
    update: bool
    policies: Policies
    exists: bool

    @property
    def active(self) -> bool:
        """Whether this run compares with or writes a lockfile at all."""
        return self.update or self.exists


@dataclass
class SnapshotOutcome:
    """What the end of the run found: stale entries, and whether the file was rewritten."""

    stale: List[StaleEntry]
    written: bool
    changes: List[Change]


SNAPSHOT_KEY = pytest.StashKey[SnapshotSettings]()
OUTCOME_KEY = pytest.StashKey[SnapshotOutcome]()


def pytest_addoption(parser: pytest.Parser) -> None:
    """Add ``--cors-snapshot`` / ``--cors-snapshot-update`` and their ini twins."""
    group = option_group(parser)
    group.addoption("--cors-snapshot", dest="cors_snapshot", default=None, metavar="PATH", help=HELP_SNAPSHOT)
    parser.addini("cors_snapshot", help=HELP_SNAPSHOT, default=DEFAULT_LOCKFILE)
    group.addoption("--cors-snapshot-update", dest="cors_snapshot_update", action="store_true", default=None, help=HELP_UPDATE)
    parser.addini("cors_snapshot_update", help=HELP_UPDATE, type="bool", default=False)


def load_snapshot_settings(config: pytest.Config) -> SnapshotSettings:
    """Resolve the lockfile path (command line: invocation dir; ini: rootdir) and read it once."""
    cli = config.getoption("cors_snapshot", default=None)
    if cli:
        path, source = config.invocation_params.dir / cli, "--cors-snapshot"
    else:
        path, source = config.rootpath / (str(config.getini("cors_snapshot") or "").strip() or DEFAULT_LOCKFILE), "ini cors_snapshot"
    update = bool(config.getoption("cors_snapshot_update", default=None) or config.getini("cors_snapshot_update"))
    if path.is_dir():
        raise pytest.UsageError(f"pytest-cors: {source}: {path} is a directory; give the lockfile's file path")
    try:
        policies = load(path)
    except LockfileError as exc:
        raise pytest.UsageError(f"pytest-cors: {exc}") from None
    try:
        shown = str(path.relative_to(config.rootpath))
    except ValueError:
        shown = str(path)
    return SnapshotSettings(path=path, shown=shown, update=update, policies=policies, exists=path.exists())


@pytest.hookimpl(trylast=True)
def pytest_configure(config: pytest.Config) -> None:
    """Read the lockfile once per process; a broken one is a usage error."""
    config.stash[SNAPSHOT_KEY] = snapshot = load_snapshot_settings(config)
    config.stash[POLICY_KEY] = snapshot.active


def get_snapshot(config: pytest.Config) -> SnapshotSettings:
    """The run's lockfile settings."""
    return config.stash[SNAPSHOT_KEY]


@pytest.hookimpl(wrapper=True, trylast=True)
def pytest_make_collect_report(collector: pytest.Collector):
    """What each collector found, before --lf filters a file's items and before -k deselects.

    The innermost wrapper sees the full result; a file --lf skips as a whole reports
    nothing, so it is not judged (an empty result is never taken as "everything gone").
    """
    report = yield
    config = collector.config
    items = [node for node in (report.result or []) if isinstance(node, pytest.Item)]
    if items and get_snapshot(config).active:
        inventory = config.stash.setdefault(INVENTORY_KEY, {})
        for path, owners in build_inventory(items).items():
            known = inventory.setdefault(path, {})
            for owner, contracts in owners.items():
                merged = known.setdefault(owner, {})
                for contract, cases in contracts.items():
                    merged.setdefault(contract, []).extend(case for case in cases if case not in merged.get(contract, []))
    return report


def item_changes(item: pytest.Item, snapshot: SnapshotSettings) -> List[Change]:
    """Every difference between the lockfile and the cases this item checked."""
    owner = owner_of(item)
    changes: List[Change] = []
    for result in observed(item):
        case = result.case
        before = lookup(snapshot.policies, owner, case.contract.name, case_key(case))
        label = contract_label(owner, case.contract.name)
        changes += compare(before, observed_policy(result), contract=label, case=case_key(case), lockfile=snapshot.shown)
    return changes


def diff_text(changes: List[Change], lockfile: str) -> str:
    """The failure text: one classified line per change, loosened first, and how to accept them."""
    tally = counts(tuple(changes))
    shown = ", ".join(f"{n} {kind}" for kind, n in tally.items() if n)
    lines = [f"CORS policy differs from {lockfile} ({shown})"]
    ordered = sorted(changes, key=lambda c: list(ChangeKind).index(c.kind))
    lines += [f"  {c.line()}" for c in ordered]
    if tally["loosened"]:
        lines.append("loosened: more is allowed than before; a security review is needed")
    if tally["tightened"]:
        lines.append("tightened: something is now blocked; a client that relied on it may break")
    lines.append(f"If the change is intended: pytest --cors-snapshot-update, then commit {lockfile}")
    return "\n".join(lines)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_call(item: pytest.Item):
    """After the item judged its contract: compare what it observed with the lockfile."""
    snapshot = get_snapshot(item.config)
    try:
        result = yield
    except BaseException as exc:
        changes = item.stash[CHANGES_KEY] = item_changes(item, snapshot) if snapshot.exists else []
        if changes and not snapshot.update and isinstance(exc, CorsReportedError):
            raise type(exc)(exc.text + "\n\n" + diff_text(changes, snapshot.shown)) from None
        raise
    changes = item.stash[CHANGES_KEY] = item_changes(item, snapshot) if snapshot.exists else []
    if changes and not snapshot.update:
        raise CorsSnapshotFailure(diff_text(changes, snapshot.shown))
    return result


def observed_policies(records: List[Dict[str, Any]]) -> Policies:
    """What this run observed, in the lockfile's layout."""
    policies: Policies = {}
    for record in records:
        for case in record["cases"]:
            policies.setdefault(case["owner"], {}).setdefault(case["contract"], {})[case["case"]] = case["policy"]
    return policies


def finish(config: pytest.Config, records: List[Dict[str, Any]], inventory: Inventory, completed: Set[str]) -> Optional[SnapshotOutcome]:
    """In the session's owner: stale entries, and with --cors-snapshot-update the new file."""
    snapshot = get_snapshot(config)
    if not snapshot.active:
        return None
    seen = observed_policies(records)
    ran = completed | {owner for owner in seen if "::" not in owner}
    root = config.rootpath
    stale = find_stale(snapshot.policies, inventory, seen, ran, lambda path: (root / path).exists())
    changes = [Change.from_dict(c) for record in records for case in record["cases"] for c in case["snapshot"]]
    written = False
    if snapshot.update:
        written = write_if_changed(snapshot.path, render(updated(snapshot.policies, seen, stale)))
    outcome = config.stash[OUTCOME_KEY] = SnapshotOutcome(stale, written, changes)
    return outcome
