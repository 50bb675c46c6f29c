"""YAML contract files as pytest items: one item per (contract, origin, method).

``cors_*.yaml`` and ``*.cors.yaml`` (and ``.yml``) files are collected. Every
error in a file is a collection error of that file, with ``file:line:column``
and no traceback. Items are :class:`pytest.Function` subclasses so that
fixtures from ``conftest.py`` (``cors_app`` above all) apply to them. PyYAML is
imported only when a contract file is collected.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import os
from typing import TYPE_CHECKING, Any, Dict, Iterator, List, Mapping, Tuple

import pytest

from pytest_cors.check.case import CaseResult
from pytest_cors.check.run import CorsRun
from pytest_cors.contract.files import is_contract_file  # noqa: F401  (the hooks import it from here)
from pytest_cors.contract.model import (
    ContractCase,
    ContractError,
    CorsContract,
    Location,
)
from pytest_cors.contract.schema import parse_contract
from pytest_cors.contract.values import KEY_ITSELF, KeyPath, did_you_mean, shown_value, type_name
from pytest_cors.errors import CorsContractFailure
from pytest_cors.plugin.audit_items import audit_items, record_case_result
from pytest_cors.plugin.case_warnings import warn_case_results
from pytest_cors.plugin.fixtures import YamlTarget, get_run, session_cookies, with_session_cookies
from pytest_cors.plugin.items import YamlContractItem
from pytest_cors.plugin.options import target_problem

if TYPE_CHECKING:
    from pytest_cors.contract.yaml_loader import MarkedDict

TOP_LEVEL_KEYS = ("target", "defaults", "contracts")


class _FileParser:
    """Validates one loaded contract file; every error is a :class:`ContractError` with its location."""

    def __init__(self, name: str) -> None:
        self.name = name

    def where(self, data: Any, path: KeyPath = ()) -> Location:
        from pytest_cors.contract.yaml_loader import locate

        return locate(data, path, self.name)

    def key_where(self, data: Any, key: Any) -> Location:
        from pytest_cors.contract.yaml_loader import key_location

        return key_location(data, key, self.name)

    def top_level(self, data: Any, root: Location) -> Mapping[Any, Any]:
        if data is None:
            raise ContractError("the contract file is empty; add a 'contracts:' list (see README, YAML contracts)", root)
        if not isinstance(data, dict):
            raise ContractError(
                f"the top level must be a mapping with a 'contracts:' list, got {type_name(data)} {shown_value(data)}", root
            )
        for key in data:
            if key not in TOP_LEVEL_KEYS:
                raise ContractError(
                    f"unknown top-level key {key!r}{did_you_mean(str(key), TOP_LEVEL_KEYS)} (valid: {', '.join(TOP_LEVEL_KEYS)})",
                    self.key_where(data, key),
                )
        return data

    def target(self, data: Mapping[Any, Any]) -> YamlTarget:
        if "target" not in data:
            return None
        value, where = data["target"], self.where(data, ("target",))
        if not isinstance(value, str) or not value.strip():
            raise ContractError(
                f"target must be a URL string (https://staging.example.com) or module:attribute, got "
                f"{type_name(value)} {shown_value(value)}",
                where,
            )
        problem = target_problem(value.strip())
        if problem:
            raise ContractError(f"target: {problem}", where)
        return (value.strip(), f"{where}: target")

    def defaults(self, data: Mapping[Any, Any]) -> Mapping[Any, Any]:
        defaults = data.get("defaults") or {}
        if not isinstance(defaults, dict):
            raise ContractError(
                f"defaults must be a mapping of contract keys, got {type_name(defaults)} {shown_value(defaults)}",
                self.where(data, ("defaults",)),
            )
        for key in ("name", "path"):
            if key in defaults:
                raise ContractError(f"{key!r} cannot be a default; set it per contract", self.key_where(defaults, key))
        return defaults

    def entries(self, data: Mapping[Any, Any]) -> List[Any]:
        if "contracts" not in data:
            raise ContractError("missing 'contracts:' (a list of contracts)", self.where(data))
        entries = data["contracts"]
        if not isinstance(entries, list) or not entries:
            raise ContractError(
                f"'contracts' must be a non-empty list of mappings, got {type_name(entries)} {shown_value(entries)}",
                self.where(data, ("contracts",)),
            )
        return entries

    def contract(self, entries: List[Any], index: int, defaults: Mapping[Any, Any]) -> CorsContract:
        from pytest_cors.contract.yaml_loader import MarkedDict

        entry = entries[index]
        if not isinstance(entry, MarkedDict):  # every mapping the loader makes is one
            raise ContractError(
                f"each contract must be a mapping (path:, origins:, ...); contract #{index + 1} is {type_name(entry)} "
                f"{shown_value(entry)}",
                self.where(entries, (index,)),
            )
        merged = MarkedDict({**defaults, **entry})
        if "cookies" in defaults and "cookies" not in entry and merged.get("credentials") is not True:
            del merged["cookies"]  # default cookies go only with the credentialed contracts
        # defaults may be a plain {} (no defaults: key)
        merged.mark = entry.mark
        merged.marks = {**getattr(defaults, "marks", {}), **entry.marks}
        merged.key_marks = {**getattr(defaults, "key_marks", {}), **entry.key_marks}
        return parse_contract(merged, locate=lambda path: self.value_where(merged, path))

    def value_where(self, merged: MarkedDict, path: KeyPath) -> Location:
        """Where a contract's value was written (a key's own position for unknown keys).

        A key that is not in ``merged`` (default cookies dropped) is placed at the key by ``locate`` itself.
        """
        if path[-1:] == (KEY_ITSELF,):
            return self.key_where(merged, path[0])
        return self.where(merged, path)

    def parse(self, data: Any, root: Location) -> Tuple[YamlTarget, List[CorsContract]]:
        top = self.top_level(data, root)
        target, defaults, entries = self.target(top), self.defaults(top), self.entries(top)
        contracts: List[CorsContract] = []
        seen: Dict[str, int] = {}  # name -> index; its location is worked out only for the error
        for index in range(len(entries)):
            contract = self.contract(entries, index, defaults)
            if contract.name in seen:
                raise ContractError(
                    f"duplicate contract name {contract.name!r} (first at {self.value_where(entries[seen[contract.name]], ('name',))}); "
                    "names identify test items, give each contract its own",
                    self.value_where(entries[index], ("name",)),
                )
            seen[contract.name] = index
            contracts.append(contract)
        return target, contracts


@contextlib.contextmanager
def _without_cycle_collection() -> Iterator[None]:
    """The garbage collector's cycle detection paused while one file is parsed, as it was before afterwards.

    Parsing allocates a node tree for the whole file at once, none of it garbage until
    the contracts are built; every collection the allocations trigger meanwhile
    traverses all of it (and everything else alive) for nothing. That was about a third
    of the collector's time when collecting 10,000 contracts. Reference counting still
    frees everything as usual; a file's size is bounded (contract/yaml_loader.py).
    """
    paused = gc.isenabled()
    if paused:
        gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


class CorsYamlFile(pytest.File):
    """A YAML contract file."""

    def display_path(self) -> str:
        """The path as the user knows it (relative to the rootdir when inside it)."""
        try:
            return str(self.path.relative_to(self.config.rootpath))
        except ValueError:
            return str(self.path)

    def parse(self) -> Tuple[YamlTarget, List[CorsContract]]:
        """Validate the whole file; raise CollectError at the first problem."""
        from pytest_cors.contract.environment import EnvironmentReferenceError, expand_document
        from pytest_cors.contract.yaml_loader import (
            YamlFileError,
            decode_yaml_bytes,
            load_document,
            locate,
        )

        name = self.display_path()
        secrets = get_run(self.config).redactor.values
        try:
            with _without_cycle_collection():
                data, root = load_document(decode_yaml_bytes(self.path.read_bytes(), name), name)
                data, expansion = expand_document(data, os.environ, lambda parent, path: locate(parent, path, name))
                secrets.add(expansion.secrets)  # before anything is reported
                target, contracts = _FileParser(name).parse(data, root)
        except (YamlFileError, ContractError, EnvironmentReferenceError) as exc:
            raise self.CollectError(str(exc)) from None
        for contract in contracts:  # cookie values are secrets wherever they came from
            secrets.add(cookie.value for cookie in contract.cookies)
        return target, contracts

    def collect(self) -> Iterator[pytest.Item]:
        """One item per contract case (each origin and method, each refused origin), then the contract's audit items."""
        target, contracts = self.parse()
        for contract in contracts:
            line = (contract.where.line or 1) - 1
            for case in contract.cases():
                yield CorsCaseItem.in_file(
                    self,
                    name=f"{contract.name}[{case.id.replace(' ', '-')}]",
                    callobj=_check_yaml_case,
                    case=case,
                    yaml_target=target,
                    contract_line=line,
                )
            yield from audit_items(self, contract, target, line)


def _check_yaml_case(_cors_case_result: Tuple[CaseResult, CorsRun, str, int]) -> None:
    """The body of every YAML item: the exchanges already ran in setup; judge them."""
    __tracebackhide__ = True
    result, run, path, line = _cors_case_result
    warn_case_results([result], path, line)  # the warning points at the contract in the YAML file
    text = run.failure_text([result])
    if text:
        raise CorsContractFailure(text)


class CorsCaseItem(YamlContractItem):
    """One (contract, origin, method) of a YAML file."""

    def __init__(self, *, case: ContractCase, **kwargs: Any) -> None:
        self.case = case
        super().__init__(**kwargs)


@pytest.fixture
def _cors_case_result(request: pytest.FixtureRequest) -> Tuple[CaseResult, CorsRun, str, int]:
    """Runs a YAML item's exchanges during setup, so network faults are test errors, not failures.

    Returns what the item's body needs: the result, the run, and where the contract is written.
    """
    item = request.node
    if not isinstance(item, CorsCaseItem):  # pragma: no cover - only YAML items request it
        raise RuntimeError("_cors_case_result is internal to YAML contract items")
    run = get_run(request.config)
    case = item.case
    contract = with_session_cookies(case.contract, session_cookies(request))
    if contract is not case.contract:
        case = dataclasses.replace(case, contract=contract)
    transport = item.target(request, case.contract)
    result = run.run_case(case, transport)
    record_case_result(request.config, result, transport)
    return result, run, str(item.path), item.contract_line + 1
