"""``${VAR}`` and ``${VAR:-default}`` in YAML contract files: secrets come from the environment.

Every string value of a contract file (``target``, ``path``, header values,
cookies, ``body``...) may name environment variables, so tokens and session
cookies never have to be committed. Names (``name:``) and keys are left as
written: they identify test items, and node ids are printed everywhere.

An unset variable without a default is an error naming the variable and
``file:line:column``. Every value that came from the environment is returned
so the run's redactor hides it in every report (it skips values too short to
hide without mangling reports: :data:`pytest_cors.report.redaction.MIN_SECRET_LENGTH`).
``$${`` writes a literal ``${``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable, Iterable, List, Mapping, Optional, Set, Tuple

from pytest_cors.contract.yaml_loader import MarkedDict, MarkedList

_REFERENCE = re.compile(r"\$\$\{|\$\{([^}]*)\}")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class EnvironmentReferenceError(ValueError):
    """A ``${...}`` that cannot be expanded; ``where`` is ``file:line:column``."""

    def __init__(self, message: str, where: Any) -> None:
        self.message = message
        self.where = where
        super().__init__(f"{where}: {message}")


@dataclass
class Expansion:
    """What expanding a document found: the values that came from the environment."""

    secrets: Set[str]


def expand_text(text: str, environ: Mapping[str, str], where: Any, found: Set[str]) -> str:
    """Expand one string; add every environment value it used to ``found``."""

    def replace(match: re.Match[str]) -> str:
        if match.group(0) == "$${":
            return "${"
        body = match.group(1)
        name, has_default, default = body.partition(":-")
        if not _NAME.fullmatch(name):
            raise EnvironmentReferenceError(
                f"${{{body}}} is not a variable reference: write ${{NAME}} or ${{NAME:-default}} "
                "(letters, digits and _; $${ for a literal ${)",
                where,
            )
        value = environ.get(name)
        if value is None or (has_default and value == ""):
            if not has_default:
                raise EnvironmentReferenceError(
                    f"environment variable {name} is not set (used as ${{{name}}}); set it, or give a default: "
                    f"${{{name}:-value}}",
                    where,
                )
            return default
        found.add(value)
        return value

    if "$" not in text:
        return text
    return _REFERENCE.sub(replace, text)


def expand_document(data: Any, environ: Mapping[str, str], locate: Callable[[Any, Tuple[Any, ...]], Any]) -> Tuple[Any, Expansion]:
    """A copy of marked YAML data with every string value expanded (marks kept)."""
    found: Set[str] = set()

    def walk(node: Any, path: Tuple[Any, ...], parent: Any, key: Optional[Any]) -> Any:
        if isinstance(node, str):
            if len(path) == 3 and path[0] == "contracts" and key == "name":
                return node  # names identify test items
            return expand_text(node, environ, locate(parent, (key,)) if parent is not None else "", found)
        if isinstance(node, MarkedDict):
            copy = MarkedDict({k: walk(v, path + (k,), node, k) for k, v in node.items()})
            copy.mark, copy.marks, copy.key_marks = node.mark, node.marks, node.key_marks
            return copy
        if isinstance(node, MarkedList):
            items: List[Any] = [walk(v, path + (i,), node, i) for i, v in enumerate(node)]
            copy_list = MarkedList(items)
            copy_list.mark, copy_list.marks = node.mark, node.marks
            return copy_list
        return node

    expanded = walk(data, (), None, None)
    return expanded, Expansion(found)


#: Shortest environment value looked for inside marker arguments (shorter ones match by accident).
MIN_MARKER_ENV_LENGTH = 6


def environment_values_in(texts: Iterable[str], environ: Mapping[str, str]) -> Set[str]:
    """Environment values (6+ characters) found inside ``texts``: markers read ``os.environ`` themselves.

    A marker's ``request_headers={"X-Api-Key": os.environ["API_KEY"]}`` carries no trace of
    where the value came from; finding the environment's values in the contract's strings
    lets the run hide them like ``${VAR}`` values.
    """
    joined = "\n".join(texts)
    return {value for value in set(environ.values()) if len(value) >= MIN_MARKER_ENV_LENGTH and value in joined}
