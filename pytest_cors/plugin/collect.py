"""YAML contract files as pytest items: one item per (contract, origin, method).

``cors_*.yaml`` and ``*.cors.yaml`` (and ``.yml``) files are collected. Every
error in a file is a collection error of that file, with ``file:line:column``
and no traceback. Items are :class:`pytest.Function` subclasses so that
fixtures from ``conftest.py`` (``cors_app`` above all) apply to them.
"""

from __future__ import annotations

import difflib
import fnmatch
import warnings
from pathlib import Path
from typing import Any, Iterator, List, Tuple

import pytest

from pytest_cors.contract.schema import (
    KEY_ITSELF,
    ContractCase,
    ContractError,
    CorsContract,
    parse_contract,
)
from pytest_cors.contract.yaml_loader import (
    MarkedDict,
    YamlFileError,
    decode_yaml_bytes,
    key_location,
    load_yaml,
    locate,
)
from pytest_cors.errors import CorsContractFailure
from pytest_cors.plugin.audit_items import audit_items, record_case_result
from pytest_cors.plugin.fixtures import YamlTarget, get_run
from pytest_cors.plugin.items import YamlContractItem

FILE_PATTERNS = ("cors_*.yaml", "cors_*.yml", "*.cors.yaml", "*.cors.yml")
TOP_LEVEL_KEYS = ("target", "defaults", "contracts")


class CorsSpecWarning(pytest.PytestWarning):
    """Allowed by every selected browser, but the Fetch standard would block it."""


def is_contract_file(path: Path) -> bool:
    return any(fnmatch.fnmatch(path.name, pattern) for pattern in FILE_PATTERNS)


class CorsYamlFile(pytest.File):
    """A YAML contract file."""

    def _error(self, message: str) -> pytest.Collector.CollectError:
        return self.CollectError(message)

    def _load(self) -> Any:
        name = self.display_path()
        try:
            text = decode_yaml_bytes(self.path.read_bytes(), name)
            return load_yaml(text, name)
        except YamlFileError as exc:
            raise self._error(str(exc)) from None

    def display_path(self) -> str:
        try:
            return str(self.path.relative_to(self.config.rootpath))
        except ValueError:
            return str(self.path)

    def parse(self) -> Tuple[YamlTarget, List[CorsContract]]:
        """Validate the whole file; raise CollectError at the first problem."""
        name = self.display_path()
        data = self._load()
        if data is None:
            raise self._error(f"{name}: the contract file is empty; add a 'contracts:' list (see README, YAML contracts)")
        if not isinstance(data, MarkedDict):
            raise self._error(f"{locate(data, (), name)}: the top level must be a mapping with a 'contracts:' list")
        for key in data:
            if key not in TOP_LEVEL_KEYS:
                close = difflib.get_close_matches(str(key), TOP_LEVEL_KEYS, n=1, cutoff=0.6)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                raise self._error(
                    f"{key_location(data, key, name)}: unknown top-level key {key!r}{hint} "
                    f"(valid: {', '.join(TOP_LEVEL_KEYS)})"
                )
        target: YamlTarget = None
        if "target" in data:
            value = data["target"]
            where = locate(data, ("target",), name)
            if not isinstance(value, str) or not value.strip():
                raise self._error(f"{where}: target must be a URL string (https://staging.example.com) or module:attribute")
            target = (value.strip(), f"{where}: target")
        defaults = data.get("defaults", {})
        if defaults is None:
            defaults = {}
        if not isinstance(defaults, dict):
            raise self._error(f"{locate(data, ('defaults',), name)}: defaults must be a mapping of contract keys")
        for key in ("name", "path"):
            if key in defaults:
                raise self._error(f"{key_location(defaults, key, name)}: {key!r} cannot be a default; set it per contract")
        if "contracts" not in data:
            raise self._error(f"{locate(data, (), name)}: missing 'contracts:' (a list of contracts)")
        contracts_data = data["contracts"]
        if not isinstance(contracts_data, list) or not contracts_data:
            raise self._error(f"{locate(data, ('contracts',), name)}: 'contracts' must be a non-empty list of mappings")
        contracts: List[CorsContract] = []
        seen = {}
        for index, entry in enumerate(contracts_data):
            entry_where = locate(contracts_data, (index,), name)
            if not isinstance(entry, dict):
                raise self._error(f"{entry_where}: each contract must be a mapping (path:, origins:, ...)")
            merged = MarkedDict({**defaults, **entry})
            merged.mark = getattr(entry, "mark", None)
            merged.marks = {**getattr(defaults, "marks", {}), **getattr(entry, "marks", {})}
            merged.key_marks = {**getattr(defaults, "key_marks", {}), **getattr(entry, "key_marks", {})}

            def where(path: Tuple[Any, ...], merged: MarkedDict = merged) -> str:
                if path[-1:] == (KEY_ITSELF,):
                    return key_location(merged, path[0], name)
                if path and path[0] in merged.key_marks and path[0] not in merged:
                    return key_location(merged, path[0], name)
                if len(path) == 1 and path[0] in merged.key_marks:
                    mark = merged.marks.get(path[0])
                    if mark is not None:
                        return f"{name}:{mark.line}:{mark.column}"
                return locate(merged, path, name)

            try:
                contract = parse_contract(merged, default_name=None, locate=where)
            except ContractError as exc:
                raise self._error(str(exc)) from None
            if contract.name in seen:
                raise self._error(
                    f"{where(('name',))}: duplicate contract name {contract.name!r} (first at {seen[contract.name]}); "
                    "names identify test items, give each contract its own"
                )
            seen[contract.name] = where(("name",))
            contracts.append(contract)
        return target, contracts

    def collect(self) -> Iterator[pytest.Item]:
        target, contracts = self.parse()
        for contract in contracts:
            line = _line_of(contract.where)
            for case in contract.cases():
                yield CorsCaseItem.from_parent(
                    self,
                    name=f"{contract.name}[{case.id.replace(' ', '-')}]",
                    callobj=_check_yaml_case,
                    case=case,
                    yaml_target=target,
                    contract_line=line,
                )
            yield from audit_items(self, contract, target, line)


def _line_of(where: str) -> int:
    parts = where.rsplit(":", 2)
    try:
        return int(parts[-2]) - 1
    except (ValueError, IndexError):
        return 0


def _check_yaml_case(_cors_case_result: Any, request: Any) -> None:
    """The body of every YAML item: the exchanges already ran in setup; judge them."""
    __tracebackhide__ = True
    result, run = _cors_case_result
    if result.spec_warning:
        item = request.node  # the warning points at the contract in the YAML file
        warnings.warn_explicit(
            CorsSpecWarning(result.spec_warning), CorsSpecWarning, str(item.path), getattr(item, "contract_line", 0) + 1
        )
    text = run.failure_text([result])
    if text:
        raise CorsContractFailure(text)


class CorsCaseItem(YamlContractItem):
    """One (contract, origin, method) of a YAML file."""

    def __init__(self, *, case: ContractCase, **kwargs: Any) -> None:
        self.case = case
        super().__init__(**kwargs)


@pytest.fixture
def _cors_case_result(request: pytest.FixtureRequest):
    """Runs a YAML item's exchanges during setup, so network faults are test errors, not failures."""
    item = request.node
    if not isinstance(item, CorsCaseItem):  # pragma: no cover - only YAML items request it
        raise RuntimeError("_cors_case_result is internal to YAML contract items")
    run = get_run(request.config)
    transport = item.target(request, item.case.contract)
    result = run.run_case(item.case, transport)
    record_case_result(request.config, result, transport)
    return result, run
