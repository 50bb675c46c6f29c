"""What every test item made from a YAML contract shares: its target and its place in the file."""

from __future__ import annotations

import dataclasses
from typing import Any, Callable, Dict

import pytest

from pytest_cors.contract.model import CorsContract
from pytest_cors.errors import CorsReportedError
from pytest_cors.plugin.fixtures import YamlTarget, get_run, resolve_target
from pytest_cors.transport import Transport

#: Per YAML file: the fixture closure resolved for its first item of each body function.
_FIXTURE_INFO_KEY = pytest.StashKey[Dict[Callable[..., Any], Any]]()
#: The autouse fixture running ``@pytest.mark.cors`` contracts: only items with such contracts need it.
MARKER_FIXTURE = "_cors_marker_contracts"
#: Per run: fixture closures without MARKER_FIXTURE, by the closure they were made from (shared, as the originals are).
_PRUNED_KEY = pytest.StashKey[Dict[int, Any]]()


def without_marker_fixture(item: pytest.Function) -> None:
    """Leave the marker contracts' autouse fixture out of an item that has no such contracts.

    Setting up a fixture costs about as much per item as a small check; an item
    without ``@pytest.mark.cors`` contracts has nothing for it to do. The rest of
    the closure keeps its order. Items sharing a closure (one function's
    parametrized items, one YAML file's items) share the pruned one.
    """
    info = getattr(item, "_fixtureinfo", None)
    if info is None or MARKER_FIXTURE not in item.fixturenames:
        return
    pruned_by_closure = item.config.stash.setdefault(_PRUNED_KEY, {})
    kept = pruned_by_closure.get(id(info))
    if kept is None or kept[0] is not info:
        try:
            pruned = dataclasses.replace(
                info,
                initialnames=tuple(name for name in info.initialnames if name != MARKER_FIXTURE),
                names_closure=[name for name in info.names_closure if name != MARKER_FIXTURE],
                name2fixturedefs={k: v for k, v in info.name2fixturedefs.items() if k != MARKER_FIXTURE},
            )
        except (TypeError, AttributeError):  # pragma: no cover - a pytest whose closure has another shape
            return
        kept = pruned_by_closure[id(info)] = (info, pruned)
    item._fixtureinfo = kept[1]
    item.fixturenames = kept[1].names_closure


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
        node id is unchanged). It is built from the item's name the way ``NodeId.parse`` reads
        the string (the part before the first ``[`` split at ``::``, the rest without its closing
        ``]``), without writing the string out and reading it back for every item.
        """
        node_id = getattr(self, "_id", None)
        parent_id = getattr(self.parent, "_id", None)
        if node_id is None or parent_id is None or not callable(getattr(type(node_id), "parse", None)):
            return
        name_part, bracket, param_part = self.name.partition("[")
        if not bracket or not self.name.endswith("]") or getattr(parent_id, "params", None) is not None:
            self._id = type(node_id).parse(str(node_id))
            return
        self._id = type(node_id)(
            path=parent_id.path, names=(*parent_id.names, *name_part.split("::")), params=param_part[:-1]
        )

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
            without_marker_fixture(item)  # YAML items never carry marker contracts
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
