"""Recorded contracts as a commented YAML contract file (``cors_<name>.yaml``).

Written by hand rather than with ``yaml.dump`` because the comments are the
point: where each value came from, what was refused and why, placeholders in
paths, and a loud block over every audit finding the file accepts. The text is
parsed back with the plugin's own loader and schema before it is written
(:func:`parse_rendered`), so a file that would not collect is never produced.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Sequence, Tuple

import yaml

from pytest_cors.audit.model import Finding
from pytest_cors.contract.model import CorsContract
from pytest_cors.contract.schema import parse_contract
from pytest_cors.contract.yaml_loader import load_yaml
from pytest_cors.record.recorder import RecordedContract, RecordedEndpoint

KEY_ORDER = ("name", "path", "origins", "deny_origins", "methods", "request_headers", "credentials",
             "expose_headers", "max_age", "vary", "audit")
_PLAIN = re.compile(r"[A-Za-z0-9/][A-Za-z0-9_./:@%+~\-]*")


def scalar(value: Any) -> str:
    """A YAML scalar that reads back as exactly ``value`` (quoted only when it must be)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    text = str(value)
    if _PLAIN.fullmatch(text) and yaml.safe_load(text) == text:
        return text
    return _double_quoted(text)


def _double_quoted(text: str) -> str:
    r"""A YAML double-quoted scalar with everything beyond printable ASCII escaped (``\u`` / ``\U``)."""
    out = []
    for char in text:
        code = ord(char)
        if char in '"\\':
            out.append("\\" + char)
        elif 0x20 <= code < 0x7F:
            out.append(char)
        else:
            out.append(f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
    return '"' + "".join(out) + '"'


def _flow(values: Sequence[Any]) -> str:
    return "[" + ", ".join(scalar(v) for v in values) + "]"


def _comment(text: str, indent: str, mark: str = "#") -> List[str]:
    return [f"{indent}{mark} {line}".rstrip() for line in text.splitlines()]


def _grouped(findings: Sequence[Finding]) -> List[str]:
    """One line per (severity, probe): the first summary, and how many more origins showed it."""
    groups: Dict[Tuple[str, str], List[Finding]] = {}
    for finding in findings:
        groups.setdefault((finding.severity, finding.probe), []).append(finding)
    lines = []
    for (severity, probe), group in groups.items():
        more = f" (and {len(group) - 1} more origin{'s' if len(group) > 2 else ''})" if len(group) > 1 else ""
        lines.append(f"{severity.upper()} {probe}: {group[0].summary}{more}")
    return lines


def _finding_lines(findings: Sequence[Finding], skipped: Sequence[str], indent: str) -> List[str]:
    lines: List[str] = []
    accepted = [f for f in findings if f.probe in skipped]
    if accepted:
        lines += _comment(
            "!!! SECURITY: the audit found the problems below, and this contract ACCEPTS them as the server\n"
            "!!! behaves today (audit: skip). Review before committing: fix the server, then delete the skip.",
            indent,
        )
        lines += [line for text in _grouped(accepted) for line in _comment(f"!!! {text}", indent)]
    others = [f for f in findings if f.probe not in skipped]
    lines += [line for text in _grouped(others) for line in _comment(f"audit {text} (not failing by default)", indent)]
    return lines


def _origin_list(key: str, origins: Sequence[str], comments: Dict[str, str], indent: str) -> List[str]:
    if not any(o in comments for o in origins):
        return [f"{indent}{key}: {_flow(origins)}"]
    lines = [f"{indent}{key}:"]
    for origin in origins:
        note = comments.get(origin)
        lines.append(f"{indent}  - {scalar(origin)}" + (f"  # {note}" if note else ""))
    return lines


def render_contract(item: RecordedContract) -> List[str]:
    """One ``- name: ...`` entry of the ``contracts:`` list, with its comments above it."""
    indent = "    "
    lines = _comment("\n".join(item.notes), "  ")
    lines += _finding_lines(item.findings, item.skipped, "  ")
    data = item.data
    first = True
    for key in KEY_ORDER:
        if key not in data:
            continue
        value = data[key]
        prefix = "  - " if first else indent
        first = False
        if key == "deny_origins":  # one per line when the recorder says why each is refused
            entry = _origin_list(key, value, item.deny_comments, indent)
            lines.append(prefix + entry[0].strip())
            lines += entry[1:]
        elif key == "max_age" and isinstance(value, dict):
            lines.append(f"{prefix}max_age: {{{', '.join(f'{k}: {v}' for k, v in value.items())}}}")
        elif key == "audit":
            lines.append(f"{prefix}audit: {{skip: {_flow(value['skip'])}}}  # !!! accepted findings, see above")
        elif isinstance(value, list):
            lines.append(f"{prefix}{key}: {_flow(value)}")
        else:
            lines.append(f"{prefix}{key}: {scalar(value)}")
    return lines


def render_file(endpoints: Sequence[RecordedEndpoint], *, target: str, header: Sequence[str]) -> str:
    """The whole file: header comments, ``target:``, and every recorded contract under its endpoint."""
    lines: List[str] = [f"# {line}".rstrip() for line in header]
    lines += ["", f"target: {scalar(target)}  # --cors-url / --cors-app on the pytest command line override it", "", "contracts:"]
    for recorded in endpoints:
        endpoint = recorded.endpoint
        lines.append("")
        lines.append(f"  # --- {' '.join(recorded.methods)} {endpoint.path}" + (f"  (OpenAPI: {endpoint.template})" if endpoint.template and endpoint.template != endpoint.path else ""))
        lines += _comment("\n".join(endpoint.notes), "  ")
        for cell in recorded.cells:
            lines += [line for note in cell.notes for line in _comment(note, "  ")]
            if not cell.allowed:
                lines += _comment(f"{cell.method} from {cell.origin}: {cell.outcome.value}: {cell.reason}", "  ")
        lines += [line for note in recorded.dropped for line in _comment(note, "  ")]
        if not recorded.contracts:
            lines += _comment("nothing recorded for this path: no origin is allowed or cleanly refused", "  ")
        for item in recorded.contracts:
            lines += render_contract(item)
    return "\n".join(lines) + "\n"


def parse_rendered(text: str, name: str) -> List[CorsContract]:
    """The contracts the plugin will read from ``text`` (raises if the file would not collect)."""
    data = load_yaml(text, name)
    return [parse_contract(entry, default_name=None, where=name) for entry in data["contracts"]]
