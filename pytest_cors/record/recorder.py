"""Record the CORS contracts of endpoints: probe, infer, deny attacker origins, verify, audit.

The result is plain contract data (the keys of a YAML contract) that has been
parsed by the one contract schema and checked case by case with the real
judge, so the file written from it passes against the same server. The audit
runs on the recorded contract exactly as ``pytest`` would run it; probes with
findings at or above the plugin's default failing severity are written as an
``audit: skip`` that the renderer surrounds with a loud comment, so nothing is
accepted silently.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Sequence, Set, Tuple

from pytest_cors.audit.catalogue import at_or_above
from pytest_cors.audit.derive import ATTACKER_ORIGIN, derive_probes
from pytest_cors.audit.model import Finding
from pytest_cors.browser.origins import NULL_ORIGIN, same_origin
from pytest_cors.contract.model import ContractCase, CorsContract
from pytest_cors.contract.schema import parse_contract
from pytest_cors.record.infer import Draft, infer_drafts, refused_everywhere
from pytest_cors.record.openapi import Endpoint
from pytest_cors.record.probe import (
    Cell,
    CheckCase,
    Request,
    probe_endpoint,
    refused_for_all,
)

#: Findings at or above this severity fail a plain ``pytest`` run (the plugin's default), so they are skipped loudly.
ACCEPTED_SEVERITY = "medium"
#: Attacker origins tried per audit probe id before giving up on a deny origin for it.
CANDIDATES_PER_PROBE = 3
#: Rounds of "check every case, drop what fails" before the recorder gives up on a contract.
VERIFY_ROUNDS = 3
#: Why a contract was given up after VERIFY_ROUNDS (shown for its path: the contract itself is not written).
UNVERIFIED = "could not be verified: the server answered differently on every check (unstable policy?)"

Audit = Callable[[CorsContract], Sequence[Finding]]


@dataclass(frozen=True)
class RecordSettings:
    """What the frontend does: its origins, the methods to try, its extra headers and credentials mode."""

    origins: Tuple[str, ...]
    methods: Tuple[str, ...] = ("GET",)
    headers: Tuple[str, ...] = ()
    credentials: bool = False
    target_url: str = ""


@dataclass
class RecordedContract:
    """One contract to write: its data (YAML keys, in order), comments, and what the audit found."""

    data: Dict[str, Any]
    notes: List[str] = field(default_factory=list)
    deny_comments: Dict[str, str] = field(default_factory=dict)
    findings: Tuple[Finding, ...] = ()
    contract: Optional[CorsContract] = None
    #: The origins seen allowed, kept when ``origins: ["*"]`` is claimed (restored if the claim does not hold).
    listed: Tuple[str, ...] = ()

    @property
    def skipped(self) -> Tuple[str, ...]:
        """The audit probes the written contract skips (accepted findings)."""
        return tuple(self.data.get("audit", {}).get("skip", ()))


@dataclass(frozen=True)
class RecordedEndpoint:
    """One probed path: the methods tried, each (origin, method) cell, the contracts to write, and why any was not."""

    endpoint: Endpoint
    methods: Tuple[str, ...]
    cells: Tuple[Cell, ...]
    contracts: Tuple[RecordedContract, ...]
    #: A line per contract given up as unverifiable (``<name>: could not be verified: ...``).
    dropped: Tuple[str, ...] = ()


def parse(data: Dict[str, Any]) -> CorsContract:
    """The contract ``data`` describes, through the one schema every contract passes."""
    return parse_contract(data, default_name=data.get("path"), where=f"recorded contract {data.get('name')}")


def _data(name: str, path: str, draft: Draft) -> Dict[str, Any]:
    data: Dict[str, Any] = {"name": name, "path": path, "origins": ["*"] if draft.public else list(draft.origins)}
    data["methods"] = list(draft.methods)
    if draft.shape.headers:
        data["request_headers"] = list(draft.shape.headers)
    data["credentials"] = draft.shape.credentials
    if draft.expose_headers:
        data["expose_headers"] = list(draft.expose_headers)
    if draft.max_age is not None:
        low, high = draft.max_age
        data["max_age"] = low if low == high else {"min": low, "max": high}
    data["vary"] = draft.vary
    return data


def _public_in_fact(recorded: RecordedContract, check: CheckCase) -> None:
    """Without credentials, a server that lets any origin read is public: say so with ``origins: ["*"]``.

    Listing only the given origins would make every audit origin probe a finding
    of a policy nobody wrote; ``["*"]`` states what the server does, and the audit
    of a public contract still flags any credentialed read.
    """
    data = recorded.data
    if data["credentials"] or data["origins"] == ["*"]:
        return
    contract = parse(data)
    if all(check(ContractCase(contract, ATTACKER_ORIGIN, method, True)).passed for method in contract.methods):
        recorded.listed = tuple(data["origins"])
        data["origins"] = ["*"]
        recorded.notes.append(
            f"origins: ['*'] because any origin (e.g. {ATTACKER_ORIGIN}) can read this endpoint today without "
            "credentials: it is public in fact. If it should not be, the server needs an allowlist of origins."
        )


def _add_deny(recorded: RecordedContract, cells: Sequence[Cell], settings: RecordSettings, check: CheckCase) -> None:
    """Given origins refused today, then one refused attacker origin per audit probe."""
    data = recorded.data
    if data["origins"] == ["*"]:
        return
    deny: List[str] = []
    for origin in settings.origins:
        if origin not in data["origins"] and refused_everywhere(cells, origin, data["methods"]):
            deny.append(origin)
            recorded.deny_comments[origin] = "one of --origin: refused today"
    contract = parse(data)
    own = settings.target_url or "http://testserver"
    tried: Dict[str, int] = {}
    covered: Set[str] = set()
    for probe in derive_probes(contract):
        if probe.id in covered or tried.get(probe.id, 0) >= CANDIDATES_PER_PROBE or probe.origin in deny:
            continue
        if probe.origin != NULL_ORIGIN and same_origin(own, probe.origin):
            continue  # the target's own origin: same-origin requests never use CORS
        tried[probe.id] = tried.get(probe.id, 0) + 1
        if refused_for_all(contract, probe.origin, check):
            covered.add(probe.id)
            deny.append(probe.origin)
            source = f" of {probe.derived_from}" if probe.derived_from else ""
            recorded.deny_comments[probe.origin] = f"audit probe {probe.id}{source}: refused today"
    if deny:
        data["deny_origins"] = deny


def _fix(recorded: RecordedContract, result_case: ContractCase, kinds: Sequence[str]) -> None:
    """Drop from the contract data what the judge says does not hold today."""
    data, notes = recorded.data, recorded.notes
    origin = result_case.origin
    for kind in kinds:
        if kind == "blocked" and data.get("origins") == ["*"] and recorded.listed:
            data["origins"] = list(recorded.listed)
            notes.append(f"not recorded as public: {origin} (any origin) is blocked when checked as a whole contract")
        elif kind == "blocked" and origin in data.get("origins", ()):
            data["origins"].remove(origin)
            notes.append(f"{origin} dropped from origins: blocked when checked as a whole contract")
        elif kind == "allowed" and origin in data.get("deny_origins", ()):
            data["deny_origins"].remove(origin)
        elif kind in ("expose", "exposed-not-sent") and "expose_headers" in data:
            del data["expose_headers"]
            notes.append("expose_headers dropped: not readable in every browser on every response")
        elif kind == "max-age" and "max_age" in data:
            del data["max_age"]
            notes.append("max_age dropped: the preflights do not agree on one value")
        elif kind == "vary" and data.get("vary", True):
            data["vary"] = False
    for key in ("origins", "deny_origins"):
        if key in data and not data[key]:
            del data[key]


def verify(recorded: RecordedContract, check: CheckCase) -> Optional[CorsContract]:
    """Check every case with the real judge; drop what fails; the contract that holds (or None)."""
    data = recorded.data
    for _ in range(VERIFY_ROUNDS):
        if not data.get("origins") and not data.get("deny_origins"):
            return None
        contract = parse(data)
        failing = [(case, check(case)) for case in contract.cases()]
        failing = [(case, result) for case, result in failing if not result.passed]
        if not failing:
            return contract
        for case, result in failing:
            _fix(recorded, case, [p.kind for p in result.problems])
    recorded.notes.append(UNVERIFIED)
    return None


def _audit(recorded: RecordedContract, contract: CorsContract, audit: Audit) -> CorsContract:
    findings = tuple(audit(contract))
    recorded.findings = findings
    skip = sorted({f.probe for f in findings if at_or_above(f.severity, ACCEPTED_SEVERITY)})
    if skip:
        recorded.data["audit"] = {"skip": skip}
        contract = parse(recorded.data)
    return contract


def _deny_only(name: str, path: str, cells: Sequence[Cell], methods: Sequence[str], settings: RecordSettings) -> Optional[RecordedContract]:
    refused = [o for o in settings.origins if refused_everywhere(cells, o, methods)]
    if not refused:
        return None
    data: Dict[str, Any] = {"name": name, "path": path, "deny_origins": refused, "methods": list(methods)}
    if settings.headers:
        data["request_headers"] = list(settings.headers)
    data["credentials"] = settings.credentials
    return RecordedContract(data, ["no given origin can call this endpoint today: recorded as deny-only"])


def record_endpoint(endpoint: Endpoint, settings: RecordSettings, check: CheckCase, audit: Audit) -> RecordedEndpoint:
    """Probe one path, infer its contracts, verify each and audit it."""
    methods = endpoint.methods or settings.methods
    wanted = Request(settings.headers, settings.credentials)
    cells = probe_endpoint(endpoint.path, settings.origins, methods, wanted, check)
    drafts = infer_drafts(cells, methods)
    recorded: List[RecordedContract] = []
    for index, draft in enumerate(drafts):
        name = endpoint.path if len(drafts) == 1 else f"{endpoint.path} {'/'.join(draft.methods)}" + (f" #{index + 1}" if index else "")
        item = RecordedContract(_data(name, endpoint.path, draft), list(draft.notes))
        _public_in_fact(item, check)
        _add_deny(item, cells, settings, check)
        recorded.append(item)
    if not drafts:
        deny_only = _deny_only(endpoint.path, endpoint.path, cells, methods, settings)
        recorded += [deny_only] if deny_only else []
    kept: List[RecordedContract] = []
    dropped: List[str] = []
    for item in recorded:
        contract = verify(item, check)
        if contract is not None:
            item.contract = _audit(item, contract, audit)
            kept.append(item)
        elif UNVERIFIED in item.notes:
            dropped.append(f"{item.data['name']}: {UNVERIFIED}")
    return RecordedEndpoint(endpoint, tuple(methods), cells, tuple(kept), tuple(dropped))
