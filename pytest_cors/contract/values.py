"""The words of contract errors: key paths, type names, echoed values, suggestions.

Shared by :mod:`pytest_cors.contract.schema` and the YAML file checks of the plugin, so
every message about user input names types and values the same way (the YAML way: a
"mapping", not a dict) and points at the same kind of :class:`Location`.
"""

from __future__ import annotations

import difflib
from collections import abc  # isinstance checks: typing.Mapping's are several times slower
from typing import Any, Callable, List, Sequence, Tuple

from pytest_cors.contract.model import ContractError, Location

KeyPath = Tuple[Any, ...]
Locate = Callable[[KeyPath], Location]
#: Last element of a ``locate`` path that asks for the position of the key, not of its value.
KEY_ITSELF = "<key>"
#: (key path, text) of each string in a string-or-list value.
Strings = List[Tuple[KeyPath, str]]


def quote_hint(key: str, value: Any) -> str:
    """YAML turns unquoted null, yes/no/on/off and numbers into non-strings: say how to keep the text."""
    if "origin" in key and value is None:
        return ' (the opaque origin is the string "null": in YAML quote it, a bare null means no value)'
    if isinstance(value, bool):
        return " (in YAML, unquoted yes/no/on/off/true/false are booleans: quote the value)"
    return ""


def did_you_mean(word: str, choices: Sequence[str]) -> str:
    """``; did you mean 'origins'?`` when ``word`` is close to one of ``choices``, else nothing."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


_TYPE_NAMES = ((bool, "boolean"), (int, "integer"), (float, "number"), (str, "string"), (abc.Mapping, "mapping"), ((list, tuple), "list"))


def type_name(value: Any) -> str:
    """The YAML word for a value's type (users write YAML, not Python)."""
    if value is None:
        return "null"
    return next((name for kind, name in _TYPE_NAMES if isinstance(value, kind)), type(value).__name__)


def shown_value(value: Any, limit: int = 80) -> str:
    """A value echoed in an error message, clipped so a huge value cannot flood the report."""
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "…"


def fail_at(locate: Locate, path: KeyPath, message: str) -> ContractError:
    """The error for the value at ``path``, located by ``locate``."""
    return ContractError(message, locate(path))




def string_list(locate: Locate, key: str, value: Any, at: KeyPath = ()) -> Strings:
    """The strings of a string-or-list value, each with its key path; anything else is an error.

    ``at`` is the key path of a value nested in a mapping (``("audit", "skip")``): errors then
    name it the way the user wrote it (``audit.skip[0]``) and point at it, not at ``key``.
    """
    where = at or (key,)
    name = ".".join(str(part) for part in where)
    if isinstance(value, str):
        return [(where, value)]
    if isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            if not isinstance(item, str):
                raise fail_at(
                    locate, where + (index,),
                    f"{name}[{index}] must be a string, got {type_name(item)} {shown_value(item)}{quote_hint(key, item)}",
                )
        return [(where + (index,), item) for index, item in enumerate(value)]
    raise fail_at(
        locate, where,
        f"{name} must be a string or a list of strings, got {type_name(value)} {shown_value(value)}{quote_hint(key, value)}",
    )


