"""Compare an observed policy with its lockfile entry and classify every difference.

``loosened``: something is allowed that was not (an origin, a method, a request
header, credentials, an exposed header, a longer preflight cache, a response no
longer varying on Origin): a security review is needed. ``tightened``:
something is now blocked or shorter: a client may break. ``changed``: a
difference that does neither (another Vary item, an ACAO value that is neither
added, removed nor ``*``).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Dict, List, Optional, Tuple

from pytest_cors.browser.profiles import display_names
from pytest_cors.browser.rules import ACAC, ACAH, ACAM, ACAO, ACEH, ACMA
from pytest_cors.snapshot.policy import (
    ALLOWED,
    BLOCKED,
    EXCHANGE_KINDS,
    PolicyEntry,
    entry_browsers,
    entry_headers,
    list_items,
)

#: Access-Control-Max-Age browsers assume when the header is missing.
DEFAULT_MAX_AGE = 5
#: How each list header's items read in a sentence.
LIST_WORDING = {
    ACAM.lower(): ("allows method", "no longer allows method"),
    ACAH.lower(): ("allows request header", "no longer allows request header"),
    ACEH.lower(): ("exposes header", "no longer exposes header"),
}
DISPLAY_NAMES = {name.lower(): name for name in (ACAO, ACAC, ACAM, ACAH, ACEH, ACMA, "Vary")}


class ChangeKind(str, enum.Enum):
    """How a policy change matters: it opens access, closes it, or neither."""

    LOOSENED = "loosened"
    TIGHTENED = "tightened"
    CHANGED = "changed"


@dataclass(frozen=True)
class Change:
    """One difference between the lockfile and this run, for one contract case."""

    kind: ChangeKind
    contract: str
    case: str
    summary: str

    def line(self) -> str:
        """The change as one line of a failure report."""
        return f"{self.kind.value:9}  {self.contract} [{self.case}]: {self.summary}"

    def to_dict(self) -> Dict[str, str]:
        """Plain data for reports and xdist transport."""
        return {"kind": self.kind.value, "contract": self.contract, "case": self.case, "summary": self.summary}

    @classmethod
    def from_dict(cls, data: Dict[str, str]) -> Change:
        """The inverse of :meth:`to_dict`."""
        return cls(ChangeKind(data["kind"]), data["contract"], data["case"], data["summary"])


def _browser_changes(before: PolicyEntry, after: PolicyEntry) -> List[Tuple[ChangeKind, str]]:
    old, new = entry_browsers(before), entry_browsers(after)
    opened = tuple(p for p in new if old.get(p) == BLOCKED and new[p] == ALLOWED)
    closed = tuple(p for p in new if old.get(p) == ALLOWED and new[p] == BLOCKED)
    changes = []
    if opened:
        changes.append((ChangeKind.LOOSENED, f"now allowed by {display_names(opened)} (was blocked)"))
    if closed:
        changes.append((ChangeKind.TIGHTENED, f"now blocked by {display_names(closed)} (was allowed): a client may break"))
    return changes


def _origin_change(old: object, new: object) -> Tuple[ChangeKind, str]:
    if old is None:
        return ChangeKind.LOOSENED, f"is now {new!r} (was absent)"
    if new is None:
        return ChangeKind.TIGHTENED, f"is now absent (was {old!r})"
    if new == "*":
        return ChangeKind.LOOSENED, f"is now '*' (any origin; was {old!r})"
    if old == "*":
        return ChangeKind.TIGHTENED, f"is now {new!r} (was '*')"
    return ChangeKind.CHANGED, f"is now {new!r} (was {old!r})"


def _max_age(value: object) -> Optional[int]:
    if value is None:
        return DEFAULT_MAX_AGE
    return value if isinstance(value, int) else None


def _header_changes(name: str, old: object, new: object) -> List[Tuple[ChangeKind, str]]:
    if old == new:
        return []
    shown = DISPLAY_NAMES.get(name, name)
    if name == ACAO.lower():
        kind, text = _origin_change(old, new)
        return [(kind, f"{shown} {text}")]
    if name == ACAC.lower():
        if new == "true":
            return [(ChangeKind.LOOSENED, f"{shown} is now 'true': credentialed requests are allowed (was {'absent' if old is None else repr(old)})")]
        if old == "true":
            return [(ChangeKind.TIGHTENED, f"{shown} is now {new!r} (was 'true'): credentialed requests are refused")]
        return [(ChangeKind.CHANGED, f"{shown} is now {new!r} (was {old!r})")]
    if name == ACMA.lower():
        before, after = _max_age(old), _max_age(new)
        text = f"{shown} is now {new!r} (was {old!r})"
        if before is not None and after is not None and after > before:
            return [(ChangeKind.LOOSENED, text + ": preflights are cached longer")]
        if before is not None and after is not None and after < before:
            return [(ChangeKind.TIGHTENED, text + ": preflights are cached for less time")]
        return [(ChangeKind.CHANGED, text)]
    old_items, new_items = set(list_items(old)), set(list_items(new))
    if name == "vary":
        if {"origin", "*"} & old_items and not {"origin", "*"} & new_items:
            return [(ChangeKind.LOOSENED, f"{shown} no longer lists Origin: a shared cache can serve one origin's answer to another")]
        return [(ChangeKind.CHANGED, f"{shown} is now {new!r} (was {old!r})")]
    if name not in LIST_WORDING:  # a header this version does not record (a hand-edited or newer lockfile)
        return [(ChangeKind.CHANGED, f"{shown} is now {new!r} (was {old!r})")]
    grant, revoke = LIST_WORDING[name]
    changes = []
    added, removed = sorted(new_items - old_items), sorted(old_items - new_items)
    if added:
        changes.append((ChangeKind.LOOSENED, f"{shown} now {grant} {', '.join(added)}"))
    if removed:
        changes.append((ChangeKind.TIGHTENED, f"{shown} {revoke} {', '.join(removed)}"))
    return changes


def _exchange_changes(before: PolicyEntry, after: PolicyEntry) -> List[Tuple[ChangeKind, str]]:
    changes: List[Tuple[ChangeKind, str]] = []
    for kind in EXCHANGE_KINDS:
        old, new = entry_headers(before, kind), entry_headers(after, kind)
        if old is None or new is None:
            if (old is None) != (new is None):
                state = "now made" if new is not None else "no longer made"
                changes.append((ChangeKind.CHANGED, f"the {kind} request is {state}"))
            continue
        for name in sorted(set(old) | set(new), key=lambda n: list(DISPLAY_NAMES).index(n) if n in DISPLAY_NAMES else 99):
            changes.extend((k, f"{kind}: {text}") for k, text in _header_changes(name, old.get(name), new.get(name)))
    return changes


def compare(before: Optional[PolicyEntry], after: PolicyEntry, *, contract: str, case: str, lockfile: str) -> Tuple[Change, ...]:
    """Every difference between a lockfile entry (``None``: not recorded) and what this run observed."""
    if before is None:
        allowed = tuple(p for p, v in entry_browsers(after).items() if v == ALLOWED)
        if allowed:
            text = f"not in {lockfile}: allowed by {display_names(allowed)}"
            return (Change(ChangeKind.LOOSENED, contract, case, text),)
        return (Change(ChangeKind.CHANGED, contract, case, f"not in {lockfile}: blocked by every browser"),)
    if before.get("expected") != after.get("expected"):
        note = (ChangeKind.CHANGED, f"the contract now expects it {after.get('expected')} (was {before.get('expected')})")
        found = [note]
    else:
        found = []
    found += _browser_changes(before, after) + _exchange_changes(before, after)
    return tuple(Change(kind, contract, case, text) for kind, text in found)


def counts(changes: Tuple[Change, ...]) -> Dict[str, int]:
    """How many changes of each kind (every kind present, for stable reports)."""
    return {kind.value: sum(1 for c in changes if c.kind is kind) for kind in ChangeKind}
