"""What every test item made from a YAML contract shares: its target and its place in the file."""

from __future__ import annotations

from typing import Any, Callable, Dict

import pytest

from pytest_cors.contract.model import CorsContract
from pytest_cors.errors import CorsReportedError
from pytest_cors.plugin.fixtures import YamlTarget, get_run, resolve_target
from pytest_cors.transport import Transport

#: Per YAML file: the fixture closure resolved for its first item of each body function.
_FIXTURE_INFO_KEY = pytest.StashKey[Dict[Callable[..., Any], Any]]()


class YamlContractItem(pytest.Function):
    """A pytest item checking part of one YAML contract; reports point at the contract's line."""

    #: Shown before the item name in ``reportinfo`` (the failure header).
    label = "cors"

    def __init__(self, *, yaml_target: YamlTarget, contract_line: int = 0, **kwargs: Any) -> None:
        self.yaml_target = yaml_target
        self.contract_line = contract_line
        super().__init__(**kwargs)
        self._structured_id_like_a_parametrized_item()

    def _structured_id_like_a_parametrized_item(self) -> None:
        """Pytest >= 9.2 keys --lf / --ff on a structured node id parsed from the saved string.

        ``users[GET-https://app.example.com]`` parses as name ``users`` with params, while a
        Function without a callspec gets the whole name as its name: the ids never match and
        ``--lf`` would never rerun a failed YAML item. Give the item the parsed form (the string
        node id is unchanged).
        """
        node_id = getattr(self, "_id", None)
        parse = getattr(type(node_id), "parse", None)
        if node_id is not None and callable(parse):
            self._id = parse(str(node_id))

    @classmethod
    def in_file(cls, parent: pytest.Collector, *, callobj: Callable[..., Any], **kwargs: Any) -> YamlContractItem:
        """``from_parent`` that resolves the fixture closure once per file and body, not once per item.

        Every item of one file with the same body function sees the same fixtures
        (same node path, no markers of its own at this point), so they share one
        closure, as pytest's own parametrized items do. Resolving it per item was
        most of the cost of collecting a large contract file.
        """
        shared = parent.stash.setdefault(_FIXTURE_INFO_KEY, {})
        item = cls.from_parent(parent, callobj=callobj, fixtureinfo=shared.get(callobj), **kwargs)
        if callobj not in shared:
            shared[callobj] = getattr(item, "_fixtureinfo", None)
        return item

    def reportinfo(self):
        """Where pytest says the item is: the contract's line in its YAML file."""
        return self.path, self.contract_line, f"{self.label}: {self.name}"

    def repr_failure(self, excinfo):  # type: ignore[override]  # as pytest.Function: no style
        """The plain-text report for a CORS failure, pytest's usual report otherwise."""
        if isinstance(excinfo.value, CorsReportedError):
            return excinfo.value.text
        return super().repr_failure(excinfo)

    def target(self, request: pytest.FixtureRequest, contract: CorsContract) -> Transport:
        """The transport this item checks (the file's ``target:`` unless the command line overrides it)."""
        transport = resolve_target(request, self.yaml_target)
        get_run(request.config).ensure_cross_origin(contract, transport)
        return transport
