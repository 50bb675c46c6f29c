"""From probed cells to contract drafts (pure: reads the exchanges the engine already made).

A contract is one set of origins x one set of methods with one request shape,
so cells are grouped: origins that accept the same methods with the same
headers and credentials share a contract. What every allowed exchange of a
group shows becomes the rest of the contract: the exposed headers every browser
lets JavaScript read, the preflight Max-Age, and whether ``Vary: Origin`` is
sent (``vary: false`` otherwise, with the reason).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple

from pytest_cors.browser import rules
from pytest_cors.browser.cors_headers import NEVER_EXPOSED
from pytest_cors.browser.safelist import parse_token_list
from pytest_cors.contract.model import ANY_ORIGIN
from pytest_cors.record.probe import Cell, Outcome, Request

#: Exposed names never written: ``*`` is not a header name, Set-Cookie is never readable.
NOT_RECORDED_EXPOSED = frozenset({"*"}) | NEVER_EXPOSED


@dataclass(frozen=True)
class Draft:
    """The policy one group of cells shows; the recorder adds deny origins and verifies it."""

    origins: Tuple[str, ...]
    methods: Tuple[str, ...]
    shape: Request
    expose_headers: Tuple[str, ...] = ()
    max_age: Optional[Tuple[int, int]] = None
    vary: bool = True
    public: bool = False
    notes: Tuple[str, ...] = field(default=(), compare=False)


def _ordered(items: Sequence[str], order: Sequence[str]) -> Tuple[str, ...]:
    return tuple(sorted(items, key=order.index))


def group_cells(cells: Sequence[Cell], methods: Sequence[str]) -> List[Tuple[Tuple[str, ...], Tuple[str, ...], Request, List[Cell]]]:
    """(origins, methods, shape, cells) per group of origins that accept the same methods the same way."""
    by_origin: Dict[Tuple[str, Request], List[Cell]] = {}
    for cell in cells:
        if cell.allowed:
            by_origin.setdefault((cell.origin, cell.shape), []).append(cell)
    groups: Dict[Tuple[Tuple[str, ...], Request], Tuple[List[str], List[Cell]]] = {}
    for (origin, shape), allowed in by_origin.items():
        key = (_ordered([c.method for c in allowed], methods), shape)
        origins, members = groups.setdefault(key, ([], []))
        origins.append(origin)
        members.extend(allowed)
    return [(tuple(origins), key[0], key[1], members) for key, (origins, members) in groups.items()]


def _exposed(cells: Sequence[Cell], credentials: bool) -> Tuple[str, ...]:
    """Names listed in Access-Control-Expose-Headers that every browser exposes on every actual response."""
    common: Optional[List[str]] = None
    for cell in cells:
        for verdict in cell.result.verdicts if cell.result else ():
            actual = verdict.actual
            if actual is None or verdict.actual_withheld:
                continue
            listed = parse_token_list(actual.response.header(rules.ACEH)) or []
            readable = rules.exposed_header_names(actual.response, credentials)
            names = [n for n in listed if n.lower() in readable and n.lower() not in NOT_RECORDED_EXPOSED]
            common = names if common is None else [n for n in common if n.lower() in {x.lower() for x in names}]
    return tuple(dict.fromkeys(common or []))


def _max_age(cells: Sequence[Cell]) -> Optional[Tuple[int, int]]:
    """(lowest, highest) Max-Age over the group's preflights; None when any preflight lacks a valid one."""
    seen: List[int] = []
    for cell in cells:
        preflight = cell.result.verdicts[0].preflight if cell.result else None
        if preflight is None:
            continue
        seconds = rules.parse_max_age(preflight.response.header_lines(rules.ACMA))
        if seconds is None:
            return None
        seen.append(seconds)
    return (min(seen), max(seen)) if seen else None


def _acao_values(cells: Sequence[Cell]) -> List[Optional[str]]:
    values = []
    for cell in cells:
        verdict = cell.result.verdicts[0] if cell.result else None
        exchange = verdict and (verdict.actual if verdict.actual and not verdict.actual_withheld else verdict.preflight)
        if exchange:
            value = exchange.response.header(rules.ACAO)
            values.append(None if value is None else value.strip())
    return values


def _vary(cells: Sequence[Cell]) -> Tuple[bool, Tuple[str, ...]]:
    """Whether every allowed actual response that names an origin also sends ``Vary: Origin``."""
    for cell in cells:
        for verdict in cell.result.verdicts[:1] if cell.result else ():
            actual = verdict.actual
            if actual is None or verdict.actual_withheld:
                continue
            acao = (actual.response.header(rules.ACAO) or "").strip()
            if acao and acao != ANY_ORIGIN and not rules.vary_lists_origin(actual.response):
                return False, (
                    f"vary: false because the {cell.method} response to {cell.origin} allows {acao!r} without "
                    "'Vary: Origin' (a shared cache can serve it to another origin: see the audit's missing-vary)",
                )
    return True, ()


def infer_drafts(cells: Sequence[Cell], methods: Sequence[str]) -> List[Draft]:
    """One draft per group of allowed cells, in the order origins were given."""
    drafts: List[Draft] = []
    for origins, group_methods, shape, members in group_cells(cells, methods):
        vary, notes = _vary(members)
        acao = _acao_values(members)
        public = not shape.credentials and bool(acao) and all(value == ANY_ORIGIN for value in acao)
        drafts.append(
            Draft(
                origins=origins,
                methods=group_methods,
                shape=shape,
                expose_headers=_exposed(members, shape.credentials),
                max_age=_max_age(members),
                vary=vary,
                public=public,
                notes=notes,
            )
        )
    return drafts


def refused_everywhere(cells: Sequence[Cell], origin: str, methods: Sequence[str]) -> bool:
    """Whether every browser blocked ``origin`` for each of ``methods`` (not merely disagreed)."""
    mine = {c.method: c for c in cells if c.origin == origin}
    return all(m in mine and mine[m].outcome is Outcome.BLOCKED for m in methods)
